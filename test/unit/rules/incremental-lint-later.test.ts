// The editor's lint keeps the findings of the changesets after an edited one when the schema they use is as it
// was. Whatever the edit (of the schema a later changeset reads, of one it does not read, of the lines, of an
// included file), the findings must be those of a lint from scratch; and the kept findings must be the same objects.
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChangelogCache, loadChangelog, type SourceReader } from '../../../server/src/changelog/load';
import type { Finding } from '../../../server/src/changelog/model';
import { LintMemo, lintChangelog } from '../../../server/src/rules/run';
import { initSqlParser } from '../../../server/src/sql/statements';

const ROOT = '/project';
const CHANGELOG = nodePath.join(ROOT, 'changelog.yaml');
const INCLUDED = nodePath.join(ROOT, 'included.yaml');
const SQL_FILE = nodePath.join(ROOT, 'seed.sql');

const changeset = (id: string, sql: string) => `  - changeSet:\n      id: ${id}\n      author: a\n      changes:\n        - sql: ${sql}\n`;
// the loader keeps the unchanged changesets of a file edited in place only from 32 KB on (below, it parses it whole)
const filler = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => changeset(`f${from + i}`, `CREATE TABLE filler_${from + i} (id int PRIMARY KEY, note text NOT NULL DEFAULT '')`)).join('');

