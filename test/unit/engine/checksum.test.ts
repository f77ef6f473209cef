import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog, overlayReader } from '../../../server/src/changelog/load';
import type { Change, Changeset } from '../../../server/src/changelog/model';
import {
  changeChecksum,
  changeChecksumInput,
  changesetChecksum,
  changesetChecksumForVersion,
  checksumMatches,
  checksumV8,
  parseStoredChecksum,
  skipBlankAndCommentLines,
  verifyChecksum,
} from '../../../server/src/engine/checksum';
import { javaDoubleToString, serialiseChange } from '../../../server/src/engine/serialise';
import { initSqlParser } from '../../../server/src/sql/statements';
import { goldenRuns, loadGolden } from '../../fixtures/golden/cases';

const golden = join(__dirname, '../../fixtures/golden');

interface GoldenChange {
  change: string;
  checksum: string;
  countedInChangesetChecksum: boolean;
  md5Input: string;
}

interface GoldenChangeset {
  id: string;
  author: string;
  filename: string;
  changes: GoldenChange[];
  changesetMd5Input: string;
  md5sum: string;
}

/** every checksum-inputs file of cases 01–07 with the root changelog Liquibase read it from (and swapped-in files) */
const inputs = goldenRuns;

function load(folder: string, root: string, swap: Record<string, string> = {}): Changeset[] {
  return loadGolden({ folder, root, swap }).changesets;
}

beforeAll(() => initSqlParser());

describe('checksums equal the ones Liquibase 4.28 computed for every golden changeset', () => {
  for (const { folder, root, file, swap } of inputs) {
    const dir = join(golden, folder);
    if (!existsSync(join(dir, root))) continue;
    const expected: GoldenChangeset[] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    describe(`${folder}/${file}`, () => {
      let changesets: Changeset[] = [];
      beforeAll(() => {
        changesets = load(folder, root, swap);
      });
      const find = (g: GoldenChangeset) => {
        const found = changesets.find((c) => c.id === g.id && c.author === g.author && c.logicalPath === g.filename);
        expect(found, `${g.filename}::${g.id}::${g.author} is in the model`).toBeDefined();
        return found!;
      };
      it.each(expected.map((g) => [`${g.filename}::${g.id}::${g.author}`, g] as const))('%s has the golden MD5SUM', (_name, g) => {
        expect(changesetChecksum(find(g), { searchPath: [dir] })).toBe(g.md5sum);
      });
      const changes = expected.flatMap((g) => g.changes.map((c, i) => [`${g.filename}::${g.id}::${g.author} change ${i + 1} (${c.change})`, g, i] as const));
      it.each(changes)('%s has the golden checksum and checksum input', (_name, g, i) => {
        const change = find(g).changes[i];
        const wanted = g.changes[i];
        expect(change.type).toBe(wanted.change);
        expect(changeChecksumInput(change, { file: find(g).file })).toBe(wanted.md5Input);
        expect(changeChecksum(change, { file: find(g).file })).toBe(wanted.checksum);
      });
    });
  }
});

describe('the whole changelog gives the MD5SUMs of the DATABASECHANGELOG rows Liquibase wrote', () => {
  const cases: [string, string][] = [
    ['01-yaml-sql', 'changelog.yaml'],
    ['02-formatted-sql', 'changelog.sql'],
    ['03-yaml-builtin-changes', 'changelog.yaml'],
    ['04-include-includeall', 'db/changelog.yaml'],
    ['05-checksum-normalisation', 'changelog.yaml'],
    ['06-lifecycle', 'changelog.yaml'],
    ['07-checksum-version-upgrade', 'changelog.yaml'],
  ];
  it.each(cases)('%s: every row has the MD5SUM of its changeset', (folder, root) => {
    const rows: { id: string; author: string; filename: string; md5sum: string }[] = JSON.parse(readFileSync(join(golden, folder, 'databasechangelog.json'), 'utf8'));
    const changesets = load(folder, root);
    for (const row of rows) {
      const changeset = changesets.find((c) => c.id === row.id && c.author === row.author && c.logicalPath === row.filename);
      expect(changeset, `${row.filename}::${row.id}::${row.author}`).toBeDefined();
      expect(changesetChecksum(changeset!)).toBe(row.md5sum);
    }
  });
});

