// Text edits that quick fixes of several rules share: set a changeset attribute (runInTransaction) or a change
// attribute (splitStatements) the way the user would type it in YAML or on a formatted SQL `--changeset` line,
// put a statement before another, append a changeset. Each answers undefined when the text is not laid out in a
// way it can edit safely (flow-style YAML, JSON): no fix is better than a fix that breaks the changelog.

import { type LineIndex, linesOfFile } from '../changelog/line-index';
import type { Change, Changelog, Changeset, FileEdit, Position } from '../changelog/model';
import type { ChangesetStatement } from '../schema/statements';

/** The file's line index (the loader's, kept on the file). */
export function linesOf(changelog: Changelog, file: string): LineIndex | undefined {
  const source = changelog.files.get(file);
  return source ? linesOfFile(source) : undefined;
}

const eols = new WeakMap<LineIndex, string>();
/** the file's line ending, found once per file: a fix is built per finding, and searching a 1 MB file each time was most of the lint */
function eolOf(index: LineIndex): string {
  let eol = eols.get(index);
  if (eol === undefined) eols.set(index, (eol = index.text.includes('\r\n') ? '\r\n' : '\n'));
  return eol;
}

function lineText(index: LineIndex, line: number): string {
  return index.text.slice(index.lineStart(line), index.lineEnd(line));
}

function indentOf(text: string): string {
  return /^[ \t]*/.exec(text)![0];
}

function at(position: Position, newText: string, file: string): FileEdit {
  return { file, range: { start: position, end: position }, newText };
}

/** Sets `runInTransaction: false` on the changeset (replacing a `true` already written). */
export function runInTransactionFalse(changelog: Changelog, changeset: Changeset): FileEdit[] | undefined {
  const index = linesOf(changelog, changeset.file);
  if (!index) return undefined;
  if (changeset.kind === 'formatted-sql') return [headerAttribute(index, changeset, 'runInTransaction', 'false')];
  if (changeset.kind !== 'yaml') return undefined;
  return yamlChangesetKey(index, changeset, 'runInTransaction', 'false');
}

/** `name:value` on a formatted SQL `--changeset` line: replaces the value written there, or appends the attribute. */
function headerAttribute(index: LineIndex, changeset: Changeset, name: string, value: string): FileEdit {
  const line = changeset.headerRange.start.line;
  const text = lineText(index, line);
  const written = new RegExp(`(\\s${name}:)(\\w*)`).exec(text);
  if (written) {
    const start = written.index + written[1].length;
    return { file: changeset.file, range: { start: { line, character: start }, end: { line, character: start + written[2].length } }, newText: value };
  }
  return at({ line, character: text.replace(/\s+$/, '').length }, ` ${name}:${value}`, changeset.file);
}

/** A key of a YAML changeSet mapping: replaces its value, or inserts `key: value` after the author (or id) line. */
function yamlChangesetKey(index: LineIndex, changeset: Changeset, key: string, value: string): FileEdit[] | undefined {
  const keyLines = [changeset.idRange, changeset.authorRange].filter((r) => r !== undefined).map((r) => r!.start.line);
  if (!keyLines.length) return undefined;
  const indent = indentOf(lineText(index, keyLines[0]));
  if (!keyLines.every((l) => new RegExp(`^${indent}(id|author)\\s*:`).test(lineText(index, l)))) return undefined;
  for (let line = changeset.range.start.line + 1; line <= changeset.range.end.line && line < index.lineCount; line++) {
    const text = lineText(index, line);
    const written = new RegExp(`^(${indent}${key}\\s*:\\s*)(\\S*)`).exec(text);
    if (written) {
      return [{ file: changeset.file, range: { start: { line, character: written[1].length }, end: { line, character: written[0].length } }, newText: value }];
    }
  }
  const after = Math.max(...keyLines);
  return [at({ line: after, character: index.lineEnd(after) - index.lineStart(after) }, `${eolOf(index)}${indent}${key}: ${value}`, changeset.file)];
}

