// Parsed changelog files kept on disk between CLI runs. Reading a 100-changeset YAML file back from here takes a
// few milliseconds; parsing it takes tens (hundreds in a fresh process, before the JIT has warmed up), and a
// `status` of an unchanged changelog is otherwise mostly YAML parsing. Only YAML files are kept: a formatted SQL
// file parses faster than its kept model decodes (load.ts).
//
// An entry is named by a hash of everything its parse depends on: the build of pgcs, the file's path, text and
// FILENAME, and the ${…} properties visible to it. A parse is a pure function of those (the parsers read no
// files, no environment, no clock), so an entry is never stale: an edit, another -D value or another pgcs build
// names another entry. Entries hold the model as the parser returned it, before the loader resolves includes
// and sqlFiles (those are read from the disk again on every run).
//
// The entries of one tree travel together in one pack file, named by the build and the path of the first file
// loaded (the root changelog): creating a file costs more than writing a megabyte into one (half a millisecond
// each, 0.2 s for the 374 files of the real-world corpus), and a tree is loaded whole anyway. A pack holds the
// entries its last run used; a tree loaded again reads its pack once and parses only the files it does not hold.
// Which pack an entry came from decides nothing but speed: entries are found by their key alone.
//
// Results computed from a whole tree (the lint of a root changelog) are kept too, each with the reads it was made
// from (recorded-reads.ts): one is given back only while every file, folder and listing it read is as it was.
// The first lint of a tree keeps its result alone: its parsed files are kept from its next lint on (the result no
// longer holds: something changed, and the next edit will be linted too). A tree linted once and never again (a CI
// machine) so costs no encoding of its model, a tenth of a cold lint; `status`, `update` and the like keep their
// parsed files at once. A whole `pgcs lint` command's output is kept the same way, with the reads of all its trees,
// and printed again as it was while they hold.
//
// Alongside, the MD5SUMs of the file's changesets whose checksum depends on nothing but that text (no sqlFile,
// no `path`/`file` parameter naming another file): the checksum of a YAML changeset re-reads its source, which
// costs as much again.

import { crypto } from '../node-builtins';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { cacheFolder } from '../cache-folder';
import type { Change, ChangelogFile, ChangelogKind, Changeset } from './model';
import { type RecordedRead, readsStillHold } from './recorded-reads';

interface Entry {
  /**
   * the parsed file, encoded (see encode()); undefined once an entry read from a pack was decoded in place (its
   * objects became the file's): encodedFileOf() reads it from `line` again then
   */
  encodedFile: unknown;
  /** MD5SUMs by the changeset's index in `file.changesets` */
  checksums: Record<number, string>;
  /** the SQL of built-in changes, by generatedKey() */
  generated: Record<string, string[]>;
  /** the line of the pack it was read from (written back as it is while the entry does not change) */
  line?: string;
  /** the packs that hold it as it is */
  packs: Set<string>;
}

/** the entries of one tree loaded in this run, by their keys; written as one pack */
interface Group {
  pack: string;
  keys: Set<string>;
  /** files parsed now are kept (not in the first lint of a tree) */
  keepsParsed: boolean;
}

export class ParsedFileStore {
  /** where each changeset that came through the store is kept, to save its checksum with it */
  private readonly homes = new WeakMap<Changeset, { key: string; index: number }>();
  private readonly entries = new Map<string, Entry>();
  /** entries of the packs read in this run, as their lines (decoded when asked for), by key */
  private readonly packed = new Map<string, { line: string; pack: string }>();
  /** each pack read in this run: its line of each key (a file of two trees may differ in their two packs) */
  private readonly packLines = new Map<string, Map<string, string>>();
  /** the tree being loaded: begun by beginTree, its pack opened by its first file */
  private group: Group | undefined;
  private readonly groups: Group[] = [];
  /** the tree being loaded keeps the files it parses (beginTree) */
  private keepParsed = true;
  /** results of reads made in this run, to be written */
  private readonly results = new Map<string, { inputs: string[]; reads: RecordedRead[]; value: unknown }>();
  /** commands' outputs made in this run, to be written */
  private readonly outputs = new Map<string, { inputs: string[]; reads: RecordedRead[]; output: CommandOutput }>();

