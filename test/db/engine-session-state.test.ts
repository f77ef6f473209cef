// What update leaves in and takes from the session it runs on (engine.ts buildStretch, tracking.ts
// prepareRecording): a stretch of changesets records its rows through one prepared INSERT and sets its timeouts and
// asynchronous commit once for the session. Each changeset must still run with --lock-timeout and commit
// asynchronously, a changeset that deallocates or changes those settings itself must not change what the ones after
// it get, and the session must be left with the settings it had, also after a failure.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadChangelog } from '../../server/src/changelog/load';
import { parseTarget } from '../../server/src/engine/connection-url';
import { type Driver, openDriver } from '../../server/src/engine/driver';
import { Engine, readTrackingState, type RunResult, type TrackingState } from '../../server/src/engine/engine';
import { initSqlParser } from '../../server/src/sql/statements';
import { freshDatabase, testEnv } from './postgres';

vi.setConfig({ testTimeout: 120_000 });

const tmpRoot = mkdtempSync(join(tmpdir(), 'pgcs-session-state-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));
beforeAll(() => initSqlParser());

/** a formatted SQL changelog of one changeset per text */
function changelogOf(sqls: string[]) {
  const dir = mkdtempSync(join(tmpRoot, 'changelog-'));
  writeFileSync(join(dir, 'changelog.sql'), `--liquibase formatted sql\n\n${sqls.map((sql, i) => `--changeset t:${i + 1}\n${sql}\n`).join('\n')}`);
  return loadChangelog(join(dir, 'changelog.sql'), { searchPath: [dir] });
}

function engineOf(driver: Driver, sqls: string[], liquibaseSchema?: string, readEarly?: Promise<TrackingState>): Engine {
  return new Engine(driver, changelogOf(sqls), { liquibaseSchema, filter: { contexts: [] }, lockWaitMs: 10_000, lockTimeoutMs: 5_000, lockRetries: 0, log: () => undefined, readEarly });
}

function update(driver: Driver, sqls: string[], liquibaseSchema?: string): Promise<RunResult> {
  return engineOf(driver, sqls, liquibaseSchema).update();
}

async function withDriver(name: string, work: (driver: Driver) => Promise<void>): Promise<void> {
  const db = await freshDatabase(name);
  const open = () => openDriver(parseTarget({ url: db.url, env: testEnv(), cwd: tmpRoot }));
  // the test servers commit asynchronously everywhere: this database as a production one, so that it shows
  const setup = await open();
  await setup.execute(`ALTER DATABASE "${db.name}" SET synchronous_commit = on`);
  await setup.close();
  const driver = await open();
  try {
    await work(driver);
  } finally {
    await driver.close();
  }
}

async function rows<T>(driver: Driver, sql: string): Promise<T[]> {
  return (await driver.query<T>(sql)).rows;
}

const settings = (driver: Driver) => rows<{ lock: string; commit: string }>(driver, "SELECT current_setting('lock_timeout') AS lock, current_setting('synchronous_commit') AS commit");
const recorded = async (driver: Driver, table = 'public.databasechangelog') => (await rows<{ id: string }>(driver, `SELECT id FROM ${table} ORDER BY orderexecuted`)).map((r) => r.id);
/** the settings a changeset runs with, read without naming them (a changeset naming them is run more carefully) */
const SEEN = "INSERT INTO seen SELECT string_agg(setting, ' ' ORDER BY name) FROM pg_settings WHERE name ~ '^(lock|synchronous)_(timeout|commit)$';";
const SEEN_TABLE = 'CREATE TABLE seen (settings text);';

describe.concurrent('update and the session it runs on', () => {
  it('records every row through one prepared INSERT; each changeset runs with --lock-timeout, committing asynchronously; the session keeps its settings', async () => {
    await withDriver('session settings', async (driver) => {
      const before = await settings(driver);
      const result = await update(driver, [SEEN_TABLE, SEEN, SEEN, 'CREATE TABLE other (id int);', SEEN]);
      expect(result.ran.length).toBe(5);
      expect(await recorded(driver)).toEqual(['1', '2', '3', '4', '5']);
      // lock_timeout 5000 ms, synchronous_commit off
      expect(await rows(driver, 'SELECT settings FROM seen')).toEqual(Array(3).fill({ settings: '5000 off' }));
      expect(await rows(driver, 'SELECT name, generic_plans + custom_plans AS executed FROM pg_prepared_statements')).toEqual([{ name: 'pgcs_record_changeset', executed: 5 }]);
      expect(await settings(driver)).toEqual(before);
    });
  });

  it('runs a second update on the same session, recording in another schema', async () => {
    await withDriver('session again', async (driver) => {
      await driver.execute('CREATE SCHEMA audit');
      await update(driver, ['CREATE TABLE a (id int);', 'CREATE TABLE b (id int);']);
      await update(driver, ['CREATE TABLE c (id int);', 'CREATE TABLE d (id int);', 'CREATE TABLE e (id int);'], 'audit');
      expect(await recorded(driver)).toEqual(['1', '2']);
      expect(await recorded(driver, 'audit.databasechangelog')).toEqual(['1', '2', '3']);
    });
  });

  it('runs the changesets after one that deallocates every prepared statement once, recording each', async () => {
    await withDriver('session deallocate', async (driver) => {
      await update(driver, ['CREATE SEQUENCE s; CREATE TABLE n (v bigint);', 'DEALLOCATE ALL;', "INSERT INTO n VALUES (nextval('s'));", "INSERT INTO n VALUES (nextval('s'));"]);
      expect(await recorded(driver)).toEqual(['1', '2', '3', '4']);
      // a changeset tried again after its row could not be written would have taken a number from the sequence twice
      expect(await rows(driver, 'SELECT v FROM n ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    });
  });

  it('gives the changesets after one that sets lock_timeout for its session --lock-timeout all the same', async () => {
    await withDriver('session set by a changeset', async (driver) => {
      await update(driver, [SEEN_TABLE, "SET lock_timeout = '7s';", SEEN, SEEN]);
      expect(await rows(driver, 'SELECT settings FROM seen')).toEqual(Array(2).fill({ settings: '5000 off' }));
    });
  });

  it('leaves the session with its settings when a changeset in the middle of a stretch fails', async () => {
    await withDriver('session after failure', async (driver) => {
      const before = await settings(driver);
      await expect(update(driver, ['CREATE TABLE a (id int);', 'CREATE TABLE b (id int);', 'INSERT INTO no_such_table VALUES (1);', 'CREATE TABLE c (id int);'])).rejects.toThrow(/no_such_table/);
      expect(await recorded(driver)).toEqual(['1', '2']);
      expect(await settings(driver)).toEqual(before);
    });
  });
});

describe('the tracking state read while the changelog loads (the CLI reads it before it has the changelog)', () => {
  it('gives the first plan the rows as they were read; update reads them again once it holds the lock', async () => {
    await withDriver('read early', async (driver) => {
      const sqls = ['CREATE TABLE a (id int);', 'CREATE TABLE b (id int);'];
      await update(driver, sqls.slice(0, 1));
      const readBefore = () => readTrackingState(driver, {}, { rows: true });
      // read while the changelog loads, then another run applies changeset 2 before this command plans
      const early = await readBefore();
      const stale = await readBefore();
      await update(driver, sqls);
      const plan = await engineOf(driver, sqls, undefined, Promise.resolve(early)).plan();
      expect(plan.changesets.map((p) => p.state)).toEqual(['ran', 'pending']);
      // an update planned from rows read before changeset 2 ran: under the lock it runs only changeset 3
      const engine = engineOf(driver, [...sqls, 'CREATE TABLE c (id int);'], undefined, Promise.resolve(stale));
      const result = await engine.update();
      expect(result.ran.map((r) => r.changeset.id)).toEqual(['3']);
      expect(await recorded(driver)).toEqual(['1', '2', '3']);
    });
  });
});

