// The environment requests (status, preview, run, CodeLens) over real stdio against a real PGlite folder:
// what the VS Code client's commands, tree and CodeLens are drawn from.
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../server/src/engine/connection-url';
import { openDriver } from '../../server/src/engine/driver';
import type { EnvironmentInfo, EnvironmentStatus, Preview, RunOutcome } from '../../server/src/environments/protocol';
import type { LspClient } from './lsp-client';
import { makeProject, removeProject, startServer, uriOf } from './helpers';

const CHANGELOG = `databaseChangeLog:
  - changeSet:
      id: 001-create-customers
      author: alice
      changes:
        - sql:
            sql: CREATE TABLE customers (id bigint PRIMARY KEY, name text); SELECT pg_sleep(0.2)
      rollback: DROP TABLE customers
  - changeSet:
      id: 002-create-orders
      author: bob
      changes:
        - sql:
            sql: CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers)
      rollback: DROP TABLE orders
`;

const FIRST = { file: 'db/changelog.yaml', id: '001-create-customers', author: 'alice' };
const SECOND = { file: 'db/changelog.yaml', id: '002-create-orders', author: 'bob' };

describe('environments over LSP on a PGlite folder', () => {
  let folder: string;
  let client: LspClient;
  let changelog: string;
  const progress: unknown[] = [];
  const passwordAsked: unknown[] = [];
  const statusChanged: string[] = [];

  beforeAll(async () => {
    folder = makeProject({ 'db/changelog.yaml': CHANGELOG });
    changelog = path.join(folder, 'db/changelog.yaml');
    ({ client } = await startServer(folder));
    client.connection.onNotification('$/progress', (p) => void progress.push(p));
    client.connection.onRequest('window/workDoneProgress/create', () => null);
    client.connection.onRequest('workspace/codeLens/refresh', () => null);
    client.connection.onNotification('pgChangesets/statusChanged', (p: { environment: string }) => void statusChanged.push(p.environment));
    client.connection.onRequest('pgChangesets/password', (p) => {
      passwordAsked.push(p);
      return 'not-the-password-s3cret';
    });
    client.connection.sendNotification('pgChangesets/setEnvironments', {
      storageFolder: path.join(folder, '.storage'),
      environments: [
        { name: 'prod', pglite: '.prod-db', readOnly: true },
        { name: 'remote', url: 'postgres://deploy@127.0.0.1:1/app' },
        { name: 'second', pglite: '.second-db' },
      ],
    });
  });

  afterAll(async () => {
    await client?.shutdown();
    if (folder) removeProject(folder);
  });

  async function tables(dir: string): Promise<string[]> {
    // the server closes the folder after each request, so the test can open it in between
    const driver = await openDriver(parseTarget({ url: `pglite:${dir}`, env: {}, cwd: folder }));
    try {
      const { rows } = await driver.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
      return rows.map((r) => r.name);
    } finally {
      await driver.close();
    }
  }

  const status = (environment: string, refresh = false) => client.request<EnvironmentStatus>('pgChangesets/status', { environment, refresh });
  const stateOf = (s: EnvironmentStatus, id: string) => s.changesets.find((c) => c.id === id)?.state;

  it('lists the default local environment in the workspace storage, and the configured ones', async () => {
    const list = await client.request<EnvironmentInfo[]>('pgChangesets/environments', {});
    expect(list.map((e) => e.name)).toEqual(['local', 'prod', 'remote', 'second']);
    expect(list[0]).toMatchObject({ kind: 'pglite', description: `pglite:${path.join(folder, '.storage', 'local')}`, protected: false, readOnly: false });
    expect(list[1]).toMatchObject({ kind: 'pglite', readOnly: true });
    expect(list[2]).toMatchObject({ kind: 'postgresql', description: 'deploy@127.0.0.1:1/app' });
  });

  it('shows every changeset pending on a fresh local database, created on first use', async () => {
    const s = await status('local');
    expect(s.error).toBeUndefined();
    expect(s.changelogs).toEqual([changelog]);
    expect(s.changesets.map((c) => [c.identity, c.state, c.file, c.line])).toEqual([
      ['changelog.yaml::001-create-customers::alice', 'pending', changelog, 1],
      ['changelog.yaml::002-create-orders::bob', 'pending', changelog, 8],
    ]);
  });

  it('previews the exact SQL of one changeset without running it', async () => {
    const preview = await client.request<Preview>('pgChangesets/preview', { environment: 'local', action: 'apply', changeset: FIRST });
    expect(preview.ok).toBe(true);
    expect(preview.changesets).toEqual(['changelog.yaml::001-create-customers::alice']);
    expect(preview.sql).toContain('CREATE TABLE customers (id bigint PRIMARY KEY, name text);');
    expect(preview.sql).toContain('INSERT INTO public.databasechangelog');
    expect(preview.sql).not.toContain('CREATE TABLE orders');
    expect(await tables(path.join(folder, '.storage', 'local'))).toEqual([]);
  });

  it('applies one changeset: the status shows it applied with its row, and the table exists', async () => {
    progress.length = 0;
    const outcome = await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'apply', changeset: FIRST, workDoneToken: 'apply-1' });
    expect(outcome).toMatchObject({ ok: true, changesets: ['changelog.yaml::001-create-customers::alice'] });
    expect(outcome.message).toBe('Applied changelog.yaml::001-create-customers::alice to local.');
    expect(progress.some((p: any) => p.token === 'apply-1' && p.value.kind === 'begin')).toBe(true);
    expect(progress.some((p: any) => p.token === 'apply-1' && p.value.kind === 'end')).toBe(true);
    const s = await status('local');
    const first = s.changesets.find((c) => c.id === FIRST.id)!;
    expect(first).toMatchObject({ state: 'applied', orderExecuted: 1, execType: 'EXECUTED' });
    expect(first.dateExecuted).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(first.deploymentId).toMatch(/^\d{10}$/);
    expect(stateOf(s, SECOND.id)).toBe('pending');
    expect(statusChanged).toContain('local');
    expect(await tables(path.join(folder, '.storage', 'local'))).toEqual(['customers', 'databasechangelog', 'databasechangeloglock']);
  });

  it('puts Apply/Roll back and the per-environment marks above each changeset', async () => {
    const lenses = await client.request<any[]>('textDocument/codeLens', { textDocument: { uri: uriOf(changelog) } });
    const titles = lenses.map((l) => `${l.range.start.line}: ${l.command.title}`);
    expect(titles).toEqual(['1: Roll back from local', '1: local ✓', '8: Apply to local', '8: local ○']);
    expect(lenses[2].command).toMatchObject({ command: 'pgChangesets.applyChangeset', arguments: [{ environment: 'local', changeset: { file: changelog, id: SECOND.id, author: SECOND.author } }] });
  });

  it('rolls the changeset back: pending again and the table is gone', async () => {
    const preview = await client.request<Preview>('pgChangesets/preview', { environment: 'local', action: 'rollback', changeset: FIRST });
    expect(preview.sql).toContain('DROP TABLE customers;');
    expect(preview.sql).toContain('DELETE FROM public.databasechangelog');
    const outcome = await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'rollback', changeset: FIRST });
    expect(outcome).toMatchObject({ ok: true, message: 'Rolled back changelog.yaml::001-create-customers::alice on local.' });
    expect(stateOf(await status('local'), FIRST.id)).toBe('pending');
    expect(await tables(path.join(folder, '.storage', 'local'))).toEqual(['databasechangelog', 'databasechangeloglock']);
  });

  it('updates every pending changeset with progress, tags, and rolls back to the tag', async () => {
    progress.length = 0;
    const outcome = await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'update', workDoneToken: 'update-1' });
    expect(outcome).toMatchObject({ ok: true, message: 'Applied 2 changesets to local.' });
    const reports = progress.filter((p: any) => p.token === 'update-1' && p.value.kind === 'report').map((p: any) => p.value.message);
    expect(reports).toEqual(['1/2: changelog.yaml::001-create-customers::alice', '2/2: changelog.yaml::002-create-orders::bob']);
    expect(await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'rollbackLast' })).toMatchObject({ ok: true, changesets: ['changelog.yaml::002-create-orders::bob'] });
    expect(await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'tag', tag: 'v1' })).toMatchObject({ ok: true, message: "Tagged local as 'v1'." });
    expect((await status('local')).changesets[0].tag).toBe('v1');
    expect(await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'update' })).toMatchObject({ ok: true, changesets: ['changelog.yaml::002-create-orders::bob'] });
    const toTag = await client.request<Preview>('pgChangesets/preview', { environment: 'local', action: 'rollbackToTag', tag: 'v1' });
    expect(toTag.changesets).toEqual(['changelog.yaml::002-create-orders::bob']);
    expect(await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'rollbackToTag', tag: 'v1' })).toMatchObject({ ok: true });
    expect(stateOf(await status('local'), SECOND.id)).toBe('pending');
    expect(await client.request<Preview>('pgChangesets/preview', { environment: 'local', action: 'rollbackToTag', tag: 'nope' })).toMatchObject({
      ok: false, error: "Could not find tag 'nope' in the database. Nothing was rolled back.",
    });
  });

  it('shows an applied changeset edited in the editor as drifted, and a removed one as in the database only', async () => {
    client.open(changelog, CHANGELOG);
    client.change(changelog, CHANGELOG.replace('name text', 'full_name text'));
    expect(stateOf(await status('local'), FIRST.id)).toBe('drifted');
    const drifted = (await status('local')).changesets[0];
    expect(drifted.storedChecksum).toMatch(/^9:/);
    expect(drifted.currentChecksum).not.toBe(drifted.storedChecksum);
    client.change(changelog, `databaseChangeLog:\n${CHANGELOG.split('\n').slice(8).join('\n')}`);
    const s = await status('local');
    expect(s.changesets.map((c) => [c.id, c.state])).toEqual([['002-create-orders', 'pending'], ['001-create-customers', 'in-database-only']]);
    client.change(changelog, CHANGELOG);
    expect(stateOf(await status('local'), FIRST.id)).toBe('applied');
  });

  it('reports a failing changeset as one line with its file and line, and marks it failed', async () => {
    client.change(changelog, CHANGELOG.replace('customer_id bigint REFERENCES customers', 'customer_id bigint REFERENCES nowhere'));
    const outcome = await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'apply', changeset: SECOND });
    expect(outcome.ok).toBe(false);
    // the file as the server's working folder sees it (VS Code starts the server in the workspace folder)
    expect(outcome.message).toMatch(/^\S*db\/changelog\.yaml:14: changeset changelog\.yaml::002-create-orders::bob failed: relation "nowhere" does not exist \(SQLSTATE 42P01\)\. Nothing of it was applied\.$/);
    const failed = (await status('local')).changesets[1];
    expect(failed).toMatchObject({ state: 'failed', error: outcome.message });
    client.change(changelog, CHANGELOG);
  });

  it('refuses changes on a read-only environment, and asks the client for a PostgreSQL password', async () => {
    expect(await client.request<RunOutcome>('pgChangesets/run', { environment: 'prod', action: 'update' })).toEqual({
      ok: false, message: "Environment 'prod' is read-only: nothing was changed.", changesets: [],
    });
    const s = await status('remote');
    expect(passwordAsked).toEqual([{ environment: 'remote', description: 'deploy@127.0.0.1:1/app' }]);
    expect(s.error).toBeDefined();
    expect(s.error).not.toContain('\n');
    expect(s.error).not.toContain('s3cret');
    expect(await client.request<RunOutcome>('pgChangesets/run', { environment: 'nowhere', action: 'update' })).toMatchObject({
      ok: false, message: "No environment named 'nowhere': add it to the pgChangesets.environments setting.",
    });
  });

  it('verifies rollbacks on a scratch database and releases the lock', async () => {
    const verify = await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'verify' });
    expect(verify).toEqual({
      ok: true,
      message: 'All 2 changesets roll back to the schema they started from.',
      changesets: ['changelog.yaml::001-create-customers::alice', 'changelog.yaml::002-create-orders::bob'],
      problems: [],
    });
    expect(await client.request<RunOutcome>('pgChangesets/run', { environment: 'local', action: 'releaseLock' })).toEqual({
      ok: true, message: 'Released the change log lock of local.', changesets: [],
    });
  });

  it('offers to apply to the environment the client made current', async () => {
    client.connection.sendNotification('pgChangesets/setEnvironments', {
      storageFolder: path.join(folder, '.storage'),
      current: 'second',
      environments: [
        { name: 'prod', pglite: '.prod-db', readOnly: true },
        { name: 'remote', url: 'postgres://deploy@127.0.0.1:1/app' },
        { name: 'second', pglite: '.second-db' },
      ],
    });
    await status('second');
    // local: 002 stays failed (its last attempt here failed); remote: unreachable, so unknown
    const lenses = await client.request<any[]>('textDocument/codeLens', { textDocument: { uri: uriOf(changelog) } });
    expect(lenses.map((l) => `${l.range.start.line}: ${l.command.title}`)).toEqual([
      '1: Apply to second', '1: local ✓  remote ?  second ○', '8: Apply to second', '8: local ✗  remote ?  second ○',
    ]);
  });

  it('stops an update between two changesets when the request is cancelled', async () => {
    const cancel = new CancellationTokenSource();
    const listening = client.connection.onNotification('$/progress', (p: any) => {
      if (p.token === 'cancel-1' && p.value.kind === 'report' && p.value.message.startsWith('1/2')) cancel.cancel();
    });
    const outcome = await client.connection.sendRequest<RunOutcome>('pgChangesets/run', { environment: 'second', action: 'update', workDoneToken: 'cancel-1' }, cancel.token);
    listening.dispose();
    expect(outcome).toEqual({ ok: false, cancelled: true, message: 'Cancelled after 1 changeset.', changesets: ['changelog.yaml::001-create-customers::alice'] });
    const s = await status('second');
    expect(s.changesets.map((c) => c.state)).toEqual(['applied', 'pending']);
  });
});
