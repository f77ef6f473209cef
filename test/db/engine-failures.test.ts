// What goes wrong, and how pgcs says so: a changeset that fails half-way, runInTransaction, and input pgcs
// cannot use. Every failure is one line on stderr naming where (file:line) and why (PostgreSQL's message),
// never a stack trace, with the documented exit code (1: the command failed; 2: bad usage or input), and the
// database is left exactly as before the failing changeset.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  changelogRows,
  errorLines,
  ensureCliBuilt,
  hasStackTrace,
  ids,
  lockRow,
  pgcs,
  pgLooker,
  relations,
  removeWorkspaces,
  show,
  workspace,
  type CliResult,
} from './fixtures/engine-cli';
import { freshDatabase, PASSWORD, servers } from './postgres';

// every test runs real processes; on a loaded machine they take far longer than the 60 s default
vi.setConfig({ testTimeout: 240_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** exactly one error line (beside progress messages), starting with "pgcs: ", and no stack trace */
function expectOneLineError(r: CliResult): string {
  const lines = errorLines(r.stderr);
  expect(lines, show(r)).toHaveLength(1);
  expect(lines[0]).toMatch(/^pgcs: /);
  expect(hasStackTrace(r.stderr + r.stdout), show(r)).toBe(false);
  return lines[0];
}

describe.concurrent('a changeset that fails', () => {
  it('in its 2nd statement leaves nothing of itself, no row, keeps the changesets before it, and says file:line and why', async () => {
    const db = await freshDatabase('fails yaml');
    const changelog = `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE a (id int)
  - changeSet:
      id: "2"
      author: t
      changes:
        - sql:
            sql: |
              CREATE TABLE b (id int);
              INSERT INTO missing_table VALUES (1);
              CREATE TABLE b2 (id int);
  - changeSet:
      id: "3"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE c (id int)
`;
    const cwd = workspace({ 'changelog.yaml': changelog });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    const line = expectOneLineError(r);
    expect(line).toContain(`changelog.yaml:${lineOf(changelog, 'missing_table')}: `);
    expect(line).toContain('changelog.yaml::2::t');
    expect(line).toContain('relation "missing_table" does not exist');
    const look = pgLooker(db.url);
    expect(await ids(look)).toEqual(['1']);
    expect((await relations(look)).filter((n) => !n.startsWith('databasechangelog'))).toEqual(['a']);
    expect(await lockRow(look)).toMatchObject({ locked: false, lockedby: null });
    // the next run starts again at the failed changeset
    const status = await pgcs(['status', '--verbose', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(status.stdout).toContain('2 changesets have not been applied');
  });

  it('in a formatted SQL file points at the failing statement of that file', async () => {
    const db = await freshDatabase('fails formatted');
    const changelog = `--liquibase formatted sql

--changeset t:1
CREATE TABLE a (id int);

--changeset t:2
CREATE TABLE b (id int);
ALTER TABLE b ADD COLUMN id int;
--rollback DROP TABLE b;
`;
    const cwd = workspace({ 'db/changelog.sql': changelog });
    const r = await pgcs(['update', '--changelog-file', 'db/changelog.sql', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    const line = expectOneLineError(r);
    expect(line).toContain(`db/changelog.sql:${lineOf(changelog, 'ALTER TABLE')}: `);
    expect(line).toContain('column "id" of relation "b" already exists');
    const look = pgLooker(db.url);
    expect(await ids(look)).toEqual(['1']);
    expect(await relations(look)).not.toContain('b');
  });

  it('in a sqlFile points at the line of that file', async () => {
    const db = await freshDatabase('fails sqlfile');
    const sql = `-- two statements, the second fails\nCREATE TABLE b (id int);\n\nSELECT 1/0;\n`;
    const cwd = workspace({
      'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - sqlFile:
            path: sql/one.sql
            relativeToChangelogFile: true
`,
      'sql/one.sql': sql,
    });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    const line = expectOneLineError(r);
    expect(line).toContain(`sql/one.sql:${lineOf(sql, '1/0')}: `);
    expect(line).toContain('division by zero');
    expect(await changelogRows(pgLooker(db.url))).toEqual([]);
    expect(await relations(pgLooker(db.url))).not.toContain('b');
  });

  it('with splitStatements: false runs its statements as one unit: all or nothing', async () => {
    const db = await freshDatabase('split false');
    const cwd = workspace({
      'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - sql:
            splitStatements: false
            sql: |
              CREATE TABLE ok1 (id int);
              CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;
  - changeSet:
      id: "2"
      author: t
      runInTransaction: false
      changes:
        - sql:
            splitStatements: false
            sql: |
              CREATE TABLE ok2 (id int);
              SELECT 1/0;
`,
    });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    expect(expectOneLineError(r)).toContain('division by zero');
    const look = pgLooker(db.url);
    expect(await ids(look)).toEqual(['1']);
    const names = await relations(look);
    expect(names).toContain('ok1');
    // PostgreSQL runs a multi-statement text as one implicit transaction, even outside a changeset transaction
    expect(names).not.toContain('ok2');
  });
});

describe.concurrent('runInTransaction', () => {
  const changelog = (attribute: string) => `--liquibase formatted sql

--changeset t:1
CREATE TABLE t (id int);

--changeset t:2${attribute}
CREATE INDEX CONCURRENTLY t_id_idx ON t (id);
--rollback DROP INDEX CONCURRENTLY t_id_idx;
`;

  it('false lets CREATE INDEX CONCURRENTLY run, and its rollback too', async () => {
    const db = await freshDatabase('concurrently');
    const cwd = workspace({ 'changelog.sql': changelog(' runInTransaction:false') });
    const r = await pgcs(['update', '--changelog-file', 'changelog.sql', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    const look = pgLooker(db.url);
    expect(await ids(look)).toEqual(['1', '2']);
    expect(await look.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id_idx'::regclass`)).toEqual([{ indisvalid: true }]);
    const back = await pgcs(['rollback-count', '--count', '1', '--changelog-file', 'changelog.sql', '--url', db.url], { cwd });
    expect(back.code, show(back)).toBe(0);
    expect(await relations(look)).not.toContain('t_id_idx');
    expect(await ids(look)).toEqual(['1']);
  });

  it('left at its default (true) makes CREATE INDEX CONCURRENTLY fail with PostgreSQL\'s error, recording nothing', async () => {
    const db = await freshDatabase('concurrently tx');
    const text = changelog('');
    const cwd = workspace({ 'changelog.sql': text });
    const r = await pgcs(['update', '--changelog-file', 'changelog.sql', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    const line = expectOneLineError(r);
    expect(line).toContain(`changelog.sql:${lineOf(text, 'CREATE INDEX')}: `);
    expect(line).toContain('CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
    expect(line).toContain('25001');
    const look = pgLooker(db.url);
    expect(await ids(look)).toEqual(['1']);
    expect(await relations(look)).not.toContain('t_id_idx');
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe.concurrent('input pgcs cannot use', () => {
  const GOOD = `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - sql:
            sql: CREATE TABLE a (id int)
`;
  const server = servers()[0];

  /** runs pgcs, expects exit 2 with one error line matching `message`, and an untouched database */
  async function rejected(args: string[], message: RegExp, files: Record<string, string> = { 'changelog.yaml': GOOD }) {
    const db = await freshDatabase('bad input');
    const cwd = workspace(files);
    const r = await pgcs(args.map((a) => a.replace('$URL', db.url)), { cwd });
    expect(r.code, show(r)).toBe(2);
    expect(expectOneLineError(r)).toMatch(message);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(await relations(pgLooker(db.url))).toEqual([]);
  }

  it('a changelog file that does not exist', () =>
    rejected(['update', '--changelog-file', 'nope.yaml', '--url', '$URL'], /^pgcs: changelog not found: nope\.yaml$/));

  it('a sqlFile that does not exist', () =>
    rejected(
      ['update', '--changelog-file', 'changelog.yaml', '--url', '$URL'],
      /^pgcs: changelog\.yaml:7:\d+: .*sql\/missing\.sql.*nothing was done/i,
      {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: "1"
      author: t
      changes:
        - sqlFile:
            path: sql/missing.sql
            relativeToChangelogFile: true
`,
      },
    ));

  it('a changelog that is not valid YAML: one line per problem', async () => {
    const db = await freshDatabase('bad yaml');
    const cwd = workspace({ 'changelog.yaml': 'databaseChangeLog:\n  - changeSet: [unclosed\n' });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const lines = r.stderr.trim().split('\n');
    expect(lines.slice(0, -1).every((l) => /^pgcs: changelog\.yaml:\d+:\d+: \S/.test(l)), show(r)).toBe(true);
    expect(lines.at(-1)).toMatch(/^pgcs: \d+ errors in the changelog; nothing was done\.$/);
    expect(await relations(pgLooker(db.url))).toEqual([]);
  });

  it('a URL of another database system', () =>
    rejected(['update', '--changelog-file', 'changelog.yaml', '--url', 'mysql://localhost/x'], /^pgcs: .*mysql:\/\/localhost\/x.*postgres:\/\//));

  it('a wrong password', () =>
    rejected(
      ['update', '--changelog-file', 'changelog.yaml', '--url', '$URL', '--password', 'wrong-password'],
      /^pgcs: cannot connect to .*password authentication failed for user "postgres"/,
    ));

  it('a port nothing listens on', async () => {
    const port = await closedPort();
    await rejected(['update', '--changelog-file', 'changelog.yaml', '--url', `postgres://postgres@127.0.0.1:${port}/x`], new RegExp(`^pgcs: cannot connect to .*127\\.0\\.0\\.1:${port}.*connection refused`));
  });

  it('an unknown command', () => rejected(['frobnicate', '--changelog-file', 'changelog.yaml', '--url', '$URL'], /^pgcs: unknown command frobnicate \(pgcs --help shows the usage\)$/));

  it('an unknown flag', () => rejected(['update', '--changelog-file', 'changelog.yaml', '--url', '$URL', '--frobnicate'], /^pgcs: unknown option --frobnicate \(pgcs --help shows the usage\)$/));

  it('a count that is not a number', () => rejected(['update-count', '--count', 'many', '--changelog-file', 'changelog.yaml', '--url', '$URL'], /^pgcs: --count must be a whole number/));

  it('SQL that PostgreSQL cannot parse in a changeset that would run', () =>
    rejected(['update', '--changelog-file', 'changelog.yaml', '--url', '$URL'], /^pgcs: changelog\.yaml:7:\d+: syntax error at or near "TABEL" \(nothing was done\)$/, {
      'changelog.yaml': GOOD.replace('CREATE TABLE a (id int)', 'CREATE TABEL a (id int)'),
    }));

  it('SQL that cannot parse is refused as well when its parse was kept from an earlier run, and runs once mended', async () => {
    const cwd = workspace({ 'changelog.yaml': GOOD.replace('CREATE TABLE a (id int)', 'CREATE TABEL a (id int); CREATE TABLE b (id int)') });
    const env = { PGCS_CACHE_DIR: join(cwd, 'cache') };
    const parsesKept = () => readdirSync(env.PGCS_CACHE_DIR).filter((name) => name.endsWith('.parses.json'));
    for (const run of ['parsed', 'kept']) {
      const db = await freshDatabase(`kept parse ${run}`);
      const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd, env });
      expect(r.code, show(r)).toBe(2);
      expect(expectOneLineError(r)).toMatch(/^pgcs: changelog\.yaml:7:\d+: syntax error at or near "TABEL" \(nothing was done\)$/);
      expect(await relations(pgLooker(db.url))).toEqual([]);
      expect(parsesKept()).toHaveLength(1);
      // the error itself is kept: the second run reports it from there
      expect(readFileSync(join(env.PGCS_CACHE_DIR, parsesKept()[0]), 'utf8')).toContain('syntax error at or near \\"TABEL\\"');
    }
    // the second run answered from the kept parse: a kept message is what the next run reports
    const keptFile = join(env.PGCS_CACHE_DIR, parsesKept()[0]);
    writeFileSync(keptFile, readFileSync(keptFile, 'utf8').replace('at or near \\"TABEL\\"', 'at or near \\"KEPT\\"'));
    const db = await freshDatabase('kept parse sentinel');
    const fromKept = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd, env });
    expect(expectOneLineError(fromKept)).toMatch(/syntax error at or near "KEPT" \(nothing was done\)$/);
    const mended = workspace({ 'changelog.yaml': GOOD.replace('CREATE TABLE a (id int)', 'CREATE TABLE a (id int); CREATE TABLE b (id int)') });
    for (const run of ['parsed', 'kept']) {
      const db = await freshDatabase(`kept parse mended ${run}`);
      const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd: mended, env });
      expect(r.code, show(r)).toBe(0);
      expect(await relations(pgLooker(db.url))).toEqual(expect.arrayContaining(['a', 'b']));
    }
  });

  it('a command without the changelog it needs', () => rejected(['update', '--url', '$URL'], /^pgcs: update needs --changelog-file \(pgcs --help shows the usage\)$/));

  it('a label filter that does not parse', () =>
    rejected(['update', '--changelog-file', 'changelog.yaml', '--url', '$URL', '--label-filter', 'v1 and (v2'], /^pgcs: .*missing '\)'/));

  it('a database that does not exist', () =>
    rejected(['update', '--changelog-file', 'changelog.yaml', '--url', `postgres://postgres:${PASSWORD}@${server.host}:${server.port}/no_such_db`], /^pgcs: cannot connect to .*database "no_such_db" does not exist/));
});
