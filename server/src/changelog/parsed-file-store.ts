// Parsed changelog files kept on disk between CLI runs. Reading a 100-changeset YAML file back from here takes a
// few milliseconds; parsing it takes tens (hundreds in a fresh process, before the JIT has warmed up), and a
// `status` of an unchanged changelog is otherwise mostly YAML parsing.
//
// An entry is named by a hash of everything its parse depends on: the build of pgcs, the file's path, text and
// FILENAME, and the ${…} properties visible to it. A parse is a pure function of those (the parsers read no
// files, no environment, no clock), so an entry is never stale: an edit, another -D value or another pgcs build
// names another entry. Entries hold the model as the parser returned it, before the loader resolves includes
// and sqlFiles (those are read from the disk again on every run).
//
// Results computed from a whole tree (the lint of a root changelog) are kept too, each with the reads it was made
// from (recorded-reads.ts): one is given back only while every file, folder and listing it read is as it was.
//
// Alongside, the MD5SUMs of the file's changesets whose checksum depends on nothing but that text (no sqlFile,
// no `path`/`file` parameter naming another file): the checksum of a YAML changeset re-reads its source, which
// costs as much again.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { cacheFolder } from '../cache-folder';
import type { Change, ChangelogFile, ChangelogKind, Changeset } from './model';
import { type RecordedRead, readsStillHold } from './recorded-reads';

interface Entry {
  file: ChangelogFile;
  /** MD5SUMs by the changeset's index in `file.changesets` */
  checksums: Record<number, string>;
}

export class ParsedFileStore {
  /** where each changeset that came through the store is kept, to save its checksum with it */
  private readonly homes = new WeakMap<Changeset, { key: string; index: number }>();
  private readonly entries = new Map<string, { encodedFile: unknown; checksums: Record<number, string>; dirty: boolean }>();
  /** results of reads made in this run, to be written */
  private readonly results = new Map<string, { reads: RecordedRead[]; value: unknown }>();

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
    const key = createHash('sha256').update([this.build, kind, path, logicalPath, propertiesKey, text].join('\u0000')).digest('hex');
    const stored = this.read(key);
    let file: ChangelogFile | undefined;
    if (stored) {
      try {
        file = { ...(decode(stored.encodedFile) as ChangelogFile), text };
        this.entries.set(key, { encodedFile: stored.encodedFile, checksums: stored.checksums, dirty: false });
      } catch {
        file = undefined; // an entry another version wrote, or damaged: parse again
      }
    }
    if (!file) {
      file = parse();
      let encodedFile: unknown;
      try {
        encodedFile = encode({ ...file, text: undefined });
      } catch {
        return file; // holds something the store cannot write down: not stored
      }
      this.entries.set(key, { encodedFile, checksums: {}, dirty: true });
    }
    file.changesets.forEach((changeset, index) => this.homes.set(changeset, { key, index }));
    return file;
  }

  /** the stored MD5SUM of a changeset that came through the store, when it depends on its file's text alone */
  checksum(changeset: Changeset): string | undefined {
    const home = this.homes.get(changeset);
    if (!home || !checksumFromTextAlone(changeset)) return undefined;
    return this.entries.get(home.key)?.checksums[home.index];
  }

  rememberChecksum(changeset: Changeset, checksum: string): void {
    const home = this.homes.get(changeset);
    if (!home || !checksumFromTextAlone(changeset)) return;
    const entry = this.entries.get(home.key);
    if (!entry || entry.checksums[home.index] === checksum) return;
    entry.checksums[home.index] = checksum;
    entry.dirty = true;
  }

  /**
   * The result kept for these inputs (everything it depends on besides what it read; plain JSON) when every read
   * it was made from (recorded-reads.ts) still answers the same; else undefined.
   */
  keptResult<T>(inputs: string[]): T | undefined {
    const kept = this.readJson(this.resultKey(inputs)) as { reads?: RecordedRead[]; value?: T } | undefined;
    if (!kept || !Array.isArray(kept.reads) || kept.value === undefined) return undefined;
    return readsStillHold(kept.reads) ? kept.value : undefined;
  }

  /** Keeps a result made from these reads (written by save()). */
  keepResult(inputs: string[], reads: RecordedRead[], value: unknown): void {
    this.results.set(this.resultKey(inputs), { reads, value });
  }

  private resultKey(inputs: string[]): string {
    return `${createHash('sha256').update([this.build, 'result', ...inputs].join('\u0000')).digest('hex')}.result`;
  }

  /** Writes the new and changed entries. Best effort: a store that cannot be written only costs speed. */
  save(): void {
    const dirty = [...this.entries].filter(([, entry]) => entry.dirty);
    if (!dirty.length && !this.results.size) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      for (const [key, entry] of dirty) {
        this.write(key, { file: entry.encodedFile, checksums: entry.checksums });
        entry.dirty = false;
      }
      for (const [key, result] of this.results) this.write(key, result);
      this.results.clear();
      if (Math.random() < 1 / 32) this.prune();
    } catch {
      // read-only home, full disk: the next run parses again
    }
  }

  private write(key: string, value: unknown): void {
    // written aside and renamed: a run reading at the same time sees the old entry or the new one, whole
    const target = nodePath.join(this.dir, `${key}.json`);
    const aside = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(aside, JSON.stringify(value));
    fs.renameSync(aside, target);
  }

  private read(key: string): { encodedFile: unknown; checksums: Record<number, string> } | undefined {
    const entry = this.readJson(key) as { file: unknown; checksums: Record<number, string> } | undefined;
    return entry && { encodedFile: entry.file, checksums: entry.checksums ?? {} };
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

  /** Entries not written for 30 days go: each edit of a file leaves its previous entry behind. */
  private prune(): void {
    const before = Date.now() - 30 * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(this.dir)) {
      const path = nodePath.join(this.dir, name);
      try {
        if (fs.statSync(path).mtimeMs < before) fs.rmSync(path, { force: true });
      } catch {
        // removed by another run meanwhile
      }
    }
  }
}

