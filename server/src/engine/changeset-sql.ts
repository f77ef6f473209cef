import { LineIndex } from '../changelog/line-index';
import type { Change, Changelog, Changeset, Range, SqlText } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { sqlRange } from '../sql/analyse';
import { executionText, parseSql } from '../sql/statements';
import { changeClassName, generateSql } from './generate';
import { inverseOf } from './inverse';

/** One statement the engine sends, and where the user wrote it. */
export interface PlannedStatement {
  sql: string;
  file: string;
  range: Range;
  /**
   * Set when `sql` holds several PostgreSQL statements (splitStatements: false, an includeAll raw SQL file):
   * Liquibase sends such a text in one call, which PostgreSQL runs as one implicit transaction. The engine
   * sends the parts one by one (the drivers take one statement per call) inside one transaction, which is
   * the same thing; `sql` stays whole for update-sql.
   */
  parts?: { sql: string; range: Range }[];
}

export interface SqlContext {
  defaultSchema?: string;
  lines: (file: string) => LineIndex;
}

export function lineIndexes(changelog: Changelog): (file: string) => LineIndex {
  const cache = new Map<string, LineIndex>();
  return (file) => {
    let index = cache.get(file);
    if (!index) {
      index = new LineIndex(changelog.files.get(file)?.text ?? '');
      cache.set(file, index);
    }
    return index;
  };
}

export function changesetSqlContext(changelog: Changelog, defaultSchema?: string): SqlContext {
  return { defaultSchema, lines: lineIndexes(changelog) };
}

export function changeApplies(change: Change): boolean {
  return !change.dbms || dbmsIncludesPostgres(change.dbms);
}

/** The statements of a change, as Liquibase executes them: SQL split per splitStatements/endDelimiter, built-ins generated. */
export function changeStatements(change: Change, context: SqlContext, objectQuotingStrategy?: string): PlannedStatement[] {
  if (!changeApplies(change)) return [];
  if (change.sql && (change.type === 'sql' || change.type === 'sqlFile')) return sqlStatements(change.sql, context);
  return generateSql(change, { defaultSchema: context.defaultSchema, objectQuotingStrategy: objectQuotingStrategy as never }).map((sql) => ({ sql, file: fileOf(change, context), range: change.typeRange }));
}

function fileOf(change: Change, context: SqlContext): string {
  return (change as Change & { file?: string }).file ?? change.sql?.file ?? '';
}

export function sqlStatements(sql: SqlText, context: SqlContext): PlannedStatement[] {
  const parsed = sql.parsed ?? (sql.parsed = parseSql(sql.text, sql));
  const lines = context.lines(sql.file);
  const out: PlannedStatement[] = [];
  for (const chunk of parsed.executionChunks) {
    const statement: PlannedStatement = { sql: executionText(sql.text, chunk, sql.stripComments), file: sql.file, range: sqlRange(sql, lines, chunk.start, chunk.end) };
    if (statement.sql.trim().length === 0) continue;
    const inside = parsed.statements.filter((s) => s.start >= chunk.start && s.end <= chunk.end);
    // split only what the parser understood completely; anything else goes whole and PostgreSQL judges it
    if (inside.length > 1 && inside.every((s) => s.node && !s.error)) {
      const parts = inside
        .map((s) => ({ sql: executionText(sql.text, s, sql.stripComments), range: sqlRange(sql, lines, s.start, s.end) }))
        .filter((p) => p.sql.trim().length > 0);
      if (parts.length > 1) statement.parts = parts;
    }
    out.push(statement);
  }
  return out;
}

export function forwardStatements(changeset: Changeset, context: SqlContext): PlannedStatement[] {
  return changeset.changes.flatMap((change) => withFile(changeStatements(change, context, changeset.attributes.objectQuotingStrategy), changeset));
}

export class NoRollbackError extends Error {}

/**
 * What rolls a changeset back: its written rollback, else the inverse Liquibase derives from its changes
 * (in reverse order). Throws NoRollbackError with Liquibase's wording when there is neither.
 */
export function rollbackStatements(changeset: Changeset, changelog: Changelog, context: SqlContext): PlannedStatement[] {
  const rollback = changeset.rollback;
  switch (rollback.kind) {
    case 'empty':
    case 'not-required':
      return [];
    case 'changes':
      return rollback.changes.flatMap((change) => withFile(changeStatements(change, context, changeset.attributes.objectQuotingStrategy), changeset));
    case 'reference': {
      const target = changelog.changesets.find(
        (c) => c.id === rollback.id && c.author === rollback.author && (!rollback.path || c.logicalPath === rollback.path),
      );
      if (!target) throw new NoRollbackError(`Changeset ${changeset.logicalPath}::${changeset.id}::${changeset.author} rolls back with changeset ${rollback.id} by ${rollback.author}, which the changelog does not have.`);
      return forwardStatements(target, context);
    }
    case 'none': {
      const statements: PlannedStatement[] = [];
      for (const change of [...changeset.changes].reverse()) {
        if (!changeApplies(change)) continue;
        const inverse = inverseOf(change);
        if (inverse === undefined) {
          throw new NoRollbackError(`No inverse to liquibase.change.core.${changeClassName(change.type)} created (changeset ${changeset.logicalPath}::${changeset.id}::${changeset.author} has no rollback).`);
        }
        for (const undo of inverse) statements.push(...withFile(changeStatements({ ...undo, range: change.range, typeRange: change.typeRange }, context, changeset.attributes.objectQuotingStrategy), changeset));
      }
      return statements;
    }
  }
}

function withFile(statements: PlannedStatement[], changeset: Changeset): PlannedStatement[] {
  return statements.map((s) => (s.file ? s : { ...s, file: changeset.file }));
}
