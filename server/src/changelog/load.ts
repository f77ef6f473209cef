import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { analyseSql } from '../sql/analyse';
import { isFormattedSql, parseFormattedSql } from './formatted-sql';
import { attachLines, LineIndex } from './line-index';
import type { ParsedFileStore } from './parsed-file-store';
import type { Change, Changelog, ChangelogFile, ChangelogKind, Changeset, Finding, Include, Range, SqlText } from './model';
import { dbmsIncludesPostgres, PropertyScope } from './properties';
import { isYamlChangelog, parseYamlChangelog, YamlChunkCache } from './yaml-changelog';
import { hiddenSlot } from './hidden-slot';

/** Where changelog text comes from: the disk, with the editor's unsaved documents laid over it. */
export interface SourceReader {
  readFile(path: string): string | undefined;
  isDirectory(path: string): boolean;
  /** names of the entries of a folder, or undefined when it is not one */
  listDirectory(path: string): string[] | undefined;
}

/**
 * Texts read from disk, kept while the file's stat is unchanged: a reload after an edit then costs one stat per
 * sqlFile instead of a read. A text is kept only when the file was last modified well before it was read, so a
 * later write, even one within the file system's timestamp granularity and of the same size, changes the stat.
 */
const diskTexts = new Map<string, { mtimeMs: number; ctimeMs: number; size: number; ino: number; text: string }>();
let diskTextBytes = 0;
const RACY_MS = 100;
const MAX_CACHED_FILE = 4 << 20;
const MAX_CACHED_BYTES = 128 << 20;

function readDisk(path: string): string | undefined {
  try {
    const stat = fs.statSync(path, { throwIfNoEntry: false });
    if (!stat || stat.isDirectory()) return undefined;
    const hit = diskTexts.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.ctimeMs === stat.ctimeMs && hit.size === stat.size && hit.ino === stat.ino) return hit.text;
    const text = fs.readFileSync(path, 'utf8');
    if (hit) {
      diskTexts.delete(path);
      diskTextBytes -= hit.text.length;
    }
    if (stat.isFile() && stat.size <= MAX_CACHED_FILE && Math.max(stat.mtimeMs, stat.ctimeMs) < Date.now() - RACY_MS) {
      if (diskTextBytes + text.length > MAX_CACHED_BYTES) {
        diskTexts.clear();
        diskTextBytes = 0;
      }
      diskTexts.set(path, { mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, size: stat.size, ino: stat.ino, text });
      diskTextBytes += text.length;
    }
    return text;
  } catch {
    return undefined;
  }
}

export const diskReader: SourceReader = {
  readFile: readDisk,
  isDirectory(path) {
    try {
      // no exception for a missing path: resolving an include tries several folders, most of which do not hold it
      return fs.statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      return false;
    }
  },
  listDirectory(path) {
    try {
      return fs.readdirSync(path);
    } catch {
      return undefined;
    }
  },
};

/**
 * The editor's view of the disk: what a path held (or that it was missing, or a folder) is trusted for `trustMs`
 * after it was read, or until forget() (the client's file watcher reported a change). A reload after a keystroke
 * then stats none of the sqlFiles of a big tree (400 stats cost more than re-reading the edited entry); a file
 * changed on disk is seen at once when the watcher reports it, and within `trustMs` when nothing does.
 */
export class TrustedDisk implements SourceReader {
  private readonly files = new Map<string, { at: number; value: string | undefined }>();
  private readonly folders = new Map<string, { at: number; value: boolean }>();

  constructor(private readonly trustMs: number, private readonly base: SourceReader = diskReader, private readonly now: () => number = Date.now) {}

  readFile(path: string): string | undefined {
    return this.trusted(this.files, path, () => this.base.readFile(path));
  }

  isDirectory(path: string): boolean {
    return this.trusted(this.folders, path, () => this.base.isDirectory(path));
  }

