// The palette, tree and CodeLens commands. Each asks the server and shows its answer; each also takes its
// choices as an argument, `{ environment?, changeset?: { file, id, author }, tag?, confirm? }`, so tests and
// CodeLens can drive it (without `confirm: true` the preview and the modal are still shown).
import { commands, env, ExtensionContext, LogOutputChannel, ProgressLocation, QuickPickItem, Range, Selection, TextEditorRevealType, Uri, window, workspace } from 'vscode';
import { LanguageClient, WorkDoneProgress } from 'vscode-languageclient/node';
import {
  ChangeAction, ChangesetRef, ChangesetState, ChangesetStatus, EnvironmentInfo, EnvironmentStatus, Preview, PreviewRequest, RunAction, RunOutcome,
  RunParams, RunRequest, StatusRequest,
} from '../../server/src/environments/protocol';
import type { Environments } from './environments';
import { confirmPreview, confirmProtected, SqlPreviews } from './preview';
import type { ChangesetsTree, SidebarNode } from './tree';

export interface CommandArguments {
  environment?: string;
  changeset?: ChangesetRef;
  tag?: string;
  confirm?: boolean;
  /** setPassword only: the password, instead of asking for it (tests) */
  password?: string;
}

interface Services {
  client: LanguageClient;
  environments: Environments;
  tree: ChangesetsTree;
  previews: SqlPreviews;
  output: LogOutputChannel;
}

const CANCELLED: RunOutcome = { ok: false, cancelled: true, message: 'Cancelled: nothing was changed.', changesets: [] };

/** The tree passes its node, CodeLens and tests pass CommandArguments. */
function argumentsOf(raw: unknown): CommandArguments {
  const node = raw as SidebarNode | undefined;
  if (node?.kind === 'environment') return { environment: node.info.name };
  if (node?.kind === 'changeset') return { environment: node.environment, changeset: refOf(node.status) };
  return (raw as CommandArguments) ?? {};
}

function refOf(status: ChangesetStatus): ChangesetRef {
  return { file: status.file ?? status.logicalPath, id: status.id, author: status.author };
}

