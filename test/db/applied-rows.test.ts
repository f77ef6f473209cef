// The drift rules' input read from real databases: the engine runs a changelog on embedded PostgreSQL 18 and on
// PGlite, readAppliedChangesets reads the DATABASECHANGELOG rows back, and the drift rules compare them with the
// changelog as it is edited afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog } from '../../server/src/changelog/load';
import { appliedChangesetsOf, readAppliedChangesets } from '../../server/src/engine/applied-rows';
import { changesetChecksum } from '../../server/src/engine/checksum';
import { parseTarget } from '../../server/src/engine/connection-url';
import { type Driver, openDriver } from '../../server/src/engine/driver';
import { Engine } from '../../server/src/engine/engine';
import { TrackingTables } from '../../server/src/engine/tracking';
import { appliedChangesetMissing } from '../../server/src/rules/applied-changeset-missing';
import { checksumDrift } from '../../server/src/rules/checksum-drift';
import { lintChangelog } from '../../server/src/rules/run';
import { initSqlParser } from '../../server/src/sql/statements';
import { freshDatabase, servers, testEnv } from './postgres';

const tmpRoot = mkdtempSync(join(tmpdir(), 'pgcs-applied-rows-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));
beforeAll(() => initSqlParser());

const CHANGELOG = `--liquibase formatted sql

--changeset alice:1
CREATE TABLE invoices (id int);
--rollback DROP TABLE invoices;

--changeset alice:2
CREATE INDEX invoices_id_idx ON invoices (id);
--rollback DROP INDEX invoices_id_idx;

--changeset bob:3
CREATE TABLE payments (id int);
--rollback DROP TABLE payments;
`;

function changelogIn(dir: string, text: string) {
  writeFileSync(join(dir, 'changelog.sql'), text);
  return loadChangelog(join(dir, 'changelog.sql'), { searchPath: [dir] });
}

async function update(driver: Driver, dir: string, liquibaseSchema?: string): Promise<void> {
  const engine = new Engine(driver, changelogIn(dir, CHANGELOG), { liquibaseSchema, filter: { contexts: [] }, lockWaitMs: 10_000, lockTimeoutMs: 5_000, lockRetries: 0, log: () => undefined });
  const result = await engine.update();
  expect(result.ran.length).toBe(3);
}

/** PostgreSQL's text of a timestamp drops the fraction's trailing zeros (42.22, 42): to 3 digits, as toISOString has */
function toMilliseconds(timestamp: string): string {
  const [seconds, fraction = ''] = timestamp.split('.');
  return `${seconds}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

const subjects: { label: string; open: () => Promise<Driver> }[] = [
  ...servers().map((server) => ({
    label: `PostgreSQL (${server.label}, ${server.version})`,
    open: async () => openDriver(parseTarget({ url: (await freshDatabase('applied rows', server)).url, env: testEnv(), cwd: tmpRoot })),
  })),
  { label: 'PGlite', open: () => openDriver(parseTarget({ url: `pglite:${mkdtempSync(join(tmpRoot, 'pglite-'))}`, env: testEnv(), cwd: tmpRoot })) },
];

describe.each(subjects)('readAppliedChangesets on $label', ({ open }) => {
  it('reads each row the engine wrote, with its checksum and the recorded time, and the drift rules see an edit', async () => {
    const dir = mkdtempSync(join(tmpRoot, 'changelog-'));
    const driver = await open();
    try {
      // the session's zone is far from UTC: DATEEXECUTED holds its wall-clock time, and so does dateExecuted
      await driver.execute(`SET TIME ZONE 'Pacific/Kiritimati'`);
      expect(await readAppliedChangesets(driver)).toEqual([]);
      await update(driver, dir);
      const applied = await readAppliedChangesets(driver);
      const changelog = changelogIn(dir, CHANGELOG);

      expect(applied.map((r) => `${r.filename}::${r.id}::${r.author} ${r.orderExecuted} ${r.execType}`)).toEqual([
        'changelog.sql::1::alice 1 EXECUTED',
        'changelog.sql::2::alice 2 EXECUTED',
        'changelog.sql::3::bob 3 EXECUTED',
      ]);
      expect(applied.map((r) => r.md5sum)).toEqual(changelog.changesets.map((c) => changesetChecksum(c)));
      const raw = await new TrackingTables(driver, 'public').readApplied();
      expect(appliedChangesetsOf(raw)).toEqual(applied);
      for (const [i, row] of applied.entries()) expect(row.dateExecuted.toISOString().replace('T', ' ').replace('Z', '')).toBe(toMilliseconds(String(raw[i].dateexecuted)));
      const { rows } = await driver.query<{ day: string }>(`SELECT to_char(localtimestamp, 'YYYY-MM-DD') AS day`);
      expect(applied[0].dateExecuted.toISOString().slice(0, 10)).toBe(rows[0].day);

      // changeset 2 edited, changeset 3 deleted since they ran
      const edited = changelogIn(dir, CHANGELOG.replace('(id);', '(id DESC);').replace(/\n--changeset bob:3[\s\S]*$/, '\n'));
      const environments = [{ name: 'staging', readAt: new Date(), applied }];
      const findings = lintChangelog(edited, { rules: [checksumDrift, appliedChangesetMissing], environments });
      expect(findings.map((f) => `${f.rule} ${f.range.start.line}`)).toEqual(['checksum-drift 6', 'applied-changeset-missing 0']);
      expect(findings[0].message).toContain(`Applied to staging on ${rows[0].day}, edited since: Liquibase and pgcs will refuse to run it`);
      expect(findings[1].message).toContain('staging ran a changeset the changelog no longer has (changelog.sql::3::bob)');
    } finally {
      await driver.close();
    }
  });

  it('reads DATABASECHANGELOG from the schema it is in', async () => {
    const dir = mkdtempSync(join(tmpRoot, 'changelog-'));
    const driver = await open();
    try {
      await driver.execute('CREATE SCHEMA audit');
      await update(driver, dir, 'audit');
      expect((await readAppliedChangesets(driver, 'audit')).map((r) => r.id)).toEqual(['1', '2', '3']);
      expect(await readAppliedChangesets(driver)).toEqual([]);
    } finally {
      await driver.close();
    }
  });
});
