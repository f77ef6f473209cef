// Commands that write a new copy of the whole table (and rebuild every index on it) while holding ACCESS EXCLUSIVE:
// no query reads or writes the table until the copy is done (https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES,
// https://www.postgresql.org/docs/current/sql-vacuum.html, https://www.postgresql.org/docs/current/sql-cluster.html).
// change-column-type flags a type change for what the running application sees; this rule is about the lock.

import { typeNameText } from '../schema/replay';
import { isBinaryCompatibleWidening } from './change-column-type';
import type { Rule } from './rule';
import { tableOf } from './table-locks';

/** new types a change to is often a widening that needs no rewrite: with the old type unknown, say nothing */
const WIDENING_TARGETS = /^(text|character varying|varchar|numeric|varbit|bit varying|inet|timestamp|time)\b/;

/** USING absent, or USING the column itself / the column cast to the new type (what modifyDataType writes) */
function plainConversion(using: any, column: string): boolean {
  if (!using) return true;
  const fields = (using.TypeCast?.arg ?? using).ColumnRef?.fields;
  return fields?.length === 1 && fields[0].String?.sval === column;
}

export const tableRewrite: Rule = {
  meta: {
    id: 'table-rewrite',
    category: 'locking',
    severity: 'warning',
    title: 'A command that rewrites an existing table under ACCESS EXCLUSIVE',
    docs: {
      why:
        'ALTER COLUMN … TYPE (unless binary-compatible), SET LOGGED / SET UNLOGGED, SET TABLESPACE, SET ACCESS METHOD, ' +
        'ALTER COLUMN … SET EXPRESSION, VACUUM FULL and CLUSTER write a new copy of the whole table and rebuild its ' +
        'indexes while holding an ACCESS EXCLUSIVE lock: no query reads or writes the table until the copy is done, ' +
        'minutes to hours on a big table, and the disk needs room for both copies.' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>, <https://www.postgresql.org/docs/current/explicit-locking.html>',
      instead:
        'For a type change: a new column of the new type, kept in sync by a trigger and backfilled in batches, then swapped ' +
        '(expand/contract). To reclaim space or reorder rows online: pg_repack or pg_squeeze instead of VACUUM FULL / CLUSTER. ' +
        'Otherwise run it in a maintenance window, with lock_timeout set.',
      bad: 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;\nVACUUM FULL orders;',
      good:
        'ALTER TABLE orders ADD COLUMN id_new bigint;\n-- trigger keeping id_new = id, batched backfill, then swap in a later changeset\n' +
        '-- and pg_repack instead of VACUUM FULL',
    },
  },
  statement(statement, context) {
    const body = statement.body;
    const report = (table: string, what: string) =>
      context.report({
        message:
          `${what} rewrites the whole ${table} table under an ACCESS EXCLUSIVE lock, so no query reads or writes ${table} until the copy is done. ` +
          `Do it online instead (a new column kept in sync and backfilled in batches; pg_repack for VACUUM FULL / CLUSTER), or in a maintenance window.`,
        range: statement.range,
      });
    if (statement.kind === 'VacuumStmt' || statement.kind === 'ClusterStmt') {
      const full = statement.kind === 'ClusterStmt' || (body.options ?? []).some((o: any) => o.DefElem?.defname === 'full');
      if (!full) return;
      const command = statement.kind === 'ClusterStmt' ? 'CLUSTER' : 'VACUUM FULL';
      const relations = statement.kind === 'ClusterStmt' ? [body.relation].filter(Boolean) : (body.rels ?? []).map((r: any) => r.VacuumRelation?.relation).filter(Boolean);
      if (!relations.length) {
        report(statement.kind === 'ClusterStmt' ? 'previously clustered' : 'every', `${command} without a table name`);
        return;
      }
      for (const relation of relations) {
        const table = tableOf(relation);
        if (table && !context.isNewTable(table.name, table.schema)) report(table.table, `${command} ${table.table}`);
      }
      return;
    }
    if (statement.kind !== 'AlterTableStmt' || body.objtype !== 'OBJECT_TABLE') return;
    const table = tableOf(body.relation);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const cmd of body.cmds ?? []) {
      const c = cmd.AlterTableCmd ?? {};
      switch (c.subtype) {
        case 'AT_AlterColumnType': {
          const def = c.def?.ColumnDef ?? {};
          const newType = typeNameText(def.typeName);
          const column = context.schema.table(table.name, table.schema)?.columns.get(c.name);
          const oldType = column?.type || undefined;
          const plain = plainConversion(def.raw_default, c.name);
          if (plain && (oldType ? isBinaryCompatibleWidening(oldType, newType) : WIDENING_TARGETS.test(newType))) break;
          report(table.table, `Changing the type of ${table.table}.${c.name}${oldType ? ` from ${oldType}` : ''} to ${newType}`);
          break;
        }
        case 'AT_SetLogged':
          report(table.table, `SET LOGGED on ${table.table}`);
          break;
        case 'AT_SetUnLogged':
          report(table.table, `SET UNLOGGED on ${table.table}`);
          break;
        case 'AT_SetTableSpace':
          report(table.table, `SET TABLESPACE ${c.name} on ${table.table}`);
          break;
        case 'AT_SetAccessMethod':
          report(table.table, `SET ACCESS METHOD on ${table.table}`);
          break;
        case 'AT_SetExpression':
          report(table.table, `SET EXPRESSION on ${table.table}.${c.name}`);
          break;
      }
    }
  },
};
