import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Change, Changeset } from '../../../server/src/changelog/model';
import {
  changesetDescription,
  commentsOf,
  contextsOf,
  descriptionOf,
  labelsOf,
  limitSize,
  tagOf,
} from '../../../server/src/engine/tracking-columns';
import { initSqlParser } from '../../../server/src/sql/statements';
import { goldenRuns, loadGolden } from '../../fixtures/golden/cases';

const golden = join(__dirname, '../../fixtures/golden');

interface GoldenChangeset {
  id: string;
  author: string;
  filename: string;
  description: string;
  comments: string | null;
  contexts: string | null;
  labels: string | null;
}

interface Row extends GoldenChangeset {
  tag: string | null;
}

const inputs = goldenRuns;

function load(folder: string, root: string, swap: Record<string, string> = {}): Changeset[] {
  return loadGolden({ folder, root, swap }).changesets;
}

const identity = (c: { filename: string; id: string; author: string }) => `${c.filename}::${c.id}::${c.author}`;

beforeAll(() => initSqlParser());

describe('DESCRIPTION, COMMENTS, CONTEXTS and LABELS equal what Liquibase 4.28 read for every golden changeset', () => {
  for (const { folder, root, file, swap } of inputs) {
    const dir = join(golden, folder);
    if (!existsSync(join(dir, root))) continue;
    const expected: GoldenChangeset[] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    describe(`${folder}/${file}`, () => {
      let changesets: Changeset[] = [];
      beforeAll(() => {
        changesets = load(folder, root, swap);
      });
      it.each(expected.map((g) => [identity(g), g] as const))('%s has the golden column values', (_name, g) => {
        const changeset = changesets.find((c) => c.id === g.id && c.author === g.author && c.logicalPath === g.filename);
        expect(changeset).toBeDefined();
        expect({
          description: changesetDescription(changeset!),
          comments: commentsOf(changeset!),
          contexts: contextsOf(changeset!),
          labels: labelsOf(changeset!),
        }).toEqual({ description: g.description, comments: g.comments ?? '', contexts: g.contexts, labels: g.labels });
      });
    });
  }
});

describe('the rows Liquibase wrote to DATABASECHANGELOG have these column values', () => {
  const cases: [string, string][] = [
    ['01-yaml-sql', 'changelog.yaml'],
    ['02-formatted-sql', 'changelog.sql'],
    ['03-yaml-builtin-changes', 'changelog.yaml'],
    ['04-include-includeall', 'db/changelog.yaml'],
    ['05-checksum-normalisation', 'changelog.yaml'],
    ['06-lifecycle', 'changelog.yaml'],
    ['07-checksum-version-upgrade', 'changelog.yaml'],
  ];
  it.each(cases)('%s: DESCRIPTION, COMMENTS (empty, not NULL), CONTEXTS and LABELS of every row, and TAG where a tagDatabase wrote it', (folder, root) => {
    const rows: Row[] = JSON.parse(readFileSync(join(golden, folder, 'databasechangelog.json'), 'utf8'));
    const changesets = load(folder, root);
    for (const row of rows) {
      const changeset = changesets.find((c) => c.id === row.id && c.author === row.author && c.logicalPath === row.filename);
      expect(changeset, identity(row)).toBeDefined();
      expect({
        description: descriptionOf(changeset!),
        comments: commentsOf(changeset!),
        contexts: contextsOf(changeset!),
        labels: labelsOf(changeset!),
      }, identity(row)).toEqual({ description: row.description, comments: row.comments, contexts: row.contexts, labels: row.labels });
      // the `tag` command also sets TAG (case 06), on a row whose changeset has no tagDatabase
      if (tagOf(changeset!) !== null) expect(tagOf(changeset!)).toBe(row.tag);
    }
    if (folder === '03-yaml-builtin-changes') expect(rows.filter((r) => r.tag !== null).map((r) => r.tag)).toEqual(['built-in-done']);
  });
});

