import * as os from 'node:os';
import type { Driver } from './driver';
import type { TrackingTables } from './tracking';

export interface LockOptions {
  /** how long to wait for another holder before giving up */
  waitMs: number;
  pollMs?: number;
  /** progress and recovery messages */
  log?: (message: string) => void;
}

export class LockTimeoutError extends Error {}

export interface HeldLock {
  release(): Promise<void>;
}

// 'PGCS' as a 32-bit integer: the first key of the two-key advisory lock; the second is the schema's hash.
const ADVISORY_CLASS = 0x50474353;
const PGCS_MARK = /\[pgcs pid (\d+)\]$/;

/**
 * Holds the change log lock for a whole run, in two layers:
 * - a session-level `pg_advisory_lock`, which PostgreSQL releases by itself when the process or its
 *   connection dies, so a killed pgcs can never leave a lock that blocks the next run;
 * - the DATABASECHANGELOGLOCK row, set and cleared exactly as Liquibase does, so Liquibase waits for pgcs
 *   and pgcs waits for Liquibase.
 * A LOCKED row whose holder is gone (a pgcs whose session no longer exists, or a Liquibase with no live
 * JDBC session on the database) is recovered with a message naming who held it and since when.
 */
export async function acquireLock(driver: Driver, tables: TrackingTables, options: LockOptions): Promise<HeldLock> {
  const poll = options.pollMs ?? 250;
  const deadline = Date.now() + options.waitMs;
  const key = schemaKey(tables.schema);
  let announced = false;

  while (!(await tryAdvisory(driver, key))) {
    if (Date.now() >= deadline) {
      const holder = await advisoryHolder(driver, key);
      throw new LockTimeoutError(`Could not acquire the change log lock within ${seconds(options.waitMs)}: another pgcs run${holder} holds it. Try again when it has finished, or raise --lock-wait.`);
    }
    if (!announced) {
      options.log?.('Waiting for the change log lock: another pgcs run holds it.');
      announced = true;
    }
    await sleep(poll);
  }

  try {
    await tables.ensureLockTable();
    const pid = await driver.backendPid();
    const lockedBy = `${hostIdentity()} [pgcs pid ${pid}]`.slice(0, 255);
    let waitedForLiquibase = false;
    for (;;) {
      const { rowCount } = await driver.query(
        `UPDATE ${tables.lockTable} SET LOCKED = TRUE, LOCKEDBY = $1, LOCKGRANTED = NOW() WHERE ID = 1 AND LOCKED = FALSE`,
        [lockedBy],
      );
      if (rowCount === 1) break;
      const row = await readLockRow(driver, tables);
      if (!row) continue;
      const since = lockGrantedText(row.lockgranted);
      if (await holderIsGone(driver, row.lockedby)) {
        options.log?.(`Recovered a stale change log lock held by ${row.lockedby ?? 'an unknown process'} since ${since}: that process is gone.`);
        await driver.query(`UPDATE ${tables.lockTable} SET LOCKED = FALSE, LOCKEDBY = NULL, LOCKGRANTED = NULL WHERE ID = 1 AND LOCKED = TRUE`);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new LockTimeoutError(`Could not acquire the change log lock within ${seconds(options.waitMs)}: locked by ${row.lockedby ?? 'an unknown process'} since ${since}.`);
      }
      if (!waitedForLiquibase) {
        options.log?.(`Waiting for the change log lock: locked by ${row.lockedby ?? 'an unknown process'} since ${since}.`);
        waitedForLiquibase = true;
      }
      await sleep(poll * 4);
    }
  } catch (error) {
    await unlockAdvisory(driver, key);
    throw error;
  }

  return {
    async release() {
      try {
        await driver.query(`UPDATE ${tables.lockTable} SET LOCKED = FALSE, LOCKEDBY = NULL, LOCKGRANTED = NULL WHERE ID = 1`);
      } finally {
        await unlockAdvisory(driver, key);
      }
    },
  };
}

