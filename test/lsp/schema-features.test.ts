// Hover and completion from the replayed schema, over the real server: a table or column name in a changeset's
// SQL shows the table as the changelog has it there; completion offers the tables and columns that exist there.
// Raw SQL in YAML, formatted SQL, a sqlFile's .sql file and a built-in change's tableName alike.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProject, startServer, textAt, uriOf } from './helpers';
import type { LspClient } from './lsp-client';

const changelog = `databaseChangeLog:
  - changeSet:
      id: 001-users
      author: alice
      changes:
        - sql: |
            CREATE TABLE users (
              id serial PRIMARY KEY,
              email varchar(255) NOT NULL,
              created_at timestamptz DEFAULT now()
            );
  - changeSet:
      id: 002-nickname
      author: bob
      changes:
        - sql: |
            ALTER TABLE users ADD COLUMN nickname text;
            SELECT email FROM users u WHERE u.id = 1;
            ALTER TABLE legacy ADD COLUMN note text;
        - createIndex:
            tableName: users
            indexName: users_email_idx
            columns:
              - column:
                  name: email
  - changeSet:
      id: 003-orders-file
      author: carol
      changes:
        - sqlFile:
            path: sql/orders.sql
            relativeToChangelogFile: true
  - changeSet:
      id: 003b-view
      author: erin
      changes:
        - createView:
            viewName: user_emails
            selectQuery: SELECT email, nickname FROM users
  - include:
      file: more.sql
      relativeToChangelogFile: true
`;

const ordersSql = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id int REFERENCES users);\nSELECT  FROM users;\n';

const moreSql = `--liquibase formatted sql

--changeset dave:004-more
ALTER TABLE orders ADD COLUMN total numeric(10,2) NOT NULL DEFAULT 0;
UPDATE users SET nickname = email;
`;

let dir: string;
let client: LspClient;
const file = (name: string) => path.join(dir, name);
const texts: Record<string, string> = { 'db/changelog.yaml': changelog, 'db/sql/orders.sql': ordersSql, 'db/more.sql': moreSql };

/** the position of the `nth` occurrence of `needle` in a file, `delta` characters into it */
function at(name: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  const text = texts[name];
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`${needle} not in ${name}`);
  offset += delta;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
}

const hover = (name: string, position: { line: number; character: number }) =>
  client.request('textDocument/hover', { textDocument: { uri: uriOf(file(name)) }, position });
const complete = async (name: string, position: { line: number; character: number }): Promise<any[]> => {
  const result = await client.request('textDocument/completion', { textDocument: { uri: uriOf(file(name)) }, position });
  return Array.isArray(result) ? result : result?.items ?? [];
};
const labels = (items: any[]) => items.map((i) => i.label);

