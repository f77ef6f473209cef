import { alteredTable, isNewColumn, knownColumn, knownTable } from './altered-columns';
import type { Rule } from './rule';

export const dropDefault: Rule = {
  meta: {
    id: 'drop-default',
    category: 'compatibility',
    severity: 'warning',
    title: 'Dropping a default breaks inserts of the application version still running that rely on it',
    docs: {
      why:
        'ALTER COLUMN … DROP DEFAULT is quick, but the version still running may insert rows without the column, relying ' +
        'on the default: those rows now get NULL, which its readers never expected, or fail when the column is NOT NULL.',
      instead:
        'Ship a version that always writes the column first; drop the default in a later changeset.',
      bad: "ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;",
      good: "-- after every running version writes orders.status itself:\nALTER TABLE orders ALTER COLUMN status DROP DEFAULT;",
    },
  },
  statement(statement, context) {
    const table = alteredTable(statement);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const command of table.commands) {
      // ALTER COLUMN … SET DEFAULT x has a def; DROP DEFAULT has none
      if (command.subtype !== 'AT_ColumnDefault' || command.def || !command.name || isNewColumn(context, table, command.name)) continue;
      // a column the schema knows in full and without a default: nothing changes for its writers
      const known = knownColumn(context, table, command.name);
      if (known && !known.default && knownTable(context, table)?.columnsKnown) continue;
      const column = `${table.written}.${command.name}`;
      const result = known?.notNull
        ? `fail, since ${command.name} is NOT NULL`
        : `store NULL in ${command.name}, which its readers never expected`;
      context.report({
        message: `Dropping the default of ${column}: inserts of the application version still running that leave ${command.name} out now ${result}. Ship a version that always writes ${command.name} first.`,
        range: statement.range,
      });
    }
  },
};
