import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog } from '../../../server/src/changelog/load';
import { changesetSqlContext, forwardStatements, rollbackStatements } from '../../../server/src/engine/changeset-sql';
import { inRunOrder } from '../../../server/src/engine/plan';
import { initSqlParser } from '../../../server/src/sql/statements';

const dir = mkdtempSync(join(tmpdir(), 'pgcs-changeset-sql-'));
let n = 0;

/** a changelog of the given changesets, written to disk (modifySql is read from the file) */
function changelogOf(changesets: string) {
  const file = join(dir, `changelog-${n++}.yaml`);
  writeFileSync(file, `databaseChangeLog:\n${changesets}`);
  return loadChangelog(file);
}

beforeAll(async () => {
  await initSqlParser();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modifySql visitors change the SQL Liquibase sends', () => {
  const cases: { name: string; modifySql: string; sql: string; rollback?: string }[] = [
    { name: 'append adds to the end', modifySql: '- append: {value: " WITH (fillfactor = 70)"}', sql: 'CREATE TABLE public.t (id INTEGER) WITH (fillfactor = 70)' },
    { name: 'prepend adds to the start', modifySql: '- prepend: {value: "/* p */ "}', sql: '/* p */ CREATE TABLE public.t (id INTEGER)' },
    { name: 'replace replaces every literal occurrence', modifySql: '- replace: {replace: "t (", with: "u ("}', sql: 'CREATE TABLE public.u (id INTEGER)' },
    { name: 'regExpReplace takes a regex and $n groups', modifySql: '- regExpReplace: {replace: "(\\\\w+) INTEGER", with: "$1 BIGINT"}', sql: 'CREATE TABLE public.t (id BIGINT)' },
    { name: 'visitors for another dbms do not apply', modifySql: '- dbms: oracle\n        - append: {value: " X"}', sql: 'CREATE TABLE public.t (id INTEGER)' },
    { name: 'visitors with a context apply whatever the contexts (Liquibase 4.28 does not look at them)', modifySql: '- context: nowhere\n        - append: {value: " WITH (fillfactor = 70)"}', sql: 'CREATE TABLE public.t (id INTEGER) WITH (fillfactor = 70)' },
    { name: 'only applyToRollback visitors change the rollback', modifySql: '- append: {value: " CASCADE"}', sql: 'CREATE TABLE public.t (id INTEGER) CASCADE', rollback: 'DROP TABLE public.t' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const changelog = changelogOf(`  - changeSet:
      id: 1
      author: t
      changes:
        - createTable: {tableName: t, columns: [{column: {name: id, type: int}}]}
      modifySql:
        ${c.modifySql}
`);
      const context = { ...changesetSqlContext(changelog, 'public') };
      const [changeset] = changelog.changesets;
      expect(forwardStatements(changeset, context).map((s) => s.sql)).toEqual([c.sql]);
      if (c.rollback) expect(rollbackStatements(changeset, changelog, context).map((s) => s.sql)).toEqual([c.rollback]);
    });
  }
});

describe("runOrder 'first' and 'last' move changesets as Liquibase's addChangeSet does", () => {
  const cases: { name: string; orders: (string | undefined)[]; ids: string[] }[] = [
    { name: 'first goes before the others, last after them', orders: ['last', undefined, 'first'], ids: ['3', '2', '1'] },
    { name: 'several firsts and lasts keep their order among themselves', orders: ['first', 'last', undefined, 'first', 'last'], ids: ['1', '4', '3', '2', '5'] },
    { name: 'without runOrder the order is the changelog order', orders: [undefined, undefined], ids: ['1', '2'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const changelog = changelogOf(
        c.orders
          .map((order, i) => `  - changeSet:\n      id: ${i + 1}\n      author: t\n${order ? `      runOrder: ${order}\n` : ''}      changes:\n        - sql: {sql: select 1}\n`)
          .join(''),
      );
      expect(inRunOrder(changelog.changesets).map((c) => c.id)).toEqual(c.ids);
    });
  }
});

