// The peers the lint benchmarks run beside pgcs: squawk (squawk-cli) and the Postgres Language Server CLI. They
// are not devDependencies: their npm packages pull a binary package per platform, and a registry that holds only
// some platforms leaves package-lock.json without the others, which `npm ci` then refuses. So the benchmarks
// install them on first use into a cache folder (PGCS_PEERS_CACHE, default ~/.cache/pg-changesets/peers).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PEERS = { 'squawk-cli': '2.66.0', '@postgres-language-server/cli': '0.25.5' };

/** Paths of the squawk and postgres-language-server executables, installed first if needed. */
export function peerBinaries() {
  const folder = process.env.PGCS_PEERS_CACHE || join(homedir(), '.cache', 'pg-changesets', 'peers');
  const squawk = join(folder, 'node_modules/.bin/squawk');
  const pgls = join(folder, 'node_modules/.bin/postgres-language-server');
  if (!existsSync(squawk) || !existsSync(pgls)) {
    mkdirSync(folder, { recursive: true });
    if (!existsSync(join(folder, 'package.json'))) writeFileSync(join(folder, 'package.json'), '{ "private": true }\n');
    console.error(`installing ${Object.entries(PEERS).map(([n, v]) => `${n}@${v}`).join(' and ')} into ${folder} …`);
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', ...Object.entries(PEERS).map(([n, v]) => `${n}@${v}`)], { cwd: folder, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return { squawk, pgls };
}
