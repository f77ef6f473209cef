// Liquibase's operational commands beyond update and rollback, pgcs against the real Liquibase 4.28: the same
// changelog on two fresh databases, the same commands, the same DATABASECHANGELOG rows; the same reports of rows the
// changelog lacks and of who holds the lock.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { type FreshDatabase, freshDatabase } from '../db/postgres';
import { comparable, describeRun, interopUnavailable, liquibase, pgcs, readRows, type Run, type ToolInvocation, withClient } from './support';

const missing = interopUnavailable();
const work = mkdtempSync(path.join(tmpdir(), 'pgcs-interop-operations-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CHANGESET_1 = `databaseChangeLog:
  - changeSet:
      id: 1
      author: ops
      changes:
        - createTable:
            tableName: accounts
            columns:
              - column: {name: id, type: int}
`;
const CHANGELOG = `${CHANGESET_1}  - changeSet:
      id: 2
      author: ops
      changes:
        - sql:
            sql: CREATE TABLE audit (id int)
      rollback:
        - sql:
            sql: DROP TABLE audit
  - changeSet:
      id: 3
      author: ops
      changes:
        - tagDatabase:
            tag: v3
`;

const identitiesIn = (run: Run) => [...run.stdout.matchAll(/^\s+(\S+::\S+::\S+)\s*$/gm)].map((m) => m[1]).sort();

describe.skipIf(missing !== undefined)('operational commands: pgcs as Liquibase', () => {
  it('mark-next-changeset-ran, then update-testing-rollback: the same rows, the last two of one deployment', async ({ expect }) => {
    const dir = mkdtempSync(path.join(work, 'ops-'));
    writeFileSync(path.join(dir, 'changelog.yaml'), CHANGELOG);
    const [lbDb, pgDb] = await Promise.all([freshDatabase('ops liquibase'), freshDatabase('ops pgcs')]);
    const on = (db: FreshDatabase, command: string): ToolInvocation => ({ db, cwd: dir, command, changelog: 'changelog.yaml' });
    let last: Run | undefined;
    for (const command of ['mark-next-changeset-ran', 'update-testing-rollback']) {
      const [lb, pg] = await Promise.all([liquibase(on(lbDb, command)), pgcs(on(pgDb, command))]);
      expect(lb.code, describeRun('Liquibase', lb)).toBe(0);
      expect(pg.code, describeRun('pgcs', pg)).toBe(0);
      last = pg;
    }
    expect(last!.stdout).toContain('EXECUTED changelog.yaml::2::ops\nEXECUTED changelog.yaml::3::ops\nROLLED BACK changelog.yaml::3::ops\nROLLED BACK changelog.yaml::2::ops\nEXECUTED changelog.yaml::2::ops\n');
    const [lbRows, pgRows] = await Promise.all([readRows(lbDb), readRows(pgDb)]);
    expect(comparable(pgRows)).toEqual(comparable(lbRows));
    expect(comparable(pgRows).map((r) => r.split(' ').slice(0, 3).join(' '))).toEqual(['1 changelog.yaml::1::ops EXECUTED', '2 changelog.yaml::2::ops EXECUTED', '3 changelog.yaml::3::ops EXECUTED']);
    for (const rows of [lbRows, pgRows]) {
      expect(rows[1].deployment_id).toBe(rows[2].deployment_id);
      expect(rows[0].deployment_id).not.toBe(rows[1].deployment_id);
    }
    // marked, not run: no accounts table; the audit table was dropped by the rollback and made again
    const tables = (db: FreshDatabase) => withClient(db.url, async (c) => (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'databasechangelog%' ORDER BY 1`)).rows.map((r) => r.t));
    expect(await tables(pgDb)).toEqual(await tables(lbDb));
    expect(await tables(pgDb)).toEqual(['audit']);

    // the changelog loses its last two changesets: both tools call their rows unexpected
    const shorter = path.join(dir, 'shorter');
    mkdirSync(shorter);
    writeFileSync(path.join(shorter, 'changelog.yaml'), CHANGESET_1);
    const unexpected = async (db: FreshDatabase) => {
      const invocation: ToolInvocation = { db, cwd: shorter, command: 'unexpected-changesets', changelog: 'changelog.yaml', args: ['--verbose'] };
      const [lb, pg] = [await liquibase(invocation), await pgcs(invocation)];
      expect(lb.code, describeRun('Liquibase', lb)).toBe(0);
      expect(pg.code, describeRun('pgcs', pg)).toBe(0);
      return { lb: identitiesIn(lb), pg: identitiesIn(pg), pgText: pg.stdout };
    };
    const found = await unexpected(pgDb);
    expect(found.pg).toEqual(['changelog.yaml::2::ops', 'changelog.yaml::3::ops']);
    expect(found.lb).toEqual(found.pg);
    expect(found.pgText).toMatch(/^2 unexpected changes were found in /);
  });

  it('list-locks: both name the holder of a lock row, and say when there is none', async ({ expect }) => {
    const dir = mkdtempSync(path.join(work, 'locks-'));
    writeFileSync(path.join(dir, 'changelog.yaml'), CHANGESET_1);
    const db = await freshDatabase('list locks');
    const update = await pgcs({ db, cwd: dir, command: 'update', changelog: 'changelog.yaml' });
    expect(update.code, describeRun('pgcs', update)).toBe(0);
    const both = async () => {
      const [lb, pg] = [await liquibase({ db, cwd: dir, command: 'list-locks' }), await pgcs({ db, cwd: dir, command: 'list-locks' })];
      expect(lb.code, describeRun('Liquibase', lb)).toBe(0);
      expect(pg.code, describeRun('pgcs', pg)).toBe(0);
      return { lb: lb.stdout, pg: pg.stdout };
    };
    const free = await both();
    expect(free.lb).toContain(' - No locks');
    expect(free.pg).toContain(' - No locks');
    await withClient(db.url, (c) => c.query(`UPDATE databasechangeloglock SET locked = TRUE, lockedby = 'deploy-7 (10.0.0.7)', lockgranted = '2026-11-24 04:00:00' WHERE id = 1`));
    const held = await both();
    expect(held.lb).toContain(' - deploy-7 (10.0.0.7) at ');
    expect(held.pg).toContain(' - deploy-7 (10.0.0.7) since 2026-11-24 04:00:00');
  });

  it('update-testing-rollback stops, failing, at a changeset it cannot roll back, as Liquibase does', async ({ expect }) => {
    const dir = mkdtempSync(path.join(work, 'no-rollback-'));
    writeFileSync(path.join(dir, 'changelog.yaml'), `${CHANGESET_1}  - changeSet:\n      id: raw\n      author: ops\n      changes:\n        - sql:\n            sql: CREATE TABLE raw_sql (id int)\n`);
    const [lbDb, pgDb] = await Promise.all([freshDatabase('utr liquibase'), freshDatabase('utr pgcs')]);
    const [lb, pg] = await Promise.all([
      liquibase({ db: lbDb, cwd: dir, command: 'update-testing-rollback', changelog: 'changelog.yaml' }),
      pgcs({ db: pgDb, cwd: dir, command: 'update-testing-rollback', changelog: 'changelog.yaml' }),
    ]);
    expect(lb.code, describeRun('Liquibase', lb)).not.toBe(0);
    expect(pg.code, describeRun('pgcs', pg)).toBe(1);
    expect(pg.stderr).toMatch(/raw::ops/);
    expect(comparable(await readRows(pgDb))).toEqual(comparable(await readRows(lbDb)));
  });
});
