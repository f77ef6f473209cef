// Replays statements onto a Schema: what each DDL statement creates, changes or drops. Unknown statement kinds
// change nothing (the schema then says less, never something false).

import type { ChangesetStatement } from './statements';
import { type Column, type Origin, relationKey, Schema } from './schema';

/** Applies one statement of the changeset `origin` to the schema. */
export function applyStatement(schema: Schema, statement: ChangesetStatement, origin: Origin): void {
  const apply = APPLIERS[statement.kind];
  if (apply) apply(schema, statement.body, origin);
}

type Applier = (schema: Schema, body: Record<string, any>, origin: Origin) => void;

const APPLIERS: Record<string, Applier> = {
  CreateStmt(schema, body, origin) {
    const { relname, schemaname, relpersistence } = body.relation ?? {};
    if (!relname) return;
    const key = relationKey(relname, schemaname);
    if (body.if_not_exists && schema.tables.has(key)) return;
    const columns = new Map<string, Column>();
    for (const element of body.tableElts ?? []) {
      const def = element.ColumnDef;
      if (!def) continue;
      const constraints: any[] = (def.constraints ?? []).map((c: any) => c.Constraint ?? {});
      const column: Column = {
        name: def.colname,
        type: typeNameText(def.typeName),
        notNull: constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY'),
        origin,
      };
      columns.set(def.colname, column);
    }
    schema.tables.set(key, { schema: schemaname, name: relname, key, columns, constraints: [], columnsKnown: true, unlogged: relpersistence === 'u', origin });
  },
  DropStmt(schema, body) {
    if (body.removeType !== 'OBJECT_TABLE') return;
    for (const object of body.objects ?? []) {
      const parts = namesOf(object);
      const name = parts[parts.length - 1];
      if (name) schema.tables.delete(relationKey(name, parts.length > 1 ? parts[parts.length - 2] : undefined));
    }
  },
  IndexStmt(schema, body, origin) {
    const { relname, schemaname } = body.relation ?? {};
    if (!relname || !body.idxname) return;
    const columns = (body.indexParams ?? []).map((p: any) => p.IndexElem?.name).filter(Boolean);
    schema.indexes.set(relationKey(body.idxname, schemaname), { name: body.idxname, table: relationKey(relname, schemaname), unique: !!body.unique, columns, origin });
  },
};

/** `[schema, name]` parts of a `List` of `String` nodes (DropStmt objects, qualified names) */
export function namesOf(node: any): string[] {
  const items = node?.List?.items ?? (Array.isArray(node) ? node : []);
  return items.map((i: any) => i.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
}

const TYPE_NAMES: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  varchar: 'character varying', bpchar: 'character', timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', time: 'time without time zone', timetz: 'time with time zone',
};

/** A TypeName node as PostgreSQL prints the type (`character varying(20)`, `integer[]`). */
export function typeNameText(typeName: any): string {
  if (!typeName) return '';
  const parts: string[] = (typeName.names ?? []).map((n: any) => n.String?.sval).filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  const base = parts[0] === 'pg_catalog' ? TYPE_NAMES[last] ?? last : parts.join('.');
  const mods = (typeName.typmods ?? []).map((m: any) => m.A_Const?.ival?.ival ?? m.A_Const?.sval?.sval ?? '').join(',');
  const arrays = (typeName.arrayBounds ?? []).map(() => '[]').join('');
  return `${base}${mods ? `(${mods})` : ''}${arrays}`;
}
