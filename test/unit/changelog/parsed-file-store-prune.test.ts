// The parsed-file store's folder is pruned of what no run has written or read for 30 days.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ParsedFileStore } from '../../../server/src/changelog/parsed-file-store';

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-prune-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('removes files neither written nor read for 30 days, and keeps those read lately though written long ago', () => {
  const day = 24 * 3600;
  const now = Date.now() / 1000;
  const file = (name: string, atimeDaysAgo: number, mtimeDaysAgo: number) => {
    fs.writeFileSync(nodePath.join(dir, name), name);
    fs.utimesSync(nodePath.join(dir, name), now - atimeDaysAgo * day, now - mtimeDaysAgo * day);
  };
  file('unused.pack', 40, 40);
  file('read-yesterday.pack', 1, 40);
  file('written-yesterday.json', 40, 1);
  file('fresh.parses.json', 0, 0);
  (new ParsedFileStore(dir, 'build') as unknown as { prune(): void }).prune();
  expect(fs.readdirSync(dir).sort()).toEqual(['fresh.parses.json', 'read-yesterday.pack', 'written-yesterday.json']);
});
