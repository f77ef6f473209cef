// The default environment `local`: an embedded PGlite in the extension's workspace storage, no settings.
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { localPgliteFolder, pgliteState } from './databases';
import { waitForTreeState } from './tree';
import { until } from './waiting';
import { activeExtension, changelogPath, openChangelog } from './workspace';

const changeset = (id: string, author = 'alice') => ({ file: changelogPath(), id, author });
const local = async () => pgliteState(await until('the local PGlite folder', localPgliteFolder));

describe('the local environment (embedded PGlite, no settings)', () => {
  it('applies the role changeset without the preview when called with confirm: true', async () => {
    await openChangelog();
    await activeExtension();
    await vscode.commands.executeCommand('pgChangesets.applyChangeset', { environment: 'local', changeset: changeset('000-app-role'), confirm: true });
    assert.deepEqual((await local()).applied, ['000-app-role']);
    await waitForTreeState('local', '000-app-role', 'applied');
  });

  it('applies a changeset, and the side bar moves it from pending to applied', async () => {
    await waitForTreeState('local', '001-create-customers', 'pending');
    await vscode.commands.executeCommand('pgChangesets.applyChangeset', { environment: 'local', changeset: changeset('001-create-customers'), confirm: true });
    const after = await local();
    assert.ok(after.tables.includes('customers'), `no customers table after the apply: ${after.tables.join(', ')}`);
    assert.deepEqual(after.applied, ['000-app-role', '001-create-customers']);
    await waitForTreeState('local', '001-create-customers', 'applied');
    await waitForTreeState('local', '002-seed-test-customers', 'pending');
  });

  it('rolls the last changeset back: the table is gone and the side bar shows it pending again', async () => {
    await vscode.commands.executeCommand('pgChangesets.rollbackLast', { environment: 'local', confirm: true });
    const after = await local();
    assert.ok(!after.tables.includes('customers'), `customers still exists after the rollback: ${after.tables.join(', ')}`);
    assert.deepEqual(after.applied, ['000-app-role']);
    await waitForTreeState('local', '001-create-customers', 'pending');

    await vscode.commands.executeCommand('pgChangesets.rollbackLast', { environment: 'local', confirm: true });
    assert.deepEqual((await local()).applied, []);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
