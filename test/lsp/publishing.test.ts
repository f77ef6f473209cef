// What the server publishes after edits: one analysis per burst of edits, and a file's diagnostics again only
// when they changed (what they say, or where: the loader moves kept findings along with the lines above them).
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver';
import { brief, CHILD_CHANGELOG, makeProject, range, removeProject, Severity, startServer, uriOf, withCode } from './helpers';
import type { LspClient } from './lsp-client';

const root = [
  'databaseChangeLog:', //                           0
  '  - changeSet:',
  '      id: r1',
  '      author: alice',
  '      runOnChnage: true',
  '      changes:', //                               5
  '        - sql: CREATE TABLE customers (id int)',
  '  - include:',
  '      file: child.yaml',
  '      relativeToChangelogFile: true',
  '',
].join('\n');

const child = CHILD_CHANGELOG;

let dir: string;
let client: LspClient;
/** the uris of every publishDiagnostics since the last reset */
let published: string[] = [];
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = makeProject({ 'db/root.yaml': root, 'db/child.yaml': child });
  ({ client } = await startServer(dir, {}, { safetyRules: true }));
  const set = client.diagnostics.set.bind(client.diagnostics);
  client.diagnostics.set = (uri, diagnostics) => (published.push(uri), set(uri, diagnostics));
  await client.waitForDiagnostics(file('db/root.yaml'), withCode('unknown-key'));
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

/** a request answers after the analysis of every edit sent before it, and after what that analysis published */
const settled = (p: string) => client.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(p) } });

