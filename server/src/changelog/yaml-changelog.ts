import { Alias, Document, isAlias, isMap, isScalar, isSeq, Node, Pair, Scalar, visit, YAMLMap } from 'yaml';
import {
  changelogItemKeys, changeSetKeys, changesWithColumns, changeTypes, columnKeys, constraintKeys, includeAllKeys, includeKeys,
  preconditionAttributes, preconditionTypes, propertyKeys,
} from './change-catalogue';
import { suggestion } from './did-you-mean';
import { commonPrefix, commonSuffix, LineIndex } from './line-index';
import type {
  Change, ChangelogFile, Changeset, ChangesetAttributes, Finding, Include, ParamValue, Position, Precondition, Preconditions,
  PropertyDefinition, Range, Rollback, Severity, SqlText,
} from './model';
import { dbmsIncludesPostgres, PropertyScope } from './properties';
import { hasAnchorsOrAliases, parseYamlDocument } from './yaml-fast';
import { scalarOffsets } from './yaml-scalar';

export interface YamlParseOptions {
  /** DATABASECHANGELOG.FILENAME for this file */
  logicalPath: string;
  properties: PropertyScope;
  /** the file's line index, when the caller has one for this text already */
  lines?: LineIndex;
  /**
   * What earlier versions of this file parsed into. With it, a changelog whose top level is the usual
   * `databaseChangeLog:` list is parsed entry by entry, and an entry whose text did not change is not parsed or
   * read again: an edit costs one changeset, not the whole file.
   */
  chunks?: YamlChunkCache;
}

/** Does this YAML text look like a Liquibase changelog (rather than any other YAML file)? */
export function isYamlChangelog(text: string): boolean {
  return /^[ \t]*["']?databaseChangeLog["']?[ \t]*:/m.test(text);
}

type Entry = { key: string; keyNode: Node | null; value: Node | null; pair: Pair };

const SQL_CHANGE_DEFAULTS = { splitStatements: true, stripComments: false };

// SnakeYAML, which Liquibase uses, reads YAML 1.1: `yes`/`on` are booleans, `010` is octal
// SnakeYAML's YAML 1.1 booleans: yes/no, on/off, true/false in three casings, but not the single letters
// y/n that the yaml library's 1.1 schema also takes (a column named `n` must stay a string).
const snakeYamlBooleans = [true, false].map((value) => ({
  identify: (v: unknown) => v === value,
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: value ? /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/ : /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  resolve: () => value,
  stringify: () => String(value),
}));

export const YAML_OPTIONS = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  prettyErrors: false,
  customTags: (tags: any[]) => [...snakeYamlBooleans, ...tags.filter((t) => t.tag !== 'tag:yaml.org,2002:bool')],
} as const;

/** Parses one YAML changelog file into the model. Never throws: problems become findings. */
export function parseYamlChangelog(path: string, text: string, options: YamlParseOptions): ChangelogFile {
  return new YamlChangelogReader(path, text, options).read();
}

/** The model of one `databaseChangeLog` entry, as read at `offset`/`line` of the file. */
interface ItemResult {
  changesets: Changeset[];
  includes: Include[];
  preconditions?: Preconditions;
  logicalFilePath?: string;
  findings: Finding[];
}

interface CachedItem {
  /** the property values and logical path the entry was read with */
  key: string;
  offset: number;
  line: number;
  result: ItemResult;
  /** every position and inline SqlText of `result`, to move it when the entry moved in the file */
  positions: Position[];
  sqlTexts: SqlText[];
}

interface ChunkDocument {
  /** the text parsed cleanly into one list entry, with no anchor or alias */
  ok: boolean;
  /** the entry has a `property` key (read before all other entries) */
  hasProperty: boolean;
  /** the parsed YAML; dropped once the entry is read (memory), parsed again if it must be read again */
  doc?: Document.Parsed;
  item?: Node;
}

/** One entry of the top-level list: [start, end) of the file's text. */
interface Chunk {
  start: number;
  end: number;
  source: string;
  parsed?: ChunkDocument;
  cached?: CachedItem;
  /** what the flow nesting check's scan does over the entry, entered outside or inside a double-quoted scalar */
  flow?: FlowNesting;
  flowQuoted?: FlowNesting;
}

/**
 * The previous version of one changelog file, entry by entry. The next version is compared with it: the entries
 * before and after the edited stretch keep their parsed YAML and their model, moved to their new place.
 */
export class YamlChunkCache {
  text?: string;
  chunks: Chunk[] = [];
  /** the column of the list's `-` */
  indent = -1;
}

/**
 * Where the entries of the top-level `databaseChangeLog:` list start and end, when the file is just that list
 * (comments allowed). A line that starts with the list's indentation and `-` always starts a new entry there: a
 * block scalar or a nested collection of the previous entry must be indented more. Anything unusual (document
 * markers, directives, other top-level keys, a flow list) gives undefined: the file is parsed whole.
 */
