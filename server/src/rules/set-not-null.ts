import type { Constraint } from '../schema/schema';
import { alteredTable, isNewColumn, knownColumn } from './altered-columns';
import type { Rule } from './rule';

export const setNotNull: Rule = {
  meta: {
    id: 'set-not-null',
    category: 'compatibility',
    severity: 'error',
    title: 'Making an existing column NOT NULL rejects writes of the application version still running',
    docs: {
      why:
        'ALTER COLUMN … SET NOT NULL takes an ACCESS EXCLUSIVE lock and scans the whole table while reads and writes wait; ' +
        'once it commits, every write of the application version still running that stores NULL in the column (or leaves ' +
        'it out of an INSERT) fails.',
      instead:
        'Ship a version that always writes the column first. Then add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a ' +
        'separate changeset (SHARE UPDATE EXCLUSIVE: writes go on), and SET NOT NULL: PostgreSQL 12+ uses the validated ' +
        'check instead of scanning; drop the check afterwards.',
      bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      good:
        'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n' +
        '-- next changeset\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n' +
        '-- next changeset\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
    },
  },
  statement(statement, context) {
    const table = alteredTable(statement);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const command of table.commands) {
      // a column this changeset added is add-required-column's
      if (command.subtype !== 'AT_SetNotNull' || !command.name || isNewColumn(context, table, command.name)) continue;
      // already NOT NULL: nothing changes for any writer
      if (knownColumn(context, table, command.name)?.notNull) continue;
      if (hasValidatedNotNullCheck(context.schema.table(table.name, table.schema)?.constraints ?? [], command.name)) continue;
      context.report({
        message: `Making ${table.written}.${command.name} NOT NULL rejects every write of the application version still running that stores NULL in it, and scans the table under an ACCESS EXCLUSIVE lock. Add CHECK (${command.name} IS NOT NULL) NOT VALID, validate it in a later changeset, then SET NOT NULL.`,
        range: statement.range,
      });
    }
  },
};

/** a validated CHECK (col IS NOT NULL): writes of NULL are already rejected, and SET NOT NULL uses it instead of a scan */
function hasValidatedNotNullCheck(constraints: Constraint[], column: string): boolean {
  return constraints.some((c) => c.type === 'check' && !c.notValid && c.notNullColumn === column);
}
