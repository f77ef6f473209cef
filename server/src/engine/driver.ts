// The one interface the engine talks to, whichever database is behind it: a real PostgreSQL server through
// `pg` (drivers/pg.ts) or PGlite, PostgreSQL 18 compiled to WASM running in this process (drivers/pglite.ts).
//
// Both drivers return the same JavaScript values for the same SQL:
//   int8 (bigint, count(*))           number, or BigInt beyond ±2^53 (PGlite's own rule, applied to pg too)
//   numeric                           string
//   date, time, timestamp, timestamptz string exactly as PostgreSQL prints it (ISO DateStyle); no Date
//                                     objects, so a `timestamp without time zone` such as DATEEXECUTED is
//                                     never shifted by the client's time zone
//   json/jsonb                        parsed; bool → boolean; int2/int4/float → number; bytea → Uint8Array
// Date parameters are sent as ISO-8601 UTC strings by both. Use SQL (now(), LOCALTIMESTAMP) for
// DATEEXECUTED, as Liquibase does.
//
// Errors: a statement the server rejects throws `SqlError` (SQLSTATE `code`, server `message`, `position`, …)
// from both drivers; failures to reach or keep the database throw `ConnectionError` (connection-url.ts).

import type { ConnectionTarget } from './connection-url';

export { ConnectionError } from './connection-url';
export type { ConnectionTarget } from './connection-url';

export interface QueryResult<T> {
  rows: T[];
  /** rows returned (SELECT) or affected (INSERT/UPDATE/DELETE/MERGE); 0 for DDL */
  rowCount: number;
}

export interface Driver {
  readonly kind: 'postgresql' | 'pglite';
  /** for messages and the DATABASECHANGELOG lock row: never contains a password */
  readonly description: string;
  /**
   * One statement with optional $1… parameters, through the extended query protocol in both drivers: a text
   * with several statements is rejected by the server (42601) before any of it runs.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /**
   * Run one SQL statement text exactly as given, no parameters (simple query protocol for pg; PGlite: exec).
   * Exactly ONE statement per call: the caller splits changeset SQL first. Both PostgreSQL and PGlite run a
   * multi-statement text as one implicit transaction, which is not how Liquibase runs a changeset, so if the
   * server reports more than one statement this throws (after the fact: they have run) to make the mistake
   * loud. `BEGIN`/`COMMIT`/`ROLLBACK` through execute control the session's transaction.
   */
  execute(sql: string): Promise<void>;
  /**
   * Optional: sends whole transactions the caller wrote (`BEGIN`, statements, `COMMIT`, and maybe more of those)
   * in ONE round trip (pg: one simple-query string). The statements run in order and the first error stops the
   * rest: the transactions before it stay committed, the failing one is left aborted for the caller to roll back.
   * The error does not say which statement it came from: the caller finds out by running them one by one.
   * Never for statements outside BEGIN … COMMIT: PostgreSQL would run them as one implicit transaction. PGlite
   * has none (it runs in this process, so a round trip costs nothing there).
   */
  executeTransactions?(statements: string[]): Promise<void>;
  /**
   * A second, independent session on the same database (pg: a new connection with the same options, e.g. to
   * see another session's advisory lock or to wait on a lock; PGlite: not possible, undefined).
   */
  openSession(): Promise<Driver | undefined>;
  /** Ends the session. PGlite: also shuts the database down and releases the data directory's lock. */
  close(): Promise<void>;
  /** the server process id of this session (pg_backend_pid()) */
  backendPid(): Promise<number>;
}

export interface DriverOptions {
  /** shown in pg_stat_activity (a URL's application_name/ApplicationName wins) */
  applicationName?: string;
  /** statement_timeout for the session (pg: enforced by the server; PGlite: set, but PGlite cannot enforce it) */
  statementTimeoutMs?: number;
  /** PGlite data directories: how long to wait for another process to release the directory (default 60 s) */
  lockTimeoutMs?: number;
  /** PGlite data directories: called once when another process holds the directory and we start waiting */
  onLockWait?: (message: string) => void;
  /** PGlite data directories: called when the lock of a process that is gone is taken over, naming who held it since when */
  onLockRecovered?: (message: string) => void;
}

