// A protected environment: nothing changes until its name is typed, whatever the caller passes.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { pgliteState } from './databases';
import { pressKey, readInputBox, typeIntoInputBox, waitForText } from './workbench';
import { changelogPath, workspaceFolder } from './workspace';

const changeset = (id: string, author = 'alice') => ({ file: changelogPath(), id, author });
const production = () => pgliteState(join(workspaceFolder(), '.pgcs', 'production'));

describe('a protected environment', () => {
  it('refuses when a different name is typed, even with confirm: true', async () => {
    const applying = vscode.commands.executeCommand('pgChangesets.applyChangeset', { environment: 'production', changeset: changeset('000-app-role'), confirm: true });
    const box = await readInputBox();
    assert.match(`${box.title} ${box.message} ${box.placeholder}`, /production/);
    await typeIntoInputBox('prod');
    // Enter on a wrong name does not accept it: the box stays, saying what to type
    await waitForText('Type production exactly', '.quick-input-widget');
    await pressKey('Escape');
    await applying;
    assert.deepEqual((await production()).applied, []);
  });

  it('refuses when the prompt is dismissed', async () => {
    const applying = vscode.commands.executeCommand('pgChangesets.applyChangeset', { environment: 'production', changeset: changeset('000-app-role'), confirm: true });
    await readInputBox();
    await pressKey('Escape');
    await applying;
    assert.deepEqual((await production()).applied, []);
  });

  it('applies once the environment\'s name is typed', async () => {
    const applying = vscode.commands.executeCommand('pgChangesets.applyChangeset', { environment: 'production', changeset: changeset('000-app-role'), confirm: true });
    await readInputBox();
    await typeIntoInputBox('production');
    await applying;
    assert.deepEqual((await production()).applied, ['000-app-role']);
  });
});
