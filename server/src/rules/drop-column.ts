import { alteredTable, isNewColumn, knownColumn, originText } from './altered-columns';
import type { Rule } from './rule';

export const dropColumn: Rule = {
  meta: {
    id: 'drop-column',
    category: 'compatibility',
    severity: 'error',
    title: 'Dropping a column breaks the application version still running',
    docs: {
      why:
        'ALTER TABLE … DROP COLUMN takes an ACCESS EXCLUSIVE lock and, once it commits, every query of the application ' +
        'version still running that names the column (SELECT lists, INSERTs, ORMs selecting every mapped column) fails until all instances run the new version.',
      instead:
        'Ship an application version that no longer reads or writes the column first (make it nullable or give it a default ' +
        'if that version still inserts rows); drop the column in a later changeset.',
      bad: 'ALTER TABLE users DROP COLUMN nickname;',
      good: '-- after every running version stopped using users.nickname:\nALTER TABLE users DROP COLUMN nickname;',
    },
  },
  statement(statement, context) {
    const table = alteredTable(statement);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const command of table.commands) {
      if (command.subtype !== 'AT_DropColumn' || !command.name || isNewColumn(context, table, command.name)) continue;
      const column = `${table.written}.${command.name}`;
      const known = knownColumn(context, table, command.name);
      context.report({
        message: `Dropping column ${column} (${originText(context, known?.origin)}) breaks the application version still running, which still reads or writes it. Ship a version that no longer uses ${command.name} first, then drop it in a later changeset.`,
        range: statement.range,
      });
    }
  },
};
