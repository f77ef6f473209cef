// The editor lints after every keystroke with a memo of the last lint. Each lint must leave only its own memory:
// the models of earlier lints (and with them every version of the text) must be collectable once nothing in the
// current lint uses them. A lint whose scope kept the last lint's memo kept, through the closures of its findings,
// the lint before that, and so on: the server's heap grew by the changelog's size per keystroke.
import * as nodePath from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChangelogCache, loadChangelog, type SourceReader } from '../../../server/src/changelog/load';
import type { Changelog } from '../../../server/src/changelog/model';
import { LintMemo, lintChangelog } from '../../../server/src/rules/run';
import { initSqlParser } from '../../../server/src/sql/statements';

const CHANGELOG = nodePath.join('/project', 'changelog.yaml');

/** a changelog whose findings carry fixes (closures), with the edited changeset's SQL given */
function changelog(edited: string): string {
  let text = 'databaseChangeLog:\n';
  for (let i = 0; i < 40; i++) {
    const sql = i === 20 ? edited
      : i % 2 === 0 ? `CREATE TABLE t${i} (id int PRIMARY KEY, name text)`
        : `ALTER TABLE t${i - 1} ADD COLUMN c int NOT NULL DEFAULT 0; CREATE INDEX t${i}_idx ON t${i - 1} (name)`;
    text += `  - changeSet:\n      id: ${i}\n      author: a\n      changes:\n        - sql: ${sql}\n`;
  }
  return text;
}

/** a full garbage collection (vitest runs without --expose-gc) */
const gc = (): void => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
};

describe('incremental lint memory', () => {
  beforeAll(() => initSqlParser());

  it('keeps no model of an earlier lint alive once later lints replaced it', async () => {
    const files = new Map<string, string>();
    const reader: SourceReader = { readFile: (path) => files.get(path), isDirectory: () => false, listDirectory: () => undefined };
    const cache = new ChangelogCache();
    const memo = new LintMemo();
    const lint = (sql: string) => {
      files.set(CHANGELOG, changelog(sql));
      const tree = loadChangelog(CHANGELOG, { reader, cache });
      const findings = lintChangelog(tree, { memo });
      expect(findings.some((f) => f.fixes?.length)).toBe(true);
      return new WeakRef(tree);
    };
    lint('CREATE TABLE t20 (id int PRIMARY KEY, name text)');
    const early: WeakRef<Changelog>[] = [];
    // typing in changeset 20: each lint re-runs it (and what uses its table) and keeps the others' findings
    for (let i = 0; i < 6; i++) early.push(lint(`CREATE TABLE t20 (id int PRIMARY KEY, name${i} text)`));
    for (let i = 0; i < 3; i++) lint(`CREATE TABLE t20 (id int PRIMARY KEY, label${i} text)`);
    // (a WeakRef made in this job holds its target until the job ends)
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(early.filter((ref) => ref.deref() !== undefined).length).toBe(0);
  });
});
