import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { loadChangelog, loadChangelogWhileWaiting, type LoadOptions } from './changelog/load';
import { ParsedFileStore } from './changelog/parsed-file-store';
import { type RecordedRead, recordingReader } from './changelog/recorded-reads';
import type { Changelog, Changeset, Finding, Severity } from './changelog/model';
import packageJson from '../../package.json';
import { filesChangedSince, findingsFromKept, GitError, githubAnnotations, type KeptFindings, keptFindings, sarifLog } from './lint-report';
import { findConfigFile, mergeConfig, readConfigFile } from './rules/config';
import { RULES } from './rules/registry';
import type { RulesConfig } from './rules/rule';
import { lintChangelog } from './rules/run';
import { parseTarget } from './engine/connection-url';
import { changesetChecksum } from './engine/checksum';
import { ConnectionError, type Driver, openDriver } from './engine/driver';
import { displayPath, Engine, EngineError, readTrackingState, type TrackingState } from './engine/engine';
import { FilterSyntaxError, parseContexts, parseExpression } from './engine/filters';
import { lockHolder, LockTimeoutError, releaseLocks } from './engine/lock';
import type { KeptSql } from './engine/changeset-sql';
import { type ChecksumMemo, identity } from './engine/plan';
import { DEFAULT_TRACKING_NAMES, identityOf, LIQUIBASE_VERSION, trackingTableName, type TrackingNames, TrackingTables } from './engine/tracking';
import { verifyRollbacks } from './engine/verify';
import { cacheFolder } from './cache-folder';
import { KeptParses } from './sql/kept-parses';
import { DefaultsFileError, IGNORED_LIQUIBASE_FLAGS, liquibaseDefaults, type LiquibaseDefaults, SETTING_ALIASES, unsupportedSetting } from './liquibase-defaults';
import { initSqlParser } from './sql/statements';

// Exit codes: 0 success; 1 the command ran and failed (error findings, a failed changeset, validation,
// lock timeout); 2 bad usage or input the command cannot read.
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** the version SARIF reports: the package's, which esbuild inlines from package.json */
const VERSION: string = packageJson.version;

/** commands that never parse SQL (checksums are made from the text): they skip loading the parser */
const WITHOUT_SQL = new Set([
  'help', 'version', 'status', 'history', 'validate', 'tag', 'tag-exists', 'changelog-sync', 'changelog-sync-to-tag', 'clear-checksums',
  'release-locks', 'calculate-checksum', 'list-locks', 'unexpected-changesets', 'mark-next-changeset-ran',
  'changelog-sync-sql', 'changelog-sync-to-tag-sql', 'mark-next-changeset-ran-sql',
]);

/**
 * commands that load the parser themselves, when they need it: lint does not when its findings are kept, update when
 * it has kept the parses of what it runs
 */
const UPDATE_COMMANDS = new Set(['update', 'update-count', 'update-to-tag']);
const PARSER_ON_DEMAND = new Set(['lint', ...UPDATE_COMMANDS]);

const USAGE = `pgcs: Liquibase-compatible changesets for PostgreSQL

Usage: pgcs <command> [options]

Checks
  lint <changelog…>            structural, SQL syntax and safety findings
                               --format text|json|sarif|github, --fail-on error|warning,
                               --changed-since <git-ref>, --config pgcs.config.json
  validate                     the changelog parses and no applied changeset was edited
  verify                       on a scratch database: update, roll back each changeset, compare schemas

Migrations (Liquibase's commands and flags)
  update | update-count --count N | update-to-tag --tag T | update-sql
  rollback --tag T | rollback-count --count N | rollback-to-date --date D
  rollback-sql --tag T | rollback-count-sql --count N | rollback-to-date-sql --date D
  future-rollback-sql | future-rollback-count-sql --count N   (undoing what update would run)
  update-testing-rollback (update, roll back what it ran, update again)
  status [--verbose] | unexpected-changesets [--verbose] | history | tag --tag T | tag-exists --tag T
  changelog-sync | changelog-sync-to-tag --tag T | mark-next-changeset-ran (each also -sql)
  clear-checksums
  list-locks | release-locks
  calculate-checksum --changeset-identifier file::id::author

Options
  --changelog-file F           the root changelog
  --url U                      postgres://user@host:port/db, jdbc:postgresql://host:port/db,
                               pglite:<dir>, pglite:memory (default: pglite:.pgcs/pglite)
  --username U --password P    also PGUSER/PGPASSWORD and the other PG* variables
  --contexts C                 run only changesets for these contexts (comma separated)
  --label-filter E             label expression, e.g. "v1 and !slow"
  --search-path D[,D…]         where non-relative include/sqlFile paths are found (default: .)
  --defaults-file F            Liquibase's defaults file (default: liquibase.properties here, when
                               there is one); LIQUIBASE_COMMAND_* variables too; flags win
  --default-schema-name S      schema the changes run in
  --liquibase-schema-name S    schema of DATABASECHANGELOG / DATABASECHANGELOGLOCK
  --database-changelog-table-name T, --database-changelog-lock-table-name T
                               other names for those two tables
  -D<name>=<value>             changelog parameter
  --lock-wait SECONDS          wait this long for another run's lock (default 300)
  --lock-timeout MS            SET lock_timeout before each changeset (default 5000)
  --lock-retries N             retries of a changeset that hit lock_timeout (default 3)
  --statement-timeout MS       SET statement_timeout for changesets
  --format text|json           output format
  --output-file F              write the command's output (SQL, report, JSON) to F, not stdout
  --verbose                    status: list the changesets
  --version                    pgcs's version (also: pgcs version)

Exit codes: 0 success, 1 the command failed (findings, a failed changeset, validation, lock timeout),
2 bad usage or unreadable input.`;

