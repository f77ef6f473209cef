import { lineIndexesOf, type LineIndex } from '../changelog/line-index';
import type { Change, Changelog, Changeset, Range, SqlText } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { sqlRange } from '../sql/analyse';
import { executionParse } from '../sql/kept-parses';
import { executionText, type ParsedSql, parseSql } from '../sql/statements';
import type { Driver } from './driver';
import { changeClassName, generateSql, StopChangeError } from './generate';
import { PgDialect } from './generate-db';
import { inverseOf } from './inverse';
import { commandString, runShellCommand, shellCommandOf } from './execute-command';
import { asRaw, Params } from './generate-columns';
import { isPrepared, preparedStatement } from './prepared-statements';
import { modifySqlVisitors, type SqlVisitor } from './serialise';
import { type LoadDataInput, loadDataStatements, loadUpdateDataRollback, needsTableTypes, readLoadData, tableColumnsQuery, type TableColumnTypes } from './load-data';

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
  /** values for $1, $2, …: the statement goes as a prepared statement, as Liquibase sends LOBs */
  params?: unknown[];
  /**
   * What the statement really is, known only when the changeset runs (loadData types its columns from the live
   * table, stop ends the update there): the engine calls it at that moment, in the changeset's transaction, and
   * runs what it returns; `sql` only describes it.
   */
  atRunTime?: (database: Pick<Driver, 'query'>, preview?: boolean) => Promise<PlannedStatement[]>;
}

export interface SqlContext {
  defaultSchema?: string;
  lines: (file: string) => LineIndex;
  /** the SQL built-in changes were generated to in an earlier run (the CLI's parsed-file store) */
  keptSql?: KeptSql;
}

/** Generated SQL kept by changeset, change (its index in the changeset) and default schema. */
export interface KeptSql {
  get(changeset: Changeset, changeIndex: number, defaultSchema: string | undefined): string[] | undefined;
  set(changeset: Changeset, changeIndex: number, defaultSchema: string | undefined, sql: string[]): void;
}

export function changesetSqlContext(changelog: Changelog, defaultSchema?: string): SqlContext {
  return { defaultSchema, lines: lineIndexesOf(changelog) };
}

export function changeApplies(change: Change): boolean {
  return !change.dbms || dbmsIncludesPostgres(change.dbms);
}

/**
 * The statements of a change, as Liquibase executes them: SQL split per splitStatements/endDelimiter, built-ins
 * generated. `changelogFile` (the changeset's file) is where loadData finds its CSV.
 */
export function changeStatements(change: Change, context: SqlContext, objectQuotingStrategy?: string, changelogFile = '', of?: { changeset: Changeset; index: number }): PlannedStatement[] {
  if (!changeApplies(change)) return [];
  if (change.sql && (change.type === 'sql' || change.type === 'sqlFile')) return sqlStatements(change.sql, context);
  const runtime = runtimeStatements(change, context, objectQuotingStrategy, changelogFile);
  if (runtime) return runtime;
  const kept = of && context.keptSql?.get(of.changeset, of.index, context.defaultSchema);
  const texts = kept ?? generateSql(change, { defaultSchema: context.defaultSchema, objectQuotingStrategy: objectQuotingStrategy as never });
  if (of && !kept) context.keptSql?.set(of.changeset, of.index, context.defaultSchema, texts);
  return texts.map((sql) => ({ sql, file: fileOf(change, context), range: change.typeRange }));
}

/** the column types of a loadData table when its untyped columns need them (retrieveMissingColumnLoadTypes) */
async function tableTypes(input: LoadDataInput, db: PgDialect, database: Pick<Driver, 'query'>): Promise<TableColumnTypes> {
  if (!needsTableTypes(input)) return undefined;
  const query = tableColumnsQuery(input, db);
  const { rows } = await database.query<{ name: string; type: string }>(query.sql, query.params);
  return rows.length > 0 ? new Map(rows.map((r) => [db.correctObjectName(r.name, 'column') ?? r.name, r.type])) : undefined;
}

