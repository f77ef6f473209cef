// Lint benchmark over the real-world corpus (../shared/corpus/realworld): load and diagnose every tree of
// MANIFEST.tsv in-process, the same work `pgcs lint` does (include tree, YAML/formatted SQL parsing, SQL layer).
// One cold run (fresh process, first use of the parser), then 5 warm runs; reports the median of the warm runs.
//
// The script bundles server/src/changelog/load.ts + the SQL layer into a temporary folder with esbuild (the same
// options as build.mjs), with libpg-query's WASM beside it, and loads that bundle.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const corpus = resolve(repo, '../shared/corpus/realworld');
const WARM_RUNS = 5;

if (!existsSync(join(corpus, 'MANIFEST.tsv'))) {
  console.log(`lint-corpus: skipped, ${corpus} is absent`);
  process.exit(0);
}

// ---- bundle the loader -------------------------------------------------------------------------------------
const out = mkdtempSync(join(tmpdir(), 'pgcs-bench-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
await build({
  stdin: {
    contents: `export { loadChangelog } from './server/src/changelog/load';\nexport { initSqlParser } from './server/src/sql/statements';\n`,
    resolveDir: repo,
    sourcefile: 'bench-entry.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: join(out, 'bench.js'),
  logLevel: 'warning',
});
const require = createRequire(import.meta.url);
copyFileSync(join(dirname(require.resolve('libpg-query', { paths: [repo] })), 'libpg-query.wasm'), join(out, 'libpg-query.wasm'));

// ---- the corpus ------------------------------------------------------------------------------------------
const [header, ...lines] = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').split(/\r?\n/).filter((l) => l.trim());
const columns = header.split('\t');
const col = (cells, name) => cells[columns.indexOf(name)];
const trees = lines.map((line) => {
  const cells = line.split('\t');
  const tree = join(corpus, col(cells, 'repo').replace('/', '__'));
  const properties = {};
  for (const m of (col(cells, 'lb_extra_args') ?? '').matchAll(/(?:^|\s)-D([^=\s]+)=(\S*)/g)) properties[m[1]] = m[2];
  return {
    repo: col(cells, 'repo'),
    master: join(tree, col(cells, 'master')),
    options: { searchPath: [join(tree, col(cells, 'search_path'))], properties },
    expected: Number(col(cells, 'changesets')),
  };
});

const t0 = performance.now();
const { loadChangelog, initSqlParser } = require(join(out, 'bench.js'));
await initSqlParser();
const initMs = performance.now() - t0;

function lintAll() {
  let changesets = 0;
  const findings = { error: 0, warning: 0, info: 0, hint: 0 };
  const start = performance.now();
  for (const tree of trees) {
    const changelog = loadChangelog(tree.master, tree.options);
    changesets += changelog.changesets.length;
    for (const f of changelog.findings) findings[f.severity]++;
  }
  return { ms: performance.now() - start, changesets, findings };
}

const cold = lintAll();
const warm = [];
for (let i = 0; i < WARM_RUNS; i++) warm.push(lintAll());
const median = [...warm].sort((a, b) => a.ms - b.ms)[Math.floor(warm.length / 2)];
const expected = trees.reduce((n, t) => n + t.expected, 0);

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const perChangeset = (ms) => `${((ms * 1000) / cold.changesets).toFixed(1)} µs/changeset`;
console.log(`lint-corpus: ${trees.length} trees, ${cold.changesets} changesets (MANIFEST: ${expected}), findings: ${Object.entries(cold.findings).map(([k, v]) => `${v} ${k}`).join(', ')}`);
console.log(`  parser init (WASM):      ${fmt(initMs)}`);
console.log(`  cold run:                ${fmt(cold.ms)}  (${perChangeset(cold.ms)})`);
console.log(`  warm runs (${WARM_RUNS}):           ${warm.map((r) => r.ms.toFixed(0)).join(', ')} ms`);
console.log(`  warm median:             ${fmt(median.ms)}  (${perChangeset(median.ms)}; same process: JIT, SQL parse cache and file cache warm)`);
if (cold.changesets !== expected) {
  console.error(`lint-corpus: changeset count ${cold.changesets} differs from MANIFEST.tsv (${expected})`);
  process.exitCode = 1;
}