describe('checksum version 8 and stored values, as case 07 recorded them', () => {
  // checksums-v8.tsv of case 07, computed by the real classes with ChecksumVersion.V8
  const v8: [string, string][] = [
    ['1', '8:c0d79e88474d3260a6e048e0c455a5b5'],
    ['2', '8:c4517f5a08e177cd10178c73bc42a611'],
    ['3', '8:9990060b134a63390dbaac3197e0da57'],
  ];
  let changesets: Changeset[] = [];
  const byId = (id: string) => changesets.find((c) => c.id === id)!;
  beforeAll(() => {
    changesets = load('07-checksum-version-upgrade', 'changelog.yaml');
  });

  it.each(v8)('changeset %s has the version-8 checksum Liquibase computed', (id, sum) => {
    expect(checksumV8(byId(id))).toBe(sum);
    expect(changesetChecksumForVersion(byId(id), 8)).toBe(sum);
  });

  it.each(v8)('the stored version-8 value of changeset %s is accepted (validate and status leave it alone)', (id, sum) => {
    expect(checksumMatches(byId(id), sum)).toBe(true);
  });

  it('a wrong 8: value is reported with the version-8 "is now" value', () => {
    expect(verifyChecksum(byId('2'), '8:00000000000000000000000000000000')).toEqual({
      ok: false, stored: '8:00000000000000000000000000000000', current: '8:c4517f5a08e177cd10178c73bc42a611',
    });
  });

  it('a wrong 9: value is reported with the version-9 "is now" value', () => {
    expect(verifyChecksum(byId('2'), '9:00000000000000000000000000000000')).toEqual({
      ok: false, stored: '9:00000000000000000000000000000000', current: '9:cc2026df4648e3c48a67e8458db0c4de',
    });
  });

  it('a value without prefix is version 1, checked with the version-8 rules and reported as 1:…', () => {
    expect(verifyChecksum(byId('2'), '0123456789abcdef0123456789abcdef')).toEqual({
      ok: false, stored: '1:0123456789abcdef0123456789abcdef', current: '1:acfd988a8b8362da6a146b406e9ff7df',
    });
    expect(checksumMatches(byId('2'), 'acfd988a8b8362da6a146b406e9ff7df')).toBe(true);
  });

  it('a NULL or empty MD5SUM is accepted (update fills it in)', () => {
    expect(checksumMatches(byId('2'), null)).toBe(true);
    expect(checksumMatches(byId('2'), '')).toBe(true);
  });

  it('the current 9: values match, and a 9: value differing only in case does not', () => {
    expect(checksumMatches(byId('2'), '9:cc2026df4648e3c48a67e8458db0c4de')).toBe(true);
    expect(checksumMatches(byId('2'), '9:CC2026DF4648E3C48A67E8458DB0C4DE')).toBe(false);
  });

  it('a checksum version Liquibase does not know matches nothing', () => {
    expect(checksumMatches(byId('2'), '10:cc2026df4648e3c48a67e8458db0c4de')).toBe(false);
    expect(() => changesetChecksumForVersion(byId('2'), 10)).toThrow();
  });
});

describe('stored MD5SUM values are parsed like CheckSum.parse', () => {
  it.each([
    ['9:e9efe7b3648db48a49342f56b38feadf', { version: 9, hex: 'e9efe7b3648db48a49342f56b38feadf' }],
    ['8:c0d79e88474d3260a6e048e0c455a5b5', { version: 8, hex: 'c0d79e88474d3260a6e048e0c455a5b5' }],
    ['0123456789abcdef0123456789abcdef', { version: 1, hex: '0123456789abcdef0123456789abcdef' }],
    ['ANY', { version: 1, hex: 'ANY' }],
    ['7:abc:def', { version: 7, hex: 'abc' }],
  ])('%s is read as %o', (stored, parsed) => {
    expect(parseStoredChecksum(stored)).toEqual(parsed);
  });
});

