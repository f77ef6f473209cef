import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFormattedSql, parseFormattedSql, type FormattedSqlOptions } from '../../../server/src/changelog/formatted-sql';
import type { ChangelogFile, Changeset, Range, SqlText } from '../../../server/src/changelog/model';

// the golden inputs, as the real Liquibase 4.28 read them (see test/fixtures/golden/README.md)
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'golden');
const read = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

function parse(text: string, options: Partial<FormattedSqlOptions> = {}): ChangelogFile {
  return parseFormattedSql('/project/changelog.sql', text, { logicalPath: 'changelog.sql', ...options });
}

function range(l1: number, c1: number, l2: number, c2: number): Range {
  return { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } };
}

function offsetOf(sql: SqlText, i: number): number {
  return sql.offsets ? sql.offsets[i] : sql.baseOffset + i;
}

/** every character maps to itself in the file; every "\n" maps to a line break (or the end of the file) */
function expectMapsBack(sql: SqlText, file: string): void {
  for (let i = 0; i < sql.text.length; i++) {
    const o = offsetOf(sql, i);
    if (sql.text[i] === '\n') expect(file[o] === '\n' || file[o] === '\r' || o === file.length, `char ${i} of ${JSON.stringify(sql.text)}`).toBe(true);
    else expect(file[o], `char ${i} of ${JSON.stringify(sql.text)}`).toBe(sql.text[i]);
  }
  if (sql.offsets) expect(sql.offsets.length).toBe(sql.text.length + 1);
}

function rules(file: ChangelogFile): string[] {
  return file.findings.map((f) => `${f.severity}:${f.rule}`);
}

function sqlOf(cs: Changeset): string {
  return cs.changes[0].sql!.text;
}

function rollbackSql(cs: Changeset): string | undefined {
  return cs.rollback.kind === 'changes' ? cs.rollback.changes[0].sql!.text : undefined;
}

const HEADER = '--liquibase formatted sql\n\n';

interface GoldenChangeset {
  id: string;
  author: string;
  filename: string;
  comments: string | null;
  contexts: string | null;
  labels: string | null;
  runOnChange: boolean;
  runAlways: boolean;
  changes: { change: string; sqlText: string }[];
}

/** DATABASECHANGELOG.CONTEXTS as the golden README describes it */
function contextsColumn(context: string | undefined): string | null {
  if (!context) return null;
  return /[, ]/.test(context) ? `(${context})` : context;
}

/** DATABASECHANGELOG.LABELS: split on commas, trimmed, lower-cased, de-duplicated */
function labelsColumn(labels: string | undefined): string | null {
  if (!labels) return null;
  const list = [...new Set(labels.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean))];
  return list.length ? list.join(',') : null;
}

function expectMatchesGolden(file: ChangelogFile, golden: GoldenChangeset[]): void {
  expect(file.changesets.map((c) => `${c.id}::${c.author}`)).toEqual(golden.map((g) => `${g.id}::${g.author}`));
  file.changesets.forEach((cs, i) => {
    const g = golden[i];
    expect(cs.index).toBe(i);
    expect(cs.logicalPath).toBe(g.filename);
    expect(cs.changes.map((c) => c.type)).toEqual(g.changes.map((c) => c.change));
    expect(cs.changes.map((c) => c.sql!.text)).toEqual(g.changes.map((c) => c.sqlText));
    expect(cs.attributes.comment?.trim() || null).toBe(g.comments);
    expect(contextsColumn(cs.attributes.context)).toBe(g.contexts);
    expect(labelsColumn(cs.attributes.labels)).toBe(g.labels);
    expect(cs.attributes.runOnChange ?? false).toBe(g.runOnChange);
    expect(cs.attributes.runAlways ?? false).toBe(g.runAlways);
    for (const change of cs.changes) expectMapsBack(change.sql!, file.text);
  });
}

describe('isFormattedSql', () => {
  it('recognises the --liquibase formatted sql first line in any case and spacing', () => {
    expect(isFormattedSql('--liquibase formatted sql\n--changeset a:1\nSELECT 1;')).toBe(true);
    expect(isFormattedSql('-- Liquibase Formatted SQL\n')).toBe(true);
    expect(isFormattedSql('  --   liquibase    formatted   sql logicalFilePath:x.sql')).toBe(true);
    expect(isFormattedSql('--LIQUIBASE FORMATTED SQL')).toBe(true);
    // Liquibase's pattern needs no blank between the words and ignores what follows "formatted"
    expect(isFormattedSql('--liquibaseformatted')).toBe(true);
  });

  it('skips a BOM and blank lines before the first line, whatever the line endings', () => {
    expect(isFormattedSql('\uFEFF--liquibase formatted sql\r\n')).toBe(true);
    expect(isFormattedSql('\n  \r\n\t\r--liquibase formatted sql')).toBe(true);
    expect(isFormattedSql(read('05-checksum-normalisation/formatted/crlf-bom.sql'))).toBe(true);
  });

  it('rejects files whose first non-blank line is anything else', () => {
    expect(isFormattedSql(read('04-include-includeall/db/migrations/sub/004_nested.sql'))).toBe(false);
    expect(isFormattedSql('-- a comment\n--liquibase formatted sql\n')).toBe(false);
    expect(isFormattedSql('--liquibase sql')).toBe(false);
    expect(isFormattedSql('// liquibase formatted sql')).toBe(false);
    expect(isFormattedSql('')).toBe(false);
    expect(isFormattedSql('\uFEFF \n\n')).toBe(false);
  });
});

