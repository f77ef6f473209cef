import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog, overlayReader } from '../../../server/src/changelog/load';
import type { Change } from '../../../server/src/changelog/model';
import { CsvError, readCsv } from '../../../server/src/engine/csv';
import { PgDialect } from '../../../server/src/engine/generate-db';
import { GenerateError } from '../../../server/src/engine/generate-java';
import { loadDataStatements, loadTypeOfColumn, loadUpdateDataRollback, needsTableTypes, nowOrToday, readLoadData } from '../../../server/src/engine/load-data';
import { initSqlParser } from '../../../server/src/sql/statements';

beforeAll(async () => {
  await initSqlParser();
});

describe('CSV records as opencsv 5.9 (RFC4180Parser) reads them for loadData', () => {
  const cases: { name: string; text: string; separator?: string; quote?: string; records: [number, string[]][] }[] = [
    { name: 'plain fields', text: 'a,b,c\n1,2,3\n', records: [[1, ['a', 'b', 'c']], [2, ['1', '2', '3']]] },
    { name: 'CRLF and CR-only line ends', text: 'a,b\r\n1,2\r3,4', records: [[1, ['a', 'b']], [2, ['1', '2']], [3, ['3', '4']]] },
    { name: 'a quoted field keeps its separator; a doubled quote is one quote', text: '"Bob, Jr.","say ""hi"""', records: [[1, ['Bob, Jr.', 'say "hi"']]] },
    { name: 'a quote not at the start of a field is kept as written', text: 'ab"c,d', records: [[1, ['ab"c', 'd']]] },
    { name: 'a space before the quote means the field is not quoted', text: 'a, "b"', records: [[1, ['a', ' "b"']]] },
    { name: 'an empty line is one empty field; a trailing separator adds an empty field', text: 'a,\n\nb', records: [[1, ['a', '']], [2, ['']], [3, ['b']]] },
    { name: 'a quoted field across lines gets a LF for each break and the record starts on its first line', text: 'h1,h2\n1,"two\r\nlines"\n2,x', records: [[1, ['h1', 'h2']], [2, ['1', 'two\nlines']], [4, ['2', 'x']]] },
    { name: 'another separator and quote character', text: "a;'b;c';d", separator: ';', quote: "'", records: [[1, ['a', 'b;c', 'd']]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const records = readCsv(c.text, c.separator ?? ',', c.quote ?? '"');
      expect(records.map((r) => [r.line, r.fields])).toEqual(c.records);
    });
  }

  it('refuses a quoted field still open at the end of the file, naming the line it starts on', () => {
    expect(() => readCsv('a,b\n1,"open\nstill open', ',', '"')).toThrowError(CsvError);
    try {
      readCsv('a,b\n1,"open\nstill open', ',', '"');
    } catch (error) {
      expect((error as CsvError).line).toBe(2);
    }
  });
});

const dir = '/virtual/load';
const changelogPath = join(dir, 'changelog.yaml');

/** the loadData/loadUpdateData change of a one-changeset changelog, with the CSV files it may read */
function changeOf(change: string, files: Record<string, string>): { change: Change; read: (p: string) => Uint8Array | undefined } {
  const text = `databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: t\n      changes:\n${change.replace(/^/gm, '        ')}\n`;
  const changelog = loadChangelog(changelogPath, { reader: overlayReader(new Map([[changelogPath, text]])) });
  const read = (p: string) => (p in files ? Buffer.from(files[p], 'utf8') : undefined);
  return { change: changelog.changesets[0].changes[0], read: (p: string) => read(p) ?? (p.startsWith(dir) ? read(p.slice(dir.length + 1)) : undefined) };
}

const db = new PgDialect({ defaultSchema: 'public' });

