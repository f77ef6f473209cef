// The suite's side of the UI steps: the extension host cannot type into an input box, press a modal's button
// or take a screenshot, so it asks the launcher (test/e2e/workbench.ts), which does it with playwright in the
// real workbench page. A request returns when the step is done, or throws with the launcher's reason.

export type UiRequest =
  | { action: 'screenshot'; name: string; settleMs?: number }
  | { action: 'readInputBox' }
  | { action: 'typeIntoInputBox'; text: string; submit?: boolean }
  | { action: 'typeText'; text: string }
  | { action: 'pressKey'; key: string }
  | { action: 'readDialog' }
  | { action: 'clickDialogButton'; label: string }
  | { action: 'readTree'; expand?: string[] }
  | { action: 'waitForText'; text: string; selector?: string; timeoutMs?: number };

export interface InputBoxSeen {
  title: string;
  message: string;
  placeholder: string;
  /** 'password' when the box hides what is typed */
  type: string;
}

export interface TreeRowSeen {
  /** 1 for the roots */
  level: number;
  label: string;
  description: string;
  /** what a screen reader says: VS Code uses the item's accessibility label, else its label and tooltip */
  ariaLabel: string;
  /** 'true', 'false', or null for a leaf */
  expanded: string | null;
  /** the codicon's class, e.g. 'codicon-pass' */
  icon: string;
}

export interface DialogSeen {
  message: string;
  detail: string;
  buttons: string[];
}

async function ui<T>(request: UiRequest): Promise<T> {
  const url = process.env.PGCS_E2E_DRIVER;
  if (!url) throw new Error('PGCS_E2E_DRIVER is not set: the suite runs only under test/e2e/workbench.ts');
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(request) });
  const answer = (await response.json()) as { ok: boolean; result?: T; error?: string };
  if (!answer.ok) throw new Error(`UI step ${request.action} failed: ${answer.error}`);
  return answer.result as T;
}

/** Saves the workbench as it is now to <screenshot dir>/<name>.png. */
export const screenshot = (name: string, settleMs?: number) => ui<string>({ action: 'screenshot', name, settleMs });
/** Waits for a visible input box (or quick pick) and says what it asks. */
export const readInputBox = () => ui<InputBoxSeen>({ action: 'readInputBox' });
/** Types into the visible input box key by key, then presses Enter unless `submit` is false. */
export const typeIntoInputBox = (text: string, submit = true) => ui<void>({ action: 'typeIntoInputBox', text, submit });
/** Types into whatever has the keyboard focus (the active editor, after showTextDocument). */
export const typeText = (text: string) => ui<void>({ action: 'typeText', text });
export const pressKey = (key: string) => ui<void>({ action: 'pressKey', key });
/** Waits for a visible modal dialog and returns its text and buttons. */
export const readDialog = () => ui<DialogSeen>({ action: 'readDialog' });
export const clickDialogButton = (label: string) => ui<void>({ action: 'clickDialogButton', label });
export const waitForText = (text: string, selector?: string, timeoutMs?: number) => ui<void>({ action: 'waitForText', text, selector, timeoutMs });
/** The side bar's tree rows as drawn, after opening the rows whose labels are in `expand`. */
export const readTree = (expand: string[] = []) => ui<TreeRowSeen[]>({ action: 'readTree', expand });