describe('the golden changelogs', () => {
  it('reads case 02 exactly as Liquibase 4.28 does: changesets, SQL text, comments, contexts and labels', () => {
    const file = parse(read('02-formatted-sql/changelog.sql'));
    expectMatchesGolden(file, JSON.parse(read('02-formatted-sql/checksum-inputs.json')));
    expect(file.findings).toEqual([]);
    expect(file.kind).toBe('formatted-sql');
    expect(file.includes).toEqual([]);
  });

  it('reads the dollar-quoted bodies of case 02 as one SQL text each', () => {
    const file = parse(read('02-formatted-sql/changelog-dollar-split.sql'), { logicalPath: 'changelog-dollar-split.sql' });
    expectMatchesGolden(file, JSON.parse(read('02-formatted-sql/checksum-inputs.dollar-split.json')));
    expect(file.changesets.map((c) => c.changes[0].sql!.splitStatements)).toEqual([true, true]);
    expect(file.findings).toEqual([]);
  });

  it('reads the change options, preconditions, rollbacks and checksums of case 02', () => {
    const [c1, c2, , c4, c5, c6, c7, c8, c9] = parse(read('02-formatted-sql/changelog.sql')).changesets;
    expect(c1.changes[0].sql).toMatchObject({ splitStatements: true, stripComments: true });
    expect(c1.changes[0].sql!.endDelimiter).toBeUndefined();
    expect(c2.changes[0].sql).toMatchObject({ splitStatements: false, stripComments: true });
    expect(c2.changes[0].params.splitStatements).toEqual({ value: false, range: range(10, 53, 10, 58) });
    expect(c5.changes[0].sql).toMatchObject({ splitStatements: true, stripComments: false, endDelimiter: ';;' });
    expect(c7.attributes.runInTransaction).toBe(false);
    expect(c8.attributes.logicalFilePath).toBe('logical/path.sql');
    expect(c9.attributes.validCheckSum).toEqual(['ANY']);

    expect(c4.preconditions!.conditions).toHaveLength(1);
    expect(c4.preconditions!.conditions[0]).toMatchObject({ type: 'sqlCheck', params: { expectedResult: '0' }, range: range(27, 0, 27, 71) });
    expect(c4.preconditions!.conditions[0].sql!.text).toBe('SELECT count(*) FROM accounts');
    expect(c4.preconditions!.onFail).toBeUndefined();
    expect(c6.preconditions).toMatchObject({ onFail: 'MARK_RAN', range: range(39, 0, 40, 106) });
    expect(c6.preconditions!.conditions[0].sql!.text).toBe("SELECT count(*) FROM pg_tables WHERE tablename = 'no_such_table'");
    expect(c6.preconditions!.conditions[0].params.expectedResult).toBe('1');

    expect(rollbackSql(c1)).toBe('DROP TABLE accounts;');
    expect(c1.rollback).toMatchObject({ kind: 'changes', range: range(8, 0, 8, 31) });
    expect(rollbackSql(c4)).toBe("DELETE FROM accounts WHERE email IN ('a@example.com', 'b@example.com');");
    expect(rollbackSql(c7)).toBe('DROP INDEX CONCURRENTLY accounts_email_idx;');
    expect(c7.rollback).toMatchObject({ kind: 'changes', range: range(46, 0, 48, 2) });
    expect(c9.rollback).toEqual({ kind: 'not-required', range: range(58, 0, 58, 23) });
    for (const cs of [c1, c4, c7]) {
      const sql = (cs.rollback as { changes: { sql: SqlText }[] }).changes[0].sql;
      expect(sql.stripComments).toBe(false);
      expect(sql.splitStatements).toBe(true);
    }
  });

  it('gives each changeset of case 02 exact header, id, author and whole ranges', () => {
    const file = parse(read('02-formatted-sql/changelog.sql'));
    const [c1, , , c4, , , c7, c8] = file.changesets;
    expect(c1.headerRange).toEqual(range(2, 0, 2, 43));
    expect(c1.authorRange).toEqual(range(2, 12, 2, 17));
    expect(c1.idRange).toEqual(range(2, 18, 2, 19));
    expect(c1.range).toEqual(range(2, 0, 8, 31));
    expect(c1.changes[0].range).toEqual(range(4, 0, 7, 2));
    expect(c1.changes[0].typeRange).toEqual(c1.headerRange);
    expect(c4.range).toEqual(range(25, 0, 30, 82));
    expect(c7.range).toEqual(range(44, 0, 48, 2));
    // quoted author and id: the ranges cover the quotes, the values do not
    expect(c8.id).toBe('8 quoted id');
    expect(c8.author).toBe('dave');
    expect(c8.authorRange).toEqual(range(50, 12, 50, 18));
    expect(c8.idRange).toEqual(range(50, 19, 50, 32));
  });

  it('reads the formatted files of case 04 with their labels and contexts', () => {
    const file = parseFormattedSql('/x/db/migrations/002_formatted.sql', read('04-include-includeall/db/migrations/002_formatted.sql'), { logicalPath: 'db/migrations/002_formatted.sql' });
    const seed = parseFormattedSql('/x/db/common/seed.sql', read('04-include-includeall/db/common/seed.sql'), { logicalPath: 'db/common/seed.sql' });
    const golden: GoldenChangeset[] = JSON.parse(read('04-include-includeall/checksum-inputs.json'));
    expectMatchesGolden(file, golden.filter((g) => g.filename === 'db/migrations/002_formatted.sql'));
    expectMatchesGolden(seed, golden.filter((g) => g.filename === 'db/common/seed.sql'));
    expect(file.changesets[1].attributes.labels).toBe('B');
    expect(file.findings).toEqual([]);
    expect(seed.findings).toEqual([]);
  });

  it('reads the LF and the BOM+CRLF files of case 05 to the same SQL, with offsets into the text as given', () => {
    const golden: GoldenChangeset[] = JSON.parse(read('05-checksum-normalisation/checksum-inputs.json'));
    for (const name of ['lf.sql', 'crlf-bom.sql', 'other-attrs-and-whitespace.sql']) {
      const path = `formatted/${name}`;
      const file = parseFormattedSql(`/x/${path}`, read(`05-checksum-normalisation/${path}`), { logicalPath: path });
      expectMatchesGolden(file, golden.filter((g) => g.filename === path));
      expect(file.findings).toEqual([]);
    }
    const crlf = parse(read('05-checksum-normalisation/formatted/crlf-bom.sql'));
    const lf = parse(read('05-checksum-normalisation/formatted/lf.sql'));
    expect(crlf.changesets.map((c) => [c.headerRange, c.idRange, c.range])).toEqual(lf.changesets.map((c) => [c.headerRange, c.idRange, c.range]));
    expect(crlf.changesets.map(rollbackSql)).toEqual(lf.changesets.map(rollbackSql));
    // LF bodies are verbatim slices; CRLF bodies need a map, and the joining "\n" sits on the "\r"
    const body = crlf.changesets[1].changes[0].sql!;
    expect(lf.changesets[1].changes[0].sql!.offsets).toBeUndefined();
    expect(body.offsets).toBeDefined();
    const joiner = body.text.indexOf('\n');
    expect(crlf.text[body.offsets![joiner]]).toBe('\r');
    expect(crlf.text.slice(body.offsets![0], body.offsets![body.text.length])).toBe(body.text.replace('\n', '\r\n'));
  });
});

