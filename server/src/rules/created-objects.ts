// What statements create and what they drop, by object, for the rollback rules: a changeset's forward statements
// against the statements of its rollback. A rollback undoes a creation when it drops the object, the table that
// holds it (a column, an index) or its whole schema.

import { lineIndexesOf } from '../changelog/line-index';
import type { Changelog, Changeset } from '../changelog/model';
import { namesOf } from '../schema/replay';
import { relationKey } from '../schema/schema';
import { changeStatementsOf, type ChangesetStatement } from '../schema/statements';

export type CreatedKind = 'table' | 'view' | 'materialized view' | 'sequence' | 'index' | 'column';

export interface CreatedObject {
  kind: CreatedKind;
  /** `kind:relationKey`; a column is `column:tableKey.column` */
  key: string;
  name: string;
  schema?: string;
  /** a column's or an index's table */
  table?: { name: string; schema?: string; key: string };
  /** a column's type name (unqualified): DROP TYPE … CASCADE drops the column with it */
  typeName?: string;
  statement: ChangesetStatement;
}

/** The tables, views, sequences, named indexes and added columns a statement creates. */
export function createdObjectsOf(statement: ChangesetStatement): CreatedObject[] {
  const body = statement.body;
  const relation = (kind: CreatedKind, rel: any): CreatedObject[] =>
    rel?.relname ? [{ kind, key: `${kind}:${relationKey(rel.relname, rel.schemaname)}`, name: rel.relname, schema: rel.schemaname, statement }] : [];
  switch (statement.kind) {
    case 'CreateStmt':
      return relation('table', body.relation);
    case 'CreateTableAsStmt':
      return relation(body.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table', body.into?.rel);
    case 'ViewStmt':
      return relation('view', body.view);
    case 'CreateSeqStmt':
      return relation('sequence', body.sequence);
    case 'IndexStmt': {
      const { relname, schemaname } = body.relation ?? {};
      if (!relname || !body.idxname) return [];
      // an index lives in its table's schema
      const table = { name: relname, schema: schemaname, key: relationKey(relname, schemaname) };
      return [{ kind: 'index', key: `index:${relationKey(body.idxname, schemaname)}`, name: body.idxname, schema: schemaname, table, statement }];
    }
    case 'AlterTableStmt': {
      const { relname, schemaname } = body.relation ?? {};
      if (!relname || body.objtype !== 'OBJECT_TABLE') return [];
      const table = { name: relname, schema: schemaname, key: relationKey(relname, schemaname) };
      return (body.cmds ?? [])
        .map((c: any) => c.AlterTableCmd)
        .filter((c: any) => c?.subtype === 'AT_AddColumn' && c.def?.ColumnDef?.colname)
        .map((c: any): CreatedObject => {
          const names: string[] = namesOf(c.def.ColumnDef.typeName?.names);
          return { kind: 'column', key: `column:${table.key}.${c.def.ColumnDef.colname}`, name: c.def.ColumnDef.colname, table, typeName: names[names.length - 1], statement };
        });
    }
  }
  return [];
}

const DROPPED_KIND: Record<string, CreatedKind | 'schema'> = {
  OBJECT_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_INDEX: 'index',
  OBJECT_SCHEMA: 'schema',
};

/**
 * The keys (as in CreatedObject.key, plus `schema:name` and `type-cascade:type`) of everything the statements drop or rename away: a
 * rollback that renames a column back to the name it had undoes the ADD COLUMN of the new name.
 */
export function removedKeysOf(statements: ChangesetStatement[]): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    if (s.kind === 'RenameStmt') {
      const { relname, schemaname } = s.body.relation ?? {};
      if (!relname) continue;
      if (s.body.renameType === 'OBJECT_COLUMN' && s.body.subname) out.add(`column:${relationKey(relname, schemaname)}.${s.body.subname}`);
      const kind = DROPPED_KIND[s.body.renameType];
      if (kind && kind !== 'schema') out.add(`${kind}:${relationKey(relname, schemaname)}`);
    } else if (s.kind === 'DropStmt') {
      // DROP TYPE … CASCADE drops the columns of that type
      if (s.body.removeType === 'OBJECT_TYPE' && s.body.behavior === 'DROP_CASCADE') {
        for (const object of s.body.objects ?? []) {
          const names = namesOf(object.TypeName?.names);
          if (names.length) out.add(`type-cascade:${names[names.length - 1]}`);
        }
        continue;
      }
      const kind = DROPPED_KIND[s.body.removeType];
      if (!kind) continue;
      for (const object of s.body.objects ?? []) {
        if (kind === 'schema') {
          const name = object.String?.sval;
          if (name) out.add(`schema:${name}`);
          continue;
        }
        const parts = namesOf(object);
        const name = parts[parts.length - 1];
        if (name) out.add(`${kind}:${relationKey(name, parts.length > 1 ? parts[parts.length - 2] : undefined)}`);
      }
    } else if (s.kind === 'AlterTableStmt') {
      const { relname, schemaname } = s.body.relation ?? {};
      if (!relname) continue;
      for (const c of s.body.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_DropColumn' && cmd.name) out.add(`column:${relationKey(relname, schemaname)}.${cmd.name}`);
      }
    }
  }
  return out;
}

