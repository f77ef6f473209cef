// Which changesets run, and how they are recorded: preconditions (onFail HALT / CONTINUE / MARK_RAN / WARN,
// sqlCheck, tableExists, columnExists, not, or), contexts and label expressions, dbms, runOnChange,
// runAlways and -D properties. The real CLI against a fresh PostgreSQL database per test.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changelogRows, ensureCliBuilt, ids, pgcs, pgLooker, relations, removeWorkspaces, show, sleep, workspace, writeFiles } from './fixtures/engine-cli';
import { freshDatabase } from './postgres';

// every test runs real processes; on a loaded machine they take far longer than the 60 s default
vi.setConfig({ testTimeout: 240_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

const changeset = (id: string, sql: string, extra = '') => `  - changeSet:
      id: ${id}
      author: t
${extra}      changes:
        - sql:
            sql: ${sql}
`;

describe.concurrent('preconditions', () => {
  const PRECONDITIONS = `databaseChangeLog:
${changeset('base', 'CREATE TABLE t (id int, name text)')}${changeset(
    'table-exists',
    'CREATE TABLE ran_table_exists (id int)',
    `      preConditions:
        - tableExists:
            tableName: t
`,
  )}${changeset(
    'mark-ran',
    'CREATE TABLE never_mark_ran (id int)',
    `      preConditions:
        - onFail: MARK_RAN
        - tableExists:
            tableName: no_such_table
`,
  )}${changeset(
    'continue',
    'CREATE TABLE ran_continue (id int)',
    `      preConditions:
        - onFail: CONTINUE
        - sqlCheck:
            expectedResult: 1
            sql: SELECT count(*) FROM t
`,
  )}${changeset(
    'warn',
    'CREATE TABLE ran_warn (id int)',
    `      preConditions:
        - onFail: WARN
        - onFailMessage: t has no column nope
        - columnExists:
            tableName: t
            columnName: nope
`,
  )}${changeset(
    'not-or',
    'CREATE TABLE ran_not_or (id int)',
    `      preConditions:
        - onFail: MARK_RAN
        - not:
            - tableExists:
                tableName: no_such_table
        - or:
            - tableExists:
                tableName: no_such_table
            - columnExists:
                tableName: t
                columnName: name
`,
  )}${changeset(
    'not-fails',
    'CREATE TABLE never_not_fails (id int)',
    `      preConditions:
        - onFail: MARK_RAN
        - not:
            - columnExists:
                tableName: t
                columnName: name
`,
  )}${changeset(
    'halt',
    'CREATE TABLE never_halt (id int)',
    `      preConditions:
        - tableExists:
            tableName: no_such_table
`,
  )}${changeset('after-halt', 'CREATE TABLE never_after_halt (id int)')}`;

  it('HALT stops the update; MARK_RAN records without running; CONTINUE skips until it holds; WARN runs anyway', async () => {
    const db = await freshDatabase('preconditions');
    const cwd = workspace({ 'changelog.yaml': PRECONDITIONS });
    const look = pgLooker(db.url);
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });

    let r = await run('update');
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toMatch(/^pgcs: Preconditions of changeset changelog\.yaml::halt::t failed: .*no_such_table/m);
    expect(r.stderr).toMatch(/Warning: preconditions of changeset changelog\.yaml::warn::t failed: t has no column nope/);
    const rows = await changelogRows(look);
    expect(rows.map((row) => [row.id, row.exectype, row.orderexecuted])).toEqual([
      ['base', 'EXECUTED', 1],
      ['table-exists', 'EXECUTED', 2],
      ['mark-ran', 'MARK_RAN', 3],
      ['warn', 'EXECUTED', 4],
      ['not-or', 'EXECUTED', 5],
      ['not-fails', 'MARK_RAN', 6],
    ]);
    const tables = await relations(look);
    expect(tables).toEqual(expect.arrayContaining(['t', 'ran_table_exists', 'ran_warn', 'ran_not_or']));
    for (const never of ['never_mark_ran', 'never_not_fails', 'never_halt', 'never_after_halt', 'ran_continue']) expect(tables).not.toContain(never);
    // MARK_RAN writes the changeset's real checksum and description
    const markRan = rows.find((row) => row.id === 'mark-ran')!;
    const checksum = await run('calculate-checksum', '--changeset-identifier', 'changelog.yaml::mark-ran::t');
    expect(markRan.md5sum).toBe(checksum.stdout.trim());
    expect(markRan.description).toBe('sql');

    // the changeset skipped by CONTINUE is still pending; once its check holds it runs
    await look.query('INSERT INTO t VALUES (1, $1)', ['x']);
    writeFiles(cwd, { 'changelog.yaml': PRECONDITIONS.replace(/ {2}- changeSet:\n {6}id: halt[\s\S]*$/, '') });
    r = await run('update');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('EXECUTED changelog.yaml::continue::t');
    expect(await ids(look)).toEqual(['base', 'table-exists', 'mark-ran', 'warn', 'not-or', 'not-fails', 'continue']);
    expect(await relations(look)).toContain('ran_continue');
    // a MARK_RAN changeset stays MARK_RAN and is not run again
    expect(await relations(look)).not.toContain('never_mark_ran');
  });

  it('changeSetExecuted sees a changeset run earlier in the same update; changeLogPropertyDefined sees the changelog\'s properties', async () => {
    const db = await freshDatabase('precondition history');
    const cwd = workspace({
      'changelog.yaml': `databaseChangeLog:
  - property:
      name: feature.flag
      value: "on"
${changeset('first', 'CREATE TABLE first (id int)')}${changeset(
  'after-first',
  'CREATE TABLE after_first (id int)',
  `      preConditions:
        - onFail: MARK_RAN
        - changeSetExecuted:
            id: first
            author: t
            changeLogFile: changelog.yaml
`,
)}${changeset(
  'flagged',
  'CREATE TABLE flagged (id int)',
  `      preConditions:
        - onFail: MARK_RAN
        - changeLogPropertyDefined:
            property: feature.flag
            value: "on"
`,
)}${changeset(
  'undefined-flag',
  'CREATE TABLE never_undefined_flag (id int)',
  `      preConditions:
        - onFail: MARK_RAN
        - changeLogPropertyDefined:
            property: no.such.flag
`,
)}`,
    });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => [row.id, row.exectype])).toEqual([['first', 'EXECUTED'], ['after-first', 'EXECUTED'], ['flagged', 'EXECUTED'], ['undefined-flag', 'MARK_RAN']]);
    expect(await relations(pgLooker(db.url))).toEqual(expect.arrayContaining(['first', 'after_first', 'flagged']));
  });

  it('onError applies when a precondition cannot be evaluated', async () => {
    const db = await freshDatabase('precondition error');
    const cwd = workspace({
      'changelog.yaml': `databaseChangeLog:
${changeset(
  'broken-check',
  'CREATE TABLE never_broken (id int)',
  `      preConditions:
        - onError: MARK_RAN
        - sqlCheck:
            expectedResult: 0
            sql: SELECT count(*) FROM no_such_table
`,
)}${changeset(
  'broken-halt',
  'CREATE TABLE never_broken_halt (id int)',
  `      preConditions:
        - sqlCheck:
            expectedResult: 0
            sql: SELECT count(*) FROM no_such_table
`,
)}`,
    });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toMatch(/^pgcs: Preconditions of changeset changelog\.yaml::broken-halt::t errored: .*relation "no_such_table" does not exist/m);
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => [row.id, row.exectype])).toEqual([['broken-check', 'MARK_RAN']]);
  });
});