interface Arguments {
  command?: string;
  positional: string[];
  options: Map<string, string>;
  properties: Record<string, string>;
}

class UsageError extends Error {}

const FLAGS_WITH_VALUE = new Set([
  'changelog-file', 'url', 'username', 'password', 'contexts', 'context-filter', 'label-filter', 'labels', 'search-path',
  'default-schema-name', 'liquibase-schema-name', 'lock-wait', 'lock-timeout', 'lock-retries', 'statement-timeout', 'format',
  'count', 'tag', 'date', 'changeset-identifier', 'changeset-path', 'changeset-id', 'changeset-author', 'output-file',
  'fail-on', 'changed-since', 'config', 'defaults-file', 'database-changelog-table-name', 'database-changelog-lock-table-name',
]);
const BOOLEAN_FLAGS = new Set(['verbose', 'help', 'version']);

function kebab(flag: string): string {
  return flag.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

function parseArguments(argv: string[]): Arguments {
  const args: Arguments = { positional: [], options: new Map(), properties: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      args.command = 'help';
      continue;
    }
    if (arg.startsWith('-D')) {
      const [name, ...rest] = arg.slice(2).split('=');
      if (!name) throw new UsageError('-D needs a name: -Dname=value');
      args.properties[name] = rest.join('=');
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const written = kebab(eq > 0 ? arg.slice(2, eq) : arg.slice(2));
      const name = SETTING_ALIASES.get(written) ?? written;
      if (BOOLEAN_FLAGS.has(name)) {
        args.options.set(name, eq > 0 ? arg.slice(eq + 1) : 'true');
        continue;
      }
      const refused = unsupportedSetting(name);
      if (refused) throw new UsageError(refused);
      const ignored = IGNORED_LIQUIBASE_FLAGS.has(name);
      if (!FLAGS_WITH_VALUE.has(name) && !ignored) throw new UsageError(`unknown option --${written}`);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${written} needs a value`);
      if (!ignored) args.options.set(name, value);
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    if (!args.command) args.command = arg;
    else args.positional.push(arg);
  }
  if (args.options.get('help') === 'true') args.command = 'help';
  else if (args.options.get('version') === 'true') args.command = 'version';
  return args;
}

/**
 * The settings Liquibase would also take from the environment and its defaults file (liquibase.properties), under
 * the flags given: a flag wins, then the environment, then the file. lint takes its changelogs as arguments: a
 * changelog-file from there only when none is given.
 */
function withLiquibaseDefaults(args: Arguments): Arguments {
  if (args.command === undefined || args.command === 'help' || args.command === 'version') return args;
  let defaults: LiquibaseDefaults;
  try {
    defaults = liquibaseDefaults(args.command, args.options.get('defaults-file'), process.env, process.cwd());
  } catch (error) {
    if (error instanceof DefaultsFileError) throw new UsageError(error.message);
    throw error;
  }
  const options = new Map(args.options);
  for (const [name, value] of defaults.options) {
    if (name === 'changelog-file' && args.command === 'lint' && args.positional.length) continue;
    if (!options.has(name)) options.set(name, value);
  }
  return { ...args, options, properties: { ...defaults.parameters, ...args.properties } };
}

function numberOption(args: Arguments, name: string, fallback?: number): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a non-negative number, not '${raw}'`);
  return value;
}

function required(args: Arguments, name: string): string {
  const value = args.options.get(name) ?? args.positional[0];
  if (value === undefined || value === '') throw new UsageError(`${args.command} needs --${name}`);
  return value;
}

function searchPathOf(args: Arguments): string[] {
  const raw = args.options.get('search-path');
  return raw ? raw.split(',').filter(Boolean).map((p) => nodePath.resolve(p)) : [process.cwd()];
}

let store: ParsedFileStore | undefined | null = null;

/**
 * Parsed changelog files and their checksums, kept between runs for this build of pgcs (the bundle's size and
 * time name it); none when not run from a bundle, or when PGCS_CACHE_DIR is set empty.
 */
function parsedFiles(): ParsedFileStore | undefined {
  if (store === null) {
    const build = thisBuild();
    store = build === undefined ? undefined : ParsedFileStore.forUser(build);
  }
  return store;
}

/** what names this build of pgcs in what it keeps: its bundle's size and time; none when not run from a bundle */
function thisBuild(): string | undefined {
  try {
    const bundle = fs.statSync(__filename);
    return `${bundle.size}:${bundle.mtimeMs}`;
  } catch {
    return undefined;
  }
}

let keptParses: KeptParses | undefined;

/** The SQL parses kept for this root changelog (update parses only what it has none of); saved when main ends. */
function keptParsesOf(root: string): KeptParses | undefined {
  const build = thisBuild();
  keptParses = build === undefined ? undefined : KeptParses.forRoot(cacheFolder(), build, root);
  return keptParses;
}

function keptChecksums(): ChecksumMemo | undefined {
  const kept = parsedFiles();
  return kept && { get: kept.checksum.bind(kept), set: kept.rememberChecksum.bind(kept) };
}

function keptSql(): KeptSql | undefined {
  const kept = parsedFiles();
  return kept && { get: kept.generatedSql.bind(kept), set: kept.rememberGeneratedSql.bind(kept) };
}

/** The root changelog's path: --changelog-file, else where it is under the search path. */
function rootOf(args: Arguments): string {
  const file = args.options.get('changelog-file');
  if (!file) throw new UsageError(`${args.command} needs --changelog-file`);
  const candidates = [nodePath.resolve(file), ...searchPathOf(args).map((root) => nodePath.resolve(root, file))];
  const found = candidates.find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
  if (!found) throw new EngineError(`changelog not found: ${file}`, EXIT_USAGE);
  return found;
}

function loadRoot(args: Arguments, root = rootOf(args)): Changelog {
  return refuseBroken(loadChangelog(root, loadOptions(args)));
}

/** loadRoot, letting what waits on this thread (the database session opening) go on between files */
async function loadRootWhileWaiting(args: Arguments, root: string): Promise<Changelog> {
  return refuseBroken(await loadChangelogWhileWaiting(root, loadOptions(args), () => new Promise<void>((resolve) => setImmediate(resolve))));
}

function loadOptions(args: Arguments): LoadOptions {
  const store = parsedFiles();
  store?.beginTree();
  // SQL syntax errors only matter in what a command runs: the engine parses and checks that before it starts
  return { searchPath: searchPathOf(args), properties: args.properties, analyseSql: false, store };
}

/** the changelog, unless it has errors a command cannot run with: one line each */
function refuseBroken(changelog: Changelog): Changelog {
  const fatal = changelog.findings.filter((f) => f.severity === 'error' && f.rule !== 'sql-syntax');
  if (fatal.length) {
    // one line per problem, as everywhere in the CLI
    const where = (f: Finding) => `${displayPath(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.message.replace(/\s*\n\s*/g, ' ')}`;
    if (fatal.length === 1) throw new EngineError(`${where(fatal[0])} (nothing was done)`, EXIT_USAGE);
    const lines = fatal.slice(0, 20).map(where);
    if (fatal.length > 20) lines.push(`… and ${fatal.length - 20} more (pgcs lint shows them all)`);
    lines.push(`${fatal.length} errors in the changelog; nothing was done.`);
    throw new EngineError(lines.join('\npgcs: '), EXIT_USAGE);
  }
  return changelog;
}

/** Opens the database; a PGlite folder another process has open is waited for as long as --lock-wait says, visibly. */
async function open(args: Arguments, target: ReturnType<typeof parseTarget>) {
  const lockWaitMs = (numberOption(args, 'lock-wait', 300) ?? 300) * 1000;
  for (const warning of target.warnings) process.stderr.write(`pgcs: warning: ${warning}\n`);
  return openDriver(target, {
    applicationName: 'pgcs',
    lockTimeoutMs: lockWaitMs,
    onLockWait: (message) => process.stderr.write(`${message.charAt(0).toUpperCase()}${message.slice(1)}\n`),
    onLockRecovered: (message) => process.stderr.write(`${message}\n`),
  });
}

async function withEngine<T>(args: Arguments, work: (engine: Engine, changelog: Changelog, json: boolean) => Promise<T>): Promise<T> {
  // The connection is opened while the changelog is read: the server starts its session meanwhile. Opening writes
  // nothing, and its errors come after the changelog's, as if it had been opened after.
  const root = rootOf(args);
  trackingNamesOf(args); // a name pgcs cannot write stops it before it connects
  const kept = UPDATE_COMMANDS.has(args.command!) ? keptParsesOf(root) : undefined;
  // with no parse kept, the parser loads now: its WASM compiles on V8's threads while this one reads the changelog
  // (a failure is met again where the engine awaits it)
  if (UPDATE_COMMANDS.has(args.command!) && !kept?.any()) void initSqlParser().catch(() => undefined);
  const opening = openTarget(args);
  opening.catch(() => undefined);
  // Once open, the session reads where its tracking tables are and, for a command that starts by planning, the
  // applied rows: the changelog loads meanwhile, pausing between files for the session's messages (reads only)
  const readEarly = opening.then(({ target, driver }) => readTrackingState(driver, trackingOf(args, target), { rows: PLANNING_COMMANDS.has(args.command!) }));
  readEarly.catch(() => undefined);
  // one turn of the event loop, for the socket to connect and the session's first message to leave (and the
  // parser's loading to start) before the reading
  await new Promise<void>((resolve) => setImmediate(resolve));
  let changelog: Changelog;
  try {
    changelog = await loadRootWhileWaiting(args, root);
  } catch (error) {
    void opening.then(({ driver }) => driver.close(), () => undefined);
    throw error;
  }
  return withConnection(args, changelog, work, opening, readEarly, kept);
}

/** commands whose first question to the database is the plan: their applied rows are read while the changelog loads */
const PLANNING_COMMANDS = new Set(['status', 'validate', ...UPDATE_COMMANDS, 'update-sql', 'update-count-sql', 'update-to-tag-sql']);

/** where the tracking tables are and what they are called, and the schema changes run in */
function trackingOf(args: Arguments, target: ReturnType<typeof parseTarget>): { liquibaseSchema?: string; defaultSchema?: string; trackingNames: TrackingNames } {
  return { liquibaseSchema: args.options.get('liquibase-schema-name'), defaultSchema: args.options.get('default-schema-name') ?? target.defaultSchema, trackingNames: trackingNamesOf(args) };
}

/** --database-changelog-table-name and --database-changelog-lock-table-name, as Liquibase writes them into SQL */
function trackingNamesOf(args: Arguments): TrackingNames {
  const named = (flag: string, fallback: string) => {
    const given = args.options.get(flag);
    if (given === undefined) return fallback;
    const name = trackingTableName(given);
    if (!name) throw new UsageError(`--${flag} must be a plain table name (letters, digits, _), not '${given}'`);
    return name;
  };
  const names = { changelog: named('database-changelog-table-name', DEFAULT_TRACKING_NAMES.changelog), lock: named('database-changelog-lock-table-name', DEFAULT_TRACKING_NAMES.lock) };
  if (names.changelog === names.lock) throw new UsageError(`the change log table and its lock table cannot both be ${names.lock}`);
  return names;
}

async function openTarget(args: Arguments): Promise<{ target: ReturnType<typeof parseTarget>; driver: Driver }> {
  // a filter that does not parse must fail before anything touches the database
  parseExpression(args.options.get('label-filter') ?? '');
  const target = parseTarget({ url: args.options.get('url'), username: args.options.get('username'), password: args.options.get('password'), env: process.env, cwd: process.cwd() });
  return { target, driver: await open(args, target) };
}

async function withConnection<T>(
  args: Arguments,
  changelog: Changelog,
  work: (engine: Engine, changelog: Changelog, json: boolean) => Promise<T>,
  opening: ReturnType<typeof openTarget>,
  readEarly: Promise<TrackingState>,
  parses?: KeptParses,
): Promise<T> {
  const { target, driver } = await opening;
  try {
    const labelFilter = args.options.get('label-filter');
    const engine = new Engine(driver, changelog, {
      ...trackingOf(args, target),
      readEarly,
      filter: { contexts: parseContexts(args.options.get('contexts')), labelFilter },
      lockWaitMs: (numberOption(args, 'lock-wait', 300) ?? 300) * 1000,
      lockTimeoutMs: numberOption(args, 'lock-timeout', 5000) ?? 5000,
      lockRetries: numberOption(args, 'lock-retries', 3) ?? 3,
      statementTimeoutMs: numberOption(args, 'statement-timeout'),
      // -D values win; otherwise the first `property` the changelog defines (Liquibase's changeLogPropertyDefined sees both)
      property: (name) => args.properties[name] ?? [...changelog.files.values()].flatMap((f) => f.properties).find((p) => p.name === name)?.value,
      log: progress,
      keptChecksums: keptChecksums(),
      keptSql: keptSql(),
      // the store's writing (the changelog's files and their checksums) overlaps the server's last stretch
      whileLastStretchRuns: () => {
        store?.save();
        parses?.save();
      },
      keptParses: parses,
    });
    return await work(engine, changelog, args.options.get('format') === 'json');
  } finally {
    await driver.close().catch(() => undefined);
  }
}

/** The engine's progress ("Running Changeset: …"), as it happens: PGlite may then block this thread for long. */
function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** --output-file, open for the command's output (Liquibase's flag: what the command prints, not its messages) */
let outputFile: number | undefined;

