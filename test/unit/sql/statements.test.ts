import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { liquibaseStatementsNaive } from '../../../server/src/sql/liquibase-splitter';
import {
  byteOffsetToIndex,
  executionText,
  initSqlParser,
  nodeLocation,
  parseSql,
  type ParsedSql,
  type SqlOptions,
} from '../../../server/src/sql/statements';

const GOLDEN = '/work/shared/reference/liquibase-golden';
const DEFAULT: SqlOptions = { splitStatements: true, stripComments: false };

beforeAll(async () => {
  await initSqlParser();
});

const chunksOf = (sql: string, options: SqlOptions = DEFAULT, parsed = parseSql(sql, options)): string[] =>
  parsed.executionChunks.map((c) => executionText(sql, c, options.stripComments));
const statementsOf = (sql: string, parsed: ParsedSql): string[] => parsed.statements.map((s) => sql.slice(s.start, s.end));
const spanText = (sql: string, span: { start: number; end: number }): string => sql.slice(span.start, span.end);

describe('execution chunks follow Liquibase 4.28 splitting', () => {
  const cases: [string, string, SqlOptions, string[]][] = [
    ['splits at every semicolon by default', 'SELECT 1; SELECT 2;SELECT 3', DEFAULT, ['SELECT 1', 'SELECT 2', 'SELECT 3']],
    ['drops empty and whitespace-only pieces', ' ;; SELECT 1 ;\n\n; ', DEFAULT, ['SELECT 1']],
    ['does not split at a semicolon inside a single-quoted string', "INSERT INTO t VALUES ('a;b'); SELECT 1", DEFAULT, ["INSERT INTO t VALUES ('a;b')", 'SELECT 1']],
    ['does not split at a semicolon inside a double-quoted identifier', 'SELECT 1 AS "a;b"; SELECT 2', DEFAULT, ['SELECT 1 AS "a;b"', 'SELECT 2']],
    ['does not split at a semicolon inside a line comment', 'SELECT 1 -- no; split\n; SELECT 2', DEFAULT, ['SELECT 1 -- no; split', 'SELECT 2']],
    ['does not split at a semicolon inside a block comment', 'SELECT /* ; */ 1; SELECT 2', DEFAULT, ['SELECT /* ; */ 1', 'SELECT 2']],
    ['never cuts inside a $$ dollar-quoted body', 'SELECT $$a;b$$; SELECT 2', DEFAULT, ['SELECT $$a;b$$', 'SELECT 2']],
    ['never cuts inside a $tag$ dollar-quoted body', 'SELECT $x$ ; $$ ; $x$; SELECT 2', DEFAULT, ['SELECT $x$ ; $$ ; $x$', 'SELECT 2']],
    ['keeps a comment-only piece as its own chunk when comments are not stripped', 'SELECT 1;\n-- done', DEFAULT, ['SELECT 1', '-- done']],
    ['drops comment-only pieces when comments are stripped', 'SELECT 1;\n-- done', { splitStatements: true, stripComments: true }, ['SELECT 1']],
    ['splits at a GO line', 'SELECT 1\nGO\nSELECT 2\ngo\nSELECT 3', DEFAULT, ['SELECT 1', 'SELECT 2', 'SELECT 3']],
    ['splits at a / line', 'SELECT 1\n/\nSELECT 2', DEFAULT, ['SELECT 1', 'SELECT 2']],
    ['does not split at an indented GO (the whitespace token before it must end with a newline)', 'SELECT 1\n  GO\nSELECT 2', DEFAULT, ['SELECT 1\n  GO\nSELECT 2']],
    ['does not split at GO or / in the middle of a line', 'SELECT 10 / 2 AS go', DEFAULT, ['SELECT 10 / 2 AS go']],
    ['treats CRLF like LF (Liquibase deletes every carriage return)', 'SELECT 1\r\nGO\r\nSELECT 2;\r\n', DEFAULT, ['SELECT 1', 'SELECT 2']],
    ['splits on @@ with endDelimiter @@ and no longer on semicolons', "SELECT 1@@\nSELECT 'a;b'; SELECT 2@@", { ...DEFAULT, endDelimiter: '@@' }, ['SELECT 1', "SELECT 'a;b'; SELECT 2"]],
    ['splits on ;; with endDelimiter ;;', "SELECT 1;;\nSELECT 'x'; SELECT 2;;", { ...DEFAULT, endDelimiter: ';;' }, ['SELECT 1', "SELECT 'x'; SELECT 2"]],
    ['treats the four characters \\nGO as a regular expression: newline then GO', "SELECT 1\nGO\nSELECT 'GO; no'\nGO\n", { ...DEFAULT, endDelimiter: '\\nGO' }, ['SELECT 1', "SELECT 'GO; no'"]],
    ['matches a one-character endDelimiter ignoring case', 'SELECT 1 x SELECT 2 X SELECT 3', { ...DEFAULT, endDelimiter: 'x' }, ['SELECT 1', 'SELECT 2', 'SELECT 3']],
    ['keeps everything in one chunk when splitStatements is false', 'SELECT 1;\nSELECT 2;\n', { splitStatements: false, stripComments: false }, ['SELECT 1;\nSELECT 2;']],
    ['does not split inside BEGIN ... END, like Liquibase', 'BEGIN; INSERT INTO t VALUES (1); COMMIT;', DEFAULT, ['BEGIN; INSERT INTO t VALUES (1); COMMIT;']],
    ['splits after BEGIN TRANSACTION, which opens no block', 'BEGIN TRANSACTION; SELECT 1; COMMIT;', DEFAULT, ['BEGIN TRANSACTION', 'SELECT 1', 'COMMIT']],
    ['removes comments from the executed text when stripComments is true', '-- lead\nSELECT 1 /* x */ + 2 -- tail\n;SELECT 3', { splitStatements: true, stripComments: true }, ['SELECT 1  + 2', 'SELECT 3']],
    ['keeps comments inside dollar quotes when stripping comments', 'SELECT $$ -- kept\n$$; -- gone', { splitStatements: true, stripComments: true }, ['SELECT $$ -- kept\n$$']],
    ['drops a trailing prefix of the endDelimiter that never completes, like mergeTokens', 'SELECT 1;', { ...DEFAULT, endDelimiter: ';;' }, ['SELECT 1']],
    ['does not split at @@ glued to an identifier (Liquibase identifiers may contain @)', 'SELECT 1 FROM t@@ SELECT 2@@', { ...DEFAULT, endDelimiter: '@@' }, ['SELECT 1 FROM t@@ SELECT 2']],
    ["reads 'C:\\' the way Liquibase does (backslash escapes the quote), so its semicolon does not split", "SELECT 'C:\\'; SELECT 'x';", DEFAULT, ["SELECT 'C:\\'; SELECT 'x'"]],
    ['keeps a leading / as a delimiter even when it starts a comment that never closes', '/* abc', DEFAULT, ['* abc']],
  ];
  it.each(cases)('%s', (_name, sql, options, expected) => {
    expect(chunksOf(sql, options)).toEqual(expected);
  });

  it('still finds two statements in a chunk Liquibase did not split', () => {
    const sql = "SELECT 'C:\\'; SELECT 'x';";
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.executionChunks).toHaveLength(1);
    expect(statementsOf(sql, parsed)).toEqual(["SELECT 'C:\\'", "SELECT 'x'"]);
  });

  it('trims chunks and gives their spans in the original text', () => {
    const sql = '  SELECT 1 ;\n\n  SELECT 2  ';
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.executionChunks.map((c) => spanText(sql, c))).toEqual(['SELECT 1', 'SELECT 2']);
  });
});