/** loadUpdateData's automatic rollback: the rows of its CSV deleted by primary key, typed as when it ran */
function loadUpdateDataRollbackStatements(change: Change, context: SqlContext, objectQuotingStrategy: string | undefined, changelogFile: string): PlannedStatement[] {
  const input = readLoadData(change, changelogFile);
  const at = { file: changelogFile, range: change.typeRange };
  const atRunTime = async (database: Pick<Driver, 'query'>): Promise<PlannedStatement[]> => {
    const db = new PgDialect({ defaultSchema: context.defaultSchema, objectQuotingStrategy });
    return loadUpdateDataRollback(input, db, await tableTypes(input, db, database)).map((s) => ({ ...at, sql: s.sql }));
  };
  return [{ ...at, sql: `-- loadUpdateData rollback: the rows of ${input.path}`, atRunTime }];
}

/**
 * The changes whose statements Liquibase makes while the changeset runs (generateStatementsVolatile), or sends as
 * prepared statements: what generateSql alone cannot give.
 */
function runtimeStatements(change: Change, context: SqlContext, objectQuotingStrategy: string | undefined, changelogFile: string): PlannedStatement[] | undefined {
  const at = { file: changelogFile, range: change.typeRange };
  const dialect = () => new PgDialect({ defaultSchema: context.defaultSchema, objectQuotingStrategy });
  switch (change.type) {
    case 'loadData':
    case 'loadUpdateData': {
      // read and checked now, so that a bad file stops the update before anything runs
      const input = readLoadData(change, changelogFile);
      const atRunTime = async (database: Pick<Driver, 'query'>): Promise<PlannedStatement[]> => {
        const db = dialect();
        const table = await tableTypes(input, db, database);
        return loadDataStatements(input, db, table).map((s) => ({ ...at, sql: s.sql, ...(s.params ? { params: s.params } : {}) }));
      };
      return [{ ...at, sql: `-- ${change.type}: the rows of ${input.path}`, atRunTime }];
    }
    case 'stop': {
      // StopChange.setMessage trims, and a blank message is the default one; `- stop: text` is the message too
      const written = typeof change.raw === 'string' ? change.raw : change.params.message?.value;
      const message = (typeof written === 'string' ? written.trim() : '') || 'Stop command in changelog file';
      const atRunTime = async (): Promise<PlannedStatement[]> => {
        throw new StopChangeError(`stop: ${message}`);
      };
      return [{ ...at, sql: `-- stop: ${message}`, atRunTime }];
    }
    case 'dropAllForeignKeyConstraints': {
      const p = new Params(asRaw(change.raw));
      const atRunTime = async (database: Pick<Driver, 'query'>): Promise<PlannedStatement[]> => {
        // a snapshot of the table's outgoing foreign keys, each dropped as dropForeignKeyConstraint drops it
        const db = dialect();
        const schema = db.correctObjectName(p.str('baseTableSchemaName') ?? db.defaultSchema, 'schema');
        const { rows } = await database.query<{ name: string }>(
          `SELECT con.conname AS name FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE con.contype = 'f' AND c.relname = $1 AND n.nspname = coalesce($2, current_schema()) ORDER BY con.conname`,
          [db.correctObjectName(p.str('baseTableName'), 'table'), schema],
        );
        const table = db.qualified(p.str('baseTableSchemaName'), p.str('baseTableName'));
        return rows.map((r) => ({ ...at, sql: `ALTER TABLE ${table} DROP CONSTRAINT ${db.escape(r.name, 'constraint')}` }));
      };
      return [{ ...at, sql: `-- dropAllForeignKeyConstraints: the foreign keys of ${p.str('baseTableName')}`, atRunTime }];
    }
    case 'executeCommand': {
      const command = shellCommandOf(change);
      const atRunTime = async (_database: Pick<Driver, 'query'>, preview?: boolean): Promise<PlannedStatement[]> => {
        // update-sql writes the command as a comment and runs nothing (LoggingExecutor)
        if (preview) return [{ ...at, sql: `-- ${commandString(command)}` }];
        await runShellCommand(command);
        return [];
      };
      return [{ ...at, sql: `-- ${commandString(command)}`, atRunTime }];
    }
    case 'insert':
    case 'update':
      // a LOB from a file: read now, bound as a parameter
      return isPrepared(change) ? [{ ...at, ...preparedStatement(change, dialect(), changelogFile) }] : undefined;
    default:
      return undefined;
  }
}

