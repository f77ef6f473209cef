// A file's line index is made once per text, by the loader (from the index of the file's previous text), and kept
// on the ChangelogFile: the lint, the statements' ranges and the quick fixes read that one instead of indexing the
// text again or looking it up by text.
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lineIndexesOf } from '../../../server/src/changelog/line-index';
import { ChangelogCache, loadChangelog, type SourceReader } from '../../../server/src/changelog/load';
import { initSqlParser } from '../../../server/src/sql/statements';

const CHANGELOG = nodePath.join('/project', 'changelog.yaml');
const changelog = (sql: string) => `databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql: ${sql}\n`;

describe('line index kept on the file', () => {
  beforeAll(() => initSqlParser());

  it('is the loader\'s index of the text, before and after an edit', () => {
    const files = new Map<string, string>();
    const reader: SourceReader = { readFile: (path) => files.get(path), isDirectory: () => false, listDirectory: () => undefined };
    const cache = new ChangelogCache();
    for (const sql of ['CREATE TABLE t (id int)', 'CREATE TABLE t (id bigint)']) {
      files.set(CHANGELOG, changelog(sql));
      const tree = loadChangelog(CHANGELOG, { reader, cache });
      const index = lineIndexesOf(tree)(CHANGELOG);
      expect(index.text).toBe(files.get(CHANGELOG));
      expect(index).toBe(cache.knownLineIndex(CHANGELOG, files.get(CHANGELOG)!));
      // asked again (another lint of the same tree): the same index
      expect(lineIndexesOf(tree)(CHANGELOG)).toBe(index);
    }
  });
});
