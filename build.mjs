// Bundles the client, the language server and the CLI into dist/. The parser's WASM ships beside the bundles.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
mkdirSync('dist', { recursive: true });

// pg hashes passwords with WebCrypto, a trip through the thread pool per step; server/src/engine/drivers/pg-crypto.ts
// does the same with node:crypto's synchronous functions (why: there)
const pgCrypto = {
  name: 'pg-crypto',
  setup(build) {
    build.onResolve({ filter: /(^|\/)utils(\.js)?$/ }, (args) =>
      /[\\/]pg[\\/]lib[\\/]crypto[\\/]utils(\.js)?$/.test(join(args.resolveDir, args.path)) ? { path: join(process.cwd(), 'server/src/engine/drivers/pg-crypto.ts') } : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [pgCrypto],
};

await Promise.all([
  build({ ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
  // PGlite finds its WASM and data files next to its own module (import.meta.url), so it stays a runtime dependency
  // the language server: server.js, a small launcher, runs server-main.js (the bundle of server.ts) from V8's code cache of it
  build({ ...common, entryPoints: { 'server-main': 'server/src/server.ts' }, outdir: 'dist', external: ['@electric-sql/pglite', 'pg-native'] }),
  build({ ...common, entryPoints: { server: 'server/src/server-launch.ts' }, outdir: 'dist' }),
  // the CLI: cli.js, a small launcher, runs cli-main.js (the bundle of cli.ts) from V8's code cache of it
  build({ ...common, entryPoints: { 'cli-main': 'server/src/cli.ts' }, outdir: 'dist', external: ['@electric-sql/pglite', 'pg-native'] }),
  build({ ...common, entryPoints: { cli: 'server/src/cli-launch.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
]);

// The launchers read a bundle of ASCII alone as Latin-1, the same text in a fraction of the time UTF-8 decoding takes
// (code-cache.ts). esbuild escapes what strings and identifiers hold; what it leaves are comments and a regular
// expression or two, where a \u escape means the same.
for (const bundle of ['dist/cli-main.js', 'dist/server-main.js']) asciiOnly(bundle);

function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

// libpg-query loads libpg-query.wasm from the directory of the bundle that requires it.
const wasm = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
copyFileSync(wasm, 'dist/libpg-query.wasm');
chmodSync('dist/cli.js', 0o755);

// V8's code cache of the CLI, made by running it once on the examples (a lint, an update of an in-memory PGlite):
// dist/cli.js starts from it until its cache folder has one of its own, so the first run on this machine compiles
// no more than later runs do. The names carry the bundle's size and time; those of an earlier build are removed.
function makeCodeCaches() {
  for (const name of readdirSync('dist')) if (name.startsWith('code-cache-')) rmSync(join('dist', name));
  const folder = mkdtempSync(join(tmpdir(), 'pgcs-build-'));
  try {
    const env = { ...process.env, PGCS_CACHE_DIR: folder };
    spawnSync(process.execPath, ['dist/cli.js', 'lint', 'examples/changelog.yaml'], { env, stdio: 'ignore' });
    spawnSync(process.execPath, ['dist/cli.js', 'update', '--url', 'pglite:memory', '--changelog-file', 'examples/changelog.yaml'], { env, stdio: 'ignore' });
    for (const name of readdirSync(folder)) if (name.startsWith('code-cache-')) copyFileSync(join(folder, name), join('dist', name));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (watch) console.log('built');
else makeCodeCaches();
