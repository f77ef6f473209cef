// Runs an extension's mocha suite in a REAL VS Code: code-server (VS Code's server, its Node extension host and
// its web workbench) on a free local port, loaded by Debian's headless Chromium through playwright-core.
//
// How the suite gets in: code-server is started with `--vscode-option enable-smoke-test-driver`, without which a
// built workbench ignores the extensionDevelopmentPath / extensionTestsPath payload in the URL
// (resolveExtensionHostDebugEnvironment reads it only when `!isBuilt || enableSmokeTestDriver`). The workbench
// then loads the extension as a development extension, runs `run()` of the tests module in the extension host,
// and reports through window.codeAutomationLog / codeAutomationExit, the contract @vscode/test-web uses too.
//
// UI steps the extension API cannot do (typing into an input box, pressing a modal's button, screenshots) are
// done here, on the suite's request: the suite POSTs to a small HTTP endpoint on 127.0.0.1 whose address it
// reads from PGCS_E2E_DRIVER (the extension host inherits code-server's environment). See suite/workbench.ts.
//
// Everything the run writes (VS Code's user data, HOME, XDG dirs, Chromium's profile) is in a temp folder:
// code-server and Chromium otherwise write to ~/.config, ~/.local/share and ~/.cache.

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Tools } from './tools';
import type { UiRequest } from './suite/workbench';

export interface WorkbenchOptions {
  tools: Tools;
  /** the extension folder (package.json + dist/), loaded as a development extension */
  extensionPath: string;
  /** the bundled mocha entry exporting run() */
  testsPath: string;
  /** the folder VS Code opens */
  workspace: string;
  /** screenshots the suite asks for go here, as <name>.png */
  screenshotDir: string;
  /** code-server's log, the extension host's output and a screenshot on failure go here */
  logDir: string;
  /** extra environment for code-server and so for the extension host and the suite */
  env?: Record<string, string>;
  /** VS Code user settings besides the quiet defaults below */
  userSettings?: Record<string, unknown>;
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface WorkbenchResult {
  /** the suite's exit code (failures count), or 'timeout' */
  exitCode: number | 'timeout';
  /** the lines the suite wrote (mocha's spec reporter included) */
  output: string[];
  /** where VS Code kept its user data (settings, logs, workspace storage) for this run */
  dataDir: string;
}

export async function runSuiteInWorkbench(options: WorkbenchOptions): Promise<WorkbenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  mkdirSync(options.screenshotDir, { recursive: true });
  const output: string[] = [];
  let page: Page | undefined;
  const driver = await startDriver(() => page, options, log);
  let finished: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (finished = resolve));
  mkdirSync(options.logDir, { recursive: true });
  const outputFile = createWriteStream(join(options.logDir, 'extension-host.log'));
  const session = await openWorkbench({
    ...options,
    smokeTestDriver: true,
    env: { ...options.env, PGCS_E2E_DRIVER: driver.url },
    payload: (remote) => [
      ['extensionDevelopmentPath', remote(options.extensionPath)],
      ['extensionTestsPath', remote(options.testsPath)],
    ],
    beforeLoad: async (p) => {
      page = p;
      await p.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
        // console.log in the extension host arrives printf-style; %c lines are the workbench's own styling noise
        if (/^%c/.test(String(args?.[0]))) return;
        const text = format(...(args ?? []));
        output.push(text);
        outputFile.write(`[${type}] ${text}\n`);
        // the workbench's own log lines arrive here too; mocha's spec reporter indents every line it writes
        if (text === '' || /^\s/.test(text) || type === 'error') log(text);
      });
      await p.exposeFunction('codeAutomationExit', (code: number) => finished(code));
    },
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
    const exitCode = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (exitCode !== 0) await session.page.screenshot({ path: join(options.logDir, 'at-exit.png') }).catch(() => undefined);
    return { exitCode, output, dataDir: session.dataDir };
  } finally {
    outputFile.end();
    await session.close();
    await new Promise((resolve) => driver.server.close(resolve));
  }
}

