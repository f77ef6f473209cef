import { namesOf } from '../schema/replay';
import { relationKey } from '../schema/schema';
import { originText, writtenName } from './altered-columns';
import type { Rule } from './rule';

export const dropTable: Rule = {
  meta: {
    id: 'drop-table',
    category: 'compatibility',
    severity: 'error',
    title: 'Dropping a table (or view) breaks the application version still running',
    docs: {
      why:
        'DROP TABLE takes an ACCESS EXCLUSIVE lock and removes the table with its data: every query of the application ' +
        'version still running that reads or writes it fails from the moment the changeset commits, and a rollback cannot ' +
        'bring the rows back. Dropping a view the application reads breaks it the same way (unless the changeset creates it again).',
      instead:
        'Ship an application version that no longer uses the table first; drop it in a later changeset (rename it aside ' +
        'first if you want a way back).',
      bad: 'DROP TABLE audit_log;',
      good: '-- after every running version stopped using audit_log:\nDROP TABLE audit_log;',
    },
  },
  statement(statement, context) {
    const removeType = statement.body.removeType;
    if (statement.kind !== 'DropStmt' || !['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(removeType)) return;
    const isView = removeType !== 'OBJECT_TABLE';
    for (const object of statement.body.objects ?? []) {
      const parts = namesOf(object);
      const name = parts[parts.length - 1];
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
      if (!name) continue;
      const origin = isView ? context.schema.views.get(relationKey(name, schema))?.origin : context.schema.table(name, schema)?.origin;
      if (origin === context.changeset.index) continue;
      // a view dropped to be created again (its columns changed): readers keep a view of that name
      if (isView && recreatesView(context.statements, name, schema)) continue;
      const relation = writtenName(name, schema);
      context.report({
        message: `Dropping ${isView ? 'view' : 'table'} ${relation} (${originText(context, origin)}) breaks the application version still running, which still ${isView ? 'reads' : 'reads or writes'} it. Ship a version that no longer uses ${relation} first, then drop it in a later changeset.`,
        range: statement.range,
      });
    }
  },
};

function recreatesView(statements: { kind: string; body: Record<string, any> }[], name: string, schema: string | undefined): boolean {
  return statements.some((s) => {
    const view = s.kind === 'ViewStmt' ? s.body.view : s.kind === 'CreateTableAsStmt' ? s.body.into?.rel : undefined;
    return view?.relname === name && view.schemaname === schema;
  });
}
