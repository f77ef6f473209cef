// --output-file, Liquibase's flag: the command's output (a report, SQL, JSON) goes to the file instead of stdout; the
// messages stay on stderr. The built CLI in a child process.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = nodePath.resolve(__dirname, '../../dist/cli.js');
let dir: string;

function pgcs(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const read = (name: string) => fs.readFileSync(nodePath.join(dir, name), 'utf8');

beforeAll(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-output-file-'));
  fs.writeFileSync(
    nodePath.join(dir, 'changelog.yaml'),
    'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql:\n            sql: ALTER TABLE users RENAME COLUMN name TO full_name\n',
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('--output-file', () => {
  it('takes lint\'s report, also when the report is the one kept from the same run before', () => {
    const cache = { PGCS_CACHE_DIR: nodePath.join(dir, 'cache') };
    for (const name of ['first.sarif', 'kept.sarif']) {
      const run = pgcs(['lint', 'changelog.yaml', '--format', 'sarif', '--output-file', name], cache);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      const sarif = JSON.parse(read(name));
      expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('rename-column');
    }
    expect(read('kept.sarif')).toBe(read('first.sarif'));
  });

  it('takes the SQL of update-sql, and the database stays untouched', () => {
    const run = pgcs(['update-sql', '--changelog-file', 'changelog.yaml', '--url', 'pglite:memory', '--output-file', 'out/../update.sql']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(read('update.sql')).toContain('ALTER TABLE users RENAME COLUMN name TO full_name;');
  });

  it('that cannot be written stops the command in one line before it connects', () => {
    const run = pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', 'pglite:db', '--output-file', 'missing/folder/out.txt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('pgcs: cannot write --output-file missing/folder/out.txt: ENOENT (pgcs --help shows the usage)\n');
    expect(fs.existsSync(nodePath.join(dir, 'db'))).toBe(false);
  });
});
