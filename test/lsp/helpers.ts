// Shared pieces of the language-server tests: fixture projects in temp folders, ranges, and a server per describe.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { RULES } from '../../server/src/rules/registry';
import { LspClient } from './lsp-client';

/** a changelog included as child.yaml by the editing and publishing tests' root: one changeset, c1 by bob */
export const CHILD_CHANGELOG = [
  'databaseChangeLog:', //                           0
  '  - changeSet:',
  '      id: c1',
  '      author: bob',
  '      changes:',
  '        - sql: CREATE TABLE orders (id int)', //   5
  '',
].join('\n');

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Writes the files (relative path → text) into a fresh temp folder and returns its real path. */
export function makeProject(files: Record<string, string>, prefix = 'pgcs-lsp-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(dir, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
}

export function removeProject(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A running server, initialized with a folder. The safety rules are off unless asked for (or configured through
 * `rules` in the options): most tests here are about what the changelog says, and test/lsp/rules.test.ts covers the rules.
 */
export async function startServer(folder: string, initializationOptions: { rules?: object; [key: string]: unknown } = {}, { safetyRules = false } = {}): Promise<{ client: LspClient; initializeResult: any }> {
  if (!safetyRules && !initializationOptions.rules) initializationOptions = { ...initializationOptions, rules: Object.fromEntries([...RULES.map((r) => r.meta.id), 'unused-ignore'].map((id) => [id, 'off'])) };
  const client = new LspClient();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server did not answer initialize within 30 s\n${client.stderr}`)), 30_000);
  });
  try {
    const initializeResult = await Promise.race([client.initialize(folder, initializationOptions), timeout]);
    return { client, initializeResult };
  } catch (error) {
    await client.shutdown();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): LspRange {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

/** The text an LSP range covers (lines split at \n, \r\n and \r; characters are UTF-16 code units). */
export function textAt(text: string, r: LspRange): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') starts.push(i + 1);
    else if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      starts.push(i + 1);
    }
  }
  const offset = (p: { line: number; character: number }) => starts[p.line] + p.character;
  return text.slice(offset(r.start), offset(r.end));
}

export function uriOf(file: string): string {
  return URI.file(file).toString();
}

/** The parts of a diagnostic a test asserts, in a stable shape. */
export function brief(d: Diagnostic): { range: LspRange; severity: number | undefined; code: string | number | undefined; message: string } {
  return { range: d.range, severity: d.severity, code: d.code, message: messageOf(d) };
}

/** LSP 3.18 allows Markdown messages; this server sends plain strings */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

export const nonEmpty = (d: Diagnostic[]) => d.length > 0;
export const empty = (d: Diagnostic[]) => d.length === 0;
export const withCode = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
export const withoutCode = (code: string) => (d: Diagnostic[]) => !d.some((x) => x.code === code);

export const Severity = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const;
