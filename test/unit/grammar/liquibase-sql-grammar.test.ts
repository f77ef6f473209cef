import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GRAMMAR_PATH,
  LANGUAGE_CONFIGURATION_PATH,
  LANGUAGE_ID,
  LIQUIBASE_SCOPE,
  REPO_ROOT,
  STUB_SQL_GRAMMAR,
  type TokenizedLine,
  type Tokenizer,
  allScopes,
  compileOniguruma,
  createTokenizer,
  grammarRegexes,
  languageAt,
  loadOnigLib,
  tokenAt,
  vscodeSqlGrammar,
} from './tokenize';

const LB = '.liquibase';
const DASH = `punctuation.definition.directive${LB}`;
const SQL_COMMENT = 'comment.line.double-dash.sql';

const GOLDEN_CASE = path.join(__dirname, '..', '..', 'fixtures', 'golden', '02-formatted-sql');
const GOLDEN = readFileSync(path.join(GOLDEN_CASE, 'changelog.sql'), 'utf8');
const DOLLAR_SPLIT = readFileSync(path.join(GOLDEN_CASE, 'changelog-dollar-split.sql'), 'utf8');

function expectScope(line: TokenizedLine, needle: string, scope: string, from = 0): void {
  const tok = tokenAt(line, needle, from);
  expect(tok.scopes, `scopes of "${needle}" in: ${line.text}`).toContain(scope);
}

function expectToken(line: TokenizedLine, needle: string, scope: string, from = 0): void {
  const tok = tokenAt(line, needle, from);
  expect(tok.text, `token at "${needle}" in: ${line.text}`).toBe(needle);
  expect(tok.scopes, `scopes of "${needle}" in: ${line.text}`).toContain(scope);
}

/** Both the stub and VS Code's SQL grammar scope keywords as keyword.*.sql */
function isSqlKeyword(scopes: string[]): boolean {
  return scopes.some((s) => s.startsWith('keyword.') && s.endsWith('.sql'));
}

/**
 * Which Liquibase directive (if any) a line is, decided independently of the
 * grammar with the regular expressions Liquibase's
 * AbstractFormattedChangeLogParser applies (all case-insensitive, matched
 * against the whole line).
 */
function liquibaseDirectiveOf(line: string): string | undefined {
  const rules: [string, RegExp][] = [
    ['header', /^\s*--\s*liquibase\s*formatted.*$/i],
    ['changeset', /^\s*--\s*changeset\s+("[^"]+"|[^:]+):\s*("[^"]+"|\S+).*$/i],
    ['rollback', /^\s*--\s*rollback (.*)$/i],
    ['rollback-block', /^\s*\/\*\s*liquibase\s*rollback\s*$/i],
    ['comment', /^--\s*comment:? (.*)$/i],
    ['preconditions', /^\s*--\s*preconditions(.*)$/i],
    ['precondition', /^\s*--\s*precondition-([a-zA-Z0-9-]+) (.*)$/i],
    ['valid-checksum', /^--\s*validCheckSum:? (.*)$/i],
    ['ignore-lines', /^--\s*ignoreLines:(\w+)$/i],
    ['property', /^\s*--\s*property\s+(.*:.*)\s+(.*:.*).*$/i],
    ['include', /^\s*--\s*include\s+file:.*$/i],
    ['include-all', /^\s*--\s*includeAll\s+(.*)$/i],
  ];
  return rules.find(([, re]) => re.test(line))?.[0];
}

/** The directive a tokenized line was recognised as, read back from its scopes. */
function recognisedDirectiveOf(line: TokenizedLine): string | undefined {
  const first = line.tokens.find((t) => t.text.trim() !== '');
  if (!first) return undefined;
  if (first.scopes.includes(`punctuation.definition.rollback-block.begin${LB}`)) return 'rollback-block';
  const meta = first.scopes.find((s) => /^meta\.directive\.[\w-]+\.liquibase$/.test(s));
  return meta?.replace(/^meta\.directive\./, '').replace(/\.liquibase$/, '');
}