/** the LSP framing of a notification, so that several go to the server in one write */
const frame = (method: string, params: object) => {
  const body = JSON.stringify({ jsonrpc: '2.0', method, params });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

describe('publishing diagnostics after edits', () => {
  it('publishes only the edited file when the other files keep their diagnostics', async () => {
    const childPath = file('db/child.yaml');
    client.open(childPath, child);
    await settled(childPath);
    published = [];
    client.edit(childPath, range(5, 36, 5, 36), ','); // CREATE TABLE orders (id int,)
    await settled(childPath);
    expect(published).toEqual([uriOf(childPath)]);
    client.close(childPath);
    await settled(file('db/root.yaml'));
  });

  it('publishes nothing for an edit that changes no diagnostic', async () => {
    const rootPath = file('db/root.yaml');
    client.open(rootPath, root);
    await settled(rootPath);
    published = [];
    client.edit(rootPath, range(9, 36, 9, 36), ' # next to it'); // relativeToChangelogFile: true # next to it
    await settled(rootPath);
    expect(published).toEqual([]);
    client.close(rootPath);
    await settled(rootPath);
  });

  it('publishes the findings again where they moved when lines are added above them', async () => {
    const rootPath = file('db/root.yaml');
    client.open(rootPath, root);
    const before = await client.waitForDiagnostics(rootPath, withCode('unknown-key'));
    expect(before.find((d) => d.code === 'unknown-key')!.range).toEqual(range(4, 6, 4, 17));
    client.edit(rootPath, range(1, 0, 1, 0), '  # customers first\n');
    const after = await client.waitForDiagnostics(rootPath, (d) => d.some((x) => x.code === 'unknown-key' && x.range.start.line === 5));
    expect(after.map(brief).map((d) => d.range.start.line).sort()).toEqual(before.map(brief).map((d) => d.range.start.line + 1).sort());
    client.close(rootPath);
    await settled(rootPath);
  });

  it('writes every field of each diagnostic, non-ASCII text too, and only the range anew when lines are added above', async () => {
    const unicodePath = file('db/änderungen.yaml');
    // big enough to be read entry by entry: the entries after the edit keep their findings, moved in place
    const filler = Array.from({ length: 500 }, (_, i) => `  - changeSet:\n      id: f${i}\n      author: zoë\n      changes:\n        - sql: SELECT ${i}\n      rollback: SELECT ${i}\n`).join('');
    const text = [
      `databaseChangeLog:\n${filler}  - changeSet:`,
      '      id: ü1',
      '      author: zoë',
      '      kommentär: „ja“',
      '      changes:',
      '        - sql: ALTER TABLE customers RENAME COLUMN id TO ident',
      '',
    ].join('\n');
    client.open(unicodePath, text);
    const before = await client.waitForDiagnostics(unicodePath, (d) => d.some((x) => x.code === 'unknown-key') && d.some((x) => x.codeDescription));
    const unknown = before.find((d) => d.code === 'unknown-key')!;
    const line = text.split('\n').findIndex((l) => l.includes('kommentär'));
    expect(unknown).toEqual({ range: range(line, 6, line, 15), severity: Severity.Warning, code: 'unknown-key', source: 'pg-changesets', message: expect.stringContaining("'kommentär'") });
    const rule = before.find((d) => d.codeDescription)!;
    expect(rule.codeDescription!.href).toMatch(new RegExp(`^file:///.*/docs/rules/${rule.code}\\.md$`));
    client.edit(unicodePath, range(1, 0, 1, 0), '  # ändern\n');
    const after = await client.waitForDiagnostics(unicodePath, (d) => d.some((x) => x.code === 'unknown-key' && x.range.start.line === line + 1));
    const moved = (d: Diagnostic) => ({ ...d, range: range(d.range.start.line + 1, d.range.start.character, d.range.end.line + 1, d.range.end.character) });
    expect(after).toEqual(before.map(moved));
    client.close(unicodePath);
    await settled(unicodePath);
  });

  it('writes a message from the bytes of the last one only where they still hold: diagnostics gone, added, changed and moved', async () => {
    const editedPath = file('db/runs.yaml');
    // big enough to be read entry by entry (kept entries keep their finding objects, so their diagnostics' bytes)
    const entry = (i: number, key = `kommentar${i}`) => `  - changeSet:\n      id: k${i}\n      author: zoë\n      ${key}: x\n      changes:\n        - sql: SELECT ${i}\n`;
    const filler = Array.from({ length: 400 }, (_, i) => `  - changeSet:\n      id: f${i}\n      author: ann\n      changes:\n        - sql: SELECT ${i}\n`).join('');
    const changelog = (entries: string[], top = '') => `databaseChangeLog:\n${top}${entries.join('')}${filler}`;
    const all = Array.from({ length: 30 }, (_, i) => entry(i));
    const texts = [
      changelog(all),
      changelog([entry(0, 'comment'), ...all.slice(1)]), // the first one gone (a known key: nothing moves)
      changelog(all), // and back, before the ones kept
      changelog(all.map((e, i) => (i === 15 ? entry(15, 'andere') : e))), // one in the middle says something else
      changelog([...all.slice(0, 10), ...all.slice(13)]), // three gone from the middle
      changelog(all, '  # moved down\n'), // every one moved
      changelog([...all.slice(0, 29), entry(29, 'letzte')]), // the last one changed
      changelog(all),
    ];
    const whole = (text: string) => range(0, 0, text.split('\n').length, 0);
    const uri = client.open(editedPath, texts[0]);
    await settled(editedPath);
    for (let k = 1; k < texts.length; k++) {
      client.edit(editedPath, whole(texts[k - 1]), texts[k]);
      await settled(editedPath);
      // the oracle: the same text in a file of its own, published for the first time
      const oraclePath = file(`db/runs-oracle-${k}.yaml`);
      const oracleUri = client.open(oraclePath, texts[k]);
      await settled(oraclePath);
      const expected = client.diagnostics.get(oracleUri)!;
      expect(expected.filter((d) => d.code === 'unknown-key').length).toBeGreaterThan(25);
      expect(client.diagnostics.get(uri), `after edit ${k}`).toEqual(expected);
      client.close(oraclePath);
      await settled(oraclePath);
    }
    client.close(editedPath);
    await settled(editedPath);
  });

  it('analyses a burst of edits once', async () => {
    const rootPath = file('db/root.yaml');
    const uri = client.open(rootPath, root);
    await settled(rootPath);
    published = [];
    // each edit alone would change the unknown key's message: runOnChnageA, runOnChnageAB, …
    const letters = 'ABCDEFGHIJ';
    const burst = [...letters].map((letter, i) =>
      frame('textDocument/didChange', { textDocument: { uri, version: 2 + i }, contentChanges: [{ range: range(4, 17 + i, 4, 17 + i), text: letter }] }),
    );
    client.process.stdin!.write(burst.join(''));
    await settled(rootPath);
    expect(published).toEqual([uri]);
    expect(client.diagnostics.get(uri)!.find((d) => d.code === 'unknown-key')!.message).toContain(`runOnChnage${letters}`);
    client.close(rootPath);
  });
});
