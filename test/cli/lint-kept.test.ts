// `pgcs lint` keeps each tree's findings, and each command's output, in the parsed-file store with what they read,
// and gives them back only while every file, folder and listing read is as it was: the built CLI in a child process,
// as CI runs it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = nodePath.resolve(__dirname, '../../dist/cli.js');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-lint-kept-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(nodePath.dirname(nodePath.join(dir, name)), { recursive: true });
    fs.writeFileSync(nodePath.join(dir, name), text);
  }
}

function lint(store: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'lint', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: store } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** the findings of the rules these changelogs are about (they also lack rollbacks and lock timeouts) */
const WATCHED = new Set(['index-without-concurrently', 'rename-column', 'sql-syntax']);
const rules = (out: string) =>
  (JSON.parse(out) as { rule: string; file: string }[]).filter((f) => WATCHED.has(f.rule)).map((f) => `${f.rule} ${f.file}`).sort();

const ROOT = `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, name text)
  - include:
      file: more.sql
      relativeToChangelogFile: true
  - includeAll:
      path: all/
      relativeToChangelogFile: true
`;

describe('pgcs lint with a kept result', () => {
  it('keeps a tree\'s findings in the store and gives the same back while nothing changed', () => {
    write({ 'same/changelog.yaml': ROOT, 'same/more.sql': '--liquibase formatted sql\n--changeset a:2\nCREATE INDEX i ON users (name);\n', 'same/all/001.sql': '--liquibase formatted sql\n--changeset a:3\nALTER TABLE users RENAME COLUMN name TO full_name;\n' });
    const store = nodePath.join(dir, 'store-same');
    const fresh = lint('', 'same/changelog.yaml', '--format', 'json');
    const first = lint(store, 'same/changelog.yaml', '--format', 'json');
    const results = fs.readdirSync(store).filter((name) => name.endsWith('.result.json'));
    expect(results).toHaveLength(1);
    const written = fs.statSync(nodePath.join(store, results[0]));
    const kept = lint(store, 'same/changelog.yaml', '--format', 'json');
    // answered from the kept result: a lint that ran again would have written the result anew
    const after = fs.statSync(nodePath.join(store, results[0]));
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    expect(first).toEqual(fresh);
    expect(kept).toEqual(fresh);
    expect(rules(kept.stdout)).toEqual(['index-without-concurrently same/more.sql', 'rename-column same/all/001.sql']);
    for (const format of ['text', 'sarif', 'github']) {
      expect(lint(store, 'same/changelog.yaml', '--format', format)).toEqual(lint('', 'same/changelog.yaml', '--format', format));
    }
  });

  it('takes a kept result only for the inputs it was made from (result files are named by a short hash)', () => {
    write({ 'inputs/changelog.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql: ALTER TABLE ${t} RENAME COLUMN name TO full_name\n' });
    const store = nodePath.join(dir, 'store-inputs');
    const resultFiles = () => new Set(fs.readdirSync(store).filter((name) => name.endsWith('.result.json')));
    const withProperty = (t: string) => rules(lint(store, 'inputs/changelog.yaml', '--format', 'json', `-Dt=${t}`).stdout);
    expect(withProperty('users')).toEqual(['rename-column inputs/changelog.yaml']);
    const ofUsers = [...resultFiles()][0];
    expect(withProperty('(')).toEqual(['sql-syntax inputs/changelog.yaml']);
    const ofSyntaxError = [...resultFiles()].find((name) => name !== ofUsers)!;
    // the result of other inputs under this run's name, as two inputs whose hashes collide would leave it (and no
    // kept output, which would answer first)
    fs.copyFileSync(nodePath.join(store, ofUsers), nodePath.join(store, ofSyntaxError));
    for (const name of fs.readdirSync(store)) if (name.endsWith('.output')) fs.rmSync(nodePath.join(store, name));
    expect(withProperty('(')).toEqual(['sql-syntax inputs/changelog.yaml']);
  });

  it('prints a whole command\'s kept output again, byte for byte, only for the inputs and reads it was made from', () => {
    write({ 'out/changelog.yaml': ROOT, 'out/more.sql': '--liquibase formatted sql\n--changeset a:2\nCREATE INDEX i ON users (name);\n', 'out/all/001.sql': '--liquibase formatted sql\n--changeset a:3\nALTER TABLE users RENAME COLUMN name TO full_name;\n' });
    const store = nodePath.join(dir, 'store-out');
    const outputs = () => fs.readdirSync(store).filter((name) => name.endsWith('.output'));
    const fresh = lint('', 'out/changelog.yaml', '--format', 'json');
    expect(lint(store, 'out/changelog.yaml', '--format', 'json')).toEqual(fresh);
    expect(outputs()).toHaveLength(1);
    const [ofJson] = outputs();
    // what is printed is the kept output itself: marked (its length kept), the mark is printed
    const kept = fs.readFileSync(nodePath.join(store, ofJson), 'latin1');
    fs.writeFileSync(nodePath.join(store, ofJson), kept.replace(/("rule":"rename-column")(?![\s\S]*"rule":"rename-column")/, '"rule":"RENAME-COLUMN"'), 'latin1');
    const marked = lint(store, 'out/changelog.yaml', '--format', 'json');
    expect(marked.stdout).toContain('"rule":"RENAME-COLUMN"');
    expect({ ...marked, stdout: marked.stdout.replace('RENAME-COLUMN', 'rename-column') }).toEqual(fresh);
    // the summary on stderr and the exit code come back too, and each format, folder and --fail-on has its own
    for (const extra of [['--format', 'text'], ['--format', 'text', '--fail-on', 'warning'], ['--format', 'github']]) {
      const fromScratch = lint('', 'out/changelog.yaml', ...extra);
      expect(lint(store, 'out/changelog.yaml', ...extra)).toEqual(fromScratch);
      expect(lint(store, 'out/changelog.yaml', ...extra)).toEqual(fromScratch);
    }
    // the same tree from its own folder: its paths are shown from there
    const fromOwnFolder = (cacheDir: string) => {
      const r = spawnSync(process.execPath, [cli, 'lint', 'changelog.yaml', '--format', 'json'], { cwd: nodePath.join(dir, 'out'), encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: cacheDir } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    expect(fromOwnFolder(store)).toEqual(fromOwnFolder(''));
    expect(fromOwnFolder(store).stdout).toContain('"file":"more.sql"');
    // the JSON output under every other command's name, as inputs whose hashes collide would leave it: not taken
    for (const name of outputs()) if (name !== ofJson) fs.copyFileSync(nodePath.join(store, ofJson), nodePath.join(store, name));
    expect(lint(store, 'out/changelog.yaml', '--format', 'text')).toEqual(lint('', 'out/changelog.yaml', '--format', 'text'));
    // an edit: linted again, the mark gone
    write({ 'out/all/001.sql': '--liquibase formatted sql\n--changeset a:3\nALTER TABLE users RENAME COLUMN name TO whole_name;\n' });
    const edited = lint(store, 'out/changelog.yaml', '--format', 'json');
    expect(edited).toEqual(lint('', 'out/changelog.yaml', '--format', 'json'));
    expect(edited.stdout).not.toContain('RENAME-COLUMN');
  });

  it('answers from the kept result without loading node:crypto or node:child_process (their loading is most of such a run)', () => {
    write({ 'modules/changelog.yaml': ROOT, 'modules/more.sql': '--liquibase formatted sql\n--changeset a:2\nSELECT 1;\n', 'modules/all/001.sql': '--liquibase formatted sql\n--changeset a:3\nSELECT 2;\n' });
    // a file changed within 2.5 s before a run is read and hashed again (its stat is not trusted yet)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2600);
    const store = nodePath.join(dir, 'store-modules');
    const preload = nodePath.join(dir, 'modules-loaded.cjs');
    fs.writeFileSync(preload, "process.on('exit', () => process.stderr.write('MODULES ' + process.moduleLoadList.join(',') + '\\n'));\n");
    const loaded = () => {
      const r = spawnSync(process.execPath, ['--require', preload, cli, 'lint', 'modules/changelog.yaml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGCS_CACHE_DIR: store } });
      return new Set(/MODULES (.*)/.exec(r.stderr)![1].split(',').map((m) => m.replace('NativeModule ', '')));
    };
    // the first run parses and hashes what it read
    expect(loaded().has('crypto')).toBe(true);
    const kept = loaded();
    expect(kept.has('crypto')).toBe(false);
    expect(kept.has('child_process')).toBe(false);
  });

  it('lints again when an included file, an includeAll folder, the config or a property changes', () => {
    write({ 'edit/changelog.yaml': ROOT, 'edit/more.sql': '--liquibase formatted sql\n--changeset a:2\nCREATE INDEX i ON users (name);\n', 'edit/all/001.sql': '--liquibase formatted sql\n--changeset a:3\nSELECT 1;\n' });
    const store = nodePath.join(dir, 'store-edit');
    const both = () => {
      const kept = lint(store, 'edit/changelog.yaml', '--format', 'json');
      expect(kept).toEqual(lint('', 'edit/changelog.yaml', '--format', 'json'));
      return rules(kept.stdout);
    };
    expect(both()).toEqual(['index-without-concurrently edit/more.sql']);
    // the same length, written at once: the text is compared, not only the size
    write({ 'edit/more.sql': '--liquibase formatted sql\n--changeset a:2\nCREATE INDEX j ON users (name);\n' });
    expect(both()).toEqual(['index-without-concurrently edit/more.sql']);
    write({ 'edit/more.sql': '--liquibase formatted sql\n--changeset a:2\nCREATE INDEX CONCURRENTLY i ON users (name);\n' });
    expect(both()).toEqual([]);
    write({ 'edit/all/002.sql': '--liquibase formatted sql\n--changeset a:4\nALTER TABLE users RENAME COLUMN name TO full_name;\n' });
    expect(both()).toEqual(['rename-column edit/all/002.sql']);
    write({ 'edit/pgcs.config.json': '{ "rules": { "rename-column": "off" } }\n' });
    expect(both()).toEqual([]);
    fs.rmSync(nodePath.join(dir, 'edit/pgcs.config.json'));
    expect(both()).toEqual(['rename-column edit/all/002.sql']);
    write({ 'edit/all/002.sql': '--liquibase formatted sql\n--changeset a:4\nALTER TABLE ${t} RENAME COLUMN name TO full_name;\n' });
    const withProperty = (t: string) => rules(lint(store, 'edit/changelog.yaml', '--format', 'json', `-Dt=${t}`).stdout);
    expect(withProperty('users')).toEqual(['rename-column edit/all/002.sql']);
    expect(withProperty('(')).toEqual(['sql-syntax edit/all/002.sql']);
    expect(withProperty('users')).toEqual(['rename-column edit/all/002.sql']);
  });
});
