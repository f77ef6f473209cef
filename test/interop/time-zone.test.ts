// The one column the row comparisons leave out, DATEEXECUTED, against the real Liquibase: both tools run on the
// same machine with TZ=America/New_York, each on a database whose TimeZone is UTC, at the same time. Liquibase
// writes NOW() in a session pgjdbc put in the JVM's zone; pgcs must write the same wall-clock time, not the
// server's UTC (five hours apart in November).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { freshDatabase } from '../db/postgres';
import { comparable, describeRun, interopUnavailable, liquibase, pgcs, readRows, withClient } from './support';
import { recorded, wallClock } from '../fixtures/wall-clock';

const missing = interopUnavailable();
const work = mkdtempSync(path.join(tmpdir(), 'pgcs-interop-tz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ZONE = 'America/New_York';

const CHANGELOG = `databaseChangeLog:
  - changeSet:
      id: "1"
      author: tz
      changes:
        - createTable:
            tableName: zoned
            columns:
              - column: { name: id, type: int }
`;


describe.skipIf(missing !== undefined)(`DATEEXECUTED with TZ=${ZONE} on servers in UTC`, () => {
  it('is the same wall-clock time from Liquibase and pgcs run side by side', async ({ expect }) => {
    writeFileSync(path.join(work, 'changelog.yaml'), CHANGELOG);
    const [lbDb, pgDb] = await Promise.all([freshDatabase('tz liquibase'), freshDatabase('tz pgcs')]);
    for (const db of [lbDb, pgDb]) {
      await withClient(db.url, (c) => c.query(`ALTER DATABASE "${db.name}" SET timezone TO 'UTC'`));
    }
    const run = { cwd: work, command: 'update', changelog: 'changelog.yaml', env: { TZ: ZONE } };
    const started = Date.now();
    const [lb, pg] = await Promise.all([liquibase({ ...run, db: lbDb }), pgcs({ ...run, db: pgDb })]);
    expect(lb.code, describeRun('Liquibase', lb)).toBe(0);
    expect(pg.code, describeRun('pgcs', pg)).toBe(0);

    const [lbRows, pgRows] = await Promise.all([readRows(lbDb), readRows(pgDb)]);
    expect(comparable(pgRows)).toEqual(comparable(lbRows));
    const lbAt = recorded(lbRows[0].dateexecuted);
    const pgAt = recorded(pgRows[0].dateexecuted);
    const window = (at: number, ended: number, who: string) => {
      const why = `${who}'s DATEEXECUTED ${new Date(at).toISOString().slice(0, 23)} (as ${ZONE} wall clock)`;
      expect(at, why).toBeGreaterThanOrEqual(wallClock(ZONE, started) - 1000);
      expect(at, why).toBeLessThanOrEqual(wallClock(ZONE, ended) + 1000);
    };
    window(lbAt, lb.endedAt, 'Liquibase');
    window(pgAt, pg.endedAt, 'pgcs');
    // the two differ only by when each got to its changeset: the JVM's start-up, seconds, never hours
    expect(Math.abs(lbAt - pgAt), `Liquibase ${lbRows[0].dateexecuted}, pgcs ${pgRows[0].dateexecuted}`).toBeLessThan(
      Math.max(lb.ms, pg.ms) + 2000,
    );
  });
});