describe('changeset headers', () => {
  it('reads every attribute Liquibase reads from a --changeset line', () => {
    const file = parse(HEADER +
      '--changeset alice:1 runOnChange:true runAlways:TRUE failOnError:false runInTransaction:false context:"dev or test" labels:a,b dbms:postgresql,!h2 ignore:true logicalFilePath:/x\\y/../z.sql splitStatements:false stripComments:false endDelimiter:GO rollbackSplitStatements:false rollbackEndDelimiter:;;\n' +
      'SELECT 1;\n--rollback SELECT 2;\n');
    const cs = file.changesets[0];
    expect(cs.attributes).toEqual({
      validCheckSum: [],
      runOnChange: true,
      runAlways: true,
      failOnError: false,
      runInTransaction: false,
      context: 'dev or test',
      labels: 'a,b',
      dbms: 'postgresql,!h2',
      ignore: true,
      logicalFilePath: '/x\\y/../z.sql',
    });
    expect(cs.logicalPath).toBe('x/z.sql');
    // `endDelimiter:` also matches inside `rollbackEndDelimiter:`, and the last match wins
    expect(cs.changes[0].sql).toMatchObject({ splitStatements: false, stripComments: false, endDelimiter: ';;' });
    expect((cs.rollback as { changes: { sql: SqlText }[] }).changes[0].sql).toMatchObject({ text: 'SELECT 2;', splitStatements: false, stripComments: false, endDelimiter: ';;' });
    // splitStatements reads false either way; the end delimiter changes from GO to ;;
    expect(rules(file)).toEqual(['info:attribute-quirk']);
    expect(file.findings[0].message).toContain("endDelimiter ';;' instead of 'GO'");
  });

  it('leaves absent attributes unset and uses the formatted SQL defaults for the change', () => {
    const cs = parse(HEADER + '--changeset alice:1\nSELECT 1;\n').changesets[0];
    expect(cs.attributes).toEqual({ validCheckSum: [] });
    expect(cs.logicalPath).toBe('changelog.sql');
    expect(cs.changes[0].sql).toMatchObject({ splitStatements: true, stripComments: true });
    expect(cs.changes[0].params).toEqual({ sql: { value: 'SELECT 1;', range: range(3, 0, 3, 9) } });
    expect(cs.rollback).toEqual({ kind: 'none' });
    expect(cs.preconditions).toBeUndefined();
    expect(cs).toMatchObject({ file: '/project/changelog.sql', kind: 'formatted-sql', inheritedContexts: [], inheritedLabels: [] });
  });

  it('prefers contextFilter over context and strips one pair of quotes from contexts and labels', () => {
    const [a, b, c] = parse(HEADER +
      '--changeset a:1 context:ignored contextFilter:"prod and eu"\nSELECT 1;\n' +
      "--changeset a:2 labels:'x, y' context:dev\nSELECT 2;\n" +
      '--changeset a:3 contextFilter: context:qa\nSELECT 3;\n').changesets;
    expect(a.attributes.context).toBe('prod and eu');
    expect(b.attributes.labels).toBe("'x,");
    expect(b.attributes.context).toBe('dev');
    expect(c.attributes.context).toBe('qa');
  });

  it('takes logicalFilePath from the --liquibase formatted sql line for every changeset without its own', () => {
    const file = parse('--liquibase formatted sql logicalFilePath:classpath:db/file.sql\n\n' +
      '--changeset a:1\nSELECT 1;\n--changeset a:2 logicalFilePath:other.sql\nSELECT 2;\n');
    expect(file.changesets.map((c) => c.logicalPath)).toEqual(['db/file.sql', 'other.sql']);
    expect(file.changesets[0].attributes.logicalFilePath).toBeUndefined();
  });

  it('reads quoted authors and ids, and authors with blanks, as Liquibase does', () => {
    const file = parse(HEADER +
      '--changeset "dave":"8 quoted id" labels:q\nSELECT 1;\n' +
      '--changeset John Smith:2\nSELECT 2;\n' +
      "--changeset 'o:k':3\nSELECT 3;\n" +
      '  --  ChangeSet Ann:4\nSELECT 4;\n');
    expect(file.changesets.map((c) => [c.author, c.id])).toEqual([['dave', '8 quoted id'], ['John Smith', '2'], ["'o", "k':3"], ['Ann', '4']]);
    expect(file.changesets[0].attributes.labels).toBe('q');
    expect(file.changesets[3].headerRange).toEqual(range(8, 0, 8, 21));
    expect(file.changesets[3].authorRange).toEqual(range(8, 16, 8, 19));
    expect(file.findings).toEqual([]);
  });

  it('warns about unknown attributes with a suggestion, and about attributes formatted SQL does not read', () => {
    const file = parse(HEADER + '--changeset alice:1 contexts:dev runOnChnage:true created:2024 create users\nSELECT 1;\n');
    expect(rules(file)).toEqual(['warning:unknown-attribute', 'warning:unknown-attribute', 'warning:unknown-attribute', 'warning:unknown-attribute']);
    const [contexts, typo, created, words] = file.findings;
    expect(contexts.message).toContain("Did you mean 'context'?");
    expect(contexts.range).toEqual(range(2, 20, 2, 32));
    expect(typo.message).toContain("Did you mean 'runOnChange'?");
    expect(created.message).toContain('does not read');
    expect(words.message).toContain("'create users'");
    expect(words.range).toEqual(range(2, 63, 2, 75));
    expect(contexts.changeset).toEqual({ id: '1', author: 'alice' });
    // a misspelt attribute is ignored: the context stays unset
    expect(file.changesets[0].attributes.context).toBeUndefined();
    expect(file.changesets[0].attributes.runOnChange).toBeUndefined();
  });

  it('reads a boolean that is not true or false as false, and says so', () => {
    const file = parse(HEADER + '--changeset alice:1 runOnChange:maybe runInTransaction:"false"\nSELECT 1;\n');
    expect(file.changesets[0].attributes.runOnChange).toBe(false);
    expect(file.changesets[0].attributes.runInTransaction).toBeUndefined();
    expect(rules(file)).toEqual(['warning:invalid-attribute-value', 'warning:invalid-attribute-value']);
    expect(file.findings[0].range).toEqual(range(2, 32, 2, 37));
    expect(file.findings[0].message).toContain('reads it as false');
    expect(file.findings[1].message).toContain('default, true');
  });

  it('reports an empty id as an error and an empty author as a warning', () => {
    const file = parse(HEADER + '--changeset a:""\nSELECT 1;\n--changeset "":2\nSELECT 2;\n');
    expect(file.changesets.map((c) => [c.author, c.id])).toEqual([['a', ''], ['', '2']]);
    expect(rules(file)).toEqual(['error:missing-id', 'warning:missing-author']);
    expect(file.findings[0].range).toEqual(range(2, 14, 2, 16));
    expect(file.findings[1].range).toEqual(range(4, 12, 4, 14));
  });

  it('keeps blanks before the colon in the author, as Liquibase does, with a warning', () => {
    const file = parse(HEADER + '--changeset alice :1\nSELECT 1;\n');
    expect(file.changesets[0].author).toBe('alice ');
    expect(rules(file)).toEqual(['warning:malformed-changeset-header']);
    // two blanks and a colon: Liquibase gives one blank back to the author
    const blank = parse(HEADER + '--changeset  :1\nSELECT 1;\n');
    expect(blank.changesets.map((c) => [c.author, c.id])).toEqual([[' ', '1']]);
    expect(blank.changesets[0].authorRange).toEqual(range(2, 12, 2, 13));
    expect(rules(blank)).toEqual(['warning:missing-author']);
  });
});

