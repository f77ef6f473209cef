import { namesOf } from '../schema/replay';
import { originText, writtenName } from './altered-columns';
import type { Rule } from './rule';

export const dropTable: Rule = {
  meta: {
    id: 'drop-table',
    category: 'compatibility',
    severity: 'error',
    title: 'Dropping a table breaks the application version still running',
    docs: {
      why:
        'DROP TABLE takes an ACCESS EXCLUSIVE lock and removes the table with its data: every query of the application ' +
        'version still running that reads or writes it fails from the moment the changeset commits, and a rollback cannot bring the rows back.',
      instead:
        'Ship an application version that no longer uses the table first; drop it in a later changeset (rename it aside ' +
        'first if you want a way back).',
      bad: 'DROP TABLE audit_log;',
      good: '-- after every running version stopped using audit_log:\nDROP TABLE audit_log;',
    },
  },
  statement(statement, context) {
    if (statement.kind !== 'DropStmt' || statement.body.removeType !== 'OBJECT_TABLE') return;
    for (const object of statement.body.objects ?? []) {
      const parts = namesOf(object);
      const name = parts[parts.length - 1];
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
      if (!name || context.isNewTable(name, schema)) continue;
      const table = writtenName(name, schema);
      const origin = context.schema.table(name, schema)?.origin;
      context.report({
        message: `Dropping table ${table} (${originText(context, origin)}) breaks the application version still running, which still reads or writes it. Ship a version that no longer uses ${table} first, then drop it in a later changeset.`,
        range: statement.range,
      });
    }
  },
};