describe('validCheckSum accepts a stored value that no longer matches', () => {
  let base: Changeset;
  beforeAll(() => {
    base = load('07-checksum-version-upgrade', 'changelog.yaml').find((c) => c.id === '2')!;
  });
  const withValid = (...valid: string[]): Changeset => ({ ...base, attributes: { ...base.attributes, validCheckSum: valid } });
  const wrong = '9:00000000000000000000000000000000';

  it.each(['ANY', 'any', 'All', '*', '1:any'])('validCheckSum %s accepts any stored value', (valid) => {
    expect(checksumMatches(withValid(valid), wrong)).toBe(true);
    expect(verifyChecksum(withValid(valid), wrong).reason).toBe('valid-checksum-any');
  });

  it('a listed value equal to the stored value accepts it', () => {
    expect(checksumMatches(withValid('9:00000000000000000000000000000000'), wrong)).toBe(true);
  });

  it('a listed value equal to the current checksum accepts any stored value of that version', () => {
    expect(checksumMatches(withValid('9:cc2026df4648e3c48a67e8458db0c4de'), wrong)).toBe(true);
  });

  it('listed values compare case-sensitively, as CheckSum.equals does', () => {
    expect(checksumMatches(withValid('9:CC2026DF4648E3C48A67E8458DB0C4DE'), wrong)).toBe(false);
    expect(checksumMatches(withValid('9:11111111111111111111111111111111'), wrong)).toBe(false);
  });

  it('formatted SQL --validCheckSum: ANY (case 02 changeset 9) accepts a wrong value', () => {
    const changeset = load('02-formatted-sql', 'changelog.sql').find((c) => c.attributes.validCheckSum.length > 0);
    expect(changeset).toBeDefined();
    expect(checksumMatches(changeset!, wrong)).toBe(true);
  });
});

describe('the serialiser follows the change classes for cases the golden data does not cover', () => {
  const change = (type: string, raw: unknown): Change => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { type, range, typeRange: range, params: {}, raw };
  };
  it.each<[string, string, unknown, string]>([
    ['an empty createTable still lists its (empty) columns', 'createTable', { tableName: 't' }, 'createTable:[\n    columns=[]\n    tableName="t"\n]'],
    ['a dropColumn without columns has no columns field', 'dropColumn', { tableName: 't', columnName: 'c' }, 'dropColumn:[\n    columnName="c"\n    tableName="t"\n]'],
    [
      'createIndex drops the column attributes an index does not use',
      'createIndex',
      { tableName: 't', columns: [{ column: { name: 'a', type: 'int', descending: true } }] },
      'createIndex:[\n    columns=[\n        [\n            descending="true"\n            name="a"\n        ]\n    ]\n    tableName="t"\n]',
    ],
    ['output always has a target (STDERR by default)', 'output', { message: ' hi ' }, 'output:[\n    message="hi"\n    target="STDERR"\n]'],
    ['output written as a plain value is its message', 'output', 'hello', 'output:[\n    message="hello"\n    target="STDERR"\n]'],
    [
      'whereParams is no parameter (it has no setter), so it is not serialised',
      'delete',
      { tableName: 't', where: 'id = :value', whereParams: [{ param: { name: 'id', valueNumeric: 1 } }] },
      'delete:[\n    tableName="t"\n    where="id = :value"\n]',
    ],
    [
      'addForeignKeyConstraint deleteCascade: true becomes onDelete CASCADE',
      'addForeignKeyConstraint',
      { baseTableName: 'a', baseColumnNames: 'x', referencedTableName: 'b', referencedColumnNames: 'y', constraintName: 'fk', deleteCascade: true },
      'addForeignKeyConstraint:[\n    baseColumnNames="x"\n    baseTableName="a"\n    constraintName="fk"\n    onDelete="CASCADE"\n    referencedColumnNames="y"\n    referencedTableName="b"\n]',
    ],
    [
      'addForeignKeyConstraint deleteCascade with an explicit onDelete clears onDelete (setter order)',
      'addForeignKeyConstraint',
      { baseTableName: 'a', baseColumnNames: 'x', referencedTableName: 'b', referencedColumnNames: 'y', onDelete: 'SET NULL', deleteCascade: true },
      'addForeignKeyConstraint:[\n    baseColumnNames="x"\n    baseTableName="a"\n    referencedColumnNames="y"\n    referencedTableName="b"\n]',
    ],
    [
      'loadUpdateData has its default comment marker, separator, quote and onlyUpdate',
      'loadUpdateData',
      { tableName: 't', file: 'data.csv', primaryKey: 'id' },
      'loadUpdateData:[\n    columns=[]\n    commentLineStartsWith="#"\n    file="data.csv"\n    onlyUpdate="false"\n    primaryKey="id"\n    quotchar="""\n    separator=","\n    tableName="t"\n]',
    ],
    [
      'createSequence numbers are BigIntegers and booleans are written as true/false',
      'createSequence',
      { sequenceName: 's', startValue: 10, incrementBy: '+5', cycle: 'TRUE' },
      'createSequence:[\n    cycle="true"\n    incrementBy="5"\n    sequenceName="s"\n    startValue="10"\n]',
    ],
    [
      'an empty constraints entry is an empty nested object',
      'addColumn',
      { tableName: 't', columns: [{ column: { name: 'a', type: 'int', constraints: null } }] },
      'addColumn:[\n    columns=[\n        [\n            [            ]\n            name="a"\n            type="int"\n        ]\n    ]\n    tableName="t"\n]',
    ],
    [
      'valueNumeric keeps its text, an unparsable one becomes valueComputed, and valueDate is normalised',
      'insert',
      { tableName: 't', columns: [{ column: { name: 'a', valueNumeric: '(1,000.50)' } }, { column: { name: 'b', valueNumeric: 'now()', valueDate: '2024-01-05 10:00:00' } }] },
      'insert:[\n    columns=[\n        [\n            name="a"\n            valueNumeric="1,000.50"\n        ],\n        [\n            name="b"\n            valueComputed="now()"\n            valueDate="2024-01-05T10:00:00"\n        ]\n    ]\n    tableName="t"\n]',
    ],
    ['a tag given as a plain value is not a tag (tag is not a DIRECT_VALUE property)', 'tagDatabase', 'v1', 'tagDatabase:[]'],
  ])('%s', (_name, type, raw, expected) => {
    expect(serialiseChange(change(type, raw))).toBe(expected);
  });

  it('createView hashes its serialised attributes and its query together', () => {
    const view = change('createView', { viewName: 'v', selectQuery: 'SELECT 1' });
    expect(changeChecksum(view)).toMatch(/^9:[0-9a-f]{32}$/);
    expect(changeChecksum(view)).not.toBe(changeChecksum(change('createView', { viewName: 'v', selectQuery: 'SELECT 2' })));
    expect(changeChecksum(view)).toBe(changeChecksum(change('createView', { viewName: 'v', selectQuery: 'SELECT  1\n' })));
  });
});