  /**
   * @param dir the folder of the entries (created when first written)
   * @param build what identifies this build of pgcs (a new build may parse differently)
   */
  constructor(private readonly dir: string, private readonly build: string) {}

  /** The store of this user, or undefined when PGCS_CACHE_DIR is set empty (no store). */
  static forUser(build: string, env: NodeJS.ProcessEnv = process.env): ParsedFileStore | undefined {
    const dir = cacheFolder(env);
    return dir === undefined ? undefined : new ParsedFileStore(dir, build);
  }

  /** the parsed file from the store, else `parse()`, stored for the next run */
  file(path: string, kind: ChangelogKind, text: string, logicalPath: string, propertiesKey: string, parse: () => ChangelogFile): ChangelogFile {
    const key = crypto().createHash('sha256').update([this.build, kind, path, logicalPath, propertiesKey, text].join('\u0000')).digest('hex');
    if (!this.group) this.openGroup(path);
    this.group!.keys.add(key);
    let file: ChangelogFile | undefined;
    let entry = this.entries.get(key);
    /** the entry was just read from its pack: nothing else holds the tree JSON.parse made of it */
    const justRead = !entry;
    if (entry) {
      // a file of two trees: this tree's pack holds it as it is only when its line there is the entry's
      if (entry.line !== undefined && this.packLines.get(this.group!.pack)?.get(key) === entry.line) entry.packs.add(this.group!.pack);
    } else {
      entry = this.readEntry(key);
    }
    if (entry) {
      try {
        if (justRead) {
          const encoded = entry.encodedFile;
          entry.encodedFile = undefined;
          file = { ...(decodeInPlace(encoded) as ChangelogFile), text };
        } else {
          file = { ...(decode(encodedFileOf(entry)) as ChangelogFile), text };
        }
        this.entries.set(key, entry);
      } catch {
        file = undefined; // an entry another version wrote, or damaged: parse again
      }
    }
    if (!file) {
      file = parse();
      if (!this.group!.keepsParsed) {
        this.group!.keys.delete(key);
        return file;
      }
      let encodedFile: unknown;
      try {
        encodedFile = encode({ ...file, text: undefined });
      } catch {
        this.group!.keys.delete(key);
        return file; // holds something the store cannot write down: not stored
      }
      entry = { encodedFile, checksums: {}, generated: {}, packs: new Set() };
      this.entries.set(key, entry);
    }
    file.changesets.forEach((changeset, index) => this.homes.set(changeset, { key, index }));
    return file;
  }

  /** the stored MD5SUM of a changeset that came through the store, when it depends on its file's text alone */
  checksum(changeset: Changeset): string | undefined {
    const home = this.textHome(changeset);
    return home?.entry.checksums[home.index];
  }

  rememberChecksum(changeset: Changeset, checksum: string): void {
    const home = this.textHome(changeset);
    if (!home || home.entry.checksums[home.index] === checksum) return;
    home.entry.checksums[home.index] = checksum;
    learnt(home.entry);
  }

  /**
   * The SQL a built-in change of a changeset that came through the store was generated to, for this default schema
   * (the rest it depends on is the file's text: not for changesets that name other files).
   */
  generatedSql(changeset: Changeset, changeIndex: number, defaultSchema: string | undefined): string[] | undefined {
    const home = this.textHome(changeset);
    return home?.entry.generated[generatedKey(home.index, changeIndex, defaultSchema)];
  }

  rememberGeneratedSql(changeset: Changeset, changeIndex: number, defaultSchema: string | undefined, sql: string[]): void {
    const home = this.textHome(changeset);
    if (!home) return;
    const key = generatedKey(home.index, changeIndex, defaultSchema);
    if (sameTexts(home.entry.generated[key], sql)) return;
    home.entry.generated[key] = sql;
    learnt(home.entry);
  }