/** whether dropping `dropped` removes the object: itself, its table, or its schema */
export function isDropped(object: CreatedObject, dropped: Set<string>): boolean {
  if (dropped.has(object.key)) return true;
  if (object.typeName && dropped.has(`type-cascade:${object.typeName}`)) return true;
  // a column's table, or an index's table or materialized view
  if (object.table && (dropped.has(`table:${object.table.key}`) || dropped.has(`materialized view:${object.table.key}`))) return true;
  const schema = object.schema ?? object.table?.schema;
  return schema !== undefined && dropped.has(`schema:${schema}`);
}

/** The statement that drops the object, without a trailing semicolon. */
export function dropSqlOf(object: CreatedObject): string {
  const qualified = (name: string, schema?: string) => (schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name));
  switch (object.kind) {
    case 'column':
      return `ALTER TABLE ${qualified(object.table!.name, object.table!.schema)} DROP COLUMN ${quoteIdent(object.name)}`;
    case 'index':
      return `DROP INDEX ${qualified(object.name, object.schema)}`;
    case 'materialized view':
      return `DROP MATERIALIZED VIEW ${qualified(object.name, object.schema)}`;
    default:
      return `DROP ${object.kind.toUpperCase()} ${qualified(object.name, object.schema)}`;
  }
}

const KEYWORDS = new Set(['all', 'and', 'as', 'check', 'column', 'constraint', 'default', 'desc', 'from', 'grant', 'group', 'index', 'limit', 'order', 'select', 'table', 'to', 'user', 'where', 'with']);

/** a name as SQL must write it: unquoted when PostgreSQL would read it back unchanged */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

const rollbackCache = new WeakMap<object, { texts: unknown[]; statements: ChangesetStatement[] }>();

/** The statements of a changeset's written rollback (`rollback.kind === 'changes'`), else []. */
export function rollbackStatementsOf(changeset: Changeset, changelog: Changelog): ChangesetStatement[] {
  const rollback = changeset.rollback;
  if (rollback.kind !== 'changes') return [];
  // the loader attaches a new SqlText to a kept change when its SQL file changed: that makes the entry stale
  const texts = rollback.changes.map((c) => c.sql);
  const cached = rollbackCache.get(rollback);
  if (cached && cached.texts.length === texts.length && cached.texts.every((t, i) => t === texts[i])) return cached.statements;
  const statements = changeStatementsOf(rollback.changes, changeset.file, { lines: lineIndexesOf(changelog) }, changeset.attributes.objectQuotingStrategy);
  rollbackCache.set(rollback, { texts, statements });
  return statements;
}