/** the command's output: to --output-file when given, else stdout */
function writeOutput(text: string | Uint8Array): void {
  if (outputFile === undefined) process.stdout.write(text);
  else {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    for (let written = 0; written < bytes.length; ) written += fs.writeSync(outputFile, bytes, written);
  }
}

function print(json: boolean, value: unknown, text: string): void {
  writeOutput(json ? JSON.stringify(value, null, 2) + '\n' : text.endsWith('\n') || text === '' ? text : text + '\n');
}

const changesetJson = (c: { id: string; author: string; logicalPath: string }) => ({ id: c.id, author: c.author, filename: c.logicalPath });
const rowJson = (r: { id: string; author: string; filename: string }) => ({ id: r.id, author: r.author, filename: r.filename });

/** The tracking tables of the target (in --liquibase-schema-name, else the session's schema), for commands that need no changelog. */
async function withTrackingTables<T>(args: Arguments, work: (driver: Driver, tables: TrackingTables) => Promise<T>): Promise<T> {
  trackingNamesOf(args); // a name pgcs cannot write stops it before it connects
  const { target, driver } = await openTarget(args);
  try {
    return await work(driver, (await readTrackingState(driver, trackingOf(args, target))).tables);
  } finally {
    await driver.close().catch(() => undefined);
  }
}