describe('numbers are written as Java writes the value SnakeYAML parsed', () => {
  it.each<[number, string]>([
    [0, '0.0'],
    [1.5, '1.5'],
    [100, '100.0'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [-2.5e-10, '-2.5E-10'],
  ])('the double %d is "%s"', (value, text) => {
    expect(javaDoubleToString(value)).toBe(text);
  });

  it('a YAML float, octal and hex are read from the changelog text, which keeps their spelling', () => {
    const dir = join(golden, '03-yaml-builtin-changes');
    const text = 'databaseChangeLog:\n  - changeSet:\n      id: n\n      author: a\n      changes:\n        - createSequence:\n            sequenceName: s\n            startValue: 010\n            incrementBy: 0x10\n            dataType: 1.50\n';
    const file = join(dir, 'numbers.yaml');
    const changeset = loadChangelog(file, { searchPath: [dir], reader: overlayReader(new Map([[file, text]])) }).changesets[0];
    const serialised = serialiseChange(changeset.changes[0], { file, readFile: (p) => (p === file ? text : undefined) });
    expect(serialised).toBe('createSequence:[\n    dataType="1.5"\n    incrementBy="16"\n    sequenceName="s"\n    startValue="8"\n]');
  });
});

describe('SQL text is trimmed the Java way before its whitespace is deleted', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const sqlChange = (type: 'sql' | 'sqlFile', text: string): Change => ({
    type, range, typeRange: range, params: {}, raw: {},
    sql: { text, file: '/x.sql', baseOffset: 0, splitStatements: true, stripComments: false },
  });

  it('inline sql loses a leading form feed (String.trim), which whitespace deletion alone would keep', () => {
    expect(changeChecksum(sqlChange('sql', '\fSELECT 1'))).toBe(changeChecksum(sqlChange('sql', 'SELECT 1')));
  });

  it('a sqlFile is hashed as written, so a leading form feed counts', () => {
    expect(changeChecksum(sqlChange('sqlFile', '\fSELECT 1'))).not.toBe(changeChecksum(sqlChange('sqlFile', 'SELECT 1')));
  });

  it('version 8 prefixes the statement options and collapses whitespace runs instead of deleting them', () => {
    expect(changeChecksum(sqlChange('sql', 'SELECT  1'), { version: 8 })).toBe(changeChecksum(sqlChange('sql', ' SELECT 1 \n'), { version: 8 }));
    expect(changeChecksum(sqlChange('sql', 'SELECT 1'), { version: 8 })).not.toBe(changeChecksum(sqlChange('sql', 'SELECT1'), { version: 8 }));
  });
});

