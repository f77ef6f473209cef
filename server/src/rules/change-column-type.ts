import { typeNameText } from '../schema/replay';
import { alteredTable, isNewColumn, knownColumn } from './altered-columns';
import { expandContractFix } from './expand-contract';
import type { Rule } from './rule';

export const changeColumnType: Rule = {
  meta: {
    id: 'change-column-type',
    category: 'compatibility',
    severity: 'error',
    title: 'Changing a column type breaks the application version still running',
    docs: {
      why:
        'ALTER COLUMN … TYPE takes an ACCESS EXCLUSIVE lock and, unless the change is binary-compatible, rewrites the ' +
        'whole table and every index on it while reads and writes wait. The application version still running then ' +
        'reads values of a type it does not expect, and its writes may no longer convert. Only widening that PostgreSQL ' +
        'does without a rewrite is safe: varchar(n) to varchar(m ≥ n), varchar or text, numeric(p,s) to numeric(q ≥ p,s) ' +
        'or numeric, varbit(n) to a wider varbit, a timestamp/time precision increase, cidr to inet.',
      instead:
        'Expand/contract: add a column of the new type, keep both in sync with a trigger and backfill it in batches ' +
        '(expand); ship the application that uses the new column; then drop the trigger and the old column in a later changeset (contract).',
      bad: 'ALTER TABLE orders ALTER COLUMN total TYPE bigint;',
      good:
        '-- expand\nALTER TABLE orders ADD COLUMN total_new bigint;\n-- trigger keeping total_new = total, then batched UPDATE …\n' +
        '-- contract (a later release)\nALTER TABLE orders DROP COLUMN total;',
    },
    fixable: true,
  },
  statement(statement, context) {
    const table = alteredTable(statement);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const command of table.commands) {
      if (command.subtype !== 'AT_AlterColumnType' || !command.name || isNewColumn(context, table, command.name)) continue;
      const def = command.def?.ColumnDef ?? {};
      const newType = typeNameText(def.typeName);
      const oldType = knownColumn(context, table, command.name)?.type || undefined;
      const plainConversion = isPlainConversion(def.raw_default, command.name);
      if (oldType && plainConversion && isBinaryCompatibleWidening(oldType, newType)) continue;
      const column = `${table.written}.${command.name}`;
      const from = oldType ? `from ${oldType} ` : '';
      const unknown = oldType ? '' : ` (its current type is unknown to the changelog: if this only widens a varchar or numeric, say so with pgcs-ignore change-column-type)`;
      context.report({
        message: `Changing the type of ${column} ${from}to ${newType} breaks the application version still running, which reads and writes the old type, and rewrites the table under an ACCESS EXCLUSIVE lock${unknown}. Add a column of the new type kept in sync by a trigger (expand), drop the old one in a later release (contract).`,
        range: statement.range,
        // built only when the editor asks: it writes two changesets
        fixes: () => {
          const fix = expandContractFix(context, statement, { kind: 'type', table, column: command.name, newColumn: `${command.name}_new`, oldType, newType, plainConversion });
          return fix ? [fix] : undefined;
        },
      });
    }
  },
};

/** USING absent, or USING the column itself or the column cast to the new type (what modifyDataType writes): no conversion of its own */
function isPlainConversion(using: any, column: string): boolean {
  if (!using) return true;
  const expression = using.TypeCast?.arg ?? using;
  const fields = expression.ColumnRef?.fields;
  return fields?.length === 1 && fields[0].String?.sval === column;
}

interface ParsedType {
  base: string;
  modifiers: number[];
  arrays: string;
}

const BASE_NAMES: Record<string, string> = {
  varchar: 'character varying', 'varying character': 'character varying', decimal: 'numeric', 'bit varying': 'varbit',
  timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone', time: 'time without time zone',
};

function parseType(text: string): ParsedType | undefined {
  const m = /^(.*?)\s*(?:\(([\d\s,]*)\))?((?:\[\d*\])*)$/.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  const base = BASE_NAMES[m[1]] ?? m[1];
  return { base, modifiers: m[2] ? m[2].split(',').map((s) => Number(s.trim())) : [], arrays: m[3] };
}

/** Types whose length or precision modifier only limits values: a larger one (or none) accepts every old value without a rewrite. */
const WIDENS_BY_MODIFIER = new Set(['character varying', 'varbit', 'timestamp without time zone', 'timestamp with time zone', 'time without time zone']);

/**
 * PostgreSQL changes these without rewriting the table (ALTER TABLE skips the rewrite when the conversion is
 * binary-coercible and the length check cannot fail: https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES),
 * and every value the running application reads stays what it was.
 */
export function isBinaryCompatibleWidening(oldText: string, newText: string): boolean {
  const from = parseType(oldText);
  const to = parseType(newText);
  if (!from || !to || from.arrays !== to.arrays) return false;
  if (from.base === to.base) {
    if (!to.modifiers.length) return true;
    if (!from.modifiers.length) return false;
    if (WIDENS_BY_MODIFIER.has(from.base)) return to.modifiers[0] >= from.modifiers[0];
    if (from.base === 'numeric') return to.modifiers[0] >= from.modifiers[0] && (to.modifiers[1] ?? 0) === (from.modifiers[1] ?? 0);
    return false;
  }
  if (from.base === 'character varying' && to.base === 'text') return true;
  if (from.base === 'text' && to.base === 'character varying') return !to.modifiers.length;
  if (from.base === 'cidr' && to.base === 'inet') return !to.modifiers.length;
  return false;
}
