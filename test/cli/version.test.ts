// `pgcs --version` / `pgcs version`: the package's version, whatever the folder holds (a broken liquibase.properties
// there must not stop it: CI logs print the version before anything else).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';

const cli = nodePath.resolve(__dirname, '../../dist/cli.js');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-version-'));
  fs.writeFileSync(nodePath.join(dir, 'liquibase.properties'), 'databaseChangeLogTableName=elsewhere\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pgcs --version', () => {
  for (const args of [['--version'], ['version']]) {
    it(`pgcs ${args.join(' ')} prints the package's version and exits 0`, () => {
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`pgcs ${packageJson.version} (DATABASECHANGELOG and checksums as Liquibase 4.28.0 writes them; PostgreSQL 18 grammar)\n`);
    });
  }
});
