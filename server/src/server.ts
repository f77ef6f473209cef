import {
  createConnection, Diagnostic, DiagnosticSeverity, DidChangeConfigurationNotification, ProposedFeatures,
  TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import * as nodePath from 'node:path';
import { diskReader, overlayReader } from './changelog/load';
import type { Finding } from './changelog/model';
import { isChangelogText, Project } from './changelog/project';
import { changesetHover } from './language/hover';
import { documentLinks } from './language/links';
import { documentSymbols, workspaceSymbols } from './language/symbols';
import { initSqlParser } from './sql/statements';
import { listenForEnvironmentRequests } from './environments/environment-requests';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const openText = new Map<string, string>();
const project = new Project({ folders: [] }, overlayReader(openText));
/** what was last published per file, so an edit sends only the files whose diagnostics changed */
const published = new Map<string, string>();
let ready: Promise<void> = Promise.resolve();
let pending: NodeJS.Timeout | undefined;
let hasConfiguration = false;

connection.onInitialize((params) => {
  const folders = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (!folders.length && params.rootUri) folders.push(URI.parse(params.rootUri).fsPath);
  const options = (params.initializationOptions ?? {}) as { searchPath?: string[]; properties?: Record<string, string> };
  project.configure({ folders, ...settingsToOptions(options, folders) });
  hasConfiguration = !!params.capabilities.workspace?.configuration;
  ready = initSqlParser().then(() => {
    rediscover();
    project.reload();
  });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      documentLinkProvider: { resolveProvider: false },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'pg-changesets', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (hasConfiguration) {
    connection.client.register(DidChangeConfigurationNotification.type, { section: 'pgChangesets' }).catch(() => undefined);
  }
  await ready;
  publishAll();
});

connection.onDidChangeConfiguration(async (change) => {
  const settings = (change.settings?.pgChangesets ?? {}) as { searchPath?: string[]; properties?: Record<string, string> };
  await ready;
  const folders = project['options'].folders as string[];
  project.configure(settingsToOptions(settings, folders));
  rediscover();
  schedule();
});

documents.onDidOpen((e) => track(e.document));
documents.onDidChangeContent((e) => track(e.document));
documents.onDidClose((e) => {
  const path = pathOf(e.document.uri);
  if (!path) return;
  openText.delete(path);
  // a changelog that only existed in the editor (never saved, or not a changelog on disk) is no longer one
  const onDisk = diskReader.readFile(path);
  if (onDisk === undefined || !isChangelogText(path, onDisk)) project.removeCandidate(path);
  schedule();
});
connection.onDidChangeWatchedFiles(() => {
  rediscover();
  schedule();
});

/** Finds the changelogs on disk again, keeping the open documents that are changelogs but not (yet) on disk. */
function rediscover(): void {
  project.discover();
  for (const [path, text] of openText) project.addCandidate(path, text);
}

function track(document: TextDocument): void {
  const path = pathOf(document.uri);
  if (!path) return;
  const text = document.getText();
  openText.set(path, text);
  if (!project.addCandidate(path, text) && !isChangelogText(path, text)) {
    // an edit can make a file stop being a changelog; it stays one only if the saved file is one
    const onDisk = diskReader.readFile(path);
    if (onDisk === undefined || !isChangelogText(path, onDisk)) project.removeCandidate(path);
  }
  schedule();
}

/**
 * Edits arrive in bursts; analyse once per burst. The JSON-RPC layer hands over one queued message per
 * event-loop turn, so a zero-delay callback would run between two queued edits: wait a few milliseconds.
 */
const COALESCE_MS = 4;
function schedule(): void {
  if (pending) return;
  pending = setTimeout(() => void ready.then(analyse), COALESCE_MS);
}

function analyse(): void {
  if (pending) clearTimeout(pending);
  pending = undefined;
  try {
    project.reload();
    publishAll();
  } catch (error) {
    connection.console.error(`pg-changesets: analysis failed: ${(error as Error).stack ?? error}`);
  }
}

/** Requests answer from the text the client last sent: analyse now what is still waiting for its burst to end. */
async function current(): Promise<void> {
  await ready;
  if (pending) analyse();
}

function publishAll(): void {
  const byFile = project.findingsByFile();
  for (const [file, findings] of byFile) {
    const diagnostics = findings.map(toDiagnostic);
    const key = JSON.stringify(diagnostics);
    if (published.get(file) === key) continue;
    published.set(file, key);
    connection.sendDiagnostics({ uri: URI.file(file).toString(), diagnostics });
  }
  for (const file of [...published.keys()]) {
    if (byFile.has(file)) continue;
    published.delete(file);
    connection.sendDiagnostics({ uri: URI.file(file).toString(), diagnostics: [] });
  }
}

const severities = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

function toDiagnostic(f: Finding): Diagnostic {
  return { range: f.range, severity: severities[f.severity], code: f.rule, source: 'pg-changesets', message: f.message };
}

connection.onDocumentSymbol(async ({ textDocument }) => {
  await current();
  const path = pathOf(textDocument.uri);
  return path ? documentSymbols(project.changesetsIn(path)) : [];
});

connection.onWorkspaceSymbol(async ({ query }) => {
  await current();
  const all = project.allTrees().flatMap((t) => t.changesets);
  return workspaceSymbols(new Set(all), query);
});

connection.onDocumentLinks(async ({ textDocument }) => {
  await current();
  const path = pathOf(textDocument.uri);
  if (!path) return [];
  for (const tree of project.treesOf(path)) {
    const file = tree.files.get(path);
    if (file) return documentLinks(file);
  }
  return [];
});

connection.onHover(async ({ textDocument, position }) => {
  await current();
  const path = pathOf(textDocument.uri);
  return path ? changesetHover(project.changesetsIn(path), position) : null;
});

function pathOf(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}

function settingsToOptions(settings: { searchPath?: string[]; properties?: Record<string, string> }, folders: string[]) {
  const base = folders[0] ?? process.cwd();
  return {
    searchPath: (settings.searchPath ?? []).map((p) => nodePath.resolve(base, p)),
    properties: settings.properties ?? {},
  };
}

// environments: status, preview and runs of the engine for the client's commands, tree and CodeLens
listenForEnvironmentRequests(connection, {
  folders: () => project['options'].folders as string[],
  project: async () => (await current(), project),
});

documents.listen(connection);
connection.listen();