describe('insert and update with a LOB file go as prepared statements, the file read next to the changelog', () => {
  it('insert binds the file text for valueClobFile and the other values, with functions inline', () => {
    writeFileSync(join(dir, 'note.txt'), 'two\nlines\n');
    const changelog = changelogOf(`  - changeSet:
      id: 1
      author: t
      changes:
        - insert:
            tableName: doc
            columns:
              - column: {name: id, valueNumeric: 1}
              - column: {name: body, valueClobFile: note.txt}
              - column: {name: at, valueComputed: now()}
`);
    const [statement] = forwardStatements(changelog.changesets[0], changesetSqlContext(changelog, 'public'));
    expect({ sql: statement.sql, params: statement.params }).toEqual({ sql: 'INSERT INTO public.doc(id, body, at) VALUES($1, $2, now())', params: ['1', 'two\nlines\n'] });
  });

  it('update sets the columns by prepared statement and keeps its where clause', () => {
    writeFileSync(join(dir, 'blob.bin'), Buffer.from([0, 1, 2]));
    const changelog = changelogOf(`  - changeSet:
      id: 1
      author: t
      changes:
        - update:
            tableName: doc
            columns:
              - column: {name: data, valueBlobFile: blob.bin}
            where: id = 1
`);
    const [statement] = forwardStatements(changelog.changesets[0], changesetSqlContext(changelog, 'public'));
    expect({ sql: statement.sql, params: statement.params }).toEqual({ sql: 'UPDATE public.doc SET data = $1 WHERE id = 1', params: [Buffer.from([0, 1, 2])] });
  });

  it('a missing LOB file stops the update before anything runs', () => {
    const changelog = changelogOf(`  - changeSet:
      id: 1
      author: t
      changes:
        - insert: {tableName: doc, columns: [{column: {name: body, valueClobFile: nowhere.txt}}]}
`);
    expect(() => forwardStatements(changelog.changesets[0], changesetSqlContext(changelog, 'public'))).toThrowError(/CLOB resource not found: .*nowhere\.txt/);
  });
});

describe('executeCommand runs its program when the changeset runs', () => {
  const run = async (change: string) => {
    const changelog = changelogOf(`  - changeSet:\n      id: 1\n      author: t\n      changes:\n        - executeCommand: ${change}\n`);
    const [statement] = forwardStatements(changelog.changesets[0], changesetSqlContext(changelog, 'public'));
    return statement.atRunTime!({ query: async () => ({ rows: [], rowCount: 0 }) } as never);
  };
  it('a program that exits 0 runs nothing in the database', async () => {
    await expect(run('{executable: "true", timeout: 10s}')).resolves.toEqual([]);
  });
  it('a program that exits otherwise fails the changeset with its exit code', async () => {
    await expect(run('{executable: sh, args: [{arg: {value: "-c"}}, {arg: {value: "exit 3"}}]}')).rejects.toThrowError('Error executing command: sh -c exit 3 returned a code of 3');
  });
  it('a program for another operating system is not run', async () => {
    await expect(run('{executable: "false", os: "Windows 10, Mac OS X"}')).resolves.toEqual([]);
  });
  it('a timeout Liquibase cannot read fails before anything runs', async () => {
    await expect(run('{executable: "true", timeout: 10 minutes}')).rejects.toThrowError('Invalid value specified for timeout: 10 minutes');
  });
});

describe('SQL files run with every CR deleted, as Liquibase runs them, with ranges on the file as written', () => {
  const sqlFileChangelog = (name: string, text: string, split = true) => {
    writeFileSync(join(dir, name), text);
    return changelogOf(`  - changeSet:\n      id: 1\n      author: t\n      changes:\n        - sqlFile: {path: ${name}, relativeToChangelogFile: true, splitStatements: ${split}}\n`);
  };

  it('a CRLF file runs without its CRs and each statement keeps its line', () => {
    const changelog = sqlFileChangelog('crlf.sql', "CREATE TABLE a (id int);\r\nINSERT INTO a VALUES (1), (\r\n2);\r\n");
    const statements = forwardStatements(changelog.changesets[0], changesetSqlContext(changelog, 'public'));
    expect(statements.map((s) => [s.sql, s.range.start.line, s.range.end.line])).toEqual([
      ['CREATE TABLE a (id int)', 0, 0],
      ['INSERT INTO a VALUES (1), (\n2)', 1, 2],
    ]);
  });

  it('a CR-only file is one line: a leading comment swallows it all', () => {
    const changelog = sqlFileChangelog('cr-only.sql', '-- note\rCREATE TABLE b (id int);\r');
    const statements = forwardStatements(changelog.changesets[0], changesetSqlContext(changelog, 'public'));
    expect(statements.map((s) => s.sql.includes('\r'))).not.toContain(true);
    expect(statements.map((s) => s.sql)).toEqual(['-- noteCREATE TABLE b (id int);']);
  });
});
