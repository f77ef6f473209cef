// The SQL previews of changelog-sync and of a future rollback: they write nothing, and the SQL they print, run by
// hand (as a DBA would run it), does what the command it previews would do. The real CLI against fresh databases
// of the run's embedded PostgreSQL.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changelogRows, ensureCliBuilt, ids, pgcs, pgLooker, pgQuery, relations, removeWorkspaces, show, workspace } from './fixtures/engine-cli';
import { freshDatabase } from './postgres';

vi.setConfig({ testTimeout: 240_000 });
beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

const CHANGELOG = `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - createTable:
            tableName: a
            columns:
              - column: {name: id, type: int}
  - changeSet:
      id: "2"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE b (id int)
      rollback: DROP TABLE b
  - changeSet:
      id: "3"
      author: t
      changes:
        - addColumn:
            tableName: a
            columns:
              - column: {name: note, type: text}
  - changeSet:
      id: "4"
      author: t
      changes:
        - tagDatabase:
            tag: v4
`;

const userTables = async (url: string) => (await relations(pgLooker(url))).filter((r) => !r.startsWith('databasechangelog'));
const columnsOfA = async (url: string) => (await pgQuery<{ c: string }>(url, `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'a' ORDER BY ordinal_position`)).map((r) => r.c);
/** the rows as the tools compare them: all but when and in which deployment */
const rowsOf = async (url: string) => (await changelogRows(pgLooker(url))).map(({ dateexecuted: _d, deployment_id: _i, ...rest }) => rest);

describe.concurrent('SQL previews on PostgreSQL', () => {
  it('changelog-sync-sql and mark-next-changeset-ran-sql write nothing; their SQL, run by hand, writes the rows the commands write', async () => {
    const [previewed, synced] = await Promise.all([freshDatabase('sync sql'), freshDatabase('sync')]);
    const cwd = workspace({ 'changelog.yaml': CHANGELOG });
    const on = (url: string) => (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', url], { cwd });

    const next = await on(previewed.url)('mark-next-changeset-ran-sql');
    expect(next.code, show(next)).toBe(0);
    expect(next.stdout.match(/^INSERT INTO public\.databasechangelog \(/gm)).toHaveLength(1);
    expect(await relations(pgLooker(previewed.url))).toEqual([]);
    await pgQuery(previewed.url, next.stdout);
    expect(await ids(pgLooker(previewed.url))).toEqual(['1']);

    const rest = await on(previewed.url)('changelog-sync-sql');
    expect(rest.code, show(rest)).toBe(0);
    expect(await ids(pgLooker(previewed.url))).toEqual(['1']);
    await pgQuery(previewed.url, rest.stdout);

    for (const command of ['mark-next-changeset-ran', 'changelog-sync']) {
      const r = await on(synced.url)(command);
      expect(r.code, show(r)).toBe(0);
    }
    expect(await rowsOf(previewed.url)).toEqual(await rowsOf(synced.url));
    expect(await ids(pgLooker(previewed.url))).toEqual(['1', '2', '3', '4']);
    expect(await userTables(previewed.url)).toEqual([]);
  });

  it('future-rollback-sql, run by hand after update, takes schema and rows back to before it; the count form only the first N', async () => {
    const db = await freshDatabase('future rollback');
    const cwd = workspace({ 'changelog.yaml': CHANGELOG });
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });

    let r = await run('update-count', '--count', '1');
    expect(r.code, show(r)).toBe(0);
    const before = { tables: await userTables(db.url), columns: await columnsOfA(db.url), ids: await ids(pgLooker(db.url)) };
    expect(before).toEqual({ tables: ['a'], columns: ['id'], ids: ['1'] });

    const all = await run('future-rollback-sql');
    expect(all.code, show(all)).toBe(0);
    expect([...all.stdout.matchAll(/^-- Rolling Back ChangeSet: (\S+)$/gm)].map((m) => m[1])).toEqual(['changelog.yaml::4::t', 'changelog.yaml::3::t', 'changelog.yaml::2::t']);
    const firstTwo = await run('future-rollback-count-sql', '--count', '2');
    expect([...firstTwo.stdout.matchAll(/^-- Rolling Back ChangeSet: (\S+)$/gm)].map((m) => m[1])).toEqual(['changelog.yaml::3::t', 'changelog.yaml::2::t']);
    expect(await ids(pgLooker(db.url))).toEqual(['1']); // previews write nothing

    r = await run('update');
    expect(r.code, show(r)).toBe(0);
    expect(await userTables(db.url)).toEqual(['a', 'b']);
    expect(await columnsOfA(db.url)).toEqual(['id', 'note']);
    await pgQuery(db.url, all.stdout);
    expect({ tables: await userTables(db.url), columns: await columnsOfA(db.url), ids: await ids(pgLooker(db.url)) }).toEqual(before);
  });

  it('future-rollback-sql refuses, naming the changeset, when one of those it would undo has no rollback', async () => {
    const db = await freshDatabase('future rollback missing');
    const cwd = workspace({ 'changelog.yaml': `${CHANGELOG}  - changeSet:\n      id: "5"\n      author: t\n      changes:\n        - sql:\n            sql: CREATE TABLE raw_sql (id int)\n` });
    const r = await pgcs(['future-rollback-sql', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/changelog\.yaml::5::t/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
