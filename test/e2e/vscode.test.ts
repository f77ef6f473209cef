// The extension in a real VS Code: package the .vsix, install it with code-server, and run the mocha suite in
// test/e2e/suite/ in VS Code's real Node extension host, with the installed files as the extension, a temp
// copy of examples/ as the workspace, the embedded PGlite and a real PostgreSQL (test/db/postgres.ts).
//
//   npm run test:e2e                         this file alone (npm test runs it after the other projects)
//   PGCS_E2E_GREP='local environment' …      only the suite's tests whose names match
//   npm run screenshots                      the same run, writing the screenshots into docs/screenshots/
//
// Tools are installed on first use (test/e2e/tools.ts, ~3 min once, cached). The run writes its logs,
// the extension host's output and (by default) the screenshots to test-results/e2e/.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, PASSWORD, testEnv } from '../db/postgres';
import { ensureTools, type Tools } from './tools';
import type { Page } from 'playwright-core';
import { localPgliteFolder, pgliteState } from './suite/databases';
import { openWorkbench, runSuiteInWorkbench, type WorkbenchResult, type WorkbenchSession } from './workbench';
import { SUITE_FILES } from './suite/index';

const repo = resolve(__dirname, '../..');
const results = join(repo, 'test-results', 'e2e');
const screenshotDir = resolve(repo, process.env.PGCS_E2E_SCREENSHOTS || join(results, 'screenshots'));
const found = await ensureTools((line) => console.log(line));

