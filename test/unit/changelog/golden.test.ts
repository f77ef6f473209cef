import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog } from '../../../server/src/changelog/load';
import { initSqlParser } from '../../../server/src/sql/statements';

// Each case: the root changelog Liquibase was run with (search path = the case folder) and what it read.
const cases: [string, string, string][] = [
  ['01-yaml-sql', 'changelog.yaml', 'checksum-inputs.json'],
  ['02-formatted-sql', 'changelog.sql', 'checksum-inputs.json'],
  ['02-formatted-sql', 'changelog-dollar-split.sql', 'checksum-inputs.dollar-split.json'],
  ['03-yaml-builtin-changes', 'changelog.yaml', 'checksum-inputs.json'],
  ['04-include-includeall', 'db/changelog.yaml', 'checksum-inputs.json'],
  ['05-checksum-normalisation', 'changelog.yaml', 'checksum-inputs.json'],
  ['05-checksum-normalisation', 'changelog-not-executed.yaml', 'checksum-inputs.not-executed.json'],
  ['06-lifecycle', 'changelog.yaml', 'checksum-inputs.json'],
  ['06-lifecycle', 'changelog-failing.yaml', 'checksum-inputs.failing.json'],
  ['07-checksum-version-upgrade', 'changelog.yaml', 'checksum-inputs.json'],
];

interface GoldenChangeset {
  id: string;
  author: string;
  filename: string;
  comments: string | null;
  runOnChange: boolean;
  runAlways: boolean;
  changes: { change: string; sqlText?: string }[];
}

const golden = join(__dirname, '../../fixtures/golden');

beforeAll(() => initSqlParser());

describe('the changelog model reads what Liquibase 4.28 read', () => {
  for (const [folder, root, expectations] of cases) {
    it(`reads ${folder}/${root} into the same changesets, files, changes and SQL text`, () => {
      const dir = join(golden, folder);
      const expected: GoldenChangeset[] = JSON.parse(readFileSync(join(dir, expectations), 'utf8'));
      const changelog = loadChangelog(join(dir, root), { searchPath: [dir], properties: {} });
      const actual = changelog.changesets.map((c) => ({
        id: c.id,
        author: c.author,
        filename: c.logicalPath,
        comments: c.attributes.comment?.trim() || null,
        runOnChange: c.attributes.runOnChange ?? false,
        runAlways: c.attributes.runAlways ?? false,
        changes: c.changes.map((ch) => {
          const out: { change: string; sqlText?: string } = { change: ch.type };
          if (ch.type === 'sql') out.sqlText = ch.sql?.text.trim();
          if (ch.type === 'sqlFile') out.sqlText = ch.sql?.checksumText ?? ch.sql?.text;
          return out;
        }),
      }));
      const wanted = expected.map((c) => ({
        id: c.id,
        author: c.author,
        filename: c.filename,
        comments: c.comments?.trim() || null,
        runOnChange: c.runOnChange,
        runAlways: c.runAlways,
        changes: c.changes.map((ch) => (ch.sqlText === undefined ? { change: ch.change } : { change: ch.change, sqlText: ch.sqlText })),
      }));
      expect(actual).toEqual(wanted);
      const errors = changelog.findings.filter((f) => f.severity === 'error' && f.rule !== 'sql-syntax');
      expect(errors).toEqual([]);
    });
  }
});
