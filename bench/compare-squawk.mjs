// What squawk and pgcs each catch on the real-world corpus (../shared/corpus/realworld), per hazard.
// squawk reads plain .sql files, so it gets every .sql file of each tree (as a user would run it); pgcs reads each
// tree from its root changelog (YAML and formatted SQL, inline SQL, sqlFile, built-in change types). For findings
// in .sql files, both tools' findings of a hazard are matched by file and line: both, squawk only, pgcs only.
// Prints a Markdown table (the README's comparison comes from it) and writes the details to --out (JSON).
//
//   npm run build && node bench/compare-squawk.mjs [--out compare.json]
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerBinaries } from './peers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const corpus = resolve(repo, '../shared/corpus/realworld');
const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : undefined;
if (!existsSync(join(corpus, 'MANIFEST.tsv'))) {
  console.log(`compare-squawk: skipped, ${corpus} is absent`);
  process.exit(0);
}

/** hazard → the squawk rules and the pgcs rules that flag it */
const HAZARDS = [
  ['Rename a column', ['renaming-column'], ['rename-column']],
  ['Rename a table', ['renaming-table'], ['rename-table']],
  ['Drop a column', ['ban-drop-column'], ['drop-column']],
  ['Drop a table', ['ban-drop-table'], ['drop-table']],
  ['Change a column type', ['changing-column-type'], ['change-column-type', 'table-rewrite']],
  ['Add a NOT NULL column without default', ['adding-required-field'], ['add-required-column']],
  ['SET NOT NULL on an existing column', ['adding-not-nullable-field'], ['set-not-null']],
  ['DROP NOT NULL / DROP DEFAULT', ['ban-drop-not-null'], ['drop-not-null', 'drop-default']],
  ['New constraint rejects old writes', [], ['new-constraint-rejects-old-writes']],
  ['Index without CONCURRENTLY', ['require-concurrent-index-creation', 'require-concurrent-index-deletion'], ['index-without-concurrently']],
  ['CONCURRENTLY inside a transaction', ['ban-concurrent-index-creation-in-transaction'], ['concurrently-in-transaction']],
  ['CHECK / FOREIGN KEY without NOT VALID', ['constraint-missing-not-valid', 'adding-foreign-key-constraint'], ['constraint-without-not-valid', 'validate-in-same-transaction']],
  ['UNIQUE / PRIMARY KEY built under lock', ['disallowed-unique-constraint', 'adding-serial-primary-key-field'], ['unique-constraint-builds-index']],
  ['Column add that rewrites the table', ['adding-field-with-default'], ['add-column-rewrites-table']],
  ['Strong lock without lock_timeout', ['require-lock-timeout', 'require-timeout-settings'], ['missing-lock-timeout']],
  ['DDL with an unbounded UPDATE/DELETE', [], ['ddl-with-unbounded-dml']],
  ['`$$` body cut by Liquibase', [], ['dollar-body-split']],
  ['Missing or wrong rollback', [], ['missing-rollback', 'rollback-does-not-undo']],
  ['Missing GRANT for the app role', [], ['missing-grant', 'grant-to-public', 'grant-all-to-app-role']],
];

function sqlFilesUnder(dir, found = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sqlFilesUnder(full, found);
    else if (name.toLowerCase().endsWith('.sql')) found.push(full);
  }
  return found;
}

