import * as nodePath from 'node:path';
import type { Change, Changelog, Changeset, Preconditions, SqlText } from '../changelog/model';
import { changeApplies, changesetSqlContext, forwardStatements, type KeptSql, NoRollbackError, PlannedStatement, rollbackStatements, SqlContext } from './changeset-sql';
import { type Driver, SqlError } from './driver';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { RunFilter, shouldRun } from './filters';
import { acquireLock, HeldLock } from './lock';
import { ChecksumMemo, checksumErrors, identity, makePlan, Plan, PlannedChangeset } from './plan';
import { checkAll, PreconditionError, PreconditionFailed } from './preconditions';
import { commentsOf, contextsOf, descriptionOf, labelsOf } from './tracking-columns';
import { parsedSql, sqlRange } from '../sql/analyse';
import { executionParse, type KeptParses, parsedForRun } from '../sql/kept-parses';
import { initSqlParser } from '../sql/statements';
import { AppliedRow, ExecType, identityOf, newDeploymentId, NewRow, TrackingNames, TrackingTables } from './tracking';

export interface EngineSettings {
  /** where DATABASECHANGELOG lives (--liquibase-schema-name); default: the connection's current schema */
  liquibaseSchema?: string;
  /** the tracking tables' names, when not DATABASECHANGELOG and DATABASECHANGELOGLOCK */
  trackingNames?: TrackingNames;
  /** --default-schema-name: the schema changes run in */
  defaultSchema?: string;
  filter: RunFilter;
  lockWaitMs: number;
  /** SET lock_timeout before each changeset */
  lockTimeoutMs: number;
  /** how often a changeset that failed on lock_timeout is tried again (only when in its own transaction) */
  lockRetries: number;
  statementTimeoutMs?: number;
  /** -D parameters and changelog properties, for changeLogPropertyDefined */
  property?: (name: string) => string | undefined;
  log: (message: string) => void;
  /** checksums kept from earlier runs (the CLI's store of parsed files); new ones are given to it */
  keptChecksums?: ChecksumMemo;
  /** built-in changes' SQL kept from earlier runs (the same store); SQL generated now is given to it */
  keptSql?: KeptSql;
  /** called once, when an update has sent its last stretch of changesets and waits for the server to run it */
  whileLastStretchRuns?: () => void;
  /**
   * SQL parses kept between runs (the CLI's): an update parses only SQL it has no parse of, loading the parser then.
   * Without them the parser must be loaded before an update.
   */
  keptParses?: Pick<KeptParses, 'take'>;
  /**
   * The session's tracking tables and the applied rows, read (readTrackingState) before the changelog was loaded: the
   * first plan() takes these rows. A command that writes reads them again once it holds the lock.
   */
  readEarly?: Promise<TrackingState>;
}

/** the tracking tables of a session (where DATABASECHANGELOG is, the schema changes run in) and its applied rows */
export interface TrackingState {
  tables: TrackingTables;
  defaultSchema: string;
  rows?: AppliedRow[];
}

/**
 * Where a session's tracking tables are and which schema its changes run in, and, with `rows`, the applied rows:
 * nothing of it needs the changelog, so the CLI reads it while the changelog loads. Writes nothing.
 */
export async function readTrackingState(driver: Driver, settings: Pick<EngineSettings, 'defaultSchema' | 'liquibaseSchema' | 'trackingNames'>, { rows = false } = {}): Promise<TrackingState> {
  if (settings.defaultSchema) await driver.execute(`SET search_path TO ${quoteIdent(settings.defaultSchema)}, "$user", public`);
  // Liquibase qualifies generated names with the default schema (public.items): use the session's. In the same
  // round trip on PostgreSQL: if this process dies in the middle of a long statement, the server would otherwise
  // run it to the end before noticing, keeping the changeset's transaction, its locks and our advisory lock
  // meanwhile; PostgreSQL 14+ checks the client is still there while a statement runs (older servers have no
  // such setting: the subquery finds no row).
  const { rows: current } = await driver.query<{ schema: string | null }>(
    driver.kind === 'postgresql'
      ? "SELECT current_schema() AS schema, (SELECT set_config(name, '1000', false) FROM pg_settings WHERE name = 'client_connection_check_interval') AS check_interval"
      : 'SELECT current_schema() AS schema',
  );
  const schema = settings.liquibaseSchema ?? current[0]?.schema ?? 'public';
  const tables = new TrackingTables(driver, schema, settings.trackingNames);
  return { tables, defaultSchema: settings.defaultSchema ?? current[0]?.schema ?? schema, ...(rows ? { rows: await tables.readApplied() } : {}) };
}

/** A failure the user must see as one line, with the file and line of what failed. */
export class EngineError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface RunResult {
  ran: { changeset: Changeset; execType: ExecType }[];
  skipped: { changeset: Changeset; reason: string }[];
}

const LOCK_NOT_AVAILABLE = '55P03';
const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const TRANSACTION_CONTROL = /^(?:BEGIN|START\s+TRANSACTION|COMMIT|END|ABORT|ROLLBACK(?!\s+(?:WORK\s+|TRANSACTION\s+)?TO\b)|PREPARE\s+TRANSACTION)\b/i;
const STRING_SYNTAX_SETTINGS = /standard_conforming_strings|backslash_quote/i;
/** at most this many changesets, and about this much SQL, in one round trip */
const STRETCH_CHANGESETS = 100;
/** the first stretch of a run is shorter: the server starts on it sooner, and the next is built while it runs */
const FIRST_STRETCH_CHANGESETS = 20;
const STRETCH_CHARACTERS = 1 << 20;

/** changelog-sync's reach: up to the changeset that tags `toTag`, or `count` changesets (mark-next-changeset-ran: 1) */
interface SyncOptions {
  toTag?: string;
  count?: number;
}

/** The pending changesets changelog-sync marks as executed, in run order. */
function toSync(plan: Plan, options: SyncOptions): PlannedChangeset[] {
  const out: PlannedChangeset[] = [];
  for (const item of plan.changesets) {
    if (!item.selected || item.state !== 'pending') continue;
    out.push(item);
    if (options.toTag && tagOf(item.changeset) === options.toTag) break;
    if (options.count !== undefined && out.length >= options.count) break;
  }
  return out;
}

