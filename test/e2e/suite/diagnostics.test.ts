// The language server's findings reach VS Code's Problems and the editor's squiggles, from real typing.
import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { until } from './waiting';
import { screenshot, typeText, waitForText } from './workbench';
import { activeExtension, changelogPath, openChangelog } from './workspace';

describe('diagnostics in the example changelog', () => {
  after(async () => {
    // later tests apply the changelog (the commands save it first): drop the typed edit
    const editor = await openChangelog();
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(editor.document.isDirty, false, 'the typed edit is still there');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('reports the example\'s unsafe RENAME COLUMN on the statement, and no syntax error', async () => {
    const editor = await openChangelog();
    await activeExtension();
    assert.equal(editor.document.languageId, 'yaml');
    const rename = await until('the rename-column finding', () =>
      vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.code === 'rename-column' || (d.code as { value?: string })?.value === 'rename-column'),
    );
    assert.equal(rename.source, 'pg-changesets');
    assert.match(editor.document.getText(rename.range), /RENAME COLUMN full_name TO display_name/);
    const syntax = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => /syntax/i.test(d.message));
    assert.deepEqual(syntax.map((d) => d.message), []);
  });

  it('underlines a keyword mistyped in a changeset\'s SQL with PostgreSQL\'s message, on exactly that token', async () => {
    const editor = await openChangelog();
    const text = editor.document.getText();
    const rename = text.indexOf('ALTER TABLE customers RENAME COLUMN') + 'ALTER TABLE customers '.length;
    const afterRename = editor.document.positionAt(rename + 'RENAME'.length);
    // showTextDocument resolves once the workbench has the selection; setting editor.selection does not wait,
    // and the keystroke below would land wherever the cursor was
    await vscode.window.showTextDocument(editor.document, { selection: new vscode.Range(afterRename, afterRename), preview: false });
    await typeText('D'); // RENAME → RENAMED: a real keystroke in the editor, not a WorkspaceEdit
    await until('the keystroke to land after RENAME', () => editor.document.getText().includes('RENAMED COLUMN') || undefined, 10_000);

    const diagnostic = await until('a syntax error diagnostic on the typed word', () =>
      vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.message.includes('RENAMED')),
    );
    assert.equal(diagnostic.message, 'Syntax error at or near "RENAMED"');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.source, 'pg-changesets');
    assert.equal(editor.document.getText(diagnostic.range), 'RENAMED');
    assert.deepEqual(diagnostic.range.start, editor.document.positionAt(rename));
    assert.equal(editor.document.uri.fsPath, changelogPath());

    editor.revealRange(diagnostic.range, vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await waitForText('Syntax error at or near "RENAMED"', '.part.panel');
    await screenshot('diagnostics');

    // the later files start from the changelog as examples/ has it (their first apply saves dirty changelogs,
    // and Update Environment runs this changeset): take the keystroke back and save
    const edit = new vscode.WorkspaceEdit();
    edit.replace(editor.document.uri, diagnostic.range, 'RENAME');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await editor.document.save());
    assert.ok(editor.document.getText().includes('ALTER TABLE customers RENAME COLUMN'));
  });
});