/** A statement the server rejected. `message` is the server's primary message, unchanged. */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  /** SQLSTATE, e.g. 42P01 */
  readonly code: string;
  readonly severity?: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character offset of the error in the statement text */
  readonly position?: number;
  /** 1-based offset inside `internalQuery` (errors inside a PL/pgSQL body or generated SQL) */
  readonly internalPosition?: number;
  readonly internalQuery?: string;
  /** context (PL/pgSQL call stack) */
  readonly where?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;

  constructor(fields: SqlErrorFields) {
    super(fields.message);
    this.code = fields.code;
    const optional = ['severity', 'detail', 'hint', 'internalQuery', 'where', 'schema', 'table', 'column', 'constraint'] as const;
    for (const key of optional) if (fields[key] !== undefined && fields[key] !== '') (this as Record<string, unknown>)[key] = fields[key];
    const pos = toInt(fields.position);
    if (pos !== undefined) this.position = pos;
    const ipos = toInt(fields.internalPosition);
    if (ipos !== undefined) this.internalPosition = ipos;
  }
}

export interface SqlErrorFields {
  message: string;
  code: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string | number;
  internalPosition?: string | number;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** The server's error fields, if `e` is an error reported by PostgreSQL (pg's DatabaseError, PGlite's). */
export function sqlErrorFrom(e: unknown): SqlError | undefined {
  if (!(e instanceof Error)) return undefined;
  const f = e as Error & Partial<Record<keyof SqlErrorFields | 'dataType', unknown>>;
  if (typeof f.code !== 'string' || !/^[0-9A-Z]{5}$/.test(f.code) || typeof f.severity !== 'string') return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return new SqlError({
    message: e.message,
    code: f.code,
    severity: str(f.severity),
    detail: str(f.detail),
    hint: str(f.hint),
    position: f.position as string | undefined,
    internalPosition: f.internalPosition as string | undefined,
    internalQuery: str(f.internalQuery),
    where: str(f.where),
    schema: str(f.schema),
    table: str(f.table),
    column: str(f.column),
    constraint: str(f.constraint),
  });
}

export async function openDriver(target: ConnectionTarget, options: DriverOptions = {}): Promise<Driver> {
  if (target.kind === 'postgresql') {
    // `pg` decides when it is loaded whether it runs on Cloudflare Workers: without a `navigator` (Node before 21)
    // it builds a fetch Response to find out, which loads all of Node's fetch (undici), a good part of a short
    // command's time. A `navigator` saying Node.js answers first; it goes once pg is loaded (PGlite, for one,
    // would take it for a browser's).
    const global = globalThis as { navigator?: unknown };
    let lend = false;
    try {
      if (global.navigator === undefined) {
        global.navigator = { userAgent: `Node.js/${process.version.slice(1)}` };
        lend = true;
      }
    } catch {
      // a host that guards the global (VS Code's extension host does) keeps its own: pg then loads the slow way
    }
    let openPg: typeof import('./drivers/pg').openPg;
    try {
      ({ openPg } = await import('./drivers/pg'));
    } finally {
      if (lend) delete global.navigator;
    }
    return openPg(target, options);
  }
  const { openPglite } = await import('./drivers/pglite');
  return openPglite(target, options);
}

// ───────────────────────── shared by both drivers: value conversion ─────────────────────────

/** Parsers for text-format values by type OID, so both drivers return the same JavaScript values. */
export const TYPE_PARSERS: Record<number, (text: string) => unknown> = {
  20: parseInt8, // int8
  1082: asText, // date
  1083: asText, // time
  1114: asText, // timestamp
  1184: asText, // timestamptz
  1266: asText, // timetz
  1186: asText, // interval
  1700: asText, // numeric
};

function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function asText(text: string): string {
  return text;
}

/** Parameters as both drivers should send them: Dates as ISO-8601 UTC, bigint as text. */
export function normaliseParams(params: unknown[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((p) => (p instanceof Date ? p.toISOString() : typeof p === 'bigint' ? p.toString() : p));
}

/** rowCount from a command tag's count when there is one, else the rows returned. */
export function rowCountOf(count: number | null | undefined, rows: unknown[]): number {
  return typeof count === 'number' ? count : rows.length;
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