function tagOf(changeset: Changeset): unknown {
  return changeset.changes.find((c) => c.type === 'tagDatabase')?.params.tag?.value;
}

export interface UpdateOptions {
  count?: number;
  toTag?: string;
  /** the identity (file::id::author) of the one changeset to run */
  only?: string;
}

/** what a rollback undoes: the last `count`, everything after `tag` or `date`, or one `changeset` (its identity) */
export interface RollbackSelection {
  count?: number;
  tag?: string;
  date?: Date;
  changeset?: string;
}

function isOnly(item: PlannedChangeset, options: UpdateOptions): boolean {
  return options.only === undefined || identity(item.changeset) === options.only;
}

/**
 * Applies, rolls back and reports changesets on one database. The engine only knows the Driver interface,
 * never whether it talks to PostgreSQL or PGlite.
 */
/**
 * A changeset sent in one text commits without waiting for its WAL to reach disk: waiting once per changeset is
 * most of an update's time (one fsync each). Atomicity is untouched (a changeset and its row are one transaction,
 * and a crash loses whole transactions from the end, never part of one), and nothing is reported done before it
 * is durable: the lock row's release at the end of every run is an ordinary commit, which waits for the WAL up to
 * itself, so for every changeset before it, on this server and on synchronous standbys. A run killed before that
 * release may lose its last changesets together with their rows; the next update runs them again.
 */
const ASYNC_COMMIT = 'SET LOCAL synchronous_commit = off';
/** the same for a whole stretch of changesets, each its own transaction (reset at the stretch's end) */
const SESSION_ASYNC_COMMIT = 'SET synchronous_commit = off';

/** A stretch (items[start…]) ready to send: its transactions' text and the rows they record. */
interface BuiltStretch {
  start: number;
  stretch: PlannedChangeset[];
  texts: string[];
  recorded: { item: PlannedChangeset; execType: ExecType; row: NewRow; order: number }[];
}

/** Whether running `change` may parse SQL on this thread: SQL with no parse kept, or given as a parameter (rawSql). */
function needsParser(change: Change): boolean {
  if (!changeApplies(change)) return false;
  // a text with carriage returns runs without them, parsed as such (changeset-sql.ts, executedText)
  if (change.sql) return !parsedForRun(change.sql) || change.sql.text.includes('\r');
  return change.type === 'sql' || change.type === 'sqlFile';
}

export class Engine {
  private tables!: TrackingTables;
  private serverVersion?: number;
  private readonly checksums: ChecksumMemo;
  private readonly sqlContext: SqlContext;
  /** whether a stretch sets its timeouts and asynchronous commit once for the session instead of in each changeset */
  private stretchSetsSession = false;
  private initialising?: Promise<TrackingTables>;
  /** the applied rows read with the tracking state before this engine was made, for the first plan() */
  private earlyRows: AppliedRow[] | undefined;
  readonly deploymentId = newDeploymentId();

  constructor(readonly driver: Driver, private readonly changelog: Changelog, private readonly settings: EngineSettings) {
    this.sqlContext = { ...changesetSqlContext(changelog, settings.defaultSchema), keptSql: settings.keptSql };
    const made = new Map<Changeset, string>();
    const kept = settings.keptChecksums;
    this.checksums = {
      get: (changeset) => made.get(changeset) ?? kept?.get(changeset),
      set: (changeset, checksum) => {
        made.set(changeset, checksum);
        kept?.set(changeset, checksum);
      },
    };
  }

  private init(): Promise<TrackingTables> {
    this.initialising ??= (this.settings.readEarly ?? readTrackingState(this.driver, this.settings)).then((state) => {
      this.earlyRows = state.rows;
      this.tables = state.tables;
      this.sqlContext.defaultSchema = state.defaultSchema;
      return state.tables;
    });
    return this.initialising;
  }

  async plan(): Promise<Plan> {
    const tables = await this.init();
    const early = this.earlyRows;
    this.earlyRows = undefined;
    return makePlan(this.changelog, early ?? (await tables.readApplied()), this.settings.filter, this.checksums);
  }

  private async withLock<T>(work: (tables: TrackingTables) => Promise<T>): Promise<T> {
    const tables = await this.init();
    const lock: HeldLock = await acquireLock(this.driver, tables, { waitMs: this.settings.lockWaitMs, log: this.settings.log });
    try {
      await tables.ensureChangelogTable();
      return await work(tables);
    } finally {
      await lock.release().catch((error) => this.settings.log(`Could not release the change log lock: ${(error as Error).message}`));
    }
  }

  // ---- update ------------------------------------------------------------------------------------------

