// CREATE INDEX takes a SHARE lock on its table for the whole build; DROP INDEX takes ACCESS EXCLUSIVE
// (https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY,
// https://www.postgresql.org/docs/current/explicit-locking.html). CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead,
// but cannot run inside a transaction block, so the changeset needs runInTransaction: false.

import type { Fix, FileEdit } from '../changelog/model';
import { namesOf } from '../schema/replay';
import { relationKey } from '../schema/schema';
import { runInTransactionFalse } from './changeset-edits';
import type { ChangesetContext, Rule } from './rule';
import { tableOf, tableOfIndex } from './table-locks';
import type { ChangesetStatement } from '../schema/statements';

export const indexWithoutConcurrently: Rule = {
  meta: {
    id: 'index-without-concurrently',
    category: 'locking',
    severity: 'warning',
    title: 'Creating or dropping an index without CONCURRENTLY blocks writes to an existing table',
    docs: {
      why:
        'CREATE INDEX holds a SHARE lock on the table until the index is built: every INSERT, UPDATE and DELETE waits, ' +
        'for minutes on a big table. DROP INDEX takes an ACCESS EXCLUSIVE lock: even reads wait, and while it waits for ' +
        'running queries, every new query on the table queues behind it.' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY>, <https://www.postgresql.org/docs/current/explicit-locking.html>',
      instead:
        'CREATE INDEX CONCURRENTLY / DROP INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE: reads and writes go on) in a ' +
        'changeset with runInTransaction: false, since PostgreSQL refuses CONCURRENTLY inside a transaction block.',
      bad: '--changeset a:1\nCREATE INDEX users_email_idx ON users (email);',
      good: '--changeset a:1 runInTransaction:false\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
    },
    fixable: true,
  },
  statement(statement, context) {
    const body = statement.body;
    if (statement.kind === 'IndexStmt') {
      if (body.concurrent) return;
      const table = tableOf(body.relation);
      if (!table || context.isNewTable(table.name, table.schema)) return;
      context.report({
        message:
          `CREATE INDEX on ${table.table} without CONCURRENTLY holds a SHARE lock until the index is built, so every write to ${table.table} waits. ` +
          `Use CREATE INDEX CONCURRENTLY in a changeset with runInTransaction: false.`,
        range: statement.range,
        fixes: () => concurrentlyFix(statement, context, /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b/i),
      });
      return;
    }
    if (statement.kind === 'DropStmt' && body.removeType === 'OBJECT_INDEX' && !body.concurrent) {
      const objects: string[][] = (body.objects ?? []).map(namesOf);
      // an index the changeset itself created is not in use yet
      const existing = objects.filter((names) => {
        const index = context.schema.indexes.get(relationKey(names[names.length - 1], names.length > 1 ? names[names.length - 2] : undefined));
        if (index && index.origin === context.changeset.index) return false;
        const table = tableOfIndex(context.schema, names);
        return !table || !context.isNewTable(table.name, table.schema);
      });
      if (!existing.length) return;
      const table = tableOfIndex(context.schema, existing[0]);
      const name = existing.map((n) => n.join('.')).join(', ');
      const on = table ? table.table : 'its table';
      context.report({
        message:
          `DROP INDEX ${name} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on ${on}, so every query on it waits. ` +
          `Use DROP INDEX CONCURRENTLY (one index per statement) in a changeset with runInTransaction: false.`,
        range: statement.range,
        // CONCURRENTLY drops one index and refuses CASCADE
        fixes: objects.length === 1 && body.behavior !== 'DROP_CASCADE' ? () => concurrentlyFix(statement, context, /^\s*DROP\s+INDEX\b/i) : undefined,
      });
    }
  },
};

/** CONCURRENTLY after the INDEX keyword, and runInTransaction: false on the changeset (raw SQL only). */
function concurrentlyFix(statement: ChangesetStatement, context: ChangesetContext, keyword: RegExp): Fix[] | undefined {
  if (statement.generated) return undefined;
  const m = keyword.exec(statement.text);
  if (!m) return undefined;
  const edits: FileEdit[] = [{ file: statement.file, range: statement.rangeAt(m[0].length, 0), newText: ' CONCURRENTLY' }];
  if (context.changeset.attributes.runInTransaction !== false) {
    const transaction = runInTransactionFalse(context.changelog, context.changeset);
    if (!transaction) return undefined;
    edits.push(...transaction);
  }
  return [{ title: 'Add CONCURRENTLY and set runInTransaction: false', edits, preferred: true }];
}