function fileOf(change: Change, context: SqlContext): string {
  return (change as Change & { file?: string }).file ?? change.sql?.file ?? '';
}

/** A SQL text as Liquibase executes it: every CR deleted (AbstractSQLChange.normalizeLineEndings), then parsed. */
interface ExecutedText {
  text: string;
  parsed: ParsedSql;
  /** the offset in the SqlText's own text of each offset in `text` */
  origin: (offset: number) => number;
}

// the CR-free text of a SqlText that has CRs, parsed once per SqlText (the model's parse keeps the file's CRs, so
// that findings and ranges stay on the file as written)
const withoutCarriageReturns = new WeakMap<SqlText, ExecutedText>();

function executedText(sql: SqlText): ExecutedText {
  if (!sql.text.includes('\r')) {
    const parsed = executionParse(sql);
    return { text: sql.text, parsed, origin: (offset) => offset };
  }
  let executed = withoutCarriageReturns.get(sql);
  if (!executed) {
    const kept: number[] = [];
    for (let i = 0; i < sql.text.length; i++) if (sql.text.charCodeAt(i) !== 13) kept.push(i);
    kept.push(sql.text.length);
    const text = sql.text.replace(/\r/g, '');
    executed = { text, parsed: parseSql(text, sql), origin: (offset) => kept[Math.max(0, Math.min(offset, kept.length - 1))] };
    withoutCarriageReturns.set(sql, executed);
  }
  return executed;
}

export function sqlStatements(sql: SqlText, context: SqlContext): PlannedStatement[] {
  // Liquibase deletes every CR before it splits and runs the text (a CR-only file becomes one line); the
  // checksum is made from the text as written, elsewhere
  const { text, parsed, origin } = executedText(sql);
  const lines = context.lines(sql.file);
  const range = (start: number, end: number) => sqlRange(sql, lines, origin(start), origin(end));
  const out: PlannedStatement[] = [];
  for (const chunk of parsed.executionChunks) {
    const statement: PlannedStatement = { sql: executionText(text, chunk, sql.stripComments), file: sql.file, range: range(chunk.start, chunk.end) };
    if (statement.sql.trim().length === 0) continue;
    const inside = parsed.statements.filter((s) => s.start >= chunk.start && s.end <= chunk.end);
    // split only what the parser understood completely; anything else goes whole and PostgreSQL judges it
    if (inside.length > 1 && inside.every((s) => s.kind !== undefined && !s.error)) {
      const parts = inside
        .map((s) => ({ sql: executionText(text, s, sql.stripComments), range: range(s.start, s.end) }))
        .filter((p) => p.sql.trim().length > 0);
      if (parts.length > 1) statement.parts = parts;
    }
    out.push(statement);
  }
  return out;
}

export function forwardStatements(changeset: Changeset, context: SqlContext): PlannedStatement[] {
  const statements = changeset.changes.flatMap((change, index) => withFile(changeStatements(change, context, changeset.attributes.objectQuotingStrategy, changeset.file, { changeset, index }), changeset));
  return visited(statements, visitorsOf(changeset, false));
}

/**
 * The changeset's modifySql visitors that apply: those for PostgreSQL (DbmsChangeSetFilter drops the others; their
 * contexts and labels are not looked at), and for a rollback only those with applyToRollback.
 */
function visitorsOf(changeset: Changeset, rollback: boolean): SqlVisitor[] {
  // (looking for them costs a stat of the changeset's file: most changesets have none)
  if (changeset.kind !== 'yaml' || !changeset.hasModifySql) return [];
  return modifySqlVisitors(changeset).filter((v) => (!v.dbms || dbmsIncludesPostgres(v.dbms)) && (!rollback || v.applyToRollback));
}