function splitEntries(text: string): { chunks: Chunk[]; indent: number } | undefined {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // the header: comments, blank lines, then `databaseChangeLog:` alone on its line
  for (;;) {
    if (at >= text.length) return undefined;
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    const line = text.slice(at, next);
    at = next + 1;
    if (/^\s*(?:#.*)?$/.test(line)) continue;
    if (!/^["']?databaseChangeLog["']?[ \t]*:[ \t]*(?:#.*)?\r?$/.test(line)) return undefined;
    break;
  }
  // the first entry gives the indentation
  for (;;) {
    if (at >= text.length) return undefined;
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    let i = at;
    while (i < next && text.charCodeAt(i) === 32) i++;
    if (isBlankRest(text, i, next)) {
      at = next + 1;
      continue;
    }
    if (text.charCodeAt(i) !== 45 /* - */ || !isEntryDash(text, i + 1, next)) return undefined;
    const indent = i - at;
    const chunks = splitFrom(text, at, text.length, indent);
    return chunks && { chunks, indent };
  }
}

/** The entries in [from, to), which starts with an entry's first line; undefined when the stretch breaks the shape. */
function splitFrom(text: string, from: number, to: number, indent: number): Chunk[] | undefined {
  const starts: number[] = [];
  let at = from;
  while (at < to) {
    let next = text.indexOf('\n', at);
    if (next < 0 || next > to) next = to;
    // only the first indent + 1 characters matter: less indented, an entry, or deeper
    let i = at;
    const limit = Math.min(at + indent, next);
    while (i < limit && text.charCodeAt(i) === 32) i++;
    if (i < at + indent) {
      // less indented than the list: only a blank or comment line may be here
      if (!isBlankRest(text, i, next)) return undefined;
    } else {
      const c = text.charCodeAt(i);
      if (c === 45 /* - */ && i < next && isEntryDash(text, i + 1, next)) starts.push(at);
      else if (c !== 32 && c !== 35 /* # */ && !isBlankRest(text, i, next)) return undefined;
      if (indent === 0 && (text.startsWith('---', at) || text.startsWith('...', at) || c === 37 /* % */)) return undefined;
    }
    at = next + 1;
  }
  if (!starts.length || starts[0] !== from) return undefined;
  return starts.map((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : to;
    // (every field from the start: all entries have one shape)
    return { start, end, source: text.slice(start, end), parsed: undefined, cached: undefined, flow: undefined, flowQuoted: undefined };
  });
}

/** nothing but blanks, an optional comment and the line break from i to the end of the line */
function isBlankRest(text: string, i: number, lineEnd: number): boolean {
  for (; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) return true;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** after a `-`: a blank or the end of the line (so `-foo` and `---` are not list entries) */
function isEntryDash(text: string, i: number, lineEnd: number): boolean {
  const c = text.charCodeAt(i);
  return i >= lineEnd || c === 32 || c === 9 || c === 13;
}

/**
 * The entries of the new text, reusing those of the previous version that are still there verbatim: the common
 * entries at the start, and at the end (moved by the change in length). Only the stretch between is split again.
 */
function splitEdited(text: string, cache: YamlChunkCache, lines: LineIndex): { chunks: Chunk[]; indent: number } | undefined {
  const old = cache.chunks;
  const fresh = () => {
    const split = splitEntries(text);
    if (split && old.length) reuseBySource(split.chunks, old);
    return split;
  };
  if (!cache.text || !old.length || cache.indent < 0) return fresh();
  const delta = text.length - cache.text.length;
  const previous = cache.text;
  // the common start and end of both versions
  const shorter = Math.min(text.length, previous.length);
  // (the line index of this text was made from the previous one's: it compared the same two versions)
  const known = lines.takeEdit(previous);
  const prefix = known ? known.prefix : commonPrefix(text, previous, shorter);
  if (prefix === shorter && delta === 0) return { chunks: old, indent: cache.indent };
  const suffix = known ? known.suffix : commonSuffix(text, previous, shorter - prefix);
  // the header must be as before (with the first entry's line, it fixes the indentation)
  if (prefix < old[0].start) return fresh();
  // entries wholly inside the common start are unchanged; so are those wholly inside the common end, moved
  let head = 0;
  while (head < old.length && old[head].end <= prefix) head++;
  let tail = old.length;
  const unchangedAfter = (c: Chunk) => {
    const start = c.start + delta;
    // at the start of a line, or a blank before it would make its `-` part of another entry
    return c.start >= previous.length - suffix && start > 0 && text.charCodeAt(start - 1) === 10;
  };
  while (tail > head && unchangedAfter(old[tail - 1])) tail--;
  // the last unchanged entry before the edit may grow (if its successor's `-` was removed): split it again too;
  // the first unchanged entry after the edit starts with `-` at the list's indentation, so it stays an entry
  const first = Math.max(0, head - 1);
  const from = old[first].start;
  const to = tail < old.length ? old[tail].start + delta : text.length;
  if (to < from) return fresh();
  const middle = splitFrom(text, from, to, cache.indent);
  if (!middle) return fresh();
  reuseBySource(middle, old.slice(first, tail));
  // (the entries after the edit, 1,000 of them after a keystroke in the middle of a big file: built field by field,
  // in one list, a spread per entry and three spread lists cost ~0.3 ms an edit)
  const chunks = old.slice(0, first);
  for (const c of middle) chunks.push(c);
  for (let k = tail; k < old.length; k++) {
    const c = old[k];
    chunks.push({ start: c.start + delta, end: c.end + delta, source: c.source, parsed: c.parsed, cached: c.cached, flow: c.flow, flowQuoted: c.flowQuoted });
  }
  return { chunks, indent: cache.indent };
}

/** new entries whose text an old entry had take its parsed YAML and model */
function reuseBySource(chunks: Chunk[], old: Chunk[]): void {
  const bySource = new Map<string, Chunk[]>();
  for (const c of old) {
    const list = bySource.get(c.source);
    if (list) list.push(c);
    else bySource.set(c.source, [c]);
  }
  for (const c of chunks) {
    const match = bySource.get(c.source)?.shift();
    if (match) {
      c.parsed = match.parsed;
      c.cached = match.cached;
      c.flow = match.flow;
      c.flowQuoted = match.flowQuoted;
    }
  }
}

function parseChunk(source: string): ChunkDocument {
  const doc = parseYamlDocument(source, YAML_OPTIONS);
  const list = doc.contents;
  if (doc.errors.length || !isSeq(list) || list.items.length !== 1) return { ok: false, doc, hasProperty: false };
  // the block reader knows whether it made an anchor or alias; a document parseDocument made is walked
  const known = hasAnchorsOrAliases(doc);
  let clean = known === false;
  if (known === undefined) {
    clean = true;
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node) || node.anchor) {
          clean = false;
          return visit.BREAK;
        }
      },
    });
  }
  const item = list.items[0] as Node;
  const hasProperty = isMap(item) && item.items.some((pair) => isScalar(pair.key) && pair.key.value === 'property');
  return clean ? { ok: true, doc, item, hasProperty } : { ok: false, doc, hasProperty };
}

