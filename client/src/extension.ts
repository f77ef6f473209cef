import * as path from 'node:path';
import { ExtensionContext, languages, TextDocument, window, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { StatusChanged } from '../../server/src/environments/protocol';
import { registerCommands } from './commands';
import { Environments } from './environments';
import { SqlPreviews } from './preview';
import { ChangesetsTree } from './tree';

let client: LanguageClient | undefined;

// Liquibase recognises a formatted SQL changelog by its first line, but VS Code gives every .sql file to the
// built-in SQL language before looking at first lines, so the switch to our grammar is made here.
const FORMATTED_SQL_HEADER = /^\uFEFF?\s*--\s*liquibase\s+formatted\s+sql/i;

function useFormattedSqlGrammar(document: TextDocument): void {
  if (document.languageId !== 'sql') return;
  if (FORMATTED_SQL_HEADER.test(document.lineAt(0).text)) void languages.setTextDocumentLanguage(document, 'liquibase-sql');
}

/** What tests may reach: the running language client. */
export interface PgChangesetsApi {
  client: LanguageClient;
}

export async function activate(context: ExtensionContext): Promise<PgChangesetsApi> {
  workspace.textDocuments.forEach(useFormattedSqlGrammar);
  context.subscriptions.push(workspace.onDidOpenTextDocument(useFormattedSqlGrammar));

  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  // the server runs in the workspace folder, so the files its messages name are relative to it
  const cwd = workspace.workspaceFolders?.[0]?.uri.fsPath;
  // stdio rather than node-ipc: the server writes a keystroke's diagnostics (1 MB of JSON for a big file) from
  // each diagnostic's kept JSON, which it can do only on a stream it writes itself (Node serialises IPC messages)
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, options: { cwd } },
    debug: { module, transport: TransportKind.stdio, options: { cwd, execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const settings = workspace.getConfiguration('pgChangesets');
  // one channel for the server's log and the commands' (what ran, never a password)
  const output = window.createOutputChannel('pg-changesets', { log: true });
  context.subscriptions.push(output);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'sql' },
      { scheme: 'file', language: 'liquibase-sql' },
    ],
    synchronize: {
      configurationSection: 'pgChangesets',
      fileEvents: workspace.createFileSystemWatcher('**/*.{yaml,yml,json,sql}'),
    },
    initializationOptions: {
      searchPath: settings.get('searchPath'),
      properties: settings.get('properties'),
      rules: settings.get('rules'),
      applicationRoles: settings.get('applicationRoles'),
      postgresVersion: settings.get('postgresVersion'),
      requireLockTimeout: settings.get('requireLockTimeout'),
    },
    outputChannel: output,
  };
  client = new LanguageClient('pgChangesets', 'pg-changesets', serverOptions, clientOptions);
  await client.start();

  const environments = new Environments(context, client);
  environments.sendSettings();
  const tree = new ChangesetsTree(client, environments);
  const previews = new SqlPreviews();
  context.subscriptions.push(
    previews.register(),
    window.registerTreeDataProvider('pgChangesets.environments', tree),
    environments.onDidChange(() => tree.refresh()),
    client.onNotification(StatusChanged, () => tree.refresh()),
    // a saved edit can make an applied changeset drifted: the server answers from the rows it already read
    workspace.onDidSaveTextDocument(() => tree.refresh()),
  );
  registerCommands(context, { client, environments, tree, previews, output });
  return { client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