describe('statements are single PostgreSQL statements', () => {
  const cases: [string, string, SqlOptions, string[], (string | undefined)[]][] = [
    ['one statement per chunk by default', 'CREATE TABLE t (a int); INSERT INTO t VALUES (1);', DEFAULT, ['CREATE TABLE t (a int)', 'INSERT INTO t VALUES (1)'], ['CreateStmt', 'InsertStmt']],
    ['several statements in one chunk when splitStatements is false', 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);', { splitStatements: false, stripComments: false }, ['CREATE TABLE t (a int)', 'INSERT INTO t VALUES (1)'], ['CreateStmt', 'InsertStmt']],
    ['several statements in one @@ chunk', 'SELECT 1; SELECT 2@@', { ...DEFAULT, endDelimiter: '@@' }, ['SELECT 1', 'SELECT 2'], ['SelectStmt', 'SelectStmt']],
    ['a statement starts at its first token, after comments', '-- why\n/* what */ SELECT 1 -- tail', DEFAULT, ['SELECT 1'], ['SelectStmt']],
    ['comment-only and empty statements are omitted', '-- only a comment\n;;  ;', { splitStatements: false, stripComments: false }, [], []],
    ['an E string with a backslash-escaped quote hides its semicolon', "SELECT E'it\\'s; ok'; SELECT 2", { splitStatements: false, stripComments: false }, ["SELECT E'it\\'s; ok'", 'SELECT 2'], ['SelectStmt', 'SelectStmt']],
    ['a standard string ends at its quote even after a backslash', "SELECT 'C:\\'; SELECT 2", { splitStatements: false, stripComments: false }, ["SELECT 'C:\\'", 'SELECT 2'], ['SelectStmt', 'SelectStmt']],
    ['nested block comments hide semicolons', 'SELECT /* a /* b; */ c; */ 1; SELECT 2', { splitStatements: false, stripComments: false }, ['SELECT /* a /* b; */ c; */ 1', 'SELECT 2'], ['SelectStmt', 'SelectStmt']],
    ['a BEGIN ATOMIC function body stays one statement (psql rule)', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3', { splitStatements: false, stripComments: false }, ['CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END', 'SELECT 3'], ['CreateFunctionStmt', 'SelectStmt']],
    ['a dollar-quoted plpgsql body is one statement', 'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql; SELECT f()', { splitStatements: false, stripComments: false }, ['CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql', 'SELECT f()'], ['CreateFunctionStmt', 'SelectStmt']],
    ['an unclosed parenthesis ends its statement at the next semicolon so later statements survive', 'CREATE TABLE t (a int;\nSELECT 1;\nSELECT 2', { splitStatements: false, stripComments: false }, ['CREATE TABLE t (a int', 'SELECT 1', 'SELECT 2'], [undefined, 'SelectStmt', 'SelectStmt']],
  ];
  it.each(cases)('%s', (_name, sql, options, texts, kinds) => {
    const parsed = parseSql(sql, options);
    expect(statementsOf(sql, parsed)).toEqual(texts);
    expect(parsed.statements.map((s) => s.kind)).toEqual(kinds);
  });

  it('gives the node under its kind, as libpg-query returns it', () => {
    const parsed = parseSql('CREATE TABLE t (a int)', DEFAULT);
    const [s] = parsed.statements;
    expect(s.kind).toBe('CreateStmt');
    expect(Object.keys(s.node!)).toEqual(['CreateStmt']);
    expect(s.node!.CreateStmt.relation.relname).toBe('t');
  });

  it('answers an unchanged statement from the cache (same node object)', () => {
    const a = parseSql('SELECT 42 AS cached_answer', DEFAULT).statements[0];
    const b = parseSql('-- edited elsewhere\nSELECT 42 AS cached_answer;', DEFAULT).statements[0];
    expect(b.node).toBe(a.node);
  });
});

describe('liquibaseCuts: where Liquibase would cut inside a dollar-quoted body', () => {
  const fn = [
    'CREATE OR REPLACE FUNCTION f() RETURNS integer AS $$',
    'DECLARE',
    '    n integer;',
    'BEGIN',
    '    n := 1; -- inner ; here',
    '    RETURN n;',
    'END;',
    '$$ LANGUAGE plpgsql;',
  ].join('\n');

  it('reports the semicolons Liquibase cuts at inside a $$ body (not those inside its BEGIN ... END)', () => {
    const parsed = parseSql(fn, DEFAULT);
    expect(parsed.liquibaseCuts.map((c) => spanText(fn, c))).toEqual([';', ';']);
    expect(parsed.liquibaseCuts[0].start).toBe(fn.indexOf('n integer;') + 'n integer'.length);
    expect(parsed.liquibaseCuts[1].start).toBe(fn.indexOf('END;') + 3);
    // our own chunking keeps the function whole
    expect(parsed.executionChunks.map((c) => spanText(fn, c))).toEqual([fn.slice(0, -1)]);
    expect(parsed.statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt']);
  });

  it('reports nothing when splitStatements is false', () => {
    const parsed = parseSql(fn, { splitStatements: false, stripComments: false });
    expect(parsed.liquibaseCuts).toEqual([]);
    expect(parsed.executionChunks.map((c) => spanText(fn, c))).toEqual([fn]);
  });

  it('reports a cut inside a $tag$ body', () => {
    const sql = 'CREATE FUNCTION g() RETURNS int AS $body$\nSELECT 1;\n$body$ LANGUAGE sql;';
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.liquibaseCuts.map((c) => c.start)).toEqual([sql.indexOf('1;') + 1]);
  });

  it('reports nothing for SQL without dollar quotes', () => {
    expect(parseSql('SELECT 1; SELECT 2;', DEFAULT).liquibaseCuts).toEqual([]);
  });
});

describe('syntax errors point at the offending token', () => {
  const cases: [string, string, string, string][] = [
    ['a misspelt keyword', 'SELECT * FRM t', 'syntax error at or near "FRM"', 'FRM'],
    ['an unterminated quoted string runs to the end of the statement', "SELECT 'abc", 'unterminated quoted string at or near "\'abc"', "'abc"],
    ['an unterminated quoted identifier', 'SELECT "abc', 'unterminated quoted identifier at or near ""abc"', '"abc'],
    ['an unterminated dollar quote', 'SELECT $$abc', 'unterminated dollar-quoted string at or near "$$abc"', '$$abc'],
    ['an unterminated block comment', 'SELECT 1 /* abc', 'unterminated /* comment at or near "/* abc"', '/* abc'],
    ['end of input: the last token of the statement', 'CREATE TABLE', 'syntax error at end of input', 'TABLE'],
    ['end of input after an open parenthesis', 'SELECT (1', 'syntax error at end of input', '1'],
    ['a multi-character operator', 'CREATE TABLE t (a int) <> 1', 'syntax error at or near "<>"', '<>'],
    ['a second string literal', "SELECT 'x' 'y'", 'syntax error at or near "\'y\'"', "'y'"],
  ];
  it.each(cases)('%s', (_name, sql, message, token) => {
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.statements).toHaveLength(1);
    const error = parsed.statements[0].error!;
    expect(error.message).toBe(message);
    expect(sql.slice(error.start, error.end)).toBe(token);
    expect(parsed.statements[0].node).toBeUndefined();
  });

  it('reports an unterminated block comment that is all that is left of a statement', () => {
    // (with the default delimiter Liquibase would take the leading `/` for a delimiter line)
    const sql = 'SELECT 1;\n/* abc';
    const parsed = parseSql(sql, { splitStatements: false, stripComments: false });
    expect(parsed.statements.map((s) => s.error?.message)).toEqual([undefined, 'unterminated /* comment at or near "/* abc"']);
    expect(spanText(sql, parsed.statements[1].error!)).toBe('/* abc');
  });

  it('keeps the other statements usable when one has an error', () => {
    const sql = 'CREATE TABLE a (x int);\nSELEC 1;\nCREATE TABLE b (y int);';
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.statements.map((s) => s.kind ?? s.error!.message)).toEqual(['CreateStmt', 'syntax error at or near "SELEC"', 'CreateStmt']);
    const e = parsed.statements[1].error!;
    expect(sql.slice(e.start, e.end)).toBe('SELEC');
  });

  const unicode: [string, string, string][] = [
    ['é (two UTF-8 bytes, one UTF-16 unit) before the error', "SELECT 'é', * FRM t", 'FRM'],
    ['an emoji (four bytes, a surrogate pair) before the error', "SELECT '😀😀', * FRM t", 'FRM'],
    ['non-ASCII in an earlier statement of the same chunk', "SELECT 'ü';\nSELECT '🎉' FRM t", 't'],
    ['non-ASCII identifiers before an unterminated string', "SELECT naïve, '日本", "'日本"],
    ['a lone surrogate before the error', "SELECT '\ud800', * FRM t", 'FRM'],
  ];
  it.each(unicode)('gives the exact UTF-16 span with %s', (_name, sql, token) => {
    const parsed = parseSql(sql, { splitStatements: false, stripComments: false });
    const error = parsed.statements.find((s) => s.error)!.error!;
    expect(sql.slice(error.start, error.end)).toBe(token);
  });
});

