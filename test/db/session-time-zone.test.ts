// DATEEXECUTED is the wall-clock time of the machine running pgcs, whatever the database's TimeZone: Liquibase
// writes NOW() in a session whose TimeZone pgjdbc set to the JVM's zone, and pgcs's sessions take this
// machine's zone (TZ) the same way. Here pgcs runs with TZ set to a zone far from the server's UTC; the
// comparison with the real Liquibase is in test/interop/time-zone.test.ts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ensureCliBuilt,
  type Looker,
  pgcs,
  pgLooker,
  pgQuery,
  removeWorkspaces,
  show,
  withPglite,
  workspace,
  yamlChangelog,
} from './fixtures/engine-cli';
import { freshDatabase } from './postgres';
import { recorded, wallClock } from '../fixtures/wall-clock';

vi.setConfig({ testTimeout: 180_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());


const CHANGELOG = yamlChangelog([{ id: '1', sql: "CREATE TABLE session_zone AS SELECT current_setting('TimeZone') AS tz" }]);

/** Runs `pgcs update` with TZ=zone; DATEEXECUTED must be that zone's wall clock during the run (±1 s: it is to the microsecond, the clock here to the second). */
async function expectLocalDateExecuted(url: string, zone: string, withLook: (work: (db: Looker) => Promise<void>) => Promise<void>) {
  const cwd = workspace({ 'changelog.yaml': CHANGELOG });
  const started = Date.now();
  const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', url], { cwd, env: { TZ: zone } });
  const ended = Date.now();
  expect(r.code, show(r)).toBe(0);
  await withLook(async (db) => {
    const [row] = await db.query<{ dateexecuted: string }>('SELECT dateexecuted::text AS dateexecuted FROM databasechangelog');
    const at = recorded(row.dateexecuted);
    expect(at, `DATEEXECUTED ${row.dateexecuted}, run in ${zone} from ${new Date(started).toISOString()}`).toBeGreaterThanOrEqual(wallClock(zone, started) - 1000);
    expect(at, `DATEEXECUTED ${row.dateexecuted}, run in ${zone} until ${new Date(ended).toISOString()}`).toBeLessThanOrEqual(wallClock(zone, ended) + 1000);
    // the changeset's own SQL ran in the same zone, as it would under Liquibase
    expect(await db.query('SELECT tz FROM session_zone')).toEqual([{ tz: zone }]);
  });
}

describe('DATEEXECUTED is the local time of the machine running pgcs', () => {
  it('on PostgreSQL whose TimeZone is UTC, with TZ=America/New_York', async () => {
    const db = await freshDatabase('session zone');
    await pgQuery(db.url, `ALTER DATABASE "${db.name}" SET timezone TO 'UTC'`);
    expect(await pgQuery(db.url, 'SELECT current_setting($1) AS tz', ['TimeZone'])).toEqual([{ tz: 'UTC' }]);
    await expectLocalDateExecuted(db.url, 'America/New_York', (work) => work(pgLooker(db.url)));
  });

  it("leaves a TimeZone given in the URL's options to win", async () => {
    const db = await freshDatabase('session zone options');
    const cwd = workspace({ 'changelog.yaml': CHANGELOG });
    const url = `${db.url}?options=${encodeURIComponent('-c TimeZone=Pacific/Auckland')}`;
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', url], { cwd, env: { TZ: 'America/New_York' } });
    expect(r.code, show(r)).toBe(0);
    expect(await pgQuery(db.url, 'SELECT tz FROM session_zone')).toEqual([{ tz: 'Pacific/Auckland' }]);
  });

  it('on PGlite, with TZ=Asia/Tokyo', async () => {
    const dir = join(workspace(), 'db');
    await expectLocalDateExecuted(`pglite:${dir}`, 'Asia/Tokyo', (work) => withPglite(dir, work));
  });
});
