// Shared by the interop tests: runs the real Liquibase 4.28 CLI and `pgcs` against databases of the test server
// (test/db/postgres.ts), and reads back what each left behind: DATABASECHANGELOG rows, the schema (catalog.ts) and a
// fingerprint of the data.
//
// Liquibase is the npm package's Java distribution (node_modules/liquibase/dist/liquibase, 4.28.0 with its bundled
// PostgreSQL JDBC driver), started exactly as its `liquibase` script starts it. JVM start-up dominates its run time,
// so the JVM gets C1-only JIT and the serial GC (JAVA_OPTS; Liquibase's behaviour does not depend on them).
// pgcs is the CLI bundle built from the current sources (see pgcsCli), so a test never runs a stale dist/cli.js.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, copyFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import pg from 'pg';
import { snapshotCatalog } from '../../server/src/engine/catalog';
import { parseTarget } from '../../server/src/engine/connection-url';
import { openDriver } from '../../server/src/engine/driver';
import { type FreshDatabase, PASSWORD, servers, USER } from '../db/postgres';

export const REPO = path.resolve(__dirname, '../..');
export const LIQUIBASE_HOME = path.join(REPO, 'node_modules/liquibase/dist/liquibase');
export const LIQUIBASE_SCRIPT = path.join(LIQUIBASE_HOME, 'liquibase');
export const LIQUIBASE_VERSION = '4.28.0';
export const GOLDEN = path.join(REPO, 'test/fixtures/golden');
export const FIXTURES = path.join(__dirname, 'fixtures');

const require = createRequire(__filename);

// ───────────────────────────── running the tools ─────────────────────────────

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, in arrival order */
  output: string;
  ms: number;
  /** when the process ended (Date.now()) */
  endedAt: number;
  timedOut: boolean;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<Run>;
  /** resolves when the output (stdout + stderr) matches */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

let javaChecked: string | undefined | null = null;

/**
 * Why the interop tests cannot run in this process, or undefined when they can: they need the `db` project's
 * PostgreSQL server (vitest.config.mts; the `core` project's include also matches test/interop but starts none),
 * Java and the Liquibase distribution.
 */
export function interopUnavailable(): string | undefined {
  let running: unknown;
  try {
    running = servers();
  } catch {
    running = undefined;
  }
  if (!Array.isArray(running) || running.length === 0) return 'no test PostgreSQL server: the interop tests run in the db project (vitest run --project db)';
  return liquibaseMissing();
}

/** Why Liquibase cannot run here (no Java, no package), or undefined when it can. */
export function liquibaseMissing(): string | undefined {
  if (javaChecked !== null) return javaChecked;
  if (!existsSync(path.join(LIQUIBASE_HOME, 'internal/lib/liquibase-core.jar'))) javaChecked = `no Liquibase distribution at ${LIQUIBASE_HOME}`;
  else {
    try {
      execFileSync(javaBinary(), ['-version'], { stdio: 'ignore' });
      javaChecked = undefined;
    } catch {
      javaChecked = 'no java on the PATH (Liquibase 4.28 needs Java 11+)';
    }
  }
  return javaChecked;
}

function javaBinary(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin/java') : 'java';
}

export const FAST_JVM = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto';

