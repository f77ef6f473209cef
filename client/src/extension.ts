import * as path from 'node:path';
import { ExtensionContext, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const settings = workspace.getConfiguration('pgChangesets');
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
    initializationOptions: { searchPath: settings.get('searchPath'), properties: settings.get('properties') },
  };
  client = new LanguageClient('pgChangesets', 'pg-changesets', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