  /** what `known` holds for `path` while it is trusted, else what `read` answers now (kept from now on) */
  private trusted<T>(known: Map<string, { at: number; value: T }>, path: string, read: () => T): T {
    const now = this.now();
    const hit = known.get(path);
    if (hit && now - hit.at < this.trustMs) return hit.value;
    const value = read();
    known.set(path, { at: now, value });
    return value;
  }

  listDirectory(path: string): string[] | undefined {
    return this.base.listDirectory(path);
  }

  /** files changed on disk: read every path again */
  forget(): void {
    this.files.clear();
    this.folders.clear();
  }
}

export function overlayReader(open: Map<string, string>, base: SourceReader = diskReader): SourceReader {
  return {
    readFile: (path) => open.get(path) ?? base.readFile(path),
    isDirectory: (path) => base.isDirectory(path),
    listDirectory: (path) => base.listDirectory(path),
  };
}

export interface LoadOptions {
  reader?: SourceReader;
  /** absolute folders, like Liquibase's --search-path; the first one that holds the root changelog names its FILENAME */
  searchPath?: string[];
  /** -D parameters */
  properties?: Record<string, string>;
  /** a cache kept between loads so an edit re-reads only the file that changed */
  cache?: ChangelogCache;
  /**
   * false: no SQL syntax findings, and no SQL parsed while loading. For the engine's commands, which parse only
   * the SQL they are about to run (status needs none: checksums are made from the text).
   */
  analyseSql?: boolean;
  /** parsed files kept on disk between runs (the CLI's) */
  store?: ParsedFileStore;
}

/** Parsed files by path, each valid for one text and one set of visible properties. */
export class ChangelogCache {
  private readonly files = new Map<string, { text: string; propertiesKey: string; file: ChangelogFile }>();
  private readonly sqlFiles = new Map<string, { text: string; propertiesKey: string; options: string; sql: SqlText }>();

  file(path: string, text: string, propertiesKey: string, parse: () => ChangelogFile): ChangelogFile {
    const hit = this.files.get(path);
    if (hit && hit.text === text && hit.propertiesKey === propertiesKey) return hit.file;
    const file = parse();
    this.files.set(path, { text, propertiesKey, file });
    return file;
  }

  /** A sqlFile's file as a tree's files list holds it: the same object while its text is the same (a keystroke elsewhere makes none). */
  rawFile(path: string, text: string): ChangelogFile {
    let file = this.rawFiles.get(path);
    if (!file || file.text !== text) this.rawFiles.set(path, (file = { path, kind: 'raw-sql', text, changesets: [], includes: [], properties: [], findings: [] }));
    return file;
  }

  private readonly rawFiles = new Map<string, ChangelogFile>();

  clear(): void {
    this.files.clear();
    this.rawFiles.clear();
    this.sqlFiles.clear();
    this.yamlChunks.clear();
    this.lineIndexes.clear();
    this.hints.clear();
  }

  private readonly yamlChunks = new Map<string, YamlChunkCache>();
  private readonly lineIndexes = new Map<string, LineIndex>();

  private readonly hints = new Map<string, { text: string; reference?: string; relative: boolean }>();

