// Where the engine connects: a `ConnectionTarget` parsed from what the user gave (--url, --username,
// --password, PG* environment variables), and the one error type the CLI catches for everything that goes
// wrong before the first statement runs (bad URL, cannot connect, PGlite directory locked).
//
// Accepted URLs:
//   postgres://[user[:password]@][host][:port][/database][?param=value&…]      (also postgresql://)
//   jdbc:postgresql://host[:port][/database][?user=&password=&currentSchema=&ssl=&sslmode=…]
//   jdbc:postgresql:database   jdbc:postgresql:/                                  (pgjdbc's short forms)
//   pglite:<dir>        a PGlite data directory, relative to cwd (created on first use)
//   pglite:memory       a throw-away in-memory PGlite database
//   (no URL at all)     PGlite at <cwd>/.pgcs/pglite
//
// Precedence for each part: --username/--password > the URL > PG* environment variables (PGHOST, PGPORT,
// PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGCONNECT_TIMEOUT, PGPASSFILE; libpq's rules, applied per
// missing part) > libpq's defaults (localhost, 5432, the OS user name, database = user name).
// Nothing here opens a connection or reads a file; the password file is read by the pg driver, lazily,
// only when the server asks for a password.

import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export type ConnectionErrorReason =
  | 'bad-url' // the URL or an option cannot be understood
  | 'auth' // wrong password, no password, no such role, pg_hba rejects us
  | 'no-database' // the database does not exist
  | 'unreachable' // refused, unknown host, no route, timeout
  | 'ssl' // TLS negotiation or certificate problems
  | 'rejected' // the server refused for another reason (too many connections, starting up, …)
  | 'locked' // a PGlite directory is in use by another process
  | 'pglite' // a PGlite directory cannot be opened
  | 'lost'; // an open connection went away

/** Every failure to reach a database, as one line without stack trace or password: print `message`. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    message: string,
    readonly reason: ConnectionErrorReason,
    /** SQLSTATE (e.g. 28P01) or Node error code (e.g. ECONNREFUSED) when there was one */
    readonly code?: string,
  ) {
    super(message);
  }
}

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface SslSettings {
  mode: SslMode;
  /** CA certificate file (absolute), or 'system' for the system's CA store */
  rootCert?: string;
  /** client certificate and key files (absolute) */
  cert?: string;
  key?: string;
}

export interface PostgresTarget {
  kind: 'postgresql';
  /** host name, IP address, or a directory holding the server's Unix socket */
  host: string;
  port: number;
  database: string;
  user: string;
  /** explicit password (flag, URL or PGPASSWORD). Not enumerable: never shows in JSON.stringify or logs. */
  password?: string;
  /** libpq password file consulted when no password is given and the server asks for one */
  passfile?: string;
  ssl: SslSettings;
  /** Liquibase's currentSchema / default schema: becomes the session's search_path */
  defaultSchema?: string;
  applicationName?: string;
  /** libpq `options` (e.g. "-c lock_timeout=5s") */
  options?: string;
  /** bounds the whole login (TCP connect, TLS, authentication); 0 = no limit */
  connectTimeoutMs: number;
  /** user@host:port/database: never contains the password */
  description: string;
  /** things the user gave that we ignore (unknown URL parameters, …): for the CLI to print */
  warnings: string[];
}

export interface PgliteTarget {
  kind: 'pglite';
  /** absolute data directory, or null for an in-memory database */
  dataDir: string | null;
  /** directory for the cached freshly-initialised data directory (see drivers/pglite.ts), null = no cache */
  templateCacheDir: string | null;
  defaultSchema?: string;
  /** pglite:<absolute dir> or pglite:memory */
  description: string;
  warnings: string[];
}

export type ConnectionTarget = PostgresTarget | PgliteTarget;

