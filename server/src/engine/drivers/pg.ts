// The PostgreSQL driver: one `pg` client (= one server session) per Driver.
//
// - query(): extended protocol (`queryMode: 'extended'`), so one statement, with or without parameters.
// - execute(): simple query protocol, the text exactly as given.
// - Connect failures become one-line ConnectionErrors naming user@host:port/db and the cause, never the
//   password; a session that dies later fails its next call with ConnectionError('lost').
// - The password comes from the target (flag, URL, PGPASSWORD), else from the libpq password file
//   (~/.pgpass or PGPASSFILE), read only when the server asks for one.
// - currentSchema → search_path (set_config, same parsing as pgjdbc's search_path startup parameter).
// - TimeZone is this machine's zone (time-zone.ts), a startup parameter as pgjdbc sends it.
// - connect_timeout bounds the whole login; a timeout names how long it waited.

import { readFileSync, statSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { ConnectionError, type PostgresTarget } from '../connection-url';
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

export async function openPg(target: PostgresTarget, options: DriverOptions): Promise<Driver> {
  const fail = (reason: string, kind: ConnectionError['reason'], code?: string) =>
    new ConnectionError(`cannot connect to ${target.description}: ${scrub(reason, target)}`, kind, code);

  const ssl = sslConfig(target, fail);
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    // asked only when the server wants a password; undefined → pg reports that none was given
    password: (async () => target.password ?? lookupPgpass(target)) as () => Promise<string>,
    ssl,
    application_name: target.applicationName ?? options.applicationName,
    statement_timeout: options.statementTimeoutMs,
    options: target.options,
    // pg's timer runs from the TCP connect to ReadyForQuery: TLS and authentication included, as libpq's
    // connect_timeout; 0 sets none
    connectionTimeoutMillis: target.connectTimeoutMs,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        (format ?? 'text') === 'text' && TYPE_PARSERS[oid]
          ? TYPE_PARSERS[oid]
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  sendTimeZone(client, target);
  const session = new PgSession(client, target, options);
  client.on('error', (e) => session.lost(e)); // never crash the process on a dropped connection
  client.on('notice', () => {}); // NOTICEs (RAISE NOTICE, "already exists, skipping") are not errors

  try {
    await client.connect();
  } catch (e) {
    client.end().catch(() => {});
    const sql = sqlErrorFrom(e);
    if (sql) throw fail(sql.message + hintFor(sql.code, sql.message, target), reasonFor(sql.code), sql.code);
    const { reason, kind, code } = describeNetworkError(e, target);
    throw fail(reason, kind, code);
  }
  if (target.defaultSchema !== undefined) {
    try {
      await session.query("SELECT set_config('search_path', $1, false)", [target.defaultSchema]);
    } catch (e) {
      await session.close();
      throw e;
    }
  }
  return session;
}

class PgSession implements Driver {
  readonly kind = 'postgresql' as const;
  readonly description: string;
  private lostError: ConnectionError | undefined;
  private closed = false;

  constructor(
    private readonly client: pg.Client,
    private readonly target: PostgresTarget,
    private readonly options: DriverOptions,
  ) {
    this.description = target.description;
  }

  lost(e: unknown): void {
    if (this.closed || this.lostError) return;
    const sql = sqlErrorFrom(e);
    const why = sql ? `${sql.message} (${sql.code})` : describeNetworkError(e, this.target).reason;
    this.lostError = new ConnectionError(
      `lost connection to ${this.description}: ${scrub(why, this.target)}`,
      'lost',
      sql?.code ?? (e as { code?: string }).code,
    );
  }

  private check(): void {
    if (this.closed) throw new Error(`the connection to ${this.description} is closed`);
    if (this.lostError) throw this.lostError;
  }

  private translate(e: unknown): unknown {
    const sql = sqlErrorFrom(e);
    if (sql) return sql;
    if (this.lostError) return this.lostError;
    if (e instanceof Error && /Connection terminated|not queryable|ECONNRESET|EPIPE|read timeout/i.test(e.message)) {
      this.lost(e);
      return this.lostError ?? e;
    }
    return e;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    this.check();
    try {
      const config = { text: sql, values: normaliseParams(params), queryMode: 'extended' } as pg.QueryConfig;
      const result = await this.client.query(config);
      return { rows: result.rows as T[], rowCount: rowCountOf(result.rowCount, result.rows) };
    } catch (e) {
      throw this.translate(e);
    }
  }

  async execute(sql: string): Promise<void> {
    this.check();
    let result: pg.QueryResult | pg.QueryResult[];
    try {
      result = (await this.client.query(sql)) as pg.QueryResult | pg.QueryResult[];
    } catch (e) {
      throw this.translate(e);
    }
    if (Array.isArray(result) && result.length > 1) {
      throw new Error(
        `execute() takes exactly one statement but was given ${result.length}; they ran as one implicit transaction`,
      );
    }
  }

  async executeTransactions(statements: string[]): Promise<void> {
    this.check();
    // a line break before each `;`: a statement may end in a `--` comment that would swallow it
    const text = statements.join('\n;\n');
    try {
      await this.client.query(text);
    } catch (e) {
      throw this.translate(e);
    }
  }

  async openSession(): Promise<Driver | undefined> {
    this.check();
    return openPg(this.target, this.options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => {});
  }

  async backendPid(): Promise<number> {
    const { rows } = await this.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return rows[0].pid;
  }
}

/**
 * TimeZone as a startup parameter of its own, as pgjdbc sends it: no extra round trip, and connection poolers
 * such as PgBouncer track it (many refuse an `options` parameter). pg has no setting for it, so its startup
 * message is extended; test/db/session-time-zone.test.ts fails if a pg upgrade drops the hook. A TimeZone the
 * user put in the URL's `options` is left to win.
 */
function sendTimeZone(client: pg.Client, target: PostgresTarget): void {
  if (target.options && /timezone/i.test(target.options)) return;
  const startup = client as unknown as { getStartupConf(): Record<string, string> };
  const conf = startup.getStartupConf.bind(client);
  startup.getStartupConf = () => ({ ...conf(), TimeZone: localTimeZone() });
}

// ───────────────────────────── connect errors as one line ─────────────────────────────

function reasonFor(code: string): ConnectionError['reason'] {
  if (code === '3D000') return 'no-database';
  if (code.startsWith('28')) return 'auth';
  return 'rejected';
}

function hintFor(code: string, message: string, target: PostgresTarget): string {
  // pg_hba.conf only allows SSL connections from here ("… no encryption")
  if (code === '28000' && /no encryption/.test(message) && !sslOn(target)) return ' (try sslmode=require)';
  // the server's tz database lacks this machine's zone (pgjdbc fails the same way): TZ picks another
  if (code === '22023' && /"TimeZone"/.test(message)) return ' (the time zone of this machine; set TZ to one the server knows)';
  return '';
}

function sslOn(target: PostgresTarget): boolean {
  return target.ssl.mode === 'require' || target.ssl.mode === 'verify-ca' || target.ssl.mode === 'verify-full';
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describeNetworkError(
  e: unknown,
  target: PostgresTarget,
): { reason: string; kind: ConnectionError['reason']; code?: string } {
  const err = e as Error & { code?: string; errors?: Array<Error & { code?: string }> };
  // Node's happy-eyeballs connect (localhost → ::1 and 127.0.0.1) fails with an AggregateError
  const code = err?.code ?? err?.errors?.find((x) => x.code)?.code;
  const message = err instanceof Error ? err.message || err.errors?.[0]?.message || '' : String(e);
  const socket = target.host.startsWith('/');
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused', kind: 'unreachable', code };
    case 'ENOENT':
      return socket
        ? { reason: `no server socket at ${target.host}/.s.PGSQL.${target.port}`, kind: 'unreachable', code }
        : { reason: message, kind: 'unreachable', code };
    case 'ENOTFOUND':
      return { reason: `unknown host '${target.host}'`, kind: 'unreachable', code };
    case 'EAI_AGAIN':
      return { reason: `cannot resolve host '${target.host}' (DNS unavailable)`, kind: 'unreachable', code };
    case 'ETIMEDOUT':
      return { reason: 'timed out', kind: 'unreachable', code };
    case 'EHOSTUNREACH':
      return { reason: 'host unreachable', kind: 'unreachable', code };
    case 'ENETUNREACH':
      return { reason: 'network unreachable', kind: 'unreachable', code };
    case 'ECONNRESET':
      return { reason: 'the server closed the connection', kind: 'unreachable', code };
    case 'EACCES':
      return { reason: `permission denied${socket ? ` on ${target.host}` : ''}`, kind: 'unreachable', code };
  }
  if (code && CERT_CODES.has(code)) {
    return {
      reason: `server certificate rejected: ${message} (sslmode=require skips verification; sslrootcert=<file> trusts a CA)`,
      kind: 'ssl',
      code,
    };
  }
  if (/timeout expired|connection timeout/i.test(message)) {
    return { reason: `timed out after ${Math.round(target.connectTimeoutMs / 100) / 10} s`, kind: 'unreachable', code: 'ETIMEDOUT' };
  }
  if (/does not support SSL/i.test(message)) {
    return { reason: 'the server does not support SSL (use sslmode=disable or prefer)', kind: 'ssl', code };
  }
  if (/password must be a string|password must be a non-empty string/i.test(message)) {
    return {
      reason: 'the server asks for a password and none was given (--password, PGPASSWORD or ~/.pgpass)',
      kind: 'auth',
      code: '28P01',
    };
  }
  if (/Connection terminated unexpectedly/i.test(message)) {
    return { reason: 'the server closed the connection', kind: 'unreachable', code };
  }
  return { reason: firstLine(message) || 'unknown error', kind: 'unreachable', code };
}

function firstLine(s: string): string {
  return s.split(/\r?\n/)[0].trim();
}

/** One line, and never the password, whatever a message might echo back. */
function scrub(message: string, target: PostgresTarget): string {
  let out = message.replace(/\s*[\r\n]+\s*/g, ' ');
  if (target.password) out = out.split(target.password).join('***');
  return out;
}

// ───────────────────────────── TLS ─────────────────────────────

function sslConfig(
  target: PostgresTarget,
  fail: (reason: string, kind: ConnectionError['reason']) => ConnectionError,
): false | ConnectionOptions {
  const { mode, rootCert, cert, key } = target.ssl;
  // node-postgres cannot fall back from TLS to plain text, so allow/prefer connect without TLS
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw fail(`cannot read ${what} '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'ssl');
    }
  };
  const config: ConnectionOptions = { rejectUnauthorized: mode !== 'require' };
  if (rootCert && rootCert !== 'system' && mode !== 'require') config.ca = read(rootCert, 'sslrootcert');
  if (cert) config.cert = read(cert, 'sslcert');
  if (key) config.key = read(key, 'sslkey');
  if (mode === 'verify-ca') config.checkServerIdentity = () => undefined;
  return config;
}

// ───────────────────────────── ~/.pgpass ─────────────────────────────

/** libpq's password file: hostname:port:database:username:password, '*' wildcards, '\' escapes. */
function lookupPgpass(target: PostgresTarget): string | undefined {
  const file = target.passfile;
  if (!file) return undefined;
  let text: string;
  try {
    // libpq ignores a password file other users can read
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const host = target.host.startsWith('/') ? 'localhost' : target.host;
  const wanted = [host, String(target.port), target.database, target.user];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = splitPgpassLine(line);
    if (fields.length < 5) continue;
    if (wanted.every((w, i) => fields[i] === '*' || fields[i] === w)) return fields[4];
  }
  return undefined;
}

function splitPgpassLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) current += line[++i];
    else if (c === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields;
}
