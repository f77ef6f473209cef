// The databases a workspace's changelogs go to, as the editor sees them: each environment's DATABASECHANGELOG
// rows (read on demand and after each change, then kept), the status of every changeset against them, the
// exact SQL a change would send, and the changes themselves, run by the same Engine as the CLI.
import * as nodePath from 'node:path';
import type { Changelog, Changeset } from '../changelog/model';
import type { Project } from '../changelog/project';
import { ConnectionError, ConnectionTarget, parseTarget } from '../engine/connection-url';
import { Driver, openDriver } from '../engine/driver';
import { displayPath, Engine, EngineError } from '../engine/engine';
import { FilterSyntaxError, parseContexts, parseExpression } from '../engine/filters';
import { LockTimeoutError, releaseLocks } from '../engine/lock';
import { identity, makePlan } from '../engine/plan';
import { AppliedRow, identityOf, TrackingTables } from '../engine/tracking';
import { verifyRollbacks } from '../engine/verify';
import type { EnvironmentRecord } from '../rules/rule';
import type {
  ChangesetRef, ChangesetStatus, EnvironmentInfo, EnvironmentSetting, EnvironmentStatus, Preview, PreviewParams, RunOutcome, RunParams,
} from './protocol';

/** What the environments need from the language server: kept narrow so this file knows nothing of LSP. */
export interface EnvironmentHost {
  /** the workspace folders; relative PGlite folders are resolved against the first */
  folders(): string[];
  /** the project as the editor holds it, analysed up to the last edit */
  project(): Promise<Project>;
  /** the client's password for an environment (SecretStorage), or undefined */
  password(environment: string, description: string): Promise<string | undefined>;
  log(message: string): void;
  /** an environment's status changed */
  changed(environment: string): void;
}

export interface Progress {
  report(message: string): void;
  cancelled(): boolean;
}

const NO_PROGRESS: Progress = { report: () => undefined, cancelled: () => false };

interface ReadRows {
  rows: AppliedRow[];
  readAt: string;
}

