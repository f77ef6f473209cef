import { relationKey } from '../schema/schema';
import { type CreatedObject, createdObjectsOf, removedKeysOf, dropSqlOf, isDropped, rollbackStatementsOf } from './created-objects';
import { linesOf } from './edit-positions';
import type { ChangesetContext, Fix, Rule } from './rule';

export const rollbackDoesNotUndo: Rule = {
  meta: {
    id: 'rollback-does-not-undo',
    category: 'rollback',
    severity: 'warning',
    title: 'A written rollback leaves behind objects its changeset created',
    docs: {
      why:
        'A rollback that does not drop what its changeset created leaves the table, index, view, sequence or column in ' +
        'place: rolling back reports success, and running the changeset again fails with "already exists" (or the ' +
        'application sees a schema that matches no release). Nobody notices until the rollback is needed.',
      instead:
        'Drop, in reverse order, everything the changeset creates. This rule compares the names statically; ' +
        '`pgcs verify` is the dynamic check: it applies each changeset and its rollback on a scratch database and ' +
        'compares the catalog before and after.',
      bad: '--changeset alice:1\nCREATE TABLE invoices (id bigint);\nCREATE INDEX invoices_id_idx ON orders (invoice_id);\n--rollback DROP TABLE invoices;',
      good:
        '--changeset alice:1\nCREATE TABLE invoices (id bigint);\nCREATE INDEX invoices_id_idx ON orders (invoice_id);\n' +
        '--rollback DROP INDEX invoices_id_idx;\n--rollback DROP TABLE invoices;',
    },
    fixable: true,
  },
  changeset(context) {
    const { changeset, changelog } = context;
    const rollback = changeset.rollback;
    if (rollback.kind !== 'changes') return;
    const dropped = removedKeysOf(rollbackStatementsOf(changeset, changelog));
    let created: CreatedObject[] = [];
    for (const statement of context.statements) {
      // an object the changeset itself drops or renames afterwards (a scratch table, a column swapped in) is not
      // there under its name at the end: the rollback need not drop it
      const removed = removedKeysOf([statement]);
      if (removed.size) created = created.filter((o) => !isDropped(o, removed));
      created.push(...createdObjectsOf(statement));
    }
    const relations = new Set(created.filter((o) => o.kind !== 'column' && o.kind !== 'index').map((o) => relationKey(o.name, o.schema)));
    const left = created.filter((o) => !isDropped(o, dropped));
    if (left.length === 0) return;
    const names = left.map(describe);
    // the missing DROPs, in reverse order, ahead of the written ones; a column or index goes with its new table
    const drops = left.filter((o) => !(o.table && relations.has(o.table.key))).reverse().map(dropSqlOf);
    context.report({
      message:
        `The rollback of ${changeset.author}:${changeset.id} does not drop ${names.join(', ')}: rolling back leaves ` +
        `${left.length === 1 ? 'it' : 'them'} behind and running the changeset again fails with "already exists". ` +
        `Drop ${left.length === 1 ? 'it' : 'them'} in the rollback (pgcs verify checks a rollback on a scratch database).`,
      range: rollback.range,
      file: changeset.file,
      fixes: fixOf(context, drops),
    });
  },
};

const TITLE = 'Add the missing DROPs to the rollback';

function describe(o: CreatedObject): string {
  const name = o.schema ? `${o.schema}.${o.name}` : o.name;
  return o.kind === 'column' ? `column ${o.table!.schema ? `${o.table!.schema}.` : ''}${o.table!.name}.${o.name}` : `${o.kind} ${name}`;
}

/** "Drop … in the rollback": the missing DROPs as the rollback's first statements (dependents go first). */
function fixOf(context: ChangesetContext, drops: string[]): Fix[] | undefined {
  const { changeset, changelog } = context;
  const rollback = changeset.rollback;
  if (rollback.kind !== 'changes' || drops.length === 0) return undefined;
  if (changeset.kind === 'formatted-sql') {
    // above the first --rollback line
    const at = { line: rollback.range.start.line, character: 0 };
    const eol = (linesOf(changelog, changeset.file)[at.line] ?? '').endsWith('\r') ? '\r\n' : '\n';
    return [{ title: TITLE, edits: [{ file: changeset.file, range: { start: at, end: at }, newText: drops.map((d) => `--rollback ${d};${eol}`).join('') }] }];
  }
  if (changeset.kind !== 'yaml' || /\.json$/i.test(changeset.file)) return undefined;
  // a `- sql:` item before the rollback's first change, at that item's indentation
  const firstChange = rollback.changes[0];
  if (!firstChange) return undefined;
  const line = linesOf(changelog, changeset.file)[firstChange.range.start.line] ?? '';
  const dash = line.lastIndexOf('- ', firstChange.range.start.character);
  if (dash < 0 || line.slice(0, dash).trim() !== '') return undefined;
  const at = { line: firstChange.range.start.line, character: 0 };
  const eol = line.endsWith('\r') ? '\r\n' : '\n';
  const newText = drops.map((d) => `${' '.repeat(dash)}- sql: ${d}${eol}`).join('');
  return [{ title: TITLE, edits: [{ file: changeset.file, range: { start: at, end: at }, newText }] }];
}