describe('node locations map from UTF-8 bytes to UTF-16 indices', () => {
  it('maps a column reference after an emoji and an accented letter', () => {
    const sql = "SELECT 1;\nSELECT 'é😀', target_col FROM t";
    const parsed = parseSql(sql, DEFAULT);
    const st = parsed.statements[1];
    const location = st.node!.SelectStmt.targetList[1].ResTarget.location;
    expect(location).toBe("SELECT 'é😀', ".length + 1 + 2); // bytes: é is 2 bytes, the emoji 4
    expect(sql.slice(nodeLocation(sql, st, location)).startsWith('target_col')).toBe(true);
  });

  it('maps ASCII statements one to one', () => {
    const sql = '  SELECT abc FROM t';
    const st = parseSql(sql, DEFAULT).statements[0];
    const location = st.node!.SelectStmt.fromClause[0].RangeVar.location;
    expect(nodeLocation(sql, st, location)).toBe(sql.indexOf('t', 12));
  });

  const offsets: [string, number, number][] = [
    ['abc', 2, 2],
    ['é1', 2, 1],
    ['é1', 1, 0],
    ['😀x', 4, 2],
    ['😀x', 3, 0],
    ['a😀b', 5, 3],
  ];
  it.each(offsets)('byteOffsetToIndex(%j, %i) is %i', (text, bytes, index) => {
    expect(byteOffsetToIndex(text, bytes)).toBe(index);
  });
});