  /** the entry of a changeset that came through the store and its index there, when it reads no other file */
  private textHome(changeset: Changeset): { entry: Entry; index: number } | undefined {
    const home = this.homes.get(changeset);
    if (!home || !dependsOnTextAlone(changeset)) return undefined;
    const entry = this.entries.get(home.key);
    return entry && { entry, index: home.index };
  }

  /**
   * A tree starts loading: the files file() gives from now on are its own, kept in one pack (named by the first).
   * keepParsed false: the files it parses are not kept (a tree's first lint keeps its result alone).
   */
  beginTree({ keepParsed = true }: { keepParsed?: boolean } = {}): void {
    this.group = undefined;
    this.keepParsed = keepParsed;
  }

  /**
   * The result kept for these inputs (everything it depends on besides what it read; plain JSON) when every read
   * it was made from (recorded-reads.ts) still answers the same (`value`), and whether one was ever kept (`seen`).
   */
  keptResult<T>(inputs: string[]): { value: T | undefined; seen: boolean; reads?: RecordedRead[] } {
    const kept = this.readJson(this.resultKey(inputs)) as { inputs?: string[]; reads?: RecordedRead[]; value?: T } | undefined;
    if (!kept || !sameInputs(kept.inputs, inputs) || !Array.isArray(kept.reads) || kept.value === undefined) return { value: undefined, seen: kept !== undefined };
    return readsStillHold(kept.reads) ? { value: kept.value, seen: true, reads: kept.reads } : { value: undefined, seen: true };
  }