describe('the SQL of loadData and loadUpdateData on PostgreSQL', () => {
  // expected texts: `liquibase update-sql` (4.28.0) on the interop fixture test/interop/fixtures/edge/load-data
  const loadData = `- loadData:
    tableName: edge_loaded
    file: loaded.csv
    relativeToChangelogFile: true
    columns:
      - column: {name: id, type: NUMERIC}
      - column: {name: name, type: STRING}
      - column: {name: score, type: NUMERIC}
      - column: {name: active, type: BOOLEAN}`;
  const loaded = 'id,name,score,active\n# a comment line\n1,Alice,10.5,true\n2,"Bob, Jr.",7,false\n\n3,Carol,,true\n';

  it('loadData sends one multi-row INSERT, typed by the columns, skipping comment and blank lines', () => {
    const { change, read } = changeOf(loadData, { 'loaded.csv': loaded });
    const input = readLoadData(change, changelogPath, read);
    expect(needsTableTypes(input)).toBe(false);
    expect(loadDataStatements(input, db, undefined)).toEqual([
      { sql: "INSERT INTO public.edge_loaded (id, name, score, active) VALUES (1, 'Alice', 10.5, TRUE),(2, 'Bob, Jr.', 7, FALSE),(3, 'Carol', NULL, TRUE)" },
    ]);
  });

  it('loadData closes a multi-row INSERT after 51 rows', () => {
    const rows = Array.from({ length: 103 }, (_, i) => `${i}`).join('\n');
    const { change, read } = changeOf('- loadData:\n    tableName: t\n    file: n.csv\n    columns:\n      - column: {name: n, type: NUMERIC}', { 'n.csv': `n\n${rows}\n` });
    const statements = loadDataStatements(readLoadData(change, changelogPath, read), db, undefined);
    expect(statements.map((s) => s.sql.split('),(').length)).toEqual([51, 51, 1]);
  });

  const loadUpdate = '- loadUpdateData:\n    tableName: edge_loaded\n    file: update.csv\n    relativeToChangelogFile: true\n    primaryKey: id';
  const update = 'id,name,score,active\n2,Bob,8.25,true\n4,Dave,1,false\n';

  it('loadUpdateData sends an update-else-insert block per row; without the table every value is a string', () => {
    const { change, read } = changeOf(loadUpdate, { 'update.csv': update });
    const input = readLoadData(change, changelogPath, read);
    expect(needsTableTypes(input)).toBe(true);
    expect(loadDataStatements(input, db, undefined)[0].sql).toBe(
      "DO\n$$\nBEGIN\nUPDATE public.edge_loaded SET active = 'true', name = 'Bob', score = '8.25' WHERE id = '2';\nIF not found THEN\n" +
        "INSERT INTO public.edge_loaded (id, name, score, active) VALUES ('2', 'Bob', '8.25', 'true');\nEND IF;\nEND;\n$$\nLANGUAGE plpgsql",
    );
  });

  it('loadUpdateData types its columns from the live table', () => {
    const { change, read } = changeOf(loadUpdate, { 'update.csv': update });
    const table = new Map([['id', 'int4'], ['name', 'varchar'], ['score', 'numeric'], ['active', 'bool']]);
    expect(loadDataStatements(readLoadData(change, changelogPath, read), db, table)[1].sql).toBe(
      "DO\n$$\nBEGIN\nUPDATE public.edge_loaded SET active = FALSE, name = 'Dave', score = 1 WHERE id = 4;\nIF not found THEN\n" +
        "INSERT INTO public.edge_loaded (id, name, score, active) VALUES (4, 'Dave', 1, FALSE);\nEND IF;\nEND;\n$$\nLANGUAGE plpgsql",
    );
  });

  it("loadUpdateData rolls back by deleting each row's primary key (as Liquibase's rollback-count-sql printed it)", () => {
    const { change, read } = changeOf(loadUpdate, { 'update.csv': update });
    const table = new Map([['id', 'int4'], ['name', 'varchar'], ['score', 'numeric'], ['active', 'bool']]);
    expect(loadUpdateDataRollback(readLoadData(change, changelogPath, read), db, table)).toEqual([
      { sql: 'DELETE FROM public.edge_loaded WHERE id = 2' },
      { sql: 'DELETE FROM public.edge_loaded WHERE id = 4' },
    ]);
  });

  it('the value NULL (any case) is NULL; an empty STRING is an empty string; a skipped column is left out', () => {
    const { change, read } = changeOf(
      '- loadData:\n    tableName: t\n    file: v.csv\n    columns:\n      - column: {name: a, type: STRING}\n      - column: {name: b, type: skip}\n      - column: {name: c, type: NUMERIC}',
      { 'v.csv': 'a,b,c\nnull,x,NULL\n,y,\n' },
    );
    expect(loadDataStatements(readLoadData(change, changelogPath, read), db, undefined)).toEqual([{ sql: "INSERT INTO public.t (a, c) VALUES (NULL, NULL),('', NULL)" }]);
  });

  it('a CLOB column (a text column typed from the table) reads the file its value names, as a prepared statement', () => {
    const { change, read } = changeOf('- loadData:\n    tableName: t\n    file: c.csv\n    columns:\n      - column: {name: body, type: CLOB}\n      - column: {name: id, type: NUMERIC}', { 'c.csv': 'id,body\n1,missing.txt\n' });
    expect(() => loadDataStatements(readLoadData(change, changelogPath, read), db, undefined)).toThrowError(/CLOB resource not found: missing.txt/);
  });

  const errors: { name: string; change: string; files: Record<string, string>; message: RegExp }[] = [
    { name: 'a missing CSV file', change: loadUpdate, files: {}, message: /^CSV file 'update.csv' not found next to / },
    { name: 'a record with more values than the header', change: loadUpdate, files: { 'update.csv': 'id,name\n1,a\n2,b,c\n' }, message: /update\.csv:3: 3 values, the header has 2/ },
    { name: 'a value a NUMERIC column cannot take', change: loadData, files: { 'loaded.csv': 'id,name,score,active\n1,a,ten,true\n' }, message: /loaded\.csv:2: 'ten' in column score \(NUMERIC\) is not a number/ },
    { name: 'an unterminated quoted field', change: loadData, files: { 'loaded.csv': 'id,name,score,active\n1,"a,1,true\n' }, message: /loaded\.csv:2: Unterminated quoted field/ },
  ];
  for (const e of errors) {
    it(`refuses ${e.name} before anything runs, naming the file and line`, () => {
      const { change, read } = changeOf(e.change, e.files);
      expect(() => readLoadData(change, changelogPath, read)).toThrowError(GenerateError);
      expect(() => readLoadData(change, changelogPath, read)).toThrowError(e.message);
    });
  }
});