describe('robustness: parseSql never throws', () => {
  const seeds = [
    "SELECT 'a;b', $$x;y$$, E'\\'', \"q\"\"q\" FROM t -- c\n/* /* n */ */;",
    'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\nGO\n/\n',
    "INSERT INTO t VALUES ('é', '😀', U&'\\0041', B'101', X'ff', N'n');;@@ [a;b] `x;y`",
    'BEGIN; CASE WHEN 1 THEN 2 END; END TRANSACTION; BEGIN ATOMIC; $1 $a$ $$',
  ];
  const alphabet = ["'", '"', '$', '$$', '$a$', ';', ';;', '@@', '(', ')', '[', ']', '/*', '*/', '--', '\n', '\r', '\\', 'E', 'GO', '/', ' ', 'BEGIN', 'END', 'é', '😀', '\ud800', '\udc00', '\0', '\f', '\u00a0', '\u3000', '`', 'x', '1.5e', '.', 'SELECT', 'CREATE FUNCTION'];
  const options: SqlOptions[] = [
    DEFAULT,
    { splitStatements: false, stripComments: true },
    { splitStatements: true, stripComments: true, endDelimiter: '@@' },
    { splitStatements: true, stripComments: false, endDelimiter: '\\nGO' },
    { splitStatements: true, stripComments: false, endDelimiter: ';;' },
    { splitStatements: true, stripComments: false, endDelimiter: '/' },
    { splitStatements: true, stripComments: false, endDelimiter: '(' }, // not a valid regular expression
    { splitStatements: true, stripComments: false, endDelimiter: '' },
  ];

  it('survives 2,000 random and mutated strings with sane spans', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      let sql: string;
      if (i % 3 === 0) {
        sql = '';
        const len = rnd(60);
        for (let k = 0; k < len; k++) sql += alphabet[rnd(alphabet.length)];
      } else if (i % 3 === 1) {
        const base = seeds[rnd(seeds.length)];
        const at = rnd(base.length + 1);
        const cut = rnd(6);
        sql = base.slice(0, at) + alphabet[rnd(alphabet.length)] + base.slice(Math.min(base.length, at + cut));
      } else {
        sql = '';
        const len = rnd(80);
        for (let k = 0; k < len; k++) sql += String.fromCharCode(rnd(0x10000));
      }
      const options2 = options[rnd(options.length)];
      let parsed: ParsedSql | undefined;
      expect(() => {
        parsed = parseSql(sql, options2);
      }, JSON.stringify(sql)).not.toThrow();
      for (const span of [...parsed!.statements, ...parsed!.executionChunks, ...parsed!.liquibaseCuts]) {
        expect(span.start).toBeGreaterThanOrEqual(0);
        expect(span.end).toBeLessThanOrEqual(sql.length);
        expect(span.start).toBeLessThanOrEqual(span.end);
      }
      for (const s of parsed!.statements) {
        if (s.error) {
          expect(s.error.start).toBeGreaterThanOrEqual(0);
          expect(s.error.end).toBeLessThanOrEqual(sql.length);
        }
      }
      for (const chunk of parsed!.executionChunks) expect(typeof executionText(sql, chunk, options2.stripComments)).toBe('string');
    }
  });

  it('parses a 1 MB single-line statement', () => {
    const sql = 'INSERT INTO t (a, b) VALUES ' + Array.from({ length: 60_000 }, (_, i) => `(${i}, 'v${i}')`).join(', ');
    expect(sql.length).toBeGreaterThan(1_000_000);
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.statements).toHaveLength(1);
    expect(parsed.statements[0].kind).toBe('InsertStmt');
  });

  it('reports 10,000 nested parentheses as an error instead of crashing', () => {
    const sql = 'SELECT ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + '; SELECT 2';
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.statements[0].error?.message).toMatch(/memory exhausted/);
    expect(sql.slice(parsed.statements[0].error!.start, parsed.statements[0].error!.end)).toBe('(');
    expect(parsed.statements[1].kind).toBe('SelectStmt');
  });

  it('reports a NUL byte instead of letting the parser truncate the text', () => {
    const sql = 'SELECT 1\0 FRM';
    const error = parseSql(sql, DEFAULT).statements[0].error!;
    expect(error.start).toBe(8);
  });

  it('flags a form feed, which Liquibase 4.28 cannot tokenize', () => {
    const sql = 'CREATE\fTABLE t (a int)';
    const parsed = parseSql(sql, DEFAULT);
    expect(parsed.liquibaseError?.start).toBe(6);
    expect(parsed.liquibaseError?.message).toContain("Encountered: '\\f' (12)");
    expect(parsed.statements[0].kind).toBe('CreateStmt');
  });

  // a guard against backtracking that never ends (the test's timeout fails it); speed is measured in bench/
  it('finishes on pathological input (unclosed brackets, quotes and comments)', { timeout: 60_000 }, () => {
    for (const sql of ['['.repeat(100_000), "'\\".repeat(50_000), 'SELECT 1 ' + '/*'.repeat(50_000), '/**/+'.repeat(20_000), '"a'.repeat(50_000), 'SELECT (1;'.repeat(5_000)]) {
      parseSql(sql, DEFAULT);
      const parsed = parseSql(sql, { splitStatements: true, stripComments: true, endDelimiter: '\\nGO' });
      expect(parsed.statements.length).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Golden data from the real Liquibase 4.28.0

/** The statements update-sql printed per changeset id (tracking-table statements left out). */
function printedStatements(updateSql: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string | undefined;
  for (const block of updateSql.split('\n\n')) {
    if (block.startsWith('-- Changeset ')) {
      current = block.slice('-- Changeset '.length).split('\n')[0].split('::')[1];
      out.set(current, []);
    } else if (block.startsWith('SET SEARCH_PATH') || block.startsWith('-- Release Database Lock')) continue;
    else if (block.startsWith('INSERT INTO public.databasechangelog ')) current = undefined;
    else if (current !== undefined) out.get(current)!.push(block);
  }
  return out;
}

/** What LoggingExecutor prints for a statement: it appends the end delimiter unless the statement ends with it. */
function printed(statement: string, endDelimiter: string | undefined): string {
  let d = ';';
  if (endDelimiter !== undefined) {
    const p = endDelimiter.replace(/\$$/, '');
    if (/^[;/\r\n\w@-]+$/.test(p.replace(/\\n/g, '\n').replace(/\\r/g, '\r'))) d = p;
  }
  d = d.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return statement.endsWith(d) ? statement : statement + d;
}

describe('golden case 01-yaml-sql: our chunks are the statements Liquibase printed', () => {
  const dir = join(GOLDEN, '01-yaml-sql');
  const changelog = parseYaml(readFileSync(join(dir, 'changelog.yaml'), 'utf8'));
  const expected = printedStatements(readFileSync(join(dir, 'update-sql.txt'), 'utf8'));
  const rows: [string, string, SqlOptions][] = [];
  for (const entry of changelog.databaseChangeLog) {
    const cs = entry.changeSet;
    for (const change of cs.changes) {
      const [type, params] = Object.entries(change)[0] as [string, any];
      const sql = type === 'sql' ? params.sql : readFileSync(join(dir, params.path), 'utf8');
      rows.push([cs.id, sql, { splitStatements: params.splitStatements ?? true, stripComments: params.stripComments ?? false, endDelimiter: params.endDelimiter }]);
    }
  }

  it('covers all seven changesets', () => {
    expect(rows.map((r) => r[0])).toEqual([...expected.keys()]);
  });

  it.each(rows)('changeset %s', (id, sql, options) => {
    const parsed = parseSql(sql, options);
    const ours = chunksOf(sql, options, parsed).map((c) => printed(c, options.endDelimiter));
    expect(ours).toEqual(expected.get(id));
    expect(parsed.statements.every((s) => s.kind && !s.error)).toBe(true);
    expect(parsed.liquibaseCuts).toEqual([]);
  });

  it('decodes the YAML endDelimiter "\\\\nGO" to the four characters \\ n G O', () => {
    expect(rows.find((r) => r[0] === '007-search-path-file')![2].endDelimiter).toBe('\\nGO');
  });
});

/** A tiny formatted-SQL reader for the fixtures: changeset bodies without directives, and their attributes. */
function formattedChangesets(text: string): { id: string; body: string; options: SqlOptions }[] {
  const out: { id: string; body: string; options: SqlOptions }[] = [];
  let cur: { id: string; lines: string[]; options: SqlOptions } | undefined;
  let inRollbackBlock = false;
  const flush = (): void => {
    if (cur) out.push({ id: cur.id, body: cur.lines.join('\n').trim(), options: cur.options });
  };
  for (const line of text.split('\n')) {
    const m = /^--changeset\s+(?:"[^"]*"|\S+?):("[^"]*"|\S+)(.*)$/.exec(line);
    if (m) {
      flush();
      const attrs = m[2];
      const options: SqlOptions = { splitStatements: !/splitStatements:false/.test(attrs), stripComments: !/stripComments:false/.test(attrs) };
      const d = /endDelimiter:(\S*)/.exec(attrs);
      if (d) options.endDelimiter = d[1];
      cur = { id: m[1].replace(/"/g, ''), lines: [], options };
      continue;
    }
    if (inRollbackBlock) {
      if (line.includes('*/')) inRollbackBlock = false;
      continue;
    }
    if (/^\/\*\s*liquibase rollback/.test(line)) {
      inRollbackBlock = true;
      continue;
    }
    if (/^--(rollback|comment|precondition|preconditions|validCheckSum)\b/.test(line)) continue;
    cur?.lines.push(line);
  }
  flush();
  return out;
}

describe('golden case 02-formatted-sql', () => {
  const dir = join(GOLDEN, '02-formatted-sql');

  it.each(formattedChangesets(readFileSync(join(dir, 'changelog.sql'), 'utf8')).map((c) => [c.id, c] as const))(
    'changeset %s: our chunks are the statements Liquibase printed',
    (id, cs) => {
      const expected = printedStatements(readFileSync(join(dir, 'update-sql.txt'), 'utf8'));
      const ours = chunksOf(cs.body, cs.options).map((c) => printed(c, cs.options.endDelimiter));
      expect(ours).toEqual(expected.get(id));
    },
  );

  it('reproduces the dollar-unaware split of changelog-dollar-split.sql and flags its cuts', () => {
    const commands = readFileSync(join(dir, 'commands.txt'), 'utf8');
    const start = commands.indexOf('--changelog-file=changelog-dollar-split.sql update-sql\n--- stdout ---\n');
    const stdout = commands.slice(commands.indexOf('--- stdout ---\n', start) + 15, commands.indexOf('--- stderr ---', start));
    const expected = printedStatements(stdout);
    const changesets = formattedChangesets(readFileSync(join(dir, 'changelog-dollar-split.sql'), 'utf8'));
    expect(changesets.map((c) => c.id)).toEqual(['1', '2']);
    for (const cs of changesets) {
      // what the real Liquibase did (it fails later with "Unterminated dollar quote")
      expect(liquibaseStatementsNaive(cs.body, cs.options).map((s) => printed(s, undefined))).toEqual(expected.get(cs.id));
      const parsed = parseSql(cs.body, cs.options);
      // what we do: one chunk, one statement, and a warning for each cut
      expect(parsed.executionChunks).toHaveLength(1);
      expect(parsed.statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt']);
      expect(parsed.liquibaseCuts.map((c) => spanText(cs.body, c))).toEqual(cs.id === '1' ? [';', ';'] : [';']);
    }
  });
});

describe('the parse cache', () => {
  it('answers an unchanged 20,000-statement file from the cache: the same nodes, not a new parse', () => {
    const sql = Array.from({ length: 20_000 }, (_, i) => `-- ${i}\nCREATE TABLE t${i} (id int PRIMARY KEY, name text DEFAULT 'a;b');\n`).join('');
    const first = parseSql(sql, DEFAULT);
    expect(first.statements).toHaveLength(20_000);
    const second = parseSql(sql, DEFAULT);
    expect(second.statements[19_999].node).toBe(first.statements[19_999].node);
  });
});
