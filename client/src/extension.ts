import * as path from 'node:path';
import { ExtensionContext, languages, TextDocument, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

// Liquibase recognises a formatted SQL changelog by its first line, but VS Code gives every .sql file to the
// built-in SQL language before looking at first lines, so the switch to our grammar is made here.
const FORMATTED_SQL_HEADER = /^\uFEFF?\s*--\s*liquibase\s+formatted\s+sql/i;

function useFormattedSqlGrammar(document: TextDocument): void {
  if (document.languageId !== 'sql') return;
  if (FORMATTED_SQL_HEADER.test(document.lineAt(0).text)) void languages.setTextDocumentLanguage(document, 'liquibase-sql');
}

export async function activate(context: ExtensionContext): Promise<void> {
  workspace.textDocuments.forEach(useFormattedSqlGrammar);
  context.subscriptions.push(workspace.onDidOpenTextDocument(useFormattedSqlGrammar));

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