/** Sets `splitStatements: false` on a sql or sqlFile change: the change's own key in YAML, the `--changeset` line in formatted SQL. */
export function splitStatementsFalse(changelog: Changelog, changeset: Changeset, change: Change): FileEdit[] | undefined {
  const index = linesOf(changelog, changeset.file);
  if (!index) return undefined;
  if (changeset.kind === 'formatted-sql') return [headerAttribute(index, changeset, 'splitStatements', 'false')];
  if (changeset.kind !== 'yaml') return undefined;
  const written = change.params.splitStatements;
  if (written) return [{ file: changeset.file, range: written.range, newText: 'false' }];
  const eol = eolOf(index);
  const keyLine = change.typeRange.start.line;
  const keyText = lineText(index, keyLine);
  const sqlParam = change.params.sql ?? change.params.path;
  if (!sqlParam) return undefined;
  if (typeof change.raw === 'string') {
    // the short form `- sql: …`: becomes `- sql:` with `splitStatements: false` and `sql: …` under it, and every
    // further line of the SQL moves two columns right so it stays inside the (now deeper) scalar
    const inner = ' '.repeat(change.typeRange.start.character + 2);
    const colon = keyText.indexOf(':', change.typeRange.end.character);
    if (colon < 0) return undefined;
    const valueStart = colon + 1 + indentOf(keyText.slice(colon + 1)).length;
    const edits: FileEdit[] = [
      { file: changeset.file, range: { start: { line: keyLine, character: colon + 1 }, end: { line: keyLine, character: valueStart } }, newText: `${eol}${inner}splitStatements: false${eol}${inner}sql: ` },
    ];
    const end = sqlParam.range.end;
    const lastLine = end.character === 0 && end.line > keyLine ? end.line - 1 : end.line;
    for (let line = keyLine + 1; line <= lastLine; line++) {
      if (lineText(index, line).trim()) edits.push(at({ line, character: 0 }, '  ', changeset.file));
    }
    return edits;
  }
  // the mapping form: a key line under the change, at the indentation of its other keys
  for (let line = keyLine + 1; line <= change.range.end.line && line < index.lineCount; line++) {
    const text = lineText(index, line);
    if (!text.trim() || /^\s*#/.test(text)) continue;
    const indent = indentOf(text);
    if (indent.length <= change.typeRange.start.character || !/^\s*[A-Za-z]\w*\s*:/.test(text)) return undefined;
    return [at({ line, character: 0 }, `${indent}splitStatements: false${eol}`, changeset.file)];
  }
  return undefined;
}

/**
 * Puts `sql` (one statement, with its `;`) before a statement. Raw SQL: on its own line above the statement, at
 * its indentation. A built-in change in YAML: a `- sql:` change before it.
 */
export function insertBeforeStatement(changelog: Changelog, statement: ChangesetStatement, sql: string): FileEdit | undefined {
  const index = linesOf(changelog, statement.file);
  if (!index) return undefined;
  const eol = eolOf(index);
  if (statement.generated) {
    const line = statement.change.typeRange.start.line;
    const dash = /^(\s*)-\s+$/.exec(lineText(index, line).slice(0, statement.change.typeRange.start.character));
    if (!dash) return undefined;
    return at({ line, character: 0 }, `${dash[1]}- sql: ${sql.replace(/;$/, '')}${eol}`, statement.file);
  }
  const start = statement.range.start;
  const before = lineText(index, start.line).slice(0, start.character);
  const quote = statement.change.sql && statement.file !== statement.change.sql.file ? undefined : yamlQuoteAt(index, statement);
  const text = quote === "'" ? sql.replace(/'/g, "''") : quote === '"' ? sql.replace(/["\\]/g, '\\$&') : sql;
  // on the statement's line after other text (a `- sql: ` key): the statement moves to a line of its own at the same column
  const indent = /^\s*$/.test(before) ? before : ' '.repeat(start.character);
  return at(start, `${text}${eol}${indent}`, statement.file);
}

/** the quote character of the YAML scalar holding the statement's SQL, if it is quoted */
function yamlQuoteAt(index: LineIndex, statement: ChangesetStatement): string | undefined {
  const param = statement.change.params.sql;
  if (!param || statement.generated) return undefined;
  const first = index.text[index.offset(param.range.start)];
  return first === "'" || first === '"' ? first : undefined;
}

/**
 * A new changeset right after `changeset`, by the same author, running `sql` (one statement). YAML: a `- changeSet:`
 * item with the same indentation; formatted SQL: a `--changeset author:id` block.
 */
