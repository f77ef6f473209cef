// The Changesets side bar as a user sees it: rows read from the real workbench's DOM.
import * as vscode from 'vscode';
import { until } from './waiting';
import { readTree, type TreeRowSeen } from './workbench';

export type ShownState = 'applied' | 'pending' | 'drifted' | 'failed' | 'unknown';

/** What the row says about its state: its description, tooltip-derived aria label or icon. */
export function shownState(row: TreeRowSeen): ShownState {
  const said = `${row.description} ${row.ariaLabel}`.toLowerCase();
  for (const state of ['drifted', 'failed', 'pending', 'applied'] as const) if (said.includes(state)) return state;
  return 'unknown';
}

/** Opens the Changesets view, expands `environment`, and waits until `changesetId` shows `state` under it. */
export async function waitForTreeState(environment: string, changesetId: string, state: ShownState, timeoutMs = 30_000): Promise<TreeRowSeen> {
  await vscode.commands.executeCommand('workbench.view.extension.pgChangesets');
  return until(
    `the side bar to show ${changesetId} as ${state} under ${environment}`,
    async () => {
      const rows = await readTree([environment]);
      const row = rowUnder(rows, environment, changesetId);
      return row && shownState(row) === state ? row : undefined;
    },
    timeoutMs,
  );
}

/** The row whose label starts with `changesetId` among the children of the environment row named `environment`. */
export function rowUnder(rows: TreeRowSeen[], environment: string, changesetId: string): TreeRowSeen | undefined {
  const start = rows.findIndex((r) => r.level === 1 && r.label === environment);
  if (start < 0) return undefined;
  for (const row of rows.slice(start + 1)) {
    if (row.level === 1) return undefined;
    if (row.label.includes(changesetId)) return row;
  }
  return undefined;
}
