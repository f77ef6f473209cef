// dist/server.js runs the language server from V8's code cache of it: written in the cache folder when a server
// exits, taken by the next one.
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProject } from './helpers';
import { LspClient } from './lsp-client';

let dir: string;
beforeAll(() => {
  dir = makeProject({ 'db/changelog.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: "1"\n      author: a\n      changes:\n        - sql: SELEC 1\n' });
});
afterAll(() => removeProject(dir));

/** a session as VS Code has it: initialize, a changelog opened and checked, shutdown and exit */
async function session(cacheDir: string): Promise<void> {
  const client = new LspClient([], { ...process.env, PGCS_CACHE_DIR: cacheDir });
  const exited = once(client.process, 'exit');
  await client.initialize(dir);
  const file = path.join(dir, 'db/changelog.yaml');
  client.open(file, fs.readFileSync(file, 'utf8'));
  const diagnostics = await client.waitForDiagnostics(file, (d) => d.length > 0);
  expect(diagnostics.map((d) => d.message).join()).toContain('Syntax error');
  await client.connection.sendRequest('shutdown');
  await client.connection.sendNotification('exit');
  await exited;
  client.connection.dispose();
}

describe('the language server launcher', () => {
  it('leaves a code cache when the server exits, and the next server starts from it', async () => {
    const cacheDir = path.join(dir, '.cache');
    await session(cacheDir);
    const caches = fs.readdirSync(cacheDir).filter((name) => /^code-cache-.*-server\.bin$/.test(name));
    expect(caches).toHaveLength(1);
    const written = fs.readFileSync(path.join(cacheDir, caches[0]));
    await session(cacheDir);
    // V8 took it: a refused cache would have been written anew
    expect(fs.readFileSync(path.join(cacheDir, caches[0])).equals(written)).toBe(true);
  });
});