function start(command: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs: number }): Spawned {
  const started = Date.now();
  // a process group of its own, so a timeout kills the JVM the liquibase script starts, not only the script
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
  const child = spawn(command, args, { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (which: 'out' | 'err') => (d: Buffer) => {
    const text = d.toString('utf8');
    if (which === 'out') stdout += text;
    else stderr += text;
    output += text;
    for (const w of [...watchers]) {
      if (w.pattern.test(output)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', onData('out'));
  child.stderr!.on('data', onData('err'));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, options.timeoutMs);
  const done = new Promise<Run>((resolve) => {
    const finish = (code: number) => {
      clearTimeout(timer);
      const endedAt = Date.now();
      resolve({ code, stdout, stderr, output, ms: endedAt - started, endedAt, timedOut });
    };
    child.on('error', (e) => {
      stderr += String(e);
      output += String(e);
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
  return {
    child,
    done,
    waitFor(pattern, timeoutMs = options.timeoutMs) {
      if (pattern.test(output)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer2 = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in:\n${output}`)), timeoutMs);
        const watcher = { pattern, resolve: () => (clearTimeout(timer2), resolve()) };
        watchers.push(watcher);
        void done.then(() => {
          if (watchers.includes(watcher)) {
            clearTimeout(timer2);
            reject(new Error(`the process ended before ${pattern} appeared:\n${output}`));
          }
        });
      });
    },
  };
}

export interface ToolInvocation {
  db: FreshDatabase;
  /** the folder both tools run in (relative --search-path and --changelog-file resolve from here) */
  cwd: string;
  /** update, status, validate, rollback-count, … */
  command: string;
  changelog?: string;
  /** --search-path (comma-separated, relative to cwd) */
  searchPath?: string;
  /** options after the command: --contexts=…, --count=…, -Dname=value, … */
  args?: string[];
  timeoutMs?: number;
  /** Liquibase only: its log level (default severe) */
  logLevel?: string;
  /** Liquibase only: extra global options (before the command) */
  globalArgs?: string[];
  /** extra environment of the process (e.g. TZ) */
  env?: Record<string, string | undefined>;
  /** no --url, --username, --password or --changelog-file: the tool takes them from its defaults file and environment */
  bare?: boolean;
}

/** The real Liquibase: `liquibase --show-banner=false --log-level=severe [global…] <command> --url … [args…]`. */
export function startLiquibase(run: ToolInvocation): Spawned {
  const global = ['--show-banner=false', `--log-level=${run.logLevel ?? 'severe'}`, ...(run.searchPath ? [`--search-path=${run.searchPath}`] : []), ...(run.globalArgs ?? [])];
  const connection = run.bare ? [] : [`--url=${run.db.jdbcUrl}`, `--username=${USER}`, `--password=${PASSWORD}`, ...(run.changelog ? [`--changelog-file=${run.changelog}`] : [])];
  return start(LIQUIBASE_SCRIPT, [...global, run.command, ...connection, ...(run.args ?? [])], {
    cwd: run.cwd,
    env: { JAVA_OPTS: process.env.PGCS_LIQUIBASE_JAVA_OPTS ?? FAST_JVM, LIQUIBASE_HOME: undefined, ...run.env },
    timeoutMs: run.timeoutMs ?? 180_000,
  });
}

export function liquibase(run: ToolInvocation): Promise<Run> {
  return startLiquibase(run).done;
}

/** pgcs with the same options Liquibase gets (the JDBC URL, --username, --password). */
export function startPgcs(run: ToolInvocation): Spawned {
  const connection = run.bare ? [] : [`--url=${run.db.jdbcUrl}`, `--username=${USER}`, `--password=${PASSWORD}`, ...(run.changelog ? [`--changelog-file=${run.changelog}`] : [])];
  return start(process.execPath, [pgcsCli(), run.command, ...(run.searchPath ? [`--search-path=${run.searchPath}`] : []), ...connection, ...(run.args ?? [])], {
    cwd: run.cwd,
    env: run.env ?? {},
    timeoutMs: run.timeoutMs ?? 120_000,
  });
}

export function pgcs(run: ToolInvocation): Promise<Run> {
  return startPgcs(run).done;
}

// ───────────────────────────── the pgcs bundle ─────────────────────────────

let cliPath: string | undefined;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

/**
 * dist/cli.js as `npm run build` makes it, but built from the sources as they are now into
 * node_modules/.cache/pgcs-interop/<hash of the sources>/ (so node_modules resolves from there), once per source state.
 */
export function pgcsCli(): string {
  if (cliPath) return cliPath;
  const hash = createHash('sha256');
  for (const file of sourceFiles(path.join(REPO, 'server/src'))) hash.update(file).update(readFileSync(file));
  const dir = path.join(REPO, 'node_modules/.cache/pgcs-interop', hash.digest('hex').slice(0, 16));
  const cli = path.join(dir, 'cli.js');
  if (!existsSync(cli)) {
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(tmp, { recursive: true });
    const esbuild = require('esbuild') as typeof import('esbuild');
    esbuild.buildSync({
      entryPoints: [path.join(REPO, 'server/src/cli.ts')],
      outfile: path.join(tmp, 'cli.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
      external: ['@electric-sql/pglite', 'pg-native'],
      banner: { js: '#!/usr/bin/env node' },
    });
    copyFileSync(path.join(path.dirname(require.resolve('libpg-query')), 'libpg-query.wasm'), path.join(tmp, 'libpg-query.wasm'));
    chmodSync(path.join(tmp, 'cli.js'), 0o755);
    try {
      renameSync(tmp, dir);
    } catch {
      // another test file built the same sources first
      rmSync(tmp, { recursive: true, force: true });
    }
    // bundles of earlier source states, unused for an hour
    const parent = path.dirname(dir);
    for (const old of readdirSync(parent)) {
      const full = path.join(parent, old);
      if (full !== dir && Date.now() - statSync(full).mtimeMs > 3_600_000) rmSync(full, { recursive: true, force: true });
    }
  }
  cliPath = cli;
  return cli;
}

// ───────────────────────────── what a database holds ─────────────────────────────

/** The DATABASECHANGELOG columns both tools must write identically (DATEEXECUTED and DEPLOYMENT_ID vary by run). */
export const COMPARED_COLUMNS = ['orderexecuted', 'id', 'author', 'filename', 'exectype', 'md5sum', 'description', 'comments', 'tag', 'liquibase', 'contexts', 'labels'] as const;

export type Row = Record<(typeof COMPARED_COLUMNS)[number], string | number | null>;

export interface FullRow extends Row {
  dateexecuted: string;
  deployment_id: string | null;
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every DATABASECHANGELOG row, ordered by ORDEREXECUTED; [] when the table does not exist. */
export async function readRows(db: FreshDatabase, schema = 'public'): Promise<FullRow[]> {
  return withClient(db.url, async (client) => {
    const exists = await client.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [`${schema}.databasechangelog`]);
    if (!exists.rows[0].found) return [];
    const { rows } = await client.query(
      `SELECT ${COMPARED_COLUMNS.join(', ')}, dateexecuted::text AS dateexecuted, deployment_id FROM ${schema}.databasechangelog ORDER BY orderexecuted, dateexecuted`,
    );
    return rows as FullRow[];
  });
}

/**
 * The rows without DATEEXECUTED and DEPLOYMENT_ID, one line each (so a difference shows as a short line diff):
 * `ORDEREXECUTED FILENAME::ID::AUTHOR EXECTYPE MD5SUM` and the other columns as JSON.
 */
export function comparable(rows: FullRow[]): string[] {
  return rows.map(
    (r) =>
      `${r.orderexecuted} ${r.filename}::${r.id}::${r.author} ${r.exectype} ${r.md5sum} ` +
      JSON.stringify({ description: r.description, comments: r.comments, contexts: r.contexts, labels: r.labels, tag: r.tag, liquibase: r.liquibase }),
  );
}

export async function lockRow(db: FreshDatabase): Promise<{ locked: boolean; lockedby: string | null } | undefined> {
  return withClient(db.url, async (client) => {
    const exists = await client.query(`SELECT to_regclass('public.databasechangeloglock') IS NOT NULL AS found`);
    if (!exists.rows[0].found) return undefined;
    const { rows } = await client.query('SELECT locked, lockedby FROM public.databasechangeloglock WHERE id = 1');
    return rows[0];
  });
}

/** catalog.ts's snapshot (everything but the tracking tables), as a sorted plain object for toEqual diffs. */
export async function schemaOf(db: FreshDatabase): Promise<Record<string, string>> {
  const driver = await openDriver(parseTarget({ url: db.url, env: {}, cwd: REPO }));
  try {
    const snapshot = await snapshotCatalog(driver);
    return Object.fromEntries([...snapshot].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  } finally {
    await driver.close();
  }
}

/**
 * A fingerprint of every user table's rows: the row count and an md5 of the sorted rows, leaving out columns whose
 * values depend on the moment or on randomness (timestamps and defaults such as now(), gen_random_uuid()).
 */
export async function dataOf(db: FreshDatabase): Promise<Record<string, string>> {
  return withClient(db.url, async (client) => {
    const { rows: columns } = await client.query<{ schema: string; table: string; column: string; type: string; def: string | null }>(`
      SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             pg_get_expr(d.adbin, d.adrelid) AS def
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
       WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
         AND c.relname NOT IN ('databasechangelog', 'databasechangeloglock')
       ORDER BY 1, 2, a.attnum`);
    const tables = new Map<string, string[]>();
    for (const c of columns) {
      const key = `${c.schema}.${c.table}`;
      if (!tables.has(key)) tables.set(key, []);
      const volatile = /^(timestamp|time|date)/.test(c.type) || /now\(|current_|random|uuid|clock_|statement_timestamp|transaction_timestamp/i.test(c.def ?? '');
      if (!volatile) tables.get(key)!.push(c.column);
    }
    const out: Record<string, string> = {};
    for (const [table, cols] of tables) {
      const [schema, name] = table.split('.');
      const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const row = cols.length ? `ROW(${cols.map(q).join(', ')})::text` : `''`;
      const { rows } = await client.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS h FROM (SELECT ${row} AS r FROM ${q(schema)}.${q(name)}) t`);
      out[table] = `${rows[0].n} rows ${rows[0].h}`;
    }
    return out;
  });
}

// ───────────────────────────── small helpers ─────────────────────────────

/** Runs tasks with at most `limit` at a time, in submission order. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** A short description of a failed run for assertion messages. */
export function describeRun(tool: string, run: Run): string {
  const text = run.output.split('\n').filter((l) => !/^\s+at /.test(l)).join('\n').trim();
  return `${tool} exited ${run.code}${run.timedOut ? ' (timed out)' : ''} after ${run.ms} ms:\n${text.length > 4000 ? text.slice(0, 2000) + '\n…\n' + text.slice(-2000) : text}`;
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