/** A one-line message for the user: EngineError and connection errors say where; nothing shows a stack. */
export function oneLine(error: unknown): string {
  const e = error as Error & { code?: string };
  const known = error instanceof EngineError || error instanceof ConnectionError || error instanceof LockTimeoutError || error instanceof FilterSyntaxError;
  const message = `${e?.message ?? String(error)}${!known && e?.code ? ` (SQLSTATE ${e.code})` : ''}`;
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

export class Environments {
  private settings: EnvironmentSetting[] = [];
  private storageFolder: string | undefined;
  private readonly rows = new Map<string, ReadRows>();
  private readonly readErrors = new Map<string, string>();
  /** the last failed attempt per environment and changeset identity, until it succeeds */
  private readonly failures = new Map<string, Map<string, string>>();
  /**
   * One database operation per environment at a time: a PGlite folder can be open once per process, and
   * two runs on one database would only wait for each other's lock anyway.
   */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly host: EnvironmentHost) {}

  configure(settings: EnvironmentSetting[], storageFolder: string | undefined): void {
    const before = JSON.stringify([this.settings, this.storageFolder]);
    this.settings = (settings ?? []).filter((s) => s && typeof s.name === 'string' && s.name.trim() !== '');
    if (storageFolder) this.storageFolder = storageFolder;
    // a changed URL or filter makes every kept row suspect; switching the current environment changes nothing here
    if (JSON.stringify([this.settings, this.storageFolder]) === before) return;
    this.rows.clear();
    this.readErrors.clear();
  }

  /** the settings, with the default `local` (embedded PGlite in the workspace storage) unless one is named so */
  private all(): EnvironmentSetting[] {
    if (this.settings.some((s) => s.name === 'local')) return this.settings;
    const folder = this.storageFolder ? nodePath.join(this.storageFolder, 'local') : nodePath.join(this.host.folders()[0] ?? process.cwd(), '.pgcs', 'pglite');
    return [{ name: 'local', pglite: folder }, ...this.settings];
  }

  list(): EnvironmentInfo[] {
    return this.all().map((setting) => {
      const info: EnvironmentInfo = {
        name: setting.name,
        kind: 'pglite',
        description: '',
        protected: setting.protected === true,
        readOnly: setting.readOnly === true,
        contexts: contextsOf(setting),
        ...(setting.labels ? { labels: setting.labels } : {}),
      };
      try {
        const target = this.targetOf(setting);
        info.kind = target.kind;
        info.description = target.description;
      } catch (error) {
        info.error = oneLine(error);
      }
      return info;
    });
  }

  private setting(name: string): EnvironmentSetting {
    const setting = this.all().find((s) => s.name === name);
    if (!setting) throw new EngineError(`No environment named '${name}': add it to the pgChangesets.environments setting.`);
    return setting;
  }

  private targetOf(setting: EnvironmentSetting, password?: string): ConnectionTarget {
    const url = setting.url ?? (setting.pglite !== undefined ? `pglite:${setting.pglite}` : undefined);
    if (url === undefined) throw new EngineError(`Environment '${setting.name}' needs a url (postgres://user@host/db) or a pglite folder.`);
    return parseTarget({ url, password, env: process.env, cwd: this.host.folders()[0] ?? process.cwd() });
  }

  /** the target with the client's password when the URL has none (PostgreSQL only) */
  private async connectTarget(setting: EnvironmentSetting): Promise<ConnectionTarget> {
    const target = this.targetOf(setting);
    if (target.kind !== 'postgresql' || target.password !== undefined) return target;
    const password = await this.host.password(setting.name, target.description);
    return password === undefined ? target : this.targetOf(setting, password);
  }

  private serial<T>(environment: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(environment) ?? Promise.resolve();
    const next = before.then(work, work);
    this.queues.set(environment, next.catch(() => undefined));
    return next;
  }

  private async withDriver<T>(setting: EnvironmentSetting, work: (driver: Driver, target: ConnectionTarget) => Promise<T>): Promise<T> {
    const target = await this.connectTarget(setting);
    const driver = await openDriver(target, {
      applicationName: 'pg-changesets (VS Code)',
      // the CLI may have the PGlite folder open: wait for it a while, visibly, rather than fail at once
      lockTimeoutMs: 30_000,
      onLockWait: (message) => this.host.log(`[${setting.name}] ${message}`),
      onLockRecovered: (message) => this.host.log(`[${setting.name}] ${message}`),
    });
    try {
      return await work(driver, target);
    } finally {
      await driver.close().catch(() => undefined);
    }
  }

  private async readRows(setting: EnvironmentSetting, driver: Driver, target: ConnectionTarget): Promise<void> {
    // DATABASECHANGELOG lives where the engine puts it: the default schema, else the session's current schema
    const schema = target.defaultSchema ?? (await driver.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
    const rows = await new TrackingTables(driver, schema).readApplied();
    this.rows.set(setting.name, { rows, readAt: new Date().toISOString() });
    this.readErrors.delete(setting.name);
  }

  /** Reads DATABASECHANGELOG again; a failure is kept as the status's error. */
  async refresh(environment: string): Promise<void> {
    const setting = this.setting(environment);
    await this.serial(environment, async () => {
      try {
        await this.withDriver(setting, (driver, target) => this.readRows(setting, driver, target));
      } catch (error) {
        this.rows.delete(environment);
        this.readErrors.set(environment, oneLine(error));
      }
    });
    this.host.changed(environment);
  }

  /** the rows of every environment read so far, for the rules about what environments already ran */
  records(): EnvironmentRecord[] {
    return [...this.rows].map(([name, read]) => ({
      name,
      readAt: new Date(read.readAt),
      applied: read.rows.map((row) => ({
        id: row.id,
        author: row.author,
        filename: row.filename,
        md5sum: row.md5sum,
        // DATEEXECUTED is the writing session's wall-clock time without a zone: read as this machine's
        dateExecuted: new Date(String(row.dateexecuted).replace(' ', 'T')),
        orderExecuted: Number(row.orderexecuted),
        execType: row.exectype,
      })),
    }));
  }

  /** the status as last read, or undefined when the environment was never read */
  known(environment: string, trees: Changelog[]): EnvironmentStatus | undefined {
    return this.rows.has(environment) || this.readErrors.has(environment) ? this.statusFrom(environment, trees) : undefined;
  }

  private trees: Changelog[] = [];

  async status(environment: string, refresh = false): Promise<EnvironmentStatus> {
    this.setting(environment);
    this.trees = (await this.host.project()).allTrees();
    if (refresh || (!this.rows.has(environment) && !this.readErrors.has(environment))) await this.refresh(environment);
    return this.statusFrom(environment, this.trees);
  }

  private statusFrom(environment: string, trees: Changelog[]): EnvironmentStatus {
    const setting = this.setting(environment);
    let description = '';
    try {
      description = this.targetOf(setting).description;
    } catch (error) {
      return { environment, description, changelogs: [], changesets: [], error: oneLine(error) };
    }
    const read = this.rows.get(environment);
    const status: EnvironmentStatus = { environment, description, changelogs: trees.map((t) => t.root), changesets: [] };
    const error = this.readErrors.get(environment);
    if (error) status.error = error;
    if (read) status.readAt = read.readAt;
    const rows = read?.rows ?? [];
    const failures = this.failures.get(environment);
    const filter = filterOf(setting);
    const seen = new Set<string>();
    for (const tree of trees) {
      for (const item of makePlan(tree, rows, filter).changesets) {
        const key = identity(item.changeset);
        if (seen.has(key)) continue; // a file included by two roots
        seen.add(key);
        const c = item.changeset;
        const entry: ChangesetStatus = {
          state: 'pending', id: c.id, author: c.author, logicalPath: c.logicalPath, identity: key, file: c.file, line: c.headerRange.start.line, selected: item.selected,
        };
        if (item.row) Object.assign(entry, rowFields(item.row));
        if (item.state === 'checksum-mismatch') {
          entry.state = 'drifted';
          entry.storedChecksum = item.row!.md5sum ?? undefined;
          entry.currentChecksum = item.checksum;
        } else if (item.row) {
          entry.state = item.row.exectype === 'FAILED' ? 'failed' : 'applied';
          if (item.state === 'rerun') entry.reruns = true;
        }
        const failure = failures?.get(key);
        if (failure) Object.assign(entry, { state: 'failed', error: failure });
        status.changesets.push(entry);
      }
    }
    for (const row of rows) {
      const key = identityOf(row);
      if (seen.has(key)) continue;
      seen.add(key);
      status.changesets.push({ state: 'in-database-only', id: row.id, author: row.author, logicalPath: row.filename, identity: key, selected: false, ...rowFields(row) });
    }
    return status;
  }

  // ---- preview and run ---------------------------------------------------------------------------------

  async preview(params: PreviewParams): Promise<Preview> {
    const title = titleOf(params);
    try {
      const setting = this.setting(params.environment);
      const trees = await this.runnableTrees();
      const sql = await this.serial(setting.name, () => this.withDriver(setting, async (driver, target) => {
        const parts: string[] = [];
        const changesets: string[] = [];
        for (const { tree, engine } of this.enginesFor(trees, params, setting, driver, target)) {
          if (params.action === 'apply' || params.action === 'update') {
            const only = params.action === 'apply' ? identity(this.changesetIn(tree, params.changeset!)) : undefined;
            const plan = await engine.plan();
            const pending = plan.changesets.filter((p) => p.selected && (p.state === 'pending' || p.state === 'rerun') && (!only || identity(p.changeset) === only));
            if (pending.length === 0) continue;
            changesets.push(...pending.map((p) => identity(p.changeset)));
            parts.push(await engine.updateSql(only ? { only } : {}));
          } else {
            const by = this.rollbackSelection(params, tree);
            parts.push(await engine.rollbackSql(by));
            changesets.push(...(await this.rollbackIdentities(by, driver, target)));
          }
        }
        return { sql: parts.join('\n'), changesets };
      }));
      if (sql.changesets.length === 0) return { ok: false, sql: '', title, changesets: [], error: nothingMessage(params), nothing: true };
      return { ok: true, sql: sql.sql, title, changesets: sql.changesets };
    } catch (error) {
      return { ok: false, sql: '', title, changesets: [], error: oneLine(error) };
    }
  }

  async run(params: RunParams, progress: Progress = NO_PROGRESS): Promise<RunOutcome> {
    let setting: EnvironmentSetting;
    try {
      setting = this.setting(params.environment);
    } catch (error) {
      return { ok: false, message: oneLine(error), changesets: [] };
    }
    const changes = params.action !== 'verify';
    if (changes && setting.readOnly) return { ok: false, message: `Environment '${setting.name}' is read-only: nothing was changed.`, changesets: [] };
    if (progress.cancelled()) return { ok: false, cancelled: true, message: 'Cancelled before anything ran.', changesets: [] };
    const done: string[] = [];
    try {
      const outcome = await this.serial(setting.name, () => this.runSerial(setting, params, progress, done));
      this.host.log(`[${setting.name}] ${outcome.message}`);
      return outcome;
    } catch (error) {
      const message = oneLine(error);
      this.host.log(`[${setting.name}] ${params.action} failed: ${message}`);
      if (params.changeset && (params.action === 'apply' || params.action === 'rollback')) this.recordFailure(setting.name, params.changeset, message);
      return { ok: false, message, changesets: done };
    } finally {
      if (changes) await this.refresh(setting.name);
    }
  }

  private recordFailure(environment: string, ref: ChangesetRef, message: string): void {
    const changeset = this.trees.flatMap((t) => t.changesets).find((c) => refMatches(c, ref, this.host.folders()));
    if (!changeset) return;
    let map = this.failures.get(environment);
    if (!map) this.failures.set(environment, (map = new Map()));
    map.set(identity(changeset), message);
  }

  private clearFailures(environment: string, identities: string[]): void {
    const map = this.failures.get(environment);
    for (const key of identities) map?.delete(key);
  }

  private async runSerial(setting: EnvironmentSetting, params: RunParams, progress: Progress, done: string[]): Promise<RunOutcome> {
    const name = setting.name;
    if (params.action === 'verify') return this.verify(setting, progress);
    if (params.action === 'releaseLock') {
      return this.withDriver(setting, async (driver, target) => {
        const schema = target.defaultSchema ?? (await driver.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
        const released = await releaseLocks(driver, new TrackingTables(driver, schema));
        return { ok: true, message: released ? `Released the change log lock of ${name}.` : `${name} has no change log lock table.`, changesets: [] };
      });
    }
    if (params.action === 'tag' && !params.tag) return { ok: false, message: 'Tag Environment needs a tag.', changesets: [] };
    if (params.action === 'rollbackToTag' && !params.tag) return { ok: false, message: 'Roll Back to Tag needs a tag.', changesets: [] };
    const trees = await this.runnableTrees();
    return this.withDriver(setting, async (driver, target) => {
      for (const { tree, engine } of this.enginesFor(trees, params, setting, driver, target)) {
        switch (params.action) {
          case 'apply': {
            const only = identity(this.changesetIn(tree, params.changeset!));
            progress.report(`Applying ${only}`);
            await eventLoopTurn();
            const result = await engine.update({ only });
            if (result.ran.length === 0) throw new EngineError(`${only} was not run: ${await this.whyNotRun(engine, only)}`);
            done.push(only);
            break;
          }
          case 'update': {
            const pending = (await engine.plan()).changesets.filter((p) => p.selected && (p.state === 'pending' || p.state === 'rerun'));
            // one changeset per engine call, so a cancellation stops between two changesets, never inside one
            for (let i = 0; i < pending.length; i++) {
              // PGlite runs in this thread and its promises settle without giving the event loop a turn: the
              // progress report would wait unsent, and a cancellation sent meanwhile unread, until the end
              if (i > 0) await eventLoopTurn();
              if (progress.cancelled()) return { ok: false, cancelled: true, message: `Cancelled after ${done.length} changeset${done.length === 1 ? '' : 's'}.`, changesets: done };
              progress.report(`${i + 1}/${pending.length}: ${identity(pending[i].changeset)}`);
              await eventLoopTurn();
              const result = await engine.update({ count: 1 });
              if (result.ran.length === 0) break;
              done.push(...result.ran.map((r) => identity(r.changeset)));
            }
            break;
          }
          case 'tag':
            progress.report(`Tagging ${name} as '${params.tag}'`);
            await eventLoopTurn();
            await engine.tag(params.tag!);
            this.clearFailures(name, done);
            return { ok: true, message: `Tagged ${name} as '${params.tag}'.`, changesets: [] };
          default: {
            const by = this.rollbackSelection(params, tree);
            progress.report(`Rolling back on ${name}`);
            await eventLoopTurn();
            const rows = await engine.rollback(by);
            done.push(...rows.map(identityOf));
          }
        }
      }
      this.clearFailures(name, done);
      const verb = params.action === 'apply' || params.action === 'update' ? 'Applied' : 'Rolled back';
      const what = done.length === 1 ? done[0] : `${done.length} changesets`;
      const message = done.length === 0 ? (params.action === 'update' ? `${name} is up to date.` : `Nothing to do on ${name}.`) : `${verb} ${what} ${verb === 'Applied' ? 'to' : 'on'} ${name}.`;
      return { ok: true, message, changesets: done };
    });
  }

  private async whyNotRun(engine: Engine, only: string): Promise<string> {
    const item = (await engine.plan()).changesets.find((p) => identity(p.changeset) === only);
    if (!item) return 'the changelog no longer has it.';
    if (!item.selected) return "the environment's contexts or labels do not select it.";
    if (item.state !== 'pending' && item.state !== 'rerun') return 'it is already applied.';
    return 'its preconditions said to skip it (see the output).';
  }

  private async verify(setting: EnvironmentSetting, progress: Progress): Promise<RunOutcome> {
    const target = await this.connectTarget(setting);
    const trees = await this.runnableTrees();
    const problems: string[] = [];
    const verified: string[] = [];
    for (const tree of trees) {
      progress.report(`Verifying ${displayPath(tree.root)} on a scratch database`);
      const report = await verifyRollbacks(tree, {
        url: target.kind === 'postgresql' ? setting.url : undefined,
        password: target.kind === 'postgresql' ? target.password : undefined,
        contexts: contextsOf(setting),
        labelFilter: setting.labels,
        log: (message) => this.host.log(`[${setting.name}] ${message}`),
      });
      for (const result of report.results) {
        verified.push(result.identity);
        if (!result.ok) problems.push(`${result.identity}: ${result.differences.join('; ')}`);
      }
    }
    const message = problems.length
      ? `${problems.length} of ${verified.length} changesets do not roll back cleanly.`
      : `All ${verified.length} changesets roll back to the schema they started from.`;
    return { ok: problems.length === 0, message, changesets: verified, problems };
  }

  /** the trees, refusing changes while a changelog has errors other than SQL syntax (which the engine checks itself) */
  private async runnableTrees(): Promise<Changelog[]> {
    const trees = (this.trees = (await this.host.project()).allTrees());
    if (trees.length === 0) throw new EngineError('No changelog found in the workspace (a YAML file with databaseChangeLog:, or a formatted SQL changelog).');
    for (const tree of trees) {
      const fatal = tree.findings.find((f) => f.severity === 'error' && f.rule !== 'sql-syntax');
      if (fatal) throw new EngineError(`${displayPath(fatal.file)}:${fatal.range.start.line + 1}: ${fatal.message} (nothing was done)`);
    }
    return trees;
  }

  /**
   * The trees an action works on, each with an engine on the one open database: apply and rollback of one
   * changeset, its tree; rollbacks, the tree that has the most recently applied changeset; update, every tree.
   */
  private *enginesFor(trees: Changelog[], params: PreviewParams | RunParams, setting: EnvironmentSetting, driver: Driver, target: ConnectionTarget): Generator<{ tree: Changelog; engine: Engine }> {
    const engineOf = (tree: Changelog) => new Engine(driver, tree, {
      defaultSchema: target.defaultSchema,
      filter: filterOf(setting),
      lockWaitMs: 30_000,
      lockTimeoutMs: 5_000,
      lockRetries: 3,
      property: (name) => [...tree.files.values()].flatMap((f) => f.properties).find((p) => p.name === name)?.value,
      log: (message) => this.host.log(`[${setting.name}] ${message}`),
    });
    if (params.action === 'update') {
      for (const tree of trees) yield { tree, engine: engineOf(tree) };
      return;
    }
    if (params.action === 'apply' || params.action === 'rollback') {
      if (!params.changeset) throw new EngineError(`${params.action === 'apply' ? 'Apply' : 'Roll Back'} Changeset needs a changeset.`);
      const tree = trees.find((t) => t.changesets.some((c) => refMatches(c, params.changeset!, this.host.folders())));
      if (!tree) throw new EngineError(`No changeset ${refText(params.changeset)} in the workspace's changelogs.`);
      yield { tree, engine: engineOf(tree) };
      return;
    }
    // rollbacks by count or tag, and tag: the tree that knows the newest row (one tree in most workspaces)
    const rows = this.rows.get(setting.name)?.rows ?? [];
    const newest = rows[rows.length - 1];
    const tree = (newest && trees.find((t) => t.changesets.some((c) => identity(c) === identityOf(newest)))) ?? trees[0];
    yield { tree, engine: engineOf(tree) };
  }

  private changesetIn(tree: Changelog, ref: ChangesetRef): Changeset {
    const changeset = tree.changesets.find((c) => refMatches(c, ref, this.host.folders()));
    if (!changeset) throw new EngineError(`No changeset ${refText(ref)} in ${displayPath(tree.root)}.`);
    return changeset;
  }

  private rollbackSelection(params: PreviewParams | RunParams, tree: Changelog): { changeset?: string; tag?: string; count?: number } {
    if (params.action === 'rollback') return { changeset: identity(this.changesetIn(tree, params.changeset!)) };
    if (params.action === 'rollbackToTag') {
      if (!params.tag) throw new EngineError('Roll Back to Tag needs a tag.');
      return { tag: params.tag };
    }
    return { count: 1 };
  }

  /** the identities a rollback selection undoes, newest first, from the rows as they are now */
  private async rollbackIdentities(by: { changeset?: string; tag?: string; count?: number }, driver: Driver, target: ConnectionTarget): Promise<string[]> {
    const schema = target.defaultSchema ?? (await driver.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
    const newestFirst = (await new TrackingTables(driver, schema).readApplied()).slice().reverse();
    if (by.changeset) return newestFirst.map(identityOf).filter((i) => i === by.changeset);
    if (by.tag !== undefined) {
      const index = newestFirst.findIndex((r) => r.tag === by.tag);
      return index < 0 ? [] : newestFirst.slice(0, index).map(identityOf);
    }
    return newestFirst.slice(0, by.count ?? 1).map(identityOf);
  }
}

/** a few milliseconds in which the event loop reads and writes the connection's messages */
function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

function contextsOf(setting: EnvironmentSetting): string[] {
  return Array.isArray(setting.contexts) ? setting.contexts.map((c) => c.trim().toLowerCase()).filter(Boolean) : parseContexts(setting.contexts);
}

function filterOf(setting: EnvironmentSetting) {
  // a label filter that does not parse fails here, before anything touches the database
  if (setting.labels) parseExpression(setting.labels);
  return { contexts: contextsOf(setting), labelFilter: setting.labels || undefined };
}

function rowFields(row: AppliedRow): Partial<ChangesetStatus> {
  return {
    dateExecuted: String(row.dateexecuted),
    orderExecuted: Number(row.orderexecuted),
    execType: row.exectype,
    ...(row.deployment_id ? { deploymentId: row.deployment_id } : {}),
    ...(row.tag ? { tag: row.tag } : {}),
  };
}

/** `file` may be the absolute path, a workspace-relative path, or the DATABASECHANGELOG FILENAME */
function refMatches(changeset: Changeset, ref: ChangesetRef, folders: string[]): boolean {
  if (changeset.id !== ref.id || changeset.author !== ref.author) return false;
  if (changeset.file === ref.file || changeset.logicalPath === ref.file) return true;
  if (nodePath.isAbsolute(ref.file)) return nodePath.resolve(ref.file) === changeset.file;
  return folders.some((folder) => nodePath.resolve(folder, ref.file) === changeset.file);
}

function refText(ref: ChangesetRef): string {
  return `${ref.file}::${ref.id}::${ref.author}`;
}

function titleOf(params: PreviewParams): string {
  const what = params.changeset ? `${params.changeset.id} (${params.changeset.author})` : '';
  switch (params.action) {
    case 'apply':
      return `Apply ${what} to ${params.environment}`;
    case 'update':
      return `Update ${params.environment}: every pending changeset`;
    case 'rollback':
      return `Roll back ${what} on ${params.environment}`;
    case 'rollbackLast':
      return `Roll back the last changeset on ${params.environment}`;
    case 'rollbackToTag':
      return `Roll back ${params.environment} to tag '${params.tag ?? ''}'`;
  }
}

function nothingMessage(params: PreviewParams): string {
  switch (params.action) {
    case 'apply':
      return `${params.changeset ? refText(params.changeset) : 'The changeset'} is not pending on ${params.environment} (already applied, or not selected by its contexts and labels).`;
    case 'update':
      return `${params.environment} is up to date.`;
    case 'rollbackToTag':
      return `Nothing was applied to ${params.environment} after tag '${params.tag ?? ''}'.`;
    default:
      return `Nothing to roll back on ${params.environment}.`;
  }
}