describe('malformed changeset headers', () => {
  it('rejects --changeset:author:id (Mixeway line 857) and keeps the following SQL in the changeset before', () => {
    const text = HEADER + '--changeset siewer:164\nCREATE TABLE t (id int);\n\n--changeset:siewer:165\nDROP TABLE t;\n';
    const file = parse(text);
    expect(file.changesets.map((c) => c.id)).toEqual(['164']);
    expect(sqlOf(file.changesets[0])).toBe('CREATE TABLE t (id int);\n\nDROP TABLE t;');
    expect(rules(file)).toEqual(['error:malformed-changeset-header']);
    expect(file.findings[0].range).toEqual(range(5, 0, 5, 22));
    expect(file.findings[0].message).toContain("blank between 'changeset' and the author");
    expect(file.findings[0].message).toContain('rejects the whole changelog');
    expect(file.findings[0].changeset).toEqual({ id: '164', author: 'siewer' });
  });

  it('rejects headers without a colon, without an id or without an author', () => {
    const file = parse(HEADER + '-- changeset alice 1\n--changeset alice\n--changeset alice:\n--changeset :1\n--changeset\n');
    expect(file.changesets).toEqual([]);
    expect(rules(file)).toEqual([
      'error:malformed-changeset-header', 'error:malformed-changeset-header', 'error:missing-id', 'error:missing-author', 'error:malformed-changeset-header',
    ]);
    expect(file.findings.map((f) => f.range.start.line)).toEqual([2, 3, 4, 5, 6]);
    expect(file.findings[0].range).toEqual(range(2, 0, 2, 20));
  });

  it('rejects a blank between the colon and the id but still reads the changeset', () => {
    const file = parse(HEADER + '--changeset alice: 1\nSELECT 1;\n');
    expect(file.changesets.map((c) => [c.author, c.id])).toEqual([['alice', '1']]);
    expect(rules(file)).toEqual(['error:malformed-changeset-header']);
    expect(file.findings[0].range).toEqual(range(2, 17, 2, 19));
  });

  it('rejects a single-dash header and any comment that starts with --changeset', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n-changeset a:2\n-- Changesets below add users\n');
    expect(rules(file)).toEqual(['error:malformed-changeset-header', 'error:malformed-changeset-header']);
    expect(file.findings[0].message).toContain('two dashes');
    expect(file.findings[1].message).toContain('reword the comment');
    expect(sqlOf(file.changesets[0])).toBe('SELECT 1;');
  });

  it('warns that near-miss headers Liquibase ignores stay in the SQL of the changeset before', () => {
    const file = parse(HEADER + '--changeset siewer:152\nSELECT 1;\n--changest siewer:153\nSELECT 2;\n---changeset a:1\n-- change-set a:2\n');
    expect(file.changesets.map((c) => c.id)).toEqual(['152']);
    expect(sqlOf(file.changesets[0])).toBe('SELECT 1;\n--changest siewer:153\nSELECT 2;\n---changeset a:1\n-- change-set a:2');
    expect(rules(file)).toEqual(['warning:malformed-changeset-header', 'warning:malformed-changeset-header', 'warning:malformed-changeset-header']);
    expect(file.findings[0].range).toEqual(range(4, 0, 4, 21));
    expect(file.findings[0].message).toContain("changeset '152'");
  });

  it('accepts the keyword in any case', () => {
    const file = parse(HEADER + '--CHANGESET a:1\nSELECT 1;\n--changeSet b:2\nSELECT 2;\n');
    expect(file.changesets.map((c) => c.author)).toEqual(['a', 'b']);
    expect(file.findings).toEqual([]);
  });
});

