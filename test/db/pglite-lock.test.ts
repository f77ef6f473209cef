// The inter-process lock of PGlite data directories, against real second processes: a child node process
// (test/db/fixtures/pglite-child.ts, bundled with esbuild) opens the same directory through openDriver.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../server/src/engine/connection-url';
import { type Driver, type DriverOptions, openDriver } from '../../server/src/engine/driver';
import { lockFileFor } from '../../server/src/engine/drivers/pglite';
import { ensureCliBuilt, errorLines, hasStackTrace, pgcs, removeWorkspaces, show, workspace } from './fixtures/engine-cli';
import { PGLITE_TEST_CACHE, testEnv } from './postgres';

const tmpRoot = mkdtempSync(join(tmpdir(), 'pgcs-pglite-lock-'));
const seed = join(tmpRoot, 'seed');
let childScript: string;
const children: ChildProcess[] = [];
let dirCount = 0;

async function open(dir: string, options: DriverOptions = {}): Promise<Driver> {
  return openDriver(parseTarget({ url: `pglite:${dir}`, env: testEnv(), cwd: tmpRoot }), options);
}

/** A PGlite data directory of its own: a copy of a seed made once (a warm start is faster than a fresh one). */
function freshDir(): string {
  const dir = join(tmpRoot, `db${++dirCount}`);
  cpSync(seed, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  // the child runs the same TypeScript sources, bundled; dependencies stay external, resolved from node_modules
  const outDir = resolve(PGLITE_TEST_CACHE, 'child');
  mkdirSync(outDir, { recursive: true });
  childScript = join(outDir, `pglite-child-${process.pid}.mjs`);
  const bundled = build({
    entryPoints: [resolve(__dirname, 'fixtures/pglite-child.ts')],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  await (await open(seed)).close();
  await bundled;
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(childScript, { force: true });
  rmSync(tmpRoot, { recursive: true, force: true });
});

/** Starts the child on `dir`; `lines` fills with its stdout lines, `waitFor` resolves when one matches. */
function child(dir: string, lockTimeoutMs: number, hold: number | 'forever') {
  const proc = spawn(process.execPath, [childScript, dir, String(lockTimeoutMs), String(hold)], {
    env: testEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  const waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  proc.stdout!.on('data', (d) => {
    buffer += d;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of waiters) if (w.re.test(line)) w.resolve(line);
    }
  });
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const waitFor = (re: RegExp, ms = 60_000) =>
    new Promise<string>((res, rej) => {
      const hit = lines.find((l) => re.test(l));
      if (hit) return res(hit);
      const timer = setTimeout(() => rej(new Error(`child never printed ${re}; stdout: ${lines.join(' | ')}; stderr: ${stderr}`)), ms);
      waiters.push({ re, resolve: (l) => (clearTimeout(timer), res(l)) });
    });
  return { proc, lines, exited, waitFor };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a PGlite data directory open in one process', () => {
  it('makes other processes wait: one gives up naming the holder when its wait times out, one gets in when the first closes', async () => {
    const dir = freshDir();
    const d = await open(dir, { applicationName: 'pgcs update' });
    const impatient = child(dir, 800, 0);
    const patient = child(dir, 60_000, 0);
    try {
      expect(await impatient.exited).toBe(3);
      expect(impatient.lines).toHaveLength(2);
      expect(impatient.lines[0]).toMatch(
        new RegExp(`^WAIT waiting for pglite:${escape(dir)}: in use by pid ${process.pid} \\(pgcs update\\) since \\S+$`),
      );
      expect(impatient.lines[1]).toMatch(
        new RegExp(
          `^ERROR pglite:${escape(dir)} is in use by pid ${process.pid} \\(pgcs update\\) since \\S+; ` +
            `gave up after 0\\.8 s \\(if that process is gone, delete ${escape(lockFileFor(dir))}\\)$`,
        ),
      );
      await patient.waitFor(/^WAIT /);
      // neither child touched the directory: our session still works, and what it commits is kept
      await d.execute('CREATE TABLE made_by_parent (id int)');
    } finally {
      await d.close();
    }
    await patient.waitFor(/^CLOSED$/);
    expect(await patient.exited).toBe(0);
    const again = await open(dir);
    try {
      expect((await again.query('SELECT count(*) AS n FROM made_by_parent')).rows).toEqual([{ n: 0 }]);
      expect((await again.query('SELECT count(*) AS n FROM child_was_here')).rows).toEqual([{ n: 1 }]);
    } finally {
      await again.close();
    }
  });

  it('is taken over from a process that was killed, with the data that process committed', async () => {
    const dir = freshDir();
    const c = child(dir, 60_000, 'forever');
    await c.waitFor(/^OPENED$/);
    c.proc.kill('SIGKILL');
    await c.exited;
    const left = JSON.parse(readFileSync(lockFileFor(dir), 'utf8'));
    expect(left).toMatchObject({ pid: c.proc.pid, host: hostname(), by: 'pglite-child' }); // left behind
    const recovered: string[] = [];
    const d = await open(dir, { lockTimeoutMs: 5000, onLockRecovered: (m) => recovered.push(m) });
    try {
      expect(recovered).toEqual([
        `Recovered a stale lock on pglite:${dir} held by pid ${c.proc.pid} (pglite-child) on ${hostname()} since ${left.since}: that process is gone.`,
      ]);
      expect((await d.query('SELECT pid FROM child_was_here')).rows).toEqual([{ pid: c.proc.pid }]);
      expect(JSON.parse(readFileSync(lockFileFor(dir), 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await d.close();
    }
  });
});

describe('pgcs on a PGlite directory whose lock is held', () => {
  const CHANGELOG = 'databaseChangeLog:\n  - changeSet:\n      id: "1"\n      author: t\n      changes:\n        - sql:\n            sql: CREATE TABLE a (id int)\n';

  beforeAll(() => ensureCliBuilt());
  afterAll(() => removeWorkspaces());

  it('by a killed process: says in one line who held it since when, then runs', async () => {
    const dir = freshDir();
    const c = child(dir, 60_000, 'forever');
    await c.waitFor(/^OPENED$/);
    c.proc.kill('SIGKILL');
    await c.exited;
    const { since } = JSON.parse(readFileSync(lockFileFor(dir), 'utf8')) as { since: string };
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`], { cwd: workspace({ 'changelog.yaml': CHANGELOG }) });
    expect(r.code, show(r)).toBe(0);
    const said = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Running Changeset'));
    expect(said, show(r)).toEqual([
      `Recovered a stale lock on pglite:${dir} held by pid ${c.proc.pid} (pglite-child) on ${hostname()} since ${since}: that process is gone.`,
    ]);
    expect(errorLines(r.stderr), show(r)).toEqual([]);
  });

  it('by a live process: gives up after --lock-wait with one line naming its pid and since when', async () => {
    const dir = freshDir();
    const c = child(dir, 60_000, 'forever');
    await c.waitFor(/^OPENED$/);
    const { since } = JSON.parse(readFileSync(lockFileFor(dir), 'utf8')) as { since: string };
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `pglite:${dir}`, '--lock-wait', '1'], {
      cwd: workspace({ 'changelog.yaml': CHANGELOG }),
    });
    c.proc.kill('SIGKILL');
    expect(r.code, show(r)).not.toBe(0);
    expect(errorLines(r.stderr), show(r)).toEqual([
      `pgcs: pglite:${dir} is in use by pid ${c.proc.pid} (pglite-child) since ${since}; gave up after 1 s (if that process is gone, delete ${lockFileFor(dir)})`,
    ]);
    expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
  });

  it('by a writer that died mid-write (unreadable lock file, untouched for over 10 s): recovered, saying so', async () => {
    const dir = freshDir();
    writeFileSync(lockFileFor(dir), '{"pid": 12');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFileFor(dir), old, old);
    const recovered: string[] = [];
    const d = await open(dir, { lockTimeoutMs: 5000, onLockRecovered: (m) => recovered.push(m) });
    await d.close();
    expect(recovered).toEqual([
      `Recovered a stale lock on pglite:${dir}: its holder died while writing ${lockFileFor(dir)} (unreadable since ${old.toISOString()}).`,
    ]);
  });
});
