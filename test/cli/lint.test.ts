// `pgcs lint` as CI runs it: the built CLI in a child process, on changelogs written to a temp folder.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = nodePath.resolve(__dirname, '../../dist/cli.js');
let dir: string;

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(nodePath.dirname(nodePath.join(dir, name)), { recursive: true });
    fs.writeFileSync(nodePath.join(dir, name), text);
  }
}

function pgcs(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const RENAME = `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: ALTER TABLE users RENAME COLUMN name TO full_name
`;

beforeAll(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-lint-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pgcs lint', () => {
  it('finds the same from the parsed-file store as from a fresh parse, and the store holds the files after the first run', () => {
    write({ 'store/changelog.yaml': RENAME + '  - include:\n      file: more.sql\n      relativeToChangelogFile: true\n', 'store/more.sql': '--liquibase formatted sql\n--changeset a:2\nCREATE INDEX i ON users (full_name);\n' });
    const store = nodePath.join(dir, 'parsed-store');
    const run = (cacheDir: string) => spawnSync(process.execPath, [cli, 'lint', 'store/changelog.yaml', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: cacheDir } });
    const fresh = run('');
    const first = run(store);
    expect(fs.readdirSync(store).length).toBeGreaterThan(0);
    const stored = run(store);
    expect(JSON.parse(stored.stdout)).toEqual(JSON.parse(fresh.stdout));
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(fresh.stdout));
    expect(JSON.parse(fresh.stdout).map((f: { rule: string }) => f.rule)).toContain('rename-column');
  });

  it('prints SARIF 2.1.0 with the rule described from its meta and the exact region', () => {
    write({ 'a/changelog.yaml': RENAME });
    const r = pgcs('lint', 'a/changelog.yaml', '--format', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    const result = run.results.find((x: any) => x.ruleId === 'rename-column');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'a/changelog.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 6, startColumn: 16, endLine: 6, endColumn: 65 },
    });
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('rename-column');
    expect(run.tool.driver.rules[result.ruleIndex].help.text).toContain('Instead');
  });

  it('prints GitHub annotations with escaped properties', () => {
    write({ 'b,c/changelog.yaml': RENAME });
    const r = pgcs('lint', 'b,c/changelog.yaml', '--format', 'github');
    expect(r.stdout).toMatch(/^::error file=b%2Cc\/changelog\.yaml,line=6,endLine=6,col=16,endColumn=65,title=pgcs rename-column::Renaming column users\.name/m);
  });

  it('fails on warnings only with --fail-on warning', () => {
    write({ 'w/changelog.yaml': RENAME, 'w/pgcs.config.json': '{ "rules": { "rename-column": "warning" } }' });
    expect(pgcs('lint', 'w/changelog.yaml').code).toBe(0);
    expect(pgcs('lint', 'w/changelog.yaml', '--fail-on', 'warning').code).toBe(1);
  });

  it('reads pgcs.config.json beside the changelog: a rule turned off is silent, a bad entry is reported at its line', () => {
    write({ 'off/changelog.yaml': RENAME, 'off/pgcs.config.json': '{ "rules": { "rename-column": "off" } }' });
    expect(pgcs('lint', 'off/changelog.yaml').stdout).not.toContain('rename-column');
    write({ 'bad/changelog.yaml': RENAME, 'bad/pgcs.config.json': '{\n  "rules": { "no-such-rule": "off" }\n}\n' });
    const r = pgcs('lint', 'bad/changelog.yaml');
    expect(r.stdout).toContain("bad/pgcs.config.json:2:14: error config: Unknown rule 'no-such-rule'");
  });

  it('--changed-since reports only changesets in files changed since the ref (committed, unstaged or untracked)', () => {
    const repo = nodePath.join(dir, 'repo');
    fs.mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    fs.writeFileSync(nodePath.join(repo, 'changelog.yaml'), 'databaseChangeLog:\n  - include:\n      file: old.yaml\n      relativeToChangelogFile: true\n  - include:\n      file: new.yaml\n      relativeToChangelogFile: true\n');
    fs.writeFileSync(nodePath.join(repo, 'old.yaml'), RENAME);
    fs.writeFileSync(nodePath.join(repo, 'new.yaml'), RENAME.replace('id: 1', 'id: 2').replace('users', 'orders'));
    git('add', '.');
    git('commit', '-qm', 'one');
    expect(pgcs('lint', 'repo/changelog.yaml', '--changed-since', 'HEAD').stdout).not.toContain('rename-column');
    fs.writeFileSync(nodePath.join(repo, 'new.yaml'), RENAME.replace('id: 1', 'id: 2').replace('users', 'orders').replace('full_name', 'fullname'));
    const r = pgcs('lint', 'repo/changelog.yaml', '--changed-since', 'HEAD');
    expect(r.stdout).toContain('repo/new.yaml:6:16: error rename-column: Renaming column orders.name to fullname');
    expect(r.stdout).not.toContain('old.yaml');
    expect(r.stderr).toContain('1 changeset checked (changed since HEAD)');
    expect(pgcs('lint', 'repo/changelog.yaml', '--changed-since', 'no-such-branch').stderr).toContain('--changed-since no-such-branch: no such commit');
  });

  it('prints JSON on one line, files in code-unit order whatever the locale: capitals before small letters', () => {
    const renames = (table: string) => `--liquibase formatted sql\n--changeset a:${table}\nALTER TABLE ${table} RENAME COLUMN name TO full_name;\n`;
    write({ 'order/changelog.yaml': 'databaseChangeLog:\n  - includeAll:\n      path: parts/\n      relativeToChangelogFile: true\n', 'order/parts/a.sql': renames('t1'), 'order/parts/B.sql': renames('t2'), 'order/parts/_c.sql': renames('t3') });
    const stdout = pgcs('lint', 'order/changelog.yaml', '--format', 'json').stdout;
    // one line, however many findings (as eslint and squawk print JSON)
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    const files = (JSON.parse(stdout) as { rule: string; file: string }[]).filter((f) => f.rule === 'rename-column').map((f) => f.file);
    // a Collator of an English locale would say a, B, _c
    expect(files).toEqual(['order/parts/B.sql', 'order/parts/_c.sql', 'order/parts/a.sql']);
  });

  it('refuses an unknown format with the choices', () => {
    write({ 'f/changelog.yaml': RENAME });
    const r = pgcs('lint', 'f/changelog.yaml', '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be text, json, sarif or github');
  });
});
