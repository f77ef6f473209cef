// Outline, workspace symbols, document links and hover, for YAML and formatted SQL changelogs.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LspRange, makeProject, range, removeProject, startServer, textAt, uriOf } from './helpers';
import type { LspClient } from './lsp-client';

const changelog = [
  'databaseChangeLog:', //                                          0
  '  - changeSet:',
  '      id: 001-create-customers',
  '      author: alice',
  '      context: dev',
  '      comment: The customers table', //                          5
  '      changes:',
  '        - sqlFile:',
  '            path: sql/001_customers.sql',
  '            relativeToChangelogFile: true',
  '      rollback:', //                                             10
  '        - sql: DROP TABLE customers;',
  '',
  '  - changeSet:',
  '      id: 002-seed',
  '      author: bob', //                                           15
  '      runOnChange: true',
  '      changes:',
  '        - sql:',
  '            sql: |',
  '              INSERT INTO customers (id) VALUES (1);', //        20
  '              INSERT INTO customers (id) VALUES (2);',
  '        - createIndex:',
  '            tableName: customers',
  '            indexName: customers_id_idx',
  '            columns:', //                                      25
  '              - column:',
  '                  name: id',
  '',
  '  - include:',
  '      file: more/orders.sql', //                                30
  '      relativeToChangelogFile: true',
  '',
].join('\n');

const customersSql = 'CREATE TABLE customers (id int PRIMARY KEY);\nCOMMENT ON TABLE customers IS \'who buys\';\n';

const orders = [
  '--liquibase formatted sql', //                                  0
  '',
  '--changeset carol:003-orders context:test',
  'CREATE TABLE orders (id int PRIMARY KEY, customer_id int);',
  'CREATE INDEX orders_customer_idx ON orders (customer_id);',
  '--rollback DROP TABLE orders;', //                              5
  '',
  '--changeset carol:004-view',
  'CREATE VIEW big_orders AS SELECT * FROM orders;',
  '',
].join('\n');

const files: Record<string, string> = {
  'db/changelog.yaml': changelog,
  'db/sql/001_customers.sql': customersSql,
  'db/more/orders.sql': orders,
};

let dir: string;
let client: LspClient;
const file = (name: string) => path.join(dir, name);
const doc = (name: string) => ({ textDocument: { uri: uriOf(file(name)) } });

