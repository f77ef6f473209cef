import { isNewColumn, knownColumn, writtenName } from './altered-columns';
import { expandContractFix } from './expand-contract';
import type { Rule } from './rule';

export const renameColumn: Rule = {
  meta: {
    id: 'rename-column',
    category: 'compatibility',
    severity: 'error',
    title: 'Renaming a column breaks the application version still running',
    docs: {
      why:
        'During a deploy the old application version keeps running against the migrated database: its queries still ' +
        'name the old column and fail from the moment the rename commits until every instance runs the new version.',
      instead:
        'Expand/contract: add the new column, keep both in sync with a trigger and backfill in batches (expand); ' +
        'ship the application that uses the new name; then drop the trigger and the old column in a later changeset (contract).',
      bad: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      good:
        '-- expand\nALTER TABLE users ADD COLUMN full_name text;\n-- trigger keeping full_name = name, then batched UPDATE …\n' +
        '-- contract (a later release)\nALTER TABLE users DROP COLUMN name;',
    },
    fixable: true,
  },
  statement(statement, context) {
    const body = statement.body;
    if (statement.kind !== 'RenameStmt' || body.renameType !== 'OBJECT_COLUMN') return;
    const { relname, schemaname } = body.relation ?? {};
    if (!relname || context.isNewTable(relname, schemaname)) return;
    const table = { name: relname, schema: schemaname, written: writtenName(relname, schemaname), commands: [] };
    // a column this changeset added: no running version knows it yet
    if (isNewColumn(context, table, body.subname)) return;
    // renameColumn's columnDataType, else the type the schema knows
    const written = statement.generated ? statement.change.params.columnDataType?.value : undefined;
    const oldType = typeof written === 'string' && written ? written : knownColumn(context, table, body.subname)?.type || undefined;
    context.report({
      message: `Renaming column ${table.written}.${body.subname} to ${body.newname} breaks the application version still running, which queries ${body.subname}. Add the new column and keep both in sync (expand), drop the old one in a later release (contract).`,
      range: statement.range,
      // built only when the editor asks: it writes two changesets
      fixes: () => {
        const fix = expandContractFix(context, statement, { kind: 'rename', table, column: body.subname, newColumn: body.newname, oldType });
        return fix ? [fix] : undefined;
      },
    });
  },
};
