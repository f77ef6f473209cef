// update on PostgreSQL sends each changeset's transaction, and runs of consecutive changesets, in one round trip
// (engine.ts sendWhole/sendStretch). What must not change with that: one transaction and one row per changeset,
// ORDEREXECUTED without gaps, values written exactly, and a failure that stops at the failing changeset.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changelogRows, ensureCliBuilt, errorLines, ids, pgcs, pgLooker, pgQuery, relations, removeWorkspaces, show, workspace, yamlChangelog } from './fixtures/engine-cli';
import { freshDatabase } from './postgres';

vi.setConfig({ testTimeout: 240_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

describe.concurrent('update in few round trips', () => {
  it('runs 150 changesets, skips one with failOnError: false, and numbers the others without a gap', async () => {
    const db = await freshDatabase('stretches');
    const changesets = Array.from({ length: 150 }, (_, i) => ({
      id: String(i + 1),
      sql: i === 59 ? 'INSERT INTO no_such_table VALUES (1);' : `CREATE TABLE s${i + 1} (id int);\nINSERT INTO s${i + 1} VALUES (${i + 1});`,
      extra: i === 59 ? ['failOnError: false'] : i === 99 ? ['preconditions:', '  - onFail: MARK_RAN', '  - tableExists:', '      tableName: no_such_table'] : [],
    }));
    const cwd = workspace({ 'changelog.yaml': yamlChangelog(changesets) });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toContain('Changeset changelog.yaml::60::test failed and has failOnError: false');
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => row.id)).toEqual(changesets.map((c) => c.id).filter((id) => id !== '60'));
    expect(rows.map((row) => row.orderexecuted)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.find((row) => row.id === '100')?.exectype).toBe('MARK_RAN');
    expect(new Set(rows.map((row) => row.deployment_id)).size).toBe(1);
    const tables = await relations(pgLooker(db.url));
    expect(tables).toContain('s150');
    expect(tables).not.toContain('s100');
    expect(await pgQuery(db.url, 'SELECT id FROM s61')).toEqual([{ id: 61 }]);
    // each changeset committed on its own: DATEEXECUTED is each transaction's start, so it never goes back
    const dates = rows.map((row) => String(row.dateexecuted));
    expect([...dates].sort()).toEqual(dates);
  });

  it('stops at a changeset that fails in the middle of a run of them: those before stay, nothing after runs', async () => {
    const db = await freshDatabase('stretch fails');
    const changesets = Array.from({ length: 30 }, (_, i) => ({
      id: String(i + 1),
      sql: i === 19 ? 'CREATE TABLE f20 (id int);\nALTER TABLE f20 ADD COLUMN id int;' : `CREATE TABLE f${i + 1} (id int);`,
    }));
    const cwd = workspace({ 'changelog.yaml': yamlChangelog(changesets) });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(1);
    const [line] = errorLines(r.stderr);
    const changelogLine = yamlChangelog(changesets).split('\n').findIndex((l) => l.includes('ALTER TABLE f20')) + 1;
    expect(line).toBe(`pgcs: changelog.yaml:${changelogLine}: changeset changelog.yaml::20::test failed: column "id" of relation "f20" already exists (SQLSTATE 42701). Nothing of it was applied.`);
    expect(await ids(pgLooker(db.url))).toEqual(changesets.slice(0, 19).map((c) => c.id));
    const tables = await relations(pgLooker(db.url));
    expect(tables).toContain('f19');
    expect(tables).not.toContain('f20');
    expect(tables).not.toContain('f21');
  });

  it('fails in the second full run of changesets (built while the first ran): those before stay, numbered without a gap; the next update goes on from there', async () => {
    const db = await freshDatabase('second stretch fails');
    const changesets = (failing: boolean) =>
      Array.from({ length: 230 }, (_, i) => ({
        id: String(i + 1),
        sql: failing && i === 169 ? 'INSERT INTO no_such_table VALUES (1);' : `CREATE TABLE t${i + 1} (id int);`,
      }));
    const cwd = workspace({ 'changelog.yaml': yamlChangelog(changesets(true)) });
    const failed = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(failed.code, show(failed)).toBe(1);
    expect(errorLines(failed.stderr)[0]).toContain('changeset changelog.yaml::170::test failed: relation "no_such_table" does not exist');
    const before = await changelogRows(pgLooker(db.url));
    expect(before.map((row) => row.id)).toEqual(changesets(true).slice(0, 169).map((c) => c.id));
    expect(before.map((row) => row.orderexecuted)).toEqual(before.map((_, i) => i + 1));
    const tables = await relations(pgLooker(db.url));
    expect(tables).toContain('t169');
    expect(tables).not.toContain('t171');
    expect(tables).not.toContain('t201');

    const fixed = workspace({ 'changelog.yaml': yamlChangelog(changesets(false)) });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd: fixed });
    expect(r.code, show(r)).toBe(0);
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => row.id)).toEqual(changesets(false).map((c) => c.id));
    expect(rows.map((row) => row.orderexecuted)).toEqual(rows.map((_, i) => i + 1));
    expect(new Set(rows.slice(169).map((row) => row.deployment_id)).size).toBe(1);
    expect(rows[169].deployment_id).not.toBe(rows[0].deployment_id);
  });

  it('writes ids, authors and comments holding quotes and backslashes exactly, whatever standard_conforming_strings says', async () => {
    const db = await freshDatabase('literals');
    await pgQuery(db.url, `ALTER DATABASE "${db.name}" SET standard_conforming_strings = off`);
    const changelog = [
      'databaseChangeLog:',
      '  - changeSet:',
      `      id: "it's\\\\1"`,
      `      author: 'back\\slash'`,
      `      comment: "C:\\\\temp\\\\ 'quoted' \\\\n"`,
      '      changes:',
      '        - sql:',
      '            sql: CREATE TABLE lit (id int)',
      '  - changeSet:',
      '      id: plain',
      '      author: t',
      '      changes:',
      '        - sql:',
      '            sql: CREATE TABLE lit2 (id int)',
      '',
    ].join('\n');
    const cwd = workspace({ 'changelog.yaml': changelog });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(r.code, show(r)).toBe(0);
    const rows = await changelogRows(pgLooker(db.url));
    expect(rows.map((row) => [row.id, row.author, row.comments])).toEqual([
      ["it's\\1", 'back\\slash', "C:\\temp\\ 'quoted' \\n"],
      ['plain', 't', ''],
    ]);
    const status = await pgcs(['status', '--changelog-file', 'changelog.yaml', '--url', db.url], { cwd });
    expect(status.stdout, show(status)).toContain('is up to date');
  });
});
