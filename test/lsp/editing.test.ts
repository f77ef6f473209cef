// Diagnostics follow the editor: incremental edits, closing a document, and edits in an included file.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brief, CHILD_CHANGELOG, makeProject, range, removeProject, Severity, startServer, uriOf, withCode, withoutCode, writeFiles } from './helpers';
import type { LspClient } from './lsp-client';

const root = [
  'databaseChangeLog:', //                           0
  '  - changeSet:',
  '      id: r1',
  '      author: alice',
  '      runOnChnage: true',
  '      changes:', //                               5
  '        - createTable:',
  '            tableName: customers',
  '            columns:',
  '              - column:',
  '                  name: id', //                  10
  '                  type: int',
  '  - include:',
  '      file: child.yaml',
  '      relativeToChangelogFile: true',
  '',
].join('\n');

const child = CHILD_CHANGELOG;

const typo = {
  range: range(4, 6, 4, 17),
  severity: Severity.Warning,
  code: 'unknown-key',
  message: "Unknown changeSet attribute 'runOnChnage'; Liquibase ignores it. Did you mean 'runOnChange'?",
};

let dir: string;
let client: LspClient;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = makeProject({ 'db/root.yaml': root, 'db/child.yaml': child });
  ({ client } = await startServer(dir));
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

describe('editing an open changelog', () => {
  it('clears the diagnostic when an incremental edit fixes the typo', async () => {
    const rootPath = file('db/root.yaml');
    expect((await client.waitForDiagnostics(rootPath, withCode('unknown-key'))).map(brief)).toEqual([typo]);
    client.open(rootPath, root);
    client.edit(rootPath, range(4, 11, 4, 17), 'Change'); // runOnChnage → runOnChange
    expect(await client.waitForDiagnostics(rootPath, (d) => d.length === 0)).toEqual([]);
  });

  it('adds a diagnostic when an incremental edit introduces an error', async () => {
    const rootPath = file('db/root.yaml');
    client.edit(rootPath, range(6, 19, 6, 21), 'el'); // createTable → createTabel
    const d = await client.waitForDiagnostics(rootPath, withCode('unknown-change-type'));
    expect(d.map(brief)).toEqual([
      { range: range(6, 10, 6, 21), severity: Severity.Error, code: 'unknown-change-type', message: "Unknown change type 'createTabel'. Did you mean 'createTable'?" },
    ]);
  });

  it('applies several changes of one didChange in order', async () => {
    const rootPath = file('db/root.yaml');
    const uri = uriOf(rootPath);
    // undo the change-type typo, then break the id line: both edits in one notification, positions after the first
    client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 100 },
      contentChanges: [
        { range: range(6, 19, 6, 21), text: 'le' },
        { range: range(2, 6, 2, 12), text: 'ident: r1' },
      ],
    });
    const d = await client.waitForDiagnostics(rootPath, withCode('missing-id'));
    expect(d.map(brief)).toEqual([
      { range: range(1, 4, 1, 13), severity: Severity.Error, code: 'missing-id', message: 'This changeSet has no `id`; Liquibase requires one.' },
      { range: range(2, 6, 2, 11), severity: Severity.Warning, code: 'unknown-key', message: "Unknown changeSet attribute 'ident'; Liquibase ignores it." },
    ]);
  });

  it('reverts to the state on disk when the document is closed', async () => {
    const rootPath = file('db/root.yaml');
    client.close(rootPath);
    expect((await client.waitForDiagnostics(rootPath, withoutCode('missing-id'))).map(brief)).toEqual([typo]);
  });

  it('answers document symbols from the text just sent, not the previous one', async () => {
    const childPath = file('db/child.yaml');
    client.open(childPath, child);
    client.edit(childPath, range(2, 10, 2, 12), 'c1-renamed');
    const symbols = await client.request<any[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(childPath) } });
    expect(symbols.map((s) => s.name)).toEqual(['c1-renamed · bob']);
    client.close(childPath);
  });
});

