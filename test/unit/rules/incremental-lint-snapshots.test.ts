// The lint of a whole changelog leaves schema snapshots every few hundred changesets, and each later lint starts
// from the nearest one above its first changed changeset. Wherever the edit (above, between, below the
// snapshots; one that changes what a later snapshot holds), the findings must be those of a lint from scratch.
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChangelogCache, loadChangelog, type SourceReader } from '../../../server/src/changelog/load';
import type { Finding } from '../../../server/src/changelog/model';
import { LintMemo, lintChangelog } from '../../../server/src/rules/run';
import { initSqlParser } from '../../../server/src/sql/statements';

const CHANGELOG = nodePath.join('/project', 'changelog.yaml');
const changeset = (id: number, sql: string) => `  - changeSet:\n      id: ${id}\n      author: a\n      changes:\n        - sql: ${sql}\n`;

/** 1,300 changesets; some far down use tables made far up */
function changelog(overrides: Map<number, string>): string {
  let text = 'databaseChangeLog:\n';
  for (let i = 0; i < 1300; i++) {
    const sql = overrides.get(i) ??
      (i === 0 ? 'CREATE TABLE users (id int PRIMARY KEY, name text)'
        // its findings name the column's type before, as the changesets above left it
        : i === 1100 ? 'ALTER TABLE users ALTER COLUMN name TYPE varchar(10)'
        : i % 250 === 0 ? `ALTER TABLE users ADD COLUMN c${i} int NOT NULL`
          : i % 97 === 0 ? `ALTER TABLE filler_${i - 3} RENAME COLUMN note TO remark`
            : `CREATE TABLE filler_${i} (id int PRIMARY KEY, note text NOT NULL DEFAULT '')`);
    text += changeset(i, sql);
  }
  return text;
}

const EDITS: { name: string; overrides: [number, string][] }[] = [
  { name: 'the first lint', overrides: [] },
  { name: 'an edit below the last snapshot', overrides: [[1200, 'ALTER TABLE users ADD COLUMN late int NOT NULL']] },
  { name: 'an edit between snapshots that changes what a later one holds', overrides: [[700, 'ALTER TABLE users ALTER COLUMN name TYPE varchar(40)']] },
  { name: 'a later edit below it', overrides: [[700, 'ALTER TABLE users ALTER COLUMN name TYPE varchar(40)'], [1250, 'ALTER TABLE users DROP COLUMN name']] },
  { name: 'the edit between snapshots undone', overrides: [[1250, 'ALTER TABLE users DROP COLUMN name']] },
  { name: 'an edit at the top (every snapshot changes)', overrides: [[0, 'CREATE TABLE users (id int PRIMARY KEY, name varchar(5))'], [1250, 'ALTER TABLE users DROP COLUMN name']] },
  { name: 'an edit just at a snapshot', overrides: [[500, 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50)']] },
  { name: 'an edit just above a snapshot', overrides: [[499, 'ALTER TABLE users ALTER COLUMN name TYPE varchar(49)']] },
  { name: 'back to the start', overrides: [] },
  { name: 'an edit far down again', overrides: [[1299, 'ALTER TABLE users ALTER COLUMN name SET NOT NULL']] },
];

describe('incremental lint of a long changelog (snapshots)', () => {
  beforeAll(() => initSqlParser());

  it('gives after every edit the findings of a lint from scratch', () => {
    const files = new Map<string, string>();
    const reader: SourceReader = { readFile: (path) => files.get(path), isDirectory: () => false, listDirectory: () => undefined };
    const cache = new ChangelogCache();
    const memo = new LintMemo();
    for (const edit of EDITS) {
      files.set(CHANGELOG, changelog(new Map(edit.overrides)));
      const incremental = lintChangelog(loadChangelog(CHANGELOG, { reader, cache }), { memo });
      const scratch = lintChangelog(loadChangelog(CHANGELOG, { reader }));
      expect(scratch.length, edit.name).toBeGreaterThan(0);
      expect(incremental.map(plain), edit.name).toEqual(scratch.map(plain));
      // the snapshots are really made, and those below an edit dropped (else the test above proves nothing of them)
      if (edit.name === 'the first lint') expect(memo.snapshots.map((s) => s.at)).toEqual([500, 1000]);
      if (edit.name === 'an edit between snapshots that changes what a later one holds') expect(memo.snapshots.map((s) => s.at)).toEqual([500, 700]);
    }
  });
});

const plain = (f: Finding) => ({ rule: f.rule, severity: f.severity, message: f.message, file: f.file, range: f.range, changeset: f.changeset });