describe('changeset bodies', () => {
  it('keeps plain comments, drops directive lines and trims the joined lines', () => {
    const text = HEADER + '--changeset a:1\n\n  -- why\n--comment: the comment\nSELECT 1;\n--rollback SELECT 0;\n/* block */ SELECT 2;   \n\n\n';
    const cs = parse(text).changesets[0];
    expect(sqlOf(cs)).toBe('-- why\nSELECT 1;\n/* block */ SELECT 2;');
    expect(cs.attributes.comment).toBe('the comment');
    expect(cs.changes[0].range).toEqual(range(4, 2, 8, 21));
    expect(cs.range).toEqual(range(2, 0, 8, 24));
    expectMapsBack(cs.changes[0].sql!, text);
    // the directive lines in the middle make it a mapped text, not a slice
    expect(cs.changes[0].sql!.offsets).toBeDefined();
  });

  it('maps every character back to the file with CR, CRLF and LF line endings', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const text = ['--liquibase formatted sql', '--changeset a:1', 'SELECT 1;', '--comment x', 'SELECT 2;', '--rollback DROP a;', '--rollback DROP b;', '--changeset a:2', 'SELECT 3;'].join(nl);
      const file = parse(text);
      const [one, two] = file.changesets;
      expect(sqlOf(one)).toBe('SELECT 1;\nSELECT 2;');
      expect(rollbackSql(one)).toBe('DROP a;\nDROP b;');
      expect(sqlOf(two)).toBe('SELECT 3;');
      for (const cs of file.changesets) {
        expectMapsBack(cs.changes[0].sql!, text);
        if (cs.rollback.kind === 'changes') expectMapsBack(cs.rollback.changes[0].sql!, text);
      }
      expect(one.range).toEqual(range(1, 0, 6, 18));
      expect(two.changes[0].range).toEqual(range(8, 0, 8, 9));
    }
  });

  it('counts a leading BOM in positions and offsets but keeps it out of every text', () => {
    const text = '\uFEFF--changeset a:1\r\nSELECT 1;';
    const cs = parse(text).changesets[0];
    expect(cs.headerRange).toEqual(range(0, 1, 0, 16));
    expect(cs.authorRange).toEqual(range(0, 13, 0, 14));
    expect(sqlOf(cs)).toBe('SELECT 1;');
    expect(cs.changes[0].sql!.baseOffset).toBe(18);
    expectMapsBack(cs.changes[0].sql!, text);
  });

  it('reads a "-- comment …" line inside a changeset as its comment, as Liquibase does', () => {
    const cs = parse(HEADER + '--changeset a:1\n-- comment out the next line\nSELECT 1;\n').changesets[0];
    expect(cs.attributes.comment).toBe('out the next line');
    expect(sqlOf(cs)).toBe('SELECT 1;');
  });

  it('rejects a "-- comments …" line inside a changeset', () => {
    const file = parse(HEADER + '--changeset a:1\n-- Comments are stripped\nSELECT 1;\n');
    expect(rules(file)).toEqual(['error:malformed-directive']);
    expect(file.findings[0].range).toEqual(range(3, 0, 3, 24));
  });

  it('skips the lines of --ignoreLines:<count> and of --ignoreLines:start … end', () => {
    const text = HEADER + '--changeset a:1\nSELECT 1;\n--ignoreLines:2\nSELECT skipped;\n--changeset x:9\nSELECT 2;\n--ignoreLines:start\n--changeset y:8\n--ignoreLines:END\n--ignoreLines:end\nSELECT 3;\n';
    const file = parse(text);
    expect(file.changesets.map((c) => c.id)).toEqual(['1']);
    expect(sqlOf(file.changesets[0])).toBe('SELECT 1;\nSELECT 2;\nSELECT 3;');
    expect(file.findings).toEqual([]);
    expectMapsBack(file.changesets[0].changes[0].sql!, text);
  });

  it('warns when --ignoreLines:start is never ended, and rejects ignoreLines values Liquibase cannot read', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n--ignoreLines:START\n--ignoreLines:start\nSELECT 2;\n');
    expect(rules(file)).toEqual(['error:malformed-directive', 'warning:unterminated-ignore-lines']);
    expect(file.findings[0].message).toContain("Write 'start' in lower case");
    expect(sqlOf(file.changesets[0])).toBe('SELECT 1;');
    expect(rules(parse(HEADER + '--changeset a:1\nSELECT 1;\n--ignore:true\n'))).toEqual(['error:malformed-directive']);
  });

  it('warns about SQL before the first changeset, which Liquibase ignores, but not about comments', () => {
    const file = parse(HEADER + '/* licence\n   text */\n-- note\nCREATE TABLE early (id int);\nINSERT INTO early VALUES (1);\n\n--changeset a:1\nSELECT 1;\n');
    expect(rules(file)).toEqual(['warning:sql-outside-changeset']);
    expect(file.findings[0].range).toEqual(range(5, 0, 6, 29));
    expect(file.findings[0].changeset).toBeUndefined();
    expect(file.changesets[0].range).toEqual(range(8, 0, 9, 9));
  });

  it('rejects a --comment line before the first changeset and warns about other directives there', () => {
    const file = parse(HEADER + '--comment: about this file\n--rollback DROP x;\n--changeset a:1\nSELECT 1;\n');
    expect(rules(file)).toEqual(['error:malformed-directive', 'warning:directive-outside-changeset']);
  });

  it('expands ${properties} in SQL, ids and attributes, mapping substituted characters to the reference', () => {
    const props: Record<string, string> = { schema: 'app', who: 'ann', ctx: 'dev' };
    const properties = (t: string) => t.replace(/\$\{([^}]+)\}/g, (m, n: string) => props[n] ?? m);
    const text = HEADER + '--changeset ${who}:1 context:${ctx}\nCREATE TABLE ${schema}.t (id int);\n--rollback DROP TABLE ${schema}.t;\n';
    const cs = parse(text, { properties }).changesets[0];
    expect([cs.author, cs.attributes.context]).toEqual(['ann', 'dev']);
    const sql = cs.changes[0].sql!;
    expect(sql.text).toBe('CREATE TABLE app.t (id int);');
    const dollar = text.indexOf('${schema}');
    expect([sql.offsets![13], sql.offsets![14], sql.offsets![15]]).toEqual([dollar, dollar, dollar]);
    expect(text[sql.offsets![16]]).toBe('.');
    expect(rollbackSql(cs)).toBe('DROP TABLE app.t;');
    // without an expander the references stay
    expect(sqlOf(parse(text).changesets[0])).toBe('CREATE TABLE ${schema}.t (id int);');
  });

  it('rejects a changeset without SQL when another changeset follows it', () => {
    const file = parse(HEADER + '--changeset a:1\n--comment nothing here\n--rollback SELECT 1;\n\n--changeset a:2\nSELECT 2;\n');
    expect(rules(file)).toEqual(['error:empty-changeset']);
    expect(file.findings[0].changeset).toEqual({ id: '1', author: 'a' });
    expect(file.findings[0].range).toEqual(range(2, 0, 2, 15));
    expect(sqlOf(file.changesets[0])).toBe('');
    expect(file.changesets[0].changes[0].range).toEqual(file.changesets[0].headerRange);
  });

  it('gives a last changeset without any line the SQL of the changeset before it, as Liquibase 4.28 does', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n--changeset a:2\n--rollback SELECT 0;');
    const [, last] = file.changesets;
    expect(sqlOf(last)).toBe('SELECT 1;');
    expect(last.rollback).toEqual({ kind: 'none' });
    expect(rules(file)).toEqual(['error:empty-changeset']);
    expect(file.findings[0].message).toContain('SQL of the changeset before it');
    expect(file.findings[0].message).toContain('rollback is dropped');
  });

  it('reports a last changeset with only blank lines as having no SQL', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n--changeset a:2\n\n');
    expect(sqlOf(file.changesets[1])).toBe('');
    expect(rules(file)).toEqual(['error:empty-changeset']);
    expect(file.findings[0].message).toContain("'sql' is required");
  });

  it('gives the last changeset the "\\n/$" end delimiter when its SQL ends with a "/" line', () => {
    const file = parse(HEADER + '--changeset a:1\nBEGIN NULL; END;\n/\n--changeset a:2\nBEGIN NULL; END;\n/\n');
    expect(file.changesets[0].changes[0].sql!.endDelimiter).toBeUndefined();
    expect(file.changesets[1].changes[0].sql!.endDelimiter).toBe('\n/$');
  });

  it('flags directive look-alikes that Liquibase keeps as SQL comments', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n--rollback\n--rollback\tDROP x;\n--validCheckSum:ANY\n--comment:x\n--rolback DROP y;\n--include file:other.sql\n');
    expect(rules(file)).toEqual([
      'info:unrecognized-directive', 'warning:unrecognized-directive', 'warning:unrecognized-directive',
      'warning:unrecognized-directive', 'warning:unrecognized-directive', 'warning:unsupported-include',
    ]);
    expect(file.findings[4].message).toContain("Did you mean 'rollback'?");
    const cs = file.changesets[0];
    expect(cs.rollback).toEqual({ kind: 'none' });
    expect(cs.attributes.validCheckSum).toEqual([]);
    expect(sqlOf(cs).split('\n')).toHaveLength(7);
    expect(file.includes).toEqual([]);
  });

  it('reads --validCheckSum with or without a colon', () => {
    const cs = parse(HEADER + '--changeset a:1\n--validCheckSum: 9:abc\n--validCheckSum ANY\nSELECT 1;\n').changesets[0];
    expect(cs.attributes.validCheckSum).toEqual(['9:abc', 'ANY']);
  });
});

