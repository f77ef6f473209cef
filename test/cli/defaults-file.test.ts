// `pgcs` in a folder with a liquibase.properties, as a Liquibase user runs it: no flags needed, a flag wins over
// LIQUIBASE_COMMAND_* variables, which win over the file. The built CLI in a child process, on an embedded database.
// (test/interop/defaults-file.test.ts checks the same settings against the real Liquibase.)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = nodePath.resolve(__dirname, '../../dist/cli.js');
let dir: string;

function pgcs(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const CHANGELOG = `databaseChangeLog:
  - changeSet:
      id: base
      author: a
      changes:
        - sql:
            sql: CREATE TABLE \${prefix}_base (id int)
  - changeSet:
      id: for-test
      author: a
      context: test
      changes:
        - sql:
            sql: CREATE TABLE for_test (id int)
  - changeSet:
      id: for-prod
      author: a
      context: prod
      labels: big
      changes:
        - sql:
            sql: ALTER TABLE \${prefix}_base RENAME COLUMN id TO key
`;

beforeAll(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-defaults-file-'));
  fs.mkdirSync(nodePath.join(dir, 'db'));
  fs.writeFileSync(nodePath.join(dir, 'db/changelog.yaml'), CHANGELOG);
  fs.writeFileSync(nodePath.join(dir, 'liquibase.properties'), 'changeLogFile: db/changelog.yaml\nurl=pglite:local-db\nparameter.prefix=app\ncontexts=test\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const pending = (stdout: string) => [...stdout.matchAll(/::(\S+)::a$/gm)].map((m) => m[1]);

describe('pgcs with a liquibase.properties', () => {
  it('runs with no flags from the file, lets a flag win over the environment and the environment over the file', () => {
    // the file's contexts=test, the environment's prod, the flag's test again (by its other name, --context-filter)
    expect(pending(pgcs(['status', '--verbose']).stdout)).toEqual(['base', 'for-test']);
    expect(pending(pgcs(['status', '--verbose'], { LIQUIBASE_COMMAND_CONTEXTS: 'prod' }).stdout)).toEqual(['base', 'for-prod']);
    // --labels is --label-filter: it wins over LIQUIBASE_COMMAND_LABEL_FILTER
    const flagged = pgcs(['update', '--context-filter=test', '--labels=!big'], { LIQUIBASE_COMMAND_CONTEXTS: 'prod', LIQUIBASE_COMMAND_LABEL_FILTER: 'big' });
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(flagged.stdout).toMatch(/EXECUTED\s+db\/changelog\.yaml::base::a\nEXECUTED\s+db\/changelog\.yaml::for-test::a\n/);
    // the file's parameter.prefix named the table; the embedded database is the file's url
    const history = pgcs(['history', '--format', 'json']);
    expect(history.code, history.stderr).toBe(0);
    expect(fs.existsSync(nodePath.join(dir, 'local-db'))).toBe(true);
    const sql = pgcs(['update-sql', '-Dprefix=other'], { LIQUIBASE_COMMAND_CONTEXTS: 'prod' });
    expect(sql.stdout).toContain('ALTER TABLE other_base RENAME COLUMN id TO key');
  });

  it('lints the changelog the file names when none is given, and only the one given otherwise', () => {
    const named = pgcs(['lint', '--format', 'json']);
    expect(JSON.parse(named.stdout).map((f: { file: string; rule: string }) => `${nodePath.basename(f.file)} ${f.rule}`)).toContain('changelog.yaml rename-column');
    fs.writeFileSync(nodePath.join(dir, 'other.yaml'), 'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: b\n      changes:\n        - sql:\n            sql: SELECT 1\n');
    const given = pgcs(['lint', 'other.yaml', '--format', 'json']);
    const files = new Set(JSON.parse(given.stdout).map((f: { file: string }) => nodePath.basename(f.file)));
    expect(files).toEqual(new Set(['other.yaml']));
  });

  it('takes Liquibase\'s logging and driver flags and sets them aside; refuses what it cannot honour, before connecting', () => {
    const quiet = pgcs(['--show-banner', 'false', '--log-level=info', 'status', '--driver', 'org.postgresql.Driver', '--classpath=lib/postgresql.jar']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/is up to date|have not been applied/);
    const moved = pgcs(['update', '--liquibase-tablespace-name=fast']);
    expect(moved.code).toBe(2);
    expect(moved.stderr).toBe('pgcs: --liquibase-tablespace-name is not supported: pgcs creates the tracking tables in the default tablespace only (pgcs --help shows the usage)\n');
    const quoted = pgcs(['update', '--database-changelog-table-name', 'app-changelog']);
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toBe("pgcs: --database-changelog-table-name must be a plain table name (letters, digits, _), not 'app-changelog' (pgcs --help shows the usage)\n");
  });

  it('refuses a defaults file it was told to read and cannot find, in one line, before touching anything', () => {
    const run = pgcs(['update', '--defaults-file', 'conf/missing.properties']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('pgcs: defaults file conf/missing.properties not found (--defaults-file) (pgcs --help shows the usage)\n');
    const fromEnv = pgcs(['status'], { LIQUIBASE_DEFAULTS_FILE: 'gone.properties' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('defaults file gone.properties not found (LIQUIBASE_DEFAULTS_FILE)');
  });
});
