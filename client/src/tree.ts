// The "Changesets" sidebar: environments, and under each the state of every changeset the server reports.
import { commands, EventEmitter, MarkdownString, ThemeColor, ThemeIcon, TreeDataProvider, TreeItem, TreeItemCollapsibleState, Uri } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ChangelogsRequest, ChangesetState, ChangesetStatus, EnvironmentInfo, EnvironmentStatus, StatusRequest,
} from '../../server/src/environments/protocol';
import type { Environments } from './environments';

export type SidebarNode =
  | { kind: 'environment'; info: EnvironmentInfo }
  | { kind: 'changeset'; environment: string; status: ChangesetStatus }
  | { kind: 'message'; environment: string; text: string; tooltip?: string };

const ICONS: Record<ChangesetState, ThemeIcon> = {
  applied: new ThemeIcon('pass-filled', new ThemeColor('testing.iconPassed')),
  pending: new ThemeIcon('circle-large-outline'),
  drifted: new ThemeIcon('diff-modified', new ThemeColor('list.warningForeground')),
  'in-database-only': new ThemeIcon('database', new ThemeColor('disabledForeground')),
  failed: new ThemeIcon('error', new ThemeColor('testing.iconFailed')),
};

const STATE_TEXT: Record<ChangesetState, string> = {
  applied: 'applied',
  pending: 'pending',
  drifted: 'drifted: edited since applied',
  'in-database-only': 'in the database only',
  failed: 'failed',
};

export class ChangesetsTree implements TreeDataProvider<SidebarNode> {
  private readonly changed = new EventEmitter<SidebarNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** the last answer per environment, so a refresh of one environment does not read the others again */
  readonly statuses = new Map<string, EnvironmentStatus>();

  constructor(private readonly client: LanguageClient, private readonly environments: Environments) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: SidebarNode): Promise<SidebarNode[]> {
    if (!node) {
      const changelogs = await this.client.sendRequest<string[]>(ChangelogsRequest, {});
      // the welcome view (package.json viewsWelcome) shows while the tree is empty
      await commands.executeCommand('setContext', 'pgChangesets.noChangelog', changelogs.length === 0);
      if (changelogs.length === 0) return [];
      return (await this.environments.list()).map((info) => ({ kind: 'environment', info }));
    }
    if (node.kind !== 'environment') return [];
    const environment = node.info.name;
    const status = await this.client.sendRequest<EnvironmentStatus>(StatusRequest, { environment });
    this.statuses.set(environment, status);
    const children: SidebarNode[] = status.changesets.map((s) => ({ kind: 'changeset', environment, status: s }));
    if (status.error) children.unshift({ kind: 'message', environment, text: status.error, tooltip: status.error });
    return children;
  }

  getTreeItem(node: SidebarNode): TreeItem {
    if (node.kind === 'environment') return this.environmentItem(node.info);
    if (node.kind === 'message') {
      const item = new TreeItem(node.text, TreeItemCollapsibleState.None);
      item.iconPath = new ThemeIcon('warning', new ThemeColor('list.errorForeground'));
      item.tooltip = node.tooltip;
      item.contextValue = 'message';
      return item;
    }
    return changesetItem(node.environment, node.status);
  }

  private environmentItem(info: EnvironmentInfo): TreeItem {
    const current = info.name === this.environments.current;
    const item = new TreeItem(info.name, current ? TreeItemCollapsibleState.Expanded : TreeItemCollapsibleState.Collapsed);
    item.id = `environment:${info.name}`;
    item.description = [info.description, current ? 'current' : '', info.protected ? 'protected' : '', info.readOnly ? 'read-only' : ''].filter(Boolean).join(' · ');
    item.iconPath = new ThemeIcon(info.kind === 'pglite' ? 'database' : 'server-environment');
    item.tooltip = new MarkdownString(
      [`**${info.name}**: ${info.description}`, info.contexts.length ? `contexts: ${info.contexts.join(', ')}` : '', info.labels ? `labels: ${info.labels}` : '', info.error ?? '']
        .filter(Boolean)
        .join('\n\n'),
    );
    item.contextValue = info.readOnly ? 'environment.readOnly' : 'environment';
    return item;
  }
}

function changesetItem(environment: string, status: ChangesetStatus): TreeItem {
  const item = new TreeItem(status.id, TreeItemCollapsibleState.None);
  item.id = `changeset:${environment}:${status.identity}`;
  item.iconPath = ICONS[status.state];
  item.description = `${status.author} · ${STATE_TEXT[status.state]}${status.selected || status.state === 'in-database-only' ? '' : ' · not selected by contexts/labels'}`;
  item.tooltip = tooltipOf(status);
  // view/item/context menus match on this: changeset.applied, changeset.pending, changeset.drifted, …
  item.contextValue = `changeset.${status.state}`;
  if (status.file) {
    item.resourceUri = Uri.file(status.file);
    item.command = { command: 'pgChangesets.openChangeset', title: 'Open Changeset', arguments: [{ environment, changeset: status }] };
  }
  return item;
}

function tooltipOf(s: ChangesetStatus): MarkdownString {
  const lines = [`**${s.identity}**`, `*${STATE_TEXT[s.state]}*`];
  if (s.dateExecuted) lines.push(`executed ${s.dateExecuted} · order ${s.orderExecuted} · ${s.execType}${s.deploymentId ? ` · deployment ${s.deploymentId}` : ''}`);
  if (s.tag) lines.push(`tag: ${s.tag}`);
  if (s.reruns) lines.push('runs again on update (runOnChange/runAlways)');
  if (s.state === 'drifted') lines.push(`edited since it was applied: stored checksum ${s.storedChecksum}, now ${s.currentChecksum}`);
  if (s.state === 'in-database-only') lines.push('recorded in DATABASECHANGELOG, but no changelog of the workspace has it');
  if (s.error) lines.push(`last attempt: ${s.error}`);
  const markdown = new MarkdownString(lines.join('\n\n'));
  markdown.isTrusted = false;
  return markdown;
}
