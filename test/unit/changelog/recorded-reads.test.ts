import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChangelog } from '../../../server/src/changelog/load';
import { readsStillHold, recordingReader } from '../../../server/src/changelog/recorded-reads';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** a tree written in the past (so its stats are trusted), with an include found on the search path and an includeAll folder */
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgcs-reads-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'all'));
  const files: Record<string, string> = {
    'changelog.yaml': 'databaseChangeLog:\n  - include:\n      file: more.yaml\n  - includeAll:\n      path: all/\n      relativeToChangelogFile: true\n',
    'more.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql: CREATE TABLE t (id int)\n',
    'all/001.sql': '--liquibase formatted sql\n--changeset a:2\nCREATE INDEX i ON t (id);\n',
  };
  const past = new Date(Date.now() - 60_000);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    utimesSync(join(dir, name), past, past);
  }
  return dir;
}

function recordLoad(dir: string) {
  const recorded = recordingReader();
  loadChangelog(join(dir, 'changelog.yaml'), { searchPath: [dir], reader: recorded.reader, analyseSql: false });
  return recorded.reads();
}

describe('reads recorded while loading a tree', () => {
  it('still hold while nothing changed', () => {
    const dir = tree();
    const reads = recordLoad(dir);
    expect(reads.map((r) => `${r.kind} ${r.path.slice(dir.length)}`)).toEqual(expect.arrayContaining(['file /changelog.yaml', 'file /more.yaml', 'listing /all', 'file /all/001.sql']));
    expect(readsStillHold(reads)).toBe(true);
  });

  it('no longer hold when an included file changes, even to a text of the same length written at the same time', () => {
    const dir = tree();
    const reads = recordLoad(dir);
    const past = new Date(Date.now() - 60_000);
    writeFileSync(join(dir, 'more.yaml'), 'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql: CREATE TABLE u (id int)\n');
    utimesSync(join(dir, 'more.yaml'), past, past);
    expect(readsStillHold(reads)).toBe(false);
  });

  it('no longer hold when a file appears in an includeAll folder', () => {
    const dir = tree();
    const reads = recordLoad(dir);
    writeFileSync(join(dir, 'all/002.sql'), '--liquibase formatted sql\n--changeset a:3\nDROP TABLE t;\n');
    expect(readsStillHold(reads)).toBe(false);
  });

  it('no longer hold when a file appears where an include was looked for first', () => {
    const dir = tree();
    mkdirSync(join(dir, 'first'));
    // `file: more.yaml` is resolved against the search path in order: first/ does not hold it (yet)
    const recorded = recordingReader();
    loadChangelog(join(dir, 'changelog.yaml'), { searchPath: [join(dir, 'first'), dir], reader: recorded.reader, analyseSql: false });
    const reads = recorded.reads();
    expect(reads).toContainEqual({ kind: 'file', path: join(dir, 'first/more.yaml'), hash: null });
    expect(readsStillHold(reads)).toBe(true);
    writeFileSync(join(dir, 'first/more.yaml'), 'databaseChangeLog: []\n');
    expect(readsStillHold(reads)).toBe(false);
  });

  it('note a candidate under an absent folder by that folder, and no longer hold when the candidate appears', () => {
    const dir = tree();
    // a search-path root that does not exist (yet): `more.yaml` is looked for under it first
    const absentRoot = join(dir, 'gone/deeper');
    const recorded = recordingReader();
    loadChangelog(join(dir, 'changelog.yaml'), { searchPath: [absentRoot, dir], reader: recorded.reader, analyseSql: false });
    const reads = recorded.reads();
    expect(reads).toContainEqual({ kind: 'folder', path: join(dir, 'gone'), folder: false });
    expect(reads.filter((r) => r.path.startsWith(join(dir, 'gone')))).toHaveLength(1);
    expect(readsStillHold(reads)).toBe(true);
    mkdirSync(join(dir, 'gone'));
    expect(readsStillHold(reads)).toBe(false);
    // and a file there instead of a folder holds nothing under it: the reads still hold
    rmSync(join(dir, 'gone'), { recursive: true });
    writeFileSync(join(dir, 'gone'), 'a file');
    expect(readsStillHold(reads)).toBe(true);
    rmSync(join(dir, 'gone'));
    mkdirSync(absentRoot, { recursive: true });
    writeFileSync(join(absentRoot, 'more.yaml'), 'databaseChangeLog: []\n');
    expect(readsStillHold(reads)).toBe(false);
  });

  it('compare the text of a file changed just before it was read, whose stat may not show a later change', () => {
    const dir = tree();
    writeFileSync(join(dir, 'more.yaml'), 'databaseChangeLog: []\n');
    const reads = recordLoad(dir);
    const more = reads.find((r) => r.kind === 'file' && r.path === join(dir, 'more.yaml'));
    expect(more).toMatchObject({ kind: 'file' });
    expect(more && 'stat' in more && more.stat).toBeFalsy();
    expect(readsStillHold(reads)).toBe(true);
  });
});