export interface TargetInput {
  url?: string;
  username?: string;
  password?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const EXPECTED = "expected postgres://…, jdbc:postgresql://… or pglite:<dir>";

export function parseTarget(input: TargetInput): ConnectionTarget {
  const { url, env, cwd } = input;
  if (url === undefined) {
    const target = pgliteTarget(join(cwd, '.pgcs', 'pglite'), env);
    if (input.username !== undefined || input.password !== undefined) {
      target.warnings.push(`--username/--password ignored: no --url given, using ${target.description}`);
    }
    return target;
  }
  const trimmed = url.trim();
  if (trimmed === '') throw badUrl(url, 'the URL is empty');
  if (/^pglite:/i.test(trimmed)) {
    const rest = trimmed.slice('pglite:'.length);
    if (rest === '') throw badUrl(url, "pglite: needs a directory or 'memory'");
    const target = rest.toLowerCase() === 'memory' ? pgliteTarget(null, env) : pgliteTarget(resolvePath(rest, cwd, env), env);
    if (input.username !== undefined || input.password !== undefined) {
      target.warnings.push(`--username/--password ignored for ${target.description}`);
    }
    return target;
  }
  let parts: UrlParts;
  if (/^postgres(ql)?:\/\//i.test(trimmed)) parts = parsePostgresUrl(trimmed, url);
  else if (/^jdbc:postgresql:/i.test(trimmed)) parts = parseJdbcUrl(trimmed, url);
  else if (/^jdbc:/i.test(trimmed)) throw badUrl(url, `only jdbc:postgresql: URLs are supported`);
  else throw badUrl(url, EXPECTED);
  return postgresTarget(parts, input);
}

/** The URL with any password (user:password@, ?password=) replaced by ***, for messages. */
export function redactUrl(url: string): string {
  let out = url;
  const m = /^([a-z][a-z0-9+.:-]*?:\/\/)(.*)$/is.exec(url);
  if (m) {
    const [, scheme, rest] = m;
    const q = rest.search(/[?#]/);
    const before = q < 0 ? rest : rest.slice(0, q);
    const at = before.lastIndexOf('@');
    const colon = at < 0 ? -1 : before.slice(0, at).indexOf(':');
    if (colon >= 0) out = scheme + before.slice(0, colon + 1) + '***' + rest.slice(at);
  }
  return out.replace(/([?&](?:password|sslpassword)=)[^&#]*/gi, '$1***');
}

// ───────────────────────────────────────────── internals ─────────────────────────────────────────────

interface UrlParts {
  user?: string;
  password?: string;
  /** undefined: not in the URL */
  host?: string;
  port?: number;
  database?: string;
  params: Map<string, string>;
  jdbc: boolean;
  original: string;
}

function badUrl(url: string, why: string): ConnectionError {
  return new ConnectionError(`bad URL '${oneLine(redactUrl(url))}': ${why}`, 'bad-url');
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}

function decode(s: string, url: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badUrl(url, `bad percent-encoding in ${what}`);
  }
}

function parseQuery(query: string | undefined, url: string): Map<string, string> {
  const params = new Map<string, string>();
  if (!query) return params;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), url, 'a parameter name');
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1).replace(/\+/g, ' '), url, `parameter '${key}'`);
    params.set(key, value);
  }
  return params;
}

/** host[:port] or [ipv6][:port]; empty → undefined host */
function parseHostPort(hostport: string, url: string): { host?: string; port?: number } {
  if (hostport === '') return {};
  if (hostport.includes(',')) throw badUrl(url, 'several hosts are not supported; give one host');
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw badUrl(url, "unclosed '[' in the host");
    host = hostport.slice(1, close);
    const after = hostport.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw badUrl(url, `unexpected '${after}' after the host`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = hostport.lastIndexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    portText = colon < 0 ? undefined : hostport.slice(colon + 1);
  }
  const port = portText === undefined || portText === '' ? undefined : parsePort(portText, url);
  const decoded = decode(host, url, 'the host');
  return { host: decoded === '' ? undefined : decoded, port };
}

function parsePort(text: string, url: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw badUrl(url, `port '${text}' is not a number from 1 to 65535`);
  }
  return Number(text);
}

function splitQuery(s: string): [string, string | undefined] {
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(0, hash);
  const q = s.indexOf('?');
  return q < 0 ? [s, undefined] : [s.slice(0, q), s.slice(q + 1)];
}

function parsePostgresUrl(text: string, url: string): UrlParts {
  const afterScheme = text.slice(text.indexOf('://') + 3);
  const [beforeQuery, query] = splitQuery(afterScheme);
  // userinfo ends at the last '@' before the query, so an unescaped '@' or '/' in a password still works
  const at = beforeQuery.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : beforeQuery.slice(0, at);
  const rest = at < 0 ? beforeQuery : beforeQuery.slice(at + 1);
  const slash = rest.indexOf('/');
  const hostport = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  const parts: UrlParts = { params: parseQuery(query, url), jdbc: false, original: url };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), url, 'the user name');
    if (user !== '') parts.user = user;
    if (colon >= 0) parts.password = decode(userinfo.slice(colon + 1), url, 'the password');
  }
  Object.assign(parts, parseHostPort(hostport, url));
  if (path !== '') parts.database = decode(path, url, 'the database name');
  return parts;
}