/** The checksum reads nothing but the changeset's own file: no SQL from another file, no parameter naming one. */
function checksumFromTextAlone(changeset: Changeset): boolean {
  const own = (change: Change) =>
    change.resolvedPath === undefined && (!change.sql || change.sql.file === changeset.file) && !('path' in change.params) && !('file' in change.params);
  return changeset.changes.every(own) && (changeset.rollback.kind !== 'changes' || changeset.rollback.changes.every(own));
}

// ---- the model as JSON ---------------------------------------------------------------------------------------
//
// JSON keeps neither undefined, NaN, Dates, Maps, typed arrays nor shared objects, all of which a model may hold
// (`raw` is whatever YAML 1.1 reads: timestamps, .nan, …). Those travel as {"$": tag, …}; a plain object that has
// a "$" key of its own travels as {"$": "o", v}. An object met twice is written once and referred to after.

class NotStorable extends Error {}

function encode(root: unknown): unknown {
  const seen = new Map<object, number>();
  const count = (value: unknown) => {
    const stack = [value];
    while (stack.length) {
      const v = stack.pop();
      if (typeof v !== 'object' || v === null) continue;
      const n = seen.get(v) ?? 0;
      seen.set(v, n + 1);
      if (n > 0) continue;
      if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
      else if (v instanceof Set) for (const x of v) stack.push(x);
      else if (Array.isArray(v)) for (const x of v) stack.push(x);
      else if (isPlain(v)) for (const [k, x] of Object.entries(v)) if (!skipped(v, k)) stack.push(x);
    }
  };
  count(root);
  const ids = new Map<object, number>();
  const write = (v: unknown): unknown => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'undefined':
        return { $: 'u' };
      case 'bigint':
        return { $: 'b', v: v.toString() };
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0) ? v : { $: 'n', v: String(v === 0 ? '-0' : v) };
      case 'object': {
        if (v === null) return null;
        const id = ids.get(v);
        if (id !== undefined) return { $: 'r', i: id };
        const shared = (seen.get(v) ?? 0) > 1;
        const i = shared ? ids.size : undefined;
        if (shared) ids.set(v, i!);
        const tagged = (tag: string, value: unknown) => (i === undefined ? { $: tag, v: value } : { $: tag, i, v: value });
        if (Array.isArray(v)) return i === undefined ? v.map(write) : tagged('a', v.map(write));
        if (v instanceof Map) return tagged('m', [...v].map(([k, x]) => [write(k), write(x)]));
        if (v instanceof Set) return tagged('s', [...v].map(write));
        if (v instanceof Date) return tagged('t', v.getTime());
        if (v instanceof Int32Array) return tagged('i', Array.from(v));
        if (!isPlain(v)) throw new NotStorable();
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) if (!skipped(v, k)) setField(out, k, write(x));
        return i !== undefined || '$' in out ? tagged('o', out) : out;
      }
      default:
        throw new NotStorable();
    }
  };
  return write(root);
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
      case 't':
        return keep(new Date(o.v as number));
      case 'i':
        return keep(Int32Array.from(o.v as number[]));
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
  };
  return read(root);
}

/** a YAML key `__proto__` is a field like any other, never the object's prototype */
function setField(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** an SqlText's parse (the SQL layer fills it later, and parses again what it needs) */
function skipped(owner: object, key: string): boolean {
  return key === 'parsed' && 'baseOffset' in owner && 'splitStatements' in owner;
}
