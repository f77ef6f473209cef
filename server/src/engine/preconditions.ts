import type { Precondition } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { parsedSql } from '../sql/analyse';
import { executionText, initSqlParser } from '../sql/statements';
import type { Driver } from './driver';
import type { AppliedRow } from './tracking';

export interface PreconditionContext {
  driver: Driver;
  /** the schema objects are looked up in when a precondition names none */
  schema: string;
  applied: AppliedRow[];
  property: (name: string) => string | undefined;
}

/** A precondition that did not hold (onFail applies) … */
export class PreconditionFailed extends Error {}
/** … or one that could not be evaluated (onError applies). */
export class PreconditionError extends Error {}

export async function checkAll(conditions: Precondition[], context: PreconditionContext): Promise<void> {
  for (const condition of conditions) await check(condition, context);
}

async function holds(condition: Precondition, context: PreconditionContext): Promise<boolean> {
  try {
    await check(condition, context);
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailed) return false;
    throw error;
  }
}

async function check(condition: Precondition, context: PreconditionContext): Promise<void> {
  const p = condition.params;
  const schema = (p.schemaName || context.schema).toLowerCase();
  const name = (key: string) => (p[key] ?? '').toLowerCase();
  const fail = (message: string): never => {
    throw new PreconditionFailed(message);
  };
  const exists = async (sql: string, params: unknown[]) => {
    try {
      const { rows } = await context.driver.query<{ found: boolean }>(`SELECT EXISTS (${sql}) AS found`, params);
      return rows[0]?.found === true;
    } catch (error) {
      throw new PreconditionError(`${condition.type} could not be checked: ${(error as Error).message}`);
    }
  };
  switch (condition.type) {
    case 'and':
      for (const inner of condition.nested) await check(inner, context);
      return;
    case 'or': {
      for (const inner of condition.nested) if (await holds(inner, context)) return;
      return fail(`none of the ${condition.nested.length} conditions of 'or' holds`);
    }
    case 'not': {
      for (const inner of condition.nested) if (await holds(inner, context)) fail(`not: ${inner.type} holds`);
      return;
    }
    case 'dbms':
      if (!dbmsIncludesPostgres(p.type ?? '')) fail(`dbms is postgresql, not ${p.type}`);
      return;
    case 'tableExists':
      if (!(await exists(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND lower(table_name) = $2 AND table_type <> 'VIEW'`, [schema, name('tableName')]))) fail(`table ${schema}.${p.tableName} does not exist`);
      return;
    case 'viewExists':
      if (!(await exists(`SELECT 1 FROM information_schema.views WHERE table_schema = $1 AND lower(table_name) = $2`, [schema, name('viewName')]))) fail(`view ${schema}.${p.viewName} does not exist`);
      return;
    case 'columnExists':
      if (!(await exists(`SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND lower(table_name) = $2 AND lower(column_name) = $3`, [schema, name('tableName'), name('columnName')]))) fail(`column ${p.tableName}.${p.columnName} does not exist`);
      return;
    case 'sequenceExists':
      if (!(await exists(`SELECT 1 FROM information_schema.sequences WHERE sequence_schema = $1 AND lower(sequence_name) = $2`, [schema, name('sequenceName')]))) fail(`sequence ${p.sequenceName} does not exist`);
      return;
    case 'indexExists': {
      const ok = p.indexName
        ? await exists(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND lower(indexname) = $2`, [schema, name('indexName')])
        : await exists(
            `SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
              WHERE n.nspname = $1 AND lower(t.relname) = $2 AND (SELECT string_agg(lower(a.attname), ',' ORDER BY k.ord)
                FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) = $3`,
            [schema, name('tableName'), name('columnNames').replace(/\s+/g, '')],
          );
      if (!ok) fail(`index ${p.indexName ?? `on ${p.tableName}(${p.columnNames})`} does not exist`);
      return;
    }
    case 'foreignKeyConstraintExists':
      if (!(await exists(`SELECT 1 FROM information_schema.table_constraints WHERE constraint_schema = $1 AND constraint_type = 'FOREIGN KEY' AND lower(constraint_name) = $2 AND ($3 = '' OR lower(table_name) = $3)`, [schema, name('foreignKeyName'), name('foreignKeyTableName')]))) fail(`foreign key ${p.foreignKeyName} does not exist`);
      return;
    case 'primaryKeyExists':
      if (!(await exists(`SELECT 1 FROM information_schema.table_constraints WHERE constraint_schema = $1 AND constraint_type = 'PRIMARY KEY' AND ($2 = '' OR lower(constraint_name) = $2) AND ($3 = '' OR lower(table_name) = $3)`, [schema, name('primaryKeyName'), name('tableName')]))) fail(`primary key ${p.primaryKeyName ?? `of ${p.tableName}`} does not exist`);
      return;
    case 'uniqueConstraintExists':
      if (!(await exists(`SELECT 1 FROM information_schema.table_constraints WHERE constraint_schema = $1 AND constraint_type = 'UNIQUE' AND ($2 = '' OR lower(constraint_name) = $2) AND lower(table_name) = $3`, [schema, name('constraintName'), name('tableName')]))) fail(`unique constraint ${p.constraintName ?? `on ${p.tableName}`} does not exist`);
      return;
    case 'tableIsEmpty':
    case 'rowCount': {
      const table = `${quote(schema)}.${quote(name('tableName'))}`;
      let count: number;
      try {
        const { rows } = await context.driver.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`);
        count = Number(rows[0].n);
      } catch (error) {
        throw new PreconditionError(`${condition.type} could not be checked: ${(error as Error).message}`);
      }
      const expected = condition.type === 'tableIsEmpty' ? 0 : Number(p.expectedRows);
      if (count !== expected) fail(`${p.tableName} has ${count} rows, expected ${expected}`);
      return;
    }
    case 'changeSetExecuted': {
      const ran = context.applied.some((r) => r.id === p.id && r.author === p.author && (!p.changeLogFile || r.filename === p.changeLogFile));
      if (!ran) fail(`changeset ${p.changeLogFile ?? ''}::${p.id}::${p.author} has not been executed`);
      return;
    }
    case 'changeLogPropertyDefined': {
      const value = context.property(p.property ?? '');
      if (value === undefined || (p.value !== undefined && value !== p.value)) fail(`property ${p.property} is not defined${p.value !== undefined ? ` as '${p.value}'` : ''}`);
      return;
    }
    case 'runningAs': {
      const { rows } = await context.driver.query<{ u: string }>('SELECT current_user AS u');
      if (rows[0].u.toLowerCase() !== (p.username ?? '').toLowerCase()) fail(`running as ${rows[0].u}, not ${p.username}`);
      return;
    }
    case 'sqlCheck': {
      const sql = condition.sql;
      if (!sql) throw new PreconditionError('sqlCheck has no SQL');
      await initSqlParser(); // an update with every parse kept has not loaded it (returns at once when loaded)
      const parsed = parsedSql(sql);
      const text = executionText(sql.text, parsed.executionChunks[0] ?? { start: 0, end: sql.text.length }, false);
      let value: unknown;
      try {
        const { rows } = await context.driver.query<Record<string, unknown>>(text);
        const row = rows[0];
        value = row ? Object.values(row)[0] : undefined;
      } catch (error) {
        throw new PreconditionError(`sqlCheck failed: ${(error as Error).message}`);
      }
      const actual = value === null || value === undefined ? 'null' : String(value);
      if (actual !== String(p.expectedResult ?? '')) fail(`sqlCheck: the query returned ${actual}, expected ${p.expectedResult}`);
      return;
    }
    case 'expectedQuotingStrategy':
      // Liquibase compares with the root changelog's strategy, which is unset unless the root sets it: it fails
      return fail(`the changelog does not set objectQuotingStrategy ${p.strategy ?? ''}`.trim());
    default:
      throw new PreconditionError(`precondition '${condition.type}' is not supported on PostgreSQL by pgcs`);
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