describe.concurrent('selecting changesets', () => {
  const FILTERS = `databaseChangeLog:
${changeset('plain', 'SELECT 1')}${changeset('ctx-dev', 'SELECT 1', '      context: dev\n')}${changeset('ctx-prod', 'SELECT 1', '      context: prod\n')}${changeset(
    'ctx-dev-not-test',
    'SELECT 1',
    '      context: dev and !test\n',
  )}${changeset('ctx-paren', 'SELECT 1', '      context: (dev or qa) and !prod\n')}${changeset('lbl-v1', 'SELECT 1', '      labels: v1\n')}${changeset(
    'lbl-v2',
    'SELECT 1',
    '      labels: V2\n',
  )}${changeset('lbl-v1-slow', 'SELECT 1', '      labels: v1, slow\n')}${changeset('dbms-pg', 'SELECT 1', '      dbms: postgresql\n')}${changeset(
    'dbms-h2',
    'SELECT 1',
    '      dbms: h2\n',
  )}${changeset('dbms-not-pg', 'SELECT 1', '      dbms: "!postgresql"\n')}${changeset('dbms-list', 'SELECT 1', '      dbms: h2, postgresql\n')}`;

  it('contexts and label expressions (and, or, !, parentheses) and dbms choose what runs', async () => {
    const db = await freshDatabase('filters');
    const cwd = workspace({ 'changelog.yaml': FILTERS });
    const look = pgLooker(db.url);
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    const pending = async (...args: string[]) => {
      const r = await run('status', '--format', 'json', ...args);
      expect(r.code, show(r)).toBe(0);
      return (JSON.parse(r.stdout).pending as { id: string }[]).map((p) => p.id);
    };
    expect(await pending('--contexts', 'test,qa')).toEqual(['plain', 'ctx-paren', 'lbl-v1', 'lbl-v2', 'lbl-v1-slow', 'dbms-pg', 'dbms-list']);
    expect(await pending('--label-filter', 'v1 and !slow')).toEqual(['plain', 'ctx-dev', 'ctx-prod', 'ctx-dev-not-test', 'ctx-paren', 'lbl-v1', 'dbms-pg', 'dbms-list']);
    expect(await pending('--contexts', 'prod', '--label-filter', '!(v1 or v2)')).toEqual(['plain', 'ctx-prod', 'dbms-pg', 'dbms-list']);

    let r = await run('update', '--contexts', 'dev', '--label-filter', '(v1 or v2) and not slow');
    expect(r.code, show(r)).toBe(0);
    expect(await ids(look)).toEqual(['plain', 'ctx-dev', 'ctx-dev-not-test', 'ctx-paren', 'lbl-v1', 'lbl-v2', 'dbms-pg', 'dbms-list']);
    const rows = await changelogRows(look);
    expect(rows.find((row) => row.id === 'ctx-paren')!.contexts).toBe('((dev or qa) and !prod)');
    expect(rows.find((row) => row.id === 'lbl-v2')!.labels).toBe('v2');

    // without filters the rest runs; dbms-excluded changesets never run and are never recorded
    r = await run('update');
    expect(r.code, show(r)).toBe(0);
    expect(await ids(look)).toEqual(['plain', 'ctx-dev', 'ctx-dev-not-test', 'ctx-paren', 'lbl-v1', 'lbl-v2', 'dbms-pg', 'dbms-list', 'ctx-prod', 'lbl-v1-slow']);
    expect((await run('status')).stdout.trim()).toMatch(/ is up to date$/);
  });

  it('runOnChange reruns an edited changeset (RERAN, same row, new checksum, comments, contexts and labels); runAlways reruns every time', async () => {
    const db = await freshDatabase('rerun');
    const changelog = `databaseChangeLog:
${changeset('table', 'CREATE TABLE t (id int)')}  - changeSet:
      id: view
      author: t
      runOnChange: true
      comment: first
      labels: v1
      changes:
        - sqlFile:
            path: sql/view.sql
            relativeToChangelogFile: true
${changeset('always', 'INSERT INTO t VALUES (1)', '      runAlways: true\n')}${changeset('once', 'INSERT INTO t VALUES (100)')}`;
    const cwd = workspace({ 'changelog.yaml': changelog, 'sql/view.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1 AS x\n' });
    const look = pgLooker(db.url);
    const run = (...args: string[]) => pgcs([...args, '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect((await run('update')).code).toBe(0);
    const first = await changelogRows(look);
    expect(first.map((row) => [row.id, row.exectype, row.orderexecuted])).toEqual([['table', 'EXECUTED', 1], ['view', 'EXECUTED', 2], ['always', 'EXECUTED', 3], ['once', 'EXECUTED', 4]]);

    // runAlways is always pending
    let r = await run('status', '--verbose');
    expect(r.stdout).toMatch(/^1 changeset has not been applied to .*\n {5}changelog\.yaml::always::t$/m);
    await sleep(50);
    r = await run('update');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain('RERAN    changelog.yaml::always::t');
    let rows = await changelogRows(look);
    expect(rows.map((row) => [row.id, row.exectype, row.orderexecuted])).toEqual([['table', 'EXECUTED', 1], ['view', 'EXECUTED', 2], ['once', 'EXECUTED', 4], ['always', 'RERAN', 5]]);
    expect(rows.find((row) => row.id === 'always')!.dateexecuted).not.toBe(first[2].dateexecuted);
    expect(await look.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 1 }, { id: 100 }]);

    // the file changes, and so do the comment, labels and context (which are not part of the checksum)
    writeFiles(cwd, {
      'sql/view.sql': 'CREATE OR REPLACE VIEW v AS SELECT 2 AS x\n',
      'changelog.yaml': changelog.replace('      comment: first\n      labels: v1\n', '      comment: second\n      labels: V2\n      context: reports\n'),
    });
    expect((await run('validate')).code).toBe(0); // runOnChange is exempt from the checksum check
    r = await run('status', '--verbose');
    expect(r.stdout).toContain('2 changesets have not been applied');
    r = await run('update');
    expect(r.code, show(r)).toBe(0);
    rows = await changelogRows(look);
    expect(rows.map((row) => [row.id, row.exectype, row.orderexecuted])).toEqual([['table', 'EXECUTED', 1], ['once', 'EXECUTED', 4], ['view', 'RERAN', 6], ['always', 'RERAN', 7]]);
    const view = rows.find((row) => row.id === 'view')!;
    expect(view.md5sum).toBe((await run('calculate-checksum', '--changeset-identifier', 'changelog.yaml::view::t')).stdout.trim());
    expect(view.md5sum).not.toBe(first[1].md5sum);
    // as Liquibase's MarkChangeSetRanGenerator: COMMENTS, CONTEXTS and LABELS are rewritten, DESCRIPTION is kept
    expect([first[1].comments, first[1].labels, first[1].contexts]).toEqual(['first', 'v1', null]);
    expect([view.comments, view.labels, view.contexts, view.description]).toEqual(['second', 'v2', 'reports', 'sqlFile path=sql/view.sql']);
    expect(new Set(rows.filter((row) => row.exectype === 'RERAN').map((row) => row.deployment_id)).size).toBe(1);
    expect(await look.query('SELECT x FROM v')).toEqual([{ x: 2 }]);
  });

  it('-D properties fill ${…} in inline SQL, sqlFiles and preconditions, and win over changelog properties', async () => {
    const db = await freshDatabase('properties');
    const cwd = workspace({
      'changelog.yaml': `databaseChangeLog:
  - property:
      name: table_name
      value: from_changelog
  - property:
      name: other_table
      value: kept_from_changelog
${changeset('inline', 'CREATE TABLE ${table_name} (id int); CREATE TABLE ${other_table} (id int)')}  - changeSet:
      id: file
      author: t
      changes:
        - sqlFile:
            path: sql/file.sql
            relativeToChangelogFile: true
${changeset(
  'feature',
  'CREATE TABLE feature_on (id int)',
  `      preConditions:
        - onFail: CONTINUE
        - changeLogPropertyDefined:
            property: feature
            value: "on"
`,
)}`,
      'sql/file.sql': 'CREATE TABLE ${file_table} (id int)\n',
    });
    const look = pgLooker(db.url);
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url, '-Dtable_name=from_cli', '-Dfile_table=from_file', '-Dfeature=on'], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(await relations(look)).toEqual(expect.arrayContaining(['from_cli', 'kept_from_changelog', 'from_file', 'feature_on']));
    expect(await relations(look)).not.toContain('from_changelog');
    expect(await ids(look)).toEqual(['inline', 'file', 'feature']);
  });
});