describe('editing an included changelog', () => {
  it('updates the diagnostics of the included file and leaves the including one alone', async () => {
    const childPath = file('db/child.yaml');
    const rootPath = file('db/root.yaml');
    expect(await client.waitForDiagnostics(childPath, (d) => d.length === 0)).toEqual([]);
    client.open(childPath, child);
    client.edit(childPath, range(5, 42, 5, 42), ','); // CREATE TABLE orders (id int,)
    const d = await client.waitForDiagnostics(childPath, (x) => x.length > 0);
    expect(d.map(brief)).toEqual([
      { range: range(5, 43, 5, 44), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near ")"' },
    ]);
    expect(client.diagnostics.get(uriOf(rootPath))!.map(brief)).toEqual([typo]);
    client.close(childPath);
    expect(await client.waitForDiagnostics(childPath, (x) => x.length === 0)).toEqual([]);
  });

  it('reports a duplicate across files when the include tree changes to include the same file twice', async () => {
    const rootPath = file('db/root.yaml');
    client.open(rootPath, root);
    const end = root.split('\n').length - 1;
    client.edit(rootPath, range(end, 0, end, 0), '  - include:\n      file: ./child.yaml\n      relativeToChangelogFile: true\n');
    const d = await client.waitForDiagnostics(file('db/child.yaml'), withCode('duplicate-changeset'));
    expect(d.map(brief)).toEqual([
      {
        range: range(2, 10, 2, 12),
        severity: Severity.Error,
        code: 'duplicate-changeset',
        message: 'Duplicate changeset identity child.yaml::c1::bob: also defined at child.yaml:2. Liquibase refuses the changelog (validation failed: duplicate identifiers).',
      },
    ]);
    client.close(rootPath);
    expect(await client.waitForDiagnostics(file('db/child.yaml'), (x) => x.length === 0)).toEqual([]);
  });
});

describe('files changed on disk', () => {
  it('re-reads a sqlFile target that changed on disk when the file watcher reports it', async () => {
    writeFiles(dir, {
      'disk/changelog.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: d1\n      author: alice\n      changes:\n        - sqlFile:\n            path: d1.sql\n            relativeToChangelogFile: true\n',
      'disk/d1.sql': 'CREATE TABLE d1 (id int);\n',
    });
    const sqlPath = file('disk/d1.sql');
    client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf(file('disk/changelog.yaml')), type: 1 }, { uri: uriOf(sqlPath), type: 1 }],
    });
    expect(await client.waitForDiagnostics(sqlPath)).toEqual([]);
    writeFiles(dir, { 'disk/d1.sql': 'CREATE TABLE d1 (id int);\nDROP TABLE d1 d2;\n' });
    client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(sqlPath), type: 2 }] });
    const d = await client.waitForDiagnostics(sqlPath, (x) => x.length > 0);
    expect(d.map(brief)).toEqual([
      { range: range(1, 14, 1, 16), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "d2"' },
    ]);
  });
});

describe('a changelog that exists only in the editor', () => {
  it('is analysed while open and forgotten, diagnostics cleared, when closed', async () => {
    const unsaved = file('db/unsaved.yaml');
    client.open(unsaved, 'databaseChangeLog:\n  - changeSet:\n      id: u1\n      changes:\n        - sql: SELECT 1\n');
    const d = await client.waitForDiagnostics(unsaved, (x) => x.length > 0);
    expect(d.map(brief)).toEqual([
      { range: range(1, 4, 1, 13), severity: Severity.Error, code: 'missing-author', message: 'This changeSet has no `author`; Liquibase requires one.' },
    ]);
    client.close(unsaved);
    expect(await client.waitForDiagnostics(unsaved, (x) => x.length === 0, 5000)).toEqual([]);
    const names = (await client.request<any[]>('workspace/symbol', { query: 'u1' })).map((s) => s.name);
    expect(names).toEqual([]);
  });

  it('stays analysed while open when files change on disk and the workspace is searched again', async () => {
    const unsaved = file('db/unsaved-2.yaml');
    client.open(unsaved, 'databaseChangeLog:\n  - changeSet:\n      author: alice\n      changes:\n        - sql: SELECT 1\n');
    const missingId = [{ range: range(1, 4, 1, 13), severity: Severity.Error, code: 'missing-id', message: 'This changeSet has no `id`; Liquibase requires one.' }];
    expect((await client.waitForDiagnostics(unsaved, (x) => x.length > 0)).map(brief)).toEqual(missingId);
    // a new changelog appears on disk; the client's file watcher tells the server
    const created = file('db/created.yaml');
    writeFiles(dir, { 'db/created.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: n1\n      changes:\n        - sql: SELECT 1\n' });
    client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(created), type: 1 }] });
    expect((await client.waitForDiagnostics(created, (x) => x.length > 0)).map((d) => d.code)).toEqual(['missing-author']);
    // a response comes after every notification the server sent before it
    await client.request('workspace/symbol', { query: '' });
    expect(client.diagnostics.get(uriOf(unsaved))!.map(brief)).toEqual(missingId);
    client.close(unsaved);
    expect(await client.waitForDiagnostics(unsaved, (x) => x.length === 0, 5000)).toEqual([]);
  });
});
