// Since PostgreSQL 11, ADD COLUMN with a non-volatile default only records the default in the catalog. A volatile
// default (every row needs its own value), a serial or identity column (nextval per row) or a STORED generated column
// makes PostgreSQL rewrite the whole table under the ACCESS EXCLUSIVE lock of ALTER TABLE
// (https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES); before 11, any default did.

import type { Rule } from './rule';
import { tableOf } from './table-locks';

/** built-in and common extension functions marked VOLATILE (now() and CURRENT_TIMESTAMP are STABLE: no rewrite) */
const VOLATILE = new Set([
  'random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'uuid_generate_v1',
  'uuid_generate_v1mc', 'uuid_generate_v4', 'gen_random_bytes', 'nextval', 'setval',
]);

const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

function volatileCall(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const call = (node as any).FuncCall;
  if (call) {
    const names = (call.funcname ?? []).map((n: any) => n.String?.sval).filter(Boolean);
    const name = names[names.length - 1];
    if (name && VOLATILE.has(name)) return `${name}()`;
  }
  for (const value of Object.values(node)) {
    const found = volatileCall(value);
    if (found) return found;
  }
  return undefined;
}

/** why adding this column rewrites the table, or undefined */
function rewriteReason(column: any, postgresVersion: number): string | undefined {
  const type = (column.typeName?.names ?? []).map((n: any) => n.String?.sval).filter(Boolean);
  if (type.length === 1 && SERIAL.has(type[0])) return `as ${type[0]} (a nextval() default per row)`;
  for (const { Constraint: c } of column.constraints ?? []) {
    if (!c) continue;
    if (c.contype === 'CONSTR_IDENTITY') return 'as an identity column (a sequence value per row)';
    if (c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v') return 'as a STORED generated column (computed for every row)';
    if (c.contype !== 'CONSTR_DEFAULT' || !c.raw_expr || c.raw_expr.A_Const?.isnull) continue;
    const call = volatileCall(c.raw_expr);
    if (call) return `with the volatile default ${call} (a value per row)`;
    if (postgresVersion < 11) return `with a default on PostgreSQL ${postgresVersion} (before 11 every default is written into every row)`;
  }
  return undefined;
}

export const addColumnRewritesTable: Rule = {
  meta: {
    id: 'add-column-rewrites-table',
    category: 'locking',
    severity: 'warning',
    title: 'Adding a column with a volatile default, serial, identity or stored generated column rewrites an existing table',
    docs: {
      why:
        'ADD COLUMN with a volatile default (random(), clock_timestamp(), gen_random_uuid(), nextval()), a serial or ' +
        'identity column, or a GENERATED … STORED column makes PostgreSQL write a value into every row: it rewrites the ' +
        'whole table and its indexes while holding the ACCESS EXCLUSIVE lock of ALTER TABLE, so no query reads or writes ' +
        'the table until the rewrite ends. (A constant or stable default such as now() is only recorded in the catalog ' +
        'since PostgreSQL 11; before 11, any default rewrites.)' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>',
      instead:
        'Add the column without the default, then ALTER COLUMN … SET DEFAULT (applies to new rows only, no rewrite), and ' +
        'fill the existing rows with batched UPDATEs in separate changesets. For a computed value, a trigger plus a ' +
        'backfill (or a VIRTUAL generated column on PostgreSQL 18).',
      bad: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      good:
        'ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();\n' +
        '-- then, in batches, in later changesets:\nUPDATE users SET token = gen_random_uuid() WHERE id BETWEEN 1 AND 10000 AND token IS NULL;',
    },
  },
  statement(statement, context) {
    if (statement.kind !== 'AlterTableStmt' || statement.body.objtype !== 'OBJECT_TABLE') return;
    const table = tableOf(statement.body.relation);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const cmd of statement.body.cmds ?? []) {
      const c = cmd.AlterTableCmd ?? {};
      const column = c.subtype === 'AT_AddColumn' ? c.def?.ColumnDef : undefined;
      if (!column) continue;
      const reason = rewriteReason(column, context.config.postgresVersion);
      if (!reason) continue;
      context.report({
        message:
          `Adding column ${table.table}.${column.colname} ${reason} rewrites the whole ${table.table} table under an ACCESS EXCLUSIVE lock, so no query reads or writes it until the rewrite ends. ` +
          `Add the column without it, SET DEFAULT afterwards, and backfill existing rows in batches.`,
        range: statement.range,
      });
    }
  },
};
