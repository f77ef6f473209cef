import { beforeAll, describe, expect, it } from 'vitest';
import { addRequiredColumn } from '../../../server/src/rules/add-required-column';
import { changeColumnType } from '../../../server/src/rules/change-column-type';
import { dropColumn } from '../../../server/src/rules/drop-column';
import { dropDefault } from '../../../server/src/rules/drop-default';
import { dropNotNull } from '../../../server/src/rules/drop-not-null';
import { dropTable } from '../../../server/src/rules/drop-table';
import { newConstraintRejectsOldWrites } from '../../../server/src/rules/new-constraint-rejects-old-writes';
import { RULES } from '../../../server/src/rules/registry';
import { renameColumn } from '../../../server/src/rules/rename-column';
import { renameTable } from '../../../server/src/rules/rename-table';
import { setNotNull } from '../../../server/src/rules/set-not-null';
import { initSqlParser } from '../../../server/src/sql/statements';
import type { Fix } from '../../../server/src/rules/rule';
import { RENAME_CASES, TYPE_CASES } from './expand-contract.fixtures';
import { lintCase } from './rule-tester';

const COMPATIBILITY_RULES = [renameColumn, renameTable, dropColumn, dropTable, changeColumnType, addRequiredColumn, setNotNull, dropNotNull, dropDefault, newConstraintRejectsOldWrites];

describe('the changelog after the expand/contract quick fix', () => {
  beforeAll(() => initSqlParser());
  for (const c of [...RENAME_CASES, ...TYPE_CASES]) {
    it(`loads without errors and the compatibility rules stay silent on it: ${c.name}`, () => {
      // lintCase throws when the changelog has errors; the contract's DROP COLUMN carries its own pgcs-ignore, which must be used
      for (const rule of COMPATIBILITY_RULES) {
        const { findings } = lintCase(rule, { name: c.name, code: c.output });
        expect(findings.map((f) => `${f.rule}: ${f.message}`), rule.meta.id).toEqual([]);
      }
    });
    it(`gives no finding of any rule on the expand and contract changesets: ${c.name}`, () => {
      const findings = RULES.flatMap((rule) => lintCase(rule, { name: c.name, code: c.output }).findings);
      const generated = findings.filter((f) => /-(expand|contract)$/.test(f.changeset?.id ?? ''));
      expect(generated.map((f) => `${f.rule} (${f.changeset?.id}): ${f.message}`)).toEqual([]);
    });
  }

  it('quotes mixed-case and reserved names and keeps the table in its schema', () => {
    const code = `--liquibase formatted sql
--changeset a:1
CREATE TABLE app."Users" (id int, "Name" text);

--changeset a:2
ALTER TABLE app."Users" RENAME COLUMN "Name" TO "user";
`;
    const { findings } = lintCase(renameColumn, { name: 'quoted', code });
    const fix = findings[0].fixes?.[0] as Fix;
    const text = fix.edits[0].newText;
    expect(text).toContain('ALTER TABLE app."Users" ADD COLUMN IF NOT EXISTS "user" text');
    expect(text).toContain('CREATE OR REPLACE FUNCTION app."Users_Name_sync"() RETURNS trigger');
    expect(text).toContain('NEW."user" := NEW."Name";');
    expect(text).toContain('CREATE TRIGGER "Users_Name_sync" BEFORE INSERT OR UPDATE ON app."Users" FOR EACH ROW EXECUTE FUNCTION app."Users_Name_sync"()');
    expect(text).toContain('ALTER TABLE app."Users" DROP COLUMN "Name"');
    const fixed = code.slice(0, code.indexOf('--changeset a:2')) + text + '\n';
    for (const rule of COMPATIBILITY_RULES) expect(lintCase(rule, { name: 'fixed', code: fixed }).findings, rule.meta.id).toEqual([]);
  });

  it('offers no fix when the changeset does more than the rename, or the column type is unknown', () => {
    const code = `--liquibase formatted sql
--changeset a:1
ALTER TABLE users RENAME COLUMN name TO full_name;

--changeset a:2
CREATE TABLE orders (id int, total int);

--changeset a:3
ALTER TABLE orders ALTER COLUMN total TYPE bigint;
CREATE INDEX orders_total ON orders (total);
`;
    expect(lintCase(renameColumn, { name: 'unknown type', code }).findings[0].fixes).toBeUndefined();
    expect(lintCase(changeColumnType, { name: 'two statements', code }).findings[0].fixes).toBeUndefined();
  });

  it('offers no fix on a changeset with preconditions or one an environment already ran', () => {
    const code = `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, name text, email text);

--changeset a:2
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:1 SELECT count(*) FROM information_schema.columns WHERE column_name = 'name'
ALTER TABLE users RENAME COLUMN name TO full_name;

--changeset a:3
ALTER TABLE users RENAME COLUMN email TO mail;
`;
    const applied = { id: '3', author: 'a', filename: 'changelog.sql', md5sum: null, dateExecuted: new Date(0), orderExecuted: 3, execType: 'EXECUTED' };
    const { findings } = lintCase(renameColumn, { name: 'preconditions, applied', code, environments: [{ name: 'staging', readAt: new Date(0), applied: [applied] }] });
    expect(findings.map((f) => [f.changeset?.id, f.fixes])).toEqual([
      ['2', undefined],
      ['3', undefined],
    ]);
    // without the environment, changeset 3 gets its fix
    expect(lintCase(renameColumn, { name: 'preconditions', code }).findings[1].fixes?.length).toBe(1);
  });
});
