// The PGlite driver: PostgreSQL 18 compiled to WASM, running in this process, on a data directory
// (`pglite:<dir>`) or in memory (`pglite:memory`). One PGlite instance = one session; there is no second
// session (openSession() → undefined) and no server-enforced statement_timeout (PGlite is single-threaded).
//
// execute(sql) runs PGlite's exec (simple protocol). PGlite runs a multi-statement string as ONE implicit
// transaction, so callers send exactly one statement per call (the engine splits changeset SQL first); if
// PGlite reports more than one statement, execute throws afterwards to make the mistake loud.
//
// ── Start-up cost (measured on this project's VM: 2 cores shared with other jobs, load 7–12; expect less) ──
//   module load (JS + 9 MB pglite.wasm + 6 MB pglite.data into MEMFS)   ~0.75 s
//   warm start of an existing data directory                              ~1.5–2 s in total
//   a fresh database: initdb inside WASM (bootstrap + post-bootstrap SQL)  ~10–20 s  ← the "8 s first start"
//   a fresh database from the cached template below: memory ~3–4 s, a directory ~2–2.5 s (unpacked natively)
// WASM compilation is not the cost (~80 ms, V8 compiles lazily); initdb is. So the first fresh database on a
// machine runs initdb once and saves the result (CHECKPOINT + PGlite's dumpDataDir, gzip, ~4.5 MB) as a
// template in `target.templateCacheDir` (default ~/.cache/pg-changesets; PGCS_PGLITE_CACHE=<dir>|off).
// Every later fresh database — pglite:memory, or a new pglite:<dir> — is loaded from that template instead
// of running initdb. The template is verified after loading (SELECT version() must match the version that
// made it), and any failure falls back to initdb. The cache is best-effort: errors writing it are ignored.
//
// ── Inter-process lock for data directories ──
// Two processes opening the same directory would corrupt it, so the driver holds an exclusive lock for its
// whole lifetime: the file `<dir>.lock` beside the directory (not inside it, so it is never part of a dump),
// created atomically (written to a temporary file, then hard-linked into place; O_EXCL where links are not
// supported) and holding JSON {pid, procStart, host, since, by}. A process that finds the lock:
//   - held by a live process: waits (polling every 100–250 ms) up to `lockTimeoutMs` (default 60 s), then
//     fails with ConnectionError('locked'): "… is in use by pid N (program) since …";
//   - held by a dead process (no such pid, or the pid was reused: its start time in /proc differs): removes
//     the stale lock (renaming it away first, so two waiters cannot both "recover" it) and takes it, telling
//     `onLockRecovered` who held it since when;
//   - held by this process: fails at once (the directory is already open here).
// A lock from another host (shared network directory) is never considered stale: delete it by hand.
// The lock is released on close(), and on process exit if close() was never called.

import { crypto, zlib } from '../../node-builtins';
import {
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { ConnectionError, type PgliteTarget } from '../connection-url';
import {
  type Driver,
  type DriverOptions,
  type QueryResult,
  TYPE_PARSERS,
  normaliseParams,
  rowCountOf,
  sqlErrorFrom,
} from '../driver';
import { localTimeZone } from './time-zone';

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
const TEMPLATE_FILE = 'pglite-template.tar.gz';
const TEMPLATE_META = 'pglite-template.json';

export async function openPglite(target: PgliteTarget, options: DriverOptions = {}): Promise<Driver> {
  const lock = target.dataDir === null ? undefined : await acquireDirLock(target, options);
  try {
    const db = await startPglite(target);
    const session = new PgliteSession(db, target, lock);
    try {
      const settings: Array<[string, string]> = [['TimeZone', localTimeZone()]];
      if (options.applicationName) settings.push(['application_name', options.applicationName]);
      if (options.statementTimeoutMs !== undefined) settings.push(['statement_timeout', String(options.statementTimeoutMs)]);
      if (target.defaultSchema !== undefined) settings.push(['search_path', target.defaultSchema]);
      for (const [name, value] of settings) await session.query('SELECT set_config($1, $2, false)', [name, value]);
    } catch (e) {
      await session.close();
      throw e;
    }
    return session;
  } catch (e) {
    lock?.release();
    throw e;
  }
}

class PgliteSession implements Driver {
  readonly kind = 'pglite' as const;
  readonly description: string;
  private closed = false;

  constructor(
    private readonly db: PGlite,
    target: PgliteTarget,
    private readonly lock: DirLock | undefined,
  ) {
    this.description = target.description;
  }

  private check(): void {
    if (this.closed) throw new Error(`${this.description} is closed`);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    this.check();
    try {
      const result = await this.db.query<T>(sql, normaliseParams(params));
      return { rows: result.rows, rowCount: rowCountOf((result as { rowCount?: number }).rowCount, result.rows) };
    } catch (e) {
      throw sqlErrorFrom(e) ?? e;
    }
  }

  async execute(sql: string): Promise<void> {
    this.check();
    let results: unknown[];
    try {
      results = await this.db.exec(sql);
    } catch (e) {
      throw sqlErrorFrom(e) ?? e;
    }
    if (results.length > 1) {
      throw new Error(
        `execute() takes exactly one statement but was given ${results.length}; they ran as one implicit transaction`,
      );
    }
  }

  async openSession(): Promise<Driver | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }

  async backendPid(): Promise<number> {
    const { rows } = await this.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return rows[0].pid;
  }
}

