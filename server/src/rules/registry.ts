// Every rule, in the order the README lists them. Adding a rule = one file in this folder + one line here.
import { renameColumn } from './rename-column';
import { indexWithoutConcurrently } from './index-without-concurrently';
import { concurrentlyInTransaction } from './concurrently-in-transaction';
import { missingRollback } from './missing-rollback';
import { rollbackDoesNotUndo } from './rollback-does-not-undo';
import { constraintWithoutNotValid } from './constraint-without-not-valid';
import type { Rule } from './rule';

export const RULES: Rule[] = [
  renameColumn,
  indexWithoutConcurrently,
  concurrentlyInTransaction,
  missingRollback,
  rollbackDoesNotUndo,
  constraintWithoutNotValid,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
