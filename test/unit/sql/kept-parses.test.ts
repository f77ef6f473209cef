// The parses `pgcs update` keeps between runs: what running reads of them, by text and split options.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlText } from '../../../server/src/changelog/model';
import { executionParse, KeptParses, parsedForRun } from '../../../server/src/sql/kept-parses';
import { initSqlParser, parseSql } from '../../../server/src/sql/statements';

let dir: string;
beforeAll(async () => {
  await initSqlParser();
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-kept-parses-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sqlText = (text: string, options: Partial<SqlText> = {}): SqlText => ({ text, file: '/x.sql', baseOffset: 0, splitStatements: true, stripComments: false, ...options });

const TEXTS = [
  'CREATE TABLE a (id int); INSERT INTO a VALUES (1)',
  'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql',
  'CREATE TABLE b (id int,)', // a syntax error, kept as such
  'SELECT 1; SELECT 2',
];

/** one run: what it finds kept, then it parses the rest as the engine does (executionParse) and saves */
function run(file: string, texts: SqlText[]): { missing: string[]; parses: ReturnType<typeof executionParse>[] } {
  const kept = new KeptParses(file);
  const missing = kept.take(texts).map((sql) => sql.text);
  const parses = texts.map((sql) => executionParse(sql));
  kept.save();
  return { missing, parses };
}

describe('kept parses', () => {
  it('a second run finds every text parsed, with the statements, chunks and errors of the parse, without trees', () => {
    const file = nodePath.join(dir, 'first.parses.json');
    const first = run(file, TEXTS.map((t) => sqlText(t)));
    expect(first.missing).toEqual(TEXTS);
    const texts = TEXTS.map((t) => sqlText(t));
    const second = new KeptParses(file);
    expect(second.take(texts)).toEqual([]);
    for (const [i, sql] of texts.entries()) {
      expect(parsedForRun(sql)).toBe(true);
      const kept = executionParse(sql);
      expect(sql.parsed).toBeUndefined(); // not parsed again
      const parsed = parseSql(sql.text, sql);
      expect(kept.executionChunks).toEqual(parsed.executionChunks);
      expect(kept.statements).toEqual(parsed.statements.map(({ node: _node, ...s }) => s));
      expect(kept.statements.every((s) => !('node' in s))).toBe(true);
      if (i === 2) expect(kept.statements[0].error?.message).toMatch(/syntax error/);
    }
  });

  it('keys on the text and on every option that changes the split', () => {
    const file = nodePath.join(dir, 'options.parses.json');
    run(file, [sqlText('SELECT 1; SELECT 2')]);
    const variants = [
      sqlText('SELECT 1; SELECT 3'),
      sqlText('SELECT 1; SELECT 2', { splitStatements: false }),
      sqlText('SELECT 1; SELECT 2', { stripComments: true }),
      sqlText('SELECT 1; SELECT 2', { endDelimiter: '@@' }),
    ];
    expect(new KeptParses(file).take(variants)).toEqual(variants);
    const same = sqlText('SELECT 1; SELECT 2');
    expect(new KeptParses(file).take([same])).toEqual([]);
    expect(executionParse(same).executionChunks).toHaveLength(2);
  });

  it('keeps what the last run that learnt something used: text no longer in the changelog goes', () => {
    const file = nodePath.join(dir, 'edited.parses.json');
    run(file, [sqlText('SELECT 1'), sqlText('SELECT 2')]);
    // SELECT 2 edited into SELECT 22
    expect(run(file, [sqlText('SELECT 1'), sqlText('SELECT 22')]).missing).toEqual(['SELECT 22']);
    const after = new KeptParses(file);
    expect(after.take([sqlText('SELECT 1'), sqlText('SELECT 22'), sqlText('SELECT 2')]).map((s) => s.text)).toEqual(['SELECT 2']);
  });

  it('a run that learnt nothing writes nothing; a damaged file is parsed again', () => {
    const file = nodePath.join(dir, 'damaged.parses.json');
    run(file, [sqlText('SELECT 1')]);
    const mtime = fs.statSync(file).mtimeMs;
    run(file, [sqlText('SELECT 1')]);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    fs.writeFileSync(file, '{"trunc');
    expect(run(file, [sqlText('SELECT 1')]).missing).toEqual(['SELECT 1']);
    expect(new KeptParses(file).take([sqlText('SELECT 1')])).toEqual([]);
  });

  it('keeps nothing without a folder', () => {
    const kept = KeptParses.forRoot(undefined, 'build', '/root.yaml');
    const sql = sqlText('SELECT 1');
    expect(kept.take([sql])).toEqual([sql]);
    executionParse(sql);
    kept.save();
    expect(KeptParses.forRoot(undefined, 'build', '/root.yaml').take([sqlText('SELECT 1')])).toHaveLength(1);
  });
});