describe('column rules the golden data does not reach', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const change = (type: string, raw: unknown): Change => ({ type, range, typeRange: range, params: {}, raw });
  type Overrides = Partial<Omit<Changeset, 'attributes'>> & { attributes?: Partial<Changeset['attributes']> };
  const changeset = (over: Overrides): Changeset => ({
    id: 'x', author: 'a', file: '/nowhere/changelog.yaml', logicalPath: 'changelog.yaml', kind: 'yaml', range, headerRange: range,
    inheritedContexts: [], inheritedLabels: [], changes: [], rollback: { kind: 'none' }, index: 0,
    ...over,
    attributes: { validCheckSum: [], ...over.attributes },
  });

  it('a changeset without changes is described as "empty"', () => {
    expect(descriptionOf(changeset({}))).toBe('empty');
  });

  it('a long description is cut to 255 characters with "...", and the column to 250', () => {
    const changes = Array.from({ length: 20 }, (_, i) => change('dropTable', { tableName: `table_number_${i}` }));
    const full = changes.map((_, i) => `dropTable tableName=table_number_${i}`).join('; ');
    expect(changesetDescription(changeset({ changes }))).toBe(full.slice(0, 252) + '...');
    expect(descriptionOf(changeset({ changes }))).toBe(full.slice(0, 247) + '...');
    expect(descriptionOf(changeset({ changes }))).toHaveLength(250);
  });

  it('only parameters named *name (not schema or catalog) and path appear, sorted', () => {
    const c = change('addLookupTable', {
      existingTableName: 'a', existingColumnName: 'b', newTableName: 'c', newColumnName: 'd', newTableSchemaName: 's', newColumnDataType: 'int',
    });
    expect(descriptionOf(changeset({ changes: [c] }))).toBe('addLookupTable existingColumnName=b, existingTableName=a, newColumnName=d, newTableName=c');
  });

  it('a comment is trimmed and limited to 250 characters', () => {
    expect(commentsOf(changeset({ attributes: { comment: '  hello \n' } }))).toBe('hello');
    expect(commentsOf(changeset({ attributes: { comment: 'x'.repeat(300) } }))).toBe('x'.repeat(247) + '...');
  });

  it.each<[string, string[], string | undefined, string | null]>([
    ['no context at all is NULL', [], undefined, null],
    ['a blank context is NULL', [], '  ', null],
    ['a simple context is kept as written', [], 'Dev', 'Dev'],
    ['an expression with a space gets parentheses', [], 'dev or test', '(dev or test)'],
    ['a list gets parentheses', [], 'test, qa', '(test, qa)'],
    ['inherited contexts come first, joined with AND', ['dev'], 'test, qa', 'dev AND (test, qa)'],
    ['nested includes: the innermost include comes first', ['outer', 'inner'], 'own', 'inner AND outer AND own'],
  ])('CONTEXTS: %s', (_name, inherited, own, expected) => {
    expect(contextsOf(changeset({ inheritedContexts: inherited, attributes: { context: own } }))).toBe(expected);
  });

  it.each<[string, string[], string | undefined, string | null]>([
    ['no labels is NULL', [], undefined, null],
    ['labels are trimmed and lower-cased', [], ' Root , V1 ', 'root,v1'],
    ['duplicates within one label set are dropped', [], 'a, A, b', 'a,b'],
    ['inherited labels come first and are not merged with the own ones', ['A'], 'a,b', 'a,a,b'],
    ['nested includes: the innermost include comes first', ['outer', 'inner'], 'own', 'inner,outer,own'],
  ])('LABELS: %s', (_name, inherited, own, expected) => {
    expect(labelsOf(changeset({ inheritedLabels: inherited, attributes: { labels: own } }))).toBe(expected);
  });

  it('TAG is the tag of a tagDatabase change, otherwise NULL', () => {
    expect(tagOf(changeset({ changes: [change('tagDatabase', { tag: 'v1.0' })] }))).toBe('v1.0');
    expect(tagOf(changeset({ changes: [change('dropTable', { tableName: 't' })] }))).toBeNull();
  });

  it('limitSize leaves short texts alone', () => {
    expect(limitSize('abc', 3)).toBe('abc');
    expect(limitSize('abcd', 3)).toBe('...');
  });
});