// ───────────────────────────── start-up: warm, from template, or initdb ─────────────────────────────

async function startPglite(target: PgliteTarget): Promise<PGlite> {
  const dir = target.dataDir;
  const fail = (why: string) => new ConnectionError(`cannot open ${target.description}: ${oneLine(why)}`, 'pglite');
  if (dir !== null) {
    let entries: string[] | undefined;
    try {
      entries = statSync(dir).isDirectory() ? readdirSync(dir) : undefined;
      if (entries === undefined) throw fail('not a directory');
    } catch (e) {
      if (e instanceof ConnectionError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fail((e as Error).message);
    }
    if (entries?.includes('PG_VERSION')) return boot(target, { dataDir: dir }, fail); // warm start
    if (entries !== undefined && entries.length > 0) {
      throw fail('the directory is not empty and is not a PGlite data directory (no PG_VERSION)');
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw fail((e as Error).message);
    }
  }
  const fromTemplate = await startFromTemplate(target, fail);
  if (fromTemplate) return fromTemplate;
  let db: PGlite;
  try {
    db = await boot(target, dir === null ? {} : { dataDir: dir }, fail); // initdb
  } catch (e) {
    // the directory was empty when we came: leave it empty, not half-initialised
    if (dir !== null) for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
    throw e;
  }
  await saveTemplate(target, db);
  return db;
}

async function boot(target: PgliteTarget, extra: PGliteOptions, fail: (why: string) => ConnectionError): Promise<PGlite> {
  const stderr: string[] = [];
  const options: PGliteOptions = {
    ...extra,
    parsers: TYPE_PARSERS,
    onStderr: (text: string) => {
      stderr.push(text);
      if (stderr.length > 20) stderr.shift();
      return true;
    },
  };
  let db: PGlite | undefined;
  try {
    db = new PGlite(options);
    await db.waitReady;
    return db;
  } catch (e) {
    await db?.close().catch(() => {});
    const last = stderr.map((s) => s.trim()).filter(Boolean).pop();
    throw fail(`${e instanceof Error ? e.message : String(e)}${last ? ` (${last})` : ''}`);
  }
}

interface TemplateMeta {
  version: string;
  created: string;
}

async function startFromTemplate(
  target: PgliteTarget,
  fail: (why: string) => ConnectionError,
): Promise<PGlite | undefined> {
  if (!target.templateCacheDir) return undefined;
  let tar: Buffer;
  let meta: TemplateMeta;
  try {
    meta = JSON.parse(readFileSync(join(target.templateCacheDir, TEMPLATE_META), 'utf8')) as TemplateMeta;
    // decompressed here, not by PGlite: a corrupt file then fails in this try, whereas PGlite's
    // DecompressionStream reports it as an unhandled stream error
    tar = zlib().gunzipSync(readFileSync(join(target.templateCacheDir, TEMPLATE_FILE)));
    if (tar.length < 512 || tar.toString('latin1', 257, 262) !== 'ustar') throw new Error('not a tar archive');
  } catch {
    return undefined;
  }
  let db: PGlite | undefined;
  try {
    if (target.dataDir === null) {
      db = await boot(target, { loadDataDir: new Blob([tar], { type: 'application/x-tar' }) }, fail);
    } else {
      // a directory: unpack natively (~0.1 s) and start warm, instead of PGlite writing 40 MB through its
      // WASM file system (loadDataDir into a directory takes ~3 s longer)
      extractTar(tar, target.dataDir);
      db = await boot(target, { dataDir: target.dataDir }, fail);
    }
    const { rows } = await db.query<{ version: string }>('SELECT version() AS version');
    if (rows[0]?.version === meta.version) return db;
  } catch {
    // a broken or incompatible template: fall through to initdb
  }
  // made by another PGlite version, or corrupt: start clean with initdb, whose result then replaces the template
  await db?.close().catch(() => {});
  if (target.dataDir !== null) {
    for (const entry of readdirSync(target.dataDir)) rmSync(join(target.dataDir, entry), { recursive: true, force: true });
  }
  return undefined;
}

/** Unpacks the plain ustar archives PGlite's dumpDataDir writes (directories and regular files only). */
function extractTar(tar: Buffer, into: string): void {
  const text = (offset: number, length: number) => {
    const raw = tar.subarray(offset, offset + length);
    const nul = raw.indexOf(0);
    return raw.toString('utf8', 0, nul < 0 ? length : nul);
  };
  for (let at = 0; at + 512 <= tar.length; ) {
    if (tar.subarray(at, at + 512).every((b) => b === 0)) break; // end of archive
    const name = [text(at + 345, 155), text(at + 0, 100)].filter(Boolean).join('/');
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const mode = parseInt(text(at + 100, 8).trim() || '0', 8) & 0o777;
    const type = String.fromCharCode(tar[at + 156]);
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..') || !Number.isFinite(size)) throw new Error(`unsafe tar entry '${name}'`);
    const path = join(into, ...parts);
    at += 512;
    if (type === '5') mkdirSync(path, { recursive: true });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, tar.subarray(at, at + size), { mode: mode || 0o600 });
    } else throw new Error(`unsupported tar entry type '${type}' for '${name}'`);
    at += Math.ceil(size / 512) * 512;
  }
}