describe('the load type of a column PostgreSQL reports (LiquibaseDataType.getLoadTypeName)', () => {
  const cases: [string, string][] = [
    ['int4', 'NUMERIC'], ['int8', 'NUMERIC'], ['numeric', 'NUMERIC'], ['bool', 'BOOLEAN'], ['varchar', 'STRING'], ['bpchar', 'STRING'],
    ['text', 'CLOB'], ['timestamp', 'DATE'], ['timestamptz', 'DATE'], ['date', 'DATE'], ['uuid', 'UUID'], ['jsonb', 'STRING'], ['float8', 'STRING'], ['_int4', 'STRING'],
  ];
  for (const [typname, load] of cases) it(`${typname} loads as ${load}`, () => expect(loadTypeOfColumn(typname)).toBe(load));
});

describe("NOW and TODAY in a date column are the JVM's clock, moved by their offset (NowAndTodayUtil)", () => {
  const at = new Date(Date.UTC(2024, 5, 15, 12, 30, 45, 250));
  const later = (ms: number) => new Date(at.getTime() + ms);
  it('today is a date, today+N and today-N move it by days', () => {
    expect(nowOrToday('TODAY+1', 'date', at)!.isoFormat()).toBe(nowOrToday('today', 'date', later(86_400_000))!.isoFormat());
    expect(nowOrToday('today-2', 'DATE', at)!.isoFormat()).toBe(nowOrToday('today', 'date', later(-2 * 86_400_000))!.isoFormat());
  });
  it('now is a timestamp for datetime columns and a time for time columns, moved by m, h, d or y', () => {
    expect(nowOrToday('now-2h', 'datetime', at)!.isoFormat()).toBe(nowOrToday('now', 'datetime', later(-7_200_000))!.isoFormat());
    expect(nowOrToday('now+30minutes', 'time', at)!.isoFormat()).toBe(nowOrToday('now', 'time', later(1_800_000))!.isoFormat());
  });
  it('is not a date for any other value, and fails on an offset it cannot read', () => {
    expect(nowOrToday('2024-01-01', 'date', at)).toBeUndefined();
    expect(() => nowOrToday('now+2w', 'date', at)).toThrowError(/Improper value in 'NOW' value: now\+2w/);
    expect(() => nowOrToday('today+x', 'date', at)).toThrowError(/Improper value in 'TODAY' value/);
  });
});