  /** what the root changelog's first file reference is, to infer the search path (one scan per text) */
  rootHints(path: string, text: string): { reference?: string; relative: boolean } {
    let hint = this.hints.get(path);
    if (!hint || hint.text !== text) {
      const reference = /^[ \t]*-?[ \t]*(?:file|path)[ \t]*:[ \t]*["']?([^"'\s#]+)/m.exec(text)?.[1];
      const relative = /relativeToChangelogFile\s*:\s*["']?true/i.test(text);
      this.hints.set(path, (hint = { text, reference, relative }));
    }
    return hint;
  }

  /** the parsed entries of a YAML changelog's earlier versions */
  chunks(path: string): YamlChunkCache {
    let chunks = this.yamlChunks.get(path);
    if (!chunks) this.yamlChunks.set(path, (chunks = new YamlChunkCache()));
    return chunks;
  }

  /** the line index made for a file's text, if one was (lineIndex) */
  knownLineIndex(path: string, text: string): LineIndex | undefined {
    const index = this.lineIndexes.get(path);
    return index && index.text === text ? index : undefined;
  }

  /** the line index of a file's current text (one per file: a new text replaces the old index, made from it) */
  lineIndex(path: string, text: string): LineIndex {
    let index = this.lineIndexes.get(path);
    if (!index || index.text !== text) this.lineIndexes.set(path, (index = index ? LineIndex.after(index, text) : new LineIndex(text)));
    return index;
  }

  sql(path: string, text: string, propertiesKey: string, options: string, make: () => SqlText): SqlText {
    const key = `${path}\u0000${options}`;
    const hit = this.sqlFiles.get(key);
    if (hit && hit.text === text && hit.propertiesKey === propertiesKey) return hit.sql;
    const sql = make();
    this.sqlFiles.set(key, { text, propertiesKey, options, sql });
    return sql;
  }
}

/** YAML changelogs from this size on are parsed entry by entry, reusing the entries an edit did not touch */
const CHUNKED_YAML_MIN_LENGTH = 32 * 1024;

const CHANGELOG_EXTENSIONS = ['.yaml', '.yml', '.json', '.sql', '.xml'];

/** Reads a changelog and everything it includes into one model, in Liquibase's execution order. Never throws. */
export function loadChangelog(rootPath: string, options: LoadOptions = {}): Changelog {
  const loader = new ChangelogLoader(nodePath.resolve(rootPath), options);
  for (const steps = loader.load(); !steps.next().done; );
  return loader.changelog;
}

/**
 * loadChangelog, with `pause()` awaited between files once a few milliseconds have passed since the last: what
 * waits on this thread meanwhile goes on (the CLI's database session connects and reads the applied rows while a
 * changelog loads).
 */
export async function loadChangelogWhileWaiting(rootPath: string, options: LoadOptions, pause: () => Promise<void>, everyMs = PAUSE_EVERY_MS): Promise<Changelog> {
  const loader = new ChangelogLoader(nodePath.resolve(rootPath), options);
  let since = performance.now();
  for (const steps = loader.load(); !steps.next().done; ) {
    if (performance.now() - since < everyMs) continue;
    await pause();
    since = performance.now();
  }
  return loader.changelog;
}

/** loadChangelogWhileWaiting lets other work run this often (a database round trip's work is well under it) */
const PAUSE_EVERY_MS = 2;

class ChangelogLoader {
  private readonly reader: SourceReader;
  private readonly cache: ChangelogCache;
  readonly changelog: Changelog;
  private readonly searchRoots: string[];
  private readonly stack: string[] = [];

  constructor(private readonly root: string, private readonly options: LoadOptions) {
    this.reader = onceReader(options.reader ?? diskReader);
    this.cache = options.cache ?? new ChangelogCache();
    this.changelog = { root, files: new Map(), sqlFiles: new Map(), changesets: [], findings: [] };
    this.searchRoots = (options.searchPath ?? []).map((p) => nodePath.resolve(p));
  }

  /** loads into `changelog`, a step for each file read */
  *load(): Generator<void, void, void> {
    const scope = new PropertyScope(this.options.properties ?? {});
    const text = this.reader.readFile(this.root);
    if (text === undefined) {
      this.changelog.findings.push({
        rule: 'missing-file', severity: 'error', message: `Cannot read changelog ${this.root}.`, file: this.root,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      });
      return;
    }
    yield* this.visit(this.root, text, this.rootLogicalPath(text), scope, [], []);
    this.checkDuplicateIdentities();
    for (const file of this.changelog.files.values()) for (const finding of file.findings) this.changelog.findings.push(finding);
  }

  /** DATABASECHANGELOG.FILENAME of the root: its path relative to the search path root that holds it */
  private rootLogicalPath(text: string): string {
    const holder = this.searchRoots.find((r) => isInside(this.root, r)) ?? this.inferSearchRoot(text);
    return toPosix(nodePath.relative(holder, this.root));
  }

  /**
   * With no search path given (the editor), find the folder Liquibase would have been run from: the nearest
   * ancestor under which the root's first search-path-relative include exists, else a Maven/Gradle resources
   * folder, else the changelog's own folder.
   */
  private inferSearchRoot(text: string): string {
    const dir = nodePath.dirname(this.root);
    const { reference, relative } = this.cache.rootHints(this.root, text);
    if (reference && !relative) {
      const clean = stripClasspath(reference);
      for (let d = dir, i = 0; i < 8; i++, d = nodePath.dirname(d)) {
        if (this.exists(nodePath.join(d, clean))) {
          this.searchRoots.push(d);
          return d;
        }
        if (nodePath.dirname(d) === d) break;
      }
    }
    const resources = /^(.*[\\/]src[\\/](?:main|test)[\\/]resources)(?:[\\/]|$)/.exec(dir)?.[1];
    if (resources) return resources;
    return dir;
  }

  private *visit(path: string, text: string, logicalPath: string, scope: PropertyScope, contexts: string[], labels: string[]): Generator<void, void, void> {
    if (this.stack.includes(path)) return;
    this.stack.push(path);
    const kind = kindOf(path, text);
    if (kind === undefined) {
      this.stack.pop();
      return;
    }
    let file = this.cache.file(path, text, scope.key(), () => this.parse(path, text, kind, logicalPath, scope));
    if (kind === 'yaml' || kind === 'formatted-sql') {
      const before = scope.key();
      for (const p of file.properties) scope.define(p);
      // Liquibase reads a formatted file's --property lines before it substitutes ${…} in that file
      if (kind === 'formatted-sql' && scope.key() !== before && text.includes('${')) {
        file = this.cache.file(path, text, scope.key(), () => this.parse(path, text, kind, logicalPath, scope));
      }
    }
    this.changelog.files.set(path, file);
    yield;
    // the index the YAML reader used (made from the previous text's): the lint and the quick fixes read it from the file
    const lines = this.cache.knownLineIndex(path, text);
    if (lines) attachLines(file, lines);

    const fileLogicalPath = (file as ChangelogFile & { logicalFilePath?: string }).logicalFilePath ?? logicalPath;
    // changesets and includes in the order they are written (both lists are in document order already)
    const { changesets, includes } = file;
    const before = (a: Range, b: Range) => a.start.line < b.start.line || (a.start.line === b.start.line && a.start.character < b.start.character);
    for (let c = 0, i = 0; c < changesets.length || i < includes.length; ) {
      if (i < includes.length && (c >= changesets.length || before(includes[i].range, changesets[c].range))) {
        yield* this.followInclude(includes[i++], path, logicalPath, scope, contexts, labels);
        continue;
      }
      const changeset = changesets[c++];
      changeset.logicalPath = changeset.attributes.logicalFilePath ?? fileLogicalPath;
      changeset.inheritedContexts = contexts;
      changeset.inheritedLabels = labels;
      changeset.index = this.changelog.changesets.length;
      this.changelog.changesets.push(changeset);
      for (const change of changeset.changes) this.resolveChangeFile(change, path, scope, changeset);
      if (changeset.rollback.kind === 'changes') for (const change of changeset.rollback.changes) this.resolveChangeFile(change, path, scope, changeset);
      if (this.options.analyseSql !== false) this.analyseChangeset(changeset);
    }
    this.stack.pop();
  }

  private parse(path: string, text: string, kind: ChangelogKind, logicalPath: string, scope: PropertyScope): ChangelogFile {
    const store = this.options.store;
    // A formatted SQL file is parsed again rather than kept: its parse is a scan of its lines, quicker than decoding
    // the kept model, which holds its SQL again (the 10 MB bench tree: 141 ms parsing against 209 ms decoding, and a
    // 20 MB pack written again after every edit; a lint of it with one file edited 3.5 -> 3.3 s).
    if (!store || kind !== 'yaml') return this.parseText(path, text, kind, logicalPath, scope);
    return store.file(path, kind, text, logicalPath, scope.key(), () => this.parseText(path, text, kind, logicalPath, scope));
  }

  private parseText(path: string, text: string, kind: ChangelogKind, logicalPath: string, scope: PropertyScope): ChangelogFile {
    if (kind === 'yaml') {
      // entry by entry only where it pays: a small file is parsed whole faster than it is compared and split
      const chunks = text.length >= CHUNKED_YAML_MIN_LENGTH ? this.cache.chunks(path) : undefined;
      return parseYamlChangelog(path, text, { logicalPath, properties: scope, lines: this.cache.lineIndex(path, text), chunks });
    }
    if (kind === 'formatted-sql') return parseFormattedSql(path, text, { logicalPath, properties: (t: string) => scope.expand(t) });
    return rawSqlChangelog(path, text, logicalPath, scope);
  }

  private *followInclude(include: Include, from: string, fromLogical: string, scope: PropertyScope, contexts: string[], labels: string[]): Generator<void, void, void> {
    const childContexts = include.context ? [...contexts, include.context] : contexts;
    const childLabels = include.labels ? [...labels, include.labels] : labels;
    const resolved = this.resolve(include.path, from, include.relativeToChangelogFile);
    include.resolvedPath = resolved;
    if (include.kind === 'include') {
      if (!resolved || this.reader.isDirectory(resolved)) {
        if (include.errorIfMissing) this.missing(include.pathRange, from, `Included file '${include.path}' not found${this.where(include.relativeToChangelogFile, from)}.`);
        return;
      }
      const text = this.reader.readFile(resolved)!;
      if (this.stack.includes(resolved)) {
        this.report(from, include.pathRange, 'include-cycle', `'${include.path}' includes this file again (include cycle); Liquibase would loop.`);
        return;
      }
      yield* this.visit(resolved, text, this.childLogicalPath(include.path, fromLogical, include.relativeToChangelogFile), scope, childContexts, childLabels);
      return;
    }
    if (!resolved || !this.reader.isDirectory(resolved)) {
      if (include.errorIfMissing) this.missing(include.pathRange, from, `Folder '${include.path}' for includeAll not found${this.where(include.relativeToChangelogFile, from)}.`);
      return;
    }
    const files = this.listChangelogs(resolved);
    include.files = files;
    if (files.length === 0 && include.errorIfMissing) {
      this.missing(include.pathRange, from, `includeAll folder '${include.path}' holds no changelog files.`);
    }
    const folderLogical = this.childLogicalPath(include.path, fromLogical, include.relativeToChangelogFile);
    for (const file of files) {
      if (file === from) continue;
      const text = this.reader.readFile(file);
      if (text === undefined) continue;
      const logical = toPosix(nodePath.join(folderLogical, nodePath.relative(resolved, file)));
      yield* this.visit(file, text, logical, scope, childContexts, childLabels);
    }
  }

  /** includeAll: every changelog file below the folder, sorted by path as Liquibase sorts them */
  private listChangelogs(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string, depth: number) => {
      if (depth > 32) return;
      for (const name of this.reader.listDirectory(d) ?? []) {
        const full = nodePath.join(d, name);
        if (this.reader.isDirectory(full)) walk(full, depth + 1);
        else if (CHANGELOG_EXTENSIONS.includes(nodePath.extname(name).toLowerCase())) out.push(full);
      }
    };
    walk(dir, 0);
    const rel = (p: string) => toPosix(nodePath.relative(dir, p));
    return out.sort((a, b) => (rel(a) < rel(b) ? -1 : rel(a) > rel(b) ? 1 : 0));
  }

  private resolveChangeFile(change: Change, from: string, scope: PropertyScope, changeset: Changeset): void {
    if (change.type !== 'sqlFile' && !(change.type === 'createView' && change.params.path) && !(change.type === 'createProcedure' && change.params.path)) return;
    const written = change.params.path?.value;
    if (typeof written !== 'string' || !written) return;
    // the same change (a cached changeset), the same file next to the same changelog, the same text: the same SqlText
    const last = resolvedSql.get(change);
    if (last && last.from === from && last.written === written && last.scope === scope.key() && this.reader.readFile(last.path) === last.raw) {
      change.resolvedPath = last.path;
      change.sql = last.sql;
      this.useSqlFile(change, last.path, last.raw);
      return;
    }
    const relative = change.params.relativeToChangelogFile?.value === true || String(change.params.relativeToChangelogFile?.value) === 'true';
    const resolved = this.resolve(written, from, relative);
    if (!resolved || this.reader.isDirectory(resolved)) {
      change.resolvedPath = undefined;
      this.missing(change.pathRange ?? change.typeRange, from, `SQL file '${written}' not found${this.where(relative, from)}.`, changeset);
      return;
    }
    change.resolvedPath = resolved;
    const raw = this.reader.readFile(resolved) ?? '';
    const options = {
      splitStatements: change.type === 'sqlFile' ? boolParam(change, 'splitStatements') ?? true : false,
      stripComments: boolParam(change, 'stripComments') ?? false,
      endDelimiter: change.params.endDelimiter?.value != null ? String(change.params.endDelimiter.value) : undefined,
    };
    change.sql = this.cache.sql(resolved, raw, scope.key(), JSON.stringify(options), () => {
      // Liquibase hashes the file as written (BOM removed) but executes it with ${…} expanded
      const bom = raw.charCodeAt(0) === 0xfeff ? 1 : 0;
      const body = raw.slice(bom);
      const identity = new Int32Array(body.length + 1).map((_, i) => i);
      const expanded = scope.expandWithOffsets(body, identity);
      return {
        text: expanded.text,
        checksumText: expanded.text === body ? undefined : body,
        file: resolved,
        offsets: expanded.text === body ? undefined : expanded.offsets,
        baseOffset: bom,
        ...options,
      };
    });
    // only a path found next to the changelog is sure to be found there again while the file exists
    if (relative) resolvedSql.set(change, { from, written, scope: scope.key(), path: resolved, raw, sql: change.sql });
    else resolvedSql.delete(change);
    this.useSqlFile(change, resolved, raw);
  }

  private useSqlFile(change: Change, path: string, raw: string): void {
    const users = this.changelog.sqlFiles.get(path);
    if (users) users.push(change);
    else this.changelog.sqlFiles.set(path, [change]);
    if (!this.changelog.files.has(path)) this.changelog.files.set(path, this.cache.rawFile(path, raw));
  }

  private analyseChangeset(changeset: Changeset): void {
    for (const change of changeset.changes) if (change.sql) this.analyse(change.sql, changeset);
    if (changeset.rollback.kind === 'changes') for (const change of changeset.rollback.changes) if (change.sql) this.analyse(change.sql, changeset);
    if (changeset.preconditions) this.analyseConditions(changeset.preconditions.conditions, changeset);
  }

  private analyseConditions(conditions: NonNullable<Changeset['preconditions']>['conditions'], changeset: Changeset): void {
    for (const c of conditions) {
      if (c.sql) this.analyse(c.sql, changeset);
      this.analyseConditions(c.nested, changeset);
    }
  }

  private analyse(sql: SqlText, changeset: Changeset): void {
    // a SqlText is parsed once (sql.parsed) and its findings depend only on that: a clean one stays clean
    const clean = cleanParse.get(sql);
    if (clean !== undefined && clean === sql.parsed) return;
    const findings = analyseSql(sql, this.lineIndex(sql.file));
    if (!findings.length) {
      if (sql.parsed !== undefined) cleanParse.set(sql, sql.parsed);
      return;
    }
    const identity = { id: changeset.id, author: changeset.author };
    for (const finding of findings) this.changelog.findings.push({ ...finding, changeset: identity });
  }

  private lineIndex(path: string): LineIndex {
    return this.cache.lineIndex(path, this.changelog.files.get(path)?.text ?? this.reader.readFile(path) ?? '');
  }

  private checkDuplicateIdentities(): void {
    const seen = new Map<string, Changeset>();
    for (const changeset of this.changelog.changesets) {
      if (!changeset.id) continue;
      // Liquibase's ValidatingVisitor only sees changesets that pass the DBMS filter, and skips ignored ones
      if (changeset.attributes.ignore || (changeset.attributes.dbms && !dbmsIncludesPostgres(changeset.attributes.dbms))) continue;
      const key = identityKey(changeset);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, changeset);
        continue;
      }
      const at = (c: Changeset) => `${nodePath.basename(c.file)}:${c.headerRange.start.line + 1}`;
      this.changelog.findings.push({
        rule: 'duplicate-changeset', severity: 'error',
        message: `Duplicate changeset identity ${key}: also defined at ${at(first)}. Liquibase refuses the changelog (validation failed: duplicate identifiers).`,
        file: changeset.file, range: changeset.idRange ?? changeset.headerRange, changeset: { id: changeset.id, author: changeset.author },
      });
    }
  }

  private resolve(written: string, from: string, relativeToChangelogFile: boolean): string | undefined {
    const clean = stripClasspath(written);
    if (relativeToChangelogFile) {
      const p = nodePath.resolve(nodePath.dirname(from), clean);
      return this.exists(p) ? p : undefined;
    }
    if (nodePath.isAbsolute(written) && this.exists(written)) return written;
    const candidates = [...this.searchRoots];
    // Liquibase resolves against its search path; the editor has none, so also try the folders around the changelog
    for (let d = nodePath.dirname(this.root), i = 0; i < 8; i++, d = nodePath.dirname(d)) {
      candidates.push(d);
      if (nodePath.dirname(d) === d) break;
    }
    candidates.push(nodePath.dirname(from));
    for (const root of candidates) {
      const p = nodePath.resolve(root, clean);
      if (this.exists(p)) return p;
    }
    return undefined;
  }

  private childLogicalPath(written: string, fromLogical: string, relativeToChangelogFile: boolean): string {
    const clean = stripClasspath(written);
    if (!relativeToChangelogFile) return toPosix(nodePath.posix.normalize(clean));
    return toPosix(nodePath.posix.normalize(nodePath.posix.join(nodePath.posix.dirname(fromLogical), clean)));
  }

  private exists(path: string): boolean {
    return this.reader.readFile(path) !== undefined || this.reader.isDirectory(path);
  }

  private where(relative: boolean, from: string): string {
    if (relative) return ` next to ${nodePath.basename(from)}`;
    return this.searchRoots.length ? ` on the search path (${this.searchRoots.join(', ')})` : ' relative to the changelog or any folder above it';
  }

  private missing(range: Range, file: string, message: string, changeset?: Changeset): void {
    this.report(file, range, 'missing-file', message, changeset);
  }

  private report(file: string, range: Range, rule: string, message: string, changeset?: Changeset): void {
    const finding: Finding = { rule, severity: 'error', message, file, range };
    if (changeset) finding.changeset = { id: changeset.id, author: changeset.author };
    this.changelog.findings.push(finding);
  }
}