/** Right after initdb: keep the fresh data directory as the template for later fresh databases. */
async function saveTemplate(target: PgliteTarget, db: PGlite): Promise<void> {
  const cache = target.templateCacheDir;
  if (!cache) return;
  try {
    const { rows } = await db.query<{ version: string }>('SELECT version() AS version');
    await db.exec('CHECKPOINT');
    const dump = await db.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    mkdirSync(cache, { recursive: true });
    const tmp = `.${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(join(cache, TEMPLATE_FILE + tmp), bytes);
    renameSync(join(cache, TEMPLATE_FILE + tmp), join(cache, TEMPLATE_FILE));
    const meta: TemplateMeta = { version: rows[0].version, created: new Date().toISOString() };
    writeFileSync(join(cache, TEMPLATE_META + tmp), JSON.stringify(meta) + '\n');
    renameSync(join(cache, TEMPLATE_META + tmp), join(cache, TEMPLATE_META));
  } catch {
    // best effort: no template means the next fresh database runs initdb again
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

// ───────────────────────────── inter-process directory lock ─────────────────────────────

interface LockHolder {
  pid: number;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22) */
  procStart?: string;
  host: string;
  since: string;
  by?: string;
}

interface DirLock {
  release(): void;
}

/** The lock file of a PGlite data directory. */
export function lockFileFor(dataDir: string): string {
  return join(dirname(dataDir), basename(dataDir) + '.lock');
}

async function acquireDirLock(target: PgliteTarget, options: DriverOptions): Promise<DirLock> {
  const dataDir = target.dataDir!;
  const lockPath = lockFileFor(dataDir);
  const timeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const me: LockHolder = {
    pid: process.pid,
    procStart: procStartOf(process.pid),
    host: hostname(),
    since: new Date().toISOString(),
    by: options.applicationName,
  };
  const content = JSON.stringify(me) + '\n';
  try {
    mkdirSync(dirname(lockPath), { recursive: true });
  } catch (e) {
    throw new ConnectionError(`cannot open ${target.description}: ${(e as Error).message}`, 'pglite');
  }
  const started = Date.now();
  let warned = false;
  for (let attempt = 0; ; attempt++) {
    let created: boolean;
    try {
      created = tryCreateLock(lockPath, content);
    } catch (e) {
      throw new ConnectionError(`cannot lock ${target.description}: ${(e as Error).message}`, 'pglite');
    }
    if (created) return holdLock(lockPath, content);
    const seen = readLock(lockPath);
    if (seen === 'gone') continue;
    const { raw, holder } = seen;
    if (holder && holder.pid === process.pid && holder.host === me.host) {
      throw new ConnectionError(`${target.description} is already open in this process`, 'locked');
    }
    if (isStale(holder, lockPath)) {
      // said once it is ours to remove, like a recovered DATABASECHANGELOGLOCK row (lock.ts): a killed run is
      // worth knowing about, since what it was doing stopped half-way (its open transaction rolled back)
      const recovered = recoveredMessage(target, lockPath, holder); // before removal: it reads the file's time
      if (removeStaleLock(lockPath, raw)) options.onLockRecovered?.(recovered);
      continue;
    }
    const who = holder
      ? `pid ${holder.pid}${holder.by ? ` (${holder.by})` : ''}${holder.host !== me.host ? ` on ${holder.host}` : ''} since ${holder.since}`
      : 'a process that is still writing its lock file';
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      throw new ConnectionError(
        `${target.description} is in use by ${who}; gave up after ${Math.round(timeoutMs / 100) / 10} s` +
          ` (if that process is gone, delete ${lockPath})`,
        'locked',
      );
    }
    if (!warned) {
      warned = true;
      options.onLockWait?.(`waiting for ${target.description}: in use by ${who}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(100 + attempt * 25, 250, Math.max(10, timeoutMs - waited))));
  }
}

