// Before any change: the exact SQL in a read-only editor, then a modal Apply / Cancel; for a protected
// environment, its name typed by hand first.
import { Disposable, EventEmitter, TextDocumentContentProvider, Uri, ViewColumn, window, workspace } from 'vscode';
import type { EnvironmentInfo, Preview } from '../../server/src/environments/protocol';

export const PREVIEW_SCHEME = 'pgchangesets-preview';

/** Documents of this scheme have no file behind them, so VS Code opens them read-only. */
export class SqlPreviews implements TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;
  private count = 0;

  register(): Disposable {
    return Disposable.from(workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this), this.changed);
  }

  provideTextDocumentContent(uri: Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async show(preview: Preview): Promise<void> {
    const name = preview.title.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '');
    const uri = Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name}.sql`, query: String(++this.count) });
    this.texts.set(uri.toString(), `-- ${preview.title}\n-- Nothing has run yet: this is the SQL that will be sent.\n\n${preview.sql}`);
    const document = await workspace.openTextDocument(uri);
    await window.showTextDocument(document, { preview: true, preserveFocus: false, viewColumn: ViewColumn.Active });
  }
}

/** Apply / Cancel over the preview; true when the user chose Apply */
export async function confirmPreview(preview: Preview): Promise<boolean> {
  const detail = `${preview.changesets.length} changeset${preview.changesets.length === 1 ? '' : 's'}:\n${preview.changesets.slice(0, 12).join('\n')}${preview.changesets.length > 12 ? '\n…' : ''}\n\nThe SQL is open in the editor.`;
  const answer = await window.showWarningMessage(`${preview.title}?`, { modal: true, detail }, 'Apply');
  return answer === 'Apply';
}

/**
 * A protected environment takes its name typed by hand before any change, whatever the caller passed as
 * `confirm`: a click or a test argument must never be enough to change it.
 */
export async function confirmProtected(environment: EnvironmentInfo, what: string): Promise<boolean> {
  if (!environment.protected) return true;
  const typed = await window.showInputBox({
    title: `${environment.name} is protected`,
    prompt: `${what}. Type the environment's name, ${environment.name}, to go on.`,
    placeHolder: environment.name,
    ignoreFocusOut: true,
    validateInput: (value) => (value === '' || value === environment.name ? undefined : `Type ${environment.name} exactly`),
  });
  return typed === environment.name;
}
