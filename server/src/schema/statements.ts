// The one view of a changeset that the schema replay and the rules read: every PostgreSQL statement it runs, as a
// libpg-query node with the place the user wrote it. Raw SQL, sqlFile and formatted SQL statements come from the
// parse the changelog loader already made; a built-in change type (createTable, renameColumn, …) becomes the SQL
// Liquibase generates for it, parsed once (cached by text), and points at the change's name in the YAML. So a rule
// matches one AST shape and works the same on every way of writing a change.

import type { LineIndex } from '../changelog/line-index';
import type { Change, Changeset, Range, SqlText } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { generateSql } from '../engine/generate';
import { fileOffset, parsedSql, sqlRange } from '../sql/analyse';
import { nodeLocation, parseGeneratedStatement, type ParsedStatement } from '../sql/statements';

export interface ChangesetStatement {
  /** the statement's node kind: 'CreateStmt', 'AlterTableStmt', 'IndexStmt', … */
  kind: string;
  /** the node's body, i.e. `node[kind]` of libpg-query's `{ [kind]: body }`. Shared with the parse cache: read only. */
  body: Record<string, any>;
  /** the statement text (as written, or as Liquibase generates it for a built-in change) */
  text: string;
  /** the file that holds the statement (the .sql file for sqlFile) */
  file: string;
  /** the whole statement in the file; for a generated statement, the change's type key (`- renameColumn:`) */
  range: Range;
  /** the change it belongs to */
  change: Change;
  /** the change's position in changeset.changes */
  changeIndex: number;
  /** true when the statement is Liquibase's SQL for a built-in change type */
  generated: boolean;
  /** The file range of a node: `location` is the node's `location` field (a byte offset in this statement); `length` in characters. Generated statements answer the change's type key. */
  rangeAt(location: number | undefined, length?: number): Range;
  /** the `-- comment` and `/* … *\/` text written in the statement and on the lines just before it (raw SQL only) */
  comments: string;
}

export interface StatementContext {
  /** read when a statement's `rangeAt` is called, not only when it is made */
  lines: (file: string) => LineIndex;
  defaultSchema?: string;
}

/** Every statement a changeset runs, in order (changes with a dbms that excludes PostgreSQL are left out). */
export function changesetStatements(changeset: Changeset, context: StatementContext): ChangesetStatement[] {
  return changeStatementsOf(changeset.changes, changeset.file, context, changeset.attributes.objectQuotingStrategy);
}

/** The statements of a list of changes: a changeset's changes, or the changes of its written rollback. */
export function changeStatementsOf(changes: Change[], changesetFile: string, context: StatementContext, objectQuotingStrategy?: string): ChangesetStatement[] {
  const out: ChangesetStatement[] = [];
  changes.forEach((change, changeIndex) => {
    if (change.dbms && !dbmsIncludesPostgres(change.dbms)) return;
    if (change.sql && (change.type === 'sql' || change.type === 'sqlFile')) out.push(...sqlChangeStatements(change, changeIndex, change.sql, context));
    else out.push(...generatedStatements(change, changeIndex, changesetFile, context, objectQuotingStrategy));
  });
  return out;
}

function sqlChangeStatements(change: Change, changeIndex: number, sql: SqlText, context: StatementContext): ChangesetStatement[] {
  const parsed = parsedSql(sql);
  const lines = context.lines(sql.file);
  const out: ChangesetStatement[] = [];
  let previousEnd = 0;
  for (const statement of parsed.statements) {
    const gapStart = previousEnd;
    previousEnd = statement.end;
    if (!statement.node || !statement.kind) continue;
    const kind = statement.kind;
    out.push({
      kind,
      body: statement.node[kind] ?? {},
      text: sql.text.slice(statement.start, statement.end),
      file: sql.file,
      range: sqlRange(sql, lines, statement.start, statement.end),
      change,
      changeIndex,
      generated: false,
      // the line index of the latest lint: statementsOf keeps these statements while an edit before the changeset only moves its offsets
      rangeAt: (location, length) => nodeRange(sql, context.lines(sql.file), statement, location, length),
      comments: commentsOf(sql.text.slice(gapStart, statement.end)),
    });
  }
  return out;
}

function nodeRange(sql: SqlText, lines: LineIndex, statement: ParsedStatement, location: number | undefined, length?: number): Range {
  if (location === undefined || location < 0) return sqlRange(sql, lines, statement.start, statement.end);
  const start = nodeLocation(sql.text, statement, location);
  const end = Math.min(statement.end, length !== undefined ? start + length : tokenEnd(sql.text, start, statement.end));
  return lines.range(fileOffset(sql, start), fileOffset(sql, end));
}

/** the end of the word or quoted identifier at `start`: a node location points at its first token */
function tokenEnd(text: string, start: number, limit: number): number {
  if (text[start] === '"') {
    const close = text.indexOf('"', start + 1);
    return close < 0 || close >= limit ? limit : close + 1;
  }
  let i = start;
  while (i < limit && /[\w$.]/.test(text[i])) i++;
  return i > start ? i : Math.min(limit, start + 1);
}

const COMMENT = /--[^\n]*|\/\*[\s\S]*?\*\//g;
function commentsOf(text: string): string {
  return (text.match(COMMENT) ?? []).join('\n');
}

/** Parsed generated SQL, by text: a built-in change's SQL is the same on every keystroke that does not touch it. */
const generatedParses = new Map<string, ParsedStatement | null>();
const GENERATED_CACHE_LIMIT = 20_000;

function generatedStatements(change: Change, changeIndex: number, file: string, context: StatementContext, objectQuotingStrategy?: string): ChangesetStatement[] {
  let texts: string[];
  try {
    texts = generateSql(change, { defaultSchema: context.defaultSchema, objectQuotingStrategy: objectQuotingStrategy as never });
  } catch {
    // a change that cannot be generated (missing parameters, run-time-only types) is reported by the loader or the engine
    return [];
  }
  const out: ChangesetStatement[] = [];
  for (const text of texts) {
    const statement = parseGenerated(text);
    if (!statement?.node || !statement.kind) continue;
    const kind = statement.kind;
    out.push({
      kind,
      body: statement.node[kind] ?? {},
      text,
      file,
      range: change.typeRange,
      change,
      changeIndex,
      generated: true,
      rangeAt: () => change.typeRange,
      comments: '',
    });
  }
  return out;
}

function parseGenerated(text: string): ParsedStatement | null {
  let statement = generatedParses.get(text);
  if (statement !== undefined) return statement;
  statement = parseGeneratedStatement(text) ?? null;
  if (generatedParses.size >= GENERATED_CACHE_LIMIT) generatedParses.clear();
  generatedParses.set(text, statement);
  return statement;
}

