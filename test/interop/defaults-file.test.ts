// One liquibase.properties, one set of LIQUIBASE_COMMAND_* variables, two tools: run with no connection flags in the
// same folder, Liquibase 4.28 and pgcs must read the same settings from them (keys in their several spellings, a
// changelog parameter, a key scoped to one command, the environment over the file) and so agree on what is pending.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { freshDatabase, PASSWORD, USER } from '../db/postgres';
import { describeRun, interopUnavailable, liquibase, pgcs, readRows, type Run, schemaOf, type ToolInvocation, withClient } from './support';

const missing = interopUnavailable();
const work = mkdtempSync(path.join(tmpdir(), 'pgcs-interop-defaults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CHANGELOG = `databaseChangeLog:
  - changeSet:
      id: 1
      author: team
      changes:
        - sql:
            sql: CREATE TABLE \${table} (id int)
  - changeSet:
      id: 2
      author: team
      context: later
      changes:
        - sql:
            sql: CREATE TABLE later_table (id int)
  - changeSet:
      id: 3
      author: team
      labels: slow
      changes:
        - sql:
            sql: CREATE TABLE slow_table (id int)
`;

/** the changesets a `status --verbose` lists as not applied, in either tool's output */
const pendingIn = (run: Run) => [...run.stdout.matchAll(/^\s+(\S+::\S+::\S+)\s*$/gm)].map((m) => m[1]).sort();

describe.skipIf(missing !== undefined)('Liquibase and pgcs read the same liquibase.properties and LIQUIBASE_* variables', () => {
  it('agree on what is pending and apply what the other left, with no connection flags', async ({ expect }) => {
    const db = await freshDatabase('defaults file');
    const dir = mkdtempSync(path.join(work, 'project-'));
    writeFileSync(path.join(dir, 'changelog.yaml'), CHANGELOG);
    writeFileSync(
      path.join(dir, 'liquibase.properties'),
      [
        '# as a team keeps it beside its changelog',
        'changeLogFile=changelog.yaml',
        `liquibase.command.url: ${db.jdbcUrl}`,
        `username ${USER}`,
        `password=${PASSWORD}`,
        'driver=org.postgresql.Driver',
        'parameter.table=orders',
        'contexts=first',
        // update only: status still lists the slow changeset
        'liquibase.command.update.labelFilter=!slow',
        '',
      ].join('\n'),
    );
    const both = async (command: string, env: Record<string, string> = {}) => {
      const invocation: ToolInvocation = { db, cwd: dir, command, args: command === 'status' ? ['--verbose'] : [], env, bare: true };
      const [lb, pg] = [await liquibase(invocation), await pgcs(invocation)];
      expect(lb.code, describeRun('Liquibase', lb)).toBe(0);
      expect(pg.code, describeRun('pgcs', pg)).toBe(0);
      return { lb, pg };
    };

    const first = await liquibase({ db, cwd: dir, command: 'update', bare: true });
    expect(first.code, describeRun('Liquibase', first)).toBe(0);
    const afterLiquibase = await both('status');
    expect(pendingIn(afterLiquibase.pg)).toEqual(['changelog.yaml::3::team']);
    expect(pendingIn(afterLiquibase.lb)).toEqual(pendingIn(afterLiquibase.pg));

    // the environment wins over the file: the `later` changeset now runs, the slow one still not (update's label filter)
    const later = { LIQUIBASE_COMMAND_CONTEXTS: 'later' };
    const update = await pgcs({ db, cwd: dir, command: 'update', env: later, bare: true });
    expect(update.code, describeRun('pgcs', update)).toBe(0);
    const afterPgcs = await both('status', later);
    expect(pendingIn(afterPgcs.pg)).toEqual(['changelog.yaml::3::team']);
    expect(pendingIn(afterPgcs.lb)).toEqual(pendingIn(afterPgcs.pg));
    await both('validate');

    const rows = await readRows(db);
    expect(rows.map((r) => `${r.id} ${r.exectype} ${r.contexts ?? ''}`)).toEqual(['1 EXECUTED ', '2 EXECUTED later']);
    const tables = await withClient(db.url, async (client) => (await client.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t));
    expect(tables).toEqual(['databasechangelog', 'databasechangeloglock', 'later_table', 'orders']);
  });

  it('share tracking tables of other names (databaseChangeLogTableName, databaseChangeLogLockTableName), made alike by either', async ({ expect }) => {
    const [shared, pgcsOnly] = await Promise.all([freshDatabase('tracking names shared'), freshDatabase('tracking names pgcs')]);
    const project = (db: typeof shared) => {
      const dir = mkdtempSync(path.join(work, 'names-'));
      writeFileSync(path.join(dir, 'changelog.yaml'), CHANGELOG);
      writeFileSync(
        path.join(dir, 'liquibase.properties'),
        `changeLogFile=changelog.yaml\nurl=${db.jdbcUrl}\nusername=${USER}\npassword=${PASSWORD}\nparameter.table=orders\ncontexts=later\ndatabaseChangeLogTableName=App_Changelog\ndatabaseChangeLogLockTableName=app_lock\n`,
      );
      return dir;
    };
    const sharedDir = project(shared);
    const first = await liquibase({ db: shared, cwd: sharedDir, command: 'update-count', args: ['--count=1'], bare: true });
    expect(first.code, describeRun('Liquibase', first)).toBe(0);
    const rest = await pgcs({ db: shared, cwd: sharedDir, command: 'update', bare: true });
    expect(rest.code, describeRun('pgcs', rest)).toBe(0);
    const status = await liquibase({ db: shared, cwd: sharedDir, command: 'status', bare: true });
    expect(status.code, describeRun('Liquibase', status)).toBe(0);
    expect(status.stdout).toMatch(/is up to date/);
    const alone = await pgcs({ db: pgcsOnly, cwd: project(pgcsOnly), command: 'update', bare: true });
    expect(alone.code, describeRun('pgcs', alone)).toBe(0);

    const rowsIn = (db: typeof shared) => withClient(db.url, async (c) => (await c.query<{ r: string }>(`SELECT id || ' ' || exectype AS r FROM app_changelog ORDER BY orderexecuted`)).rows.map((x) => x.r));
    expect(await rowsIn(shared)).toEqual(['1 EXECUTED', '2 EXECUTED', '3 EXECUTED']);
    expect(await rowsIn(pgcsOnly)).toEqual(await rowsIn(shared));
    // no DATABASECHANGELOG anywhere; the tables pgcs made alone are the ones Liquibase made (columns, types, keys)
    expect(await schemaOf(pgcsOnly)).toEqual(await schemaOf(shared));
    expect(Object.keys(await schemaOf(shared)).filter((k) => /databasechangelog/i.test(k))).toEqual([]);
    expect(Object.keys(await schemaOf(shared)).some((k) => k.includes('app_lock_pkey'))).toBe(true);
  });
});
