import { alteredTable, columnRefsOf, isNewColumn, writtenName } from './altered-columns';
import type { ChangesetStatement } from '../schema/statements';
import type { ChangesetContext, Rule } from './rule';

const KINDS: Record<string, string> = {
  CONSTR_CHECK: 'CHECK',
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_PRIMARY: 'PRIMARY KEY',
  CONSTR_FOREIGN: 'FOREIGN KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
};

export const newConstraintRejectsOldWrites: Rule = {
  meta: {
    id: 'new-constraint-rejects-old-writes',
    category: 'compatibility',
    severity: 'warning',
    title: 'A new constraint on an existing table may reject writes of the application version still running',
    docs: {
      why:
        'A CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY or EXCLUDE constraint (or a unique index) added to a table the running ' +
        'application writes applies to every write from the moment it commits, NOT VALID or not: the version still running ' +
        'was not written for it, and its inserts and updates that break the rule now fail.',
      instead:
        'Ship a version whose writes already satisfy the constraint first (validate in the application), then add the ' +
        'constraint; say so with a pgcs-ignore comment.',
      bad: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);',
      good:
        '-- pgcs-ignore new-constraint-rejects-old-writes: every released version validates total > 0\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;',
    },
  },
  statement(statement, context) {
    if (statement.kind === 'IndexStmt') {
      const { relname, schemaname } = statement.body.relation ?? {};
      if (!statement.body.unique || !relname || context.isNewTable(relname, schemaname)) return;
      const columns: string[] = (statement.body.indexParams ?? []).map((p: any) => p.IndexElem?.name).filter(Boolean);
      if (columns.length && columns.every((c) => isNewColumn(context, { name: relname, schema: schemaname }, c))) return;
      report(context, statement, 'a unique index', writtenName(relname, schemaname));
      return;
    }
    const table = alteredTable(statement);
    if (!table || context.isNewTable(table.name, table.schema)) return;
    for (const command of table.commands) {
      const constraint = command.subtype === 'AT_AddConstraint' ? command.def?.Constraint : undefined;
      const kind = constraint && KINDS[constraint.contype];
      // USING INDEX: the unique index already rejected those writes
      if (!kind || constraint.indexname) continue;
      const columns = [...new Set<string>([...names(constraint.keys), ...names(constraint.fk_attrs), ...columnRefsOf(constraint.raw_expr), ...columnRefsOf(constraint.exclusions)])];
      // only columns this changeset added: the running version never writes them, so it writes NULL (which these accept)
      if (columns.length && columns.every((c) => isNewColumn(context, table, c))) continue;
      report(context, statement, `${kind} constraint${constraint.conname ? ` ${constraint.conname}` : ''}`, table.written);
    }
  },
};

function names(list: any[] | undefined): string[] {
  return (list ?? []).map((n) => n.String?.sval).filter(Boolean);
}

function report(context: ChangesetContext, statement: ChangesetStatement, what: string, table: string): void {
  context.report({
    message: `Adding ${what} to ${table} rejects the writes of the application version still running that break it, from the moment it commits (NOT VALID only skips the existing rows). Ship a version whose writes already satisfy it first.`,
    range: statement.range,
  });
}