function visit(sql: string, visitor: SqlVisitor): string {
  const value = visitor.fields.get('value') ?? 'null';
  const replace = visitor.fields.get('replace');
  const replacement = visitor.fields.get('with') ?? 'null';
  switch (visitor.name) {
    case 'append':
      return sql + value;
    case 'prepend':
      return value + sql;
    case 'replace':
      // String.replace: every literal occurrence
      return replace == null || replace === '' ? sql : sql.split(replace).join(replacement);
    case 'regExpReplace':
      // String.replaceAll: a Java regex; `$n` in the replacement is a group, as in JavaScript
      return replace == null ? sql : sql.replace(new RegExp(replace, 'g'), replacement);
    default:
      return sql;
  }
}

/**
 * Each statement with the visitors applied in order, as Liquibase's executor applies them to every SQL text it
 * sends. A text of several statements is sent in parts here: prepend changes the first, append the last, and the
 * replacements each part.
 */
function visited(statements: PlannedStatement[], visitors: SqlVisitor[]): PlannedStatement[] {
  if (visitors.length === 0) return statements;
  return statements.map((statement) => {
    const atRunTime = statement.atRunTime;
    if (atRunTime) return { ...statement, atRunTime: async (database: Pick<Driver, 'query'>, preview?: boolean) => visited(await atRunTime(database, preview), visitors) };
    const out: PlannedStatement = { ...statement, sql: visitors.reduce(visit, statement.sql) };
    if (statement.parts) {
      const last = statement.parts.length - 1;
      out.parts = statement.parts.map((part, i) => ({
        ...part,
        sql: visitors.reduce((sql, v) => ((v.name === 'prepend' && i !== 0) || (v.name === 'append' && i !== last) ? sql : visit(sql, v)), part.sql),
      }));
    }
    return out;
  });
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
      return visited(
        rollback.changes.flatMap((change) => withFile(changeStatements(change, context, changeset.attributes.objectQuotingStrategy, changeset.file), changeset)),
        visitorsOf(changeset, true),
      );
    case 'reference': {
      const target = changelog.changesets.find(
        (c) => c.id === rollback.id && c.author === rollback.author && (!rollback.path || c.logicalPath === rollback.path),
      );
      if (!target) throw new NoRollbackError(`Changeset ${changeset.logicalPath}::${changeset.id}::${changeset.author} rolls back with changeset ${rollback.id} by ${rollback.author}, which the changelog does not have.`);
      // the other changeset's changes, with this changeset's rollback visitors
      const changes = target.changes.flatMap((change) => withFile(changeStatements(change, context, target.attributes.objectQuotingStrategy, target.file), target));
      return visited(changes, visitorsOf(changeset, true));
    }
    case 'none': {
      const statements: PlannedStatement[] = [];
      for (const change of [...changeset.changes].reverse()) {
        if (!changeApplies(change)) continue;
        if (change.type === 'loadUpdateData') {
          statements.push(...withFile(loadUpdateDataRollbackStatements(change, context, changeset.attributes.objectQuotingStrategy, changeset.file), changeset));
          continue;
        }
        const inverse = inverseOf(change);
        if (inverse === undefined) {
          throw new NoRollbackError(`No inverse to liquibase.change.core.${changeClassName(change.type)} created (changeset ${changeset.logicalPath}::${changeset.id}::${changeset.author} has no rollback).`);
        }
        for (const undo of inverse) statements.push(...withFile(changeStatements({ ...undo, range: change.range, typeRange: change.typeRange }, context, changeset.attributes.objectQuotingStrategy, changeset.file), changeset));
      }
      return visited(statements, visitorsOf(changeset, true));
    }
  }
}

function withFile(statements: PlannedStatement[], changeset: Changeset): PlannedStatement[] {
  return statements.map((s) => (s.file ? s : { ...s, file: changeset.file }));
}
