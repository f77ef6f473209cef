// loadChangelogWhileWaiting (load.ts): the CLI loads a changelog in steps, a file each, letting its database session
// open and read meanwhile. The steps must add up to what loadChangelog reads in one go.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChangelog, loadChangelogWhileWaiting } from '../../../server/src/changelog/load';

const root = mkdtempSync(join(tmpdir(), 'pgcs-load-steps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'tree-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return join(dir, 'changelog.yaml');
}

const changeset = (id: string, sql: string) => `  - changeSet:\n      id: ${id}\n      author: t\n      changes:\n        - sql:\n            sql: ${sql}\n`;

describe('loading a changelog while waiting', () => {
  it('reads in steps, pausing between files, what loadChangelog reads at once: includes, includeAll, sqlFile, errors', async () => {
    const path = tree({
      'changelog.yaml': `databaseChangeLog:\n${changeset('1', 'CREATE TABLE a (id int)')}  - include:\n      file: one.yaml\n      relativeToChangelogFile: true\n  - includeAll:\n      path: more/\n      relativeToChangelogFile: true\n${changeset('5', 'CREATE TABLE e (id int)')}`,
      'one.yaml': `databaseChangeLog:\n${changeset('2', 'CREATE TABLE b (id int)')}  - include:\n      file: missing.yaml\n      relativeToChangelogFile: true\n`,
      'more/a.yaml': `databaseChangeLog:\n${changeset('3', 'CREATE TABLE c (id int)')}`,
      'more/b.yaml': `databaseChangeLog:\n  - changeSet:\n      id: 4\n      author: t\n      changes:\n        - sqlFile:\n            path: ../sql/four.sql\n            relativeToChangelogFile: true\n`,
      'sql/four.sql': 'CREATE TABLE d (id int);\n',
    });
    let pauses = 0;
    const stepwise = await loadChangelogWhileWaiting(path, { analyseSql: false }, async () => void pauses++, 0);
    const atOnce = loadChangelog(path, { analyseSql: false });
    // a pause after each of the four changelog files
    expect(pauses).toBe(4);
    expect(stepwise.changesets.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(stepwise.findings.map((f) => f.rule)).toEqual(['missing-file']);
    expect(stepwise.changesets[3].changes[0].sql?.text).toBe('CREATE TABLE d (id int);\n');
    expect(stepwise).toEqual(atOnce);
  });
});
