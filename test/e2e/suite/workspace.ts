// The workspace the launcher opened: a temp copy of examples/ (see test/e2e/vscode.test.ts).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'VS Code opened no workspace folder');
  return folder;
}

export const changelogPath = () => join(workspaceFolder(), 'changelog.yaml');

export async function openChangelog(): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(changelogPath());
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The extension under test, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension('pg-changesets.pg-changesets');
  assert.ok(extension, 'the extension pg-changesets.pg-changesets is not loaded');
  await extension.activate();
  return extension;
}
