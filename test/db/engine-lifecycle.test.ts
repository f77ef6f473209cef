// The migration commands end to end: the real CLI (`node dist/cli.js`) against a fresh database of the run's
// embedded PostgreSQL per test, checked afterwards with plain SQL. Liquibase 4.28's bookkeeping is the
// reference: the DATABASECHANGELOG rows of golden cases 01–04 must come out identical (but for the
// volatile DATEEXECUTED and DEPLOYMENT_ID).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  changelogRows,
  ensureCliBuilt,
  errorLines,
  GOLDEN,
  hasStackTrace,
  ids,
  lockRow,
  pgcs,
  pgLooker,
  relations,
  removeWorkspaces,
  show,
  sleep,
  workspace,
  writeFiles,
  yamlChangelog,
} from './fixtures/engine-cli';
import { freshDatabase } from './postgres';

// every test runs real processes; on a loaded machine they take far longer than the 60 s default
vi.setConfig({ testTimeout: 240_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

const LIFECYCLE = `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE a (id int)
      rollback: DROP TABLE a
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
        - tagDatabase:
            tag: v1
  - changeSet:
      id: "4"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE c (id int)
      rollback: DROP TABLE c
  - changeSet:
      id: "5"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE d (id int)
      rollback: DROP TABLE d
`;

/** Local wall-clock time in the given IANA zone, as pgcs --date takes it: 2026-01-31T12:00:00. */
function localDate(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

const userTables = async (url: string) => (await relations(pgLooker(url))).filter((r) => !r.startsWith('databasechangelog'));

describe.concurrent('update and rollback on PostgreSQL', () => {
  it('applies, reports and rolls back by count, by tag and by date, ending where it started', async () => {
    const db = await freshDatabase('lifecycle');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const look = pgLooker(db.url);
    // the client's time zone differs from the server's: --date is the client's local time, as in Liquibase
    // (whose JVM zone is also the session's), and DATEEXECUTED must be compared in the same frame
    const zone = 'Pacific/Auckland';
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd, env: { TZ: zone } });

    let r = await run('status', '--verbose');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^5 changesets have not been applied to /);
    expect(r.stdout).toContain('     changelog.yaml::1::t');

    r = await run('update-count', '--count', '2');
    expect(r.code, show(r)).toBe(0);
    expect(await ids(look)).toEqual(['1', '2']);
    expect(await userTables(db.url)).toEqual(['a', 'b']);

    await sleep(1200);
    const between = localDate(new Date(), zone); // after 1 and 2 ran, before 3 runs
    await sleep(1200);

    r = await run('update-to-tag', '--tag', 'v1');
    expect(r.code, show(r)).toBe(0);
    const afterTag = await changelogRows(look);
    expect(afterTag.map((row) => [row.id, row.tag])).toEqual([['1', null], ['2', null], ['3', 'v1']]);

    r = await run('update');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('EXECUTED changelog.yaml::4::t');
    expect(r.stdout).toContain('UPDATE SUMMARY: 2 changesets run, 5 in the changelog');
    expect(await ids(look)).toEqual(['1', '2', '3', '4', '5']);
    expect(await userTables(db.url)).toEqual(['a', 'b', 'c', 'd']);
    expect(await lockRow(look)).toMatchObject({ id: 1, locked: false, lockgranted: null, lockedby: null });

    r = await run('status');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toMatch(/ is up to date$/);

    r = await run('rollback-count', '--count', '1');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('ROLLED BACK changelog.yaml::5::t');
    expect(await ids(look)).toEqual(['1', '2', '3', '4']);
    expect(await userTables(db.url)).toEqual(['a', 'b', 'c']);

    r = await run('rollback', '--tag', 'v1');
    expect(r.code, show(r)).toBe(0);
    expect(await ids(look)).toEqual(['1', '2', '3']);
    expect(await userTables(db.url)).toEqual(['a', 'b']);

    r = await run('rollback-to-date', '--date', between);
    expect(r.code, show(r)).toBe(0);
    expect(await ids(look)).toEqual(['1', '2']);
    expect(await userTables(db.url)).toEqual(['a', 'b']);

    r = await run('rollback-count', '--count', '2');
    expect(r.code, show(r)).toBe(0);
    expect(await ids(look)).toEqual([]);
    expect(await userTables(db.url)).toEqual([]);

    r = await run('status');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^5 changesets have not been applied to /);
    expect(await lockRow(look)).toMatchObject({ locked: false });
  });

  it('rollback-to-date with a date-only value means local midnight of that day', async () => {
    const db = await freshDatabase('rollback date only');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd, env: { TZ: 'Pacific/Kiritimati' } });
    let r = await run('update');
    expect(r.code, show(r)).toBe(0);
    // tomorrow in the client's zone (UTC+14): nothing ran after it
    const tomorrow = localDate(new Date(Date.now() + 86_400_000), 'Pacific/Kiritimati').slice(0, 10);
    r = await run('rollback-to-date', '--date', tomorrow);
    expect(r.code, show(r)).toBe(0);
    expect(await ids(pgLooker(db.url))).toEqual(['1', '2', '3', '4', '5']);
    const today = localDate(new Date(), 'Pacific/Kiritimati').slice(0, 10);
    r = await run('rollback-to-date', '--date', today);
    expect(r.code, show(r)).toBe(0);
    expect(await ids(pgLooker(db.url))).toEqual([]);
  });

  it('update-sql prints the SQL update would run and creates nothing, not even the tracking tables', async () => {
    const db = await freshDatabase('update sql');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const r = await pgcs(['update-sql', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('CREATE TABLE public.databasechangeloglock (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL');
    expect(r.stdout).toContain('CREATE TABLE public.databasechangelog (ID VARCHAR(255) NOT NULL');
    expect(r.stdout).toContain('CREATE TABLE a (id int);');
    expect(r.stdout).toContain('CREATE TABLE d (id int);');
    expect(r.stdout).toMatch(/INSERT INTO public\.databasechangelog \(ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, MD5SUM, DESCRIPTION, COMMENTS, EXECTYPE, CONTEXTS, LABELS, LIQUIBASE, DEPLOYMENT_ID, TAG\) VALUES \('3', 't', 'changelog\.yaml', NOW\(\), 3, '9:[0-9a-f]{32}', 'tagDatabase', '', 'EXECUTED', NULL, NULL, '4\.28\.0', '\d{10}', 'v1'\);/);
    expect(await relations(pgLooker(db.url))).toEqual([]);
    // after a partial update it prints only what is pending
    await pgcs(['update-count', '--count', '4', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    const again = await pgcs(['update-sql', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).not.toContain('CREATE TABLE public.databasechangelog');
    expect(again.stdout).not.toContain('CREATE TABLE a (id int)');
    expect(again.stdout).toContain('CREATE TABLE d (id int);');
    expect(again.stdout).toMatch(/VALUES \('5', 't', 'changelog\.yaml', NOW\(\), 5,/);
    expect(await userTables(db.url)).toEqual(['a', 'b', 'c']);
  });

  it('status, history, validate, tag-exists and the -sql commands create nothing on an empty database', async () => {
    const db = await freshDatabase('read only');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const commands = [['status', '--verbose'], ['history'], ['validate'], ['tag-exists', '--tag', 'x'], ['update-sql'], ['update-count-sql', '--count', '2'], ['rollback-count-sql', '--count', '1']];
    const results = await Promise.all(commands.map((c) => pgcs([...c, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd })));
    for (const r of results) expect(r.code, show(r)).toBe(0);
    expect(results[1].stdout.trim()).toBe('No changesets have been applied.');
    expect(await relations(pgLooker(db.url))).toEqual([]);
  });

  it('tag marks the latest row, tag-exists finds it, history lists every row', async () => {
    const db = await freshDatabase('tags history');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    let r = await run('tag-exists', '--tag', 'release-2');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe('The tag release-2 does not exist in the database.');
    expect(await relations(pgLooker(db.url))).toEqual([]);

    r = await run('tag', '--tag', 'too-early');
    expect(r.code, show(r)).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);

    expect((await run('update')).code).toBe(0);
    r = await run('tag', '--tag', 'release-2');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe("Successfully tagged the database with 'release-2'.");
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => row.tag)).toEqual([null, null, 'v1', null, 'release-2']);

    r = await run('tag-exists', '--tag', 'release-2');
    expect(r.stdout.trim()).toBe('The tag release-2 already exists in the database.');

    r = await run('history');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(`- Deployment ID: ${rows[0].deployment_id}`);
    expect(r.stdout).toMatch(/Update Date\s+\| Changelog Path\s+\| Changeset Author \| Changeset ID \| Tag/);
    for (const row of rows) expect(r.stdout).toMatch(new RegExp(`\\| changelog\\.yaml\\s+\\| t\\s+\\| ${row.id}\\s+\\|${row.tag ? ` ${row.tag}` : ''}\\n`));
    // the history shows DATEEXECUTED as stored, not shifted by the client's time zone
    const tz = await pgcs(['history', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd, env: { TZ: 'Asia/Kolkata' } });
    const stored = String(rows[0].dateexecuted).replace('T', ' ').slice(0, 19);
    expect(tz.stdout).toContain(stored);
  });

  it('validate reports an edited changeset as Liquibase does, clear-checksums lets update write the new checksums', async () => {
    const db = await freshDatabase('checksums');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    const look = pgLooker(db.url);
    expect((await run('update')).code).toBe(0);
    let r = await run('validate');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe('No validation errors found.');
    const before = await changelogRows(look);

    writeFiles(cwd, { 'changelog.yaml': LIFECYCLE.replace('CREATE TABLE b (id int)', 'CREATE TABLE b (id bigint)') });
    const now = (await run('calculate-checksum', '--changeset-identifier', 'changelog.yaml::2::t')).stdout.trim();
    expect(now).toMatch(/^9:[0-9a-f]{32}$/);
    expect(now).not.toBe(before[1].md5sum);

    r = await run('validate');
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(`Validation Failed:\n     1 changesets check sum\n          changelog.yaml::2::t was: ${before[1].md5sum} but is now: ${now}`);
    r = await run('update');
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain('Validation Failed');
    expect(hasStackTrace(r.stderr)).toBe(false);

    r = await run('clear-checksums');
    expect(r.code, show(r)).toBe(0);
    expect((await changelogRows(look)).map((row) => row.md5sum)).toEqual([null, null, null, null, null]);
    // validate and status accept NULL checksums and leave them alone
    expect((await run('validate')).code).toBe(0);
    r = await run('status');
    expect(r.stdout.trim()).toMatch(/ is up to date$/);
    expect((await changelogRows(look)).map((row) => row.md5sum)).toEqual([null, null, null, null, null]);

    r = await run('update');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('UPDATE SUMMARY: 0 changesets run');
    const after = await changelogRows(look);
    expect(after.map((row) => row.md5sum)).toEqual([before[0].md5sum, now, before[2].md5sum, before[3].md5sum, before[4].md5sum]);
    // nothing ran again: same order, same types, same dates
    expect(after.map((row) => [row.orderexecuted, row.exectype, row.dateexecuted])).toEqual(before.map((row) => [row.orderexecuted, row.exectype, row.dateexecuted]));
  });

  it('changelog-sync records every pending changeset as executed without running it', async () => {
    const db = await freshDatabase('sync');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    const r = await run('changelog-sync');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe('5 changesets marked as executed without running.');
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => [row.id, row.orderexecuted, row.exectype])).toEqual([1, 2, 3, 4, 5].map((n) => [String(n), n, 'EXECUTED']));
    expect(rows[2].tag).toBe('v1');
    expect(await userTables(db.url)).toEqual([]);
    expect((await run('status')).stdout.trim()).toMatch(/ is up to date$/);
  });

  it('release-locks clears a lock left behind, and creates nothing on an empty database', async () => {
    const db = await freshDatabase('release locks');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const look = pgLooker(db.url);
    let r = await pgcs(['release-locks', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe('There is no change log lock table in this database.');
    expect(await relations(look)).toEqual([]);

    expect((await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd })).code).toBe(0);
    await look.query(`UPDATE databasechangeloglock SET LOCKED = TRUE, LOCKEDBY = 'elsewhere (10.0.0.9)', LOCKGRANTED = NOW()`);
    r = await pgcs(['release-locks', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe('Successfully released all database change log locks.');
    expect(await lockRow(look)).toEqual({ id: 1, locked: false, lockgranted: null, lockedby: null });
  });

  it('--format json output of every command parses', async () => {
    const db = await freshDatabase('json');
    const cwd = workspace({ 'changelog.yaml': LIFECYCLE });
    const json = async (...args: string[]) => {
      const r = await pgcs([...args, '--format', 'json', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
      expect(r.code, show(r)).toBe(0);
      try {
        return JSON.parse(r.stdout);
      } catch {
        throw new Error(`${args[0]} --format json printed no JSON:\n${show(r)}`);
      }
    };
    expect(await json('status')).toMatchObject({ upToDate: false, pending: expect.arrayContaining([{ id: '1', author: 't', filename: 'changelog.yaml', state: 'pending' }]) });
    expect(await json('validate')).toEqual({ valid: true });
    const update = await json('update-count', '--count', '3');
    expect(update.ran).toEqual(['1', '2', '3'].map((id) => ({ id, author: 't', filename: 'changelog.yaml', execType: 'EXECUTED' })));
    expect(update.deploymentId).toMatch(/^\d{10}$/);
    expect(await json('tag', '--tag', 'x')).toEqual({ tag: 'x' });
    expect(await json('tag-exists', '--tag', 'x')).toEqual({ tag: 'x', exists: true });
    const history = await json('history');
    expect(history.map((h: { id: string }) => h.id)).toEqual(['1', '2', '3']);
    expect(await json('rollback-count', '--count', '1')).toEqual({ rolledBack: [{ id: '3', author: 't', filename: 'changelog.yaml' }] });
    expect(await json('changelog-sync')).toEqual({ synced: ['3', '4', '5'].map((id) => ({ id, author: 't', filename: 'changelog.yaml' })) });
    expect(await json('clear-checksums')).toEqual({ cleared: true });
    expect(await json('release-locks')).toEqual({ released: true });
    expect(await json('calculate-checksum', '--changeset-identifier', 'changelog.yaml::1::t')).toEqual({ changeset: 'changelog.yaml::1::t', checksum: expect.stringMatching(/^9:[0-9a-f]{32}$/) });
    expect(await json('status')).toEqual({ upToDate: true, pending: [], edited: [], notInChangelog: [] });
  });
});

describe.concurrent('Liquibase 4.28 bookkeeping (golden cases)', () => {
  const cases: { name: string; changelog: string; args?: string[] }[] = [
    { name: '01-yaml-sql', changelog: 'changelog.yaml', args: ['--contexts', 'dev'] },
    { name: '02-formatted-sql', changelog: 'changelog.sql' },
    { name: '03-yaml-builtin-changes', changelog: 'changelog.yaml' },
    { name: '04-include-includeall', changelog: 'db/changelog.yaml' },
  ];
  for (const c of cases) {
    it(`update of golden case ${c.name} writes the DATABASECHANGELOG rows Liquibase wrote`, async () => {
      const db = await freshDatabase(`golden ${c.name}`);
      const folder = join(GOLDEN, c.name);
      const r = await pgcs(['update', '--changelog-file', c.changelog, '--url', db.url, ...(c.args ?? [])], { cwd: folder });
      expect(r.code, show(r)).toBe(0);
      const expected = (JSON.parse(readFileSync(join(folder, 'databasechangelog.json'), 'utf8')) as Record<string, unknown>[]).map(
        ({ dateexecuted: _d, deployment_id: _id, ...rest }) => rest,
      );
      const rows = await changelogRows(pgLooker(db.url));
      expect(rows.map(({ dateexecuted: _d, deployment_id: _id, ...rest }) => rest)).toEqual(expected);
      expect(new Set(rows.map((row) => row.deployment_id)).size).toBe(1);
      expect(String(rows[0].deployment_id)).toMatch(/^\d{10}$/);
      const dates = rows.map((row) => String(row.dateexecuted));
      expect([...dates].sort()).toEqual(dates);
      expect(await lockRow(pgLooker(db.url))).toEqual({ id: 1, locked: false, lockgranted: null, lockedby: null });
    });
  }

  it('rollbacks of golden case 03: automatic inverses, rollback --tag, and a change with no inverse that fails changing nothing', async () => {
    const db = await freshDatabase('golden 03 rollback');
    const cwd = join(GOLDEN, '03-yaml-builtin-changes');
    const look = pgLooker(db.url);
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect((await run('update')).code).toBe(0);
    const indexes = async () => (await look.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)).map((r) => r.indexname);
    expect(await indexes()).toContain('orders_note_idx');
    expect(await indexes()).not.toContain('customer_display_name_uidx');

    let r = await run('rollback-count', '--count', '1'); // 8: dropIndex + dropColumn derived from its changes
    expect(r.code, show(r)).toBe(0);
    expect(await indexes()).not.toContain('orders_note_idx');
    expect(await look.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'`)).toEqual([]);

    r = await run('rollback', '--tag', 'built-in-done'); // 7: its explicit rollback recreates the index
    expect(r.code, show(r)).toBe(0);
    expect(await indexes()).toContain('customer_display_name_uidx');
    expect(await ids(look)).toEqual(['1', '2', '3', '4', '5', '6']);

    r = await run('rollback-count', '--count', '1'); // 6: insert has no inverse
    expect(r.code, show(r)).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^pgcs: .*No inverse to liquibase\.change\.core\.InsertDataChange created.*Nothing was rolled back\.$/)]);
    expect(await ids(look)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(await look.query('SELECT email FROM customer')).toEqual([{ email: 'ann@example.com' }]);
    expect(await lockRow(look)).toMatchObject({ locked: false });
  });

  it('calculate-checksum prints the MD5SUM Liquibase stored (first and last changeset of cases 01–04)', async () => {
    const jobs = cases.flatMap((c) => {
      const folder = join(GOLDEN, c.name);
      const rows = JSON.parse(readFileSync(join(folder, 'databasechangelog.json'), 'utf8')) as { id: string; author: string; filename: string; md5sum: string }[];
      const sample = [rows[0], rows[rows.length - 1]];
      return sample.map((row) => ({ folder, changelog: c.changelog, identifier: `${row.filename}::${row.id}::${row.author}`, md5sum: row.md5sum }));
    });
    // a few processes at a time
    const failures: string[] = [];
    const queue = [...jobs];
    await Promise.all(
      [1, 2, 3].map(async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const r = await pgcs(['calculate-checksum', '--changelog-file', job.changelog, '--changeset-identifier', job.identifier], { cwd: job.folder });
          if (r.code !== 0 || r.stdout.trim() !== job.md5sum) failures.push(`${job.identifier}: expected ${job.md5sum}, ${show(r)}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(jobs).toHaveLength(8);
  });
});
