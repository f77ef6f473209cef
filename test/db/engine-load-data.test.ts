// loadData, loadUpdateData, LOB files and stop through the real CLI: the rows land on PostgreSQL and on PGlite (the
// column types come from the live table on both), bad input stops the update before anything runs with one line
// naming the file and line, and a stop change ends the update after the changesets before it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changelogRows, ensureCliBuilt, errorLines, hasStackTrace, ids, pgcs, pgLooker, relations, removeWorkspaces, show, withPglite, workspace, type CliResult, type Looker } from './fixtures/engine-cli';
import { freshDatabase } from './postgres';

vi.setConfig({ testTimeout: 240_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

const changelog = `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - createTable:
            tableName: item
            columns:
              - column: {name: id, type: int, constraints: {primaryKey: true}}
              - column: {name: name, type: varchar(40)}
              - column:
                  name: price
                  type: numeric(8,2)
              - column: {name: active, type: boolean}
  - changeSet:
      id: "2"
      author: t
      changes:
        - loadData:
            tableName: item
            file: items.csv
            relativeToChangelogFile: true
            separator: ";"
  - changeSet:
      id: "3"
      author: t
      changes:
        - loadUpdateData:
            tableName: item
            file: changes.csv
            relativeToChangelogFile: true
            primaryKey: id
`;
const items = 'id;name;price;active\n1;"pen; blue";1.50;true\n2;NULL;;false\n# not a row\n';
const changes = 'id,name,price,active\n2,ink,3,true\n3,pad,0.25,false\n';

const expected = [
  { id: 1, name: 'pen; blue', price: '1.50', active: true },
  { id: 2, name: 'ink', price: '3.00', active: true },
  { id: 3, name: 'pad', price: '0.25', active: false },
];

async function itemsOf(db: Looker) {
  return db.query('SELECT id, name, price::text AS price, active FROM item ORDER BY id');
}

function expectOneLineError(r: CliResult): string {
  const lines = errorLines(r.stderr);
  expect(lines, show(r)).toHaveLength(1);
  expect(hasStackTrace(r.stderr + r.stdout), show(r)).toBe(false);
  return lines[0];
}

describe.concurrent('loadData and loadUpdateData through the CLI', () => {
  it('load and then update-or-insert the CSV rows on PostgreSQL, typed by the table', async () => {
    const db = await freshDatabase('load data');
    const cwd = workspace({ 'changelog.yaml': changelog, 'items.csv': items, 'changes.csv': changes });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    const look = pgLooker(db.url);
    expect(await itemsOf(look)).toEqual(expected);
    expect(await ids(look)).toEqual(['1', '2', '3']);
    // the automatic rollback of loadUpdateData deletes its rows by primary key
    const back = await pgcs(['rollback-count', '--count', '1', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(back.code, show(back)).toBe(0);
    expect((await itemsOf(look)).map((row) => row.id)).toEqual([1]);
  });

  it('do the same on PGlite', async () => {
    const cwd = workspace({ 'changelog.yaml': changelog, 'items.csv': items, 'changes.csv': changes });
    const dir = join(cwd, 'pglite');
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(await withPglite(dir, itemsOf)).toEqual(expected);
  });

  const bad: { name: string; files: Record<string, string>; where: RegExp }[] = [
    { name: 'a record with too many values', files: { 'items.csv': 'id;name;price;active\n1;a;1;true;extra\n', 'changes.csv': changes }, where: /items\.csv:2: 5 values, the header has 4/ },
    { name: 'a missing CSV file', files: { 'items.csv': items }, where: /CSV file 'changes\.csv' not found/ },
  ];
  for (const b of bad) {
    it(`refuse ${b.name} before anything runs, in one line naming the file and line`, async () => {
      const db = await freshDatabase(`load data bad ${b.name}`);
      const cwd = workspace({ 'changelog.yaml': changelog, ...b.files });
      const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
      expect(r.code, show(r)).toBe(1);
      const line = expectOneLineError(r);
      expect(line).toMatch(b.where);
      expect(line).toContain('nothing was done');
      const look = pgLooker(db.url);
      expect(await changelogRows(look)).toEqual([]);
      expect(await relations(look)).not.toContain('item');
    });
  }
});

describe('a value the table cannot take', () => {
  it('fails its changeset when it runs (the column type comes from the table), naming the CSV line; the ones before stay', async () => {
    const db = await freshDatabase('load data bad number');
    const cwd = workspace({ 'changelog.yaml': changelog, 'items.csv': items, 'changes.csv': 'id,name,price,active\n2,ink,three,true\n' });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    const line = expectOneLineError(r);
    expect(line).toMatch(/changes\.csv:2: 'three' in column price \(NUMERIC\) is not a number/);
    expect(line).toContain('Nothing of it was applied');
    const look = pgLooker(db.url);
    expect(await ids(look)).toEqual(['1', '2']);
  });

  it('in a column typed NUMERIC in the change stops the update before anything runs', async () => {
    const db = await freshDatabase('load data bad declared number');
    const typed = changelog.replace('            separator: ";"', '            separator: ";"\n            columns:\n              - column: {name: price, type: NUMERIC}');
    const cwd = workspace({ 'changelog.yaml': typed, 'items.csv': 'id;name;price;active\n1;a;1,5;true\n', 'changes.csv': changes });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    const line = expectOneLineError(r);
    expect(line).toMatch(/items\.csv:2: '1,5' in column price \(NUMERIC\) is not a number.*nothing was done/);
    expect(await changelogRows(pgLooker(db.url))).toEqual([]);
  });
});

describe('stop through the CLI', () => {
  it('ends the update at the stop changeset: the changesets before it stay applied, its message is the error', async () => {
    const db = await freshDatabase('stop');
    const cwd = workspace({
      'changelog.yaml': `databaseChangeLog:
  - changeSet: {id: "1", author: t, changes: [{sql: {sql: "CREATE TABLE before_stop (id int)"}}]}
  - changeSet: {id: "2", author: t, changes: [{stop: {message: "  release 2 starts here "}}]}
  - changeSet: {id: "3", author: t, changes: [{sql: {sql: "CREATE TABLE after_stop (id int)"}}]}
`,
    });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    expect(expectOneLineError(r)).toContain('stop: release 2 starts here');
    const look = pgLooker(db.url);
    expect(await ids(look)).toEqual(['1']);
    expect(await relations(look)).toContain('before_stop');
    expect(await relations(look)).not.toContain('after_stop');
  });
});