  /**
   * What a whole command printed, kept for these inputs (its arguments, working folder, configuration: everything
   * it depends on besides what it read) while every read it was made from still answers the same. Its output is
   * given back byte for byte, so a repeated `pgcs lint` neither decodes findings nor formats them again.
   */
  keptOutput(inputs: string[]): CommandOutput | undefined {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(nodePath.join(this.dir, this.outputName(inputs)));
    } catch {
      return undefined;
    }
    // a line of JSON (inputs, reads, stderr, exit code, the length of stdout), then stdout as it was written
    const lineEnd = bytes.indexOf(10);
    if (lineEnd < 0) return undefined;
    let head: { inputs?: string[]; reads?: RecordedRead[]; stderr?: string; exitCode?: number; stdoutBytes?: number };
    try {
      head = JSON.parse(bytes.toString('utf8', 0, lineEnd));
    } catch {
      return undefined; // damaged: made again
    }
    const stdout = bytes.subarray(lineEnd + 1);
    if (!sameInputs(head.inputs, inputs) || !Array.isArray(head.reads) || typeof head.stderr !== 'string' || typeof head.exitCode !== 'number' || head.stdoutBytes !== stdout.length) return undefined;
    return readsStillHold(head.reads) ? { stdout, stderr: head.stderr, exitCode: head.exitCode } : undefined;
  }

  /** Keeps what a command printed, made from these reads (written by save()). */
  keepOutput(inputs: string[], reads: RecordedRead[], output: CommandOutput): void {
    this.outputs.set(this.outputName(inputs), { inputs, reads, output });
  }

  private outputName(inputs: string[]): string {
    return `${fnv1a64([this.build, 'output', ...inputs].join('\u0000'))}.output`;
  }

  /** Keeps a result made from these reads (written by save()). */
  keepResult(inputs: string[], reads: RecordedRead[], value: unknown): void {
    this.results.set(this.resultKey(inputs), { inputs, reads, value });
  }

  // not SHA-256: loading node:crypto alone costs a lint answered from here ~5 ms. A result keeps its inputs, so two
  // inputs that hash alike only miss.
  private resultKey(inputs: string[]): string {
    return `${fnv1a64([this.build, 'result', ...inputs].join('\u0000'))}.result`;
  }

  /** A tree starts loading at `path`: its pack (of the last run that loaded a tree from there) is read. */
  private openGroup(path: string): void {
    const pack = `${crypto().createHash('sha256').update([this.build, 'pack', path].join('\u0000')).digest('hex')}.pack`;
    this.group = { pack, keys: new Set(), keepsParsed: this.keepParsed };
    this.groups.push(this.group);
    if (this.packLines.has(pack)) return;
    const lines = new Map<string, string>();
    this.packLines.set(pack, lines);
    let text: string;
    try {
      text = fs.readFileSync(nodePath.join(this.dir, pack), 'utf8');
    } catch {
      return;
    }
    // one entry a line: its key, a space, its JSON (which holds no line break)
    for (let at = 0; at < text.length; ) {
      let end = text.indexOf('\n', at);
      if (end === -1) end = text.length;
      if (text.charCodeAt(at + KEY_LENGTH) === 32) {
        const key = text.slice(at, at + KEY_LENGTH);
        const line = text.slice(at, end);
        this.packed.set(key, { line, pack });
        lines.set(key, line);
      }
      at = end + 1;
    }
  }

  private readEntry(key: string): Entry | undefined {
    const packed = this.packed.get(key);
    if (!packed) return undefined;
    try {
      const entry = JSON.parse(packed.line.slice(KEY_LENGTH + 1)) as { file: unknown; checksums?: Record<number, string>; generated?: Record<string, string[]> };
      return { encodedFile: entry.file, checksums: entry.checksums ?? {}, generated: entry.generated ?? {}, line: packed.line, packs: new Set([packed.pack]) };
    } catch {
      return undefined;
    }
  }

  /**
   * Writes the packs of the trees that changed (a file parsed, a checksum learnt, an entry from elsewhere) and the
   * results. Best effort: a store that cannot be written only costs speed.
   */
  save(): void {
    const packs = new Map<string, Set<string>>();
    for (const group of this.groups) {
      const keys = packs.get(group.pack) ?? new Set();
      for (const key of group.keys) keys.add(key);
      packs.set(group.pack, keys);
    }
    this.groups.length = 0;
    this.group = undefined;
    const changed = [...packs].filter(([pack, keys]) => [...keys].some((key) => !this.entries.get(key)?.packs.has(pack)));
    if (!changed.length && !this.results.size && !this.outputs.size) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      for (const [pack, keys] of changed) {
        const lines: string[] = [];
        for (const key of keys) {
          const entry = this.entries.get(key);
          if (!entry) continue;
          entry.line ??= `${key} ${JSON.stringify({ file: encodedFileOf(entry), checksums: entry.checksums, generated: entry.generated })}`;
          lines.push(entry.line);
        }
        this.writeText(pack, lines.join('\n'));
        const written = new Map<string, string>();
        for (const key of keys) {
          const entry = this.entries.get(key);
          if (entry) {
            entry.packs.add(pack);
            written.set(key, entry.line!);
          }
        }
        this.packLines.set(pack, written);
      }
      for (const [key, result] of this.results) this.writeText(`${key}.json`, JSON.stringify(result));
      this.results.clear();
      for (const [name, { inputs, reads, output }] of this.outputs) {
        const stdout = typeof output.stdout === 'string' ? Buffer.from(output.stdout) : output.stdout;
        const head = JSON.stringify({ inputs, reads, stderr: output.stderr, exitCode: output.exitCode, stdoutBytes: stdout.length });
        this.writeText(name, Buffer.concat([Buffer.from(`${head}\n`), stdout]));
      }
      this.outputs.clear();
      if (Math.random() < 1 / 32) this.prune();
    } catch {
      // read-only home, full disk: the next run parses again
    }
  }

  private writeText(name: string, text: string | Uint8Array): void {
    // written aside and renamed: a run reading at the same time sees the old file or the new one, whole
    const target = nodePath.join(this.dir, name);
    const aside = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(aside, text);
    fs.renameSync(aside, target);
  }

  private readJson(key: string): unknown {
    let json: string;
    try {
      json = fs.readFileSync(nodePath.join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(json);
    } catch {
      return undefined;
    }
  }

  /**
   * Files neither written nor read for 30 days go: each edit of a tree leaves its previous result behind. A file
   * still in use is often only read (a pack, a result, the code cache, kept parses are rewritten when they change),
   * which the access time tells (updated at least daily under Linux's default relatime; a noatime mount leaves the
   * time of writing).
   */
  private prune(): void {
    const before = Date.now() - 30 * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(this.dir)) {
      const path = nodePath.join(this.dir, name);
      try {
        const stat = fs.statSync(path);
        if (Math.max(stat.mtimeMs, stat.atimeMs) < before) fs.rmSync(path, { force: true });
      } catch {
        // removed by another run meanwhile
      }
    }
  }
}