/** Atomically create the lock file with its full content: true if we got it, false if it exists. */
function tryCreateLock(lockPath: string, content: string): boolean {
  const tmp = `${lockPath}.${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content);
  try {
    linkSync(tmp, lockPath);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  // file systems without hard links: O_EXCL (a reader may briefly see it empty; readLock allows for that)
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(lockPath: string): 'gone' | { raw: string; holder: LockHolder | undefined } {
  let raw: string;
  try {
    raw = readFileSync(lockPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const parsed = JSON.parse(raw) as LockHolder;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return { raw, holder: parsed };
  } catch {
    // empty or half-written (O_EXCL fallback), or not ours
  }
  return { raw, holder: undefined };
}

function isStale(holder: LockHolder | undefined, lockPath: string): boolean {
  if (!holder) {
    // unreadable content: stale once it has been like that for 10 s (its writer died mid-write)
    try {
      return Date.now() - statSync(lockPath).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  if (holder.host !== hostname()) return false; // cannot check another machine's processes
  if (!pidAlive(holder.pid)) return true;
  const start = procStartOf(holder.pid);
  return holder.procStart !== undefined && start !== undefined && start !== holder.procStart; // pid reused
}

function recoveredMessage(target: PgliteTarget, lockPath: string, holder: LockHolder | undefined): string {
  if (!holder) {
    let since = 'an unknown time';
    try {
      since = statSync(lockPath).mtime.toISOString();
    } catch {
      // removed by another waiter meanwhile; the recovery is theirs to report
    }
    return `Recovered a stale lock on ${target.description}: its holder died while writing ${lockPath} (unreadable since ${since}).`;
  }
  const by = holder.by ? ` (${holder.by})` : '';
  return `Recovered a stale lock on ${target.description} held by pid ${holder.pid}${by} on ${holder.host} since ${holder.since}: that process is gone.`;
}

/** true when this call removed the stale lock (several waiters may race for it: one of them does). */
function removeStaleLock(lockPath: string, raw: string): boolean {
  // rename first: only one of several waiters can move a given file, and we check we moved the stale one
  const aside = `${lockPath}.stale.${process.pid}.${crypto().randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return false; // someone else took care of it
  }
  let movedRaw = '';
  try {
    movedRaw = readFileSync(aside, 'utf8');
  } catch {
    // fall through
  }
  const ours = movedRaw === raw;
  if (!ours) {
    // between our read and the rename a live process took the lock: put it back
    try {
      linkSync(aside, lockPath);
    } catch {
      // another process holds a newer lock already
    }
  }
  rmSync(aside, { force: true });
  return ours;
}

function holdLock(lockPath: string, content: string): DirLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    try {
      if (readFileSync(lockPath, 'utf8') === content) unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { release };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function procStartOf(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "(comm)": state is field 3, starttime is field 22
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