describe('rollbacks', () => {
  it('joins a /* liquibase rollback */ block without line breaks, as Liquibase does, and warns when that glues words', () => {
    const text = HEADER + '--changeset a:1\nSELECT 1;\n/* liquibase rollback\nDROP TABLE\n  t;\n  */\n';
    const file = parse(text);
    const cs = file.changesets[0];
    expect(rollbackSql(cs)).toBe('DROP TABLE  t;');
    expect(cs.rollback).toMatchObject({ range: range(4, 0, 7, 4) });
    expectMapsBack((cs.rollback as { changes: { sql: SqlText }[] }).changes[0].sql, text);
    expect(file.findings).toEqual([]);
    const glued = parse(HEADER + '--changeset a:1\nSELECT 1;\n/* liquibase rollback\nDROP TABLE\nt; */\n');
    expect(rollbackSql(glued.changesets[0])).toBe('DROP TABLEt;');
    expect(rules(glued)).toEqual(['warning:rollback-block-line-join']);
    const commented = parse(HEADER + '--changeset a:1\nSELECT 1;\n/* liquibase rollback\n-- undo\nDROP TABLE t;\n*/\n');
    expect(rules(commented)).toEqual(['warning:rollback-block-line-join']);
  });

  it('reports a rollback block that is never closed', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n/* liquibase rollback\nDROP TABLE t;\n--changeset a:2\nSELECT 2;\n');
    expect(rules(file)).toEqual(['error:unterminated-rollback-block']);
    expect(file.findings[0].range).toEqual(range(4, 0, 4, 21));
    expect(file.changesets).toHaveLength(1);
  });

  it('combines --rollback lines and blocks into one SQL change with the rollback options', () => {
    const text = HEADER + '--changeset a:1 rollbackSplitStatements:false\n--rollback DROP a;\nSELECT 1;\n--rollback   DROP b;\n';
    const file = parse(text);
    const rollback = file.changesets[0].rollback;
    expect(rollback.kind).toBe('changes');
    if (rollback.kind !== 'changes') return;
    expect(rollback.range).toEqual(range(3, 0, 5, 20));
    const [change] = rollback.changes;
    expect(change.sql).toMatchObject({ text: 'DROP a;\n  DROP b;', splitStatements: false, stripComments: false });
    expect(change.typeRange).toEqual(range(3, 0, 3, 18));
    expectMapsBack(change.sql!, text);
    expect(sqlOf(file.changesets[0])).toBe('SELECT 1;');
  });

  it('reads "not required" and "empty" in any case as no rollback needed', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n--rollback Not Required because it is a view\n--changeset a:2\nSELECT 2;\n--rollback empty\n');
    expect(file.changesets.map((c) => c.rollback.kind)).toEqual(['not-required', 'not-required']);
    // on two lines it is SQL again: Liquibase's pattern stops at the line break
    const twoLines = parse(HEADER + '--changeset a:1\nSELECT 1;\n--rollback not required\n--rollback SELECT 1;\n');
    expect(rollbackSql(twoLines.changesets[0])).toBe('not required\nSELECT 1;');
  });

  it('reads a rollback that refers to another changeset', () => {
    const file = parse(HEADER +
      '--changeset a:1\nCREATE TABLE t (id int);\n--rollback DROP TABLE t;\n' +
      '--changeset a:2\nSELECT 1;\n--rollback changesetId:1 changesetAuthor:A\n' +
      '--changeset a:3\nSELECT 2;\n--rollback changeSetId:x changeSetAuthor:y changeSetPath:other.sql\n');
    const [, two, three] = file.changesets;
    expect(two.rollback).toEqual({ kind: 'reference', id: '1', author: 'A', range: range(7, 0, 7, 42) });
    expect(three.rollback).toMatchObject({ kind: 'reference', id: 'x', author: 'y', path: 'other.sql' });
    expect(file.findings).toEqual([]);
  });

  it('rejects a reference without an author, and one to a changeset that does not exist above', () => {
    const file = parse(HEADER + '--changeset a:1\nSELECT 1;\n--rollback changesetId:1\n--changeset a:2\nSELECT 2;\n--rollback changesetId:9 changesetAuthor:a\n');
    expect(rules(file)).toEqual(['error:invalid-rollback-reference', 'error:unknown-rollback-changeset']);
    expect(file.findings.map((f) => f.changeset?.id)).toEqual(['1', '2']);
    expect(file.changesets[0].rollback).toEqual({ kind: 'none' });
  });
});

describe('preconditions', () => {
  it('reads --preconditions attributes and each supported --precondition-<type>', () => {
    const text = HEADER + '--changeset a:1\n--preconditions onFail:MARK_RAN onError:warn onUpdateSQL:IGNORE\n' +
      "--precondition-sql-check expectedResult:'a b' SELECT 'a b'\n" +
      '--precondition-sql-check 3 SELECT count(*) FROM t\n' +
      '--precondition-table-exists table:items schema:app\n' +
      '--precondition-view-exists view:v\nSELECT 1;\n';
    const cs = parse(text).changesets[0];
    const p = cs.preconditions!;
    expect(p).toMatchObject({ onFail: 'MARK_RAN', onError: 'warn', onSqlOutput: 'IGNORE', range: range(3, 0, 7, 33) });
    expect(p.conditions.map((c) => [c.type, c.params])).toEqual([
      ['sqlCheck', { expectedResult: 'a b' }],
      ['sqlCheck', { expectedResult: '3' }],
      ['tableExists', { tableName: 'items', schemaName: 'app' }],
      ['viewExists', { viewName: 'v' }],
    ]);
    expect(p.conditions[0].sql!.text).toBe("SELECT 'a b'");
    expect(p.conditions[0].sql!.baseOffset).toBe(text.indexOf("SELECT 'a b'"));
    expect(p.conditions[1].sql).toMatchObject({ text: 'SELECT count(*) FROM t', splitStatements: false, stripComments: false });
    expect(p.conditions[2].range).toEqual(range(6, 0, 6, 50));
    expect(sqlOf(cs)).toBe('SELECT 1;');
  });

  it('rejects unknown onFail values and unsupported precondition types, with suggestions', () => {
    const file = parse(HEADER + '--changeset a:1\n--preconditions onFail:MARKRAN onFailMessage:nope\n--precondition-column-exists table:t column:c\n--precondition-tabel-exists table:t\nSELECT 1;\n');
    expect(rules(file)).toEqual(['error:invalid-attribute-value', 'warning:unknown-attribute', 'error:unsupported-precondition', 'error:unsupported-precondition']);
    expect(file.findings[0].message).toContain("Did you mean 'MARK_RAN'?");
    expect(file.findings[0].range).toEqual(range(3, 23, 3, 30));
    expect(file.findings[3].message).toContain("Did you mean 'table-exists'?");
  });

  it('rejects preconditions without the parameters Liquibase requires', () => {
    const file = parse(HEADER + '--changeset a:1\n--precondition-sql-check\n--precondition-sql-check SELECT1\n--precondition-table-exists tableName:t\nSELECT 1;\n');
    expect(rules(file)).toEqual(['error:malformed-precondition', 'error:malformed-precondition', 'error:malformed-precondition']);
    expect(file.findings[2].message).toContain("Write 'table:<name>'");
  });

  it('warns that a --preconditions line after --precondition lines drops them, as in Liquibase', () => {
    const file = parse(HEADER + '--changeset a:1\n--precondition-sql-check 0 SELECT 1\n--preconditions onFail:HALT\nSELECT 1;\n');
    expect(rules(file)).toEqual(['warning:discarded-preconditions']);
    expect(file.changesets[0].preconditions!.conditions).toEqual([]);
  });
});

describe('properties', () => {
  it('reads --property lines anywhere, keeping them out of the SQL', () => {
    const text = HEADER + '--property name:schema value:app context:dev labels:"a, b" dbms:postgresql global:false\n--changeset a:1\n--property name:x value:y\nSELECT 1;\n';
    const file = parse(text);
    expect(file.properties).toEqual([
      { name: 'schema', value: 'app', context: 'dev', labels: 'a, b', dbms: 'postgresql', global: false, file: '/project/changelog.sql', range: range(2, 0, 2, 87) },
      { name: 'x', value: 'y', global: true, file: '/project/changelog.sql', range: range(4, 0, 4, 25) },
    ]);
    expect(sqlOf(file.changesets[0])).toBe('SELECT 1;');
  });

  it('rejects a --property line Liquibase cannot read, and warns when name or value is missing', () => {
    const file = parse(HEADER + '-- property of the team\n--property name:x other:y\n--changeset a:1\nSELECT 1;\n');
    expect(rules(file)).toEqual(['error:malformed-directive', 'warning:malformed-property']);
    expect(file.properties).toEqual([]);
  });
});

describe('the corpus and large files', () => {
  // its speed is measured in bench/ (lint-corpus, lint-vs-peers), not here
  it('reads a 10 MB changelog with CRLF line ends and 20,000 changesets completely', () => {
    const lines = ['--liquibase formatted sql', ''];
    for (let i = 0; i < 20000; i++) {
      lines.push(`--changeset perf:${i} labels:a,b context:dev runOnChange:true`, `--comment: changeset number ${i}`, '-- a comment line');
      for (let k = 0; k < 3; k++) lines.push(`INSERT INTO t_${i} (id, name, value) VALUES (${k}, 'name ${k} ${'x'.repeat(40)}', ${k * 3}); -- trailing`);
      lines.push(`--rollback DELETE FROM t_${i};`, '');
    }
    const text = lines.join('\r\n');
    expect(text.length).toBeGreaterThan(10_000_000);
    const file: ChangelogFile | undefined = parse(text);
    expect(file!.changesets).toHaveLength(20000);
    expect(file!.findings).toEqual([]);
    expect(sqlOf(file!.changesets[19999])).toContain('INSERT INTO t_19999');
  });
});
