// Liquibase runs a changeset in one transaction, and a lock is held until the transaction ends
// (https://www.postgresql.org/docs/current/explicit-locking.html). DDL that takes a strong table lock next to an
// UPDATE or DELETE of every row keeps that lock for the whole data change: the table is unavailable for as long as
// the full-table write takes, and the write's row locks last as long as the DDL's wait.

import type { Changeset } from '../changelog/model';
import type { ChangesetStatement } from '../schema/statements';
import type { Rule } from './rule';
import { strongLocksOf, tableOf, type TableLock } from './table-locks';

interface Seen {
  ddl?: { lock: TableLock; statement: ChangesetStatement };
  writes: { statement: ChangesetStatement; table: string; verb: string }[];
}

const seen = new WeakMap<Changeset, Seen>();

export const ddlWithUnboundedDml: Rule = {
  meta: {
    id: 'ddl-with-unbounded-dml',
    category: 'locking',
    severity: 'warning',
    title: 'DDL and an UPDATE or DELETE of every row of an existing table in one changeset',
    docs: {
      why:
        'Liquibase runs a changeset in one transaction, and PostgreSQL holds every lock until the transaction ends. DDL ' +
        'such as ALTER TABLE takes an ACCESS EXCLUSIVE lock (CREATE INDEX: SHARE); an UPDATE or DELETE without WHERE in ' +
        'the same changeset keeps that lock for as long as it takes to write every row, and holds row locks on every row ' +
        'until the end: the table is unavailable for the whole data migration.' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/explicit-locking.html>',
      instead:
        'Put the schema change and the data change in separate changesets, and change the data in batches (UPDATE … WHERE ' +
        'id BETWEEN … in several changesets, or a job outside the migration).',
      bad: 'ALTER TABLE users ADD COLUMN active boolean;\nUPDATE users SET active = true;',
      good:
        '--changeset a:1\nALTER TABLE users ADD COLUMN active boolean;\n\n' +
        '--changeset a:2\nUPDATE users SET active = true WHERE id BETWEEN 1 AND 10000 AND active IS NULL;',
    },
  },
  statement(statement, context) {
    // the changeset object outlives one lint run (the loader reuses unchanged files): start afresh at its first statement
    if (statement === context.statements[0]) seen.set(context.changeset, { writes: [] });
    const state = seen.get(context.changeset);
    if (!state || context.changeset.attributes.runInTransaction === false) return;
    if (statement.kind === 'UpdateStmt' || statement.kind === 'DeleteStmt') {
      const table = tableOf(statement.body.relation);
      if (!table || statement.body.whereClause || context.isNewTable(table.name, table.schema)) return;
      state.writes.push({ statement, table: table.table, verb: statement.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE' });
      return;
    }
    if (state.ddl) return;
    const lock = strongLocksOf(statement, context.schema).find((l) => !context.isNewTable(l.name, l.schema));
    if (lock) state.ddl = { lock, statement };
  },
  changeset(context) {
    const state = seen.get(context.changeset);
    if (!state?.ddl || !state.writes.length) return;
    const { lock } = state.ddl;
    for (const write of state.writes) {
      context.report({
        message:
          `${write.verb} of every row of ${write.table} runs in the same transaction as DDL that holds ${lock.mode === 'ACCESS EXCLUSIVE' ? 'an' : 'a'} ${lock.mode} lock on ${lock.table}, ` +
          `so ${lock.table} stays locked until the whole ${write.verb} commits. Put the data change in a separate changeset, in batches.`,
        range: write.statement.range,
        statement: write.statement,
      });
    }
  },
};
