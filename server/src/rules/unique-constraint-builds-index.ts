// ADD UNIQUE / ADD PRIMARY KEY builds the constraint's index inside ALTER TABLE, under the ACCESS EXCLUSIVE lock that
// ALTER TABLE takes (https://www.postgresql.org/docs/current/sql-altertable.html): no reads and no writes until the
// index is built. CREATE UNIQUE INDEX CONCURRENTLY builds it under SHARE UPDATE EXCLUSIVE, and ADD CONSTRAINT …
// USING INDEX then only attaches it, a short lock.

import type { Fix } from '../changelog/model';
import type { ChangesetStatement } from '../schema/statements';
import { prependChangeset, quoteIdent } from './changeset-edits';
import type { ChangesetContext, Rule } from './rule';
import { tableOf } from './table-locks';

export const uniqueConstraintBuildsIndex: Rule = {
  meta: {
    id: 'unique-constraint-builds-index',
    category: 'locking',
    severity: 'warning',
    title: 'A UNIQUE or PRIMARY KEY constraint added to an existing table builds its index under ACCESS EXCLUSIVE',
    docs: {
      why:
        'ALTER TABLE … ADD UNIQUE / ADD PRIMARY KEY builds the constraint\'s index while holding an ACCESS EXCLUSIVE lock ' +
        'on the table: no query reads or writes it until the whole index is built, which takes minutes on a big table.' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX>, <https://www.postgresql.org/docs/current/explicit-locking.html>',
      instead:
        'Build the index first with CREATE UNIQUE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE, in a changeset with ' +
        'runInTransaction: false), then attach it: ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY ' +
        'USING INDEX), which takes the lock only for a moment. For a primary key the columns must already be NOT NULL, or ' +
        'the attach scans the table to set it: add CHECK (col IS NOT NULL) NOT VALID, validate it, then SET NOT NULL (no scan since PostgreSQL 12).',
      bad: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      good:
        '--changeset a:1 runInTransaction:false\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n\n' +
        '--changeset a:2\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
    },
    fixable: true,
  },
  statement(statement, context) {
    if (statement.kind !== 'AlterTableStmt' || statement.body.objtype !== 'OBJECT_TABLE') return;
    const table = tableOf(statement.body.relation);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const cmd of statement.body.cmds ?? []) {
      const c = cmd.AlterTableCmd ?? {};
      // ADD CONSTRAINT …, and a column added with UNIQUE / PRIMARY KEY (its index is built on every existing row too)
      const constraints: any[] =
        c.subtype === 'AT_AddConstraint' ? [c.def?.Constraint] : c.subtype === 'AT_AddColumn' ? (c.def?.ColumnDef?.constraints ?? []).map((x: any) => x.Constraint) : [];
      for (const constraint of constraints) {
        if (!constraint || (constraint.contype !== 'CONSTR_UNIQUE' && constraint.contype !== 'CONSTR_PRIMARY') || constraint.indexname) continue;
        const kind = constraint.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
        const name = constraint.conname ? ` ${constraint.conname}` : '';
        context.report({
          message:
            `Adding ${kind} constraint${name} to ${table.table} builds its index under an ACCESS EXCLUSIVE lock, so no query reads or writes ${table.table} until it is built. ` +
            `Build it first with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … ${kind} USING INDEX.`,
          range: statement.range,
          fixes: c.subtype === 'AT_AddConstraint' && statement.body.cmds.length === 1 ? () => usingIndexFix(statement, context, table, constraint) : undefined,
        });
      }
    }
  },
};

/**
 * A changeset before this one that builds the index with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction),
 * and this statement rewritten to attach it: ADD CONSTRAINT name UNIQUE / PRIMARY KEY USING INDEX name.
 */
function usingIndexFix(statement: ChangesetStatement, context: ChangesetContext, table: { table: string; name: string }, constraint: any): Fix[] | undefined {
  if (statement.generated || constraint.options?.length || constraint.indexspace || constraint.location === undefined) return undefined;
  const columns: string[] = (constraint.keys ?? []).map((k: any) => k.String?.sval).filter(Boolean);
  if (!columns.length) return undefined;
  const primary = constraint.contype === 'CONSTR_PRIMARY';
  // the name PostgreSQL would give the constraint, so the index and the constraint keep it
  const name: string = constraint.conname ?? (primary ? `${table.name}_pkey` : `${table.name}_${columns.join('_')}_key`);
  const including: string[] = (constraint.including ?? []).map((k: any) => k.String?.sval).filter(Boolean);
  const tableSql = table.table.split('.').map(quoteIdent).join('.');
  const index =
    `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${tableSql} (${columns.map(quoteIdent).join(', ')})` +
    `${including.length ? ` INCLUDE (${including.map(quoteIdent).join(', ')})` : ''}${constraint.nulls_not_distinct ? ' NULLS NOT DISTINCT' : ''};`;
  const build = prependChangeset(context.changelog, context.changeset, `${context.changeset.id}-index`, index, { runInTransaction: false });
  if (!build) return undefined;
  const timing = `${constraint.deferrable ? ' DEFERRABLE' : ''}${constraint.initdeferred ? ' INITIALLY DEFERRED' : ''}`;
  const attach = `ALTER TABLE ${tableSql} ADD CONSTRAINT ${quoteIdent(name)} ${primary ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(name)}${timing}`;
  return [
    {
      title: `Build the index concurrently in a changeset before, then attach it with USING INDEX`,
      edits: [build, { file: statement.file, range: statement.range, newText: attach }],
      preferred: true,
    },
  ];
}
