// The environments as the editor shows them: the setting sent to the server, the current one in the status bar,
// and passwords in SecretStorage (handed to the server when it asks, never written anywhere else).
import { EventEmitter, ExtensionContext, QuickPickItem, StatusBarAlignment, window, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  EnvironmentInfo, EnvironmentSetting, ListEnvironments, PasswordParams, PasswordRequest, SetEnvironments, SetEnvironmentsParams,
} from '../../server/src/environments/protocol';

const CURRENT_KEY = 'pgChangesets.currentEnvironment';
const secretKey = (environment: string) => `pgChangesets.password.${environment}`;

export class Environments {
  private readonly changed = new EventEmitter<void>();
  /** the current environment or the list changed */
  readonly onDidChange = this.changed.event;
  private readonly statusBar = window.createStatusBarItem('pgChangesets.environment', StatusBarAlignment.Left, 50);

  constructor(private readonly context: ExtensionContext, private readonly client: LanguageClient) {
    this.statusBar.name = 'pg-changesets environment';
    this.statusBar.command = 'pgChangesets.selectEnvironment';
    this.showCurrent();
    this.statusBar.show();
    context.subscriptions.push(this.statusBar, this.changed);
    context.subscriptions.push(client.onRequest(PasswordRequest, (params: PasswordParams) => this.password(params.environment)));
    context.subscriptions.push(
      workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('pgChangesets.environments')) return;
        this.sendSettings();
        this.changed.fire();
      }),
    );
  }

  get current(): string {
    return this.context.workspaceState.get<string>(CURRENT_KEY) ?? 'local';
  }

  async setCurrent(name: string): Promise<void> {
    await this.context.workspaceState.update(CURRENT_KEY, name);
    this.showCurrent();
    this.sendSettings();
    this.changed.fire();
  }

  private showCurrent(): void {
    this.statusBar.text = `$(database) ${this.current}`;
    this.statusBar.tooltip = `pg-changesets: changes go to the environment '${this.current}'. Click to switch.`;
  }

  /** the setting, the storage folder of the default `local` PGlite, and the current environment, to the server */
  sendSettings(): void {
    const params: SetEnvironmentsParams = {
      environments: workspace.getConfiguration('pgChangesets').get<EnvironmentSetting[]>('environments') ?? [],
      // context.storageUri is per workspace; with no folder open, the global storage keeps `local`
      storageFolder: (this.context.storageUri ?? this.context.globalStorageUri).fsPath,
      current: this.current,
    };
    void this.client.sendNotification(SetEnvironments, params);
  }

  list(): Promise<EnvironmentInfo[]> {
    return this.client.sendRequest<EnvironmentInfo[]>(ListEnvironments, {});
  }

  async find(name: string): Promise<EnvironmentInfo | undefined> {
    return (await this.list()).find((e) => e.name === name);
  }

  /** a quick pick of the environments, the current one first */
  async pick(placeHolder: string): Promise<EnvironmentInfo | undefined> {
    const list = await this.list();
    const ordered = [...list.filter((e) => e.name === this.current), ...list.filter((e) => e.name !== this.current)];
    const items: (QuickPickItem & { info: EnvironmentInfo })[] = ordered.map((info) => ({
      label: info.name,
      description: `${info.description}${info.name === this.current ? ' (current)' : ''}`,
      detail: [info.protected ? 'protected' : '', info.readOnly ? 'read-only' : '', info.contexts.length ? `contexts: ${info.contexts.join(', ')}` : '', info.error ?? '']
        .filter(Boolean)
        .join(' · ') || undefined,
      info,
    }));
    return (await window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.info;
  }

  async password(environment: string): Promise<string | null> {
    return (await this.context.secrets.get(secretKey(environment))) ?? null;
  }

  async storePassword(environment: string, password: string): Promise<void> {
    if (password === '') await this.context.secrets.delete(secretKey(environment));
    else await this.context.secrets.store(secretKey(environment), password);
  }
}
