// ADD CONSTRAINT … CHECK takes ACCESS EXCLUSIVE, … FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables, and either
// holds it while every existing row is checked. NOT VALID skips the check (new rows are still checked), and a later
// VALIDATE CONSTRAINT checks the old rows under SHARE UPDATE EXCLUSIVE only, which lets reads and writes go on
// (https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES). Both in one transaction gain
// nothing: the strong lock of the ADD is held until the transaction ends, through the validation.

import type { Changeset, FileEdit, Fix } from '../changelog/model';
import { relationKey } from '../schema/schema';
import type { ChangesetStatement } from '../schema/statements';
import { appendChangeset, quoteIdent, removeStatementLines } from './changeset-edits';
import type { ChangesetContext, Rule } from './rule';
import { tableOf } from './table-locks';

/** per changeset: `table constraint` of the constraints it added NOT VALID */
const addedNotValid = new WeakMap<Changeset, Set<string>>();

export const constraintWithoutNotValid: Rule = {
  meta: {
    id: 'constraint-without-not-valid',
    category: 'locking',
    severity: 'warning',
    title: 'A CHECK or FOREIGN KEY constraint added to an existing table locks it while every row is checked',
    docs: {
      why:
        'ALTER TABLE … ADD CONSTRAINT … CHECK holds an ACCESS EXCLUSIVE lock (no reads, no writes) and … FOREIGN KEY a ' +
        'SHARE ROW EXCLUSIVE lock on the table and on the referenced table (no writes) while PostgreSQL reads every row ' +
        'to check it: on a big table, minutes of downtime. Adding it NOT VALID and running VALIDATE CONSTRAINT in the same ' +
        'transaction gains nothing: the strong lock is held until the transaction commits, through the validation.' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES>, <https://www.postgresql.org/docs/current/explicit-locking.html>',
      instead:
        'Add the constraint NOT VALID (a short lock; new and updated rows are checked from then on), then VALIDATE ' +
        'CONSTRAINT in a separate changeset: it checks the old rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.',
      bad: '--changeset a:1\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      good:
        '--changeset a:1\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n\n' +
        '--changeset a:1-validate\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
    },
    fixable: true,
  },
  statement(statement, context) {
    if (statement.kind !== 'AlterTableStmt' || statement.body.objtype !== 'OBJECT_TABLE') return;
    const table = tableOf(statement.body.relation);
    if (!table) return;
    const cmds: any[] = (statement.body.cmds ?? []).map((c: any) => c.AlterTableCmd ?? {});
    const isNew = context.isNewTable(table.name, table.schema);
    // the changeset object outlives one lint run (the loader reuses unchanged files): start afresh at its first statement
    if (statement === context.statements[0]) addedNotValid.delete(context.changeset);
    let notValid = addedNotValid.get(context.changeset);
    const key = relationKey(table.name, table.schema);
    cmds.forEach((cmd, i) => {
      if (cmd.subtype === 'AT_ValidateConstraint') {
        if (!notValid?.has(`${key} ${cmd.name}`) || context.changeset.attributes.runInTransaction === false) return;
        context.report({
          message:
            `Constraint ${cmd.name} is added NOT VALID and validated in the same changeset, so the lock the ADD took on ${table.table} ` +
            `is held through the validation of every row. Move VALIDATE CONSTRAINT to a separate changeset.`,
          range: statement.range,
          fixes: cmds.length === 1 ? () => moveFix(statement, context, table.table, cmd.name) : undefined,
        });
        return;
      }
      const constraint = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
      if (!constraint || (constraint.contype !== 'CONSTR_CHECK' && constraint.contype !== 'CONSTR_FOREIGN')) return;
      const name = constraint.conname ?? defaultName(table.name, constraint);
      if (constraint.skip_validation) {
        if (!name) return;
        if (!notValid) addedNotValid.set(context.changeset, (notValid = new Set()));
        notValid.add(`${key} ${name}`);
        return;
      }
      if (isNew) return;
      const foreign = constraint.contype === 'CONSTR_FOREIGN';
      const referenced = foreign ? tableOf(constraint.pktable)?.table : undefined;
      const lock = foreign ? `a SHARE ROW EXCLUSIVE lock on ${table.table} and ${referenced}` : `an ACCESS EXCLUSIVE lock on ${table.table}`;
      context.report({
        message:
          `Adding ${foreign ? 'FOREIGN KEY' : 'CHECK'} constraint ${name ?? ''}${name ? ' ' : ''}without NOT VALID holds ${lock} while every row is checked. ` +
          `Add it NOT VALID, then VALIDATE CONSTRAINT in a separate changeset (SHARE UPDATE EXCLUSIVE: reads and writes go on).`,
        range: statement.range,
        fixes: name && i === cmds.length - 1 ? () => splitFix(statement, context, table.table, name) : undefined,
      });
    });
  },
};