export function registerCommands(context: ExtensionContext, services: Services): void {
  const { client, environments, tree, previews, output } = services;
  const log = (line: string) => output.info(line);

  /** Logs the error and shows it; the command ends now, not when the notification is dismissed. */
  function fail(message: string): void {
    log(`error: ${message}`);
    void window.showErrorMessage(`pg-changesets: ${message}`, 'Show Output').then((choice) => {
      if (choice === 'Show Output') output.show(true);
    });
  }

  async function environmentOf(args: CommandArguments, placeHolder: string): Promise<EnvironmentInfo | undefined> {
    if (args.environment === undefined) return environments.pick(placeHolder);
    const found = await environments.find(args.environment);
    if (!found) void fail(`No environment named '${args.environment}': add it to the pgChangesets.environments setting.`);
    return found;
  }

  async function statusOf(environment: string, refresh = false): Promise<EnvironmentStatus> {
    const status = await client.sendRequest<EnvironmentStatus>(StatusRequest, { environment, refresh });
    tree.statuses.set(environment, status);
    return status;
  }

  async function pickChangeset(environment: string, states: ChangesetState[], placeHolder: string): Promise<ChangesetRef | undefined> {
    const status = await statusOf(environment);
    if (status.error) {
      void fail(status.error);
      return undefined;
    }
    const candidates = status.changesets.filter((c) => states.includes(c.state) && c.file);
    if (candidates.length === 0) {
      void window.showInformationMessage(`No changeset on ${environment} is ${states.join(' or ')}.`);
      return undefined;
    }
    const items: (QuickPickItem & { status: ChangesetStatus })[] = candidates.map((c) => ({
      label: c.id,
      description: `${c.author} · ${c.logicalPath}`,
      detail: `${c.state}${c.dateExecuted ? ` · executed ${c.dateExecuted}` : ''}${c.selected ? '' : ' · not selected by contexts/labels'}`,
      status: c,
    }));
    const chosen = await window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
    return chosen ? refOf(chosen.status) : undefined;
  }

  /** changes run what the editor shows, so unsaved changelog edits are saved first (the database must match the files) */
  async function saveChangelogs(): Promise<void> {
    const languages = new Set(['yaml', 'json', 'sql', 'liquibase-sql']);
    for (const document of workspace.textDocuments) {
      if (document.isDirty && document.uri.scheme === 'file' && languages.has(document.languageId)) await document.save();
    }
  }

  async function run(params: RunParams, title: string): Promise<RunOutcome> {
    log(`${params.action} on ${params.environment}${params.changeset ? `: ${params.changeset.file}::${params.changeset.id}::${params.changeset.author}` : ''}${params.tag ? ` (tag ${params.tag})` : ''}`);
    const outcome = await window.withProgress({ location: ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const workDoneToken = `pgChangesets-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const listening = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind !== 'end' && value.message) progress.report({ message: value.message });
      });
      try {
        return await client.sendRequest<RunOutcome>(RunRequest, { ...params, workDoneToken }, token);
      } catch (error) {
        // the request was cancelled before the server answered: what ran before the cancellation stays
        if (token.isCancellationRequested) return { ...CANCELLED, message: 'Cancelled; the status shows what ran before.' };
        return { ok: false, message: (error as Error).message.split('\n')[0], changesets: [] };
      } finally {
        listening.dispose();
      }
    });
    for (const line of outcome.problems ?? []) log(`  ${line}`);
    log(outcome.message);
    tree.refresh();
    if (outcome.ok) void window.showInformationMessage(outcome.message);
    else if (outcome.cancelled) void window.showWarningMessage(outcome.message);
    else void fail(outcome.message);
    return outcome;
  }

  /** apply, update and the rollbacks: pick, check protection, preview, confirm, run */
  async function change(action: ChangeAction, raw: unknown): Promise<RunOutcome | undefined> {
    const args = argumentsOf(raw);
    const environment = await environmentOf(args, action === 'apply' || action === 'update' ? 'Apply to which environment?' : 'Roll back on which environment?');
    if (!environment) return undefined;
    if (environment.readOnly) {
      const message = `Environment '${environment.name}' is read-only: nothing was changed.`;
      void fail(message);
      return { ok: false, message, changesets: [] };
    }
    let changeset = args.changeset;
    if (action === 'apply' && !changeset) changeset = await pickChangeset(environment.name, ['pending', 'failed'], 'Which pending changeset?');
    if (action === 'rollback' && !changeset) changeset = await pickChangeset(environment.name, ['applied', 'drifted', 'failed'], 'Which applied changeset?');
    if ((action === 'apply' || action === 'rollback') && !changeset) return undefined;
    let tag = args.tag;
    if (action === 'rollbackToTag' && tag === undefined) {
      tag = await pickTag(environment.name);
      if (!tag) return undefined;
    }
    await saveChangelogs();
    const preview = await client.sendRequest<Preview>(PreviewRequest, { environment: environment.name, action, changeset, tag });
    if (!preview.ok) {
      log(preview.error ?? 'nothing to do');
      if (preview.nothing) void window.showInformationMessage(preview.error ?? 'Nothing to do.');
      else void fail(preview.error ?? 'The preview failed.');
      return { ok: false, message: preview.error ?? 'Nothing to do.', changesets: [] };
    }
    if (!(await confirmProtected(environment, preview.title))) return CANCELLED;
    if (args.confirm === false) return CANCELLED;
    if (args.confirm !== true) {
      await previews.show(preview);
      if (!(await confirmPreview(preview))) return CANCELLED;
    }
    return run({ environment: environment.name, action, changeset, tag }, `pg-changesets: ${preview.title}`);
  }

  async function pickTag(environment: string): Promise<string | undefined> {
    const tags = (await statusOf(environment)).changesets.filter((c) => c.tag).map((c) => c.tag!);
    if (tags.length === 0) return window.showInputBox({ prompt: `Roll back ${environment} to which tag?`, placeHolder: 'v1.0' });
    return (await window.showQuickPick(tags.reverse(), { placeHolder: `Roll back ${environment} to which tag? Everything applied after it is rolled back.` })) ?? undefined;
  }

  /** tag and release lock: a change without SQL to preview */
  async function simpleChange(action: RunAction, raw: unknown): Promise<RunOutcome | undefined> {
    const args = argumentsOf(raw);
    const environment = await environmentOf(args, action === 'tag' ? 'Tag which environment?' : 'Release the lock of which environment?');
    if (!environment) return undefined;
    if (environment.readOnly) {
      const message = `Environment '${environment.name}' is read-only: nothing was changed.`;
      void fail(message);
      return { ok: false, message, changesets: [] };
    }
    let tag = args.tag;
    if (action === 'tag' && tag === undefined) {
      tag = await window.showInputBox({ prompt: `Tag the last applied changeset of ${environment.name}`, placeHolder: 'v1.0', validateInput: (v) => (v.trim() ? undefined : 'A tag is needed') });
      if (!tag) return undefined;
    }
    const what = action === 'tag' ? `Tag ${environment.name} as '${tag}'` : `Release the change log lock of ${environment.name}`;
    if (!(await confirmProtected(environment, what))) return CANCELLED;
    if (args.confirm === false) return CANCELLED;
    if (action === 'releaseLock' && args.confirm !== true) {
      const answer = await window.showWarningMessage(`${what}?`, { modal: true, detail: 'Only when no other update is running: the lock keeps two runs from applying the same changesets.' }, 'Release');
      if (answer !== 'Release') return CANCELLED;
    }
    return run({ environment: environment.name, action, tag }, `pg-changesets: ${what}`);
  }

  const register = (id: string, handler: (raw: unknown) => Promise<unknown>) =>
    context.subscriptions.push(
      commands.registerCommand(id, async (raw: unknown) => {
        try {
          return await handler(raw);
        } catch (error) {
          // a failure of the client itself (the server stopped, …): one line, the details in the output
          fail((error as Error).message.split('\n')[0]);
          return undefined;
        }
      }),
    );

  register('pgChangesets.applyChangeset', (raw) => change('apply', raw));
  register('pgChangesets.updateEnvironment', (raw) => change('update', raw));
  register('pgChangesets.rollbackLast', (raw) => change('rollbackLast', raw));
  register('pgChangesets.rollbackToTag', (raw) => change('rollbackToTag', raw));
  register('pgChangesets.rollbackChangeset', (raw) => change('rollback', raw));
  register('pgChangesets.tagEnvironment', (raw) => simpleChange('tag', raw));
  register('pgChangesets.releaseLock', (raw) => simpleChange('releaseLock', raw));

  register('pgChangesets.verifyRollbacks', async (raw) => {
    const args = argumentsOf(raw);
    const environment = await environmentOf(args, 'Verify rollbacks with which environment (a scratch database is made there)?');
    if (!environment) return undefined;
    await saveChangelogs();
    return run({ environment: environment.name, action: 'verify' }, `pg-changesets: Verify rollbacks (scratch database for ${environment.name})`);
  });

  register('pgChangesets.showStatus', async (raw) => {
    const args = argumentsOf(raw);
    const name = args.environment ?? environments.current;
    const status = await statusOf(name);
    tree.refresh();
    await commands.executeCommand('pgChangesets.environments.focus');
    if (status.error) {
      void fail(status.error);
      return status;
    }
    const counts = new Map<string, number>();
    for (const c of status.changesets) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
    const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(', ') || 'no changesets';
    void window.showInformationMessage(`${name} (${status.description}): ${summary}.`);
    return status;
  });

  register('pgChangesets.refresh', async (raw) => {
    const args = argumentsOf(raw);
    const names = args.environment ? [args.environment] : [...new Set([environments.current, ...tree.statuses.keys()])];
    const statuses = [];
    for (const name of names) statuses.push(await statusOf(name, true));
    tree.refresh();
    return statuses;
  });

  register('pgChangesets.selectEnvironment', async (raw) => {
    const args = argumentsOf(raw);
    const environment = await environmentOf(args, 'Switch to which environment?');
    if (!environment) return undefined;
    await environments.setCurrent(environment.name);
    tree.refresh();
    return environment.name;
  });

  register('pgChangesets.setPassword', async (raw) => {
    const args = argumentsOf(raw);
    const environment = await environmentOf(args, 'Set the password of which environment?');
    if (!environment) return undefined;
    const password = args.password ?? (await window.showInputBox({
      title: `Password for ${environment.name}`,
      prompt: `The password of ${environment.description}, kept in VS Code's secret storage (empty removes it)`,
      password: true,
      ignoreFocusOut: true,
    }));
    if (password === undefined) return undefined;
    await environments.storePassword(environment.name, password);
    log(`password of ${environment.name} ${password === '' ? 'removed' : 'stored'} in secret storage`);
    return true;
  });

  register('pgChangesets.openChangeset', async (raw) => {
    const args = argumentsOf(raw);
    const ref = args.changeset as (ChangesetRef & { line?: number }) | undefined;
    if (!ref) return undefined;
    let { file, line } = ref;
    if (line === undefined || !file.startsWith('/')) {
      const found = (await statusOf(args.environment ?? environments.current)).changesets.find((c) => c.id === ref.id && c.author === ref.author && (c.file === ref.file || c.logicalPath === ref.file || c.file?.endsWith(ref.file)));
      if (!found?.file) return void fail(`No changeset ${ref.file}::${ref.id}::${ref.author} in the workspace's changelogs.`);
      file = found.file;
      line = found.line;
    }
    const editor = await window.showTextDocument(Uri.file(file));
    const at = new Range(line ?? 0, 0, line ?? 0, 0);
    editor.selection = new Selection(at.start, at.start);
    editor.revealRange(at, TextEditorRevealType.InCenterIfOutsideViewport);
    return file;
  });

  register('pgChangesets.copyIdentity', async (raw) => {
    const node = raw as SidebarNode | undefined;
    const args = argumentsOf(raw);
    let identity = node?.kind === 'changeset' ? node.status.identity : undefined;
    if (!identity && args.changeset) {
      const ref = args.changeset;
      const found = (await statusOf(args.environment ?? environments.current)).changesets.find((c) => c.id === ref.id && c.author === ref.author && (c.file === ref.file || c.logicalPath === ref.file));
      identity = found?.identity ?? `${ref.file}::${ref.id}::${ref.author}`;
    }
    if (!identity) return undefined;
    await env.clipboard.writeText(identity);
    window.setStatusBarMessage(`Copied ${identity}`, 3000);
    return identity;
  });
}