/** sqlFile changes resolved next to their changelog: where, from which text, into which SqlText */
const resolvedSql = new WeakMap<Change, { from: string; written: string; scope: string; path: string; raw: string; sql: SqlText }>();

/**
 * `FILENAME::id::author`, kept on each changeset (it is asked for on every load) under a symbol, not enumerable
 * (JSON, copies and comparisons do not see it): cheaper than a WeakMap lookup per changeset per keystroke
 */
const identityKeys = hiddenSlot<{ logicalPath: string; id: string; author: string; key: string }>('identityKey');

function identityKey(changeset: Changeset): string {
  const { logicalPath, id, author } = changeset;
  const known = identityKeys.get(changeset);
  if (known && known.logicalPath === logicalPath && known.id === id && known.author === author) return known.key;
  const key = `${logicalPath}::${id}::${author}`;
  identityKeys.set(changeset, { logicalPath, id, author, key });
  return key;
}

/**
 * On a SqlText whose analysis found nothing: the parse it found nothing in (analyseSql's findings depend only on
 * that). Kept on the SqlText under a symbol, not enumerable (JSON, copies and comparisons do not see it): a WeakSet
 * lookup per SqlText per keystroke (2,400 in the benchmark) cost ~0.3 ms.
 */
const cleanParse = hiddenSlot<unknown>('cleanParse');