beforeAll(async () => {
  dir = makeProject(files);
  ({ client } = await startServer(dir));
  expect(await client.waitForDiagnostics(file('db/changelog.yaml'))).toEqual([]);
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

describe('document symbols', () => {
  it('outlines a YAML changelog as its changesets, each with its changes and their ranges', async () => {
    const symbols = await client.request('textDocument/documentSymbol', doc('db/changelog.yaml'));
    expect(symbols).toEqual([
      {
        name: '001-create-customers · alice',
        detail: 'sqlFile',
        kind: 2, // Module
        range: range(1, 4, 11, 36),
        selectionRange: range(1, 4, 1, 13),
        children: [
          { name: 'sqlFile', detail: 'sql/001_customers.sql', kind: 6 /* Method */, range: range(7, 10, 9, 41), selectionRange: range(7, 10, 7, 17) },
        ],
      },
      {
        name: '002-seed · bob',
        detail: 'sql, createIndex',
        kind: 2,
        range: range(13, 4, 27, 26),
        selectionRange: range(13, 4, 13, 13),
        children: [
          { name: 'sql', detail: 'INSERT INTO customers (id) VALUES (1);', kind: 6, range: range(18, 10, 21, 52), selectionRange: range(18, 10, 18, 13) },
          { name: 'createIndex', detail: 'customers', kind: 6, range: range(22, 10, 27, 26), selectionRange: range(22, 10, 22, 21) },
        ],
      },
    ]);
    expect(textAt(changelog, symbols[0].selectionRange)).toBe('changeSet');
    expect(textAt(changelog, symbols[1].children[1].selectionRange)).toBe('createIndex');
  });

  it('outlines a formatted SQL changelog as its --changeset blocks', async () => {
    const symbols = await client.request('textDocument/documentSymbol', doc('db/more/orders.sql'));
    expect(symbols).toEqual([
      {
        name: '003-orders · carol',
        detail: 'sql',
        kind: 2,
        range: range(2, 0, 5, 29),
        selectionRange: range(2, 0, 2, 41),
        // the change has no name of its own: its selection is the start of its SQL, inside its range
        children: [{ name: 'sql', detail: 'CREATE TABLE orders (id int PRIMARY KEY, customer_id int);', kind: 6, range: range(3, 0, 4, 57), selectionRange: range(3, 0, 3, 0) }],
      },
      {
        name: '004-view · carol',
        detail: 'sql',
        kind: 2,
        range: range(7, 0, 8, 47),
        selectionRange: range(7, 0, 7, 26),
        children: [{ name: 'sql', detail: 'CREATE VIEW big_orders AS SELECT * FROM orders;', kind: 6, range: range(8, 0, 8, 47), selectionRange: range(8, 0, 8, 0) }],
      },
    ]);
  });

  it('keeps every selectionRange inside its range, as VS Code requires of an outline', async () => {
    const before = (a: LspRange['start'], b: LspRange['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
    const check = (symbols: any[]): number =>
      symbols.reduce((n, s) => {
        expect(before(s.range.start, s.selectionRange.start) && before(s.selectionRange.end, s.range.end), `${s.name}: ${JSON.stringify(s)}`).toBe(true);
        return n + 1 + check(s.children ?? []);
      }, 0);
    expect(check(await client.request('textDocument/documentSymbol', doc('db/changelog.yaml')))).toBe(5);
    expect(check(await client.request('textDocument/documentSymbol', doc('db/more/orders.sql')))).toBe(4);
  });

  it('has no outline for a .sql file used by sqlFile', async () => {
    expect(await client.request('textDocument/documentSymbol', doc('db/sql/001_customers.sql'))).toEqual([]);
  });
});

describe('workspace symbols', () => {
  const names = async (query: string) => (await client.request<any[]>('workspace/symbol', { query })).map((s) => s.name);

  it('lists every changeset of the workspace, with its file, header range and logical path, for an empty query', async () => {
    const symbols = await client.request('workspace/symbol', { query: '' });
    expect(symbols).toEqual([
      { name: '001-create-customers · alice', kind: 2, location: { uri: uriOf(file('db/changelog.yaml')), range: range(1, 4, 1, 13) }, containerName: 'changelog.yaml' },
      { name: '002-seed · bob', kind: 2, location: { uri: uriOf(file('db/changelog.yaml')), range: range(13, 4, 13, 13) }, containerName: 'changelog.yaml' },
      { name: '003-orders · carol', kind: 2, location: { uri: uriOf(file('db/more/orders.sql')), range: range(2, 0, 2, 41) }, containerName: 'more/orders.sql' },
      { name: '004-view · carol', kind: 2, location: { uri: uriOf(file('db/more/orders.sql')), range: range(7, 0, 7, 26) }, containerName: 'more/orders.sql' },
    ]);
  });

  it("keeps only the changesets whose identity or path holds the query's characters in order, ignoring case", async () => {
    expect(await names('seed')).toEqual(['002-seed · bob']);
    expect(await names('VIEW')).toEqual(['004-view · carol']);
    expect(await names('bob')).toEqual(['002-seed · bob']);
    expect(await names('cstmrs')).toEqual(['001-create-customers · alice']);
    expect(await names('orders.sql')).toEqual(['003-orders · carol', '004-view · carol']);
    expect(await names('zzz')).toEqual([]);
  });
});

describe('document links', () => {
  it('links the include and the sqlFile paths of a YAML changelog to the resolved files', async () => {
    const links = await client.request('textDocument/documentLink', doc('db/changelog.yaml'));
    expect(links).toEqual([
      { range: range(30, 12, 30, 27), target: uriOf(file('db/more/orders.sql')), tooltip: file('db/more/orders.sql') },
      { range: range(8, 18, 8, 39), target: uriOf(file('db/sql/001_customers.sql')), tooltip: file('db/sql/001_customers.sql') },
    ]);
    expect(textAt(changelog, links[0].range)).toBe('more/orders.sql');
    expect(textAt(changelog, links[1].range)).toBe('sql/001_customers.sql');
  });

  it('has no links in a formatted SQL changelog without includes', async () => {
    expect(await client.request('textDocument/documentLink', doc('db/more/orders.sql'))).toEqual([]);
  });
});

describe('hover', () => {
  const hover = (name: string, line: number, character: number) =>
    client.request('textDocument/hover', { ...doc(name), position: { line, character } });

  it('describes a YAML changeset on its changeSet key: identity, attributes, statements and rollback', async () => {
    expect(await hover('db/changelog.yaml', 1, 8)).toEqual({
      contents: {
        kind: 'markdown',
        value: [
          '**Changeset** `changelog.yaml::001-create-customers::alice`',
          '- context: `dev`',
          '> The customers table',
          '1 change (sqlFile), 2 SQL statements',
          'Rollback: yes (sql)',
        ].join('\n\n'),
      },
      range: range(1, 4, 1, 13),
    });
  });

  it('describes the same changeset on its id and on its author, with their ranges', async () => {
    const onId = await hover('db/changelog.yaml', 2, 12);
    const onAuthor = await hover('db/changelog.yaml', 3, 14);
    expect(onId.range).toEqual(range(2, 10, 2, 30));
    expect(onAuthor.range).toEqual(range(3, 14, 3, 19));
    expect(onId.contents.value).toMatch(/^\*\*Changeset\*\* `changelog\.yaml::001-create-customers::alice`/);
    expect(onAuthor.contents).toEqual(onId.contents);
  });

  it('says when a changeset has no rollback, and counts the statements of all its changes', async () => {
    const h = await hover('db/changelog.yaml', 13, 4);
    expect(h.contents.value).toBe(
      [
        '**Changeset** `changelog.yaml::002-seed::bob`',
        '- runOnChange: `true`',
        '2 changes (sql, createIndex), 2 SQL statements',
        'Rollback: none written (only built-in changes with an automatic inverse can be rolled back)',
      ].join('\n\n'),
    );
  });

  it('describes a formatted SQL changeset on its --changeset line', async () => {
    expect(await hover('db/more/orders.sql', 2, 20)).toEqual({
      contents: {
        kind: 'markdown',
        value: [
          '**Changeset** `more/orders.sql::003-orders::carol`',
          '- context: `test`',
          '1 change (sql), 2 SQL statements',
          'Rollback: yes (sql)',
        ].join('\n\n'),
      },
      range: range(2, 0, 2, 41),
    });
  });

  it('answers null away from changeset headers', async () => {
    expect(await hover('db/changelog.yaml', 0, 3)).toBeNull();
    expect(await hover('db/changelog.yaml', 8, 25)).toBeNull();
    expect(await hover('db/changelog.yaml', 12, 0)).toBeNull();
    expect(await hover('db/changelog.yaml', 30, 14)).toBeNull();
    expect(await hover('db/more/orders.sql', 3, 5)).toBeNull();
    expect(await hover('db/sql/001_customers.sql', 0, 3)).toBeNull();
  });
});

describe('includeAll', () => {
  const rootText = 'databaseChangeLog:\n  - includeAll:\n      path: all/\n      relativeToChangelogFile: true\n';
  let folder: string;
  let server: LspClient;

  beforeAll(async () => {
    folder = makeProject({
      'changelog.yaml': rootText,
      'all/001-table.sql': 'CREATE TABLE t (id int);\n',
      'all/002-more.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: m1\n      author: dora\n      changes:\n        - sql: SELECT 1\n',
    });
    ({ client: server } = await startServer(folder));
  });

  afterAll(async () => {
    await server?.shutdown();
    if (folder) removeProject(folder);
  });

  it('links the includeAll path to its folder', async () => {
    const links = await server.request('textDocument/documentLink', { textDocument: { uri: uriOf(path.join(folder, 'changelog.yaml')) } });
    expect(links).toEqual([{ range: range(2, 12, 2, 16), target: uriOf(path.join(folder, 'all')), tooltip: path.join(folder, 'all') }]);
    expect(textAt(rootText, links[0].range)).toBe('all/');
  });

  it('outlines a plain .sql file it includes as the one raw changeset Liquibase makes of it', async () => {
    const symbols = await server.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(path.join(folder, 'all/001-table.sql')) } });
    expect(symbols).toEqual([
      {
        name: 'raw · includeAll',
        detail: 'sql',
        kind: 2,
        range: range(0, 0, 1, 0),
        selectionRange: range(0, 0, 0, 24),
        children: [{ name: 'sql', detail: 'CREATE TABLE t (id int);', kind: 6, range: range(0, 0, 1, 0), selectionRange: range(0, 0, 1, 0) }],
      },
    ]);
  });

  it('lists the changesets of the included files in Liquibase order, with their logical paths', async () => {
    const symbols = await server.request<any[]>('workspace/symbol', { query: '' });
    expect(symbols.map((s) => [s.name, s.containerName])).toEqual([
      ['raw · includeAll', 'all/001-table.sql'],
      ['m1 · dora', 'all/002-more.yaml'],
    ]);
  });
});