async function lint(args: Arguments): Promise<number> {
  const format = args.options.get('format') ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`--format must be text, json, sarif or github, not ${format}`);
  const failOn = args.options.get('fail-on') ?? 'error';
  if (!['error', 'warning', 'info', 'hint'].includes(failOn)) throw new UsageError(`--fail-on must be error or warning, not ${failOn}`);
  const files = [...args.positional, ...(args.options.has('changelog-file') ? [args.options.get('changelog-file')!] : [])];
  if (files.length === 0) throw new UsageError('lint needs at least one changelog file');
  for (const file of files) {
    if (!fs.existsSync(file)) throw new UsageError(`changelog not found: ${file}`);
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a folder; give the root changelog file`);
  }
  const configPath = args.options.get('config') ?? findConfigFile(nodePath.resolve(files[0]));
  if (configPath && !fs.existsSync(configPath)) throw new UsageError(`config file not found: ${configPath}`);
  const known = new Set(RULES.map((r) => r.meta.id));
  const loadedConfig = configPath ? readConfigFile(nodePath.resolve(configPath), known) : undefined;
  const config = mergeConfig(loadedConfig?.config);
  let changed: Set<string> | undefined;
  if (args.options.has('changed-since')) {
    try {
      changed = realPaths(filesChangedSince(args.options.get('changed-since')!, nodePath.dirname(nodePath.resolve(files[0]))));
    } catch (e) {
      if (e instanceof GitError) throw new UsageError(e.message);
      throw e;
    }
  }
  const searchPath = searchPathOf(args);
  // what this command prints depends on these and on what its trees read (not with --changed-since: git answers that)
  const outputInputs = changed ? undefined : [
    'lint', process.cwd(), format, failOn, JSON.stringify(files.map((file) => nodePath.resolve(file))), JSON.stringify(searchPath),
    JSON.stringify(args.properties), configPath ? nodePath.resolve(configPath) : '', JSON.stringify(config), JSON.stringify(loadedConfig?.findings ?? []),
  ];
  const store = parsedFiles();
  const keptOutput = outputInputs && store?.keptOutput(outputInputs);
  if (keptOutput) {
    writeOutput(keptOutput.stdout);
    process.stderr.write(keptOutput.stderr);
    return keptOutput.exitCode;
  }
  const findings: Finding[] = [...(loadedConfig?.findings ?? [])];
  const reads: RecordedRead[] = [];
  let changesets = 0;
  for (const file of files) {
    if (!changed) {
      const tree = await lintTree(file, searchPath, args.properties, config);
      changesets += tree.changesets;
      findings.push(...tree.findings);
      reads.push(...tree.reads);
      continue;
    }
    await initSqlParser();
    store?.beginTree();
    // parsed files come from the store when their text was linted (or run) before: most of a lint was YAML parsing
    const changelog = loadChangelog(file, { searchPath, properties: args.properties, store });
    // with --changed-since, a changeset counts when its file or one of its SQL files changed; the schema still replays them all
    const selected = new Set(changelog.changesets.filter((c) => touches(c, changed!)));
    changesets += selected.size;
    const safety = lintChangelog(changelog, { config, only: (c) => selected.has(c) });
    const all = [...changelog.findings, ...safety];
    findings.push(...all.filter((f) => changed!.has(realPath(f.file)) && (!f.changeset || [...selected].some((c) => c.id === f.changeset!.id && c.author === f.changeset!.author))));
  }
  // files in code-unit order (as git and squawk list them): the same on every machine, whatever its locale, and
  // no ICU collator to load (~10 ms)
  const byFile = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);
  findings.sort((a, b) => byFile(a.file, b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const base = process.cwd();
  const shownPaths = new Map<string, string>();
  const shown = (file: string) => {
    let path = shownPaths.get(file);
    if (path === undefined) shownPaths.set(file, (path = displayPath(file)));
    return path;
  };
  let stdout: string;
  if (format === 'json') {
    const out = findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, file: shown(f.file), range: f.range, changeset: f.changeset ?? null }));
    // one line, as eslint and squawk print JSON: a tree with thousands of findings would print megabytes of indentation
    stdout = JSON.stringify(out) + '\n';
  } else if (format === 'sarif') {
    stdout = JSON.stringify(sarifLog(findings, base, VERSION)) + '\n';
  } else if (format === 'github') {
    stdout = githubAnnotations(findings, base);
  } else {
    stdout = findings.map((f) => `${shown(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule}: ${f.message}\n`).join('');
  }
  let stderr = '';
  if (format !== 'json' && format !== 'sarif') {
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    stderr = `${changesets} changeset${changesets === 1 ? '' : 's'} checked${changed ? ` (changed since ${args.options.get('changed-since')})` : ''}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`;
  }
  const failing = SEVERITY_RANK[failOn as Severity];
  const exitCode = findings.some((f) => SEVERITY_RANK[f.severity] >= failing) ? EXIT_FAILED : 0;
  // one write each: a write per finding costs a system call each
  writeOutput(stdout);
  process.stderr.write(stderr);
  if (outputInputs) store?.keepOutput(outputInputs, reads, { stdout, stderr, exitCode });
  return exitCode;
}

const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/** What lint reports of one root changelog. */
interface TreeLint {
  changesets: number;
  /** in the order they were found, with what the reports print (no quick fixes) */
  findings: Finding[];
  /** everything the lint read of the disk */
  reads: RecordedRead[];
}

/**
 * The lint of one root changelog. A tree linted before by this build, with the same search path, properties and
 * config, is not linted again while every file, folder and listing it read is as it was: its findings come from
 * the store, and the parser's WASM is not even loaded.
 */
async function lintTree(file: string, searchPath: string[], properties: Record<string, string>, config: RulesConfig): Promise<TreeLint> {
  const store = parsedFiles();
  const inputs = ['lint', nodePath.resolve(file), JSON.stringify(searchPath), JSON.stringify(properties), JSON.stringify(config)];
  const kept = store?.keptResult<{ changesets: number; findings: KeptFindings }>(inputs);
  if (kept?.value && kept.reads) return { changesets: kept.value.changesets, findings: findingsFromKept(kept.value.findings), reads: kept.reads };
  await initSqlParser();
  // a tree's first lint keeps its result alone: its parsed files are kept from its next lint on (parsed-file-store.ts)
  store?.beginTree({ keepParsed: kept?.seen ?? true });
  const recorded = recordingReader();
  // parsed files come from the store when their text was linted (or run) before: most of a lint was YAML parsing
  const changelog = loadChangelog(file, { searchPath, properties, store, reader: recorded.reader });
  const findings = [...changelog.findings, ...lintChangelog(changelog, { config })];
  const reads = recorded.reads();
  store?.keepResult(inputs, reads, { changesets: changelog.changesets.length, findings: keptFindings(findings) });
  return { changesets: changelog.changesets.length, findings, reads };
}

function touches(changeset: Changeset, changed: Set<string>): boolean {
  if (changed.has(realPath(changeset.file))) return true;
  return changeset.changes.some((c) => c.sql && changed.has(realPath(c.sql.file)));
}

const realPathCache = new Map<string, string>();
function realPath(path: string): string {
  let real = realPathCache.get(path);
  if (real === undefined) {
    try {
      real = fs.realpathSync(path);
    } catch {
      real = path;
    }
    realPathCache.set(path, real);
  }
  return real;
}

function realPaths(paths: Set<string>): Set<string> {
  return new Set([...paths].map(realPath));
}

function countOf(args: Arguments): number {
  const raw = required(args, 'count');
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0) throw new UsageError(`--count must be a whole number, not '${raw}'`);
  return count;
}

function parseDate(raw: string): Date {
  // a date-time without an offset is the local time, as Liquibase reads it; so is a bare date (local midnight),
  // which JavaScript's Date would otherwise take as UTC
  const text = raw.trim();
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'));
  if (Number.isNaN(date.getTime())) throw new UsageError(`--date must be a date such as 2026-01-31 or 2026-01-31T12:00:00, not '${raw}'`);
  return date;
}

function rollbackSelector(args: Arguments, kind: 'tag' | 'count' | 'date') {
  if (kind === 'tag') return { tag: required(args, 'tag') };
  if (kind === 'count') return { count: countOf(args) };
  return { date: parseDate(required(args, 'date')) };
}

async function run(args: Arguments): Promise<number> {
  const command = args.command;
  switch (command) {
    case 'lint':
      return lint(args);
    case 'update':
    case 'update-count':
    case 'update-to-tag':
      return withEngine(args, async (engine, changelog, json) => {
        const options = command === 'update-count' ? { count: countOf(args) } : command === 'update-to-tag' ? { toTag: required(args, 'tag') } : {};
        const result = await engine.update(options);
        const lines = result.ran.map((r) => `${r.execType.padEnd(8)} ${identity(r.changeset)}`);
        print(json, { ran: result.ran.map((r) => ({ ...changesetJson(r.changeset), execType: r.execType })), deploymentId: engine.deploymentId },
          `${lines.join('\n')}${lines.length ? '\n' : ''}UPDATE SUMMARY: ${result.ran.length} changeset${result.ran.length === 1 ? '' : 's'} run, ${changelog.changesets.length} in the changelog`);
        return 0;
      });
    case 'update-sql':
    case 'update-count-sql':
    case 'update-to-tag-sql':
      return withEngine(args, async (engine) => {
        const options = command === 'update-count-sql' ? { count: countOf(args) } : command === 'update-to-tag-sql' ? { toTag: required(args, 'tag') } : {};
        writeOutput((await engine.updateSql(options)) + '\n');
        return 0;
      });
    case 'rollback':
    case 'rollback-count':
    case 'rollback-to-date':
      return withEngine(args, async (engine, _changelog, json) => {
        const by = rollbackSelector(args, command === 'rollback' ? 'tag' : command === 'rollback-count' ? 'count' : 'date');
        const rows = await engine.rollback(by);
        print(json, { rolledBack: rows.map(rowJson) },
          `${rows.map((r) => `ROLLED BACK ${r.filename}::${r.id}::${r.author}`).join('\n')}${rows.length ? '\n' : ''}${rows.length} changeset${rows.length === 1 ? '' : 's'} rolled back`);
        return 0;
      });
    case 'rollback-sql':
    case 'rollback-count-sql':
    case 'rollback-to-date-sql':
      return withEngine(args, async (engine) => {
        const by = rollbackSelector(args, command === 'rollback-sql' ? 'tag' : command === 'rollback-count-sql' ? 'count' : 'date');
        writeOutput((await engine.rollbackSql(by)) + '\n');
        return 0;
      });
    case 'status':
      return withEngine(args, async (engine, _changelog, json) => {
        const plan = await engine.plan();
        const pending = plan.changesets.filter((p) => p.selected && (p.state === 'pending' || p.state === 'rerun'));
        const edited = plan.changesets.filter((p) => p.state === 'checksum-mismatch');
        const where = engine.driver.description;
        let text = pending.length === 0 ? `${where} is up to date` : `${pending.length} changeset${pending.length === 1 ? ' has' : 's have'} not been applied to ${where}`;
        if (args.options.get('verbose') === 'true') text += pending.map((p) => `\n     ${identity(p.changeset)}`).join('');
        if (edited.length) text += `\n${edited.length} applied changeset${edited.length === 1 ? ' was' : 's were'} edited since (checksum differs):${edited.map((p) => `\n     ${identity(p.changeset)}`).join('')}`;
        if (plan.unknownRows.length) text += `\n${plan.unknownRows.length} applied changeset${plan.unknownRows.length === 1 ? ' is' : 's are'} not in the changelog:${plan.unknownRows.map((r) => `\n     ${r.filename}::${r.id}::${r.author}`).join('')}`;
        print(json, {
          upToDate: pending.length === 0,
          pending: pending.map((p) => ({ ...changesetJson(p.changeset), state: p.state })),
          edited: edited.map((p) => ({ ...changesetJson(p.changeset), stored: p.row!.md5sum, current: p.checksum })),
          notInChangelog: plan.unknownRows.map(rowJson),
        }, text);
        return 0;
      });
    case 'history':
      return withEngine(args, async (engine, _changelog, json) => {
        const rows = await engine.history();
        print(json, rows, historyText(rows));
        return 0;
      });
    case 'validate':
      return withEngine(args, async (engine, _changelog, json) => {
        await engine.validate();
        print(json, { valid: true }, 'No validation errors found.');
        return 0;
      });
    case 'tag':
      return withEngine(args, async (engine, _c, json) => {
        const tag = required(args, 'tag');
        await engine.tag(tag);
        print(json, { tag }, `Successfully tagged the database with '${tag}'.`);
        return 0;
      });
    case 'tag-exists':
      return withEngine(args, async (engine, _c, json) => {
        const tag = required(args, 'tag');
        const exists = await engine.tagExists(tag);
        print(json, { tag, exists }, `The tag ${tag} ${exists ? 'already exists' : 'does not exist'} in the database.`);
        return 0;
      });
    case 'changelog-sync':
    case 'changelog-sync-to-tag':
      return withEngine(args, async (engine, _c, json) => {
        const synced = await engine.changelogSync(command === 'changelog-sync-to-tag' ? { toTag: required(args, 'tag') } : {});
        print(json, { synced: synced.map(changesetJson) }, `${synced.length} changeset${synced.length === 1 ? '' : 's'} marked as executed without running.`);
        return 0;
      });
    case 'changelog-sync-sql':
    case 'changelog-sync-to-tag-sql':
    case 'mark-next-changeset-ran-sql':
      return withEngine(args, async (engine) => {
        const options = command === 'changelog-sync-to-tag-sql' ? { toTag: required(args, 'tag') } : command === 'mark-next-changeset-ran-sql' ? { count: 1 } : {};
        writeOutput((await engine.changelogSyncSql(options, command)) + '\n');
        return 0;
      });
    case 'future-rollback-sql':
    case 'future-rollback-count-sql':
      return withEngine(args, async (engine) => {
        writeOutput((await engine.futureRollbackSql(command === 'future-rollback-count-sql' ? { count: countOf(args) } : {})) + '\n');
        return 0;
      });
    case 'clear-checksums':
      return withEngine(args, async (engine, _c, json) => {
        await engine.clearChecksums();
        print(json, { cleared: true }, 'Checksums cleared; the next update writes the current ones.');
        return 0;
      });
    case 'release-locks':
      return withTrackingTables(args, async (driver, tables) => {
        const released = await releaseLocks(driver, tables);
        print(args.options.get('format') === 'json', { released }, released ? 'Successfully released all database change log locks.' : 'There is no change log lock table in this database.');
        return 0;
      });
    case 'list-locks':
      return withTrackingTables(args, async (driver, tables) => {
        const holder = await lockHolder(driver, tables);
        print(args.options.get('format') === 'json', { locks: holder ? [holder] : [] },
          `Database change log locks for ${driver.description}\n - ${holder ? `${holder.lockedBy ?? 'an unknown process'} since ${holder.since}` : 'No locks'}`);
        return 0;
      });
    case 'unexpected-changesets':
      return withEngine(args, async (engine, _changelog, json) => {
        const unexpected = (await engine.plan()).unknownRows;
        const where = engine.driver.description;
        // Liquibase's words (scripts grep them)
        let text = unexpected.length ? `${unexpected.length} unexpected changes were found in ${where}` : `${where} contains no unexpected changes!`;
        if (args.options.get('verbose') === 'true') text += unexpected.map((r) => `\n     ${identityOf(r)}`).join('');
        print(json, { unexpected: unexpected.map(rowJson) }, text);
        return 0;
      });
    case 'mark-next-changeset-ran':
      return withEngine(args, async (engine, _c, json) => {
        const [marked] = await engine.changelogSync({ count: 1 });
        print(json, { marked: marked ? changesetJson(marked) : null }, marked ? `Marked ${identity(marked)} as executed without running it.` : 'No changeset is pending: nothing marked.');
        return 0;
      });
    case 'update-testing-rollback':
      return withEngine(args, async (engine, changelog, json) => {
        const { ran, rolledBack, ranAgain } = await engine.updateTestingRollback();
        const ranJson = (list: typeof ran) => list.map((r) => ({ ...changesetJson(r.changeset), execType: r.execType }));
        const lines = [
          ...ran.map((r) => `${r.execType.padEnd(8)} ${identity(r.changeset)}`),
          ...rolledBack.map((r) => `ROLLED BACK ${identityOf(r)}`),
          ...ranAgain.map((r) => `${r.execType.padEnd(8)} ${identity(r.changeset)}`),
        ];
        print(json, { ran: ranJson(ran), rolledBack: rolledBack.map(rowJson), ranAgain: ranJson(ranAgain), deploymentId: engine.deploymentId },
          `${lines.join('\n')}${lines.length ? '\n' : ''}UPDATE TESTING ROLLBACK SUMMARY: ${ran.length} run, ${rolledBack.length} rolled back, ${ranAgain.length} run again, ${changelog.changesets.length} in the changelog`);
        return 0;
      });
    case 'calculate-checksum': {
      const changelog = loadRoot(args);
      let wanted = args.options.get('changeset-identifier');
      if (!wanted) {
        const path = args.options.get('changeset-path');
        const id = args.options.get('changeset-id');
        const author = args.options.get('changeset-author');
        if (!path || !id || !author) throw new UsageError('calculate-checksum needs --changeset-identifier file::id::author (or --changeset-path, --changeset-id and --changeset-author)');
        wanted = `${path}::${id}::${author}`;
      }
      const changeset = changelog.changesets.find((c) => identity(c) === wanted);
      if (!changeset) throw new EngineError(`No changeset ${wanted} in ${displayPath(changelog.root)}.`);
      const checksum = changesetChecksum(changeset);
      print(args.options.get('format') === 'json', { changeset: wanted, checksum }, checksum);
      return 0;
    }
    case 'verify': {
      const changelog = loadRoot(args);
      const json = args.options.get('format') === 'json';
      const report = await verifyRollbacks(changelog, {
        url: args.options.get('url'), username: args.options.get('username'), password: args.options.get('password'),
        contexts: parseContexts(args.options.get('contexts')), labelFilter: args.options.get('label-filter'),
        log: progress,
      });
      const problems = report.results.filter((r) => !r.ok);
      print(json, report, [
        ...report.results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.identity}${r.ok ? '' : `\n${r.differences.map((d) => `       ${d}`).join('\n')}`}`),
        problems.length ? `${problems.length} of ${report.results.length} changesets do not roll back cleanly.` : `All ${report.results.length} changesets roll back to the schema they started from.`,
      ].join('\n'));
      return problems.length ? EXIT_FAILED : 0;
    }
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case 'version':
      process.stdout.write(`pgcs ${VERSION} (DATABASECHANGELOG and checksums as Liquibase ${LIQUIBASE_VERSION} writes them; PostgreSQL 18 grammar)\n`);
      return 0;
    case undefined:
      process.stdout.write(USAGE + '\n');
      return EXIT_USAGE;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/** DATEEXECUTED as stored (a wall-clock time of the session's zone), to the second: never shifted to this machine's zone. */