/** NOT VALID at the end of the statement, and a new changeset `<id>-validate` right after this one that validates. */
function splitFix(statement: ChangesetStatement, context: ChangesetContext, table: string, name: string): Fix[] | undefined {
  if (statement.generated) return undefined;
  const validate = appendChangeset(context.changelog, context.changeset, `${context.changeset.id}-validate`, `ALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(name)};`);
  if (!validate) return undefined;
  const edits: FileEdit[] = [{ file: statement.file, range: { start: statement.range.end, end: statement.range.end }, newText: ' NOT VALID' }, validate];
  return [{ title: `Add ${name} NOT VALID and validate it in a separate changeset`, edits, preferred: true }];
}

/** VALIDATE CONSTRAINT moved out of this changeset into a new `<id>-validate` right after it. */
function moveFix(statement: ChangesetStatement, context: ChangesetContext, table: string, name: string): Fix[] | undefined {
  // the statement's change must keep a statement of its own
  if (context.statements.filter((s) => s.change === statement.change).length < 2) return undefined;
  const remove = removeStatementLines(context.changelog, statement);
  const validate = appendChangeset(context.changelog, context.changeset, `${context.changeset.id}-validate`, `ALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(name)};`);
  if (!remove || !validate) return undefined;
  const at = validate.range.start;
  const { start, end } = remove.range;
  const inside = (at.line > start.line || (at.line === start.line && at.character >= start.character)) && (at.line < end.line || (at.line === end.line && at.character <= end.character));
  // the statement was the changeset's last line: one edit replaces it with the new changeset (LSP edits must not overlap)
  const eol = validate.newText.startsWith('\r\n') ? '\r\n' : '\n';
  const edits = inside
    ? [{ ...remove, newText: validate.newText.replace(/^\r?\n/, '') + (end.character === 0 ? eol : '') }]
    : [remove, validate];
  return [{ title: `Validate ${name} in a separate changeset`, edits, preferred: true }];
}

/** PostgreSQL's name for an unnamed constraint: `<table>_<columns>_fkey`, `<table>_<first column>_check` */
function defaultName(table: string, constraint: any): string | undefined {
  if (constraint.contype === 'CONSTR_FOREIGN') {
    const columns = (constraint.fk_attrs ?? []).map((a: any) => a.String?.sval).filter(Boolean);
    return columns.length ? `${table}_${columns.join('_')}_fkey` : undefined;
  }
  const column = firstColumnRef(constraint.raw_expr);
  return column ? `${table}_${column}_check` : `${table}_check`;
}

function firstColumnRef(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const ref = (node as any).ColumnRef;
  if (ref) {
    const fields = (ref.fields ?? []).map((f: any) => f.String?.sval).filter(Boolean);
    return fields[fields.length - 1];
  }
  for (const value of Object.values(node)) {
    const found = firstColumnRef(value);
    if (found) return found;
  }
  return undefined;
}
