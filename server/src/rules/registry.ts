// Every rule, in the order the README lists them. Adding a rule = one file in this folder + one line here.
import { renameColumn } from './rename-column';
import { renameTable } from './rename-table';
import { dropColumn } from './drop-column';
import { dropTable } from './drop-table';
import { changeColumnType } from './change-column-type';
import { addRequiredColumn } from './add-required-column';
import { setNotNull } from './set-not-null';
import { dropNotNull } from './drop-not-null';
import { dropDefault } from './drop-default';
import { newConstraintRejectsOldWrites } from './new-constraint-rejects-old-writes';
import { indexWithoutConcurrently } from './index-without-concurrently';
import { concurrentlyInTransaction } from './concurrently-in-transaction';
import { missingRollback } from './missing-rollback';
import { rollbackDoesNotUndo } from './rollback-does-not-undo';
import { constraintWithoutNotValid } from './constraint-without-not-valid';
import { checksumDrift } from './checksum-drift';
import { editedRunOnChange } from './edited-run-on-change';
import { appliedChangesetMissing } from './applied-changeset-missing';
import { missingGrant } from './missing-grant';
import { grantToPublic } from './grant-to-public';
import { grantAllToAppRole } from './grant-all-to-app-role';
import { uniqueConstraintBuildsIndex } from './unique-constraint-builds-index';
import { addColumnRewritesTable } from './add-column-rewrites-table';
import { tableRewrite } from './table-rewrite';
import { missingLockTimeout } from './missing-lock-timeout';
import { ddlWithUnboundedDml } from './ddl-with-unbounded-dml';
import { dollarBodySplit } from './dollar-body-split';
import type { Rule } from './rule';

export const RULES: Rule[] = [
  renameColumn,
  renameTable,
  dropColumn,
  dropTable,
  changeColumnType,
  addRequiredColumn,
  setNotNull,
  dropNotNull,
  dropDefault,
  newConstraintRejectsOldWrites,
  indexWithoutConcurrently,
  concurrentlyInTransaction,
  missingRollback,
  rollbackDoesNotUndo,
  constraintWithoutNotValid,
  checksumDrift,
  editedRunOnChange,
  appliedChangesetMissing,
  missingGrant,
  grantToPublic,
  grantAllToAppRole,
  uniqueConstraintBuildsIndex,
  addColumnRewritesTable,
  tableRewrite,
  missingLockTimeout,
  ddlWithUnboundedDml,
  dollarBodySplit,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
