// The safety rules through the real language server: diagnostics with their docs link, hover with the rule's
// docs, quick fixes as code actions, pgcs.config.json and the VS Code settings that override it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProject, startServer, textAt, uriOf } from './helpers';
import type { LspClient } from './lsp-client';

const CHANGELOG = `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int PRIMARY KEY, name text)
      rollback:
        - sql: DROP TABLE users
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: CREATE INDEX users_name_idx ON users (name)
      rollback:
        - sql: DROP INDEX users_name_idx
`;

describe('safety rules in the editor', () => {
  let dir: string;
  let client: LspClient;
  let file: string;

  beforeAll(async () => {
    dir = makeProject({ 'changelog.yaml': CHANGELOG, 'pgcs.config.json': '{ "rules": { "missing-lock-timeout": "off" } }' });
    file = path.join(dir, 'changelog.yaml');
    ({ client } = await startServer(dir, { rules: { 'index-without-concurrently': 'warning' } }));
    client.open(file, CHANGELOG);
  });
  afterAll(async () => {
    await client?.shutdown();
    removeProject(dir);
  });

  it('flags CREATE INDEX on a table an earlier changeset created, with the severity from the settings and a link to the docs', async () => {
    const diagnostics = await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'index-without-concurrently'));
    const finding = diagnostics.find((x) => x.code === 'index-without-concurrently')!;
    expect(textAt(CHANGELOG, finding.range)).toBe('CREATE INDEX users_name_idx ON users (name)');
    expect(finding.severity).toBe(2);
    expect(finding.codeDescription?.href).toMatch(/docs\/rules\/index-without-concurrently\.md$/);
    expect(fs.existsSync(new URL(finding.codeDescription!.href).pathname)).toBe(true);
    // turned off in pgcs.config.json
    expect(diagnostics.some((x) => x.code === 'missing-lock-timeout')).toBe(false);
  });

  it("shows the rule's docs on hover over the finding", async () => {
    const hover = await client.request<any>('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: { line: 12, character: 20 } });
    expect(hover.contents.value).toContain('**index-without-concurrently**');
    expect(hover.contents.value).toContain('**Instead:**');
  });

  it('offers the quick fix, and the fixed text is silent', async () => {
    const diagnostics = client.diagnostics.get(uriOf(file))!;
    const finding = diagnostics.find((x) => x.code === 'index-without-concurrently')!;
    const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri: uriOf(file) }, range: finding.range, context: { diagnostics: [finding] } });
    const fix = actions.find((a) => /CONCURRENTLY/.test(a.title));
    expect(fix, actions.map((a) => a.title).join(', ')).toBeDefined();
    expect(fix.kind).toBe('quickfix');
    const edits = fix.edit.changes[uriOf(file)] as { range: any; newText: string }[];
    const fixed = applyEdits(CHANGELOG, edits);
    expect(fixed).toContain('CREATE INDEX CONCURRENTLY users_name_idx ON users (name)');
    expect(fixed).toContain('runInTransaction: false');
    client.change(file, fixed);
    const after = await client.waitForDiagnostics(file, (d) => !d.some((x) => x.code === 'index-without-concurrently'));
    expect(after.filter((d) => d.severity === 1 || d.severity === 2).map((d) => d.code)).toEqual([]);
  });
});

function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) => starts[p.line] + p.character;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

describe('safety rules after an edit of a sqlFile', () => {
  const changelog = `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int PRIMARY KEY); GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_user
      rollback:
        - sql: DROP TABLE users
  - changeSet:
      id: 2
      author: a
      changes:
        - sqlFile:
            path: orders.sql
            relativeToChangelogFile: true
      rollback:
        - sql: DROP TABLE IF EXISTS orders
`;
  let dir: string;
  let client: LspClient;

  beforeAll(async () => {
    dir = makeProject({ 'changelog.yaml': changelog, 'orders.sql': 'SELECT 1;\n' });
    ({ client } = await startServer(dir, {}, { safetyRules: true }));
    client.open(path.join(dir, 'changelog.yaml'), changelog);
  });
  afterAll(async () => {
    await client?.shutdown();
    removeProject(dir);
  });

  it('flags a table the edited .sql file now creates without the grant (the changeset is kept, its SQL is new)', async () => {
    const sqlFile = path.join(dir, 'orders.sql');
    // the changeset is linted once with the old SQL (the .sql file's first, empty, diagnostics), so its statements are cached
    await client.waitForDiagnostics(sqlFile, (d) => !d.some((x) => x.code === 'missing-grant'));
    client.open(sqlFile, 'SELECT 1;\n');
    const text = 'CREATE TABLE orders (id int PRIMARY KEY);\n';
    client.change(sqlFile, text);
    const diagnostics = await client.waitForDiagnostics(sqlFile, (d) => d.some((x) => x.code === 'missing-grant'));
    const finding = diagnostics.find((x) => x.code === 'missing-grant')!;
    expect(textAt(text, finding.range)).toBe('CREATE TABLE orders (id int PRIMARY KEY)');
    expect(finding.message).toContain('app_user');
  });
});
