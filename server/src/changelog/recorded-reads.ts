// What a load read from the disk (diskReader), so a result computed from it (a whole tree's lint) can be kept
// between CLI runs and trusted while every read would answer the same: each file's text (or its absence), each
// folder test, each folder listing. That is everything the loader and the rules see of the file system (they
// read nothing else), so equal reads give an equal result.
//
// Checking a read costs a stat: a file whose stat is unchanged is not read again, as git trusts its index. Only a
// stat taken well after the file's last change is trusted that way (a write within the file system's timestamp
// granularity could keep the stat): a file changed just before it was read is read and compared again.

import { crypto } from '../node-builtins';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { diskReader, type SourceReader } from './load';

export type RecordedRead =
  | { kind: 'file'; path: string; hash: string | null; stat?: FileStat }
  | { kind: 'folder'; path: string; folder: boolean }
  | { kind: 'listing'; path: string; names: string[] | null };

interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** a file changed less than this before its stat may change again within the same timestamp (2 s on FAT) */
const RACY_MS = 2500;

/** diskReader, noting every answer it gives (in order, the first answer per question). */
export function recordingReader(): { reader: SourceReader; reads: () => RecordedRead[] } {
  const base = diskReader;
  const reads = new Map<string, RecordedRead>();
  const note = (key: string, make: () => RecordedRead) => {
    if (!reads.has(key)) reads.set(key, make());
  };
  const statOf = statCache();
  /**
   * Notes that nothing is at `path` by the folder highest above it that is absent, when there is one: the candidate
   * paths of a search path of several roots are mostly under absent folders (the bench's 30 trees: 2,930 absent
   * candidates under 558 absent folders), and every read kept is read and checked again by each later lint.
   */
  const notedAbsentAbove = (path: string): boolean => {
    let top = path;
    for (let parent = nodePath.dirname(top); parent !== top && statOf(parent) === null; parent = nodePath.dirname(top)) top = parent;
    if (top === path) return false;
    note(`d\0${top}`, () => ({ kind: 'folder', path: top, folder: false }));
    return true;
  };
  const reader: SourceReader = {
    readFile(path) {
      // the stat before the read: a write after it changes the stat, so the recorded one can only be too old
      const stat = statOf(path);
      if (stat === null && notedAbsentAbove(path)) return undefined;
      // diskReader reads no text where there is no file or a folder
      const text = stat && !stat.isDirectory() ? base.readFile(path) : undefined;
      const trusted = stat && text !== undefined ? trustedStat(stat) : undefined;
      note(`f\0${path}`, () => ({ kind: 'file', path, hash: text === undefined ? null : textHash(text), ...(trusted ? { stat: trusted } : {}) }));
      return text;
    },
    isDirectory(path) {
      const stat = statOf(path);
      if (stat === null && notedAbsentAbove(path)) return false;
      const folder = !!stat && stat.isDirectory();
      note(`d\0${path}`, () => ({ kind: 'folder', path, folder }));
      return folder;
    },
    listDirectory(path) {
      const names = base.listDirectory(path);
      note(`l\0${path}`, () => ({ kind: 'listing', path, names: names ? [...names] : null }));
      return names;
    },
  };
  return { reader, reads: () => [...reads.values()] };
}

/** Every read of the disk (through diskReader) answers now as it did when it was recorded. */
export function readsStillHold(reads: RecordedRead[]): boolean {
  const statOf = statCache();
  for (const read of reads) {
    // most reads that found nothing were candidate paths of an include or the search path: that they are still
    // absent is told without a stat (existsSync makes no Stats object), a third of the time
    if (((read.kind === 'file' && read.hash === null) || (read.kind === 'folder' && !read.folder)) && !fs.existsSync(read.path)) continue;
    if (read.kind === 'folder') {
      const stat = statOf(read.path);
      if ((!!stat && stat.isDirectory()) !== read.folder) return false;
    } else if (read.kind === 'listing') {
      const names = diskReader.listDirectory(read.path);
      if (names === undefined ? read.names !== null : read.names === null || !sameNames(names, read.names)) return false;
    } else {
      const stat = statOf(read.path);
      // diskReader reads no text where there is no file or a folder
      if (read.hash === null && (!stat || stat.isDirectory())) continue;
      if (read.stat && stat && sameStat(stat, read.stat)) continue;
      const text = diskReader.readFile(read.path);
      if ((text === undefined ? null : textHash(text)) !== read.hash) return false;
    }
  }
  return true;
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

function textHash(text: string): string {
  return crypto().createHash('sha256').update(text).digest('base64');
}

/** the file's stat when its last change is old enough for the stat to tell a later change */
function trustedStat(stat: fs.Stats): FileStat | undefined {
  if (!stat.isFile() || Math.max(stat.mtimeMs, stat.ctimeMs) >= Date.now() - RACY_MS) return undefined;
  return { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino };
}

function sameStat(stat: fs.Stats, recorded: FileStat): boolean {
  return stat.isFile() && stat.size === recorded.size && stat.mtimeMs === recorded.mtimeMs && stat.ctimeMs === recorded.ctimeMs && stat.ino === recorded.ino;
}

/**
 * statOrNull, once per path: resolving an include asks of each candidate path whether it is a file, then whether
 * it is a folder.
 */
function statCache(): (path: string) => fs.Stats | null {
  const stats = new Map<string, fs.Stats | null>();
  return (path) => {
    let stat = stats.get(path);
    if (stat === undefined) stats.set(path, (stat = statOrNull(path)));
    return stat;
  };
}

/** the path's stat; null when there is nothing there (or it cannot be told) */
function statOrNull(path: string): fs.Stats | null {
  try {
    return fs.statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