describe('dbms on a change follows DatabaseList.definitionMatches', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const changesetWith = (dbms: string): Changeset => ({
    id: 'x', author: 'a', file: '/nowhere.yaml', logicalPath: 'c.yaml', kind: 'yaml', range, headerRange: range,
    attributes: { validCheckSum: [] }, inheritedContexts: [], inheritedLabels: [], rollback: { kind: 'none' }, index: 0,
    changes: [{ type: 'sql', range, typeRange: range, params: {}, raw: { sql: 'SELECT 1', dbms }, dbms }],
  });
  const EMPTY = '9:d41d8cd98f00b204e9800998ecf8427e';
  it.each<[string, boolean]>([
    ['postgresql', true],
    ['h2, postgresql', true],
    ['!h2', true],
    ['all', true],
    ['all, none', true],
    ['h2', false],
    ['!postgresql', false],
    ['none', false],
    ['PostgreSQL', false],
  ])('dbms "%s" counts the change: %s', (dbms, counted) => {
    expect(changesetChecksum(changesetWith(dbms)) !== EMPTY).toBe(counted);
  });

  it('checksum version 8 counts the change whatever its dbms', () => {
    expect(checksumV8(changesetWith('h2'))).toBe(checksumV8(changesetWith('postgresql')));
  });
});

describe('loadData hashes its table name and its CSV without blank and comment lines', () => {
  const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
  const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

  it.each<[string, string, string | undefined, string]>([
    ['CR, blank lines, comment lines and the final newline go', 'a,b\r\n\r\n# c\nd,e\n', '#', 'a,b\nd,e'],
    ['leading newlines go', '\n\nid\n1', '#', 'id\n1'],
    ['a comment marker inside a line stays', 'a#b\n#c\n', '#', 'a#b'],
    ['without a comment marker comment lines stay', '#x\ny\n', undefined, '#x\ny'],
  ])('%s', (_name, input, comment, output) => {
    expect(text(skipBlankAndCommentLines(bytes(input), comment))).toBe(output);
  });

  it('the checksum does not change with CRLF or comments, and changes with the data', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const files: Record<string, string> = { '/data/a.csv': 'id,name\n1,x\n', '/data/b.csv': '# header\r\nid,name\r\n\r\n1,x\r\n', '/data/c.csv': 'id,name\n1,y\n' };
    const readFile = (p: string) => files[p];
    const load = (file: string): Change => ({ type: 'loadData', range, typeRange: range, params: {}, raw: { tableName: 't', file, relativeToChangelogFile: true } });
    const sum = (file: string) => changeChecksum(load(file), { file: '/data/changelog.yaml', readFile });
    expect(sum('a.csv')).toMatch(/^9:[0-9a-f]{32}$/);
    expect(sum('b.csv')).toBe(sum('a.csv'));
    expect(sum('c.csv')).not.toBe(sum('a.csv'));
  });
});

describe('YAML timestamps, which the model keeps only as empty objects, are read from the changelog text', () => {
  it('a date is a java.util.Date: ISO-formatted in a date column value, Date.toString() in a text one (JVM in UTC)', () => {
    const dir = join(golden, '03-yaml-builtin-changes');
    const text = [
      'databaseChangeLog:',
      '  - changeSet:',
      '      id: d',
      '      author: a',
      '      changes:',
      '        - insert:',
      '            tableName: t',
      '            columns:',
      '              - column:',
      '                  name: a',
      '                  valueDate: 2024-01-05',
      '              - column:',
      '                  name: b',
      '                  value: 2024-01-05',
      '              - column:',
      '                  name: c',
      '                  value: 2024-01-05 10:11:12',
      '',
    ].join('\n');
    const file = join(dir, 'dates.yaml');
    const changeset = loadChangelog(file, { searchPath: [dir], reader: overlayReader(new Map([[file, text]])) }).changesets[0];
    const serialised = serialiseChange(changeset.changes[0], { file, readFile: (p) => (p === file ? text : undefined) });
    expect(serialised).toBe(
      'insert:[\n    columns=[\n        [\n            name="a"\n            valueDate="2024-01-05T00:00:00"\n        ],\n' +
        '        [\n            name="b"\n            value="Fri Jan 05 00:00:00 UTC 2024"\n        ],\n' +
        '        [\n            name="c"\n            value="2024-01-05 10:11:12"\n        ]\n    ]\n    tableName="t"\n]',
    );
  });
});