class YamlChangelogReader {
  private readonly lines: LineIndex;
  /** where findings go: the file's list, or the list of the entry being read */
  private sink: Finding[] = [];
  private doc?: Document.Parsed;
  private currentChangeset?: { id: string; author: string };
  private logicalPath: string;
  /** chunked parsing: the offset in the file of the text the current nodes were parsed from, and that text */
  private base = 0;
  private source: string;
  /** while an entry is read for the cache: every position and inline SqlText it creates */
  private recorder?: { positions: Position[]; sqlTexts: SqlText[] };

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly options: YamlParseOptions,
  ) {
    this.lines = options.lines?.text === text ? options.lines : new LineIndex(text);
    this.logicalPath = options.logicalPath;
    this.source = text;
  }

  read(): ChangelogFile {
    const file: ChangelogFile = {
      path: this.path,
      kind: 'yaml',
      text: this.text,
      changesets: [],
      includes: [],
      properties: [],
      findings: this.sink,
    };
    const cache = this.options.chunks;
    const split = cache && splitEdited(this.text, cache, this.lines);
    const tooDeep = split ? flowNestingBeyondEntries(this.text, split.chunks, MAX_FLOW_NESTING) : flowNestingBeyond(this.text, MAX_FLOW_NESTING);
    if (tooDeep >= 0) {
      // the yaml library recovers from its own stack overflow, with errors that vary from run to run
      this.sink.push({
        rule: 'yaml-syntax', severity: 'error', file: this.path, range: this.lines.range(tooDeep, tooDeep + 1),
        message: `YAML nested more than ${MAX_FLOW_NESTING} levels deep here; Liquibase's YAML reader (SnakeYAML) stops at 50.`,
      });
      return file;
    }
    if (!(cache && this.readChunked(file, cache, split))) this.readWhole(file);
    // includes and changesets are interleaved in execution order; keep the position of each include
    file.includes.sort((a, b) => compare(a.range, b.range));
    if (this.logicalPath !== this.options.logicalPath) (file as ChangelogFile & { logicalFilePath?: string }).logicalFilePath = this.logicalPath;
    return file;
  }

  private readWhole(file: ChangelogFile): void {
    const doc = (this.doc = parseYamlDocument(this.text, YAML_OPTIONS));
    for (const error of doc.errors) {
      const [start, end] = error.pos;
      this.report('yaml-syntax', 'error', firstLine(error.message), this.range(start, Math.max(end, start + 1)));
    }
    this.reportWarnings(doc);
    const root = this.resolve(doc.contents);
    if (!root) return;
    if (!isMap(root)) {
      this.report('not-a-changelog', 'error', 'A YAML changelog must be a mapping with a `databaseChangeLog` key.', this.rangeOf(root));
      return;
    }
    const top = this.entries(root).find((e) => e.key === 'databaseChangeLog');
    if (!top) {
      this.report('not-a-changelog', 'error', 'A YAML changelog needs a top-level `databaseChangeLog` key.', this.rangeOf(root));
      return;
    }
    const list = this.resolve(top.value);
    if (!list) return; // an empty changelog is valid
    if (!isSeq(list)) {
      this.report('invalid-value', 'error', '`databaseChangeLog` must be a list of changeSet, include, includeAll and property entries.', this.rangeOf(top.value ?? top.keyNode));
      return;
    }
    const items = list.items.map((item) => this.resolve(item as Node));
    this.readProperties(file, items);
    const fileFindings = this.sink;
    for (const item of items) {
      const result = this.readItem(item, file);
      this.apply(file, result);
    }
    this.sink = fileFindings;
  }

  /** Entry by entry, reusing the entries an edit did not touch. False when the file does not allow it. */
  private readChunked(file: ChangelogFile, cache: YamlChunkCache, split: { chunks: Chunk[]; indent: number } | undefined): boolean {
    if (!split) {
      cache.text = undefined;
      cache.chunks = [];
      return false;
    }
    const { chunks } = split;
    for (const chunk of chunks) {
      chunk.parsed ??= parseChunk(chunk.source);
      if (!chunk.parsed.ok) {
        // a YAML error, an anchor or an alias: only the whole document gives the right answer; keep what parsed
        cache.text = this.text;
        cache.chunks = chunks;
        cache.indent = split.indent;
        return false;
      }
    }
    const enter = (chunk: Chunk) => {
      this.base = chunk.start;
      this.source = chunk.source;
      if (!chunk.parsed!.item) chunk.parsed = parseChunk(chunk.source);
      return this.resolve(chunk.parsed!.item);
    };
    for (const chunk of chunks) if (chunk.parsed!.hasProperty) this.readProperties(file, [enter(chunk)]);
    const scope = this.options.properties.key();
    let keyPath = this.logicalPath;
    let itemKey = `${scope}\u0000${keyPath}`;
    const fileFindings = this.sink;
    for (const chunk of chunks) {
      if (keyPath !== this.logicalPath) itemKey = `${scope}\u0000${(keyPath = this.logicalPath)}`;
      // (the line is asked even when the offset is the same: a same-length edit before may add or remove a line)
      const line = this.lines.position(chunk.start).line;
      if (chunk.cached && chunk.cached.key === itemKey) {
        moveItem(chunk.cached, chunk.start, line);
      } else {
        const item = enter(chunk);
        this.recorder = { positions: [], sqlTexts: [] };
        const result = this.readItem(item, file, chunk.parsed!.doc);
        // the model is all that is needed from now on (entries with properties are read on every parse)
        if (!chunk.parsed!.hasProperty) chunk.parsed = { ok: true, hasProperty: false };
        chunk.cached = { key: itemKey, offset: chunk.start, line, result, ...this.recorder };
        this.recorder = undefined;
      }
      this.apply(file, chunk.cached.result);
    }
    this.sink = fileFindings;
    this.base = 0;
    this.source = this.text;
    cache.text = this.text;
    cache.chunks = chunks;
    cache.indent = split.indent;
    return true;
  }

  /** Liquibase reads every `property` first, then substitutes ${…} throughout the file. */
  private readProperties(file: ChangelogFile, items: (Node | null)[]): void {
    const before = file.properties.length;
    for (const item of items) {
      if (!isMap(item)) continue;
      for (const entry of this.entries(item)) {
        if (entry.key === 'property') file.properties.push(...this.readProperty(entry));
      }
    }
    for (const property of file.properties.slice(before)) this.options.properties.define(property);
  }

  private reportWarnings(doc: Document.Parsed): void {
    for (const warning of doc.warnings) {
      if (warning.code === 'TAB_AS_INDENT' || warning.code === 'BAD_INDENT') {
        const [start, end] = warning.pos;
        this.report('yaml-syntax', 'warning', firstLine(warning.message), this.range(this.base + start, this.base + end));
      }
    }
  }

  /** One entry of the `databaseChangeLog` list; its findings are part of the result. */
  private readItem(item: Node | null, file: ChangelogFile, chunk?: Document.Parsed): ItemResult {
    const result: ItemResult = { changesets: [], includes: [], findings: [] };
    this.sink = result.findings;
    if (chunk) this.reportWarnings(chunk);
    if (!item) return result;
    if (!isMap(item)) {
      this.report('invalid-value', 'error', 'Each `databaseChangeLog` entry must be a mapping such as `- changeSet:`.', this.rangeOf(item));
      return result;
    }
    for (const entry of this.entries(item)) {
      switch (entry.key) {
        case 'changeSet':
          result.changesets.push(this.readChangeset(entry));
          break;
        case 'include':
        case 'includeAll': {
          const include = this.readInclude(entry);
          if (include) result.includes.push(include);
          break;
        }
        case 'preConditions':
        case 'preconditions':
          result.preconditions = this.readPreconditions(entry);
          break;
        case 'logicalFilePath':
          result.logicalFilePath = this.string(entry.value) ?? this.logicalPath;
          // DatabaseChangeLog.load reads it before any changeset: it names every changeset of the file
          this.logicalPath = result.logicalFilePath;
          for (const c of file.changesets) if (!c.attributes.logicalFilePath) c.logicalPath = this.logicalPath;
          break;
        case 'property':
          break;
        default:
          if (!changelogItemKeys.has(entry.key)) {
            this.report('unknown-key', 'warning', `Unknown changelog entry '${entry.key}'; Liquibase ignores it.${suggestion(entry.key, changelogItemKeys)}`, this.rangeOf(entry.keyNode));
          }
      }
    }
    return result;
  }

  private apply(file: ChangelogFile, result: ItemResult): void {
    if (result.logicalFilePath !== undefined && result.logicalFilePath !== this.logicalPath) {
      this.logicalPath = result.logicalFilePath;
      for (const c of file.changesets) if (!c.attributes.logicalFilePath) c.logicalPath = this.logicalPath;
    }
    for (const changeset of result.changesets) file.changesets.push(changeset);
    for (const include of result.includes) file.includes.push(include);
    if (result.preconditions) file.preconditions = result.preconditions;
    for (const finding of result.findings) file.findings.push(finding);
  }

  // ---- changeSet -------------------------------------------------------------------------------------

  private readChangeset(entry: Entry): Changeset {
    const body = this.resolve(entry.value);
    const headerRange = this.rangeOf(entry.keyNode);
    const attributes: ChangesetAttributes = { validCheckSum: [] };
    const changeset: Changeset = {
      id: '',
      author: '',
      file: this.path,
      logicalPath: this.logicalPath,
      kind: 'yaml',
      range: this.span(entry.keyNode, entry.value),
      headerRange,
      attributes,
      inheritedContexts: [],
      inheritedLabels: [],
      changes: [],
      rollback: { kind: 'none' },
      index: 0,
    };
    if (!isMap(body)) {
      this.report('invalid-value', 'error', 'A changeSet must be a mapping with id, author and changes.', headerRange);
      return changeset;
    }
    const entries = this.entries(body);
    const idEntry = entries.find((e) => e.key === 'id');
    const authorEntry = entries.find((e) => e.key === 'author');
    changeset.id = this.string(idEntry?.value) ?? '';
    changeset.author = this.string(authorEntry?.value) ?? '';
    if (idEntry) changeset.idRange = this.rangeOf(idEntry.value ?? idEntry.keyNode);
    if (authorEntry) changeset.authorRange = this.rangeOf(authorEntry.value ?? authorEntry.keyNode);
    this.currentChangeset = { id: changeset.id, author: changeset.author };
    if (!changeset.id) this.report('missing-id', 'error', 'This changeSet has no `id`; Liquibase requires one.', headerRange);
    if (!changeset.author) this.report('missing-author', 'error', 'This changeSet has no `author`; Liquibase requires one.', headerRange);

    for (const e of entries) {
      switch (e.key) {
        case 'id':
        case 'author':
          break;
        case 'runOnChange':
        case 'runAlways':
        case 'alwaysRun':
        case 'failOnError':
        case 'runInTransaction':
        case 'ignore': {
          const value = this.boolean(e);
          const key = e.key === 'alwaysRun' ? 'runAlways' : e.key;
          if (value !== undefined) (attributes as any)[key] = value;
          break;
        }
        case 'context':
        case 'contextFilter':
          attributes.context = this.string(e.value);
          break;
        case 'contexts':
        case 'filePath':
          // Liquibase 4.28's ChangeSet.load reads neither: the changeset runs in every context, under its file's path
          this.report('ignored-key', 'warning', `Liquibase ignores '${e.key}' on a changeSet; write '${e.key === 'contexts' ? 'context' : 'logicalFilePath'}'.`, this.rangeOf(e.keyNode));
          break;
        case 'labels':
          attributes.labels = this.listOrString(e.value);
          break;
        case 'dbms':
          attributes.dbms = this.listOrString(e.value);
          break;
        case 'logicalFilePath':
          attributes.logicalFilePath = normaliseLogicalPath(this.string(e.value));
          if (attributes.logicalFilePath) changeset.logicalPath = attributes.logicalFilePath;
          break;
        case 'comment':
          attributes.comment = this.string(e.value);
          break;
        case 'created':
          attributes.created = this.string(e.value);
          break;
        case 'runOrder':
          attributes.runOrder = this.string(e.value);
          break;
        case 'objectQuotingStrategy':
          attributes.objectQuotingStrategy = this.string(e.value);
          break;
        case 'onValidationFail':
        case 'runWith':
        case 'runWithSpoolFile':
          break;
        default:
          // real changelogs often write the change directly under changeSet, without `changes:`
          this.readChangesetChild(changeset, e, false);
      }
    }
    this.currentChangeset = undefined;
    return changeset;
  }

  /**
   * One child of a changeSet, or of its `changes` list: Liquibase 4.28's ChangeSet.handleChildNode treats both
   * the same way, so `rollback`, `preConditions`, `validCheckSum` and nested `changes` also work inside the list.
   * A name that is no change type is an error only when it has nested entries (STRICT parse mode); a scalar is
   * ignored (ChangeSet.toChange returns null, and the value is kept as a plain attribute).
   */
  private readChangesetChild(changeset: Changeset, e: Entry, inChangeList: boolean): void {
    switch (e.key) {
      case 'changes':
        this.readChangeList(changeset, e);
        return;
      case 'rollback':
        changeset.rollback = mergeRollback(changeset.rollback, this.readRollback(e));
        return;
      case 'preConditions':
      case 'preconditions':
        changeset.preconditions = this.readPreconditions(e);
        return;
      case 'validCheckSum':
      case 'validCheckSums': {
        const v = this.resolve(e.value);
        if (isSeq(v)) for (const item of v.items) changeset.attributes.validCheckSum.push(this.string(item as Node) ?? '');
        else if (this.string(v) !== undefined) changeset.attributes.validCheckSum.push(this.string(v)!);
        return;
      }
      case 'modifySql':
        changeset.hasModifySql = true;
        return;
    }
    if (changeTypes.has(e.key)) {
      changeset.changes.push(this.readChange(e));
      return;
    }
    if (this.hasChildren(e.value)) {
      this.report('unknown-change-type', 'error', `Unknown change type '${e.key}'.${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
    } else if (inChangeList) {
      this.report('unknown-key', 'warning', `'${e.key}' is not a change type, so Liquibase ignores this entry (is it indented too little, outside the change it belongs to?).${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
    } else {
      this.report('unknown-key', 'warning', `Unknown changeSet attribute '${e.key}'; Liquibase ignores it.${suggestion(e.key, changeSetKeys)}`, this.rangeOf(e.keyNode));
    }
  }

  private readChangeList(changeset: Changeset, entry: Entry): void {
    const list = this.resolve(entry.value);
    if (!list) return;
    const items = isSeq(list) ? list.items.map((i) => this.resolve(i as Node)) : [list];
    for (const item of items) {
      if (!item) continue;
      if (!isMap(item)) {
        this.report('invalid-value', 'error', 'Each entry of `changes` must be a change such as `- sql:` or `- createTable:`.', this.rangeOf(item));
        continue;
      }
      for (const e of this.entries(item)) this.readChangesetChild(changeset, e, true);
    }
  }

  private readChange(entry: Entry): Change {
    const info = changeTypes.get(entry.key)!;
    const value = this.resolve(entry.value);
    const change: Change = {
      type: entry.key,
      range: this.span(entry.keyNode, entry.value),
      typeRange: this.rangeOf(entry.keyNode),
      params: {},
      raw: this.expandDeep(this.toPlain(value)),
    };
    if (isScalar(value) && (entry.key === 'sql' || entry.key === 'tagDatabase' || entry.key === 'output')) {
      // `- sql: SELECT 1` is the short form of `- sql: { sql: SELECT 1 }`
      const param = entry.key === 'sql' ? 'sql' : entry.key === 'tagDatabase' ? 'tag' : 'message';
      change.params[param] = { value: this.string(value), range: this.rangeOf(value) };
      if (entry.key === 'sql') change.sql = this.sqlText(value, SQL_CHANGE_DEFAULTS);
      return change;
    }
    // Liquibase's ParsedNode reads a list of mappings like one mapping: `- tableName: t` items are parameters too
    const listOfMaps = isSeq(value) && this.hasChildren(value);
    const noParameters = isScalar(value) && (value.value === null || value.value === '');
    if (value && !isMap(value) && !listOfMaps && !noParameters) {
      this.report('invalid-value', 'error', `'${entry.key}' must be a mapping of its parameters.`, this.rangeOf(value));
      return change;
    }
    const entries = value ? this.itemEntries(value) : [];
    if (listOfMaps) change.raw = Object.fromEntries(entries.map((e) => [e.key, this.expandDeep(this.toPlain(e.value))]));
    const withColumns = changesWithColumns.has(entry.key);
    for (const e of entries) {
      const v = this.resolve(e.value);
      if (e.key === 'column' && withColumns) {
        // AbstractChange.load also takes `column:` children as columns of a change with columns
        if (isMap(v)) this.checkColumn(v);
        continue;
      }
      if (!info.params.has(e.key)) {
        this.report('unknown-key', 'warning', `'${e.key}' is not a parameter of ${entry.key}; Liquibase ignores it.${suggestion(e.key, info.params)}`, this.rangeOf(e.keyNode));
        continue;
      }
      if (isScalar(v) || v === null) change.params[e.key] = { value: this.scalarValue(v), range: this.rangeOf(v ?? e.keyNode) };
      if (e.key === 'columns' && isSeq(v)) this.checkColumns(v);
    }
    for (const required of info.required) {
      if (!entries.some((e) => e.key === required || (required === 'columns' && withColumns && e.key === 'column'))) {
        this.report('missing-parameter', 'error', `${entry.key} requires '${required}'.`, change.typeRange);
      }
    }
    const options = {
      splitStatements: this.paramBoolean(change.params.splitStatements) ?? true,
      stripComments: this.paramBoolean(change.params.stripComments) ?? false,
      endDelimiter: change.params.endDelimiter?.value != null ? String(change.params.endDelimiter.value) : undefined,
    };
    const sqlNode = (name: string) => this.resolve(entries.find((e) => e.key === name)?.value ?? null);
    if (entry.key === 'sql') {
      const node = sqlNode('sql');
      if (isScalar(node)) change.sql = this.sqlText(node, options);
    } else if (entry.key === 'createView') {
      const node = sqlNode('selectQuery');
      if (isScalar(node)) change.sql = this.sqlText(node, { splitStatements: false, stripComments: false });
    } else if (entry.key === 'createProcedure') {
      const node = sqlNode('procedureText') ?? sqlNode('procedureBody');
      if (isScalar(node)) change.sql = this.sqlText(node, { splitStatements: false, stripComments: false });
    }
    if (change.params.path) change.pathRange = change.params.path.range;
    if (change.params.file && (entry.key === 'loadData' || entry.key === 'loadUpdateData')) change.pathRange = change.params.file.range;
    if (change.params.dbms) change.dbms = String(change.params.dbms.value ?? '');
    return change;
  }

  private checkColumns(list: Node): void {
    if (!isSeq(list)) return;
    for (const item of list.items) {
      const map = this.resolve(item as Node);
      if (!isMap(map)) continue;
      for (const e of this.entries(map)) {
        if (e.key !== 'column') {
          this.report('unknown-key', 'warning', `Expected '- column:' here, found '${e.key}'.`, this.rangeOf(e.keyNode));
          continue;
        }
        const column = this.resolve(e.value);
        if (isMap(column)) this.checkColumn(column);
      }
    }
  }

  private checkColumn(column: YAMLMap): void {
    for (const c of this.entries(column)) {
      if (!columnKeys.has(c.key)) {
        this.report('unknown-key', 'warning', `'${c.key}' is not a column attribute; Liquibase ignores it.${suggestion(c.key, columnKeys)}`, this.rangeOf(c.keyNode));
      } else if (c.key === 'constraints') {
        const constraints = this.resolve(c.value);
        if (!isMap(constraints)) continue;
        for (const k of this.entries(constraints)) {
          if (!constraintKeys.has(k.key)) {
            this.report('unknown-key', 'warning', `'${k.key}' is not a column constraint attribute; Liquibase ignores it.${suggestion(k.key, constraintKeys)}`, this.rangeOf(k.keyNode));
          }
        }
      }
    }
  }

  private readRollback(entry: Entry): Rollback {
    const value = this.resolve(entry.value);
    const range = this.span(entry.keyNode, entry.value);
    if (value === null || (isScalar(value) && (value.value === null || String(value.value).trim() === ''))) {
      return { kind: 'empty', range };
    }
    if (isScalar(value)) {
      // `rollback: DROP TABLE t` is a sql change
      const sql = this.sqlText(value, SQL_CHANGE_DEFAULTS);
      const change: Change = {
        type: 'sql',
        range: this.rangeOf(value),
        typeRange: this.rangeOf(entry.keyNode),
        params: { sql: { value: sql.text, range: this.rangeOf(value) } },
        raw: sql.text,
        sql,
      };
      return { kind: 'changes', changes: [change], range };
    }
    if (isMap(value)) {
      const entries = this.entries(value);
      const id = entries.find((e) => e.key === 'changeSetId');
      if (id) {
        return {
          kind: 'reference',
          id: this.string(id.value) ?? '',
          author: this.string(entries.find((e) => e.key === 'changeSetAuthor')?.value) ?? '',
          path: this.string(entries.find((e) => e.key === 'changeSetPath')?.value),
          range,
        };
      }
      const changes: Change[] = [];
      for (const e of entries) {
        if (changeTypes.has(e.key)) changes.push(this.readChange(e));
        else this.report('unknown-change-type', 'error', `Unknown change type '${e.key}' in rollback.${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
      }
      return { kind: 'changes', changes, range };
    }
    if (isSeq(value)) {
      if (value.items.length === 0) return { kind: 'empty', range };
      const changes: Change[] = [];
      for (const item of value.items) {
        const node = this.resolve(item as Node);
        if (isScalar(node)) {
          const sql = this.sqlText(node, SQL_CHANGE_DEFAULTS);
          changes.push({ type: 'sql', range: this.rangeOf(node), typeRange: this.rangeOf(node), params: {}, raw: sql.text, sql });
          continue;
        }
        if (!isMap(node)) continue;
        for (const e of this.entries(node)) {
          if (changeTypes.has(e.key)) changes.push(this.readChange(e));
          else this.report('unknown-change-type', 'error', `Unknown change type '${e.key}' in rollback.${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
        }
      }
      return { kind: 'changes', changes, range };
    }
    return { kind: 'empty', range };
  }

  // ---- include, includeAll, property, preConditions --------------------------------------------------------

  private readInclude(entry: Entry): Include | undefined {
    const value = this.resolve(entry.value);
    const kind = entry.key as 'include' | 'includeAll';
    const range = this.span(entry.keyNode, entry.value);
    if (!isMap(value)) {
      this.report('invalid-value', 'error', `'${kind}' must be a mapping with '${kind === 'include' ? 'file' : 'path'}'.`, this.rangeOf(entry.keyNode));
      return undefined;
    }
    const entries = this.entries(value);
    const known = kind === 'include' ? includeKeys : includeAllKeys;
    for (const e of entries) {
      if (!known.has(e.key)) this.report('unknown-key', 'warning', `'${e.key}' is not a parameter of ${kind}; Liquibase ignores it.${suggestion(e.key, known)}`, this.rangeOf(e.keyNode));
    }
    const pathKey = kind === 'include' ? 'file' : 'path';
    const pathEntry = entries.find((e) => e.key === pathKey);
    const path = this.string(pathEntry?.value);
    if (!path) {
      this.report('missing-parameter', 'error', `${kind} requires '${pathKey}'.`, this.rangeOf(entry.keyNode));
      return undefined;
    }
    const get = (key: string) => entries.find((e) => e.key === key);
    const bool = (key: string) => {
      const e = get(key);
      return e ? this.boolean(e) : undefined;
    };
    if (bool('ignore')) return undefined;
    return {
      kind,
      path,
      range,
      pathRange: this.rangeOf(pathEntry!.value ?? pathEntry!.keyNode),
      relativeToChangelogFile: bool('relativeToChangelogFile') ?? false,
      context: this.string(get('context')?.value ?? get('contextFilter')?.value ?? null),
      labels: this.listOrString(get('labels')?.value ?? null),
      errorIfMissing: bool(kind === 'include' ? 'errorIfMissing' : 'errorIfMissingOrEmpty') ?? true,
    };
  }

  private readProperty(entry: Entry): PropertyDefinition[] {
    const value = this.resolve(entry.value);
    if (!isMap(value)) return [];
    const entries = this.entries(value);
    for (const e of entries) {
      if (!propertyKeys.has(e.key)) this.report('unknown-key', 'warning', `'${e.key}' is not a property attribute.${suggestion(e.key, propertyKeys)}`, this.rangeOf(e.keyNode));
    }
    const get = (key: string) => this.rawString(entries.find((e) => e.key === key)?.value ?? null);
    const name = get('name');
    if (!name) return [];
    const global = get('global');
    return [{
      name,
      value: get('value') ?? '',
      context: get('context') ?? get('contextFilter'),
      labels: get('labels'),
      dbms: get('dbms'),
      global: global === undefined ? true : global !== 'false',
      file: this.path,
      range: this.span(entry.keyNode, entry.value),
    }];
  }

  private readPreconditions(entry: Entry): Preconditions {
    const result: Preconditions = { conditions: [], range: this.span(entry.keyNode, entry.value) };
    const value = this.resolve(entry.value);
    const visit = (e: Entry) => {
      if (preconditionAttributes.has(e.key)) {
        (result as any)[e.key] = this.string(e.value);
        return;
      }
      result.conditions.push(this.readCondition(e));
    };
    for (const e of this.itemEntries(value)) visit(e);
    return result;
  }

  private readCondition(e: Entry): Precondition {
    const value = this.resolve(e.value);
    const condition: Precondition = { type: e.key, params: {}, nested: [], range: this.span(e.keyNode, e.value) };
    if (!preconditionTypes.has(e.key)) {
      this.report('unknown-key', 'warning', `Unknown precondition '${e.key}'.${suggestion(e.key, preconditionTypes)}`, this.rangeOf(e.keyNode));
    }
    if (e.key === 'and' || e.key === 'or' || e.key === 'not') {
      for (const inner of this.itemEntries(value)) condition.nested.push(this.readCondition(inner));
      return condition;
    }
    if (isScalar(value) && e.key === 'sqlCheck') {
      condition.sql = this.sqlText(value, { splitStatements: false, stripComments: false });
      return condition;
    }
    if (isMap(value)) {
      for (const p of this.entries(value)) {
        const v = this.resolve(p.value);
        if (e.key === 'sqlCheck' && p.key === 'sql' && isScalar(v)) condition.sql = this.sqlText(v, { splitStatements: false, stripComments: false });
        else condition.params[p.key] = this.string(v) ?? '';
      }
    }
    return condition;
  }

  /** entries of a mapping, or of each mapping in a list (preConditions are written both ways) */
  private itemEntries(value: Node | null): Entry[] {
    if (isMap(value)) return this.entries(value);
    if (isSeq(value)) {
      const out: Entry[] = [];
      for (const item of value.items) {
        const node = this.resolve(item as Node);
        if (isMap(node)) out.push(...this.entries(node));
      }
      return out;
    }
    return [];
  }

  // ---- SQL text ------------------------------------------------------------------------------------------

  private sqlText(node: Scalar, options: { splitStatements: boolean; stripComments: boolean; endDelimiter?: string }): SqlText {
    const value = node.value == null ? '' : typeof node.value === 'string' ? node.value : String(node.value);
    // offsets in the text read (a chunk of the file, at this.base)
    const offsets = scalarOffsets(node, value, this.source);
    const expanded = this.options.properties.expandWithOffsets(value, offsets);
    const sql: SqlText = {
      text: expanded.text,
      file: this.path,
      offsets: expanded.offsets,
      baseOffset: this.base,
      splitStatements: options.splitStatements,
      stripComments: options.stripComments,
      endDelimiter: options.endDelimiter,
    };
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') this.checkSwallowedYaml(sql);
    this.recorder?.sqlTexts.push(sql);
    return sql;
  }

  /**
   * An under-indented `- changeSet:` after a `sql: |` block is not a new changeset: YAML makes it part of
   * the SQL text, and Liquibase then runs it as SQL. Nothing else points at this slip.
   */
  private checkSwallowedYaml(sql: SqlText): void {
    const pattern = /^[ \t]*-[ \t]+(changeSet|include|includeAll|property|sql|sqlFile|[a-z]+[A-Z][A-Za-z]*)[ \t]*:/gm;
    for (const match of sql.text.matchAll(pattern)) {
      const name = match[1];
      if (name !== 'changeSet' && name !== 'include' && name !== 'includeAll' && name !== 'property' && !changeTypes.has(name)) continue;
      // from the dash, not from the indentation before it
      const start = sql.baseOffset + sql.offsets![match.index! + (match[0].length - match[0].trimStart().length)];
      const lineEnd = sql.text.indexOf('\n', match.index!);
      const end = sql.baseOffset + sql.offsets![lineEnd < 0 ? sql.text.length : lineEnd];
      this.report(
        'yaml-swallowed-changeset',
        'error',
        `This '- ${name}:' is inside the SQL block above it (its indentation makes it part of the text), so Liquibase will run it as SQL instead of reading it as a ${name}. Indent it like the other entries.`,
        this.range(start, end),
      );
    }
  }

  // ---- node helpers --------------------------------------------------------------------------------------

  private resolve(node: unknown): Node | null {
    let n = node as Node | null | undefined;
    for (let depth = 0; n && isAlias(n) && depth < 64; depth++) n = this.aliasTarget(n);
    return n && !isAlias(n) ? n : null;
  }

  private aliasTargets?: Map<Alias, Node | undefined>;

  /**
   * What an alias refers to: the last node with its anchor before it (anchors may be re-defined). yaml's own
   * Alias.resolve walks the whole document on every call; this walks it once.
   */
  private aliasTarget(alias: Alias): Node | undefined {
    if (!this.doc) return undefined;
    if (!this.aliasTargets) {
      const targets = new Map<Alias, Node | undefined>();
      const anchors = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  /**
   * A node as plain JS, aliases and merge keys resolved, duplicate keys dropped as SnakeYAML drops them. What
   * aliases bring in is limited (a "billion laughs" alias bomb would otherwise expand exponentially): past the
   * budget an alias gives null.
   */
  private toPlain(node: unknown, depth = 0, budget = { aliased: 10_000 }, viaAlias = false): unknown {
    const aliased = viaAlias || isAlias(node);
    if (aliased && --budget.aliased < 0) return null;
    const n = this.resolve(node);
    if (!n || depth > 64) return null;
    if (isScalar(n)) return n.value ?? null;
    if (isSeq(n)) return n.items.map((item) => this.toPlain(item, depth + 1, budget, aliased));
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const e of this.entries(n)) out[e.key] = this.toPlain(e.value, depth + 1, budget, aliased);
      return out;
    }
    return null;
  }

  /** does Liquibase's ParsedNode for this value have child nodes (a mapping, or a list holding a mapping)? */
  private hasChildren(node: unknown): boolean {
    const value = this.resolve(node);
    if (isMap(value)) return value.items.length > 0;
    if (isSeq(value)) return value.items.some((i) => {
      const item = this.resolve(i as Node);
      return isMap(item) && item.items.length > 0;
    });
    return false;
  }

  private readonly entryCache = new WeakMap<YAMLMap, Entry[]>();

  /**
   * The entries of a mapping as SnakeYAML gives them to Liquibase: merge keys (`<<: *defaults`) bring the merged
   * mappings' entries (explicit keys win, then the first merged mapping), and of a key written twice only the last
   * stays. Computed once per mapping, so aliases and merges that repeat a mapping cost nothing more (a mapping that
   * merges itself sees no entries of its own at that point).
   */
  private entries(map: YAMLMap): Entry[] {
    const known = this.entryCache.get(map);
    if (known) return known;
    this.entryCache.set(map, []);
    // 1. of a key written twice only the last stays (SnakeYAML's processDuplicateKeys; merge keys are kept)
    const tuples: ({ merge: Node | null } | Entry)[] = [];
    const last = new Map<string, Entry>();
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key as Node);
      // with merge keys on, the yaml library gives `<<` the value Symbol('<<')
      const raw = isScalar(keyNode) ? keyNode.value : '';
      const key = typeof raw === 'symbol' ? raw.description ?? '' : String(raw);
      if (key === '<<') {
        tuples.push({ merge: this.resolve(pair.value as Node) });
        continue;
      }
      const entry: Entry = { key, keyNode: (pair.key as Node) ?? null, value: (pair.value as Node) ?? null, pair };
      const before = last.get(key);
      if (before) {
        this.report('yaml-duplicate-key', 'warning', `'${key}' appears again later in this mapping; Liquibase (SnakeYAML) keeps only the last one and drops this one.`, this.rangeOf(before.keyNode));
        tuples[tuples.indexOf(before)] = { merge: null };
      }
      last.set(key, entry);
      tuples.push(entry);
    }
    // 2. merges in place, in order: a merged key already there stays; an explicit key replaces it where it is
    const out: Entry[] = [];
    const at = new Map<string, number>();
    for (const tuple of tuples) {
      if ('merge' in tuple) {
        const source = tuple.merge;
        const sources = isSeq(source) ? source.items.map((i) => this.resolve(i as Node)) : [source];
        for (const s of sources) {
          if (!isMap(s)) continue;
          for (const e of this.entries(s)) {
            if (at.has(e.key)) continue;
            at.set(e.key, out.length);
            out.push(e);
          }
        }
        continue;
      }
      const i = at.get(tuple.key);
      if (i === undefined) {
        at.set(tuple.key, out.length);
        out.push(tuple);
      } else {
        out[i] = tuple;
      }
    }
    this.entryCache.set(map, out);
    return out;
  }

  private scalarValue(node: Node | null): unknown {
    if (!isScalar(node)) return null;
    if (typeof node.value === 'string') return this.options.properties.expand(node.value);
    return node.value;
  }

  /** a scalar as the string Liquibase sees (SnakeYAML's Java toString), after ${} expansion */
  private string(node: unknown): string | undefined {
    const raw = this.rawString(node);
    return raw === undefined ? undefined : this.options.properties.expand(raw);
  }

  private rawString(node: unknown): string | undefined {
    const n = this.resolve(node);
    if (!isScalar(n) || n.value === null || n.value === undefined) return undefined;
    const v = n.value;
    if (typeof v === 'number') {
      const source = n.source ?? '';
      return Number.isInteger(v) && /[.eE]/.test(String(source)) ? `${v}.0` : String(v);
    }
    return String(v);
  }

  private listOrString(node: unknown): string | undefined {
    const n = this.resolve(node);
    if (isSeq(n)) return n.items.map((i) => this.string(i as Node) ?? '').join(',');
    return this.string(n);
  }

  private boolean(e: Entry): boolean | undefined {
    const n = this.resolve(e.value);
    if (!isScalar(n)) return undefined;
    if (typeof n.value === 'boolean') return n.value;
    const s = this.string(n)?.toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
    this.report('invalid-value', 'error', `'${e.key}' must be true or false.`, this.rangeOf(n));
    return undefined;
  }

  private paramBoolean(p: ParamValue | undefined): boolean | undefined {
    if (!p) return undefined;
    if (typeof p.value === 'boolean') return p.value;
    if (typeof p.value === 'string') return p.value.toLowerCase() === 'true' ? true : p.value.toLowerCase() === 'false' ? false : undefined;
    return undefined;
  }

  private expandDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.options.properties.expand(value);
    if (Array.isArray(value)) return value.map((v) => this.expandDeep(v));
    if (value instanceof Date) return value;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.expandDeep(v);
      return out;
    }
    return value;
  }

  private rangeOf(node: unknown): Range {
    const n = node as Node | null;
    if (!n || !n.range) return this.range(this.base, this.base);
    return this.range(this.base + n.range[0], this.base + n.range[1]);
  }

  private span(from: unknown, to: unknown): Range {
    const a = from as Node | null;
    const b = (to as Node | null) ?? a;
    const start = this.base + (a?.range?.[0] ?? 0);
    const end = b?.range ? this.base + b.range[1] : a?.range ? this.base + a.range[1] : start;
    return this.range(start, trimEnd(this.text, Math.max(start, end)));
  }

  private range(start: number, end: number): Range {
    const range = this.lines.range(start, end);
    this.recorder?.positions.push(range.start, range.end);
    return range;
  }

  private report(rule: string, severity: Severity, message: string, range: Range): void {
    this.sink.push({ rule, severity, message, file: this.path, range, changeset: this.currentChangeset });
  }
}

