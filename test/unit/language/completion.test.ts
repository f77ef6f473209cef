// Completion contexts, as a table: the SQL typed so far (| marks the cursor) in a changeset after one that created
// users and orders; which names are offered first.
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog } from '../../../server/src/changelog/load';
import { sqlCompletions } from '../../../server/src/language/completion';
import { initSqlParser } from '../../../server/src/sql/statements';

const ROOT = '/completion-test';
const CREATED = 'CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);\nCREATE TABLE orders (id int, user_id int, total numeric(10,2));\nCREATE VIEW big_orders AS SELECT * FROM orders;';

function complete(typed: string): string[] {
  const text = `--liquibase formatted sql\n--changeset a:1\n${CREATED}\n--changeset a:2\n${typed.replace('|', '')}\n`;
  const file = nodePath.join(ROOT, 'changelog.sql');
  const changelog = loadChangelog(file, { reader: { readFile: (p) => (p === file ? text : undefined), isDirectory: () => false, listDirectory: () => undefined }, searchPath: [ROOT] });
  const offset = text.indexOf('--changeset a:2\n') + '--changeset a:2\n'.length + typed.indexOf('|');
  const before = text.slice(0, offset);
  const position = { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
  return sqlCompletions([changelog], file, position).map((i) => i.label);
}

const cases: { typed: string; first: string[]; absent?: string[] }[] = [
  { typed: 'SELECT * FROM |', first: ['orders', 'users', 'big_orders'] },
  { typed: 'SELECT * FROM users u JOIN |', first: ['orders', 'users', 'big_orders'] },
  { typed: 'SELECT | FROM users', first: ['id', 'email'] },
  { typed: 'SELECT u.| FROM users u', first: ['id', 'email'], absent: ['orders'] },
  { typed: 'UPDATE users SET |', first: ['id', 'email'] },
  { typed: 'INSERT INTO orders (user_id, |', first: ['id', 'user_id', 'total'], absent: ['users'] },
  { typed: 'ALTER TABLE |', first: ['orders', 'users'] },
  { typed: 'ALTER TABLE IF EXISTS |', first: ['orders', 'users'] },
  { typed: 'ALTER TABLE orders DROP COLUMN |', first: ['id', 'user_id', 'total'], absent: ['users'] },
  { typed: 'ALTER TABLE orders RENAME COLUMN |', first: ['id', 'user_id', 'total'] },
  { typed: 'CREATE INDEX orders_user_idx ON |', first: ['orders', 'users'] },
  { typed: 'CREATE INDEX orders_user_idx ON orders (|', first: ['id', 'user_id', 'total'] },
  { typed: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES |', first: ['orders', 'users'] },
  { typed: "SELECT * FROM users WHERE email = 'x|", first: [], absent: ['id', 'users'] },
  { typed: 'SELECT * FROM users -- a comment |', first: [], absent: ['id', 'users'] },
];

describe('completion contexts', () => {
  beforeAll(() => initSqlParser());
  for (const c of cases) {
    it(`${c.typed} → ${c.first.join(', ') || 'nothing'}`, () => {
      const labels = complete(c.typed);
      if (c.first.length === 0) expect(labels).toEqual([]);
      else expect(labels.slice(0, c.first.length).sort()).toEqual([...c.first].sort());
      for (const name of c.absent ?? []) expect(labels).not.toContain(name);
    });
  }
});