const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
const squawkFindings = [];
const pgcsFindings = [];
let trees = 0;
const squawkBinary = peerBinaries().squawk;
// the loader, bundled as build.mjs bundles it, to know which files each tree reads
const bundleDir = mkdtempSync(join(tmpdir(), 'pgcs-compare-'));
process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));
await build({
  stdin: { contents: "export { loadChangelog } from './server/src/changelog/load';\nexport { initSqlParser } from './server/src/sql/statements';\n", resolveDir: repo, sourcefile: 'compare-entry.ts', loader: 'ts' },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: join(bundleDir, 'loader.js'), logLevel: 'warning',
});
copyFileSync(join(dirname(createRequire(import.meta.url).resolve('libpg-query')), 'libpg-query.wasm'), join(bundleDir, 'libpg-query.wasm'));
const loader = createRequire(import.meta.url)(join(bundleDir, 'loader.js'));
await loader.initSqlParser();
/** every file some changelog of the corpus reads (the peers also get .sql files no changelog runs) */
const read = new Set();
for (const [name, , master, , , , , , search] of rows) {
  const dir = join(corpus, name.replace('/', '__'));
  if (!existsSync(join(dir, master))) continue;
  trees++;
  const lint = spawnSync(process.execPath, [join(repo, 'dist/cli.js'), 'lint', '--format', 'json', '--search-path', join(dir, search === '-' ? '.' : search), join(dir, master)], { cwd: repo, encoding: 'utf8', maxBuffer: 256 << 20 });
  for (const f of JSON.parse(lint.stdout || '[]')) pgcsFindings.push({ tree: name, rule: f.rule, file: resolve(repo, f.file), line: f.range.start.line, endLine: f.range.end.line, message: f.message });
  for (const file of loader.loadChangelog(join(dir, master), { searchPath: [join(dir, search === '-' ? '.' : search)] }).files.keys()) read.add(file);
  const files = sqlFilesUnder(dir);
  if (files.length === 0) continue;
  const squawk = spawnSync(squawkBinary, ['--reporter', 'json', ...files], { encoding: 'utf8', maxBuffer: 256 << 20 });
  for (const f of JSON.parse(squawk.stdout || '[]')) squawkFindings.push({ tree: name, rule: f.rule_name, file: resolve(f.file), line: f.line, message: f.message });
}

const table = ['| Hazard | squawk rules | squawk findings (trees) | pgcs rules | pgcs findings (trees) | in .sql files: both / squawk only (in files no changelog runs) / pgcs only |', '|---|---|---|---|---|---|'];
const details = [];
for (const [hazard, squawkRules, pgcsRules] of HAZARDS) {
  const s = squawkFindings.filter((f) => squawkRules.includes(f.rule));
  const p = pgcsFindings.filter((f) => pgcsRules.includes(f.rule));
  // pgcs underlines a whole statement, squawk often one line of it: a squawk finding inside a pgcs range is the same
  const pInSql = p.filter((f) => f.file.toLowerCase().endsWith('.sql'));
  const covers = (pf, sf) => pf.file === sf.file && sf.line >= pf.line && sf.line <= pf.endLine;
  const both = s.filter((sf) => pInSql.some((pf) => covers(pf, sf)));
  const squawkOnly = s.filter((sf) => !pInSql.some((pf) => covers(pf, sf)));
  const notRun = squawkOnly.filter((sf) => !read.has(sf.file));
  const pgcsOnly = pInSql.filter((pf) => !s.some((sf) => covers(pf, sf)));
  const treesOf = (list) => new Set(list.map((f) => f.tree)).size;
  table.push(`| ${hazard} | ${squawkRules.map((r) => `\`${r}\``).join(', ') || '—'} | ${squawkRules.length ? `${s.length} (${treesOf(s)})` : '—'} | ${pgcsRules.map((r) => `\`${r}\``).join(', ')} | ${p.length} (${treesOf(p)}) | ${squawkRules.length ? `${both.length} / ${squawkOnly.length} (${notRun.length}) / ${pgcsOnly.length}` : '—'} |`);
  details.push({ hazard, squawkOnly: squawkOnly.filter((f) => read.has(f.file)).slice(0, 20), pgcsOnly: pgcsOnly.slice(0, 20), pgcsOutsideSql: p.filter((f) => !f.file.toLowerCase().endsWith('.sql')).slice(0, 10) });
}
const squawkOther = new Map();
for (const f of squawkFindings) if (!HAZARDS.some(([, rules]) => rules.includes(f.rule))) squawkOther.set(f.rule, (squawkOther.get(f.rule) ?? 0) + 1);
console.log(`compare-squawk: ${trees} trees; squawk ${squawkFindings.length} findings, pgcs ${pgcsFindings.length} findings\n`);
console.log(table.join('\n'));
console.log(`\nsquawk rules with no pgcs counterpart: ${[...squawkOther].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ')}`);
const pgcsOther = new Map();
for (const f of pgcsFindings) if (!HAZARDS.some(([, , rules]) => rules.includes(f.rule))) pgcsOther.set(f.rule, (pgcsOther.get(f.rule) ?? 0) + 1);
console.log(`pgcs findings outside these hazards: ${[...pgcsOther].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ')}`);
if (out) writeFileSync(out, JSON.stringify({ details, squawkFindings, pgcsFindings }, null, 1));
