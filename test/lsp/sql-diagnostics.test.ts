// SQL syntax errors at the exact offending token, wherever the SQL is written: YAML scalars of every style,
// sqlFile files, formatted SQL changelogs; and malformed formatted-SQL headers.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brief, makeProject, nonEmpty, range, removeProject, Severity, startServer, textAt } from './helpers';
import type { LspClient } from './lsp-client';

const inline = [
  'databaseChangeLog:', //                                                         0
  '  - changeSet:',
  '      id: plain',
  '      author: alice',
  '      changes:',
  '        - sql: CREATE TABEL plain_t (id int)', //                               5
  '  - changeSet:',
  '      id: literal',
  '      author: alice',
  '      changes:',
  '        - sql:', //                                                             10
  '            sql: |',
  '              CREATE TABLE lit_a (id int);',
  '              CREATE TABLE lit_b (id int);',
  '              INSERT INTO lit_a VALUES (1) WHERE;',
  '  - changeSet:', //                                                            15
  '      id: folded',
  '      author: alice',
  '      changes:',
  '        - sql:',
  '            sql: >', //                                                        20
  '              UPDATE folded_t',
  '              SET x = 1',
  '              WHER id = 2',
  '  - changeSet:',
  '      id: double', //                                                          25
  '      author: alice',
  '      changes:',
  '        - sql:',
  '            sql: "SELECT \'tab\\there\', \\"quoted\\" FROM t WHERE a = \'x\\u00e9\' AND AND b = 1"',
  '  - changeSet:', //                                                            30
  '      id: single',
  '      author: alice',
  '      changes:',
  '        - sql:',
  "            sql: 'SELECT ''it''''s'' AS x FROMM t'", //                         35
  '  - changeSet:',
  '      id: unicode',
  '      author: alice',
  '      changes:',
  "        - sql: SELECT 'café 😀' AS label, FROM t", //                           40
  '',
].join('\n');

const sqlFileChangelog = [
  'databaseChangeLog:',
  '  - changeSet:',
  '      id: from-file',
  '      author: alice',
  '      changes:',
  '        - sqlFile:',
  '            path: sql/broken.sql',
  '            relativeToChangelogFile: true',
  '',
].join('\n');

const brokenSql = [
  'CREATE TABLE ok_t (id int);',
  '-- naïve 🎉 comment before the error',
  "INSERT INTO ok_t VALUES ('Zoë 🎉'), (2,);",
  '',
].join('\n');

const formatted = [
  '--liquibase formatted sql', //                                0
  '',
  '--changeset alice:f1',
  'CREATE TABLE f1 (id int);',
  '',
  '--changeset alice:f2', //                                     5
  'CREATE TABLE f2 (id int);',
  "ALTER TABLE f2 ADD COLUMN name text DEFAULT 'é😀' NOT NUL;",
  '--rollback DROP TABLE f2;',
  '',
  '--changeset:siewer:165', //                                   10
  'CREATE TABLE f3 (id int);',
  '',
].join('\n');

// saved on Windows: every line ends in \r\n
const crlf = [
  'databaseChangeLog:',
  '  - changeSet:',
  '      id: crlf',
  '      author: alice',
  '      changes:',
  '        - sql:',
  '            sql: |',
  '              CREATE TABLE crlf_a (id int);',
  '              ALTER TABLE crlf_a ADD COLUMN note text NOT NUL;',
  '',
].join('\r\n');

const props = [
  'databaseChangeLog:',
  '  - property:',
  '      name: tbl',
  '      value: a_much_longer_table_name',
  '  - changeSet:',
  '      id: props',
  '      author: alice',
  '      changes:',
  '        - sql: SELECT * FROM ${tbl} WHERE WHERE x = 1',
  '',
].join('\n');

const files: Record<string, string> = {
  'inline.yaml': inline,
  'props.yaml': props,
  'crlf.yaml': crlf,
  'from-file.yaml': sqlFileChangelog,
  'sql/broken.sql': brokenSql,
  'formatted.sql': formatted,
};

let dir: string;
let client: LspClient;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = makeProject(files);
  ({ client } = await startServer(dir));
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