/** Liquibase adds every rollback block's changes to the same changeset rollback, in order. */
function mergeRollback(previous: Rollback, next: Rollback): Rollback {
  if (previous.kind === 'changes' && next.kind === 'changes') return { ...previous, changes: [...previous.changes, ...next.changes] };
  return previous.kind === 'none' ? next : next.kind === 'none' ? previous : next;
}

/** A cached entry read where it was; the file changed before it, so its positions and SQL offsets move too. */
function moveItem(item: CachedItem, offset: number, line: number): void {
  const lines = line - item.line;
  const characters = offset - item.offset;
  if (lines) for (const p of item.positions) p.line += lines;
  if (characters) for (const sql of item.sqlTexts) sql.baseOffset += characters;
  item.offset = offset;
  item.line = line;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function trimEnd(text: string, end: number): number {
  let e = end;
  // (every node's range ends here: the regex only for the characters beyond ASCII)
  for (let c = text.charCodeAt(e - 1); e > 0 && (c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(text[e - 1]))); c = text.charCodeAt(--e - 1));
  return e;
}

function compare(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character;
}

export { dbmsIncludesPostgres };

/** As Liquibase's ChangeSet.load: backslashes become slashes and a leading slash is dropped. */
export function normaliseLogicalPath(path: string | undefined): string | undefined {
  return path === undefined ? undefined : path.replace(/\\/g, '/').replace(/^\/+/, '');
}

