import {
  CodeAction, CodeActionKind, Connection, createConnection, Diagnostic, DiagnosticSeverity, Hover, MarkupKind, Message, MessageReader, TextEdit, DidChangeConfigurationNotification, ProposedFeatures,
  PublishDiagnosticsParams, StreamMessageWriter, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import * as nodePath from 'node:path';
import { inspect } from 'node:util';
import { hiddenSlot } from './changelog/hidden-slot';
import { diskReader, overlayReader, TrustedDisk } from './changelog/load';
import type { Finding } from './changelog/model';
import { isChangelogText, Project } from './changelog/project';
import { sqlCompletions } from './language/completion';
import { changesetHover, joinHovers, schemaHover } from './language/hover';
import { documentLinks } from './language/links';
import { documentSymbols, workspaceSymbols } from './language/symbols';
import { initSqlParser } from './sql/statements';
import { CONFIG_FILE, mergeConfig, readConfigFile, type LoadedConfig } from './rules/config';
import { ruleHoverMarkdown } from './rules/docs';
import { RULES, ruleById } from './rules/registry';
import type { EnvironmentRecord, RulesConfig } from './rules/rule';
import { LintMemo, lintChangelog } from './rules/run';
import { listenForEnvironmentRequests } from './environments/environment-requests';

const connection = connect();
const documents = new TextDocuments(TextDocument);
const openText = new Map<string, string>();
/**
 * Files on disk as last read: the client's file watcher (didChangeWatchedFiles) says when they change, so a
 * keystroke does not stat every sqlFile of the tree; a client that watches nothing still sees changes within this.
 */
const DISK_TRUST_MS = 2000;
const disk = new TrustedDisk(DISK_TRUST_MS);
const project = new Project({ folders: [] }, overlayReader(openText, disk));
/** what was last published per file, so an edit sends only the files whose diagnostics changed */
const published = new Map<string, Published>();
let ready: Promise<void> = Promise.resolve();
/** an analysis is waiting for the current burst of edits to end */
let pending = false;
let hasConfiguration = false;

connection.onInitialize((params) => {
  const folders = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (!folders.length && params.rootUri) folders.push(URI.parse(params.rootUri).fsPath);
  const options = (params.initializationOptions ?? {}) as { searchPath?: string[]; properties?: Record<string, string> };
  project.configure({ folders, ...settingsToOptions(options, folders) });
  rulesSettings = rulesSettingsOf(options);
  hasConfiguration = !!params.capabilities.workspace?.configuration;
  ready = initSqlParser().then(() => {
    configureRules();
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
      completionProvider: { triggerCharacters: ['.'] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
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
  disk.forget();
  const folders = project['options'].folders as string[];
  project.configure(settingsToOptions(settings, folders));
  rulesSettings = rulesSettingsOf(settings);
  configureRules();
  rediscover();
  schedule();
});

documents.onDidOpen((e) => {
  // the document's line offsets are made on its first incremental edit: make them with the open, not on the first keystroke (~5 ms for 1 MB)
  void e.document.lineCount;
  track(e.document);
});
documents.onDidChangeContent((e) => track(e.document));
documents.onDidClose((e) => {
  const path = pathOf(e.document.uri);
  if (!path) return;
  openText.delete(path);
  // the document is now what the disk holds: read it (and what it includes) from there again
  disk.forget();
  // a changelog that only existed in the editor (never saved, or not a changelog on disk) is no longer one
  const onDisk = diskReader.readFile(path);
  if (onDisk === undefined || !isChangelogText(path, onDisk)) project.removeCandidate(path);
  schedule();
});
connection.onDidChangeWatchedFiles(() => {
  disk.forget();
  configureRules();
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
 * Edits arrive in bursts; analyse once per burst. The JSON-RPC layer hands over one queued message per turn of
 * the event loop (setImmediate), so analysing in the next turn would run between two queued edits: wait, a turn at
 * a time, until a whole turn passed with no new edit. A lone keystroke is analysed two turns later (microseconds),
 * not after a fixed delay.
 */
let edits = 0;
/** the wait of the latest burst: one analysed early (a request needed the results) ends its wait */
let burst = 0;
function schedule(): void {
  edits++;
  if (pending) return;
  pending = true;
  const mine = ++burst;
  let seen = -1;
  const wait = () => {
    if (!pending || mine !== burst) return;
    if (seen === edits) void ready.then(analyse);
    else {
      seen = edits;
      setImmediate(wait);
    }
  };
  setImmediate(wait);
}

function analyse(): void {
  if (!pending) return;
  pending = false;
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
  for (const loaded of configFiles) if (loaded.file) byFile.set(loaded.file, [...(byFile.get(loaded.file) ?? []), ...loaded.findings]);
  lastFindings = byFile;
  for (const [file, findings] of byFile) {
    if (samePublished(published.get(file), findings)) continue;
    published.set(file, publishedOf(findings));
    connection.sendDiagnostics({ uri: URI.file(file).toString(), diagnostics: findings.map(diagnosticOf) });
  }
  for (const file of [...published.keys()]) {
    if (byFile.has(file)) continue;
    published.delete(file);
    connection.sendDiagnostics({ uri: URI.file(file).toString(), diagnostics: [] });
  }
}

/** what a file's published diagnostics were: each finding, what it says, and its range as it was then */
interface Published {
  findings: Finding[];
  /** start line, start character, end line, end character per finding: the loader moves kept findings' ranges in place */
  positions: Int32Array;
}

function publishedOf(findings: Finding[]): Published {
  const positions = new Int32Array(findings.length * 4);
  for (let i = 0; i < findings.length; i++) {
    const { start, end } = findings[i].range;
    positions[i * 4] = start.line;
    positions[i * 4 + 1] = start.character;
    positions[i * 4 + 2] = end.line;
    positions[i * 4 + 3] = end.character;
  }
  return { findings, positions };
}

/** the incremental lint hands back the same finding objects for unchanged changesets: most compare by identity */
function samePublished(published: Published | undefined, findings: Finding[]): boolean {
  if (!published || published.findings.length !== findings.length) return false;
  const { positions } = published;
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    const before = published.findings[i];
    if (before !== finding && sayingOf(before) !== sayingOf(finding)) return false;
    const { start, end } = finding.range;
    const p = i * 4;
    if (positions[p] !== start.line || positions[p + 1] !== start.character || positions[p + 2] !== end.line || positions[p + 3] !== end.character) return false;
  }
  return true;
}

/** each finding's diagnostic, made once (kept on the finding: a WeakMap lookup per finding per keystroke cost more) */
const diagnostics = hiddenSlot<Diagnostic>('diagnostic');

function diagnosticOf(finding: Finding): Diagnostic {
  let diagnostic = diagnostics.get(finding);
  if (!diagnostic) diagnostics.set(finding, (diagnostic = toDiagnostic(finding)));
  return diagnostic;
}

/** everything a finding's diagnostic says but its range (the JSON its publishing writes) */
function sayingOf(finding: Finding): string {
  return keptJsonOf(diagnosticOf(finding)).rest;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing diagnostics. After a keystroke in a big file its diagnostics are most of what the server writes (2,000
// of them are 1 MB of JSON, ~5 ms to stringify and encode): over stdio they are written from each diagnostic's
// JSON, made once, with only its range made anew. (Over node-ipc, Node serialises every message itself.)

function connect(): Connection {
  if (!process.argv.slice(2).includes('--stdio')) return createConnection(ProposedFeatures.all);
  // stdin as a stream (the library reads it, and exits when it ends, as with --stdio), stdout through our writer
  const input = process.stdin as unknown as MessageReader;
  const stdio = createConnection(ProposedFeatures.all, input, new StreamMessageWriter(process.stdout, { contentTypeEncoder: { name: 'application/json', encode: encodeMessage } }));
  // what createConnection does for --stdio: stdout carries the protocol, so the console goes to the client's log
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  console.log = console.debug = (...args: unknown[]) => stdio.console.log(text(args));
  console.info = (...args: unknown[]) => stdio.console.info(text(args));
  console.warn = (...args: unknown[]) => stdio.console.warn(text(args));
  console.error = (...args: unknown[]) => stdio.console.error(text(args));
  console.dir = (value: unknown, options?: object) => stdio.console.log(inspect(value, options));
  console.trace = (...args: unknown[]) => stdio.console.log(`Trace${args.length ? `: ${text(args)}` : ''}\n${new Error().stack!.replace(/(.+\n){2}/, '')}`);
  return stdio;
}

/** vscode-jsonrpc's application/json encoding, but for publishDiagnostics (a function: connect() runs before the module's constants exist) */
function encodeMessage(message: Message, options: { charset: BufferEncoding }): Promise<Uint8Array> {
  try {
    const params = (message as { method?: string; params?: PublishDiagnosticsParams }).method === 'textDocument/publishDiagnostics' ? (message as { params?: PublishDiagnosticsParams }).params : undefined;
    const fast = params && options.charset === 'utf-8' ? diagnosticsJson(message, params) : undefined;
    return Promise.resolve(fast ?? Buffer.from(JSON.stringify(message, undefined, 0), options.charset));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The JSON of each published diagnostic, by diagnostic: diagnosticOf makes one per finding and never changes it,
 * but for its range (the finding's, which the loader moves in place when lines above it change): the range's
 * JSON is kept with the numbers it was made from.
 */
/**
 * `rest`: the JSON of everything but the range; `json`: `,` and the whole diagnostic's JSON, for the range it was
 * made with (one buffer per diagnostic: Buffer.concat's cost is per part as much as per byte), and that range's
 * numbers (fields, not an array: one object less to fetch per diagnostic per message)
 */
type DiagnosticJson = { rest: string; json?: Buffer; startLine: number; startCharacter: number; endLine: number; endCharacter: number };
/** (a hidden slot: a WeakMap lookup per diagnostic cost ~1 ms per message) */
const diagnosticJson = hiddenSlot<DiagnosticJson>('json');

/** a publishDiagnostics message as UTF-8 JSON, or undefined when it is not the usual shape (then JSON.stringify writes it) */
function diagnosticsJson(message: Message, params: PublishDiagnosticsParams): Buffer | undefined {
  const { diagnostics } = params;
  if (!Array.isArray(diagnostics)) return undefined;
  const empty = JSON.stringify({ ...message, params: { ...params, diagnostics: [] } });
  // (the key is the only place the text can occur: a quote inside the uri is escaped)
  const key = empty.indexOf('"diagnostics":[]');
  if (key < 0 || empty.indexOf('"diagnostics":[]', key + 1) >= 0) return undefined;
  const head = Buffer.from(empty.slice(0, key + '"diagnostics":['.length));
  const end = Buffer.from(empty.slice(key + '"diagnostics":['.length));
  const parts: Buffer[] = [head];
  for (let i = 0; i < diagnostics.length; i++) {
    const diagnostic = diagnostics[i];
    const { start, end: last } = diagnostic.range;
    if (!isCount(start.line) || !isCount(start.character) || !isCount(last.line) || !isCount(last.character)) return undefined;
    const json = keptJsonOf(diagnostic);
    if (json.startLine !== start.line || json.startCharacter !== start.character || json.endLine !== last.line || json.endCharacter !== last.character) {
      json.startLine = start.line;
      json.startCharacter = start.character;
      json.endLine = last.line;
      json.endCharacter = last.character;
      const tail = json.rest === '{}' ? '}' : `,${json.rest.slice(1)}`;
      json.json = Buffer.from(`,{"range":{"start":{"line":${start.line},"character":${start.character}},"end":{"line":${last.line},"character":${last.character}}}${tail}`);
    }
    parts.push(i ? json.json! : json.json!.subarray(1));
  }
  parts.push(end);
  return Buffer.concat(parts);
}

/** the diagnostic's kept JSON, made when first asked for (diagnosticOf makes a diagnostic once and never changes it but for its range) */
function keptJsonOf(diagnostic: Diagnostic): DiagnosticJson {
  let json = diagnosticJson.get(diagnostic);
  if (!json) {
    json = { rest: JSON.stringify({ ...diagnostic, range: undefined }), startLine: -1, startCharacter: -1, endLine: -1, endCharacter: -1 };
    diagnosticJson.set(diagnostic, json);
  }
  return json;
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

const severities = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

function toDiagnostic(f: Finding): Diagnostic {
  const diagnostic: Diagnostic = { range: f.range, severity: severities[f.severity], code: f.rule, source: 'pg-changesets', message: f.message };
  // each rule's page ships with the extension (docs/rules/<id>.md, generated from its meta)
  if (ruleById(f.rule)) diagnostic.codeDescription = { href: URI.file(nodePath.join(__dirname, '..', 'docs', 'rules', `${f.rule}.md`)).toString() };
  return diagnostic;
}

// ---------------------------------------------------------------------------------------------------------------
// Safety rules: configuration from pgcs.config.json in the workspace folders, overridden by the VS Code settings

let rulesSettings: Partial<RulesConfig> = {};
let configFiles: LoadedConfig[] = [];
let lastFindings = new Map<string, Finding[]>();
/** what the environments' DATABASECHANGELOG tables say, for the drift rules (filled by the environment requests) */
let environmentRecords: () => EnvironmentRecord[] = () => [];

function rulesSettingsOf(settings: { rules?: Record<string, string>; applicationRoles?: string[]; postgresVersion?: number | null; requireLockTimeout?: boolean | null; [other: string]: unknown }): Partial<RulesConfig> {
  const out: Partial<RulesConfig> = {};
  if (settings.rules && typeof settings.rules === 'object') out.severities = settings.rules as RulesConfig['severities'];
  if (Array.isArray(settings.applicationRoles)) out.applicationRoles = settings.applicationRoles.map((r) => String(r).toLowerCase());
  if (typeof settings.postgresVersion === 'number') out.postgresVersion = settings.postgresVersion;
  if (typeof settings.requireLockTimeout === 'boolean') out.requireLockTimeout = settings.requireLockTimeout;
  return out;
}

function configureRules(): void {
  const known = new Set(RULES.map((r) => r.meta.id));
  const folders = project['options'].folders as string[];
  configFiles = [];
  for (const folder of folders) {
    const file = nodePath.join(folder, CONFIG_FILE);
    if (diskReader.readFile(file) === undefined) continue;
    try {
      configFiles.push(readConfigFile(file, known));
    } catch (error) {
      connection.console.error(`pg-changesets: cannot read ${file}: ${(error as Error).message}`);
    }
  }
  const config = mergeConfig(...configFiles.map((c) => c.config), rulesSettings);
  // one memory per tree (by its root): an edit re-lints only from the first changeset it changed
  const memos = new Map<string, LintMemo>();
  project.setTreeAnalysis((tree) => {
    let memo = memos.get(tree.root);
    if (!memo) memos.set(tree.root, (memo = new LintMemo()));
    return lintChangelog(tree, { config, environments: environmentRecords(), memo });
  });
}

connection.onCodeAction(async ({ textDocument, range, context }) => {
  await current();
  const path = pathOf(textDocument.uri);
  if (!path) return [];
  const actions: CodeAction[] = [];
  for (const finding of lastFindings.get(path) ?? []) {
    if (!finding.fixes?.length || !overlaps(finding.range, range)) continue;
    const diagnostic = context.diagnostics.find((d) => d.code === finding.rule && sameRange(d.range, finding.range)) ?? toDiagnostic(finding);
    for (const fix of finding.fixes) {
      const changes: Record<string, TextEdit[]> = {};
      for (const edit of fix.edits) (changes[URI.file(edit.file).toString()] ??= []).push({ range: edit.range, newText: edit.newText });
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, edit: { changes } });
    }
  }
  return actions;
});

function overlaps(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  const before = (p: typeof a.start, q: typeof a.start) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function sameRange(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** A rule finding under the cursor: its rule's docs (why, and what to do instead). */
function ruleHover(path: string, position: { line: number; character: number }): Hover | null {
  for (const finding of lastFindings.get(path) ?? []) {
    const rule = ruleById(finding.rule);
    if (!rule || !overlaps(finding.range, { start: position, end: position })) continue;
    return { contents: { kind: MarkupKind.Markdown, value: ruleHoverMarkdown(rule) }, range: finding.range };
  }
  return null;
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
  if (!path) return null;
  // a finding's rule docs and the table under the cursor both help: show both
  return joinHovers(ruleHover(path, position) ?? changesetHover(project.changesetsIn(path), position), schemaHover(project.treesOf(path), path, position));
});

connection.onCompletion(async ({ textDocument, position }) => {
  await current();
  const path = pathOf(textDocument.uri);
  return path ? sqlCompletions(project.treesOf(path), path, position) : [];
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
const environments = listenForEnvironmentRequests(connection, {
  folders: () => project['options'].folders as string[],
  project: async () => (await current(), project),
  // the drift rules compare the changelog with what each environment recorded: lint again with the new rows
  changed: () => {
    configureRules();
    schedule();
  },
});
environmentRecords = () => environments.records();

documents.listen(connection);
connection.listen();
