// The commands beyond apply and roll back last, on the default `local` PGlite (plus a read-only environment
// added to the settings for one test). They start from the state the earlier files leave (local empty) and
// run in this order: update, roll back one changeset, tag + roll back to tag, CodeLens, Show Status, Release
// Lock, read-only, Verify Rollbacks (last, because it adds a second changelog to the workspace).
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { openDriver } from '../../../server/src/engine/driver';
import { parseTarget } from '../../../server/src/engine/connection-url';
import { localPgliteFolder, pgliteState } from './databases';
import { waitForTreeState } from './tree';
import { until } from './waiting';
import { waitForText } from './workbench';
import { activeExtension, changelogPath, openChangelog, workspaceFolder } from './workspace';

interface RunOutcome {
  ok: boolean;
  message: string;
  changesets: string[];
  problems?: string[];
}

const changeset = (id: string, author = 'alice') => ({ file: changelogPath(), id, author });
const localFolder = () => until('the local PGlite folder', localPgliteFolder);
const local = async () => pgliteState(await localFolder());
// a CodeLens of marks reads e.g. "local ○  staging ✓  production ✓": one mark per environment read so far
const marksOf = (lens: vscode.CodeLens) => (lens.command?.title ?? '').split(/\s{2,}/);
const run = (command: string, args: Record<string, unknown>) => vscode.commands.executeCommand<RunOutcome>(command, args);

// every changeset of examples/ in execution order; `local` has no contexts, so the dev-only seed runs too
const ALL = ['000-app-role', '001-create-customers', '002-seed-test-customers', '003-rename-full-name', '004-create-orders', '005-order-status', '006-status-index'];

/** One statement on the local PGlite, through the project's driver (it waits for the server's folder lock). */
async function onLocal<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const driver = await openDriver(parseTarget({ url: `pglite:${await localFolder()}`, env: process.env, cwd: process.cwd() }), { lockTimeoutMs: 30_000 });
  try {
    return (await driver.query<T & Record<string, unknown>>(sql)).rows;
  } finally {
    await driver.close();
  }
}