const MAX_FLOW_NESTING = 64;

/** The offset where `[`/`{` nesting first goes beyond `limit` (outside quotes and comments), or -1. */
function flowNestingBeyond(text: string, limit: number): number {
  return flowNestingOf(text, false, limit).beyond;
}

/**
 * The same answer for a text split into entries, scanning only the entries not seen before: each entry keeps
 * what the scan does over it whatever depth it is entered at, so an edit costs one entry, not a scan of the file.
 */
function flowNestingBeyondEntries(text: string, chunks: Chunk[], limit: number): number {
  const header = flowNestingOf(text.slice(0, chunks[0].start), false, limit);
  if (header.beyond >= 0) return header.beyond;
  let depth = header.net - header.low;
  let quoted = header.endsQuoted;
  for (const chunk of chunks) {
    const flow = quoted ? (chunk.flowQuoted ??= flowNestingOf(chunk.source, true, limit)) : (chunk.flow ??= flowNestingOf(chunk.source, false, limit));
    // entered at `depth`, the depth is the larger of depth + the running sum and the depth entered at 0
    const high = limit - depth < flow.highs.length ? flow.highs[limit - depth] : -1;
    if (high >= 0 || flow.beyond >= 0) return chunk.start + (high < 0 ? flow.beyond : flow.beyond < 0 ? high : Math.min(high, flow.beyond));
    depth = Math.max(depth + flow.net, flow.net - flow.low);
    quoted = flow.endsQuoted;
  }
  return -1;
}