describe('the grammar file', () => {
  const grammar = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8'));
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

  it('is valid JSON whose scopeName and path match what package.json contributes', () => {
    const contributed = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'liquibase-sql');
    expect(contributed.scopeName).toBe(LIQUIBASE_SCOPE);
    expect(grammar.scopeName).toBe(LIQUIBASE_SCOPE);
    expect(path.resolve(REPO_ROOT, contributed.path)).toBe(GRAMMAR_PATH);
    expect(contributed.embeddedLanguages).toEqual({ 'meta.embedded.sql': 'sql' });
  });

  it('contains only regular expressions that Oniguruma compiles', async () => {
    await loadOnigLib();
    const regexes = grammarRegexes(grammar);
    expect(regexes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const { path: at, source } of regexes) {
      try {
        compileOniguruma(source);
      } catch (e) {
        failures.push(`${at}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('resolves every #include to a repository entry', () => {
    const missing = (JSON.stringify(grammar).match(/"include":"#[^"]+"/g) ?? [])
      .map((m) => m.slice('"include":"#'.length, -1))
      .filter((name) => !(name in grammar.repository));
    expect(missing).toEqual([]);
  });

  it('is used for files whose first line package.json recognises as formatted SQL', () => {
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'liquibase-sql');
    expect(new RegExp(lang.firstLine).test(GOLDEN.split('\n')[0])).toBe(true);
    expect(path.resolve(REPO_ROOT, lang.configuration)).toBe(LANGUAGE_CONFIGURATION_PATH);
  });
});

describe('the language configuration', () => {
  const config = JSON.parse(readFileSync(LANGUAGE_CONFIGURATION_PATH, 'utf8'));

  it('declares SQL comment tokens, brackets and quote auto-closing', () => {
    expect(config.comments).toEqual({ lineComment: '--', blockComment: ['/*', '*/'] });
    expect(config.brackets).toEqual(expect.arrayContaining([['(', ')'], ['[', ']'], ['{', '}']]));
    const opens = config.autoClosingPairs.map((p: { open: string }) => p.open);
    expect(opens).toEqual(expect.arrayContaining(['(', '[', '{', "'", '"']));
  });

  it('uses distinct folding start and end markers, because VS Code treats a line matching both as a start only', () => {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    expect(start.source).not.toBe(end.source);
    expect(start.test('-- #region seed data')).toBe(true);
    expect(end.test('-- #endregion')).toBe(true);
    expect(end.test('-- #region seed data')).toBe(false);
    // "from this --changeset to the next one" cannot be said with markers; that folding comes from a folding range provider
    expect(start.test('--changeset alice:1')).toBe(false);
  });
});

describe.each([
  ['a stub SQL grammar', (): object => STUB_SQL_GRAMMAR],
  ["VS Code's own SQL grammar", vscodeSqlGrammar],
])('tokenizing with %s behind source.sql', (_name, sqlGrammar) => {
  let t: Tokenizer;
  beforeAll(async () => {
    t = await createTokenizer(sqlGrammar());
  });
  const lines = (text: string): TokenizedLine[] => t.tokenize(text);

  describe('the golden changelog', () => {
    it('recognises every directive line Liquibase recognises, and no others', () => {
      const mismatches: string[] = [];
      let directives = 0;
      for (const line of lines(GOLDEN)) {
        const expected = liquibaseDirectiveOf(line.text);
        const actual = recognisedDirectiveOf(line);
        if (expected) {
          directives++;
          expect(allScopes(line), line.text).not.toContain(SQL_COMMENT);
        }
        if (expected !== actual) mismatches.push(`${line.text}  (expected ${expected}, got ${actual})`);
      }
      expect(mismatches).toEqual([]);
      // 1 header, 9 changesets, 8 --rollback, 1 rollback block, 2 --comment, 1 --preconditions, 2 --precondition-*, 1 --validCheckSum
      expect(directives).toBe(25);
    });

    it('puts every line after the first header into a changeset, and every body line into the embedded SQL region', () => {
      const tokenized = lines(GOLDEN);
      const firstChangeset = tokenized.findIndex((l) => l.text.startsWith('--changeset'));
      for (const line of tokenized.slice(firstChangeset)) {
        for (const tok of line.tokens) expect(tok.scopes, line.text).toContain(`meta.changeset${LB}`);
        if (!line.text.startsWith('--changeset') && line.text !== '') {
          expect(line.tokens[0].scopes, line.text).toContain('meta.embedded.sql');
        }
      }
      const headers = tokenized.filter((l) => l.tokens[0]?.scopes.includes(`meta.directive.changeset${LB}`));
      expect(headers).toHaveLength(9);
    });

    it('keeps its plain "--" lines as SQL comments', () => {
      const plain = lines(GOLDEN).filter((l) => l.text.startsWith('-- '));
      expect(plain.map((l) => l.text)).toEqual([
        '-- a trigger function; its body contains semicolons and must not be split',
        '-- ünïcödé comment: naïve café ✓',
      ]);
      for (const line of plain) {
        for (const tok of line.tokens) expect(tok.scopes, line.text).toContain(SQL_COMMENT);
      }
    });

    it('recognises each kind of directive inside a changeset body just as at the top of the file', () => {
      const samples = [
        '--rollback DROP TABLE t;',
        '--rollback not required',
        '--comment: text',
        '--preconditions onFail:HALT',
        '--precondition-sql-check expectedResult:0 SELECT 1',
        '--precondition-table-exists tableName:t',
        '--validCheckSum: ANY',
        '--ignoreLines:3',
        '--property name:a value:b',
        '--include file:x.sql',
        '--includeAll path:dir/',
        '--liquibase formatted sql',
      ];
      for (const sample of samples) {
        const expected = liquibaseDirectiveOf(sample);
        expect(expected, sample).toBeDefined();
        const [top] = lines(sample);
        const inBody = lines(`--changeset a:1\nSELECT 1;\n${sample}`)[2];
        expect(recognisedDirectiveOf(top), sample).toBe(expected);
        expect(recognisedDirectiveOf(inBody), sample).toBe(expected);
        expect(allScopes(inBody), sample).not.toContain(SQL_COMMENT);
      }
    });

    it('highlights dollar-quoted function bodies as SQL without losing the next changeset', () => {
      const tokenized = lines(DOLLAR_SPLIT);
      expect(tokenized.filter((l) => recognisedDirectiveOf(l) === 'changeset')).toHaveLength(2);
      const ret = tokenized.find((l) => l.text.trim() === 'RETURN 2;')!;
      expect(isSqlKeyword(tokenAt(ret, 'RETURN').scopes)).toBe(true);
    });
  });

  describe('the header line', () => {
    it('is a Liquibase directive, not a SQL comment', () => {
      const [line] = lines('--liquibase formatted sql');
      expectToken(line, '--', DASH);
      expectToken(line, 'liquibase formatted sql', `keyword.other.directive.header${LB}`);
      expect(allScopes(line)).not.toContain(SQL_COMMENT);
    });

    it('highlights an optional logicalFilePath attribute', () => {
      const [line] = lines('--liquibase formatted sql logicalFilePath:db/changelog/main.sql');
      expectToken(line, 'logicalFilePath', `variable.parameter.attribute${LB}`);
      expectToken(line, 'db/changelog/main.sql', `string.unquoted.attribute-value${LB}`);
    });
  });

  describe('changeset headers', () => {
    it('give the author and the id their own entity.name scopes', () => {
      const [line] = lines('--changeset alice:1 labels:core context:dev');
      expectToken(line, '--', DASH);
      expectToken(line, 'changeset', `keyword.other.directive.changeset${LB}`);
      expectToken(line, 'alice', `entity.name.namespace.author${LB}`);
      expectToken(line, ':', `punctuation.separator.author-id${LB}`);
      expectToken(line, '1', `entity.name.function.changeset-id${LB}`);
      expect(allScopes(line)).not.toContain(SQL_COMMENT);
    });

    it('scope each attribute name and value separately', () => {
      const [line] = lines('--changeset alice:1 labels:core context:dev runOnChange:true endDelimiter:;;');
      for (const [name, value] of [
        ['labels', 'core'],
        ['context', 'dev'],
        ['runOnChange', 'true'],
        ['endDelimiter', ';;'],
      ]) {
        const at = line.text.indexOf(`${name}:`);
        expectToken(line, name, `variable.parameter.attribute${LB}`, at);
        expectToken(line, ':', `punctuation.separator.key-value${LB}`, at);
        expectToken(line, value, `string.unquoted.attribute-value${LB}`, at);
        expectScope(line, value, `meta.directive.changeset${LB}`, at);
      }
    });

    it('scope a double-quoted attribute value as a quoted string with its quotes', () => {
      const [line] = lines('--changeset bob:4 context:"dev or test" labels:x,y');
      const at = line.text.indexOf('"dev');
      expectToken(line, '"', `punctuation.definition.string.begin${LB}`, at);
      expectToken(line, 'dev or test', `string.quoted.double.attribute-value${LB}`, at);
      expectToken(line, '"', `punctuation.definition.string.end${LB}`, at + 1);
      expectToken(line, 'x,y', `string.unquoted.attribute-value${LB}`);
    });

    it('accept a quoted author and a quoted id containing spaces', () => {
      const [line] = lines('--changeset "dave smith":"8 quoted id" logicalFilePath:logical/path.sql');
      expectToken(line, 'dave smith', `entity.name.namespace.author${LB}`);
      expectScope(line, 'dave smith', `string.quoted.double.author${LB}`);
      expectToken(line, '8 quoted id', `entity.name.function.changeset-id${LB}`);
      expectScope(line, '8 quoted id', `string.quoted.double.id${LB}`);
      expectToken(line, '"', `punctuation.definition.string.begin${LB}`);
      expectToken(line, 'logicalFilePath', `variable.parameter.attribute${LB}`);
    });

    it('take everything up to the first colon as the author, as Liquibase does', () => {
      const [line] = lines('--changeset John Smith:42');
      expectToken(line, 'John Smith', `entity.name.namespace.author${LB}`);
      expectToken(line, '42', `entity.name.function.changeset-id${LB}`);
    });

    it('are recognised case-insensitively and with spaces after the dashes', () => {
      const [line] = lines('-- ChangeSet alice:1');
      expectToken(line, 'ChangeSet', `keyword.other.directive.changeset${LB}`);
      expectToken(line, 'alice', `entity.name.namespace.author${LB}`);
    });

    it('end the previous changeset, whose SQL stays in the embedded SQL region', () => {
      const doc = lines('--changeset a:1\nSELECT 1;\n--changeset a:2\nSELECT 2;');
      expect(doc[1].tokens[0].scopes.slice(0, 3)).toEqual([LIQUIBASE_SCOPE, `meta.changeset${LB}`, 'meta.embedded.sql']);
      expect(doc[2].tokens[0].scopes).not.toContain('meta.embedded.sql');
      expectToken(doc[2], '2', `entity.name.function.changeset-id${LB}`);
    });
  });

  describe('rollback', () => {
    it('highlights the --rollback directive and the SQL after it as SQL', () => {
      const [line] = lines('--rollback DROP TABLE accounts;');
      expectToken(line, '--', DASH);
      expectToken(line, 'rollback', `keyword.other.directive.rollback${LB}`);
      const drop = tokenAt(line, 'DROP');
      expect(drop.text).toBe('DROP');
      expect(isSqlKeyword(drop.scopes), drop.scopes.join(' ')).toBe(true);
      expect(drop.scopes).toContain('meta.embedded.sql');
      expect(allScopes(line)).not.toContain(SQL_COMMENT);
    });

    it('does not let an unterminated string in a rollback line swallow the next changeset', () => {
      const doc = lines("--changeset a:1\nSELECT 1;\n--rollback DELETE FROM t WHERE x = 'oops\n--changeset a:2\nSELECT 2;");
      expectToken(doc[3], 'changeset', `keyword.other.directive.changeset${LB}`);
      expect(isSqlKeyword(tokenAt(doc[4], 'SELECT').scopes)).toBe(true);
    });

    it('marks "not required" and "empty" as an explicitly empty rollback', () => {
      const [a, b] = lines('--rollback not required\n--rollback empty');
      expectToken(a, 'not required', `constant.language.rollback-empty${LB}`);
      expectToken(b, 'empty', `constant.language.rollback-empty${LB}`);
    });

    it('reads a rollback that points at another changeset as attributes', () => {
      const [line] = lines('--rollback changeSetId:3 changeSetAuthor:alice');
      expectToken(line, 'changeSetId', `variable.parameter.attribute${LB}`);
      expectToken(line, '3', `string.unquoted.attribute-value${LB}`);
      expectToken(line, 'changeSetAuthor', `variable.parameter.attribute${LB}`);
    });

    it('highlights the SQL inside a /* liquibase rollback */ block and ends the block at */', () => {
      const doc = lines('/* liquibase rollback\nDROP INDEX CONCURRENTLY accounts_email_idx;\n*/\nCREATE TABLE t (id int);');
      expectToken(doc[0], '/*', `punctuation.definition.rollback-block.begin${LB}`);
      expectToken(doc[0], 'liquibase', `keyword.other.directive.rollback-block${LB}`);
      expectToken(doc[0], 'rollback', `keyword.other.directive.rollback-block${LB}`);
      const drop = tokenAt(doc[1], 'DROP');
      expect(isSqlKeyword(drop.scopes), drop.scopes.join(' ')).toBe(true);
      expect(drop.scopes).toEqual(expect.arrayContaining([`meta.rollback-block${LB}`, 'meta.embedded.sql']));
      expect(drop.scopes.filter((s) => s.startsWith('comment.'))).toEqual([]);
      expectToken(doc[2], '*/', `punctuation.definition.rollback-block.end${LB}`);
      expect(allScopes(doc[3])).not.toContain(`meta.rollback-block${LB}`);
      expect(isSqlKeyword(tokenAt(doc[3], 'CREATE').scopes)).toBe(true);
    });

    it('treats a one-line /* liquibase rollback ... */ as an ordinary SQL block comment, as Liquibase does', () => {
      const [line] = lines('/* liquibase rollback DROP TABLE x; */');
      expect(allScopes(line)).not.toContain(`meta.rollback-block${LB}`);
      expect(line.tokens[0].scopes.some((s) => s.startsWith('comment.block'))).toBe(true);
    });
  });

  describe('comments', () => {
    it('scope --comment: as a directive whose text is documentation, not a SQL comment', () => {
      const [line] = lines('--comment: create the accounts table');
      expectToken(line, '--', DASH);
      expectToken(line, 'comment', `keyword.other.directive.comment${LB}`);
      expectToken(line, ':', `punctuation.separator.key-value${LB}`);
      expectToken(line, 'create the accounts table', `comment.line.documentation${LB}`);
      expect(allScopes(line)).not.toContain(SQL_COMMENT);
    });

    it('accept --comment without a colon', () => {
      const [line] = lines('--comment Seed two accounts');
      expectToken(line, 'comment', `keyword.other.directive.comment${LB}`);
      expectToken(line, 'Seed two accounts', `comment.line.documentation${LB}`);
    });

    it('leave a plain "-- text" line to the SQL grammar as a line comment', () => {
      const [line] = lines('-- a trigger function; its body contains semicolons');
      for (const tok of line.tokens) expect(tok.scopes).toContain(SQL_COMMENT);
      expect(allScopes(line).filter((s) => s !== LIQUIBASE_SCOPE && s.endsWith(LB))).toEqual([]);
    });

    it('leave an indented --comment to SQL, because Liquibase only accepts it at the start of the line', () => {
      const [line] = lines('  --comment: not a directive here');
      expect(allScopes(line)).toContain(SQL_COMMENT);
      expect(allScopes(line)).not.toContain(`keyword.other.directive.comment${LB}`);
    });
  });

  describe('preconditions', () => {
    it('split --precondition-sql-check into directive, precondition name, expected result and SQL', () => {
      const [line] = lines('--precondition-sql-check expectedResult:0 SELECT count(*) FROM accounts');
      expectToken(line, '--', DASH);
      expectToken(line, 'precondition', `keyword.other.directive.precondition${LB}`);
      expectToken(line, 'sql-check', `support.function.precondition${LB}`);
      expectToken(line, 'expectedResult', `variable.parameter.attribute${LB}`);
      expectToken(line, '0', `string.unquoted.attribute-value${LB}`);
      const select = tokenAt(line, 'SELECT');
      expect(isSqlKeyword(select.scopes), select.scopes.join(' ')).toBe(true);
      expect(select.scopes).toContain('meta.embedded.sql');
      expect(allScopes(line)).not.toContain(SQL_COMMENT);
    });

    it('accept a quoted expected result without the expectedResult: prefix', () => {
      const [line] = lines("--precondition-sql-check 'ok' SELECT status FROM health");
      expectToken(line, "'", `punctuation.definition.string.begin${LB}`);
      expectScope(line, 'ok', `string.quoted.single.attribute-value${LB}`);
      expect(isSqlKeyword(tokenAt(line, 'SELECT').scopes)).toBe(true);
    });

    it('scope other preconditions as name plus key:value attributes', () => {
      const [line] = lines('--precondition-table-exists tableName:accounts schemaName:public');
      expectToken(line, 'table-exists', `support.function.precondition${LB}`);
      expectToken(line, 'tableName', `variable.parameter.attribute${LB}`);
      expectToken(line, 'accounts', `string.unquoted.attribute-value${LB}`);
      expectToken(line, 'public', `string.unquoted.attribute-value${LB}`);
    });

    it('scope --preconditions onFail/onError as attributes', () => {
      const [line] = lines('--preconditions onFail:MARK_RAN onError:HALT');
      expectToken(line, 'preconditions', `keyword.other.directive.preconditions${LB}`);
      expectToken(line, 'onFail', `variable.parameter.attribute${LB}`);
      expectToken(line, 'MARK_RAN', `string.unquoted.attribute-value${LB}`);
      expectToken(line, 'onError', `variable.parameter.attribute${LB}`);
      expectToken(line, 'HALT', `string.unquoted.attribute-value${LB}`);
    });
  });

  describe('other directives', () => {
    it('scope --validCheckSum with ANY or a versioned checksum', () => {
      const [any, sum] = lines('--validCheckSum: ANY\n--validCheckSum 9:2dbb033d83484b3694370ea83e4cb113');
      expectToken(any, 'validCheckSum', `keyword.other.directive.valid-checksum${LB}`);
      expectToken(any, 'ANY', `constant.language.any${LB}`);
      expectToken(sum, '9', `constant.numeric.checksum-version${LB}`);
      expectToken(sum, '2dbb033d83484b3694370ea83e4cb113', `constant.other.checksum${LB}`);
    });

    it('show the lines between --ignoreLines:start and --ignoreLines:end as ignored, even a --changeset', () => {
      const doc = lines('--ignoreLines:start\n--changeset not:real\nSET SERVEROUTPUT ON\n--ignoreLines:end\nSELECT 1;');
      expectToken(doc[0], 'ignoreLines', `keyword.other.directive.ignore-lines${LB}`);
      expectToken(doc[0], 'start', `constant.language.ignore-lines${LB}`);
      for (const line of [doc[1], doc[2]]) {
        expect(allScopes(line)).toContain(`comment.block.ignored-lines${LB}`);
        expect(allScopes(line)).not.toContain(`keyword.other.directive.changeset${LB}`);
      }
      expectToken(doc[3], 'end', `constant.language.ignore-lines${LB}`);
      expect(isSqlKeyword(tokenAt(doc[4], 'SELECT').scopes)).toBe(true);
    });

    it('scope --ignoreLines:<count> with a numeric count', () => {
      const [line] = lines('--ignoreLines:2');
      expectToken(line, '2', `constant.numeric.ignore-lines${LB}`);
    });

    it('scope --property name and value, allowing a space after the colon', () => {
      const [a, b] = lines('--property name:schema value:public\n--property name: table_name value: accounts global:false');
      expectToken(a, 'property', `keyword.other.directive.property${LB}`);
      expectToken(a, 'name', `variable.parameter.attribute${LB}`);
      expectToken(a, 'schema', `string.unquoted.attribute-value${LB}`);
      expectToken(a, 'public', `string.unquoted.attribute-value${LB}`);
      expectToken(b, 'table_name', `string.unquoted.attribute-value${LB}`);
      expectToken(b, 'accounts', `string.unquoted.attribute-value${LB}`);
    });

    it('scope --include file: and --includeAll path:', () => {
      const [inc, all] = lines(
        '--include file:db/seed.sql relativeToChangelogFile:true\n--includeAll path:db/migrations/ errorIfMissingOrEmpty:false',
      );
      expectToken(inc, 'include', `keyword.other.directive.include${LB}`);
      expectToken(inc, 'file', `variable.parameter.attribute${LB}`);
      expectToken(inc, 'db/seed.sql', `string.unquoted.attribute-value${LB}`);
      expectToken(all, 'includeAll', `keyword.other.directive.include-all${LB}`);
      expectToken(all, 'path', `variable.parameter.attribute${LB}`);
      expectToken(all, 'db/migrations/', `string.unquoted.attribute-value${LB}`);
    });

    it('flag a directive written with one dash, which Liquibase rejects', () => {
      const [line] = lines('-changeset alice:1');
      expect(line.tokens[0].scopes).toContain(`invalid.illegal.single-dash-directive${LB}`);
    });
  });

  describe('SQL between directives', () => {
    it('gets the SQL grammar keyword scopes inside the embedded SQL region', () => {
      const doc = lines('--changeset a:1\nCREATE TABLE accounts (id int);\nINSERT INTO accounts VALUES (1);');
      for (const [line, kw] of [
        [doc[1], 'CREATE'],
        [doc[2], 'INSERT'],
      ] as const) {
        const tok = tokenAt(line, kw);
        expect(isSqlKeyword(tok.scopes), tok.scopes.join(' ')).toBe(true);
        expect(tok.scopes).toEqual(expect.arrayContaining([`meta.changeset${LB}`, 'meta.embedded.sql']));
      }
    });

    it('is reported as the sql language to VS Code, while header lines stay liquibase-sql', () => {
      const doc = lines('--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n--rollback DROP TABLE x;');
      expect(languageAt(doc[0], 'liquibase')).toBe(LANGUAGE_ID.liquibaseSql);
      expect(languageAt(doc[1], 'changeset')).toBe(LANGUAGE_ID.liquibaseSql);
      expect(languageAt(doc[2], 'SELECT')).toBe(LANGUAGE_ID.sql);
      expect(languageAt(doc[3], 'DROP')).toBe(LANGUAGE_ID.sql);
    });

    it('highlights ${property} references in attribute values and in SQL', () => {
      const doc = lines('--changeset a:1 context:${env}\nSELECT * FROM ${schema}.accounts;');
      expectToken(doc[0], 'env', `variable.other.property-name${LB}`);
      expectToken(doc[1], '${', `punctuation.definition.variable.begin${LB}`);
      expectToken(doc[1], 'schema', `variable.other.property-name${LB}`);
      expectToken(doc[1], '}', `punctuation.definition.variable.end${LB}`);
    });
  });
});