  /**
   * update, update-count (count), update-to-tag (toTag); `only` (an identity, file::id::author) runs that one
   * changeset and nothing else, for the editor's "Apply Changeset", whatever comes before it.
   */
  async update(options: UpdateOptions = {}): Promise<RunResult> {
    // before the lock, which creates the tracking tables: SQL that cannot run leaves the database untouched
    // (what is pending can only shrink until the lock is ours, so this covers what will run)
    const planning = this.plan();
    const candidates = this.changelog.changesets.filter((c) => shouldRun(c, this.settings.filter)).flatMap((c) => c.changes.filter((change) => change.sql && changeApplies(change)).map((change) => change.sql!));
    const unparsed = this.settings.keptParses ? this.settings.keptParses.take(candidates) : candidates;
    if (unparsed.length) {
      await initSqlParser();
      await this.parseWhileWaiting(planning, unparsed);
    }
    const pending = (await planning).changesets.filter((p) => p.selected && (p.state === 'pending' || p.state === 'rerun') && isOnly(p, options));
    const changes = pending.flatMap((p) => p.changeset.changes);
    if (changes.some(needsParser)) await initSqlParser();
    this.checkSyntax(changes);
    // Liquibase validates every changeset before running any: a change it cannot generate stops the update
    // (what is generated here is what runs: the default schema it depends on is known by now)
    const generated = new Map<Changeset, PlannedStatement[]>();
    for (const item of pending) {
      try {
        generated.set(item.changeset, forwardStatements(item.changeset, this.sqlContext));
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw new EngineError(`${displayPath(item.changeset.file)}:${item.changeset.headerRange.start.line + 1}: changeset ${identity(item.changeset)}: ${(error as Error).message}; nothing was done.`);
      }
    }
    return this.withLock(async (tables) => {
      const plan = makePlan(this.changelog, await tables.readApplied(), this.settings.filter, this.checksums);
      this.validatePlan(plan);
      const result: RunResult = { ran: [], skipped: [] };
      await this.checkChangelogPreconditions(plan);
      let order = await tables.maxOrderExecuted();
      const touched = sessionStateTouched(generated);
      if (this.driver.executeTransactions && !touched.preparedStatements) await tables.prepareRecording();
      this.stretchSetsSession = !touched.settings;
      let remaining = options.count ?? Infinity;
      const items = plan.changesets;
      /** the changeset that failed in a stretch: it runs again alone, to name the failing statement */
      let alone: PlannedChangeset | undefined;
      /** the stretch after the one being sent, built while the server ran that one */
      let next: BuiltStretch | undefined;
      let lastStretchSent = false;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (remaining <= 0) break;
        if (options.toTag && item.row?.tag === options.toTag) break;
        if (!item.selected || !isOnly(item, options)) continue;
        if (item.state === 'checksum-cleared' || item.state === 'checksum-upgrade') {
          if (item.state === 'checksum-upgrade') this.settings.log(`Upgrading checksum for Changeset ${identity(item.changeset)} from ${item.row!.md5sum} to ${item.checksum}.`);
          await tables.updateChecksum(item.row!, item.checksum);
          continue;
        }
        if (item.state !== 'pending' && item.state !== 'rerun') continue;
        if (item !== alone) {
          const limit = result.ran.length === 0 ? FIRST_STRETCH_CHANGESETS : STRETCH_CHANGESETS;
          const built = next?.start === i ? next : this.buildStretch(await this.stretchFrom(items, i, Math.min(remaining, limit), options, generated), i, tables, order, generated);
          next = undefined;
          const stretch = built.stretch;
          if (stretch.length > 1) {
            const sending = this.sendStretch(built, tables, order, plan.rows);
            sending.catch(() => undefined); // awaited below; a failure meanwhile is not an unhandled rejection
            // the server runs this stretch meanwhile: the next one is built now, for the case it commits whole
            const after = i + stretch.length;
            const tagged = options.toTag !== undefined && tagOf(stretch[stretch.length - 1].changeset) === options.toTag;
            if (after < items.length && remaining > stretch.length && !tagged) {
              next = await this.stretchFrom(items, after, remaining - stretch.length, options, generated).then(
                (following) => this.buildStretch(following, after, tables, order + stretch.length, generated),
                () => undefined, // built again when its turn comes, which reports the error then
              );
            }
            if (!next && !lastStretchSent) {
              lastStretchSent = true;
              this.settings.whileLastStretchRuns?.();
            }
            const committed = await sending;
            if (committed < stretch.length) next = undefined;
            order += committed;
            remaining -= committed;
            for (const done of stretch.slice(0, committed)) result.ran.push({ changeset: done.changeset, execType: done.state === 'rerun' ? 'RERAN' : 'EXECUTED' });
            if (committed < stretch.length) alone = stretch[committed];
            else if (options.toTag && tagOf(stretch[stretch.length - 1].changeset) === options.toTag) break;
            // on with the first changeset the stretch did not commit (the loop's i++ comes first)
            i += committed - 1;
            continue;
          }
        }
        const execType = await this.apply(item, tables, order + 1, plan.rows, generated);
        if (execType === undefined) continue;
        order++;
        result.ran.push({ changeset: item.changeset, execType });
        remaining--;
        const tag = item.changeset.changes.find((c) => c.type === 'tagDatabase')?.params.tag?.value;
        if (options.toTag && tag === options.toTag) break;
      }
      return result;
    });
  }

  /**
   * Runs one changeset: preconditions, its statements in one transaction (unless runInTransaction: false), then its
   * row, with ORDEREXECUTED `order` (a changeset that does not run leaves that number to the next, as in Liquibase).
   */
  private async apply(item: PlannedChangeset, tables: TrackingTables, order: number, rows: AppliedRow[], generated?: Map<Changeset, PlannedStatement[]>): Promise<ExecType | undefined> {
    const changeset = item.changeset;
    let execType: ExecType = item.state === 'rerun' ? 'RERAN' : 'EXECUTED';
    const verdict = await this.checkPreconditions(changeset.preconditions, rows, changeset);
    if (verdict === 'skip') return undefined;
    if (verdict === 'mark-ran') execType = 'MARK_RAN';
    const statements = execType === 'MARK_RAN' ? [] : (generated?.get(changeset) ?? forwardStatements(changeset, this.sqlContext));
    const row = this.rowFor(changeset, item.checksum, execType);
    const inTransaction = changeset.attributes.runInTransaction !== false;
    // One round trip for the whole transaction while that works; once it has failed, statement by statement,
    // so that the error names the statement (the failed round trip was rolled back whole: nothing to undo).
    let whole = inTransaction && (await this.canSendWhole(statements));
    this.settings.log(`Running Changeset: ${identity(changeset)}`);
    for (let attempt = 0; ; attempt++) {
      try {
        if (whole) {
          const failure = await this.sendWhole(statements, tables.recordSqlInline(row, order, item.row !== undefined && execType === 'RERAN'));
          if (failure === undefined) {
            rows.push({ id: row.id, author: row.author, filename: row.filename, exectype: execType } as AppliedRow);
            return execType;
          }
          // waiting for a lock is worth another whole try; anything else is looked for statement by statement now
          if (failure.code === LOCK_NOT_AVAILABLE && attempt < this.settings.lockRetries) throw failure;
          whole = false;
        }
        if (inTransaction) {
          // The row is written in the changeset's own transaction: a crash leaves both or neither.
          await this.inTransaction(async () => {
            await this.setTimeouts(true);
            for (const statement of statements) await this.run(statement, changeset, true);
            await this.record(tables, row, item, order);
          });
        } else {
          await this.setTimeouts(false);
          for (const statement of statements) await this.run(statement, changeset, false);
          await this.record(tables, row, item, order);
        }
        // a later changeSetExecuted precondition in this same run sees this changeset as executed, as in Liquibase
        rows.push({ id: row.id, author: row.author, filename: row.filename, exectype: execType } as AppliedRow);
        return execType;
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
        if (code === LOCK_NOT_AVAILABLE && inTransaction && attempt < this.settings.lockRetries) {
          const wait = Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
          this.settings.log(`Changeset ${identity(changeset)} waited longer than lock_timeout for a lock; trying again in ${Math.round(wait)} ms (${attempt + 1}/${this.settings.lockRetries}).`);
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        if (changeset.attributes.failOnError === false) {
          this.settings.log(`Changeset ${identity(changeset)} failed and has failOnError: false, so the update goes on: ${(error as Error).message}`);
          return undefined;
        }
        if (code === LOCK_NOT_AVAILABLE && error instanceof EngineError) {
          const tries = inTransaction ? ` It was tried ${attempt + 1} time${attempt === 0 ? '' : 's'}.` : '';
          throw Object.assign(new EngineError(`${error.message}${tries} Another session holds a lock it needs: try again later, or raise --lock-timeout (now ${this.settings.lockTimeoutMs} ms) or --lock-retries.`), { code });
        }
        throw error;
      }
    }
  }

  /**
   * The changesets from items[start] on that can run as one stretch: each in its own transaction as always, but
   * all those transactions sent in one round trip. They must run in a transaction and have no preconditions
   * (which must be checked after the changesets before them ran); a stretch ends at the changeset update-to-tag
   * stops after, and at a size that keeps a stretch short next to the time its changesets take.
   */
  /** Up to `most` changesets from items[start] that can travel in one round trip (at most STRETCH_CHANGESETS). */
  private async stretchFrom(items: PlannedChangeset[], start: number, most: number, options: UpdateOptions, generated: Map<Changeset, PlannedStatement[]>): Promise<PlannedChangeset[]> {
    const stretch: PlannedChangeset[] = [];
    let size = 0;
    for (let i = start; i < items.length && stretch.length < Math.min(most, STRETCH_CHANGESETS) && size < STRETCH_CHARACTERS; i++) {
      const item = items[i];
      const changeset = item.changeset;
      if (!item.selected || !isOnly(item, options) || (item.state !== 'pending' && item.state !== 'rerun')) break;
      if (options.toTag && item.row?.tag === options.toTag) break;
      if (changeset.attributes.runInTransaction === false || changeset.preconditions?.conditions.length) break;
      const statements = generated.get(changeset) ?? forwardStatements(changeset, this.sqlContext);
      generated.set(changeset, statements);
      if (!(await this.canSendWhole(statements))) break;
      stretch.push(item);
      for (const statement of statements) size += statement.sql.length;
      if (options.toTag && tagOf(changeset) === options.toTag) break;
    }
    return stretch;
  }

  /** The text of a stretch's transactions and the rows they record, the first with ORDEREXECUTED lastOrder + 1. */
  private buildStretch(stretch: PlannedChangeset[], start: number, tables: TrackingTables, lastOrder: number, generated: Map<Changeset, PlannedStatement[]>): BuiltStretch {
    const texts: string[] = [];
    if (stretch.length < 2) return { start, stretch, texts, recorded: [] };
    const recorded = stretch.map((item, k) => {
      const execType: ExecType = item.state === 'rerun' ? 'RERAN' : 'EXECUTED';
      return { item, execType, row: this.rowFor(item.changeset, item.checksum, execType), order: lastOrder + k + 1 };
    });
    for (const { item, execType, row, order } of recorded) {
      // the settings for the whole stretch in its first transaction (undone with it when it fails), reset after the
      // last: two statements fewer per changeset, ~6% of the server's time for small ones
      if (!this.stretchSetsSession) texts.push('BEGIN', ...this.timeoutStatements(true), ASYNC_COMMIT);
      else if (texts.length === 0) texts.push('BEGIN', ...this.timeoutStatements(false), SESSION_ASYNC_COMMIT);
      else texts.push('BEGIN');
      for (const statement of generated.get(item.changeset)!) {
        if (statement.parts) for (const part of statement.parts) texts.push(part.sql);
        else texts.push(statement.sql);
      }
      texts.push(tables.recordSqlInline(row, order, item.row !== undefined && execType === 'RERAN'), 'COMMIT');
    }
    if (this.stretchSetsSession) texts.push(...this.resetStatements());
    return { start, stretch, texts, recorded };
  }

  /**
   * Sends a stretch; returns how many of its changesets committed (those before the first that failed, which is
   * rolled back: the caller runs it again alone to report it).
   */
  private async sendStretch({ stretch, texts, recorded }: BuiltStretch, tables: TrackingTables, lastOrder: number, rows: AppliedRow[]): Promise<number> {
    // announced before they run, as one by one (a changeset that waits on a lock is seen waiting), in one message:
    // a write per line costs more than a small changeset. After a failure, those past it did not run after all.
    this.settings.log(stretch.map((item) => `Running Changeset: ${identity(item.changeset)}`).join('\n'));
    let committed = recorded.length;
    try {
      await this.driver.executeTransactions!(texts);
    } catch (error) {
      await this.driver.execute('ROLLBACK').catch(() => undefined);
      // the stretch's settings stay when a transaction after its first committed (the text's end never ran)
      if (this.stretchSetsSession) for (const reset of this.resetStatements()) await this.driver.execute(reset).catch(() => undefined);
      if (!(error instanceof SqlError)) throw error;
      // what committed is a run from the start: the rows with this deployment's orders say how long
      committed = await tables.countRecorded(this.deploymentId, lastOrder + 1, lastOrder + recorded.length);
    }
    for (const { execType, row } of recorded.slice(0, committed)) rows.push({ id: row.id, author: row.author, filename: row.filename, exectype: execType } as AppliedRow);
    return committed;
  }

  /**
   * Whether a changeset's transaction can travel as one text. Not when a statement ends or starts a transaction
   * itself (the rest of the text would then run outside ours, committed before a failure is found), nor when it
   * sets how string literals are read (PostgreSQL reads the whole text before it runs any of it), nor with a
   * statement_timeout on a server before 13, which times the whole text instead of each statement.
   */
  private async canSendWhole(statements: PlannedStatement[]): Promise<boolean> {
    if (!this.driver.executeTransactions) return false;
    for (const statement of statements) {
      if (statement.atRunTime || statement.params) return false;
      for (const sql of statement.parts?.map((p) => p.sql) ?? [statement.sql]) {
        if (TRANSACTION_CONTROL.test(sql.replace(LEADING_COMMENTS, '')) || STRING_SYNTAX_SETTINGS.test(sql)) return false;
      }
    }
    if (this.settings.statementTimeoutMs === undefined) return true;
    if (this.serverVersion === undefined) {
      const { rows } = await this.driver.query<{ v: string }>('SHOW server_version_num');
      this.serverVersion = Number(rows[0]?.v ?? 0);
    }
    return this.serverVersion >= 130000;
  }

  /** The changeset's transaction in one round trip; the server's error when it failed (and was rolled back). */
  private async sendWhole(statements: PlannedStatement[], recordSql: string): Promise<SqlError | undefined> {
    const texts = ['BEGIN', ...this.timeoutStatements(true), ASYNC_COMMIT];
    for (const statement of statements) {
      if (statement.parts) for (const part of statement.parts) texts.push(part.sql);
      else texts.push(statement.sql);
    }
    texts.push(recordSql, 'COMMIT');
    try {
      await this.driver.executeTransactions!(texts);
      return undefined;
    } catch (error) {
      await this.driver.execute('ROLLBACK').catch(() => undefined);
      if (error instanceof SqlError) return error;
      throw error;
    }
  }

  private async record(tables: TrackingTables, row: NewRow, item: PlannedChangeset, order: number): Promise<void> {
    if (item.row && row.exectype === 'RERAN') await tables.markReran(row, order);
    else await tables.insert(row, order);
  }

  private rowFor(changeset: Changeset, checksum: string, execType: ExecType): NewRow {
    const tag = changeset.changes.find((c) => c.type === 'tagDatabase')?.params.tag?.value;
    return {
      id: changeset.id,
      author: changeset.author,
      filename: changeset.logicalPath,
      md5sum: checksum,
      description: descriptionOf(changeset),
      comments: commentsOf(changeset),
      exectype: execType,
      contexts: contextsOf(changeset),
      labels: labelsOf(changeset),
      deploymentId: this.deploymentId,
      ...(tag !== undefined ? { tag: String(tag) } : {}),
    };
  }

  /**
   * Sends one planned statement. A text of several statements (statement.parts) runs part by part; outside
   * the changeset's transaction (runInTransaction: false) the parts get a transaction of their own, as
   * PostgreSQL gives a multi-statement query string, so they still apply together or not at all.
   */
  private async run(statement: PlannedStatement, changeset: Changeset, inTransaction: boolean, rollback = false): Promise<void> {
    if (statement.atRunTime) {
      const resolved = await this.reportingFailure(statement, changeset, inTransaction, rollback, () => statement.atRunTime!(this.driver));
      for (const s of resolved) await this.run(s, changeset, inTransaction, rollback);
      return;
    }
    if (!statement.parts) return this.runOne(statement.sql, statement, changeset, inTransaction, rollback, statement.params);
    const parts = statement.parts;
    const all = async () => {
      for (const part of parts) await this.runOne(part.sql, { file: statement.file, range: part.range }, changeset, true, rollback);
    };
    if (inTransaction) await all();
    else await this.inTransaction(all);
  }

  private async runOne(sql: string, at: { file: string; range: PlannedStatement['range'] }, changeset: Changeset, atomic: boolean, rollback: boolean, params?: unknown[]): Promise<void> {
    await this.reportingFailure(at, changeset, atomic, rollback, async () => {
      if (params) await this.driver.query(sql, params);
      else await this.driver.execute(sql);
    });
  }

  /** `work`, whose failure becomes one EngineError naming the file, line and changeset and what stays applied */
  private async reportingFailure<T>(at: { file: string; range: PlannedStatement['range'] }, changeset: Changeset, atomic: boolean, rollback: boolean, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof EngineError) throw error;
      const e = error as Error & { code?: string; detail?: string };
      const where = `${displayPath(at.file)}:${at.range.start.line + 1}`;
      const message = `${e.message}${e.detail ? ` (${e.detail})` : ''}`.replace(/\s*\n\s*/g, ' ');
      const outcome = rollback
        ? atomic
          ? 'Its rollback was undone; it stays applied.'
          : 'It has runInTransaction: false, so its rollback statements before this one stay applied; it stays recorded.'
        : atomic
          ? 'Nothing of it was applied.'
          : 'It has runInTransaction: false, so its statements before this one stay applied; it was not recorded.';
      const failure = new EngineError(`${where}: ${rollback ? 'rollback of ' : ''}changeset ${identity(changeset)} failed: ${message}${e.code ? ` (SQLSTATE ${e.code})` : ''}. ${outcome}`);
      (failure as EngineError & { code?: string }).code = e.code;
      throw failure;
    }
  }

  private async setTimeouts(local: boolean): Promise<void> {
    for (const sql of this.timeoutStatements(local)) await this.driver.execute(sql);
  }

  private resetStatements(): string[] {
    return ['RESET lock_timeout', ...(this.settings.statementTimeoutMs !== undefined ? ['RESET statement_timeout'] : []), 'RESET synchronous_commit'];
  }

  private timeoutStatements(local: boolean): string[] {
    const scope = local ? 'SET LOCAL' : 'SET';
    const out = [`${scope} lock_timeout = ${Math.max(0, Math.round(this.settings.lockTimeoutMs))}`];
    if (this.settings.statementTimeoutMs !== undefined) out.push(`${scope} statement_timeout = ${Math.round(this.settings.statementTimeoutMs)}`);
    return out;
  }

  private async inTransaction(work: () => Promise<void>): Promise<void> {
    await this.driver.execute('BEGIN');
    try {
      await work();
      await this.driver.execute('COMMIT');
    } catch (error) {
      await this.driver.execute('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async checkChangelogPreconditions(plan: Plan): Promise<void> {
    for (const file of this.changelog.files.values()) {
      if (!file.preconditions) continue;
      const verdict = await this.checkPreconditions(file.preconditions, plan.rows);
      if (verdict === 'skip' || verdict === 'mark-ran') throw new EngineError(`Changelog preconditions of ${displayPath(file.path)} failed; nothing was run.`);
    }
  }

  /**
   * A property the changelog defines, for changeLogPropertyDefined when the settings' lookup (the CLI's: -D
   * values, then the changelog's) has none, e.g. in verify: the first definition wins; a non-global one counts
   * only in its own file; one for another dbms never.
   */
  private changelogProperty(name: string, file: string | undefined): string | undefined {
    for (const changelogFile of this.changelog.files.values()) {
      for (const p of changelogFile.properties) {
        if (p.name !== name || (p.dbms && !dbmsIncludesPostgres(p.dbms))) continue;
        if (!p.global && p.file !== file) continue;
        return p.value;
      }
    }
    return undefined;
  }

  /** 'run' | 'skip' (CONTINUE) | 'mark-ran' (MARK_RAN); HALT throws */
  private async checkPreconditions(preconditions: Preconditions | undefined, rows: AppliedRow[], changeset?: Changeset): Promise<'run' | 'skip' | 'mark-ran'> {
    if (!preconditions || preconditions.conditions.length === 0) return 'run';
    const property = (name: string) => this.settings.property?.(name) ?? this.changelogProperty(name, changeset?.file);
    const context = { driver: this.driver, schema: this.settings.defaultSchema ?? this.tables.schema, applied: rows, property };
    const subject = changeset ? `changeset ${identity(changeset)}` : 'the changelog';
    try {
      await checkAll(preconditions.conditions, context);
      return 'run';
    } catch (error) {
      const failed = error instanceof PreconditionFailed;
      if (!failed && !(error instanceof PreconditionError)) throw error;
      const action = ((failed ? preconditions.onFail : preconditions.onError) ?? 'HALT').toUpperCase();
      const message = (failed ? preconditions.onFailMessage : preconditions.onErrorMessage) ?? (error as Error).message;
      switch (action) {
        case 'CONTINUE':
          this.settings.log(`Preconditions of ${subject} ${failed ? 'failed' : 'errored'} (${message}); skipping it, it will be tried again next time.`);
          return 'skip';
        case 'MARK_RAN':
          this.settings.log(`Preconditions of ${subject} ${failed ? 'failed' : 'errored'} (${message}); marking it as ran.`);
          return 'mark-ran';
        case 'WARN':
          this.settings.log(`Warning: preconditions of ${subject} ${failed ? 'failed' : 'errored'}: ${message}`);
          return 'run';
        default:
          throw new EngineError(`Preconditions of ${subject} ${failed ? 'failed' : 'errored'}: ${message}`);
      }
    }
  }

  /**
   * Parses `texts` (the SQL of the changesets that may run), newest first (those are the ones that have not), while
   * the connection and the tracking table are read: the syntax check that follows then finds them parsed. It stops
   * when `waiting` settles, so an up-to-date database costs nothing more, and yields between slices so that the
   * connection's messages are answered meanwhile.
   */
  private async parseWhileWaiting(waiting: Promise<unknown>, texts: SqlText[]): Promise<void> {
    let settled = false;
    const done = waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    let i = texts.length - 1;
    while (!settled && i >= 0) {
      const sliceEnd = performance.now() + 2;
      for (; i >= 0 && performance.now() < sliceEnd; i--) parsedSql(texts[i]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await done;
  }

  /**
   * Refuses, before anything runs, SQL that PostgreSQL's grammar rejects in what is about to run; SQL that
   * never runs (a rollback during update, say) does not block, as it does not block Liquibase.
   */
  private checkSyntax(changes: Change[]): void {
    const problems: string[] = [];
    for (const change of changes) {
      const sql = change.sql;
      if (!sql || !changeApplies(change)) continue; // a change for another dbms never runs here
      const parsed = executionParse(sql);
      const lines = this.sqlContext.lines(sql.file);
      for (const statement of parsed.statements) {
        if (!statement.error) continue;
        const at = sqlRange(sql, lines, statement.error.start, statement.error.end).start;
        problems.push(`${displayPath(sql.file)}:${at.line + 1}:${at.character + 1}: ${statement.error.message}`);
      }
    }
    // one line per problem, as for the changelog's own errors (cli.ts loadRoot)
    if (problems.length === 1) throw new EngineError(`${problems[0]} (nothing was done)`, 2);
    if (problems.length) throw new EngineError(`${problems.join('\npgcs: ')}\npgcs: ${problems.length} SQL syntax errors in what would run; nothing was done.`, 2);
  }

  private validatePlan(plan: Plan): void {
    const errors = checksumErrors(plan);
    if (errors.length) {
      throw new EngineError(`Validation Failed:\n     ${errors.length} changesets check sum\n${errors.map((e) => `          ${e}`).join('\n')}`);
    }
  }

  // ---- update-sql ---------------------------------------------------------------------------------------

  /** The SQL update would run, without running it (preconditions are not evaluated, as in Liquibase). */
  async updateSql(options: UpdateOptions = {}): Promise<string> {
    const tables = await this.init();
    const plan = await this.plan();
    const rows = plan.rows;
    const out = await this.previewHead('update-sql', tables);
    let order = rows.reduce((m, r) => Math.max(m, r.orderexecuted), 0);
    let remaining = options.count ?? Infinity;
    for (const item of plan.changesets) {
      if (remaining <= 0) break;
      if (!item.selected || !isOnly(item, options) || (item.state !== 'pending' && item.state !== 'rerun')) continue;
      out.push(`-- Changeset ${identity(item.changeset)}`);
      for (const s of forwardStatements(item.changeset, this.sqlContext)) {
        for (const resolved of s.atRunTime ? await s.atRunTime(this.driver, true) : [s]) out.push(`${resolved.sql};`, '');
      }
      out.push(`${tables.insertSqlLiteral(this.rowFor(item.changeset, item.checksum, item.state === 'rerun' ? 'RERAN' : 'EXECUTED'), ++order)};`, '');
      remaining--;
      const tag = item.changeset.changes.find((c) => c.type === 'tagDatabase')?.params.tag?.value;
      if (options.toTag && tag === options.toTag) break;
    }
    return out.join('\n');
  }

  /** A preview's head: what it is for, against what, and the tracking tables a run would create first. */
  private async previewHead(command: string, tables: TrackingTables): Promise<string[]> {
    const out = [`-- pg-changesets ${command} for ${displayPath(this.changelog.root)}`, `-- Against: ${this.driver.description}`, ''];
    if (!(await tables.lockTableExists())) out.push(...tables.lockTableDdl().map((s) => `${s};`), '');
    if (!(await tables.changelogTableExists())) out.push(`${tables.changelogTableDdl()};`, '');
    return out;
  }

  /** The rows changelogSync would write, without writing them (changelog-sync-sql, -to-tag-sql, mark-next-changeset-ran-sql). */
  async changelogSyncSql(options: SyncOptions = {}, command = 'changelog-sync-sql'): Promise<string> {
    const tables = await this.init();
    const plan = await this.plan();
    const out = await this.previewHead(command, tables);
    let order = plan.rows.reduce((m, r) => Math.max(m, r.orderexecuted), 0);
    for (const item of toSync(plan, options)) {
      out.push(`-- Changeset ${identity(item.changeset)}`, `${tables.insertSqlLiteral(this.rowFor(item.changeset, item.checksum, 'EXECUTED'), ++order)};`, '');
    }
    return out.join('\n');
  }

  // ---- rollback -----------------------------------------------------------------------------------------

  /**
   * Liquibase's future-rollback-sql (future-rollback-count-sql with `count`): the SQL that would undo what update
   * (update-count) is about to run, once it has run: each changeset's rollback and the removal of its row, newest first.
   */
  async futureRollbackSql(options: { count?: number } = {}): Promise<string> {
    const plan = await this.plan();
    const coming = plan.changesets.filter((p) => p.selected && (p.state === 'pending' || p.state === 'rerun')).slice(0, options.count ?? Infinity);
    const changes: Change[] = [];
    const targets = coming.reverse().map((item) => {
      try {
        const statements = rollbackStatements(item.changeset, this.changelog, this.sqlContext);
        if (item.changeset.rollback.kind === 'changes') changes.push(...item.changeset.rollback.changes);
        return { changeset: item.changeset, statements };
      } catch (error) {
        if (error instanceof NoRollbackError) throw new EngineError(error.message);
        throw error;
      }
    });
    this.checkSyntax(changes);
    return this.rollbackSqlText('future-rollback-sql', targets.map(({ changeset, statements }) => ({ row: { id: changeset.id, author: changeset.author, filename: changeset.logicalPath }, statements })));
  }

  /** The SQL of rollbacks, newest first: each changeset's statements, then the removal of its row. */
  private async rollbackSqlText(command: string, targets: { row: { id: string; author: string; filename: string }; statements: PlannedStatement[] }[]): Promise<string> {
    const out = [`-- pg-changesets ${command} for ${displayPath(this.changelog.root)}`, `-- Against: ${this.driver.description}`, ''];
    for (const { row, statements } of targets) {
      out.push(`-- Rolling Back ChangeSet: ${identityOf(row)}`);
      for (const s of statements) {
        for (const resolved of s.atRunTime ? await s.atRunTime(this.driver, true) : [s]) out.push(`${resolved.sql};`, '');
      }
      out.push(`${this.tables.deleteSqlLiteral(row)};`, '');
    }
    return out.join('\n');
  }

  /** The applied changesets a rollback undoes, newest first, each with the changeset that knows how. */
  private async rollbackTargets(select: (rowsNewestFirst: AppliedRow[]) => AppliedRow[]): Promise<{ row: AppliedRow; changeset: Changeset; statements: PlannedStatement[] }[]> {
    const rows = (await this.tables.readApplied()).slice().reverse();
    const chosen = select(rows);
    const byIdentity = new Map(this.changelog.changesets.map((c) => [identity(c), c]));
    const targets = [];
    for (const row of chosen) {
      const changeset = byIdentity.get(identityOf(row));
      if (!changeset) throw new EngineError(`Cannot roll back ${identityOf(row)}: the changelog no longer has this changeset. Nothing was rolled back.`);
      try {
        targets.push({ row, changeset, statements: rollbackStatements(changeset, this.changelog, this.sqlContext) });
      } catch (error) {
        if (error instanceof NoRollbackError) throw new EngineError(`${error.message} Nothing was rolled back.`);
        throw error;
      }
    }
    this.checkSyntax(targets.flatMap((t) => (t.changeset.rollback.kind === 'changes' ? t.changeset.rollback.changes : [])));
    return targets;
  }

  /** one applied changeset, wherever it is in the history (the editor's "Roll Back Changeset") */
  private selectOne(wanted: string) {
    return (rows: AppliedRow[]) => {
      const chosen = rows.filter((r) => identityOf(r) === wanted);
      if (chosen.length === 0) throw new EngineError(`Cannot roll back ${wanted}: it is not applied to this database. Nothing was rolled back.`);
      return chosen;
    };
  }

  private async selector(by: RollbackSelection) {
    if (by.changeset !== undefined) return this.selectOne(by.changeset);
    if (by.tag !== undefined) return this.selectToTag(by.tag);
    if (by.date) return this.selectToDate(by.date);
    return this.selectByCount(by.count ?? 1);
  }

  private selectByCount(count: number) {
    return (rows: AppliedRow[]) => rows.slice(0, count);
  }

  private async selectToTag(tag: string) {
    return (rows: AppliedRow[]) => {
      const index = rows.findIndex((r) => r.tag === tag);
      if (index < 0) throw new EngineError(`Could not find tag '${tag}' in the database. Nothing was rolled back.`);
      return rows.slice(0, index);
    };
  }

  /**
   * The rows executed after `date` (an instant). DATEEXECUTED is a wall-clock time written with NOW() in the
   * session's time zone, so the instant is converted to that zone by the server, whatever the client's zone.
   */
  private async selectToDate(date: Date) {
    const tables = await this.init();
    const after = new Set<string>();
    if (await tables.changelogTableExists()) {
      const { rows } = await this.driver.query<{ id: string; author: string; filename: string }>(
        `SELECT ID AS id, AUTHOR AS author, FILENAME AS filename FROM ${tables.changelogTable}
          WHERE DATEEXECUTED > ($1::timestamptz AT TIME ZONE current_setting('TimeZone'))`,
        [date.toISOString()],
      );
      for (const row of rows) after.add(identityOf(row));
    }
    return (rows: AppliedRow[]) => rows.filter((r) => after.has(identityOf(r)));
  }

  async rollback(by: RollbackSelection): Promise<AppliedRow[]> {
    return this.withLock(async (tables) => {
      const select = await this.selector(by);
      const targets = await this.rollbackTargets(select);
      for (const target of targets) {
        this.settings.log(`Rolling Back Changeset: ${identityOf(target.row)}`);
        const inTransaction = target.changeset.attributes.runInTransaction !== false;
        const work = async () => {
          await this.setTimeouts(inTransaction);
          for (const statement of target.statements) await this.run(statement, target.changeset, inTransaction, true);
          await tables.delete(target.row);
        };
        if (inTransaction) await this.inTransaction(work);
        else await work();
      }
      return targets.map((t) => t.row);
    });
  }

  /**
   * For verify: runs the rollback of the most recently applied changeset inside a transaction, calls
   * `inspect` there, then undoes the transaction, so the database is again exactly as after the changeset.
   * undefined when the rollback cannot run in a transaction (runInTransaction: false): roll back for real.
   * A failing rollback statement throws an EngineError, and also leaves the changeset applied.
   */
  async probeRollback<T>(inspect: () => Promise<T>): Promise<{ result: T } | undefined> {
    await this.init();
    const [target] = await this.rollbackTargets(this.selectByCount(1));
    if (!target) return undefined;
    if (target.changeset.attributes.runInTransaction === false) return undefined;
    await this.driver.execute('BEGIN');
    try {
      await this.setTimeouts(true);
      for (const statement of target.statements) await this.run(statement, target.changeset, true, true);
      return { result: await inspect() };
    } finally {
      await this.driver.execute('ROLLBACK').catch(() => undefined);
    }
  }

  async rollbackSql(by: RollbackSelection): Promise<string> {
    await this.init();
    const select = await this.selector(by);
    return this.rollbackSqlText('rollback SQL', await this.rollbackTargets(select));
  }

  // ---- the rest -----------------------------------------------------------------------------------------

  async validate(): Promise<void> {
    const fatal = this.changelog.findings.filter((f) => f.severity === 'error' && f.rule !== 'sql-syntax');
    if (fatal.length) {
      throw new EngineError(`Validation Failed:\n${fatal.map((f) => `     ${displayPath(f.file)}:${f.range.start.line + 1}: ${f.message}`).join('\n')}`);
    }
    this.validatePlan(await this.plan());
  }

  async tag(tag: string): Promise<void> {
    await this.withLock(async (tables) => {
      if (!(await tables.tagLatest(tag))) throw new EngineError(`Cannot tag: the database has no executed changesets.`);
    });
  }

  async tagExists(tag: string): Promise<boolean> {
    const tables = await this.init();
    return tables.tagExists(tag);
  }

  /** changelog-sync: records every pending changeset as executed without running it. */
  async changelogSync(options: SyncOptions = {}): Promise<Changeset[]> {
    return this.withLock(async (tables) => {
      const plan = makePlan(this.changelog, await tables.readApplied(), this.settings.filter, this.checksums);
      let order = await tables.maxOrderExecuted();
      const synced: Changeset[] = [];
      for (const item of toSync(plan, options)) {
        await tables.insert(this.rowFor(item.changeset, item.checksum, 'EXECUTED'), ++order);
        synced.push(item.changeset);
      }
      return synced;
    });
  }

  /**
   * Liquibase's update-testing-rollback: update, roll back what that update ran (newest first), update again, all
   * under this engine's one deployment id. A rollback that fails stops it there, as in Liquibase.
   */
  async updateTestingRollback(): Promise<{ ran: RunResult['ran']; rolledBack: AppliedRow[]; ranAgain: RunResult['ran'] }> {
    const first = await this.update();
    if (first.ran.length === 0) return { ran: [], rolledBack: [], ranAgain: [] };
    const rolledBack = await this.rollback({ count: first.ran.length });
    const again = await this.update();
    return { ran: first.ran, rolledBack, ranAgain: again.ran };
  }

  async clearChecksums(): Promise<void> {
    await this.withLock((tables) => tables.clearChecksums());
  }

  async history(): Promise<AppliedRow[]> {
    const tables = await this.init();
    return tables.readApplied();
  }
}

/**
 * What of the session's own state the statements to run may change (a loose test of their text: a false alarm
 * only costs speed): its prepared statements (DEALLOCATE), or the settings a stretch sets for the whole session.
 */
function sessionStateTouched(generated: Map<Changeset, PlannedStatement[]>): { preparedStatements: boolean; settings: boolean } {
  const touched = { preparedStatements: false, settings: false };
  for (const statements of generated.values()) {
    for (const statement of statements) {
      for (const sql of statement.parts?.map((p) => p.sql) ?? [statement.sql]) {
        if (/deallocate|discard/i.test(sql)) touched.preparedStatements = true;
        if (/lock_timeout|statement_timeout|synchronous_commit|\breset\b|set_config|discard/i.test(sql)) touched.settings = true;
      }
    }
  }
  return touched;
}

export function displayPath(file: string): string {
  const rel = nodePath.relative(process.cwd(), file);
  return (rel && !rel.startsWith('..') ? rel : file).split(nodePath.sep).join('/');
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