/** What flowNestingBeyond's scan does over a stretch of text, for any depth it is entered at. */
interface FlowNesting {
  /** opens minus closes, and the lowest that running sum goes (0 or less) */
  net: number;
  low: number;
  /** highs[k]: the offset where the running sum first reaches k + 1 (up to limit + 1) */
  highs: number[];
  /** where the nesting entered at depth 0 (closes below 0 ignored) first goes beyond the limit, or -1 */
  beyond: number;
  /** the stretch ends inside a double-quoted scalar (a `\` escapes its line break) */
  endsQuoted: boolean;
}

/** One pass over `text` (entered inside a double-quoted scalar when `quoted`), stopping where the nesting entered at 0 goes too deep. */
function flowNestingOf(text: string, quoted: boolean, limit: number): FlowNesting {
  const out: FlowNesting = { net: 0, low: 0, highs: [], beyond: -1, endsQuoted: false };
  let depth = 0;
  let sum = 0;
  // a stretch entered inside a double-quoted scalar goes on with it, as if its `"` were just before
  for (let i = quoted ? -1 : 0; i < text.length; i++) {
    const c = quoted && i < 0 ? 34 : text.charCodeAt(i);
    if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++sum > out.highs.length && out.highs.length <= limit) out.highs.push(i);
      if (++depth > limit) {
        out.beyond = i;
        return out;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (--sum < out.low) out.low = sum;
      if (depth > 0) depth--;
    } else if (c === 39 /* ' */ || c === 34 /* " */) {
      // skip a quoted scalar ('' and \" escapes); an unterminated one ends at the line end
      let closed = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 10) {
          closed = true;
          break;
        }
        if (c === 34 && d === 92) i++;
        else if (d === c) {
          if (c === 39 && text.charCodeAt(i + 1) === 39) i++;
          else {
            closed = true;
            break;
          }
        }
      }
      if (!closed) out.endsQuoted = c === 34;
    } else if (c === 35 /* # */ && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    }
  }
  out.net = sum;
  return out;
}
