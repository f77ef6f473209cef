// Locks, on a real PostgreSQL server: lock_timeout and retries against another session's table lock, many
// pgcs processes racing on one database, and a pgcs killed with SIGKILL in the middle of a changeset.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  changelogRows,
  ensureCliBuilt,
  errorLines,
  hasStackTrace,
  ids,
  lockRow,
  pgcs,
  pgLooker,
  pgQuery,
  relations,
  removeWorkspaces,
  show,
  sleep,
  startPgcs,
  until,
  workspace,
  writeFiles,
  yamlChangelog,
} from './fixtures/engine-cli';
import { freshDatabase } from './postgres';

// every test runs real processes; on a loaded machine they take far longer than the 60 s default
vi.setConfig({ testTimeout: 240_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

async function blocker(url: string, table: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return client;
}

const columns = async (url: string, table: string) =>
  (await pgQuery<{ column_name: string }>(url, `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table])).map((r) => r.column_name);

describe.concurrent('lock_timeout against another session holding a table lock', () => {
  const V1 = yamlChangelog([{ id: '1', sql: 'CREATE TABLE t (id int)' }]);
  const V2 = yamlChangelog([
    { id: '1', sql: 'CREATE TABLE t (id int)' },
    { id: '2', sql: 'CREATE TABLE before_alter (id int);\nALTER TABLE t ADD COLUMN x int;' },
  ]);

  it('retries the changeset, saying so, and succeeds once the other session commits', async () => {
    const db = await freshDatabase('lock retry');
    const cwd = workspace({ 'changelog.yaml': V1 });
    expect((await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd })).code).toBe(0);
    writeFiles(cwd, { 'changelog.yaml': V2 });
    const holder = await blocker(db.url, 't');
    try {
      const run = startPgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url, '--lock-timeout', '200', '--lock-retries', '5'], { cwd });
      await run.waitForStderr(/waited longer than lock_timeout/);
      await sleep(1000);
      await holder.query('COMMIT');
      const r = await run.done;
      expect(r.code, show(r)).toBe(0);
      expect(r.stderr).toMatch(/Changeset changelog\.yaml::2::test waited longer than lock_timeout for a lock; trying again in \d+ ms \(1\/5\)/);
      expect(await columns(db.url, 't')).toEqual(['id', 'x']);
      expect(await ids(pgLooker(db.url))).toEqual(['1', '2']);
      expect(await lockRow(pgLooker(db.url))).toMatchObject({ locked: false });
    } finally {
      await holder.end();
    }
  });

  it('with --lock-retries 0 fails cleanly: one line naming the changeset, nothing applied or recorded', async () => {
    const db = await freshDatabase('lock no retry');
    const cwd = workspace({ 'changelog.yaml': V1 });
    expect((await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd })).code).toBe(0);
    writeFiles(cwd, { 'changelog.yaml': V2 });
    const holder = await blocker(db.url, 't');
    try {
      const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url, '--lock-timeout', '200', '--lock-retries', '0'], { cwd });
      expect(r.code, show(r)).toBe(1);
      const lines = errorLines(r.stderr);
      expect(lines, show(r)).toHaveLength(1);
      expect(lines[0]).toMatch(/^pgcs: changelog\.yaml:\d+: changeset changelog\.yaml::2::test failed: canceling statement due to lock timeout \(SQLSTATE 55P03\)/);
      expect(lines[0]).toContain('Nothing of it was applied. It was tried 1 time. Another session holds a lock it needs: try again later, or raise --lock-timeout (now 200 ms) or --lock-retries.');
      expect(hasStackTrace(r.stderr)).toBe(false);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await columns(db.url, 't')).toEqual(['id']);
    expect(await relations(pgLooker(db.url))).not.toContain('before_alter');
    expect(await ids(pgLooker(db.url))).toEqual(['1']);
    expect(await lockRow(pgLooker(db.url))).toMatchObject({ locked: false });
  });
});

// alone (a plain describe runs after the concurrent ones before it, and before those after it): 20 processes
// starting at once take the whole machine
describe('many pgcs processes at once on one database', () => {
  it('20 concurrent updates apply every changeset exactly once, in order, and all exit 0', async () => {
    const db = await freshDatabase('twenty');
    const changesets = Array.from({ length: 10 }, (_, i) => ({
      id: `c${String(i + 1).padStart(2, '0')}`,
      sql: i % 3 === 1 ? `CREATE TABLE t${i + 1} (id int);\nSELECT pg_sleep(0.2);` : `CREATE TABLE t${i + 1} (id int);`,
    }));
    const cwd = workspace({ 'changelog.yaml': yamlChangelog(changesets) });
    const runs = Array.from({ length: 20 }, () => startPgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd, timeoutMs: 200_000 }));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) {
      expect(r.code, show(r)).toBe(0);
      expect(hasStackTrace(r.stderr)).toBe(false);
      // besides progress, the only thing a process may say is that it waited for the lock
      expect(errorLines(r.stderr), show(r)).toEqual([]);
    }
    const executed = results.flatMap((r) => r.stdout.split('\n').filter((l) => l.startsWith('EXECUTED ')));
    expect(executed.sort()).toEqual(changesets.map((c) => `EXECUTED changelog.yaml::${c.id}::test`));
    expect(results.filter((r) => /Waiting for the change log lock/.test(r.stderr)).length).toBeGreaterThan(0);
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => [row.id, row.orderexecuted])).toEqual(changesets.map((c, i) => [c.id, i + 1]));
    expect(await lockRow(pgLooker(db.url))).toMatchObject({ locked: false });
  });
});

describe.concurrent('a DATABASECHANGELOGLOCK row set by Liquibase', () => {
  it('is waited for while a JDBC session is connected, given up after --lock-wait naming who since when, and recovered once it is gone', async () => {
    const db = await freshDatabase('liquibase lock');
    const cwd = workspace({ 'changelog.yaml': yamlChangelog([{ id: '1', sql: 'CREATE TABLE a (id int)' }]) });
    const look = pgLooker(db.url);
    expect((await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd })).code).toBe(0);
    writeFiles(cwd, { 'changelog.yaml': yamlChangelog([{ id: '1', sql: 'CREATE TABLE a (id int)' }, { id: '2', sql: 'CREATE TABLE b (id int)' }]) });
    await look.query(`UPDATE databasechangeloglock SET LOCKED = TRUE, LOCKEDBY = 'buildhost (10.1.2.3)', LOCKGRANTED = '2026-01-02 03:04:05.678' WHERE ID = 1`);
    const jdbc = new pg.Client({ connectionString: db.url, application_name: 'PostgreSQL JDBC Driver' });
    await jdbc.connect();
    try {
      const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url, '--lock-wait', '1'], { cwd });
      expect(r.code, show(r)).toBe(1);
      expect(r.stderr).toContain('Waiting for the change log lock: locked by buildhost (10.1.2.3) since 2026-01-02 03:04:05.');
      expect(errorLines(r.stderr)).toEqual(['pgcs: Could not acquire the change log lock within 1 s: locked by buildhost (10.1.2.3) since 2026-01-02 03:04:05.']);
      expect(await ids(look)).toEqual(['1']);
      expect(await lockRow(look)).toMatchObject({ locked: true, lockedby: 'buildhost (10.1.2.3)' });
    } finally {
      await jdbc.end();
    }
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toContain('Recovered a stale change log lock held by buildhost (10.1.2.3) since 2026-01-02 03:04:05: that process is gone.');
    expect(await ids(look)).toEqual(['1', '2']);
    expect(await lockRow(look)).toMatchObject({ locked: false });
  });
});

describe.concurrent('pgcs killed with SIGKILL in the middle of a changeset', () => {
  it('leaves nothing of that changeset, leaves the lock row LOCKED, and the next update recovers the lock saying who held it since when', async () => {
    const db = await freshDatabase('kill');
    const cwd = workspace({
      'changelog.yaml': yamlChangelog([
        { id: '1', sql: 'CREATE TABLE k1 (id int)' },
        { id: '2', sql: 'CREATE TABLE k2 (id int);\nINSERT INTO k2 VALUES (1);\nSELECT pg_sleep(${sleep});' },
        { id: '3', sql: 'CREATE TABLE k3 (id int)' },
      ]),
    });
    const look = pgLooker(db.url);
    const run = startPgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url, '-Dsleep=30'], { cwd });
    const backend = await until('pg_sleep running', async () => {
      if (run.proc.exitCode !== null) throw new Error(`pgcs ended before pg_sleep ran:\n${run.stderr()}`);
      const rows = await pgQuery<{ pid: number }>(db.url, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()`);
      return rows[0]?.pid;
    }, 120_000);
    run.proc.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');

    // the server notices the client is gone (pgcs sets client_connection_check_interval) and rolls back
    await until('the killed session to end', async () => (await pgQuery(db.url, 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend])).length === 0, 15_000);
    expect(await ids(look)).toEqual(['1']);
    expect(await relations(look)).not.toContain('k2');
    const lock = await lockRow(look);
    expect(lock).toMatchObject({ locked: true, lockedby: expect.stringMatching(/\[pgcs pid \d+\]$/) });

    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url, '-Dsleep=0'], { cwd });
    expect(r.code, show(r)).toBe(0);
    const since = String(lock!.lockgranted).replace("T", " ").slice(0, 19);
    expect(r.stderr).toContain(`Recovered a stale change log lock held by ${lock!.lockedby} since ${since}: that process is gone.`);
    expect(await ids(look)).toEqual(['1', '2', '3']);
    expect(await look.query('SELECT id FROM k2')).toEqual([{ id: 1 }]);
    expect(await lockRow(look)).toEqual({ id: 1, locked: false, lockgranted: null, lockedby: null });
  });
});