/** Within one load, each path is read and tested once (a readable file is no folder). */
function onceReader(base: SourceReader): SourceReader {
  const texts = new Map<string, string | undefined>();
  const folders = new Map<string, boolean>();
  const readFile = (path: string) => {
    if (texts.has(path)) return texts.get(path);
    const text = base.readFile(path);
    texts.set(path, text);
    return text;
  };
  return {
    readFile,
    isDirectory(path) {
      let folder = folders.get(path);
      if (folder === undefined) {
        folder = texts.get(path) === undefined && base.isDirectory(path);
        folders.set(path, folder);
      }
      return folder;
    },
    listDirectory: (path) => base.listDirectory(path),
  };
}

/** A plain .sql file included by include/includeAll: one changeset `raw` by `includeAll`, run as one statement. */
function rawSqlChangelog(path: string, text: string, logicalPath: string, scope: PropertyScope): ChangelogFile {
  const lines = new LineIndex(text);
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = text.slice(bom);
  const identity = new Int32Array(body.length + 1).map((_, i) => i);
  const expanded = scope.expandWithOffsets(body, identity);
  const whole = lines.range(bom, text.length);
  const sql: SqlText = {
    text: expanded.text,
    checksumText: expanded.text === body ? undefined : body,
    file: path,
    offsets: expanded.text === body ? undefined : expanded.offsets,
    baseOffset: bom,
    splitStatements: false,
    stripComments: false,
  };
  const changeset: Changeset = {
    id: 'raw', author: 'includeAll', file: path, logicalPath, kind: 'raw-sql', range: whole,
    headerRange: lines.range(bom, lines.lineEnd(0)), attributes: { validCheckSum: [] }, inheritedContexts: [], inheritedLabels: [],
    changes: [{ type: 'sql', range: whole, typeRange: whole, params: {}, raw: body, sql }], rollback: { kind: 'none' }, index: 0,
  };
  const findings: Finding[] = [];
  if (!body.trim()) findings.push({ rule: 'empty-sql-file', severity: 'error', message: 'An included SQL file is empty; Liquibase rejects it.', file: path, range: whole });
  return { path, kind: 'raw-sql', text, changesets: [changeset], includes: [], properties: [], findings };
}

export function allChanges(changeset: Changeset): Change[] {
  return changeset.rollback.kind === 'changes' ? [...changeset.changes, ...changeset.rollback.changes] : changeset.changes;
}

export function kindOf(path: string, text: string): ChangelogKind | undefined {
  const ext = nodePath.extname(path).toLowerCase();
  if (ext === '.sql') return isFormattedSql(text) ? 'formatted-sql' : 'raw-sql';
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'yaml';
  if (isYamlChangelog(text)) return 'yaml';
  return undefined;
}

function boolParam(change: Change, name: string): boolean | undefined {
  const v = change.params[name]?.value;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.toLowerCase() === 'true' ? true : v.toLowerCase() === 'false' ? false : undefined;
  return undefined;
}

function stripClasspath(path: string): string {
  return path.replace(/^classpath\*?:/, '').replace(/^\/+(?=[^/])/, (m) => (m && path.startsWith('classpath') ? '' : m));
}

function isInside(path: string, dir: string): boolean {
  const rel = nodePath.relative(dir, path);
  return !!rel && !rel.startsWith('..') && !nodePath.isAbsolute(rel);
}

function toPosix(p: string): string {
  return p.split(nodePath.sep).join('/');
}