function parseJdbcUrl(text: string, url: string): UrlParts {
  const rest = text.slice('jdbc:postgresql:'.length);
  const [beforeQuery, query] = splitQuery(rest);
  const parts: UrlParts = { params: parseQuery(query, url), jdbc: true, original: url };
  if (beforeQuery.startsWith('//')) {
    const afterSlashes = beforeQuery.slice(2);
    // pgjdbc itself does not accept user:password@ here; we do, for URLs copied from elsewhere
    const at = afterSlashes.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = afterSlashes.slice(0, at);
      const colon = userinfo.indexOf(':');
      const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), url, 'the user name');
      if (user !== '') parts.user = user;
      if (colon >= 0) parts.password = decode(userinfo.slice(colon + 1), url, 'the password');
    }
    const authorityAndPath = afterSlashes.slice(at + 1);
    const slash = authorityAndPath.indexOf('/');
    const authority = slash < 0 ? authorityAndPath : authorityAndPath.slice(0, slash);
    const path = slash < 0 ? '' : authorityAndPath.slice(slash + 1);
    Object.assign(parts, parseHostPort(authority, url));
    if (path !== '') parts.database = decode(path, url, 'the database name');
  } else if (beforeQuery === '/' || beforeQuery === '') {
    // jdbc:postgresql:/ → localhost:5432, default database
  } else if (!beforeQuery.includes('/')) {
    parts.database = decode(beforeQuery, url, 'the database name'); // jdbc:postgresql:database
  } else {
    throw badUrl(url, 'expected jdbc:postgresql://host[:port]/database');
  }
  return parts;
}

// URL parameters we understand, by lower-cased name (libpq's and pgjdbc's spellings)
const KNOWN_PARAMS = new Set([
  'user', 'password', 'host', 'port', 'dbname', 'currentschema', 'sslmode', 'ssl', 'sslrootcert', 'sslcert',
  'sslkey', 'sslfactory', 'application_name', 'applicationname', 'connect_timeout', 'connecttimeout',
  'logintimeout', 'options',
]);

