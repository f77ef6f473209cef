import { alteredTable, isNewColumn, knownColumn } from './altered-columns';
import type { Rule } from './rule';

export const dropNotNull: Rule = {
  meta: {
    id: 'drop-not-null',
    category: 'compatibility',
    severity: 'warning',
    title: 'Dropping NOT NULL gives the application version still running NULLs it never expected',
    docs: {
      why:
        'ALTER COLUMN … DROP NOT NULL is quick (a brief ACCESS EXCLUSIVE lock, no scan), but from then on the new version ' +
        'may store NULL, and the version still running reads rows with NULL in a column it was promised is never NULL: ' +
        'NullPointerExceptions, failed mappings, wrong sums.',
      instead:
        'Make sure every running version handles NULL in the column before a version that writes NULL ships; then drop ' +
        'the constraint, and silence this warning with a pgcs-ignore comment saying so.',
      bad: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      good: '-- pgcs-ignore drop-not-null: every released version reads email as optional\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
    },
  },
  statement(statement, context) {
    const table = alteredTable(statement);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const command of table.commands) {
      if (command.subtype !== 'AT_DropNotNull' || !command.name || isNewColumn(context, table, command.name)) continue;
      // a column the schema knows to be nullable already: nothing changes for its readers
      const known = knownColumn(context, table, command.name);
      if (known && !known.notNull) continue;
      context.report({
        message: `Dropping NOT NULL on ${table.written}.${command.name} lets NULLs reach the application version still running, which expects ${command.name} never to be NULL. Ship a version that handles NULL in ${command.name} first.`,
        range: statement.range,
      });
    }
  },
};
