// The same engine on PGlite (`--url pglite:<dir>`): the real CLI, then the data directory opened in this
// process to look. PGlite starts slowly (seconds), so the cases are few and grouped: each data directory is
// a copy of one seed made once (a warm start is much faster than a fresh one).
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lockFileFor } from '../../server/src/engine/drivers/pglite';
import {
  changelogRows,
  ensureCliBuilt,
  errorLines,
  GOLDEN,
  goldenWorkspace,
  hasStackTrace,
  ids,
  lockRow,
  pgcs,
  relations,
  removeWorkspaces,
  show,
  startPgcs,
  withPglite,
  workspace,
  yamlChangelog,
} from './fixtures/engine-cli';

// every test runs real processes; on a loaded machine they take far longer than the 60 s default
vi.setConfig({ testTimeout: 240_000 });

let root: string;
let seed: string;
let dirs = 0;

beforeAll(async () => {
  ensureCliBuilt();
  root = workspace({}, 'pgcs-engine-pglite-');
  seed = join(root, 'seed');
  await withPglite(seed, async () => undefined);
}, 120_000);
afterAll(() => removeWorkspaces());

/** Local wall-clock time in an IANA zone, as --date takes it: 2026-01-31T12:00:00. */
function localDate(date: Date, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** a PGlite data directory of its own, copied from the seed */
function freshDir(): string {
  const dir = join(root, `db${++dirs}`);
  cpSync(seed, dir, { recursive: true });
  return dir;
}

describe.concurrent('pgcs on PGlite', () => {
  it('update writes the rows Liquibase wrote for golden case 01; status; rollback-count and rollback-to-date take everything back', async () => {
    const dir = freshDir();
    const cwd = goldenWorkspace('01-yaml-sql');
    // a zone hours away from UTC: rollback-to-date below must read --date and DATEEXECUTED in it
    const zone = 'Asia/Tokyo';
    const run = (...args: string[]) =>
      pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`, '--contexts', 'dev'], { cwd, env: { TZ: zone } });

    const startedAt = Date.now();
    let r = await run('update');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('UPDATE SUMMARY: 6 changesets run, 7 in the changelog');
    const expected = (JSON.parse(readFileSync(join(GOLDEN, '01-yaml-sql/databasechangelog.json'), 'utf8')) as Record<string, unknown>[]).map(
      ({ dateexecuted: _d, deployment_id: _id, ...rest }) => rest,
    );
    await withPglite(dir, async (db) => {
      const rows = await changelogRows(db);
      expect(rows.map(({ dateexecuted: _d, deployment_id: _id, ...rest }) => rest)).toEqual(expected);
      expect(await lockRow(db)).toEqual({ id: 1, locked: false, lockgranted: null, lockedby: null });
      expect(await db.query('SELECT item_count() AS n')).toEqual([{ n: 2 }]);
    });

    r = await run('status');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe(`pglite:${dir} is up to date`);

    r = await run('rollback-count', '--count', '1');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('ROLLED BACK changelog.yaml::007-search-path-file::carol\n1 changeset rolled back');

    // --date is the client's local time, as DATEEXECUTED is (the session runs in the client's zone, as Liquibase's does)
    r = await pgcs(['rollback-to-date', '--date', localDate(new Date(startedAt - 2000), zone), '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`], { cwd, env: { TZ: zone } });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('5 changesets rolled back');

    r = await run('status');
    expect(r.stdout.trim()).toBe(`6 changesets have not been applied to pglite:${dir}`);
    await withPglite(dir, async (db) => {
      expect(await ids(db)).toEqual([]);
      expect(await relations(db)).toEqual(['databasechangelog', 'databasechangeloglock', 'databasechangeloglock_pkey']);
    });
  });

  it('a changeset failing in its 2nd statement leaves nothing of itself, and says file:line and why', async () => {
    const dir = freshDir();
    const changelog = yamlChangelog([
      { id: '1', sql: 'CREATE TABLE a (id int)' },
      { id: '2', sql: 'CREATE TABLE b (id int);\nINSERT INTO missing_table VALUES (1);' },
    ]);
    const cwd = workspace({ 'changelog.yaml': changelog });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`], { cwd });
    expect(r.code, show(r)).toBe(1);
    const lines = errorLines(r.stderr);
    expect(lines, show(r)).toHaveLength(1);
    const line = changelog.split('\n').findIndex((l) => l.includes('missing_table')) + 1;
    expect(lines[0]).toMatch(new RegExp(`^pgcs: changelog\\.yaml:${line}: changeset changelog\\.yaml::2::test failed: relation "missing_table" does not exist \\(SQLSTATE 42P01\\)`));
    expect(hasStackTrace(r.stderr)).toBe(false);
    await withPglite(dir, async (db) => {
      expect(await ids(db)).toEqual(['1']);
      expect(await relations(db)).not.toContain('b');
      expect(await lockRow(db)).toMatchObject({ locked: false });
    });
  });

  it('three processes at once on one directory: each completes or waits its turn; every changeset exactly once', async () => {
    const dir = freshDir();
    const changesets = Array.from({ length: 6 }, (_, i) => ({ id: `c${i + 1}`, sql: `CREATE TABLE t${i + 1} (id int);\nINSERT INTO t${i + 1} VALUES (${i + 1});` }));
    const cwd = workspace({ 'changelog.yaml': yamlChangelog(changesets) });
    const runs = [1, 2, 3].map(() => startPgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`], { cwd, timeoutMs: 150_000 }));
    const results = await Promise.all(runs.map((x) => x.done));
    for (const r of results) {
      expect(r.code, show(r)).toBe(0);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(errorLines(r.stderr), show(r)).toEqual([]);
    }
    const executed = results.flatMap((r) => r.stdout.split('\n').filter((l) => l.startsWith('EXECUTED ')));
    expect(executed.sort()).toEqual(changesets.map((c) => `EXECUTED changelog.yaml::${c.id}::test`));
    expect(results.filter((r) => /^Waiting for pglite:.*: in use by pid \d+/m.test(r.stderr)).length).toBeGreaterThan(0);
    await withPglite(dir, async (db) => {
      const rows = await changelogRows(db);
      expect(rows.map((row) => [row.id, row.orderexecuted])).toEqual(changesets.map((c, i) => [c.id, i + 1]));
      for (const [i] of changesets.entries()) expect(await db.query(`SELECT id FROM t${i + 1}`)).toEqual([{ id: i + 1 }]);
      expect(await lockRow(db)).toMatchObject({ locked: false });
    });
  });

  it('SIGKILL in the middle of a changeset: nothing of it remains, the lock row and the directory lock are recovered by the next update', async () => {
    const dir = freshDir();
    const cwd = workspace({
      'changelog.yaml': yamlChangelog([
        { id: '1', sql: 'CREATE TABLE k1 (id int)' },
        { id: '2', sql: 'CREATE TABLE k2 (id int);\nINSERT INTO k2 VALUES (1);\nSELECT pg_sleep(${sleep});' },
        { id: '3', sql: 'CREATE TABLE k3 (id int)' },
      ]),
    });
    const run = startPgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`, '-Dsleep=30'], { cwd });
    await run.waitForStderr(/Running Changeset: changelog\.yaml::2::test/, 90_000);
    await new Promise((r) => setTimeout(r, 1500)); // inside pg_sleep, after CREATE TABLE and INSERT
    run.proc.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');

    // the directory lock of the dead process is still there
    const lockFile = lockFileFor(dir);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: run.proc.pid });
    // look at a copy, so that the next pgcs finds the original exactly as the killed one left it
    const copy = `${dir}-copy`;
    cpSync(dir, copy, { recursive: true });
    const lockedBy = await withPglite(copy, async (db) => {
      expect(await ids(db)).toEqual(['1']);
      expect(await relations(db)).not.toContain('k2');
      const lock = await lockRow(db);
      expect(lock).toMatchObject({ locked: true, lockedby: expect.stringMatching(/\[pgcs pid \d+\]$/) });
      return lock!.lockedby;
    });

    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`, '-Dsleep=0'], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`Recovered a stale change log lock held by ${lockedBy!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d: that process is gone\\.`));
    expect(existsSync(lockFile)).toBe(false);
    await withPglite(dir, async (db) => {
      expect(await ids(db)).toEqual(['1', '2', '3']);
      expect(await db.query('SELECT id FROM k2')).toEqual([{ id: 1 }]);
      expect(await lockRow(db)).toEqual({ id: 1, locked: false, lockgranted: null, lockedby: null });
    });
  });
});
