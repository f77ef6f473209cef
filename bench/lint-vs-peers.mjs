// `pgcs lint` against squawk (squawk-cli) and the Postgres Language Server CLI (@postgres-language-server/cli),
// same run, same machine, each as one process over the same input, as a user or CI runs them:
//   1. the real-world corpus (../shared/corpus/realworld, every tree of MANIFEST.tsv): pgcs reads each tree's
//      root changelog (YAML, formatted SQL, include trees, inline SQL and sqlFile); the peers read only plain
//      .sql files, so they get every .sql file of the trees;
//   2. a generated tree of 2,000 changesets (~10 MB) written as formatted SQL files (plain SQL with `--changeset`
//      comments, so all three tools read the same files), included by one YAML root for pgcs.
// Beside them, the libpg-query floor (parser-floor.cjs): Node starting, loading libpg-query and parsing each of the
// peers' .sql files once, the least a tool on pgcs's parser must spend there.
// Wall time from process start to exit, median of RUNS runs after one warm-up; ratios printed. Target: pgcs's wall
// time at most squawk's. Beside it, on Linux, the CPU time (user + system) of each tool, which another busy process on
// the machine changes far less than the wall time. pgcs runs twice over: cold (an empty parsed-file store for every run, as a fresh CI
// machine) and warm (a store the warm-up run filled, as a developer's machine or a CI cache); on the generated tree
// a third time, warm with one of its files edited before each run (a CI run of a branch that changed one file).
//
//   npm run build && node bench/lint-vs-peers.mjs [--runs 3] [--changesets 2000] [--keep]
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
/** --write-tree DIR: only write the generated tree into DIR (to lint it by hand, e.g. two builds' outputs compared) */
const WRITE_TREE = option('--write-tree', undefined);

const pgcs = [process.execPath, join(repo, 'dist/cli.js')];
if (!existsSync(pgcs[1])) {
  console.error('lint-vs-peers: dist/cli.js is missing; run npm run build');
  process.exit(2);
}
const peers = peerBinaries();
const squawk = [peers.squawk];
const pgls = [peers.pgls];