/** release-locks: clears the row whoever holds it (Liquibase's command does the same). */
export async function releaseLocks(driver: Driver, tables: TrackingTables): Promise<boolean> {
  if (!(await tables.lockTableExists())) return false;
  const { rowCount } = await driver.query(`UPDATE ${tables.lockTable} SET LOCKED = FALSE, LOCKEDBY = NULL, LOCKGRANTED = NULL WHERE ID = 1`);
  return rowCount > 0;
}

/** Who holds the change log lock and since when, as its row says (Liquibase's list-locks); undefined when no one. */
export async function lockHolder(driver: Driver, tables: TrackingTables): Promise<{ lockedBy: string | null; since: string } | undefined> {
  if (!(await tables.lockTableExists())) return undefined;
  const row = await readLockRow(driver, tables);
  return row && { lockedBy: row.lockedby, since: lockGrantedText(row.lockgranted) };
}

async function readLockRow(driver: Driver, tables: TrackingTables) {
  const { rows } = await driver.query<{ locked: boolean; lockedby: string | null; lockgranted: Date | string | null }>(
    `SELECT LOCKED AS locked, LOCKEDBY AS lockedby, LOCKGRANTED AS lockgranted FROM ${tables.lockTable} WHERE ID = 1`,
  );
  return rows[0]?.locked ? rows[0] : undefined;
}

/**
 * We hold the advisory lock, so no other pgcs is running. A row marked by pgcs is therefore stale. A row
 * written by Liquibase (or anything else) is stale only when no other client session is connected to
 * this database that could be it.
 */
async function holderIsGone(driver: Driver, lockedBy: string | null): Promise<boolean> {
  if (driver.kind === 'pglite') return true; // one process at a time holds a PGlite folder
  if (lockedBy && PGCS_MARK.test(lockedBy)) return true;
  const { rows } = await driver.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        AND (application_name ILIKE '%jdbc%' OR application_name ILIKE '%liquibase%')`,
  );
  return Number(rows[0].n) === 0;
}

async function tryAdvisory(driver: Driver, key: number): Promise<boolean> {
  if (driver.kind === 'pglite') return true;
  const { rows } = await driver.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [ADVISORY_CLASS, key]);
  return rows[0].ok === true;
}

async function unlockAdvisory(driver: Driver, key: number): Promise<void> {
  if (driver.kind === 'pglite') return;
  await driver.query('SELECT pg_advisory_unlock($1, $2)', [ADVISORY_CLASS, key]).catch(() => undefined);
}

async function advisoryHolder(driver: Driver, key: number): Promise<string> {
  const { rows } = await driver.query<{ pid: number; backend_start: Date; client_addr: string | null }>(
    `SELECT a.pid, a.backend_start, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.granted LIMIT 1`,
    [ADVISORY_CLASS, key],
  ).catch(() => ({ rows: [] as { pid: number; backend_start: Date; client_addr: string | null }[] }));
  const holder = rows[0];
  return holder ? ` (server process ${holder.pid}${holder.client_addr ? ` from ${holder.client_addr}` : ''}, connected since ${new Date(holder.backend_start).toISOString()})` : '';
}

function schemaKey(schema: string): number {
  let hash = 0;
  for (const ch of schema) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  // pg_locks shows the keys as unsigned oids: keep it positive so the holder query can match it
  return hash & 0x7fffffff;
}

/** Liquibase writes `hostname (address)` to LOCKEDBY. */
function hostIdentity(): string {
  const host = os.hostname();
  const address = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal)?.address ?? '127.0.0.1';
  return `${host} (${address})`;
}

/** LOCKGRANTED as stored (a wall-clock time of the writer's session zone, to the second), never shifted to this machine's zone. */
function lockGrantedText(value: Date | string | null): string {
  if (value === null) return 'an unknown time';
  if (value instanceof Date) return value.toISOString().replace('T', ' ').slice(0, 19);
  return String(value).replace('T', ' ').slice(0, 19);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
