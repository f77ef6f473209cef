// What the server promises at initialize, and the files it leaves alone: YAML that is not a Liquibase changelog
// and SQL that no changelog uses.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brief, makeProject, range, removeProject, Severity, startServer, uriOf } from './helpers';
import type { LspClient } from './lsp-client';

const workflow = [
  'name: CI',
  'on: [push, pull_request]',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - run: npm ci && npm test',
  '      - changeSet: not a liquibase key here',
  '',
].join('\n');

const compose = 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: secret\n  bad: [unclosed\n';
const adhocSql = 'SELEC * FROM customers;\nCREATE TABEL x (id int);\n';
const changelog = 'databaseChangeLog:\n  - changeSet:\n      id: "1"\n      author: alice\n      changes:\n        - sql: SELECT 1\n';

const files: Record<string, string> = {
  '.github/workflows/ci.yml': workflow,
  'docker-compose.yml': compose,
  'scripts/adhoc.sql': adhocSql,
  'db/changelog.yaml': changelog,
};

let dir: string;
let client: LspClient;
let initializeResult: any;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  // a folder name that URIs must escape
  dir = makeProject(files, 'pgcs lsp é#1 ');
  ({ client, initializeResult } = await startServer(dir));
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

describe('initialize', () => {
  it('advertises incremental sync, symbols, links, hover, completion, quick fixes and CodeLens', () => {
    expect(initializeResult).toEqual({
      capabilities: {
        textDocumentSync: 2, // TextDocumentSyncKind.Incremental
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.'] },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'pg-changesets', version: '0.1.0' },
    });
  });

  it('answers every advertised request for a changelog', async () => {
    const textDocument = { uri: uriOf(file('db/changelog.yaml')) };
    expect(await client.request('textDocument/documentSymbol', { textDocument })).toHaveLength(1);
    expect(await client.request('workspace/symbol', { query: '' })).toHaveLength(1);
    expect(await client.request('textDocument/documentLink', { textDocument })).toEqual([]);
    expect(await client.request('textDocument/hover', { textDocument, position: { line: 1, character: 6 } })).not.toBeNull();
  });
});

describe('files that are not changelogs', () => {
  it('publishes nothing for a GitHub workflow, a compose file or an unreferenced .sql file, even open', async () => {
    // the changelog's diagnostics are the sign that a discovery and an analysis happened
    expect(await client.waitForDiagnostics(file('db/changelog.yaml'))).toEqual([]);
    client.open(file('.github/workflows/ci.yml'), workflow);
    client.open(file('docker-compose.yml'), compose);
    client.open(file('scripts/adhoc.sql'), adhocSql, 'sql');
    // an edit after the opens: once its diagnostics arrive, the opens before it have been analysed too
    client.open(file('db/changelog.yaml'), changelog);
    client.edit(file('db/changelog.yaml'), range(5, 15, 5, 21), 'SELEC');
    const d = await client.waitForDiagnostics(file('db/changelog.yaml'), (x) => x.length > 0);
    expect(d.map(brief)).toEqual([
      { range: range(5, 15, 5, 20), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "SELEC"' },
    ]);
    expect([...client.diagnostics.keys()].sort()).toEqual([uriOf(file('db/changelog.yaml'))]);
  });

  it('answers no symbols, links or hover for them', async () => {
    for (const name of ['.github/workflows/ci.yml', 'docker-compose.yml', 'scripts/adhoc.sql']) {
      const textDocument = { uri: uriOf(file(name)) };
      expect(await client.request('textDocument/documentSymbol', { textDocument })).toEqual([]);
      expect(await client.request('textDocument/documentLink', { textDocument })).toEqual([]);
      expect(await client.request('textDocument/hover', { textDocument, position: { line: 8, character: 10 } })).toBeNull();
    }
    const names = (await client.request<any[]>('workspace/symbol', { query: '' })).map((s) => s.name);
    expect(names).toEqual(['1 · alice']);
  });
});

describe('initialization options', () => {
  it('substitutes the properties given at initialize, like -D on the command line', async () => {
    const folder = makeProject({
      'changelog.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: "1"\n      author: alice\n      changes:\n        - sql: CREATE TABLE ${schema}.t (id int) ${options}\n',
    });
    const { client: withProperties } = await startServer(folder, { properties: { schema: 'app', options: 'WITH (fillfactor = 70)' } });
    const { client: without } = await startServer(folder);
    try {
      expect(await withProperties.waitForDiagnostics(path.join(folder, 'changelog.yaml'))).toEqual([]);
      const d = await without.waitForDiagnostics(path.join(folder, 'changelog.yaml'), (x) => x.length > 0);
      expect(d.map(brief)).toEqual([
        { range: range(5, 28, 5, 29), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "$"' },
      ]);
    } finally {
      await Promise.all([withProperties.shutdown(), without.shutdown()]);
      removeProject(folder);
    }
  });
});