function postgresTarget(parts: UrlParts, input: TargetInput): PostgresTarget {
  const { env, cwd } = input;
  const url = parts.original;
  const p = (name: string): string | undefined => {
    for (const [k, v] of parts.params) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  const warnings: string[] = [];
  for (const key of parts.params.keys()) {
    if (!KNOWN_PARAMS.has(key.toLowerCase())) warnings.push(`URL parameter '${key}' ignored`);
  }

  // host: URL authority, ?host= (libpq, e.g. a socket directory), PGHOST, localhost
  const hostParam = p('host');
  const host = parts.host ?? (hostParam || undefined) ?? (env.PGHOST || undefined) ?? 'localhost';
  if (host.includes(',')) throw badUrl(url, 'several hosts are not supported; give one host');
  const portParam = p('port');
  const port = parts.port ?? (portParam ? parsePort(portParam, url) : undefined) ?? envPort(env) ?? 5432;

  const user =
    nonEmpty(input.username) ?? parts.user ?? nonEmpty(p('user')) ?? nonEmpty(env.PGUSER) ?? osUserName(env);
  const password = input.password ?? parts.password ?? p('password') ?? nonEmpty(env.PGPASSWORD);
  const database = parts.database ?? nonEmpty(p('dbname')) ?? nonEmpty(env.PGDATABASE) ?? user;

  const ssl = sslSettings(p, env, cwd, url);
  const timeoutText = p('connect_timeout') ?? p('connecttimeout') ?? p('logintimeout') ?? env.PGCONNECT_TIMEOUT;
  let connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  if (timeoutText !== undefined && timeoutText !== '') {
    if (!/^-?\d+$/.test(timeoutText)) throw badUrl(url, `connect timeout '${timeoutText}' is not a number of seconds`);
    // libpq and pgjdbc: zero or negative waits indefinitely, and someone who writes it means it. Unset keeps
    // our default instead, so a CI job against a black-holed host fails rather than hanging until its own timeout.
    connectTimeoutMs = Math.max(0, Number(timeoutText) * 1000);
  }
  const home = env.HOME || env.USERPROFILE || safeHomedir();
  const passfile = env.PGPASSFILE
    ? resolve(cwd, env.PGPASSFILE)
    : home
      ? process.platform === 'win32' && env.APPDATA
        ? join(env.APPDATA, 'postgresql', 'pgpass.conf')
        : join(home, '.pgpass')
      : undefined;

  const hostForDescription = host.includes(':') && !host.startsWith('/') ? `[${host}]` : host;
  const target: PostgresTarget = {
    kind: 'postgresql',
    host,
    port,
    database,
    user,
    passfile,
    ssl,
    defaultSchema: nonEmpty(p('currentschema')),
    applicationName: nonEmpty(p('application_name') ?? p('applicationname')),
    options: nonEmpty(p('options')),
    connectTimeoutMs,
    description: `${user}@${hostForDescription}:${port}/${database}`,
    warnings,
  };
  if (password !== undefined) {
    Object.defineProperty(target, 'password', { value: password, enumerable: false, writable: false });
  }
  return target;
}

function sslSettings(
  p: (name: string) => string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
  url: string,
): SslSettings {
  const modes: SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
  let mode: SslMode | undefined;
  const sslmode = p('sslmode');
  if (sslmode !== undefined) {
    if (!modes.includes(sslmode as SslMode)) {
      throw badUrl(url, `sslmode '${sslmode}' is not one of ${modes.join(', ')}`);
    }
    mode = sslmode as SslMode;
  }
  const sslParam = p('ssl');
  if (mode === undefined && sslParam !== undefined) {
    const v = sslParam.toLowerCase();
    // pgjdbc: ssl=true means verify-full; node-postgres means the same (verified TLS)
    if (v === '' || v === 'true' || v === '1') mode = 'verify-full';
    else if (v === 'false' || v === '0') mode = 'disable';
    else if (v === 'no-verify') mode = 'require';
    else throw badUrl(url, `ssl '${sslParam}' is not true or false`);
  }
  const factory = p('sslfactory');
  if (factory !== undefined && /NonValidatingFactory$/.test(factory)) {
    mode = mode === undefined || mode === 'verify-ca' || mode === 'verify-full' ? 'require' : mode;
  }
  if (mode === undefined && env.PGSSLMODE) {
    if (!modes.includes(env.PGSSLMODE as SslMode)) {
      throw new ConnectionError(`bad PGSSLMODE '${env.PGSSLMODE}': expected one of ${modes.join(', ')}`, 'bad-url');
    }
    mode = env.PGSSLMODE as SslMode;
  }
  const file = (v: string | undefined) => (v ? (v === 'system' ? v : resolve(cwd, v)) : undefined);
  const rootCert = file(p('sslrootcert') ?? env.PGSSLROOTCERT);
  // libpq: require with a root certificate behaves like verify-ca; sslrootcert=system implies verify-full
  if (rootCert === 'system' && (mode === undefined || mode === 'prefer' || mode === 'require')) mode = 'verify-full';
  else if (rootCert !== undefined && mode === 'require') mode = 'verify-ca';
  return {
    mode: mode ?? 'prefer',
    rootCert,
    cert: file(p('sslcert') ?? env.PGSSLCERT),
    key: file(p('sslkey') ?? env.PGSSLKEY),
  };
}

function envPort(env: Record<string, string | undefined>): number | undefined {
  if (!env.PGPORT) return undefined;
  if (!/^\d{1,5}$/.test(env.PGPORT) || Number(env.PGPORT) < 1 || Number(env.PGPORT) > 65535) {
    throw new ConnectionError(`bad PGPORT '${env.PGPORT}': expected a number from 1 to 65535`, 'bad-url');
  }
  return Number(env.PGPORT);
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

function osUserName(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.USERNAME || 'postgres';
  }
}

function safeHomedir(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}

function resolvePath(path: string, cwd: string, env: Record<string, string | undefined>): string {
  if (path === '~' || path.startsWith('~/')) {
    const home = env.HOME || safeHomedir();
    if (home) return join(home, path.slice(1));
  }
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

function pgliteTarget(dataDir: string | null, env: Record<string, string | undefined>): PgliteTarget {
  return {
    kind: 'pglite',
    dataDir,
    templateCacheDir: templateCacheDir(env),
    description: dataDir === null ? 'pglite:memory' : `pglite:${dataDir}`,
    warnings: [],
  };
}

/**
 * Where the PGlite template (a freshly initialised data directory, see drivers/pglite.ts) is cached:
 * PGCS_PGLITE_CACHE (a directory, or 'off'), else $XDG_CACHE_HOME/pg-changesets, ~/.cache/pg-changesets,
 * or %LOCALAPPDATA%\pg-changesets on Windows.
 */
function templateCacheDir(env: Record<string, string | undefined>): string | null {
  const explicit = env.PGCS_PGLITE_CACHE;
  if (explicit !== undefined && explicit !== '') {
    return /^(off|0|false|no|none)$/i.test(explicit) ? null : resolve(explicit);
  }
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'pg-changesets');
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'pg-changesets');
  const home = env.HOME || safeHomedir();
  return home ? join(home, '.cache', 'pg-changesets') : null;
}