const BASE =
  'databaseChangeLog:\n' +
  changeset('users', 'CREATE TABLE users (id int PRIMARY KEY, name text)') +
  changeset('grant', 'GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_user') +
  filler(0, 120) +
  changeset('orders', 'CREATE TABLE orders (id int PRIMARY KEY, user_id int, total numeric)') +
  changeset('orders-grant', 'GRANT SELECT ON orders TO app_user') +
  changeset('defaults', 'SELECT 1') +
  changeset('membership', 'GRANT mid TO app_user; GRANT readers TO mid') +
  changeset('drop-role', 'SELECT 3') +
  filler(200, 60) +
  `  - include:\n      file: included.yaml\n      relativeToChangelogFile: true\n` +
  `  - changeSet:\n      id: seed\n      author: a\n      changes:\n        - sqlFile:\n            path: seed.sql\n            relativeToChangelogFile: true\n` +
  changeset('orders-total', 'ALTER TABLE orders ALTER COLUMN total SET NOT NULL') +
  changeset('users-email', 'ALTER TABLE users ADD COLUMN email text NOT NULL') +
  changeset('orders-index', 'CREATE INDEX orders_user_idx ON orders (user_id)') +
  changeset('all-tables', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting') +
  filler(400, 60) +
  changeset('rename', 'ALTER TABLE users RENAME COLUMN name TO full_name') +
  changeset('late', 'CREATE TABLE late (id int PRIMARY KEY)') +
  changeset('reports', 'CREATE TABLE reports (id int); GRANT SELECT, INSERT, UPDATE, DELETE ON reports TO readers') +
  changeset('drop', 'DROP TABLE orders');

const INCLUDED_BASE = 'databaseChangeLog:\n' + changeset('inc-1', 'ALTER TABLE orders ADD COLUMN note text') + changeset('inc-2', 'CREATE TABLE audit (id int)');
const SQL_BASE = 'INSERT INTO orders (id) VALUES (1);\n';

interface Edit {
  name: string;
  yaml?: (text: string) => string;
  included?: (text: string) => string;
  sql?: (text: string) => string;
}

/** applied one after the other, each to the texts the edit before left */
const EDITS: Edit[] = [
  { name: 'the first lint' },
  { name: 'a character typed in a table nobody uses later', yaml: (t) => t.replace('filler_50 (id int', 'filler_50 (idx int') },
  { name: 'typed again there', yaml: (t) => t.replace('filler_50 (idx int', 'filler_50 (idxy int') },
  { name: 'a syntax error in the table later changesets alter', yaml: (t) => t.replace('CREATE TABLE orders', 'CREATEx TABLE orders') },
  { name: 'the syntax error fixed', yaml: (t) => t.replace('CREATEx TABLE orders', 'CREATE TABLE orders') },
  { name: 'a column later changesets use made NOT NULL', yaml: (t) => t.replace('user_id int, total numeric', 'user_id int, total numeric NOT NULL') },
  { name: 'a column no later changeset uses added', yaml: (t) => t.replace('total numeric NOT NULL)', 'total numeric NOT NULL, placed_at date)') },
  { name: 'the same schema written differently', yaml: (t) => t.replace('CREATE TABLE orders (id int PRIMARY KEY', 'create table orders (id int primary key') },
  { name: 'lines added in the middle (every later changeset moves)', yaml: (t) => t.replace('  - changeSet:\n      id: defaults', '  # orders are done\n\n  - changeSet:\n      id: defaults') },
  { name: 'those lines removed', yaml: (t) => t.replace('  # orders are done\n\n', '') },
  { name: 'default privileges that later tables get', yaml: (t) => t.replace(changeset('defaults', 'SELECT 1'), changeset('defaults', 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app_user')) },
  { name: 'the role that creates later tables changed', yaml: (t) => t.replace('ON TABLES TO app_user', 'ON TABLES TO app_user; SET ROLE owner') },
  { name: 'the grant that makes app_user an application role removed', yaml: (t) => t.replace(changeset('grant', 'GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_user'), changeset('grant', 'SELECT 2')) },
  { name: 'and put back', yaml: (t) => t.replace(changeset('grant', 'SELECT 2'), changeset('grant', 'GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_user')) },
  // DROP ROLE takes the role out of every membership: it changes entries it does not name (app_user's roles)
  { name: 'the role between app_user and its grants dropped', yaml: (t) => t.replace(changeset('drop-role', 'SELECT 3'), changeset('drop-role', 'DROP ROLE mid')) },
  { name: 'another role dropped instead', yaml: (t) => t.replace('DROP ROLE mid', 'DROP ROLE writers') },
  { name: 'the id of the changeset that creates orders changed (messages name it)', yaml: (t) => t.replace('id: orders\n', 'id: orders-v2\n') },
  { name: 'a pgcs-ignore above a later changeset', yaml: (t) => t.replace('  - changeSet:\n      id: orders-index', '  # pgcs-ignore index-without-concurrently: small\n  - changeSet:\n      id: orders-index') },
  { name: 'a changeset inserted in the middle', yaml: (t) => t.replace('  - changeSet:\n      id: defaults', changeset('inserted', 'ALTER TABLE users ADD COLUMN nickname text') + '  - changeSet:\n      id: defaults') },
  { name: 'that changeset removed', yaml: (t) => t.replace(changeset('inserted', 'ALTER TABLE users ADD COLUMN nickname text'), '') },
  { name: 'an edit of the included file', included: (t) => t.replace('ADD COLUMN note text', 'ADD COLUMN note text NOT NULL') },
  { name: 'the included file creates the table a later changeset indexes', included: (t) => t.replace('CREATE TABLE audit (id int)', 'CREATE TABLE audit (id int); DROP TABLE orders') },
  { name: 'the included file as it was', included: () => INCLUDED_BASE },
  { name: 'the sqlFile changes the schema', sql: () => 'ALTER TABLE users DROP COLUMN name;\n' },
  { name: 'the sqlFile as it was', sql: () => SQL_BASE },
  { name: 'an edit above the last one (before the kept schema)', yaml: (t) => t.replace('CREATE TABLE users (id int PRIMARY KEY, name text)', 'CREATE TABLE users (id bigint PRIMARY KEY, name text)') },
  { name: 'an edit far below it', yaml: (t) => t.replace('filler_450 (id int', 'filler_450 (idz int') },
  { name: 'typing in a changeset that alters a table made above it', yaml: (t) => t.replace('ADD COLUMN email text NOT NULL', 'ADD COLUMN emaila text NOT NULL') },
  { name: 'typed again (the schema kept above it must not hold the last column)', yaml: (t) => t.replace('ADD COLUMN emaila text NOT NULL', 'ADD COLUMN emailb text NOT NULL') },
  { name: 'the table it alters dropped above it', yaml: (t) => t.replace(changeset('defaults', 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app_user; SET ROLE owner'), changeset('defaults', 'DROP TABLE users')) },
  { name: 'the last changeset removed', yaml: (t) => t.replace(changeset('drop', 'DROP TABLE orders'), '') },
  { name: 'back to the start', yaml: () => BASE, included: () => INCLUDED_BASE, sql: () => SQL_BASE },
];

describe('incremental lint of the changesets after an edit', () => {
  beforeAll(() => initSqlParser());

  function editor() {
    const files = new Map([[CHANGELOG, BASE], [INCLUDED, INCLUDED_BASE], [SQL_FILE, SQL_BASE]]);
    const reader: SourceReader = { readFile: (path) => files.get(path), isDirectory: () => false, listDirectory: () => undefined };
    const cache = new ChangelogCache();
    const memo = new LintMemo();
    return {
      files,
      lint: () => lintChangelog(loadChangelog(CHANGELOG, { reader, cache }), { memo }),
      scratch: () => lintChangelog(loadChangelog(CHANGELOG, { reader })),
    };
  }

  it('gives after every edit the findings of a lint from scratch', () => {
    const { files, lint, scratch } = editor();
    for (const edit of EDITS) {
      if (edit.yaml) files.set(CHANGELOG, edit.yaml(files.get(CHANGELOG)!));
      if (edit.included) files.set(INCLUDED, edit.included(files.get(INCLUDED)!));
      if (edit.sql) files.set(SQL_FILE, edit.sql(files.get(SQL_FILE)!));
      expect(lint().map(plain), edit.name).toEqual(scratch().map(plain));
    }
  });

  it('keeps the findings of later changesets that do not use what the edit changed', () => {
    const { files, lint } = editor();
    const before = lint();
    files.set(CHANGELOG, BASE.replace('CREATE TABLE orders', 'CREATEx TABLE orders'));
    const after = lint();
    // users is untouched by the edit: the finding about its new NOT NULL column is the one of the last lint
    const email = before.find((f) => f.rule === 'add-required-column' && f.changeset?.id === 'users-email');
    expect(email).toBeDefined();
    expect(after).toContain(email);
    // orders is no longer created: the changeset that drops it is linted again (orders is now a table from before the changelog)
    const drop = (findings: Finding[]) => findings.filter((f) => f.changeset?.id === 'drop').map((f) => `${f.rule}: ${f.message}`);
    expect(drop(before)).not.toEqual(drop(after));
  });
});

function plain(f: Finding) {
  return { rule: f.rule, severity: f.severity, message: f.message, file: f.file, range: f.range, changeset: f.changeset, fixes: f.fixes };
}
