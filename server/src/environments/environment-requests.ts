// The LSP side of environments: the custom requests of protocol.ts, work-done progress and cancellation for
// runs, the password request to the client, and the CodeLens above each changeset.
import { CodeLens, CodeLensRefreshRequest, Connection } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import type { Project } from '../changelog/project';
import { identity } from '../engine/plan';
import { Environments, oneLine } from './environments';
import {
  ChangelogsRequest, ChangesetState, EnvironmentStatus, ListEnvironments, PasswordParams, PasswordRequest, PreviewParams, PreviewRequest, RunParams, RunRequest,
  SetEnvironments, SetEnvironmentsParams, StatusChanged, StatusParams, StatusRequest,
} from './protocol';

export interface EnvironmentServer {
  folders(): string[];
  /** the project, analysed up to the last edit */
  project(): Promise<Project>;
  /** an environment's rows were read again (the server may re-lint with Environments.records()) */
  changed?(environment: string): void;
}

const MARKS: Record<ChangesetState, string> = { applied: '✓', pending: '○', drifted: '≠', failed: '✗', 'in-database-only': '✓' };

export function listenForEnvironmentRequests(connection: Connection, server: EnvironmentServer): Environments {
  let current = 'local';
  const environments = new Environments({
    folders: server.folders,
    project: server.project,
    password: async (environment, description) => {
      // a client that does not answer (an old one, a test) means: no password, let libpq's rules decide
      const answer = await connection.sendRequest<string | null>(PasswordRequest, { environment, description } satisfies PasswordParams).catch(() => null);
      return typeof answer === 'string' ? answer : undefined;
    },
    log: (message) => connection.console.log(message),
    changed: (environment) => {
      server.changed?.(environment);
      void connection.sendNotification(StatusChanged, { environment });
      connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    },
  });

  connection.onNotification(SetEnvironments, (params: SetEnvironmentsParams) => {
    environments.configure(params.environments ?? [], params.storageFolder);
    if (params.current) current = params.current;
    connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  });

  connection.onRequest(ListEnvironments, () => environments.list());

  connection.onRequest(ChangelogsRequest, async () => (await server.project()).allTrees().map((tree) => tree.root));

  connection.onRequest(StatusRequest, async (params: StatusParams): Promise<EnvironmentStatus> => {
    try {
      return await environments.status(params.environment, params.refresh === true);
    } catch (error) {
      return { environment: params.environment, description: '', changelogs: [], changesets: [], error: oneLine(error) };
    }
  });

  connection.onRequest(PreviewRequest, (params: PreviewParams) => environments.preview(params));

  connection.onRequest(RunRequest, async (params: RunParams, token) => {
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    progress.begin(`pg-changesets: ${params.action} on ${params.environment}`, undefined, undefined, true);
    try {
      return await environments.run(params, { report: (message) => progress.report(message), cancelled: () => token.isCancellationRequested });
    } finally {
      progress.done();
    }
  });

  const reading = new Set<string>();
  connection.onCodeLens(async ({ textDocument }) => {
    const uri = URI.parse(textDocument.uri);
    if (uri.scheme !== 'file') return [];
    const project = await server.project();
    const changesets = project.changesetsIn(uri.fsPath);
    if (changesets.length === 0) return [];
    const trees = project.allTrees();
    const infos = environments.list();
    const statuses = new Map<string, EnvironmentStatus>();
    for (const info of infos) {
      const status = environments.known(info.name, trees);
      if (status) statuses.set(info.name, status);
    }
    const target = infos.find((i) => i.name === current) ?? infos[0];
    if (target && !statuses.has(target.name) && !reading.has(target.name)) {
      // the first look at a file reads the current environment once, in the background; the lenses follow
      reading.add(target.name);
      void environments.status(target.name).catch(() => undefined).finally(() => reading.delete(target.name));
    }
    const lenses: CodeLens[] = [];
    for (const changeset of changesets) {
      const key = identity(changeset);
      const range = changeset.headerRange;
      const ref = { file: changeset.file, id: changeset.id, author: changeset.author };
      if (target && !target.readOnly) {
        const state = statuses.get(target.name)?.changesets.find((c) => c.identity === key)?.state;
        const args = [{ environment: target.name, changeset: ref }];
        if (state === 'applied' || state === 'drifted') lenses.push({ range, command: { title: `Roll back from ${target.name}`, command: 'pgChangesets.rollbackChangeset', arguments: args } });
        else lenses.push({ range, command: { title: `Apply to ${target.name}`, command: 'pgChangesets.applyChangeset', arguments: args } });
      }
      const marks = infos
        .filter((info) => statuses.has(info.name))
        .map((info) => {
          const status = statuses.get(info.name)!;
          // an environment that could not be read says nothing about the changeset
          const state = status.error ? undefined : status.changesets.find((c) => c.identity === key)?.state;
          return `${info.name} ${state ? MARKS[state] : '?'}`;
        });
      if (marks.length) lenses.push({ range, command: { title: marks.join('  '), command: 'pgChangesets.showStatus', arguments: [{ environment: target?.name }] } });
    }
    return lenses;
  });

  return environments;
}