beforeAll(async () => {
  dir = makeProject(texts);
  ({ client } = await startServer(dir));
  await client.waitForDiagnostics(file('db/changelog.yaml'));
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

describe('hover on a table or column name', () => {
  it('shows a table as of the changeset, with its columns and the changeset that created it (raw SQL in YAML)', async () => {
    const position = at('db/changelog.yaml', 'users ADD COLUMN', 2);
    const result = await hover('db/changelog.yaml', position);
    expect(textAt(changelog, result.range)).toBe('users');
    const value: string = result.contents.value;
    expect(value).toContain('**table** `users` as of changeset `002-nickname`');
    expect(value).toContain('Created by changeset `001-users` (alice');
    expect(value).toContain("| `id` | integer | not null | `nextval('users_id_seq'::regclass)` |");
    expect(value).toContain('| `email` | character varying(255) | not null |  |');
    expect(value).toContain('| `created_at` | timestamp with time zone | null | `now()` |');
    // the schema just before the statement: the column it adds is not there yet
    expect(value).not.toContain('| `nickname`');
    expect(value).toContain('`users_pkey` PRIMARY KEY (id)');
  });

  it('shows a column with its type and where it came from, through an alias too', async () => {
    const plain = await hover('db/changelog.yaml', at('db/changelog.yaml', 'email FROM users', 1));
    expect(plain.contents.value).toContain('**column** `users.email` as of changeset `002-nickname`');
    expect(plain.contents.value).toContain('`character varying(255)`, not null');
    expect(plain.contents.value).toContain('Added by changeset `001-users`');
    const aliased = await hover('db/changelog.yaml', at('db/changelog.yaml', 'u.id', 2));
    expect(aliased.contents.value).toContain('**column** `users.id`');
  });

  it('says a table the changelog never created existed before it', async () => {
    const result = await hover('db/changelog.yaml', at('db/changelog.yaml', 'legacy', 1));
    expect(result.contents.value).toContain('**table** `legacy`');
    expect(result.contents.value).toContain('Existing before the changelog');
    expect(result.contents.value).toContain('Only the columns the changelog added or changed are known');
  });

  it('shows an index by its name: its table, columns and the changeset that made it', async () => {
    const index = await hover('db/changelog.yaml', at('db/changelog.yaml', 'users_email_idx', 3));
    expect(index.contents.value).toContain('**index** `users_email_idx` on `users` (email) as of changeset `002-nickname`');
    expect(index.contents.value).toContain('Created by this changeset.');
  });

  it("works on a built-in change's tableName", async () => {
    const result = await hover('db/changelog.yaml', at('db/changelog.yaml', 'tableName: users', 12));
    expect(result.contents.value).toContain('**table** `users`');
    // the statements before it in the changeset ran: the column added just above is there
    expect(result.contents.value).toContain('| `nickname` | text | null |  |');
  });

  it("works in a built-in change's SQL (createView's selectQuery)", async () => {
    const result = await hover('db/changelog.yaml', at('db/changelog.yaml', 'nickname FROM users', 3));
    expect(result.contents.value).toContain('**column** `users.nickname` as of changeset `003b-view`');
  });

  it('works in a sqlFile .sql file and in formatted SQL, where the changeset creating the table is shown too', async () => {
    const created = await hover('db/sql/orders.sql', at('db/sql/orders.sql', 'orders', 2));
    expect(created.contents.value).toContain('**table** `orders` as of changeset `003-orders-file`');
    expect(created.contents.value).toContain('Created by this changeset.');
    const altered = await hover('db/more.sql', at('db/more.sql', 'orders', 1));
    expect(altered.contents.value).toContain('Created by changeset `003-orders-file` (carol');
    expect(altered.contents.value).toContain('`orders_user_id_fkey` FOREIGN KEY (user_id) → users (id)');
    const column = await hover('db/more.sql', at('db/more.sql', 'nickname', 2));
    expect(column.contents.value).toContain('**column** `users.nickname`');
    expect(column.contents.value).toContain('Added by changeset `002-nickname` (bob');
  });
});

describe('completion of table and column names', () => {
  it('offers the columns of the statement’s table after SELECT in a .sql file', async () => {
    const items = await complete('db/sql/orders.sql', at('db/sql/orders.sql', 'SELECT  FROM', 7));
    expect(labels(items).slice(0, 4)).toEqual(['id', 'email', 'created_at', 'nickname']);
    expect(items.find((i) => i.label === 'email').detail).toBe('character varying(255) not null');
  });

  it('offers the tables that exist at that point after FROM, JOIN, UPDATE, ALTER TABLE (raw SQL being typed in YAML)', async () => {
    const typed = changelog.replace('ALTER TABLE legacy ADD COLUMN note text;', 'ALTER TABLE legacy ADD COLUMN note text;\n            SELECT * FROM us');
    texts['db/changelog.yaml'] = typed;
    client.open(file('db/changelog.yaml'), typed);
    const items = await complete('db/changelog.yaml', at('db/changelog.yaml', 'FROM us\n', 7));
    expect(labels(items)).toContain('users');
    expect(labels(items)).toContain('legacy');
    // orders is created by a later changeset
    expect(labels(items)).not.toContain('orders');
  });

  it('offers the columns of an alias after `alias.` and of the table in ALTER TABLE … ALTER COLUMN (formatted SQL)', async () => {
    const typed = moreSql.replace('UPDATE users SET nickname = email;', 'UPDATE users SET nickname = email;\nSELECT o. FROM orders o;\nALTER TABLE orders ALTER COLUMN ');
    texts['db/more.sql'] = typed;
    client.open(file('db/more.sql'), typed);
    const aliased = await complete('db/more.sql', at('db/more.sql', 'o. FROM', 2));
    expect(labels(aliased)).toEqual(['id', 'user_id', 'total']);
    const altered = await complete('db/more.sql', at('db/more.sql', 'ALTER COLUMN ', 13));
    expect(labels(altered)).toEqual(['id', 'user_id', 'total']);
  });

  it('offers nothing outside SQL', async () => {
    expect(await complete('db/changelog.yaml', at('db/changelog.yaml', 'author: alice', 9))).toEqual([]);
  });
});
