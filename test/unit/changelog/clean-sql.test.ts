// The loader analyses each SqlText once: one that parsed without errors is not analysed again on the next load
// (after a keystroke, 2,000 changesets keep theirs). What it remembers is the parse it found clean, so the SQL
// errors of every load are those of a load from scratch, and a SqlText whose parse changed is analysed again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangelogCache, loadChangelog } from '../../../server/src/changelog/load';
import { initSqlParser, parseSql } from '../../../server/src/sql/statements';

let dir: string;
let root: string;

beforeAll(async () => {
  await initSqlParser();
  dir = mkdtempSync(join(tmpdir(), 'pgcs-clean-sql-'));
  root = join(dir, 'changelog.yaml');
  writeFileSync(root, [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: clean',
    '      author: a',
    '      changes:',
    '        - sql: CREATE TABLE t (id int)',
    '  - changeSet:',
    '      id: broken',
    '      author: a',
    '      changes:',
    '        - sql: CREATE TABLE u (id int',
    '',
  ].join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sqlErrors = (changelog: ReturnType<typeof loadChangelog>) => changelog.findings.filter((f) => f.rule === 'sql-syntax').map((f) => `${f.changeset?.id}@${f.range.start.line}`);

describe('SQL analysis kept between loads', () => {
  it('reports the same SQL errors on every load with one cache, and a kept SqlText whose parse changed anew', () => {
    const cache = new ChangelogCache();
    const first = loadChangelog(root, { cache });
    expect(sqlErrors(first)).toEqual(['broken@10']);
    const second = loadChangelog(root, { cache });
    expect(sqlErrors(second)).toEqual(['broken@10']);
    // the same SqlText object, kept by the cache: a new parse of it must be looked at again
    const clean = second.changesets[0].changes[0].sql!;
    expect(first.changesets[0].changes[0].sql).toBe(clean);
    clean.parsed = parseSql('CREATE TABLE t (id int', clean);
    expect(sqlErrors(loadChangelog(root, { cache }))).toEqual(['clean@5', 'broken@10']);
  });
});