describe('more commands on the local environment', () => {
  it('Update Environment applies every pending changeset, and the side bar shows them applied', async () => {
    await openChangelog();
    await activeExtension();
    assert.deepEqual((await local()).applied, [], 'the earlier suite files left changesets applied on local');
    const outcome = await run('pgChangesets.updateEnvironment', { environment: 'local', confirm: true });
    assert.equal(outcome?.ok, true, outcome?.message);
    assert.equal(outcome.changesets.length, ALL.length, outcome.message);
    const state = await local();
    assert.deepEqual(state.applied, ALL);
    assert.ok(state.tables.includes('orders'), `no orders table after the update: ${state.tables.join(', ')}`);
    for (const id of ['000-app-role', '003-rename-full-name', '006-status-index']) await waitForTreeState('local', id, 'applied');
  });

  it('Roll Back Changeset… undoes that one changeset only', async () => {
    // the first changeset, not the last: Roll Back Last could not pick it. (Its rollback is `empty`; the
    // others undo what later changesets build on, or, like 002, cannot run again once 003 renamed a column.)
    const outcome = await run('pgChangesets.rollbackChangeset', { environment: 'local', changeset: changeset('000-app-role'), confirm: true });
    assert.equal(outcome?.ok, true, outcome?.message);
    assert.deepEqual(outcome.changesets.map((c) => c.split('::')[1]), ['000-app-role']);
    assert.deepEqual((await local()).applied, ALL.filter((id) => id !== '000-app-role'));
    await waitForTreeState('local', '000-app-role', 'pending');
    await waitForTreeState('local', '006-status-index', 'applied');
  });

  it('Tag Environment, then Roll Back to Tag undoes what was applied after the tag', async () => {
    const tagged = await run('pgChangesets.tagEnvironment', { environment: 'local', tag: 'e2e-v1', confirm: true });
    assert.equal(tagged?.ok, true, tagged?.message);
    // the tag is on the last row applied: 006
    assert.deepEqual(await onLocal("SELECT id FROM databasechangelog WHERE tag = 'e2e-v1'"), [{ id: '006-status-index' }]);

    const applied = await run('pgChangesets.applyChangeset', { environment: 'local', changeset: changeset('000-app-role'), confirm: true });
    assert.equal(applied?.ok, true, applied?.message);
    assert.equal((await local()).applied.at(-1), '000-app-role');

    const back = await run('pgChangesets.rollbackToTag', { environment: 'local', tag: 'e2e-v1', confirm: true });
    assert.equal(back?.ok, true, back?.message);
    assert.deepEqual(back.changesets.map((c) => c.split('::')[1]), ['000-app-role']);
    assert.deepEqual((await local()).applied, ALL.filter((id) => id !== '000-app-role'));
    assert.deepEqual(await onLocal("SELECT id FROM databasechangelog WHERE tag = 'e2e-v1'"), [{ id: '006-status-index' }]);
    await waitForTreeState('local', '000-app-role', 'pending');
  });

  it('CodeLens above a changeset says "Apply to local" and where it is applied; its command applies it', async () => {
    const uri = vscode.Uri.file(changelogPath());
    const document = await vscode.workspace.openTextDocument(uri);
    const headerLine = document.getText().split('\n').findIndex((line) => line.includes('id: 000-app-role'));
    assert.ok(headerLine > 0);
    // the lenses of 000: the server puts them on its changeSet header (a line or so above the id)
    const lensesOf000 = async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
      return lenses.filter((l) => l.range.start.line <= headerLine && l.range.start.line >= headerLine - 2);
    };
    const lenses = await until('the CodeLens of 000 to show its state on local', async () => {
      const found = await lensesOf000();
      return found.some((l) => marksOf(l).includes('local ○')) ? found : undefined;
    });
    const apply = lenses.find((l) => l.command?.title === 'Apply to local');
    assert.ok(apply?.command, `no "Apply to local" lens: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.equal(apply.command.command, 'pgChangesets.applyChangeset');
    // an applied changeset's mark: 001 and the others are applied on local
    const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    assert.ok(all.some((l) => marksOf(l).includes('local ✓')), `no "local ✓" mark: ${all.map((l) => l.command?.title).join(' | ')}`);

    // the lens's own command and arguments; confirm: true because VS Code answers the preview's modal with
    // Cancel by itself under a test runner (the palette session in vscode.test.ts clicks Apply for real)
    const [args] = apply.command.arguments as [Record<string, unknown>];
    const outcome = await run(apply.command.command, { ...args, confirm: true });
    assert.equal(outcome?.ok, true, outcome?.message);
    assert.equal((await local()).applied.at(-1), '000-app-role');
    await until('the lens to become "Roll back from local"', async () => ((await lensesOf000()).some((l) => l.command?.title === 'Roll back from local') ? true : undefined));
  });

  it('Show Status returns every changeset\'s state and says so in a notification', async () => {
    const status = await vscode.commands.executeCommand<{ changesets: { id: string; state: string }[] }>('pgChangesets.showStatus', { environment: 'local' });
    const applied = status.changesets.filter((c) => c.state === 'applied').map((c) => c.id);
    assert.deepEqual([...applied].sort(), [...ALL].sort());
    // the notification as drawn: the notification centre lists it whether or not its toast is still up
    await vscode.commands.executeCommand('notifications.showList');
    await waitForText(`${ALL.length} applied.`, '.notifications-center');
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('Release Lock releases a change log lock a killed run left behind', async () => {
    // what a killed Liquibase leaves: the lock row held by nobody alive
    await onLocal("UPDATE databasechangeloglock SET locked = true, lockgranted = now(), lockedby = 'killed-host (10.0.0.9)' WHERE id = 1");
    assert.deepEqual(await onLocal('SELECT locked FROM databasechangeloglock'), [{ locked: true }]);
    const outcome = await run('pgChangesets.releaseLock', { environment: 'local', confirm: true });
    assert.equal(outcome?.ok, true, outcome?.message);
    assert.deepEqual(await onLocal('SELECT locked, lockedby FROM databasechangeloglock'), [{ locked: false, lockedby: null }]);
  });

  describe('a read-only environment', () => {
    const configuration = () => vscode.workspace.getConfiguration('pgChangesets');
    let before: unknown;
    const reporting = () => pgliteState(join(workspaceFolder(), '.pgcs', 'reporting'));

    after(async () => {
      await configuration().update('environments', before, vscode.ConfigurationTarget.Workspace);
    });

    it('refuses Apply in one line and changes nothing', async () => {
      before = configuration().get('environments');
      const environments = [...((before as unknown[]) ?? []), { name: 'reporting', pglite: '.pgcs/reporting', readOnly: true }];
      await configuration().update('environments', environments, vscode.ConfigurationTarget.Workspace);
      // the client sends the setting to the server; the command finds the environment once that has happened
      const outcome = await until('the read-only environment to be known', async () => {
        const o = await run('pgChangesets.applyChangeset', { environment: 'reporting', changeset: changeset('000-app-role'), confirm: true });
        return o && /read-only/.test(o.message) ? o : undefined;
      });
      assert.equal(outcome.ok, false);
      assert.equal(outcome.message, "Environment 'reporting' is read-only: nothing was changed.");
      const update = await run('pgChangesets.updateEnvironment', { environment: 'reporting', confirm: true });
      assert.equal(update?.ok, false);
      assert.match(update.message, /read-only/);
      assert.deepEqual((await reporting()).applied, []);
    });
  });

  describe('Verify Rollbacks', () => {
    const extra = () => join(workspaceFolder(), 'verify');
    after(() => rmSync(extra(), { recursive: true, force: true }));

    it('checks every changeset on a scratch database and reports a rollback that forgets an index', async () => {
      // a second changelog whose second rollback forgets to drop the index its changeset creates, so the
      // schema after that rollback has one index more than before the changeset
      mkdirSync(extra(), { recursive: true });
      writeFileSync(
        join(extra(), 'forgetful.yaml'),
        [
          'databaseChangeLog:',
          '  - changeSet:',
          '      id: v1-create-notes',
          '      author: erin',
          '      changes:',
          '        - sql: CREATE TABLE notes (id int PRIMARY KEY, body text)',
          '      rollback: DROP TABLE notes',
          '  - changeSet:',
          '      id: v2-index-notes',
          '      author: erin',
          '      changes:',
          '        - sql: CREATE INDEX notes_body_idx ON notes (body)',
          '      rollback: SELECT 1',
          '',
        ].join('\n'),
      );
      const outcome = await until('Verify Rollbacks to see the new changelog', async () => {
        const o = await run('pgChangesets.verifyRollbacks', { environment: 'local' });
        return o?.changesets.some((c) => c.includes('v2-index-notes')) ? o : undefined;
      }, 60_000);
      const ids = outcome.changesets.map((c) => c.split('::')[1]);
      for (const id of [...ALL, 'v1-create-notes', 'v2-index-notes']) assert.ok(ids.includes(id), `${id} was not verified: ${ids.join(', ')}`);
      assert.equal(outcome.ok, false, outcome.message);
      const forgotten = (outcome.problems ?? []).filter((p) => p.includes('v2-index-notes'));
      assert.equal(forgotten.length, 1, (outcome.problems ?? []).join('\n'));
      assert.match(forgotten[0], /notes_body_idx/);
      assert.ok(!(outcome.problems ?? []).some((p) => p.includes('v1-create-notes')), (outcome.problems ?? []).join('\n'));
      assert.match(outcome.message, new RegExp(`of ${outcome.changesets.length} changesets`));
    });
  });
});