export interface SessionOptions {
  tools: Tools;
  workspace: string;
  logDir: string;
  /** where code-server finds installed extensions (default: an empty folder) */
  extensionsDir?: string;
  /**
   * VS Code's smoke-test driver: required for the payload's extensionDevelopmentPath / extensionTestsPath to
   * be read by a built workbench; a user's workbench runs without it
   */
  smokeTestDriver?: boolean;
  payload?: (remote: (path: string) => string) => Array<[string, string]>;
  /** called with the page before the workbench loads (exposeFunction must come first) */
  beforeLoad?: (page: Page) => Promise<void>;
  env?: Record<string, string>;
  userSettings?: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface WorkbenchSession {
  page: Page;
  /** VS Code's user data (settings, logs, workspace storage), HOME and the browser profile of this session */
  dataDir: string;
  close(): Promise<void>;
}

/** code-server on a free port with everything in a temp folder, and Chromium showing its workbench. */
export async function openWorkbench(options: SessionOptions): Promise<WorkbenchSession> {
  const log = options.log ?? ((line: string) => console.log(line));
  mkdirSync(options.logDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'pgcs-e2e-vscode-'));
  const port = await freePort();
  const server = await startCodeServer(port, dataDir, options);
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await stopProcess(server);
  };
  try {
    browser = await chromium.launch({
      executablePath: options.tools.chromium,
      headless: true,
      // Chromium writes ~/.config/chromium/Crash Reports and ~/.cache/dconf even with a temporary profile
      env: { ...process.env, HOME: join(dataDir, 'browser-home'), XDG_CONFIG_HOME: join(dataDir, 'browser-home', '.config'), XDG_CACHE_HOME: join(dataDir, 'browser-home', '.cache') },
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('pageerror', (e) => log(`[e2e] [page error] ${e.message}`));
    await options.beforeLoad?.(page);
    const authority = `127.0.0.1:${port}`;
    const remote = (path: string) => `vscode-remote://${authority}${path}`;
    const payload = [...(options.payload?.(remote) ?? []), ['skipWelcome', 'true']];
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    log(`[e2e] workbench loaded (code-server on ${authority}, data in ${dataDir})`);
    return { page, dataDir, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function startCodeServer(port: number, dataDir: string, options: SessionOptions): Promise<ChildProcess> {
  const home = join(dataDir, 'home');
  mkdirSync(join(dataDir, 'user-data', 'User'), { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(dataDir, 'user-data', 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.enableExperiments': false,
        'workbench.tips.enabled': false,
        'chat.disableAIFeatures': true,
        'security.workspace.trust.enabled': false,
        // the secondary side bar (chat) would take a third of every screenshot
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...options.userSettings,
      },
      null,
      2,
    ),
  );
  const args = [
    options.tools.codeServer,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    '--config', join(dataDir, 'config.yaml'),
    '--user-data-dir', join(dataDir, 'user-data'),
    '--extensions-dir', options.extensionsDir ?? join(dataDir, 'extensions'),
    options.workspace,
  ];
  const env = {
    ...process.env,
    ...options.env,
    PGCS_E2E_USER_DATA: join(dataDir, 'user-data'),
    // the VS Code server writes ~/.cache/Microsoft/DeveloperTools/deviceid, code-server ~/.config/code-server
    HOME: home,
    XDG_CONFIG_HOME: join(dataDir, 'xdg-config'),
    XDG_DATA_HOME: join(dataDir, 'xdg-data'),
    XDG_CACHE_HOME: join(dataDir, 'xdg-cache'),
    // no marketplace: code-server otherwise queries open-vsx.org, which fails offline
    EXTENSIONS_GALLERY: '{}',
  };
  const child = spawn(options.tools.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = createWriteStream(join(options.logDir, 'code-server.log'));
  child.stdout!.pipe(logFile);
  child.stderr!.pipe(logFile);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s; see ${options.logDir}/code-server.log`)), 60_000);
    child.stdout!.on('data', (d) => {
      if (/HTTP server listening on/.test(String(d))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (${code}); see ${options.logDir}/code-server.log`));
    });
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ───────────────────────────── UI steps the suite asks for ─────────────────────────────

async function startDriver(currentPage: () => Page | undefined, options: { logDir: string; screenshotDir: string }, log: (line: string) => void): Promise<{ server: Server; url: string }> {
  let failedSteps = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', async () => {
      try {
        const page = currentPage();
        if (!page) throw new Error('no workbench page yet');
        const result = await performUiRequest(page, JSON.parse(body) as UiRequest, options);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
      } catch (e) {
        log(`[e2e] UI step failed: ${body}: ${(e as Error).message}`);
        const shot = join(options.logDir, `ui-step-failed-${++failedSteps}.png`);
        await currentPage()?.screenshot({ path: shot }).then(() => log(`[e2e] the workbench then: ${shot}`), () => undefined);
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: (e as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const STEP_TIMEOUT_MS = 20_000;

async function performUiRequest(page: Page, request: UiRequest, options: { screenshotDir: string }): Promise<unknown> {
  switch (request.action) {
    case 'screenshot': {
      // let animations (quick input fade, tree expansion) settle so the picture shows the final state
      await page.waitForTimeout(request.settleMs ?? 600);
      const path = join(options.screenshotDir, `${request.name}.png`);
      await page.screenshot({ path });
      return path;
    }
    case 'readInputBox': {
      const widget = page.locator('.quick-input-widget').filter({ visible: true });
      await widget.waitFor({ timeout: STEP_TIMEOUT_MS });
      const title = (await widget.locator('.quick-input-title').textContent().catch(() => '')) ?? '';
      const message = (await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? '';
      const placeholder = (await widget.locator('input').getAttribute('placeholder')) ?? '';
      const type = (await widget.locator('input').getAttribute('type')) ?? '';
      return { title, message, placeholder, type };
    }
    case 'typeIntoInputBox': {
      const input = page.locator('.quick-input-widget input').filter({ visible: true });
      await input.waitFor({ timeout: STEP_TIMEOUT_MS });
      await input.click();
      // real key presses, as a user types (fill() would skip the key events)
      await input.pressSequentially(request.text, { delay: 15 });
      if (request.submit !== false) await input.press('Enter');
      return undefined;
    }
    case 'typeText': {
      await page.keyboard.type(request.text, { delay: 15 });
      return undefined;
    }
    case 'pressKey': {
      await page.keyboard.press(request.key);
      return undefined;
    }
    case 'readDialog': {
      const dialog = page.locator('.monaco-dialog-box').filter({ visible: true });
      await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
      const message = (await dialog.locator('.dialog-message-text').textContent()) ?? '';
      const detail = (await dialog.locator('.dialog-message-detail').textContent().catch(() => '')) ?? '';
      const buttons = await dialog.locator('.dialog-buttons .monaco-button').allTextContents();
      return { message, detail, buttons: buttons.map((b) => b.trim()) };
    }
    case 'clickDialogButton': {
      const button = page.locator('.monaco-dialog-box .dialog-buttons .monaco-button').filter({ visible: true, hasText: request.label });
      await button.first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await button.first().click();
      return undefined;
    }
    case 'readTree': {
      // the rows of the views in the side bar, as drawn; rows named in `expand` are opened first, by a click
      const rows = page.locator('.part.sidebar .monaco-list-row');
      await rows.first().waitFor({ timeout: STEP_TIMEOUT_MS });
      for (const name of request.expand ?? []) {
        const row = page.locator('.part.sidebar .monaco-list-row[aria-expanded="false"]').filter({ has: page.locator('.label-name', { hasText: name }) }).first();
        if (await row.count()) await row.locator('.monaco-tl-twistie').click();
      }
      await page.waitForTimeout(300);
      return rows.evaluateAll((elements) =>
        elements.map((row) => ({
          level: Number(row.getAttribute('aria-level') ?? '0'),
          label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
          ariaLabel: row.getAttribute('aria-label') ?? '',
          expanded: row.getAttribute('aria-expanded'),
          icon: [...(row.querySelector('.custom-view-tree-node-item-icon')?.classList ?? [])].find((c) => c.startsWith('codicon-') && c !== 'codicon') ?? '',
        })),
      );
    }
    case 'waitForText': {
      await page.locator(request.selector ?? 'body').filter({ hasText: request.text }).first().waitFor({ timeout: request.timeoutMs ?? STEP_TIMEOUT_MS });
      return undefined;
    }
  }
}
