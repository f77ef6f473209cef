// `pgcs lint` against squawk (squawk-cli) and the Postgres Language Server CLI (@postgres-language-server/cli),
// same run, same machine, each as one process over the same input, as a user or CI runs them:
//   1. the real-world corpus (../shared/corpus/realworld, every tree of MANIFEST.tsv): pgcs reads each tree's
//      root changelog (YAML, formatted SQL, include trees, inline SQL and sqlFile); the peers read only plain
//      .sql files, so they get every .sql file of the trees;
//   2. a generated tree of 2,000 changesets (~10 MB) written as formatted SQL files (plain SQL with `--changeset`
//      comments, so all three tools read the same files), included by one YAML root for pgcs.
// Wall time from process start to exit, median of RUNS runs after one warm-up; ratios printed. Target: pgcs's wall
// time at most squawk's.
//
//   npm run build && node bench/lint-vs-peers.mjs [--runs 3] [--changesets 2000] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { peerBinaries } from './peers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const corpus = resolve(repo, '../shared/corpus/realworld');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Number(option('--runs', 3));
const CHANGESETS = Number(option('--changesets', 2000));
const KEEP = args.includes('--keep');

const pgcs = [process.execPath, join(repo, 'dist/cli.js')];
if (!existsSync(pgcs[1])) {
  console.error('lint-vs-peers: dist/cli.js is missing; run npm run build');
  process.exit(2);
}
const peers = peerBinaries();
const squawk = [peers.squawk];
const pgls = [peers.pgls];

function timed(command, cwd) {
  const start = performance.now();
  const r = spawnSync(command[0], command.slice(1), { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.error) throw r.error;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(label, commands, cwd) {
  const results = {};
  for (const [tool, command] of Object.entries(commands)) {
    const warm = timed(command, cwd);
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(timed(command, cwd).ms);
    results[tool] = { ms: median(times), status: warm.status, out: warm };
  }
  const p = results.pgcs.ms;
  console.log(`\n${label}`);
  for (const [tool, r] of Object.entries(results)) {
    console.log(`  ${tool.padEnd(26)} ${r.ms.toFixed(0).padStart(6)} ms  (exit ${r.status})${tool === 'pgcs' ? '' : `   pgcs/${tool} = ${(p / r.ms).toFixed(2)}`}`);
  }
  const verdict = p <= results.squawk.ms ? 'met' : 'NOT met';
  console.log(`  target pgcs <= squawk: ${verdict}`);
  return results;
}

function sqlFilesUnder(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sqlFilesUnder(full, out);
    else if (name.toLowerCase().endsWith('.sql')) out.push(full);
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'pgcs-bench-peers-'));
if (!KEEP) process.on('exit', () => rmSync(work, { recursive: true, force: true }));
console.log(`lint-vs-peers: ${RUNS} runs each (median), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

// ---- 1. the corpus ---------------------------------------------------------------------------------------------
if (existsSync(join(corpus, 'MANIFEST.tsv'))) {
  const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const roots = [];
  const searchPath = [];
  const sqlFiles = [];
  for (const [name, , master, , , , , , search] of rows) {
    const dir = join(corpus, name.replace('/', '__'));
    if (!existsSync(join(dir, master))) continue;
    roots.push(join(dir, master));
    searchPath.push(join(dir, search === '-' ? '.' : search));
    sqlFilesUnder(dir, sqlFiles);
  }
  measure(`real-world corpus: ${roots.length} trees (pgcs), ${sqlFiles.length} .sql files (peers)`, {
    pgcs: [...pgcs, 'lint', '--format', 'json', '--search-path', searchPath.join(','), ...roots],
    squawk: [...squawk, '--reporter', 'json', ...sqlFiles],
    'postgres-language-server': [...pgls, 'check', '--disable-db', '--colors=off', '--files-max-size=104857600', ...sqlFiles],
  }, work);
} else {
  console.log(`\nreal-world corpus: skipped, ${corpus} is absent`);
}

// ---- 2. a generated 2,000-changeset tree ----------------------------------------------------------------------
const generated = join(work, 'generated');
mkdirSync(join(generated, 'sql'), { recursive: true });
const PER_FILE = 20;
const pad = (i) => String(i).padStart(4, '0');
let bytes = 0;
for (let f = 0; f * PER_FILE < CHANGESETS; f++) {
  let text = '--liquibase formatted sql\n\n';
  for (let i = f * PER_FILE; i < Math.min(CHANGESETS, (f + 1) * PER_FILE); i++) text += changeset(i);
  writeFileSync(join(generated, 'sql', `${pad(f)}.sql`), text);
  bytes += text.length;
}
writeFileSync(join(generated, 'changelog.yaml'), 'databaseChangeLog:\n  - includeAll:\n      path: sql/\n      relativeToChangelogFile: true\n');
const generatedSql = sqlFilesUnder(join(generated, 'sql'));
measure(`generated tree: ${CHANGESETS} changesets, ${(bytes / 1e6).toFixed(1)} MB in ${generatedSql.length} formatted SQL files`, {
  pgcs: [...pgcs, 'lint', '--format', 'json', join(generated, 'changelog.yaml')],
  squawk: [...squawk, '--reporter', 'json', ...generatedSql],
  'postgres-language-server': [...pgls, 'check', '--disable-db', '--colors=off', '--files-max-size=104857600', ...generatedSql],
}, work);

/** One changeset of the generated tree: a table, its indexes, data, and later alterations of earlier tables. */
function changeset(i) {
  const t = `t${pad(i)}`;
  const columns = Array.from({ length: 24 }, (_, c) => `  c${c} ${['text', 'integer', 'numeric(12,2)', 'timestamptz', 'jsonb', 'boolean'][c % 6]}${c % 3 === 0 ? ' NOT NULL' : ''}`).join(',\n');
  const rows = Array.from({ length: 30 }, (_, r) => `  (${r}, 'name ${r} of ${t}', ${r * 1.5}, now(), '{"k": ${r}}', ${r % 2 === 0})`).join(',\n');
  let sql = `--changeset bench:${pad(i)}\n--comment: table ${t}\n` +
    `CREATE TABLE ${t} (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n${columns}\n);\n` +
    `CREATE INDEX ${t}_c0_idx ON ${t} (c0);\n` +
    `INSERT INTO ${t} (c1, c0, c2, c3, c4, c5) VALUES\n${rows};\n` +
    `--rollback DROP TABLE ${t};\n\n`;
  if (i > 0) {
    const earlier = `t${pad(i - 1)}`;
    sql += `--changeset bench:${pad(i)}-alter\n` +
      `ALTER TABLE ${earlier} ADD COLUMN extra_${i} text;\n` +
      `CREATE INDEX ${earlier}_extra_idx ON ${earlier} (extra_${i});\n` +
      `UPDATE ${earlier} SET extra_${i} = c0 WHERE id < 100;\n\n`;
  }
  return sql;
}
