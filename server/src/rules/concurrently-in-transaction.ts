// Some commands refuse to run inside a transaction block ("ERROR: CREATE INDEX CONCURRENTLY cannot run inside a
// transaction block"): CONCURRENTLY index builds and drops, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY,
// VACUUM, CREATE/DROP DATABASE and TABLESPACE, ALTER SYSTEM, and before PostgreSQL 12 ALTER TYPE … ADD VALUE.
// Liquibase runs a changeset in one transaction unless it says runInTransaction: false; and PostgreSQL runs several
// statements sent as one query (splitStatements: false) as one implicit transaction too.

import { runInTransactionFalse } from './changeset-edits';
import type { Rule } from './rule';

function refusal(statement: { kind: string; body: Record<string, any> }, postgresVersion: number): string | undefined {
  const body = statement.body;
  switch (statement.kind) {
    case 'IndexStmt':
      return body.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return body.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt':
      return (body.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently') ? 'REINDEX CONCURRENTLY' : undefined;
    case 'AlterTableStmt':
      return (body.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd?.def?.PartitionCmd?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY'
        : undefined;
    case 'AlterEnumStmt':
      return postgresVersion < 12 && body.newVal && !body.oldVal ? 'ALTER TYPE … ADD VALUE' : undefined;
    case 'VacuumStmt':
      return body.is_vacuumcmd ? 'VACUUM' : undefined;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    default:
      return undefined;
  }
}

export const concurrentlyInTransaction: Rule = {
  meta: {
    id: 'concurrently-in-transaction',
    category: 'locking',
    severity: 'error',
    title: 'A command that cannot run inside a transaction block, in a changeset that runs in one',
    docs: {
      why:
        'PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY, VACUUM, ' +
        'CREATE/DROP DATABASE and ALTER SYSTEM (and ALTER TYPE … ADD VALUE before PostgreSQL 12) inside a transaction block: ' +
        '"cannot run inside a transaction block". Liquibase runs each changeset in a transaction unless runInTransaction is ' +
        'false, so the changeset fails on every environment. (CONCURRENTLY exists to avoid the SHARE / ACCESS EXCLUSIVE ' +
        'lock of the plain command: it takes SHARE UPDATE EXCLUSIVE and lets reads and writes go on.)' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>',
      instead:
        'Set runInTransaction: false on the changeset, and keep such a command alone in its changeset (a failure halfway ' +
        'leaves the earlier statements committed; an interrupted CONCURRENTLY build leaves an INVALID index to drop).',
      bad: '--changeset a:1\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      good: '--changeset a:1 runInTransaction:false\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
    },
    fixable: true,
  },
  statement(statement, context) {
    const command = refusal(statement, context.config.postgresVersion);
    if (!command) return;
    if (context.changeset.attributes.runInTransaction !== false) {
      const edits = runInTransactionFalse(context.changelog, context.changeset);
      context.report({
        message:
          `${command} cannot run inside a transaction block, and Liquibase runs this changeset in one, so it fails with ` +
          `"cannot run inside a transaction block". Set runInTransaction: false on the changeset.`,
        range: statement.range,
        fixes: edits && [{ title: 'Set runInTransaction: false on the changeset', edits, preferred: true }],
      });
      return;
    }
    // outside Liquibase's transaction, but sent together with other statements: PostgreSQL makes one implicit transaction of them
    const sql = statement.change.sql;
    if (sql && !sql.splitStatements && context.statements.filter((s) => s.change === statement.change).length > 1) {
      context.report({
        message:
          `${command} cannot run inside a transaction block, and with splitStatements: false this change sends all its statements ` +
          `as one query, which PostgreSQL runs as one implicit transaction. Put it in a change of its own, or let Liquibase split the statements.`,
        range: statement.range,
      });
    }
  },
};
