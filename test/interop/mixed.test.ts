// One database, two tools: Liquibase 4.28 and pgcs take turns on the same DATABASECHANGELOG. Each must accept what
// the other wrote (status, validate, rollback), detect the same edited file with the same checksums, record a re-run
// the same way, and respect the other's DATABASECHANGELOGLOCK.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { type FreshDatabase, freshDatabase } from '../db/postgres';
import {
  comparable,
  dataOf,
  describeRun,
  FIXTURES,
  interopUnavailable,
  liquibase,
  lockRow,
  pgcs,
  readRows,
  type Run,
  schemaOf,
  startLiquibase,
  startPgcs,
  type ToolInvocation,
  withClient,
} from './support';

const missing = interopUnavailable();
const work = mkdtempSync(path.join(tmpdir(), 'pgcs-interop-mixed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A private copy of a fixture folder (tests edit files). */
function copyOf(fixture: string): string {
  const dir = mkdtempSync(path.join(work, `${fixture}-`));
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

const CHANGESETS = 9; // fixtures/mixed: 7 in changelog.yaml + 2 in sql/m4_formatted.sql

type Tool = (run: ToolInvocation) => Promise<Run>;

function on(db: FreshDatabase, cwd: string) {
  const base = { db, cwd, changelog: 'changelog.yaml' };
  const call = (tool: Tool, name: string) => async (command: string, ...args: string[]) => {
    const run = await tool({ ...base, command, args });
    return Object.assign(run, { describe: () => describeRun(name, run) });
  };
  return { lb: call(liquibase, 'Liquibase'), pg: call(pgcs, 'pgcs') };
}

describe.skipIf(missing !== undefined)('Liquibase and pgcs share one database', () => {
  it('Liquibase applies the first 3 changesets and pgcs the rest; Liquibase then finds nothing pending and validates', async ({ expect }) => {
    const dir = copyOf('mixed');
    const [db, reference] = await Promise.all([freshDatabase('mixed lb first'), freshDatabase('mixed reference')]);
    const { lb, pg } = on(db, dir);

    const first = await lb('update-count', '--count=3');
    expect(first.code, first.describe()).toBe(0);
    const rest = await pg('update');
    expect(rest.code, rest.describe()).toBe(0);
    expect(rest.stdout).toContain(`UPDATE SUMMARY: ${CHANGESETS - 3} changesets run`);

    const status = await lb('status', '--verbose');
    expect(status.code, status.describe()).toBe(0);
    expect(status.stdout).toMatch(/is up to date/);
    const validate = await lb('validate');
    expect(validate.code, validate.describe()).toBe(0);
    expect(validate.output).toContain('No validation errors found');

    // the same rows as one tool alone writes
    const alone = await on(reference, dir).pg('update');
    expect(alone.code, alone.describe()).toBe(0);
    const rows = await readRows(db);
    expect(comparable(rows)).toEqual(comparable(await readRows(reference)));
    expect(new Set(rows.slice(0, 3).map((r) => r.deployment_id)).size).toBe(1);
    expect(rows[0].deployment_id).not.toBe(rows[3].deployment_id);
    expect(await schemaOf(db)).toEqual(await schemaOf(reference));
  }, 300_000);

  it('pgcs applies the first 4 changesets and Liquibase the rest; pgcs then finds nothing pending and validates', async ({ expect }) => {
    const dir = copyOf('mixed');
    const [db, reference] = await Promise.all([freshDatabase('mixed pgcs first'), freshDatabase('mixed reference')]);
    const { lb, pg } = on(db, dir);

    const first = await pg('update-count', '--count=4');
    expect(first.code, first.describe()).toBe(0);
    const rest = await lb('update');
    expect(rest.code, rest.describe()).toBe(0);
    expect(rest.stdout).toMatch(new RegExp(`Run:\\s+${CHANGESETS - 4}\\b`));
    expect(rest.stdout).toMatch(/Previously run:\s+4\b/);

    const status = await pg('status', '--verbose');
    expect(status.code, status.describe()).toBe(0);
    expect(status.stdout).toMatch(/is up to date/);
    const validate = await pg('validate');
    expect(validate.code, validate.describe()).toBe(0);

    const alone = await on(reference, dir).lb('update');
    expect(alone.code, alone.describe()).toBe(0);
    expect(comparable(await readRows(db))).toEqual(comparable(await readRows(reference)));
    expect(await schemaOf(db)).toEqual(await schemaOf(reference));
  }, 300_000);

  it('an applied SQL file edited afterwards fails validate and update in both tools with the same check sums', async ({ expect }) => {
    const dir = copyOf('mixed');
    const db = await freshDatabase('mixed edited');
    const { lb, pg } = on(db, dir);
    const applied = await pg('update');
    expect(applied.code, applied.describe()).toBe(0);
    const before = (await readRows(db)).find((r) => r.id === 'm2-seed')!.md5sum;

    const file = path.join(dir, 'sql/m2_seed.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace("'two'", "'TWO'"));
    const now = await pg('calculate-checksum', '--changeset-identifier=changelog.yaml::m2-seed::mix');
    expect(now.code, now.describe()).toBe(0);
    const after = now.stdout.trim();
    expect(after).toMatch(/^9:[0-9a-f]{32}$/);
    expect(after).not.toBe(before);

    const [lbValidate, pgValidate, pgUpdate] = await Promise.all([lb('validate'), pg('validate'), pg('update')]);
    const lbUpdate = await lb('update');
    const message = new RegExp(`Validation Failed:[\\s\\S]*1 changesets check sum[\\s\\S]*changelog\\.yaml::m2-seed::mix was: ${before} but is now: ${after}`);
    for (const run of [lbValidate, lbUpdate]) {
      expect(run.code, run.describe()).not.toBe(0);
      expect(run.output, run.describe()).toMatch(message);
    }
    for (const run of [pgValidate, pgUpdate]) {
      expect(run.code, run.describe()).not.toBe(0);
      expect(run.output, run.describe()).toMatch(message);
    }
    // nothing was run or recorded by either update
    expect((await readRows(db)).map((r) => r.md5sum)).toContain(before);
    expect(await readRows(db)).toHaveLength(CHANGESETS);
  }, 300_000);

  it('pgcs rolls back changesets Liquibase applied, and Liquibase rolls back changesets pgcs applied', async ({ expect }) => {
    const dir = copyOf('mixed');
    const [byLb, byPg, reference] = await Promise.all([freshDatabase('rollback lb applied'), freshDatabase('rollback pgcs applied'), freshDatabase('rollback reference')]);
    const a = on(byLb, dir);
    const b = on(byPg, dir);
    const r = on(reference, dir);

    const [appliedA, appliedB, partial] = await Promise.all([a.lb('update'), b.pg('update'), r.pg('update-count', `--count=${CHANGESETS - 4}`)]);
    for (const run of [appliedA, appliedB, partial]) expect(run.code, run.describe()).toBe(0);

    // Liquibase applied everything: pgcs undoes 2, Liquibase 2 more
    const pgBack = await a.pg('rollback-count', '--count=2');
    expect(pgBack.code, pgBack.describe()).toBe(0);
    expect(await readRows(byLb)).toHaveLength(CHANGESETS - 2);
    const lbBack = await a.lb('rollback-count', '--count=2');
    expect(lbBack.code, lbBack.describe()).toBe(0);

    // pgcs applied everything: Liquibase undoes 2, pgcs 2 more
    const lbBack2 = await b.lb('rollback-count', '--count=2');
    expect(lbBack2.code, lbBack2.describe()).toBe(0);
    expect(await readRows(byPg)).toHaveLength(CHANGESETS - 2);
    const pgBack2 = await b.pg('rollback-count', '--count=2');
    expect(pgBack2.code, pgBack2.describe()).toBe(0);

    const expected = comparable(await readRows(reference));
    expect(comparable(await readRows(byLb))).toEqual(expected);
    expect(comparable(await readRows(byPg))).toEqual(expected);
    const schema = await schemaOf(reference);
    expect(await schemaOf(byLb)).toEqual(schema);
    expect(await schemaOf(byPg)).toEqual(schema);
    const data = await dataOf(reference);
    expect(await dataOf(byLb)).toEqual(data);
    expect(await dataOf(byPg)).toEqual(data);
  }, 300_000);

  it('an edited runOnChange changeset re-runs as RERAN and both tools rewrite its row the same way', async ({ expect }) => {
    const dir = copyOf('mixed');
    const [one, two] = await Promise.all([freshDatabase('rerun by lb'), freshDatabase('rerun by pgcs')]);
    const [a, b] = [on(one, dir), on(two, dir)];
    for (const run of await Promise.all([a.pg('update'), b.pg('update')])) expect(run.code, run.describe()).toBe(0);

    // new SQL, comment, context and labels for m6-on-change
    const changelog = path.join(dir, 'changelog.yaml');
    writeFileSync(
      changelog,
      readFileSync(changelog, 'utf8')
        .replace('comment: the view of names', 'comment: the view of names, in upper case')
        .replace('context: views', 'context: views, reports')
        .replace('labels: v1', 'labels: v2')
        .replace('SELECT name FROM m_items', 'SELECT name, upper(name) AS shout FROM m_items'),
    );
    const [byLb, byPg] = await Promise.all([a.lb('update'), b.pg('update')]);
    expect(byLb.code, byLb.describe()).toBe(0);
    expect(byPg.code, byPg.describe()).toBe(0);
    const rowsLb = await readRows(one);
    const rerun = rowsLb.find((r) => r.id === 'm6-on-change')!;
    expect(rerun.exectype).toBe('RERAN');
    expect(rerun.orderexecuted).toBe(CHANGESETS + 1);
    expect(comparable(await readRows(two))).toEqual(comparable(rowsLb));
    expect(await schemaOf(two)).toEqual(await schemaOf(one));
  }, 300_000);

  it('Liquibase waits while pgcs holds the change log lock and then applies nothing twice', async ({ expect }) => {
    const db = await freshDatabase('lock held by pgcs');
    const cwd = path.join(FIXTURES, 'lock');
    await withClient(db.url, async (gate) => {
      await gate.query('SELECT pg_advisory_lock(424242)');
      // no lock_timeout: the changeset must wait on the test's advisory lock as long as the test wants
      const ours = startPgcs({ db, cwd, command: 'update', changelog: 'changelog.yaml', args: ['--lock-timeout=0'] });
      await ours.waitFor(/Running Changeset: changelog\.yaml::lock-2::lock/, 60_000);
      expect((await lockRow(db))?.locked).toBe(true);
      const theirs = startLiquibase({ db, cwd, command: 'update', changelog: 'changelog.yaml', logLevel: 'info', globalArgs: ['--changelog-lock-poll-rate=1'] });
      await theirs.waitFor(/Waiting for changelog lock/, 120_000);
      await gate.query('SELECT pg_advisory_unlock(424242)');
      const [pgRun, lbRun] = await Promise.all([ours.done, theirs.done]);
      expect(pgRun.code, describeRun('pgcs', pgRun)).toBe(0);
      expect(lbRun.code, describeRun('Liquibase', lbRun)).toBe(0);
      expect(lbRun.endedAt).toBeGreaterThan(pgRun.endedAt);
      expect(lbRun.stdout).toMatch(/Run:\s+0\b/);
    });
    const rows = await readRows(db);
    expect(rows.map((r) => r.id)).toEqual(['lock-1', 'lock-2', 'lock-3']);
    expect(new Set(rows.map((r) => r.deployment_id)).size).toBe(1);
    expect((await lockRow(db))?.locked).toBe(false);
  }, 300_000);

  it('pgcs waits while Liquibase holds the change log lock and then applies nothing twice', async ({ expect }) => {
    const db = await freshDatabase('lock held by liquibase');
    const cwd = path.join(FIXTURES, 'lock');
    await withClient(db.url, async (gate) => {
      await gate.query('SELECT pg_advisory_lock(424242)');
      const theirs = startLiquibase({ db, cwd, command: 'update', changelog: 'changelog.yaml' });
      await theirs.waitFor(/Running Changeset: changelog\.yaml::lock-2::lock/, 120_000);
      const row = await lockRow(db);
      expect(row?.locked).toBe(true);
      expect(row?.lockedby).not.toMatch(/pgcs/);
      const ours = startPgcs({ db, cwd, command: 'update', changelog: 'changelog.yaml', args: ['--lock-timeout=0'] });
      await ours.waitFor(/Waiting for the change log lock/, 60_000);
      await gate.query('SELECT pg_advisory_unlock(424242)');
      const [lbRun, pgRun] = await Promise.all([theirs.done, ours.done]);
      expect(lbRun.code, describeRun('Liquibase', lbRun)).toBe(0);
      expect(pgRun.code, describeRun('pgcs', pgRun)).toBe(0);
      expect(pgRun.endedAt).toBeGreaterThan(lbRun.endedAt);
      expect(pgRun.stdout).toContain('UPDATE SUMMARY: 0 changesets run');
    });
    const rows = await readRows(db);
    expect(rows.map((r) => r.id)).toEqual(['lock-1', 'lock-2', 'lock-3']);
    expect(new Set(rows.map((r) => r.deployment_id)).size).toBe(1);
    expect((await lockRow(db))?.locked).toBe(false);
  }, 300_000);
});

if (missing !== undefined) {
  describe(`Liquibase and pgcs share one database (skipped: ${missing})`, () => {
    it.skip('needs the db project, Java and Liquibase', () => {});
  });
}