/** hex sha256 */
const KEY_LENGTH = 64;

/** what a command printed and the exit code it returned */
export interface CommandOutput {
  stdout: string | Uint8Array;
  stderr: string;
  exitCode: number;
}

/** The checksum reads nothing but the changeset's own file: no SQL from another file, no parameter naming one. */
function dependsOnTextAlone(changeset: Changeset): boolean {
  const own = (change: Change) =>
    change.resolvedPath === undefined && (!change.sql || change.sql.file === changeset.file) && !('path' in change.params) && !('file' in change.params);
  return changeset.changes.every(own) && (changeset.rollback.kind !== 'changes' || changeset.rollback.changes.every(own));
}

// ---- the model as JSON ---------------------------------------------------------------------------------------
//
// JSON keeps neither undefined, NaN, Dates, Maps, typed arrays nor shared objects, all of which a model may hold
// (`raw` is whatever YAML 1.1 reads: timestamps, .nan, …). Those travel as {"$": tag, …}, and so do ranges and
// typed arrays, in shorter forms (four numbers, "g"; runs, "j"); a plain object that has
// a "$" key of its own travels as {"$": "o", v}. An object met twice is written once and referred to after, and so
// is a long text met twice: a change's SQL is its `sql.text`, its `params.sql.value` and its `raw.sql`, and written
// three times it made a formatted SQL file's entry four times the file.

/** texts at least this long are written once per entry */
const SHARED_TEXT = 64;

class NotStorable extends Error {}

/**
 * One walk (a walk to count first took as long again): each object and long text is written where it is first met,
 * and when met again, that first place is tagged with an id (the written tree is still open to change) and the
 * later one refers to it. Refers only backwards in the order decode() reads.
 */
