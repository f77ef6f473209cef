// What an ALTER TABLE does, subcommand by subcommand, and whether the running application already knows the table
// and column it touches: the backward-compatibility rules flag only changes to tables and columns that existed
// before the changeset (made by an earlier changeset, or never seen created = there before the changelog).

import { type Column, noteIdentityRead, type Table } from '../schema/schema';
import type { ChangesetStatement } from '../schema/statements';
import type { ChangesetContext } from './rule';

export interface AlteredTable {
  name: string;
  schema?: string;
  /** as the user would write it: `name` or `schema.name` */
  written: string;
  /** the AlterTableCmd bodies, in order */
  commands: Record<string, any>[];
}

/** The table and subcommands of an ALTER TABLE on a table (not on a view, index or sequence). */
export function alteredTable(statement: ChangesetStatement): AlteredTable | undefined {
  if (statement.kind !== 'AlterTableStmt' || statement.body.objtype !== 'OBJECT_TABLE') return undefined;
  const { relname, schemaname } = statement.body.relation ?? {};
  if (!relname) return undefined;
  const commands = (statement.body.cmds ?? []).map((c: any) => c.AlterTableCmd).filter(Boolean);
  return { name: relname, schema: schemaname, written: writtenName(relname, schemaname), commands };
}

export function writtenName(name: string, schema?: string): string {
  return schema ? `${schema}.${name}` : name;
}

/** The table as the schema knows it just before the statement (undefined: never seen, i.e. there before the changelog). */
export function knownTable(context: ChangesetContext, table: { name: string; schema?: string }): Table | undefined {
  return context.schema.table(table.name, table.schema);
}

export function knownColumn(context: ChangesetContext, table: { name: string; schema?: string }, column: string): Column | undefined {
  return knownTable(context, table)?.columns.get(column);
}

/** true when this changeset added the column (so no running application reads or writes it yet) */
export function isNewColumn(context: ChangesetContext, table: { name: string; schema?: string }, column: string): boolean {
  return knownColumn(context, table, column)?.origin === context.changeset.index;
}

/** "added by changeset a:1" / "not created by this changelog": where an existing object came from, for messages */
export function originText(context: ChangesetContext, origin: number | 'existing' | undefined): string {
  if (typeof origin !== 'number') return 'there before this changelog';
  // (noted, so that the editor's lint says it again when that changeset's id or author changes)
  noteIdentityRead(origin);
  const changeset = context.changelog.changesets[origin];
  return changeset ? `created by changeset ${changeset.author}:${changeset.id}` : 'created by an earlier changeset';
}

/** The column names a node refers to (ColumnRef's last field), e.g. in a CHECK expression. */
export function columnRefsOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) columnRefsOf(n, out);
  else if (node && typeof node === 'object') {
    const ref = (node as any).ColumnRef;
    if (ref) {
      const last = ref.fields?.[ref.fields.length - 1]?.String?.sval;
      if (last) out.add(last);
      return out;
    }
    for (const value of Object.values(node)) columnRefsOf(value, out);
  }
  return out;
}
