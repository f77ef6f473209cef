// The editor lints again after every edit with a LintMemo: the changesets before the first changed one keep their
// findings. Whatever the edit, the findings must be those of a lint from scratch.
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChangelogCache, loadChangelog, type SourceReader } from '../../../server/src/changelog/load';
import type { Finding } from '../../../server/src/changelog/model';
import { LintMemo, lintChangelog } from '../../../server/src/rules/run';
import { initSqlParser } from '../../../server/src/sql/statements';

const ROOT = '/project';
const CHANGELOG = nodePath.join(ROOT, 'changelog.yaml');
const SQL_FILE = nodePath.join(ROOT, 'more.sql');

const changeset = (id: number, sql: string) => `  - changeSet:\n      id: ${id}\n      author: a\n      changes:\n        - sql: ${sql}\n`;
const BASE =
  'databaseChangeLog:\n' +
  changeset(1, 'CREATE TABLE users (id int PRIMARY KEY, name text)') +
  changeset(2, 'GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_user') +
  changeset(3, 'ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (name <> \'\')') +
  changeset(4, 'CREATE INDEX users_name_idx ON users (name)') +
  `  - changeSet:\n      id: 5\n      author: a\n      changes:\n        - sqlFile:\n            path: more.sql\n            relativeToChangelogFile: true\n` +
  changeset(6, 'ALTER TABLE users RENAME COLUMN name TO full_name') +
  // the loader keeps unchanged changesets of a file edited in place only from 32 KB on (below, it parses it whole)
  Array.from({ length: 300 }, (_, i) => changeset(100 + i, `CREATE TABLE filler_${i} (id int PRIMARY KEY, note text NOT NULL DEFAULT '')`)).join('');

/** each edit: the changelog's text and the .sql file's */
const EDITS: { name: string; yaml: string; sql: string }[] = [
  { name: 'the first lint', yaml: BASE, sql: 'SELECT 1;\n' },
  { name: 'an edit of the last changeset', yaml: BASE.replace('RENAME COLUMN name TO full_name', 'RENAME COLUMN name TO display_name'), sql: 'SELECT 1;\n' },
  { name: 'a line added at the top (every changeset moves)', yaml: BASE.replace('databaseChangeLog:\n', '# the schema\ndatabaseChangeLog:\n'), sql: 'SELECT 1;\n' },
  { name: 'the table no longer created (later findings change)', yaml: BASE.replace('CREATE TABLE users', 'CREATEx TABLE users'), sql: 'SELECT 1;\n' },
  { name: 'created again', yaml: BASE, sql: 'SELECT 1;\n' },
  { name: 'a pgcs-ignore above a changeset', yaml: BASE.replace('  - changeSet:\n      id: 4', '  # pgcs-ignore index-without-concurrently: small table\n  - changeSet:\n      id: 4'), sql: 'SELECT 1;\n' },
  { name: 'the .sql file creates a table', yaml: BASE, sql: 'CREATE TABLE orders (id int);\n' },
  { name: 'the grant removed (application roles change)', yaml: BASE.replace(changeset(2, 'GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_user'), ''), sql: 'CREATE TABLE orders (id int);\n' },
];

describe('incremental lint in the editor', () => {
  beforeAll(() => initSqlParser());

  it('gives after every edit the findings of a lint from scratch', () => {
    const files = new Map<string, string>();
    const reader: SourceReader = { readFile: (path) => files.get(path), isDirectory: () => false, listDirectory: () => undefined };
    const cache = new ChangelogCache();
    const memo = new LintMemo();
    for (const edit of EDITS) {
      files.set(CHANGELOG, edit.yaml);
      files.set(SQL_FILE, edit.sql);
      const incremental = lintChangelog(loadChangelog(CHANGELOG, { reader, cache }), { memo });
      const scratch = lintChangelog(loadChangelog(CHANGELOG, { reader }));
      expect(incremental.map(plain), edit.name).toEqual(scratch.map(plain));
    }
  });

  it('keeps the findings of the changesets before the edited one', () => {
    const files = new Map([[CHANGELOG, BASE], [SQL_FILE, 'SELECT 1;\n']]);
    const reader: SourceReader = { readFile: (path) => files.get(path), isDirectory: () => false, listDirectory: () => undefined };
    const cache = new ChangelogCache();
    const memo = new LintMemo();
    const before = lintChangelog(loadChangelog(CHANGELOG, { reader, cache }), { memo });
    files.set(CHANGELOG, BASE.replace('RENAME COLUMN name TO full_name', 'RENAME COLUMN name TO display_name'));
    const after = lintChangelog(loadChangelog(CHANGELOG, { reader, cache }), { memo });
    const index = before.find((f) => f.rule === 'index-without-concurrently');
    expect(index).toBeDefined();
    expect(after).toContain(index);
    expect(after.find((f) => f.rule === 'rename-column')?.message).toContain('display_name');
  });
});

function plain(f: Finding) {
  return { rule: f.rule, severity: f.severity, message: f.message, file: f.file, range: f.range, changeset: f.changeset, fixes: f.fixes };
}