export function appendChangeset(changelog: Changelog, changeset: Changeset, id: string, sql: string): FileEdit | undefined {
  const index = linesOf(changelog, changeset.file);
  if (!index) return undefined;
  const eol = eolOf(index);
  const end = changeset.range.end;
  // after the changeset's last line
  const lastLine = end.character === 0 && end.line > changeset.range.start.line ? end.line - 1 : end.line;
  const position = { line: lastLine, character: index.lineEnd(lastLine) - index.lineStart(lastLine) };
  const lines = siblingChangesetLines(index, changeset, id, sql, false);
  return lines && at(position, eol + (changeset.kind === 'formatted-sql' ? eol : '') + lines.join(eol), changeset.file);
}

/**
 * Deletes a raw SQL statement with its `;` and its whole lines, when nothing else is written on them (so moving it
 * elsewhere leaves no stray text). Undefined for a built-in change or a statement that shares a line.
 */
export function removeStatementLines(changelog: Changelog, statement: ChangesetStatement): FileEdit | undefined {
  if (statement.generated) return undefined;
  const index = linesOf(changelog, statement.file);
  if (!index) return undefined;
  const { start, end } = statement.range;
  if (lineText(index, start.line).slice(0, start.character).trim()) return undefined;
  const rest = lineText(index, end.line).slice(end.character);
  if (!/^\s*;?\s*$/.test(rest)) return undefined;
  const next = end.line + 1 < index.lineCount ? { line: end.line + 1, character: 0 } : { line: end.line, character: index.lineEnd(end.line) - index.lineStart(end.line) };
  return { file: statement.file, range: { start: { line: start.line, character: 0 }, end: next }, newText: '' };
}

/**
 * A new changeset right before `changeset`, by the same author, running `sql` (one statement), outside a
 * transaction when `runInTransaction` is false. Same layout as appendChangeset.
 */
export function prependChangeset(changelog: Changelog, changeset: Changeset, id: string, sql: string, options: { runInTransaction?: boolean } = {}): FileEdit | undefined {
  const index = linesOf(changelog, changeset.file);
  if (!index) return undefined;
  const eol = eolOf(index);
  const lines = siblingChangesetLines(index, changeset, id, sql, options.runInTransaction === false);
  return lines && at({ line: changeset.headerRange.start.line, character: 0 }, lines.join(eol) + eol + (changeset.kind === 'formatted-sql' ? eol : ''), changeset.file);
}

/**
 * The lines of a changeset by `changeset`'s author running `sql`, written the way `changeset` is: a `--changeset`
 * block in formatted SQL, a `- changeSet:` item at the same indentation in YAML. Undefined when the YAML layout is
 * not one it can follow.
 */
function siblingChangesetLines(index: LineIndex, changeset: Changeset, id: string, sql: string, outsideTransaction: boolean): string[] | undefined {
  if (changeset.kind === 'formatted-sql') {
    return [`--changeset ${changeset.author}:${id}${outsideTransaction ? ' runInTransaction:false' : ''}`, sql.endsWith(';') ? sql : `${sql};`];
  }
  if (changeset.kind !== 'yaml' || !changeset.idRange) return undefined;
  const header = lineText(index, changeset.headerRange.start.line).slice(0, changeset.headerRange.start.character);
  const dash = /^(\s*)-\s+$/.exec(header);
  if (!dash) return undefined;
  const keys = indentOf(lineText(index, changeset.idRange.start.line));
  if (keys.length <= dash[1].length) return undefined;
  const author = /^[\w.@-]+$/.test(changeset.author) ? changeset.author : JSON.stringify(changeset.author);
  const quotedId = /^[\w.-]+$/.test(id) ? id : JSON.stringify(id);
  return [
    `${header}changeSet:`,
    `${keys}id: ${quotedId}`,
    `${keys}author: ${author}`,
    ...(outsideTransaction ? [`${keys}runInTransaction: false`] : []),
    `${keys}changes:`,
    `${keys}  - sql: ${sql.replace(/;$/, '')}`,
  ];
}

/** An identifier as PostgreSQL needs it written: bare when it folds to itself, else double-quoted. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
