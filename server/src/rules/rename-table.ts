import { writtenName } from './altered-columns';
import type { Rule } from './rule';

export const renameTable: Rule = {
  meta: {
    id: 'rename-table',
    category: 'compatibility',
    severity: 'error',
    title: 'Renaming a table breaks the application version still running',
    docs: {
      why:
        'ALTER TABLE … RENAME TO takes an ACCESS EXCLUSIVE lock and, once it commits, every query of the application ' +
        'version still running that names the old table fails with "relation does not exist" until all instances run the new version.',
      instead:
        'Rename the table and, in the same changeset, create a view with the old name over it (a simple view is updatable, ' +
        'so old reads and writes keep working); drop the view in a later changeset once no running version uses the old name.',
      bad: 'ALTER TABLE users RENAME TO accounts;',
      good: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\n-- a later release: DROP VIEW users;',
    },
  },
  statement(statement, context) {
    const body = statement.body;
    if (statement.kind !== 'RenameStmt' || body.renameType !== 'OBJECT_TABLE') return;
    const { relname, schemaname } = body.relation ?? {};
    if (!relname || context.isNewTable(relname, schemaname)) return;
    // the old name lives on as a view created by this changeset: old queries keep working
    const keepsOldName = context.statements.some(
      (s) => s.kind === 'ViewStmt' && s.body.view?.relname === relname && (s.body.view?.schemaname ?? schemaname) === schemaname,
    );
    if (keepsOldName) return;
    const old = writtenName(relname, schemaname);
    context.report({
      message: `Renaming table ${old} to ${body.newname} breaks the application version still running, which queries ${old}. Create a view named ${old} over the renamed table in the same changeset and drop it once no running version uses the old name.`,
      range: statement.range,
    });
  },
};