function encode(root: unknown): unknown {
  /** where each object and long text was first written: the slot, and the tagged form once it was met again */
  interface First {
    parent: Record<string | number, unknown>;
    key: string | number;
    /** the tagged form written in the slot (set at once for Map, Set, Date, Int32Array and objects with a `$` key) */
    tagged?: { i?: number };
  }
  const firsts = new Map<unknown, First>();
  let nextId = 0;
  /** the id of something met again, tagging its first place if it had none */
  const idOf = (first: First): number => {
    if (first.tagged?.i !== undefined) return first.tagged.i;
    const i = nextId++;
    if (first.tagged) first.tagged.i = i;
    else {
      const written = first.parent[first.key];
      const tagged = { $: typeof written === 'string' ? 'x' : Array.isArray(written) ? 'a' : 'o', i, v: written };
      put(first.parent, first.key, tagged);
      first.tagged = tagged;
    }
    return i;
  };
  const write = (v: unknown, parent: Record<string | number, unknown>, key: string | number): void => {
    switch (typeof v) {
      case 'string': {
        if (v.length >= SHARED_TEXT) {
          const first = firsts.get(v);
          if (first) return put(parent, key, { $: 'r', i: idOf(first) });
          firsts.set(v, { parent, key });
        }
        return put(parent, key, v);
      }
      case 'boolean':
        return put(parent, key, v);
      case 'undefined':
        return put(parent, key, { $: 'u' });
      case 'bigint':
        return put(parent, key, { $: 'b', v: v.toString() });
      case 'number':
        return put(parent, key, Number.isFinite(v) && !Object.is(v, -0) ? v : { $: 'n', v: String(v === 0 ? '-0' : v) });
      case 'object': {
        if (v === null) return put(parent, key, null);
        const met = firsts.get(v);
        if (met) return put(parent, key, { $: 'r', i: idOf(met) });
        const first: First = { parent, key };
        firsts.set(v, first);
        const tagged = (tag: string, value: unknown) => {
          const t: { $: string; v: unknown; i?: number } = { $: tag, v: value };
          first.tagged = t;
          put(parent, key, t);
        };
        if (Array.isArray(v)) {
          const out: unknown[] = new Array(v.length);
          put(parent, key, out);
          for (let i = 0; i < v.length; i++) write(v[i], out as unknown as Record<number, unknown>, i);
        } else if (v instanceof Map) {
          const pairs: unknown[][] = [];
          tagged('m', pairs);
          for (const [k, x] of v) {
            const pair: unknown[] = [undefined, undefined];
            pairs.push(pair);
            write(k, pair as unknown as Record<number, unknown>, 0);
            write(x, pair as unknown as Record<number, unknown>, 1);
          }
        } else if (v instanceof Set) {
          const items: unknown[] = [];
          tagged('s', items);
          for (const x of v) write(x, items as unknown as Record<number, unknown>, items.push(undefined) - 1);
        } else if (v instanceof Date) {
          tagged('t', v.getTime());
        } else if (v instanceof Int32Array) {
          tagged('j', runsOf(v));
        } else if (isRange(v)) {
          tagged('g', [v.start.line, v.start.character, v.end.line, v.end.character]);
        } else {
          if (!isPlain(v)) throw new NotStorable();
          const fields = v as Record<string, unknown>;
          const out: Record<string, unknown> = {};
          if (Object.prototype.hasOwnProperty.call(fields, '$')) tagged('o', out);
          else put(parent, key, out);
          for (const k in fields) if (!skipped(fields, k)) write(fields[k], out, k);
        }
        return;
      }
      default:
        throw new NotStorable();
    }
  };
  const holder: Record<string, unknown> = {};
  write(root, holder, 'root');
  return holder.root;
}

function put(parent: Record<string | number, unknown>, key: string | number, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  else parent[key] = value;
}

/** an entry's encoded file, read again from its pack line when its first decode took the objects */
function encodedFileOf(entry: Entry): unknown {
  entry.encodedFile ??= (JSON.parse(entry.line!.slice(KEY_LENGTH + 1)) as { file: unknown }).file;
  return entry.encodedFile;
}

/**
 * decode() for a tree that JSON.parse just made and nothing else holds: its plain objects and arrays are kept, only
 * the tagged values in them replaced. A warm `status` of 1,000 changesets decoded its entries in 16-17 ms copying
 * every object, in 9-11 in place (medians of 8).
 */
function decodeInPlace(root: unknown): unknown {
  const byId = new Map<number, unknown>();
  const read = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === 'object' && x !== null) v[i] = read(x);
      }
      return v;
    }
    const o = v as Record<string, unknown>;
    if (!('$' in o)) {
      for (const k in o) {
        const x = o[k];
        if (typeof x === 'object' && x !== null) setField(o, k, read(x));
      }
      return o;
    }
    return decodeTagged(o, read, byId);
  };
  return read(root);
}

function decode(root: unknown): unknown {
  const byId = new Map<number, unknown>();
  const read = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(read);
    const o = v as Record<string, unknown>;
    if (!('$' in o)) {
      const out: Record<string, unknown> = {};
      for (const k in o) setField(out, k, read(o[k]));
      return out;
    }
    return decodeTagged(o, read, byId);
  };
  return read(root);
}

