// dist/cli.js starts the CLI bundle from V8's code cache of it, kept in the parsed-file store's folder, or until
// that folder has one, the cache npm run build made beside the bundle.
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dist = nodePath.resolve(__dirname, '../../dist');
let dir: string;
/** a copy of the launcher and the bundle, written now: the caches the build made are not for it (another time) */
let cli: string;

beforeAll(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-launch-'));
  fs.mkdirSync(nodePath.join(dir, 'bin'));
  for (const name of ['cli.js', 'cli-main.js', 'libpg-query.wasm']) fs.copyFileSync(nodePath.join(dist, name), nodePath.join(dir, 'bin', name));
  fs.symlinkSync(nodePath.resolve(dist, '../node_modules'), nodePath.join(dir, 'node_modules'));
  cli = nodePath.join(dir, 'bin/cli.js');
  fs.writeFileSync(nodePath.join(dir, 'changelog.yaml'), 'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql: ALTER TABLE users RENAME COLUMN name TO full_name\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function lint(cacheDir: string) {
  const r = spawnSync(process.execPath, [cli, 'lint', 'changelog.yaml', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: cacheDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const codeCaches = (cacheDir: string) => fs.readdirSync(cacheDir).filter((name) => /^code-cache-.*\.bin$/.test(name));

describe('the pgcs launcher', () => {
  it('keeps a code cache of the CLI beside the parsed files, and the next run uses it as it is', () => {
    const cacheDir = nodePath.join(dir, 'cache');
    const first = lint(cacheDir);
    expect(codeCaches(cacheDir)).toHaveLength(1);
    const file = nodePath.join(cacheDir, codeCaches(cacheDir)[0]);
    const written = fs.readFileSync(file);
    const again = lint(cacheDir);
    expect(again).toEqual(first);
    // V8 took it: a refused cache would have been written anew
    expect(fs.readFileSync(file).equals(written)).toBe(true);
    expect(JSON.parse(first.stdout).map((f: { rule: string }) => f.rule)).toContain('rename-column');
  });

  it('runs as usual from a damaged code cache, and writes a good one', () => {
    const cacheDir = nodePath.join(dir, 'damaged');
    const expected = lint(cacheDir);
    const file = nodePath.join(cacheDir, codeCaches(cacheDir)[0]);
    fs.writeFileSync(file, 'not a code cache');
    expect(lint(cacheDir)).toEqual(expected);
    expect(fs.readFileSync(file, 'utf8')).not.toBe('not a code cache');
  });

  it("keeps the engine commands' cache apart, made at exit after the parser changed V8's flags, and the next run uses it", () => {
    const cacheDir = nodePath.join(dir, 'engine');
    fs.writeFileSync(nodePath.join(dir, 'apply.yaml'), 'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql: CREATE TABLE users (id int)\n');
    const update = (db: string) => {
      const r = spawnSync(process.execPath, [cli, 'update', '--changelog-file', 'apply.yaml', '--url', `pglite:${nodePath.join(dir, db)}`], {
        cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: cacheDir },
      });
      expect(r.status, r.stderr).toBe(0);
    };
    // the first update loads the SQL parser (no parse kept yet), whose WASM is compiled under --liftoff-only
    update('db1');
    const engineCaches = () => codeCaches(cacheDir).filter((name) => name.endsWith('-engine.bin'));
    expect(engineCaches()).toHaveLength(1);
    const file = nodePath.join(cacheDir, engineCaches()[0]);
    const written = fs.readFileSync(file);
    update('db2');
    // V8 took it: a refused cache would have been written anew
    expect(fs.readFileSync(file).equals(written)).toBe(true);
    expect(codeCaches(cacheDir).filter((name) => name.endsWith('-lint.bin'))).toHaveLength(0);
  });

  it('starts from the cache npm run build made until the folder has one: the first run compiles no more than later ones', () => {
    const built = fs.readdirSync(dist).filter((name) => /^code-cache-.*-(lint|engine)\.bin$/.test(name));
    expect(built.map((name) => name.replace(/.*-/, '')).sort()).toEqual(['engine.bin', 'lint.bin']);
    const cacheDir = nodePath.join(dir, 'built');
    const r = spawnSync(process.execPath, [nodePath.join(dist, 'cli.js'), 'lint', 'changelog.yaml', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: cacheDir } });
    expect(r.status, r.stderr).toBe(1);
    // V8 took the build's cache: a refused one (or none) would have been written into the folder
    expect(codeCaches(cacheDir)).toEqual([]);
  });

  it('runs bundles of ASCII alone (read as Latin-1), and a bundle with other characters as UTF-8', () => {
    for (const name of ['cli-main.js', 'server-main.js']) expect(isAscii(fs.readFileSync(nodePath.join(dist, name))), name).toBe(true);
    const bin = nodePath.join(dir, 'utf8-bin');
    fs.mkdirSync(bin);
    for (const name of ['cli.js', 'libpg-query.wasm']) fs.copyFileSync(nodePath.join(dist, name), nodePath.join(bin, name));
    fs.writeFileSync(nodePath.join(bin, 'cli-main.js'), `process.stderr.write('caf\u00e9 \u2026 \u{1F418}\\n');\n${fs.readFileSync(nodePath.join(dist, 'cli-main.js'), 'utf8')}`);
    const r = spawnSync(process.execPath, [nodePath.join(bin, 'cli.js'), 'lint', 'changelog.yaml', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: nodePath.join(dir, 'utf8-cache') } });
    expect(r.stderr).toContain('caf\u00e9 \u2026 \u{1F418}');
    expect(r.status, r.stderr).toBe(1);
  });

  it('keeps nothing when PGCS_CACHE_DIR is empty', () => {
    const r = spawnSync(process.execPath, [cli, 'lint', 'changelog.yaml', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: '', HOME: nodePath.join(dir, 'home'), XDG_CACHE_HOME: '' } });
    expect(r.status).toBe(1);
    expect(fs.existsSync(nodePath.join(dir, 'home'))).toBe(false);
  });
});