if ('skip' in found) {
  console.warn(`[e2e] SKIPPED: ${found.skip}`);
  describe('the extension in a real VS Code', () => {
    it.skip(`is skipped: ${found.skip}`, () => undefined);
  });
} else {
  const tools: Tools = found.tools;
  const scratch = mkdtempSync(join(tmpdir(), 'pgcs-e2e-'));
  let extensionDir: string;
  let installOutput: string;
  let run: WorkbenchResult;
  let workspace: string;
  let databaseUrl: string;

  let settings: Record<string, unknown>;

  beforeAll(async () => {
    rmSync(results, { recursive: true, force: true });
    mkdirSync(results, { recursive: true });
    const vsix = packageVsix(scratch);
    ({ extensionDir, installOutput } = installWithCodeServer(tools, vsix, join(scratch, 'installed')));
    const database = await freshDatabase('e2e');
    databaseUrl = database.url;
    settings = {
      'pgChangesets.environments': [
        // no password in the URL: the suite stores it with the Set Password command (SecretStorage)
        { name: 'staging', url: `postgres://postgres@${database.server.host}:${database.server.port}/${database.name}` },
        { name: 'production', pglite: '.pgcs/production', protected: true },
      ],
    };
  }, 10 * 60_000);

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    if (run?.dataDir) rmSync(run.dataDir, { recursive: true, force: true });
  });

  describe('the packaged extension', () => {
    it('installs from the .vsix with code-server --install-extension', () => {
      expect(installOutput).toMatch(/Extension 'pg-changesets-0\.1\.0\.vsix' was successfully installed/);
      expect(existsSync(join(extensionDir, 'package.json'))).toBe(true);
    });

    it('ships the bundles, the grammar and the PGlite runtime files, and no sources, tests or source maps', () => {
      const files = listFiles(extensionDir);
      for (const file of ['dist/extension.js', 'dist/server.js', 'dist/server-main.js', 'dist/libpg-query.wasm', 'syntaxes/liquibase-sql.tmLanguage.json', 'node_modules/@electric-sql/pglite/dist/index.cjs', 'node_modules/@electric-sql/pglite/dist/pglite.wasm', 'node_modules/@electric-sql/pglite/dist/pglite.data', 'node_modules/@electric-sql/pglite/dist/initdb.wasm']) {
        expect(files).toContain(file);
      }
      expect(files.filter((f) => /\.(ts|map)$/.test(f) || /^(test|server|client|examples)\//.test(f))).toEqual([]);
      const megabytes = files.reduce((sum, f) => sum + statSync(join(extensionDir, f)).size, 0) / 2 ** 20;
      expect(megabytes).toBeLessThan(30);
    });

    it('ships every file its manifest points at (grammars, language configuration, icons, walkthrough media)', () => {
      const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const missing = manifestPaths(manifest).filter((p) => !existsSync(join(extensionDir, p)));
      expect(missing).toEqual([]);
    });
  });

  describe('the mocha suite in VS Code\'s extension host (code-server + Chromium)', () => {
    beforeAll(async () => {
      const suite = await buildSuite();
      workspace = copyExamples(join(scratch, 'suite', 'examples'), settings);
      run = await runSuiteInWorkbench({
        tools,
        extensionPath: extensionDir,
        testsPath: join(suite, 'index.js'),
        workspace,
        screenshotDir,
        logDir: join(results, 'suite'),
        timeoutMs: 10 * 60_000,
        env: {
          PGCS_PGLITE_CACHE: testEnv().PGCS_PGLITE_CACHE!,
          PGCS_E2E_PG_URL: databaseUrl,
          PGCS_E2E_PG_PASSWORD: PASSWORD,
          ...(process.env.PGCS_E2E_GREP ? { PGCS_E2E_GREP: process.env.PGCS_E2E_GREP } : {}),
        },
      });
    }, 12 * 60_000);

    it(`passes its mocha suite in the extension host (${SUITE_FILES.join(', ')})`, () => {
      const failures = run.output.filter((line) => /^\s+\d+\) /.test(line) || /Error|failing/.test(line));
      expect(run.exitCode, `the suite failed; see test-results/e2e/suite/extension-host.log\n${failures.join('\n')}`).toBe(0);
      expect(run.output.join('\n')).toMatch(/\d+ passing/);
    });

    it('keeps the PostgreSQL password out of settings, logs and the workspace', () => {
      // VS Code's user data holds settings, every log and every output channel; SecretStorage itself lives in
      // the browser profile, which is not part of this folder
      const leaks = [run.dataDir, workspace].flatMap((dir) => filesContaining(dir, PASSWORD));
      expect(leaks).toEqual([]);
    });
  });

  // What the suite cannot do: VS Code answers modal dialogs with Cancel by itself while an extension test
  // runner is loaded, so the preview's Apply button is clicked here, in a workbench started as a user's is
  // (the .vsix installed by code-server, no development extension, no test runner), from the command palette.
  describe('a user applying and rolling back from the palette (the installed .vsix, no test runner)', () => {
    let session: WorkbenchSession;
    let page: Page;
    let userWorkspace: string;
    const local = () => pgliteState(localPgliteFolder(join(session.dataDir, 'user-data'))!);

    beforeAll(async () => {
      userWorkspace = copyExamples(join(scratch, 'user', 'examples'), settings);
      session = await openWorkbench({
        tools,
        workspace: userWorkspace,
        extensionsDir: join(scratch, 'installed'),
        logDir: join(results, 'user'),
        env: { PGCS_PGLITE_CACHE: testEnv().PGCS_PGLITE_CACHE! },
      });
      page = session.page;
      // the status bar item appears when the extension has activated (workspaceContains a changelog)
      await page.locator('.statusbar-item', { hasText: 'local' }).first().waitFor({ timeout: 60_000 });
    }, 3 * 60_000);

    afterAll(async () => {
      await session?.page.screenshot({ path: join(results, 'user', 'at-end.png') }).catch(() => undefined);
      await session?.close();
      if (session) rmSync(session.dataDir, { recursive: true, force: true });
    });

    it('Apply Changeset… shows the SQL and a modal, and applies on Apply', async () => {
      await runFromPalette(page, 'pg-changesets: Apply Changeset…');
      await pickItem(page, 'local');
      await pickItem(page, '000-app-role');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      expect(await dialog.locator('.dialog-message-text').textContent()).toMatch(/000-app-role.*local/);
      // the preview editor behind the modal holds the statement that will run
      await page.locator('.editor-instance .view-lines', { hasText: 'CREATE ROLE' }).first().waitFor({ timeout: 10_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(screenshotDir, 'preview.png') });
      expect((await local()).applied).toEqual([]);

      await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      await expect.poll(async () => (await local()).applied, { timeout: 60_000, interval: 500 }).toEqual(['000-app-role']);
    });

    it('the Changesets side bar shows it applied and the next one pending', async () => {
      // the changelog in the editor (with its CodeLens) rather than the preview, as a user would look at it
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('changelog.yaml');
      await pickItem(page, 'changelog.yaml');
      await page.locator('.editor-instance .view-lines', { hasText: '001-create-customers' }).first().waitFor({ timeout: 15_000 });
      await page.locator('.activitybar .action-item a[aria-label^="Changesets"]').first().click();
      await expect.poll(() => treeRowDescription(page, '000-app-role'), { timeout: 30_000, interval: 500 }).toMatch(/applied/);
      expect(await treeRowDescription(page, '001-create-customers')).toMatch(/pending/);
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(screenshotDir, 'sidebar.png') });
    });

    it('Roll Back Last Changeset asks the same way and the changeset is pending again', async () => {
      await runFromPalette(page, 'pg-changesets: Roll Back Last Changeset');
      await pickItem(page, 'local');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      await expect.poll(async () => (await local()).applied, { timeout: 60_000, interval: 500 }).toEqual([]);
      await expect.poll(() => treeRowDescription(page, '000-app-role'), { timeout: 30_000, interval: 500 }).toMatch(/pending/);
    });
  });
}