/** the value of a {"$": tag, …} form; `read` decodes what it holds, `byId` what was written once and referred to */
function decodeTagged(o: Record<string, unknown>, read: (v: unknown) => unknown, byId: Map<number, unknown>): unknown {
  const keep = <T>(value: T): T => {
    if (typeof o.i === 'number') byId.set(o.i, value);
    return value;
  };
  switch (o.$) {
    case 'u':
      return undefined;
    case 'b':
      return BigInt(o.v as string);
    case 'n':
      return o.v === '-0' ? -0 : Number(o.v);
    case 'r':
      if (!byId.has(o.i as number)) throw new NotStorable();
      return byId.get(o.i as number);
    case 'x':
      return keep(o.v as string);
    case 't':
      return keep(new Date(o.v as number));
    case 'j':
      return keep(fromRuns(o.v as number[]));
    case 'g': {
      const [startLine, startCharacter, endLine, endCharacter] = o.v as number[];
      return keep({ start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } });
    }
    case 'a': {
      const out = keep([] as unknown[]);
      for (const x of o.v as unknown[]) out.push(read(x));
      return out;
    }
    case 'm': {
      const out = keep(new Map());
      for (const [k, x] of o.v as [unknown, unknown][]) out.set(read(k), read(x));
      return out;
    }
    case 's': {
      const out = keep(new Set());
      for (const x of o.v as unknown[]) out.add(read(x));
      return out;
    }
    case 'o': {
      const out = keep({} as Record<string, unknown>);
      const fields = o.v as Record<string, unknown>;
      for (const k in fields) setField(out, k, read(fields[k]));
      return out;
    }
    default:
      throw new NotStorable();
  }
}

/** a YAML key `__proto__` is a field like any other, never the object's prototype */
function setField(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * An Int32Array as runs of consecutive values, [first, length, first, length, …]: an SqlText's offsets (where each
 * character of the SQL sits in its file) are one run per line.
 */
function runsOf(values: Int32Array): number[] {
  const runs: number[] = [];
  for (let i = 0; i < values.length; ) {
    let end = i + 1;
    while (end < values.length && values[end] === values[end - 1] + 1) end++;
    runs.push(values[i], end - i);
    i = end;
  }
  return runs;
}

function fromRuns(runs: number[]): Int32Array {
  let length = 0;
  for (let r = 1; r < runs.length; r += 2) length += runs[r];
  const values = new Int32Array(length);
  for (let r = 0, at = 0; r < runs.length; r += 2) for (let k = 0; k < runs[r + 1]; k++) values[at++] = runs[r] + k;
  return values;
}

/**
 * A range as the model holds them, `{start: {line, character}, end: {…}}` and nothing else, written as four numbers:
 * ranges are most of a parsed file, and a third of their size once written so.
 */
function isRange(v: object): v is { start: { line: number; character: number }; end: { line: number; character: number } } {
  if (!isPlain(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 2 || keys[0] !== 'start' || keys[1] !== 'end') return false;
  const { start, end } = v as { start: unknown; end: unknown };
  return isPosition(start) && isPosition(end);
}

function isPosition(v: unknown): v is { line: number; character: number } {
  if (typeof v !== 'object' || v === null || !isPlain(v)) return false;
  const keys = Object.keys(v);
  const { line, character } = v as { line: unknown; character: unknown };
  return keys.length === 2 && keys[0] === 'line' && keys[1] === 'character' && isCount(line) && isCount(character);
}

function isCount(v: unknown): boolean {
  return Number.isSafeInteger(v) && !Object.is(v, -0);
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** an SqlText's parse (the SQL layer fills it later, and parses again what it needs) */
function skipped(owner: object, key: string): boolean {
  return key === 'parsed' && 'baseOffset' in owner && 'splitStatements' in owner;
}

function sameInputs(kept: unknown, inputs: string[]): boolean {
  return Array.isArray(kept) && kept.length === inputs.length && kept.every((input, i) => input === inputs[i]);
}

/** FNV-1a over UTF-16 code units, two 32-bit lanes with different offset bases: 16 hex digits */
function fnv1a64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** an entry that learnt something: its pack line is made anew and every pack holding it is written again */
function learnt(entry: Entry): void {
  encodedFileOf(entry); // (its line, which may hold the only encoded file, is written anew)
  entry.line = undefined;
  entry.packs.clear();
}

function generatedKey(changesetIndex: number, changeIndex: number, defaultSchema: string | undefined): string {
  return `${changesetIndex}.${changeIndex}.${defaultSchema ?? ''}`;
}

function sameTexts(a: string[] | undefined, b: string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((text, i) => text === b[i]);
}
