// Where a position in a file falls in a changelog's SQL: the changeset, the change, the place in the change's SQL
// text, and how many of the changeset's statements run before it. Hover and completion read the schema at that
// point (replayTo) and the words around the position. Positions in YAML `sql:` blocks, formatted SQL changesets
// and the .sql files of sqlFile changes all map to one SQL text through the model's offsets.

import type { Change, Changelog, Changeset, Position, SqlText } from '../changelog/model';
import { fileOffset } from '../sql/analyse';
import { replayTo, statementsOf } from '../schema/replay';
import type { Schema } from '../schema/schema';
import { lineIndexesOf, type LineIndex } from '../changelog/line-index';
import type { ChangesetStatement } from '../schema/statements';

export interface SqlLocation {
  changelog: Changelog;
  changeset: Changeset;
  change: Change;
  /** the change's SQL and the position's index in its text; undefined for a built-in change (the position is in its YAML) */
  sql?: SqlText;
  index?: number;
  /** blanks between the end of the (trimmed) SQL text and the position, when the position is past the end */
  tail?: string;
  /** the position's offset in its file, and the file's text */
  offset: number;
  fileText: string;
  /** how many of the changeset's statements run before the position's statement */
  statementsBefore: number;
  lines: (file: string) => LineIndex;
}

/** The SQL (or built-in change) at a position of a file, in the first tree that has one there. */
export function sqlLocationAt(trees: Changelog[], file: string, position: Position): SqlLocation | undefined {
  for (const changelog of trees) {
    const fileText = changelog.files.get(file)?.text;
    if (fileText === undefined) continue;
    const lines = lineIndexesOf(changelog);
    const offset = lines(file).offset(position);
    for (const changeset of changesetsTouching(changelog, file, position)) {
      const found = locate(changelog, changeset, file, offset, position, lines, fileText);
      if (found) return found;
    }
  }
  return undefined;
}

/** The schema just before the statement at the location (the changes before it in its changeset applied). */
export function schemaAt(location: SqlLocation): Schema {
  return replayTo(location.changelog, { changeset: location.changeset.index, statements: location.statementsBefore }, location.lines);
}

/** The schema after the location's whole changeset: where a name the changeset itself creates is found. */
export function schemaAfterChangeset(location: SqlLocation): Schema {
  return replayTo(location.changelog, { changeset: location.changeset.index + 1 }, location.lines);
}

function changesetsTouching(changelog: Changelog, file: string, position: Position): Changeset[] {
  const out: Changeset[] = [];
  for (const changeset of changelog.changesets) {
    if (changeset.file === file && contains(changeset.range, position)) out.push(changeset);
  }
  // a .sql file of sqlFile changes: every changeset that runs it (the first one gives the answer)
  for (const change of changelog.sqlFiles.get(file) ?? []) {
    const owner = changelog.changesets.find((c) => c.changes.includes(change));
    if (owner && !out.includes(owner)) out.push(owner);
  }
  return out;
}

function locate(
  changelog: Changelog, changeset: Changeset, file: string, offset: number, position: Position, lines: (file: string) => LineIndex, fileText: string,
): SqlLocation | undefined {
  const statements = statementsOf(changeset, lines);
  for (const [changeIndex, change] of changeset.changes.entries()) {
    const sql = change.sql;
    // sql, sqlFile, and the SQL of a built-in (createView's selectQuery)
    if (sql && sql.file === file) {
      const start = fileOffset(sql, 0);
      const end = fileOffset(sql, sql.text.length);
      // the SQL text is trimmed: blanks typed after its end still belong to it
      const tail = offset > end && /^\s*$/.test(fileText.slice(end, offset)) ? fileText.slice(end, offset) : undefined;
      if (offset >= start && (offset <= end || tail !== undefined)) {
        const index = sqlIndexOf(sql, Math.min(offset, end));
        const location: SqlLocation = { changelog, changeset, change, sql, index, offset, fileText, statementsBefore: countBefore(statements, changeIndex, file, position), lines };
        if (tail) location.tail = tail;
        return location;
      }
    }
    // elsewhere in a built-in change (its tableName, its columns): the YAML names tables and columns too
    const raw = change.type === 'sql' || change.type === 'sqlFile';
    if (!raw && changeset.file === file && contains(change.range, position)) {
      return { changelog, changeset, change, offset, fileText, statementsBefore: countBefore(statements, changeIndex, file, position), lines };
    }
  }
  return undefined;
}

/** statements of earlier changes, and those of the same change that end before the position */
function countBefore(statements: ChangesetStatement[], changeIndex: number, file: string, position: Position): number {
  let n = 0;
  for (const s of statements) {
    // a statement that ends where the position is is the one being hovered or typed: it does not count
    if (s.changeIndex < changeIndex || (s.changeIndex === changeIndex && !s.generated && s.file === file && strictlyBefore(s.range.end, position))) n++;
    else break;
  }
  return n;
}

function strictlyBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** the index in the SQL text of a file offset (the inverse of fileOffset) */
function sqlIndexOf(sql: SqlText, offset: number): number {
  const relative = offset - sql.baseOffset;
  if (!sql.offsets) return Math.max(0, Math.min(sql.text.length, relative));
  let lo = 0;
  let hi = sql.text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sql.offsets[mid] < relative) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

function contains(r: { start: Position; end: Position }, p: Position): boolean {
  return before(r.start, p) && before(p, r.end);
}

// ---------------------------------------------------------------------------------------------------------------
// Words and names around a position

export interface NameAt {
  /** the name, case-folded unless quoted */
  name: string;
  /** the qualifier written before it (`schema.` or `alias.`), case-folded unless quoted */
  qualifier?: string;
  /** the name's span in the text */
  start: number;
  end: number;
}

const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The identifier at (or just before) `at` in `text`, with its qualifier. */
export function nameAt(text: string, at: number): NameAt | undefined {
  const word = wordAround(text, at);
  if (!word) return undefined;
  const out: NameAt = { name: word.name, start: word.start, end: word.end };
  if (text[word.start - 1] === '.') {
    const qualifier = wordAround(text, word.start - 1, true);
    if (qualifier) out.qualifier = qualifier.name;
  }
  return out;
}

/** the word the text ends with before `at` (what the user is typing), and its qualifier */
export function partialNameBefore(text: string, at: number): { prefix: string; qualifier?: string; start: number } {
  let start = at;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  const out: { prefix: string; qualifier?: string; start: number } = { prefix: text.slice(start, at), start };
  if (text[start - 1] === '.') {
    const qualifier = wordAround(text, start - 1, true);
    if (qualifier) out.qualifier = qualifier.name;
  }
  return out;
}

function wordAround(text: string, at: number, endingAt = false): { name: string; start: number; end: number } | undefined {
  let start = at;
  let end = at;
  if (text[at - 1] === '"' && (endingAt || !WORD.test(text[at] ?? ''))) {
    const open = text.lastIndexOf('"', at - 2);
    if (open < 0) return undefined;
    return { name: text.slice(open + 1, at - 1), start: open, end: at };
  }
  if (!endingAt && text[at] === '"') {
    const close = text.indexOf('"', at + 1);
    if (close > 0) return { name: text.slice(at + 1, close), start: at, end: close + 1 };
  }
  while (start > 0 && WORD.test(text[start - 1])) start--;
  if (!endingAt) while (end < text.length && WORD.test(text[end])) end++;
  if (end === start) return undefined;
  return { name: text.slice(start, end).toLowerCase(), start, end };
}

/**
 * The relations a statement's text names, with their aliases: after FROM, JOIN, UPDATE, INTO, TABLE (ALTER,
 * CREATE, DROP, LOCK, TRUNCATE), ON (CREATE INDEX … ON) and REFERENCES. Text, not the parse tree: the statement
 * being typed rarely parses.
 */
export function relationsIn(text: string): { name: string; schema?: string; alias?: string }[] {
  const out: { name: string; schema?: string; alias?: string }[] = [];
  const pattern =
    /\b(?:from|join|update|into|table|only|exists|references|on|truncate)\s+((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)(?:\s+(?:as\s+)?([A-Za-z_][\w$]*))?/gi;
  for (const m of text.matchAll(pattern)) {
    const parts = m[1].split('.').map(unquote);
    const name = parts[parts.length - 1];
    if (RESERVED.has(name)) continue;
    const alias = m[2] && !RESERVED.has(m[2].toLowerCase()) ? m[2].toLowerCase() : undefined;
    out.push({ name, schema: parts.length > 1 ? parts[0] : undefined, alias });
  }
  return out;
}

function unquote(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1) : part.toLowerCase();
}

/** words that follow FROM, TABLE, ON … without being a relation, or follow a relation without being its alias */
const RESERVED = new Set([
  'if', 'not', 'exists', 'only', 'select', 'where', 'set', 'values', 'on', 'using', 'join', 'left', 'right', 'inner',
  'outer', 'full', 'cross', 'natural', 'group', 'order', 'limit', 'offset', 'returning', 'add', 'alter', 'drop',
  'rename', 'owner', 'column', 'constraint', 'to', 'as', 'default', 'conflict', 'do', 'nothing', 'lateral', 'and',
  'or', 'for', 'with', 'having', 'window', 'union', 'except', 'intersect', 'validate', 'cascade', 'restrict',
  'delete', 'update', 'insert', 'concurrently', 'unique', 'index', 'schema', 'table', 'primary', 'foreign', 'key',
  'check', 'references', 'enable', 'disable', 'inherit', 'attach', 'detach', 'cluster', 'reset', 'replica', 'of',
  'partition', 'all', 'in', 'is', 'null', 'true', 'false', 'then', 'when', 'else', 'end', 'case',
]);