function timed(command, cwd, env) {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync(command[0], command.slice(1), { cwd, env: env?.() ?? process.env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.error) throw r.error;
  const cpuAfter = childrenCpuMs();
  return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The CPU time (user + system, all threads) of this process's finished children so far, from /proc/self/stat
 * (cutime and cstime, in clock ticks of 10 ms); undefined off Linux.
 */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** pgcs's parsed-file store: a new empty folder for every run (cold), or one folder the warm-up run fills (warm) */
let stores = 0;
const coldStore = () => ({ ...process.env, PGCS_CACHE_DIR: join(work, `store-cold-${stores++}`) });
const warmStore = (label) => () => ({ ...process.env, PGCS_CACHE_DIR: join(work, `store-warm-${label}`) });

function measure(label, commands, cwd) {
  const results = {};
  for (const [tool, { command, env, before }] of Object.entries(commands)) {
    before?.();
    const warm = timed(command, cwd, env);
    const times = [];
    const cpu = [];
    for (let i = 0; i < RUNS; i++) {
      before?.();
      const run = timed(command, cwd, env);
      times.push(run.ms);
      cpu.push(run.cpuMs);
    }
    results[tool] = { ms: median(times), cpuMs: cpu.includes(undefined) ? undefined : median(cpu), status: warm.status, out: warm };
  }
  const pgcsRows = Object.keys(results).filter((tool) => tool.startsWith('pgcs'));
  console.log(`\n${label}`);
  for (const [tool, r] of Object.entries(results)) {
    const ratios = tool.startsWith('pgcs') ? '' : `   ${pgcsRows.map((p) => `${p}/${tool} = ${(results[p].ms / r.ms).toFixed(2)}`).join('   ')}`;
    const cpu = r.cpuMs === undefined ? '' : `  cpu ${r.cpuMs.toFixed(0).padStart(6)} ms`;
    console.log(`  ${tool.padEnd(26)} ${r.ms.toFixed(0).padStart(6)} ms${cpu}  (exit ${r.status})${ratios}`);
  }
  for (const p of pgcsRows) console.log(`  target ${p} <= squawk: ${results[p].ms <= results.squawk.ms ? 'met' : 'NOT met'}`);
  const floor = results['libpg-query floor'];
  if (floor) {
    console.log(`  libpg-query floor (Node + the parser, each .sql file parsed once, nothing else) / squawk = ${(floor.ms / results.squawk.ms).toFixed(2)}` +
      (floor.ms > results.squawk.ms ? ': squawk finishes first, so no libpg-query-based tool can match it cold here' : ''));
  }
  if (pgcsRows.some((p) => results[p].out.stdout !== results[pgcsRows[0]].out.stdout)) {
    console.log('  WARNING: pgcs printed different findings cold and warm');
    process.exitCode = 1;
  }
  return results;
}

/**
 * pgcs cold and warm, squawk and the Postgres Language Server: the rows of one measurement. With `edit` (a change
 * to one file of the tree), pgcs warm once more with that edit made before each run: a CI run of a branch that
 * changed one file, its cache folder kept from the run before.
 */
function tools(label, pgcsArgs, sqlFiles, edit) {
  return {
    'pgcs (cold store)': { command: [...pgcs, ...pgcsArgs], env: coldStore },
    'pgcs (warm store)': { command: [...pgcs, ...pgcsArgs], env: warmStore(label) },
    ...(edit ? { 'pgcs (warm, 1 file edited)': { command: [...pgcs, ...pgcsArgs], env: warmStore(label), before: edit } } : {}),
    squawk: { command: [...squawk, '--reporter', 'json', ...sqlFiles] },
    'postgres-language-server': { command: [...pgls, 'check', '--disable-db', '--colors=off', '--files-max-size=104857600', ...sqlFiles] },
    // not a tool: what any libpg-query-based linter must spend at least on the peers' input (parser-floor.cjs)
    'libpg-query floor': { command: [process.execPath, join(here, 'parser-floor.cjs'), ...sqlFiles] },
  };
}

function sqlFilesUnder(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sqlFilesUnder(full, out);
    else if (name.toLowerCase().endsWith('.sql')) out.push(full);
  }
  return out;
}

if (WRITE_TREE) {
  const { bytes, files } = writeGeneratedTree(resolve(WRITE_TREE));
  console.log(`${CHANGESETS} changesets, ${(bytes / 1e6).toFixed(1)} MB in ${files.length} formatted SQL files under ${WRITE_TREE}`);
  process.exit(0);
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
  measure(`real-world corpus: ${roots.length} trees (pgcs), ${sqlFiles.length} .sql files (peers)`,
    tools('corpus', ['lint', '--format', 'json', '--search-path', searchPath.join(','), ...roots], sqlFiles), work);
} else {
  console.log(`\nreal-world corpus: skipped, ${corpus} is absent`);
}

// ---- 2. a generated 2,000-changeset tree ----------------------------------------------------------------------
const generated = join(work, 'generated');
const { bytes, files: generatedSql } = writeGeneratedTree(generated);
// the edit: a comment line more at the end of a file in the middle of the tree (the findings stay the same)
let edits = 0;
const editOneFile = () => appendFileSync(generatedSql[Math.floor(generatedSql.length / 2)], `-- edit ${++edits}\n`);
measure(`generated tree: ${CHANGESETS} changesets, ${(bytes / 1e6).toFixed(1)} MB in ${generatedSql.length} formatted SQL files`,
  tools('generated', ['lint', '--format', 'json', join(generated, 'changelog.yaml')], generatedSql, editOneFile), work);

function pad(i) {
  return String(i).padStart(4, '0');
}

/** The generated tree under `dir`: formatted SQL files of 20 steps each under sql/, included by changelog.yaml. */
function writeGeneratedTree(dir) {
  mkdirSync(join(dir, 'sql'), { recursive: true });
  const PER_FILE = 20;
  let bytes = 0;
  for (let f = 0; f * PER_FILE < CHANGESETS; f++) {
    let text = '--liquibase formatted sql\n\n';
    for (let i = f * PER_FILE; i < Math.min(CHANGESETS, (f + 1) * PER_FILE); i++) text += changeset(i);
    writeFileSync(join(dir, 'sql', `${pad(f)}.sql`), text);
    bytes += text.length;
  }
  writeFileSync(join(dir, 'changelog.yaml'), 'databaseChangeLog:\n  - includeAll:\n      path: sql/\n      relativeToChangelogFile: true\n');
  return { bytes, files: sqlFilesUnder(join(dir, 'sql')) };
}

/**
 * The changesets of one step of the generated tree (~5 KB, so 2,000 make the issue's ~10 MB): a table with a
 * foreign key to the one before, its indexes, comments and seed rows; a trigger function (its own changeset, not
 * split, as such bodies are written) and its trigger; later alterations of the earlier table and a view over both.
 */
function changeset(i) {
  const t = `t${pad(i)}`;
  const types = ['text', 'integer', 'numeric(12,2)', 'timestamptz', 'jsonb', 'boolean'];
  const columns = Array.from({ length: 24 }, (_, c) => `  c${c} ${types[c % 6]}${c % 3 === 0 ? ' NOT NULL' : ''}${c % 6 === 3 ? ' DEFAULT now()' : ''}`).join(',\n');
  const rows = Array.from({ length: 40 }, (_, r) => `  (${r}, 'name ${r} of ${t}', ${r * 1.5}, now(), '{"k": ${r}, "tags": ["a", "b"]}', ${r % 2 === 0})`).join(',\n');
  const parent = i > 0 ? `,\n  parent_id bigint REFERENCES t${pad(i - 1)} (id) ON DELETE CASCADE` : '';
  let sql = `--changeset bench:${pad(i)}\n--comment: table ${t}\n` +
    `CREATE TABLE ${t} (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n${columns}${parent},\n` +
    `  CONSTRAINT ${t}_c2_positive CHECK (c2 >= 0)\n);\n` +
    `CREATE INDEX ${t}_c0_idx ON ${t} (c0);\n` +
    `CREATE UNIQUE INDEX ${t}_c1_c4_key ON ${t} (c1, c4) WHERE c5;\n` +
    `COMMENT ON TABLE ${t} IS 'Generated table ${i}: one row per thing, seeded below';\n` +
    `COMMENT ON COLUMN ${t}.c0 IS 'the display name';\n` +
    `INSERT INTO ${t} (c1, c0, c2, c3, c4, c5) VALUES\n${rows};\n` +
    `--rollback DROP TABLE ${t};\n\n` +
    `--changeset bench:${pad(i)}-touch splitStatements:false\n` +
    `CREATE OR REPLACE FUNCTION ${t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n` +
    `  IF NEW.c0 IS DISTINCT FROM OLD.c0 THEN\n    NEW.c3 := now();\n  END IF;\n  RETURN NEW;\nEND\n$$;\n` +
    `--rollback DROP FUNCTION ${t}_touch();\n\n` +
    `--changeset bench:${pad(i)}-trigger\n` +
    `CREATE TRIGGER ${t}_touch BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_touch();\n` +
    `--rollback DROP TRIGGER ${t}_touch ON ${t};\n\n`;
  if (i > 0) {
    const earlier = `t${pad(i - 1)}`;
    sql += `--changeset bench:${pad(i)}-alter\n` +
      `ALTER TABLE ${earlier} ADD COLUMN extra_${i} text;\n` +
      `ALTER TABLE ${earlier} ALTER COLUMN c1 SET DEFAULT 0;\n` +
      `CREATE INDEX ${earlier}_extra_idx ON ${earlier} (extra_${i});\n` +
      `UPDATE ${earlier} SET extra_${i} = c0 WHERE id < 100;\n` +
      `CREATE OR REPLACE VIEW ${t}_recent AS\n  SELECT c.id, c.c0 AS name, p.c0 AS parent_name, c.c3 AS touched_at\n` +
      `  FROM ${t} c\n  LEFT JOIN ${earlier} p ON p.id = c.parent_id\n  WHERE c.c3 > now() - interval '30 days' AND c.c5\n  ORDER BY c.c3 DESC;\n` +
      `--rollback DROP VIEW ${t}_recent;\n\n`;
  }
  return sql;
}