function storedTime(value: Date | string): string {
  if (value instanceof Date) return value.toISOString().replace('T', ' ').slice(0, 19);
  return String(value).replace('T', ' ').slice(0, 19);
}

function historyText(rows: { deployment_id: string | null; dateexecuted: Date | string; filename: string; author: string; id: string; tag: string | null }[]): string {
  if (rows.length === 0) return 'No changesets have been applied.';
  const byDeployment = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = row.deployment_id ?? '';
    byDeployment.set(key, [...(byDeployment.get(key) ?? []), row]);
  }
  const out: string[] = [];
  for (const [deployment, list] of byDeployment) {
    out.push(`- Deployment ID: ${deployment}`);
    const table = [['Update Date', 'Changelog Path', 'Changeset Author', 'Changeset ID', 'Tag'], ...list.map((r) => [storedTime(r.dateexecuted), r.filename, r.author, r.id, r.tag ?? ''])];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const [i, row] of table.entries()) {
      out.push(row.map((cell, j) => cell.padEnd(widths[j])).join(' | ').trimEnd());
      if (i === 0) out.push(widths.map((w) => '-'.repeat(w)).join('-+-'));
    }
    out.push('');
  }
  return out.join('\n');
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = withLiquibaseDefaults(parseArguments(argv));
    const output = args.options.get('output-file');
    if (output !== undefined && args.command !== 'help') {
      try {
        outputFile = fs.openSync(nodePath.resolve(output), 'w');
      } catch (error) {
        throw new UsageError(`cannot write --output-file ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    if (args.command && !WITHOUT_SQL.has(args.command) && !PARSER_ON_DEMAND.has(args.command)) await initSqlParser();
    return await run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pgcs: ${error.message} (pgcs --help shows the usage)\n`);
      return EXIT_USAGE;
    }
    if (error instanceof EngineError) {
      process.stderr.write(`pgcs: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConnectionError || error instanceof FilterSyntaxError) {
      process.stderr.write(`pgcs: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof LockTimeoutError) {
      process.stderr.write(`pgcs: ${error.message}\n`);
      return EXIT_FAILED;
    }
    const e = error as Error & { code?: string };
    process.stderr.write(`pgcs: ${e.message}${e.code ? ` (SQLSTATE ${e.code})` : ''}\n`);
    if (process.env.PGCS_DEBUG) process.stderr.write(`${e.stack}\n`);
    return EXIT_FAILED;
  }
}

main(process.argv.slice(2)).then((code) => {
  if (outputFile !== undefined) fs.closeSync(outputFile);
  store?.save();
  keptParses?.save();
  process.exitCode = code;
});
