import { alteredTable, isNewColumn, knownColumn } from './altered-columns';
import type { Rule } from './rule';

export const addRequiredColumn: Rule = {
  meta: {
    id: 'add-required-column',
    category: 'compatibility',
    severity: 'error',
    title: 'Adding a NOT NULL column without a default breaks inserts of the application version still running',
    docs: {
      why:
        'ALTER TABLE … ADD COLUMN … NOT NULL without a DEFAULT fails outright on a table that has rows (the existing rows ' +
        'would be NULL), and once it is in place every INSERT of the application version still running, which does not ' +
        'know the column, fails with a not-null violation. The same holds for a column added nullable and then set NOT NULL ' +
        'in the same changeset (addColumn with nullable: false and a value but no defaultValue).',
      instead:
        'Give the column a constant DEFAULT (PostgreSQL 11+ adds it without rewriting the table), or add it nullable, ' +
        'backfill it, and make it NOT NULL once no running version inserts without it.',
      bad: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;',
      good: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;',
    },
  },
  statement(statement, context) {
    const table = alteredTable(statement);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const command of table.commands) {
      let column: string | undefined;
      if (command.subtype === 'AT_AddColumn') {
        const def = command.def?.ColumnDef;
        if (def && requiresValue(def)) column = def.colname;
      } else if (command.subtype === 'AT_SetNotNull' && command.name && isNewColumn(context, table, command.name)) {
        // a column this changeset added nullable, now made NOT NULL: old inserts still leave it out
        const known = knownColumn(context, table, command.name);
        if (!known?.default && !known?.generated) column = command.name;
      }
      if (!column) continue;
      context.report({
        message: `Adding ${table.written}.${column} as NOT NULL without a default fails on a table that has rows and breaks every INSERT of the application version still running, which leaves ${column} out. Give it a constant DEFAULT, or add it nullable and make it NOT NULL once no running version inserts without it.`,
        range: statement.range,
      });
    }
  },
};

/** NOT NULL (or PRIMARY KEY) with nothing that fills the column: no DEFAULT, identity, generated expression or serial type */
function requiresValue(def: Record<string, any>): boolean {
  const types: string[] = (def.constraints ?? []).map((c: any) => c.Constraint?.contype);
  if (!types.includes('CONSTR_NOTNULL') && !types.includes('CONSTR_PRIMARY')) return false;
  if (types.some((t) => t === 'CONSTR_DEFAULT' || t === 'CONSTR_IDENTITY' || t === 'CONSTR_GENERATED')) return false;
  const typeName = def.typeName?.names?.map((n: any) => n.String?.sval).pop();
  return !/^(small|big)?serial[248]?$/.test(typeName ?? '');
}