async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

async function pickItem(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** The description a Changesets tree row shows (e.g. "alice · applied"), or '' when the row is not drawn. */
async function treeRowDescription(page: Page, changesetId: string): Promise<string> {
  const row = page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: changesetId }) }).first();
  if ((await row.count()) === 0) return '';
  return ((await row.locator('.label-description').textContent()) ?? '').trim();
}

function packageVsix(outDir: string): string {
  const vsix = join(outDir, 'pg-changesets-0.1.0.vsix');
  // exactly what `npm run package` does (vscode:prepublish builds dist/ first)
  execFileSync(join(repo, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], { cwd: repo, stdio: 'pipe' });
  return vsix;
}

function installWithCodeServer(tools: Tools, vsix: string, extensionsDir: string): { extensionDir: string; installOutput: string } {
  const home = join(extensionsDir, '..', 'install-home');
  mkdirSync(home, { recursive: true });
  const installOutput = execFileSync(
    tools.node,
    [tools.codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', join(home, 'user-data'), '--install-extension', vsix],
    { encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), EXTENSIONS_GALLERY: '{}' } },
  );
  const installed = readdirSync(extensionsDir).find((d) => d.startsWith('pg-changesets.pg-changesets-'));
  if (!installed) throw new Error(`code-server --install-extension left no pg-changesets folder in ${extensionsDir}:\n${installOutput}`);
  return { extensionDir: join(extensionsDir, installed), installOutput };
}

/** Bundles the suite into node_modules/.cache so that `mocha` resolves from the repo's node_modules. */
async function buildSuite(): Promise<string> {
  const out = join(repo, 'node_modules', '.cache', 'pg-changesets-e2e', 'suite');
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: ['index', ...SUITE_FILES.map((f) => f.replace(/\.js$/, ''))].map((f) => join(__dirname, 'suite', `${f}.ts`)),
    outdir: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    // mocha: one instance shared by index.js and the test files; PGlite: loads its WASM beside its module
    external: ['vscode', 'mocha', '@electric-sql/pglite', 'pg-native'],
  });
  return out;
}

function copyExamples(workspace: string, settings: Record<string, unknown>): string {
  // the changelog and its SQL files: not the demo script, nor a .pgcs/ database a demo run left behind
  cpSync(join(repo, 'examples'), workspace, { recursive: true, filter: (src) => !/[/\\](\.pgcs|run-demo\.mjs)$/.test(src) });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  return workspace;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Relative file paths in the manifest's contributes, icon and walkthroughs (values that name a file). */
function manifestPaths(manifest: Record<string, unknown>): string[] {
  const paths: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      if (/^(path|icon|image|markdown|svg|light|dark|configuration|media)$/.test(key) && /\.[a-z]{2,5}$/i.test(value) && !/^[a-z]+:/i.test(value)) {
        paths.push(value.replace(/^\.\//, ''));
      }
    } else if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(manifest.contributes, 'contributes');
  visit(manifest.icon, 'icon');
  return paths;
}

function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  return listFiles(dir).filter((f) => {
    const path = join(dir, f);
    try {
      return statSync(path).size < 50 * 2 ** 20 && readFileSync(path).includes(needle);
    } catch (error) {
      // the workbench is still running: a PGlite folder's postmaster.pid, a log rotated, may go between list and read
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }).map((f) => join(dir, f));
}
