// A statement that needs a strong lock (SHARE or stronger: https://www.postgresql.org/docs/current/explicit-locking.html)
// waits behind any transaction that holds a conflicting lock on the table, even a long SELECT; and while it waits,
// every later query on the table queues behind it. lock_timeout turns that outage into an error after a few seconds
// (https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT). pgcs update sets it before
// each changeset; Liquibase and psql do not, so the changeset must.

import type { Changeset } from '../changelog/model';
import type { ChangesetStatement } from '../schema/statements';
import { insertBeforeStatement } from './changeset-edits';
import type { Rule } from './rule';
import { strongLocksOf } from './table-locks';

const SET_LOCK_TIMEOUT = "SET lock_timeout = '5s';";

/** per changeset: lock_timeout is set at this point of it, or its finding is already reported */
const state = new WeakMap<Changeset, { timeoutSet: boolean; reported: boolean }>();

/** true / false when the statement sets / clears lock_timeout, undefined when it does not touch it */
function setsLockTimeout(statement: ChangesetStatement): boolean | undefined {
  const body = statement.body;
  if (statement.kind === 'VariableSetStmt' && body.name === 'lock_timeout') {
    if (body.kind !== 'VAR_SET_VALUE') return false;
    const value = body.args?.[0]?.A_Const;
    return !(value?.ival && (value.ival.ival ?? 0) === 0) && value?.sval?.sval !== '0';
  }
  if (statement.kind === 'SelectStmt' && /set_config\s*\(\s*'lock_timeout'\s*,\s*'([^']*)'/i.test(statement.text)) {
    return !/set_config\s*\(\s*'lock_timeout'\s*,\s*'0'/i.test(statement.text);
  }
  return undefined;
}

const COMMANDS: Record<string, string> = {
  AlterTableStmt: 'ALTER TABLE', RenameStmt: 'ALTER TABLE … RENAME', IndexStmt: 'CREATE INDEX', TruncateStmt: 'TRUNCATE',
  LockStmt: 'LOCK TABLE', VacuumStmt: 'VACUUM FULL', ClusterStmt: 'CLUSTER', CreateTrigStmt: 'CREATE TRIGGER', ReindexStmt: 'REINDEX',
};

function commandOf(statement: ChangesetStatement): string {
  if (statement.kind === 'DropStmt') return statement.body.removeType === 'OBJECT_INDEX' ? 'DROP INDEX' : 'DROP TABLE';
  return COMMANDS[statement.kind] ?? statement.kind;
}

export const missingLockTimeout: Rule = {
  meta: {
    id: 'missing-lock-timeout',
    category: 'locking',
    severity: 'warning',
    title: 'A strong lock on an existing table is taken without lock_timeout set first',
    docs: {
      why:
        'ALTER TABLE (most forms: ACCESS EXCLUSIVE), DROP, TRUNCATE, CREATE INDEX (SHARE), CREATE TRIGGER and ADD FOREIGN KEY ' +
        '(SHARE ROW EXCLUSIVE) must wait for every transaction using the table to finish, even a long-running SELECT. While ' +
        'it waits, every new query on the table queues behind it: a few seconds of DDL become an outage for as long as the ' +
        'slowest transaction runs. pgcs update sets lock_timeout before each changeset; Liquibase and psql do not.' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/explicit-locking.html>, <https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT>',
      instead:
        "Start the changeset with SET lock_timeout = '5s'; (or SET LOCAL in a transaction). If the lock is not granted in " +
        'time the changeset fails without harm and can be retried; the application never queues for long.',
      bad: 'ALTER TABLE users ADD COLUMN nickname text;',
      good: "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;",
    },
    fixable: true,
  },
  statement(statement, context) {
    // the changeset object outlives one lint run (the loader reuses unchanged files): start afresh at its first statement
    if (statement === context.statements[0]) state.set(context.changeset, { timeoutSet: false, reported: false });
    const current = state.get(context.changeset) ?? { timeoutSet: false, reported: false };
    state.set(context.changeset, current);
    // SET LOCAL outside a transaction block ends with its statement
    const sets = statement.body.is_local && context.changeset.attributes.runInTransaction === false ? undefined : setsLockTimeout(statement);
    if (sets !== undefined) {
      current.timeoutSet = sets;
      return;
    }
    if (current.timeoutSet || current.reported || !context.config.requireLockTimeout) return;
    const lock = strongLocksOf(statement, context.schema).find((l) => !context.isNewTable(l.name, l.schema));
    if (!lock) return;
    current.reported = true;
    context.report({
      message:
        `${commandOf(statement)} takes ${lock.mode === 'ACCESS EXCLUSIVE' ? 'an' : 'a'} ${lock.mode} lock on ${lock.table} with no lock_timeout set in this changeset: ` +
        `while a long transaction holds ${lock.table} it waits, and every query on ${lock.table} queues behind it. ` +
        `Put ${SET_LOCK_TIMEOUT} before it (pgcs update sets lock_timeout itself; Liquibase and psql do not).`,
      range: statement.range,
      fixes: () => {
        const edit = insertBeforeStatement(context.changelog, statement, SET_LOCK_TIMEOUT);
        return edit && [{ title: `Set lock_timeout before this statement`, edits: [edit], preferred: true }];
      },
    });
  },
};
