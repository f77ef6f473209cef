// The editor reads files on disk through TrustedDisk: a keystroke must not stat every sqlFile of a big tree, but a
// file changed on disk must still be seen, at once when the file watcher reports it (forget) and otherwise once
// the trust period has passed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangelogCache, loadChangelog, overlayReader, TrustedDisk } from '../../../server/src/changelog/load';

let dir: string;
let clock: number;
const now = () => clock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgcs-trusted-disk-'));
  clock = 1_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('TrustedDisk', () => {
  it('answers from what it read until the trust period has passed, then reads the disk again', () => {
    const file = join(dir, 'a.sql');
    writeFileSync(file, 'SELECT 1;\n');
    const disk = new TrustedDisk(2000, undefined, now);
    expect(disk.readFile(file)).toBe('SELECT 1;\n');
    writeFileSync(file, 'SELECT 2;\n');
    clock += 1999;
    expect(disk.readFile(file)).toBe('SELECT 1;\n');
    clock += 1;
    expect(disk.readFile(file)).toBe('SELECT 2;\n');
  });

  it('reads every path again after forget (the file watcher reported a change)', () => {
    const file = join(dir, 'a.sql');
    const missing = join(dir, 'later.sql');
    const folder = join(dir, 'later');
    writeFileSync(file, 'SELECT 1;\n');
    const disk = new TrustedDisk(60_000, undefined, now);
    expect(disk.readFile(file)).toBe('SELECT 1;\n');
    expect(disk.readFile(missing)).toBeUndefined();
    expect(disk.isDirectory(folder)).toBe(false);
    writeFileSync(file, 'SELECT 2;\n');
    writeFileSync(missing, 'SELECT 3;\n');
    mkdirSync(folder);
    expect(disk.readFile(file)).toBe('SELECT 1;\n');
    disk.forget();
    expect(disk.readFile(file)).toBe('SELECT 2;\n');
    expect(disk.readFile(missing)).toBe('SELECT 3;\n');
    expect(disk.isDirectory(folder)).toBe(true);
  });

  it('gives a reloaded tree the sqlFile text changed on disk once the watcher reports it', () => {
    const root = join(dir, 'changelog.yaml');
    writeFileSync(root, 'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sqlFile:\n            path: one.sql\n            relativeToChangelogFile: true\n');
    writeFileSync(join(dir, 'one.sql'), 'CREATE TABLE one (id int);\n');
    const disk = new TrustedDisk(60_000, undefined, now);
    const reader = overlayReader(new Map(), disk);
    const cache = new ChangelogCache();
    const sqlOf = () => loadChangelog(root, { reader, cache }).changesets[0].changes[0].sql?.text;
    expect(sqlOf()).toBe('CREATE TABLE one (id int);\n');
    writeFileSync(join(dir, 'one.sql'), 'CREATE TABLE one (id bigint);\n');
    expect(sqlOf()).toBe('CREATE TABLE one (id int);\n');
    disk.forget();
    expect(sqlOf()).toBe('CREATE TABLE one (id bigint);\n');
  });
});
