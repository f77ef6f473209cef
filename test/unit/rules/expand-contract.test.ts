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
});
