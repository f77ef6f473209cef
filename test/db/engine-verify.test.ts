// `pgcs verify`: on a scratch database (PGlite in memory by default, or a temporary database on the
// PostgreSQL server given with --url), each changeset is applied and rolled back, and the schema compared
// with the one before it. A rollback that forgets something is reported by changeset with what it left.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureCliBuilt, hasStackTrace, pgcs, pgQuery, removeWorkspaces, show, workspace } from './fixtures/engine-cli';
import { freshDatabase, servers } from './postgres';

// every test runs real processes; on a loaded machine they take far longer than the 60 s default
vi.setConfig({ testTimeout: 240_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

const FORGETFUL = `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE items (id int PRIMARY KEY, name text)
      rollback: DROP TABLE items
  - changeSet:
      id: "2"
      author: t
      changes:
        - sql:
            sql: CREATE INDEX items_name_idx ON items (name)
      rollback: SELECT 1
  - changeSet:
      id: "3"
      author: t
      changes:
        - createTable:
            tableName: tags
            columns:
              - column:
                  name: id
                  type: int
`;

const CORRECT = FORGETFUL.replace('rollback: SELECT 1', 'rollback: DROP INDEX items_name_idx');

/** the temporary database a verify run named on stderr, and whether it still exists */
async function scratchLeft(stderr: string): Promise<string[]> {
  const name = /a temporary database (pgcs_verify_\w+) on /.exec(stderr)?.[1];
  expect(name, stderr).toBeDefined();
  return (await pgQuery<{ datname: string }>(servers()[0].adminUrl, `SELECT datname FROM pg_database WHERE datname = $1`, [name])).map((r) => r.datname);
}

function expectReport(r: Awaited<ReturnType<typeof pgcs>>, ok: boolean) {
  expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
  expect(r.stdout, show(r)).toMatch(/^ok {3}changelog\.yaml::1::t$/m);
  expect(r.stdout).toMatch(/^ok {3}changelog\.yaml::3::t$/m);
  if (ok) {
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}changelog\.yaml::2::t$/m);
    expect(r.stdout).toContain('All 3 changesets roll back to the schema they started from.');
  } else {
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toMatch(/^FAIL changelog\.yaml::2::t\n {7}left behind: index public\.items_name_idx \(CREATE INDEX items_name_idx ON public\.items USING btree \(name\)\)$/m);
    expect(r.stdout).toContain('1 of 3 changesets do not roll back cleanly.');
  }
}

describe.concurrent('verify', () => {
  it('on PGlite (the default) names the changeset whose rollback leaves an index behind, and exits 1', async () => {
    const cwd = workspace({ 'changelog.yaml': FORGETFUL });
    const r = await pgcs(['verify', '--changelog-file', 'changelog.yaml'], { cwd });
    expectReport(r, false);
  });

  it('on PGlite passes a changelog whose rollbacks undo everything, and exits 0', async () => {
    const cwd = workspace({ 'changelog.yaml': CORRECT });
    const r = await pgcs(['verify', '--changelog-file', 'changelog.yaml', '--format', 'json'], { cwd });
    expect(r.code, show(r)).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results.map((x: { identity: string; ok: boolean }) => [x.identity, x.ok])).toEqual([
      ['changelog.yaml::1::t', true],
      ['changelog.yaml::2::t', true],
      ['changelog.yaml::3::t', true],
    ]);
  });

  it('with --url of a PostgreSQL server works on a temporary database it drops afterwards', async () => {
    const db = await freshDatabase('verify');
    const bad = workspace({ 'changelog.yaml': FORGETFUL });
    const good = workspace({ 'changelog.yaml': CORRECT });
    const [r1, r2] = await Promise.all([
      pgcs(['verify', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd: bad }),
      pgcs(['verify', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd: good }),
    ]);
    expectReport(r1, false);
    expectReport(r2, true);
    expect(await scratchLeft(r1.stderr)).toEqual([]);
    expect(await scratchLeft(r2.stderr)).toEqual([]);
    // the database named in the URL is only used to create the scratch one
    expect(await pgQuery(db.url, `SELECT relname FROM pg_class WHERE relname IN ('items', 'databasechangelog')`)).toEqual([]);
  });

  it('rolls a runInTransaction: false changeset back for real, and goes on when it cannot be applied again', async () => {
    const db = await freshDatabase('verify no tx');
    const cwd = workspace({
      'changelog.yaml': FORGETFUL.replace('sql: CREATE INDEX items_name_idx', 'sql: CREATE INDEX CONCURRENTLY items_name_idx').replace('      id: "2"\n      author: t\n', '      id: "2"\n      author: t\n      runInTransaction: false\n'),
    });
    const r = await pgcs(['verify', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expectReport(r, false);
    expect(r.stdout).toMatch(/^ {7}could not be applied again after its rollback: .*relation "items_name_idx" already exists/m);
    expect(await scratchLeft(r.stderr)).toEqual([]);
  });
});