describe('SQL syntax errors in YAML changelogs', () => {
  let diagnostics: Awaited<ReturnType<LspClient['waitForDiagnostics']>>;
  const on = (line: number) => diagnostics.filter((d) => d.range.start.line === line).map(brief);

  beforeAll(async () => {
    diagnostics = await client.waitForDiagnostics(file('inline.yaml'), nonEmpty);
  });

  it('reports one sql-syntax error per broken statement and nothing else', () => {
    expect(diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
      ['sql-syntax', 5],
      ['sql-syntax', 14],
      ['sql-syntax', 23],
      ['sql-syntax', 29],
      ['sql-syntax', 35],
      ['sql-syntax', 40],
    ]);
  });

  it('underlines the offending token of a plain scalar `sql:`', () => {
    expect(on(5)).toEqual([{ range: range(5, 22, 5, 27), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "TABEL"' }]);
    expect(textAt(inline, diagnostics[0].range)).toBe('TABEL');
  });

  it('underlines the token on the third line of a `sql: |` block', () => {
    expect(on(14)).toEqual([{ range: range(14, 43, 14, 48), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "WHERE"' }]);
    expect(textAt(inline, diagnostics[1].range)).toBe('WHERE');
  });

  it('underlines the token on its own line of a folded `sql: >` block', () => {
    expect(on(23)).toEqual([{ range: range(23, 14, 23, 18), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "WHER"' }]);
    expect(textAt(inline, diagnostics[2].range)).toBe('WHER');
  });

  it('underlines the token of a double-quoted scalar after its escapes', () => {
    expect(on(29)).toEqual([{ range: range(29, 80, 29, 83), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "AND"' }]);
    expect(textAt(inline, diagnostics[3].range)).toBe('AND');
    // the second AND, not the first
    expect(inline.split('\n')[29].slice(76, 83)).toBe('AND AND');
  });

  it("underlines the token of a single-quoted scalar after its doubled ''", () => {
    expect(on(35)).toEqual([{ range: range(35, 42, 35, 47), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "FROMM"' }]);
    expect(textAt(inline, diagnostics[4].range)).toBe('FROMM');
  });

  it('counts é and an emoji before the error in UTF-16 code units, as LSP positions do', () => {
    expect(on(40)).toEqual([{ range: range(40, 42, 40, 46), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "FROM"' }]);
    expect(textAt(inline, diagnostics[5].range)).toBe('FROM');
  });
});

describe('SQL syntax errors after ${property} substitution', () => {
  it('underlines the token where it is written, not where it lands in the expanded SQL', async () => {
    const d = await client.waitForDiagnostics(file('props.yaml'), nonEmpty);
    expect(d.map(brief)).toEqual([
      { range: range(8, 42, 8, 47), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "WHERE"' },
    ]);
    expect(props.split('\n')[8].slice(36, 47)).toBe('WHERE WHERE');
  });
});

describe('SQL syntax errors in a changelog with CRLF line ends', () => {
  it('underlines the token at its LSP position, \\r\\n counting as one line break', async () => {
    const d = await client.waitForDiagnostics(file('crlf.yaml'), nonEmpty);
    expect(d.map(brief)).toEqual([
      { range: range(8, 58, 8, 61), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "NUL"' },
    ]);
    expect(textAt(crlf, d[0].range)).toBe('NUL');
  });
});

describe('SQL syntax errors in a sqlFile', () => {
  const expected = [
    { range: range(2, 39, 2, 40), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near ")"' },
  ];

  it('publishes the error for the .sql file, at the token, while only the changelog is known', async () => {
    const d = await client.waitForDiagnostics(file('sql/broken.sql'), nonEmpty);
    expect(d.map(brief)).toEqual(expected);
    expect(textAt(brokenSql, d[0].range)).toBe(')');
    expect(await client.waitForDiagnostics(file('from-file.yaml'))).toEqual([]);
  });

  it('keeps publishing it for the .sql file when the changelog is opened', async () => {
    client.open(file('from-file.yaml'), sqlFileChangelog);
    const d = await client.waitForDiagnostics(file('sql/broken.sql'), nonEmpty);
    expect(d.map(brief)).toEqual(expected);
  });

  it('publishes it when the .sql file itself is opened, and follows its edits', async () => {
    client.open(file('sql/broken.sql'), brokenSql);
    expect((await client.waitForDiagnostics(file('sql/broken.sql'), nonEmpty)).map(brief)).toEqual(expected);
    // fix the trailing comma, break the first statement instead
    client.edit(file('sql/broken.sql'), range(2, 38, 2, 39), '');
    client.edit(file('sql/broken.sql'), range(0, 0, 0, 6), 'CRATE');
    const d = await client.waitForDiagnostics(file('sql/broken.sql'), (x) => x.length > 0 && x[0].range.start.line === 0);
    expect(d.map(brief)).toEqual([
      { range: range(0, 0, 0, 5), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "CRATE"' },
    ]);
    client.close(file('sql/broken.sql'));
    expect((await client.waitForDiagnostics(file('sql/broken.sql'), (x) => x.length > 0 && x[0].range.start.line === 2)).map(brief)).toEqual(expected);
    client.close(file('from-file.yaml'));
  });
});

describe('formatted SQL changelogs', () => {
  let diagnostics: Awaited<ReturnType<LspClient['waitForDiagnostics']>>;

  beforeAll(async () => {
    diagnostics = await client.waitForDiagnostics(file('formatted.sql'), nonEmpty);
  });

  it('underlines the token of a broken statement after non-ASCII text on the same line', () => {
    const sql = diagnostics.filter((d) => d.code === 'sql-syntax');
    expect(sql.map(brief)).toEqual([
      { range: range(7, 54, 7, 57), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "NUL"' },
    ]);
    expect(textAt(formatted, sql[0].range)).toBe('NUL');
  });

  it('reports a line that looks like a --changeset header but is malformed', () => {
    const header = diagnostics.filter((d) => d.code !== 'sql-syntax');
    expect(header.map(brief)).toEqual([
      {
        range: range(10, 0, 10, 22),
        severity: Severity.Error,
        code: 'malformed-changeset-header',
        message: "Put a blank between 'changeset' and the author: '--changeset <author>:<id>'. Liquibase 4.28 rejects the whole changelog at this line.",
      },
    ]);
    expect(textAt(formatted, header[0].range)).toBe('--changeset:siewer:165');
  });

  it('follows edits of the open formatted changelog, and reverts to the disk when it is closed', async () => {
    const path = file('formatted.sql');
    client.open(path, formatted, 'sql');
    client.edit(path, range(7, 57, 7, 57), 'L'); // NOT NUL → NOT NULL
    const fixed = await client.waitForDiagnostics(path, (d) => !d.some((x) => x.code === 'sql-syntax'));
    expect(fixed.map(brief)).toEqual(diagnostics.filter((d) => d.code !== 'sql-syntax').map(brief));
    client.edit(path, range(10, 11, 10, 12), ' '); // --changeset:siewer:165 → --changeset siewer:165
    expect(await client.waitForDiagnostics(path, (d) => d.length === 0)).toEqual([]);
    client.close(path);
    expect(await client.waitForDiagnostics(path, (d) => d.length === 2)).toEqual(diagnostics);
  });
});
