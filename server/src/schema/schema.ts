// What exists in the database at a point of the changelog: the schema as the changesets before that point leave
// it. Every object knows where it came from: a changeset of this changelog (its index in execution order) or
// 'existing': there before the changelog, or never seen created (a table the changelog only alters). Rules read
// it to tell a table made two statements ago (safe to lock, rename, drop) from one the running application uses.

/** index of the changeset that created the object, or 'existing' when it was there before the changelog */
export type Origin = number | 'existing';

export interface Column {
  name: string;
  /** the type as PostgreSQL prints it, e.g. `integer`, `character varying(20)`, `numeric(10,2)`, `text[]` */
  type: string;
  notNull: boolean;
  /** the default expression's SQL as written (`now()`), or PostgreSQL's for a serial column (`nextval('users_id_seq'::regclass)`) */
  default?: string;
  /** generated always as (…) stored (or virtual), or an identity column */
  generated?: 'stored' | 'virtual' | 'identity';
  /** an identity column's kind */
  identity?: 'always' | 'by default';
  /** the key of the sequence the column owns (serial, bigserial, identity) */
  sequence?: string;
  origin: Origin;
}

export type ConstraintType = 'primary-key' | 'unique' | 'check' | 'foreign-key' | 'exclusion';

export interface Constraint {
  /** as named in the SQL, or PostgreSQL's default name when it can be known (`users_pkey`) */
  name?: string;
  type: ConstraintType;
  columns: string[];
  /** added NOT VALID and not validated since */
  notValid: boolean;
  /** foreign key: the referenced table's key */
  references?: string;
  /** foreign key: the referenced columns (the referenced table's primary key when not written and known) */
  referencedColumns?: string[];
  /** check: the column of a CHECK (column IS NOT NULL) */
  notNullColumn?: string;
  origin: Origin;
}

export interface Table {
  /** the schema as written; undefined when the name was not qualified (the search path's first schema) */
  schema?: string;
  name: string;
  /** how the schema looks the table up: see relationKey */
  key: string;
  columns: Map<string, Column>;
  constraints: Constraint[];
  /** false for a table the changelog never created: its columns other than those the changelog added are unknown */
  columnsKnown: boolean;
  unlogged: boolean;
  origin: Origin;
}

export interface Index {
  name: string;
  /** the schema as written (an index lives in its table's schema) */
  schema?: string;
  /** the key of its table (or materialized view) */
  table: string;
  unique: boolean;
  /** the indexed columns (expressions left out) */
  columns: string[];
  /** the index a PRIMARY KEY, UNIQUE or EXCLUDE constraint of the same name owns */
  constraint?: boolean;
  origin: Origin;
}

export interface View {
  key: string;
  name: string;
  schema?: string;
  materialized: boolean;
  /** the view's column names, when the query names them all (no `*` over a table of unknown columns) */
  columns?: string[];
  origin: Origin;
}

export interface Sequence {
  key: string;
  name: string;
  schema?: string;
  /** `tableKey.column` that owns it (serial, identity, OWNED BY) */
  ownedBy?: string;
  /** the sequence of an identity column: inserting needs no privilege on it */
  identity?: boolean;
  origin: Origin;
}

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE' | 'REFERENCES' | 'TRIGGER' | 'MAINTAIN';
export type SequencePrivilege = 'USAGE' | 'SELECT' | 'UPDATE';
export type Privilege = TablePrivilege | SequencePrivilege;

/** ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT … ON TABLES|SEQUENCES TO grantee */
export interface DefaultPrivilege {
  /** the role whose future objects get the grant; undefined = the role running the changelog (with no SET ROLE) */
  forRole?: string;
  /** undefined = every schema */
  schema?: string;
  objects: 'tables' | 'sequences' | 'functions' | 'types' | 'schemas';
  grantee: string;
  privileges: Set<Privilege | 'ALL'>;
  origin: Origin;
}

export class Schema {
  readonly tables: Map<string, Table> = new TrackedMap(TABLES);
  readonly indexes: Map<string, Index> = new TrackedMap(INDEXES);
  readonly views: Map<string, View> = new TrackedMap(VIEWS);
  readonly sequences: Map<string, Sequence> = new TrackedMap(SEQUENCES);
  /** object key (a table, view or sequence key) → grantee → privileges (ALL expanded) */
  readonly grants: Map<string, Map<string, Set<Privilege>>> = new TrackedMap(GRANTS);
  /** role → the roles it is a member of (GRANT parent TO role) */
  readonly memberships: Map<string, Set<string>> = new TrackedMap(MEMBERSHIPS);
  /** roles the changelog creates */
  readonly roles: Map<string, Origin> = new TrackedMap(ROLES);
  /** relation key (table or materialized view) → the keys of its indexes */
  readonly relationIndexes: Map<string, Set<string>> = new TrackedMap(RELATION_INDEXES);
  /** keys of the tables a foreign key references (stale keys may stay): renames and drops scan the other tables only for these */
  readonly referencedTables: Set<string> = new TrackedSet(REFERENCED_TABLES);
  private readonly defaultPrivilegeList: DefaultPrivilege[] = [];
  private role?: string;

  get defaultPrivileges(): DefaultPrivilege[] {
    if (access) access.push(DEFAULT_PRIVILEGES, '');
    return this.defaultPrivilegeList;
  }

  /** the role set by `SET ROLE` (creates objects, matches `FOR ROLE` of default privileges); undefined = the changelog's own role */
  get currentRole(): string | undefined {
    if (access) access.push(CURRENT_ROLE, '');
    return this.role;
  }

  set currentRole(role: string | undefined) {
    if (access) access.push(CURRENT_ROLE, '');
    this.role = role;
  }

  /** A deep copy: the editor keeps one as the schema just before the changeset being edited. */
  copy(): Schema {
    return this.copyWith(false);
  }

  /**
   * A copy that shares this schema's entries until it reads one: an entry is copied when first read (the replay
   * changes entries it has read). Cheap when only a few entries are read; this schema must not change afterwards.
   */
  copyOnWrite(): Schema {
    return this.copyWith(true);
  }

  private copyWith(share: boolean): Schema {
    const out = new Schema();
    const pairs: [Map<string, unknown>, Map<string, unknown>][] = [
      [out.tables, this.tables], [out.indexes, this.indexes], [out.views, this.views], [out.sequences, this.sequences], [out.grants, this.grants],
      [out.memberships, this.memberships], [out.roles, this.roles], [out.relationIndexes, this.relationIndexes],
    ];
    for (const [to, from] of pairs) (to as TrackedMap<unknown>).adopt(from, share);
    for (const key of Set.prototype.values.call(this.referencedTables) as IterableIterator<string>) Set.prototype.add.call(out.referencedTables, key);
    for (const privilege of this.defaultPrivilegeList) out.defaultPrivilegeList.push(copyValue(privilege));
    out.role = this.role;
    return out;
  }

  table(name: string, schema?: string): Table | undefined {
    return this.tables.get(relationKey(name, schema));
  }

  /** The table a statement names; a table the changelog never created is made up as 'existing' with unknown columns. */
  tableOrExisting(name: string, schema?: string): Table {
    const key = relationKey(name, schema);
    let table = this.tables.get(key);
    if (!table) {
      table = { schema, name, key, columns: new Map(), constraints: [], columnsKnown: false, unlogged: false, origin: 'existing' };
      this.tables.set(key, table);
    }
    return table;
  }

  /** the indexes of a table or materialized view (those of constraints included) */
  indexesOf(relationKey: string): Index[] {
    const out: Index[] = [];
    for (const key of this.relationIndexes.get(relationKey) ?? []) {
      const index = this.indexes.get(key);
      if (index) out.push(index);
    }
    return out;
  }

  /** The table, view or sequence a name denotes (the same namespace in PostgreSQL), tables first. */
  relation(name: string, schema?: string): { kind: 'table'; object: Table } | { kind: 'view'; object: View } | { kind: 'sequence'; object: Sequence } | undefined {
    const key = relationKey(name, schema);
    const table = this.tables.get(key);
    if (table) return { kind: 'table', object: table };
    const view = this.views.get(key);
    if (view) return { kind: 'view', object: view };
    const sequence = this.sequences.get(key);
    if (sequence) return { kind: 'sequence', object: sequence };
    return undefined;
  }

  /** the roles whose privileges `role` has: itself and every role it is a member of, transitively */
  rolesOf(role: string): Set<string> {
    const out = new Set<string>([role, 'public']);
    const queue = [role];
    while (queue.length) {
      for (const parent of this.memberships.get(queue.pop()!) ?? []) {
        if (!out.has(parent)) {
          out.add(parent);
          queue.push(parent);
        }
      }
    }
    return out;
  }

  /** the privileges `role` holds on an object, directly, through PUBLIC or through role membership */
  privilegesOf(objectKey: string, role: string): Set<Privilege> {
    const out = new Set<Privilege>();
    const byGrantee = this.grants.get(objectKey);
    if (!byGrantee) return out;
    for (const r of this.rolesOf(role)) for (const p of byGrantee.get(r) ?? []) out.add(p);
    return out;
  }
}

/**
 * The key of a relation: `schema.name` when the schema is given and is not `public`, else the bare name, so
 * `public.users` and `users` (the default search path) are one table. Names arrive case-folded by the parser.
 */
export function relationKey(name: string, schema?: string): string {
  return schema && schema !== 'public' ? `${schema}.${name}` : name;
}

/** 'new' when created by the changeset `changesetIndex` itself, else 'existing' (an earlier changeset, or before the changelog) */
export function ageOf(origin: Origin | undefined, changesetIndex: number): 'new' | 'existing' {
  return origin === changesetIndex ? 'new' : 'existing';
}

// ---------------------------------------------------------------------------------------------------------------
// Access tracking, for the editor's incremental lint: while a recorder is set, every read or change of a schema
// entry is noted as (collection, key), and iterating a whole collection as (collection, EVERY). A changeset whose
// work touched no entry that an edit changed must give what it gave before.

const TABLES = 0, INDEXES = 1, VIEWS = 2, SEQUENCES = 3, GRANTS = 4, MEMBERSHIPS = 5, ROLES = 6, RELATION_INDEXES = 7, REFERENCED_TABLES = 8;
/** the default privileges and the current role are one entry each (key '') */
const DEFAULT_PRIVILEGES = 9, CURRENT_ROLE = 10;
/**
 * Not schema state: the identity (author and id) of the changeset at an index (the key), read where a message
 * names the changeset that created an entry (its origin). The runner knows the identities; the schema only notes
 * the reads.
 */
export const IDENTITIES = 11;
export const COLLECTIONS = 12;
/** the key of an access to every entry of a collection (iteration, size) */
export const EVERY = '\u0000*';

/** flat (collection, key) pairs, in the order of access */
export type SchemaAccess = (number | string)[];

let access: SchemaAccess | undefined;

/** Notes every schema access into `into` (undefined: stop); returns the recorder it replaces. */
export function recordSchemaAccess(into: SchemaAccess | undefined): SchemaAccess | undefined {
  const previous = access;
  access = into;
  return previous;
}

/** Notes that the work being recorded read the identity of the changeset at `index` (a message names it). */
export function noteIdentityRead(index: number): void {
  if (access) access.push(IDENTITIES, String(index));
}

class TrackedMap<V> extends Map<string, V> {
  /** the map of the schema this one is a copy-on-write copy of: a value that is still the same object is not ours yet */
  private base?: Map<string, V>;

  constructor(private readonly collection: number) {
    super();
  }

  adopt(from: Map<string, V>, share: boolean): void {
    for (const [key, value] of Map.prototype.entries.call(from) as IterableIterator<[string, V]>) super.set(key, share ? value : copyValue(value));
    if (share) this.base = from;
  }

  override get(key: string): V | undefined {
    if (access) access.push(this.collection, key);
    const value = super.get(key);
    return this.base && typeof value === 'object' && value !== null && value === Map.prototype.get.call(this.base, key) ? this.own(key, value) : value;
  }

  private own(key: string, value: V): V {
    const copy = copyValue(value);
    super.set(key, copy);
    return copy;
  }

  /** before handing out every value (the caller may change any of them) */
  private ownAll(): void {
    const base = this.base;
    if (!base) return;
    this.base = undefined;
    for (const [key, value] of super.entries()) {
      if (typeof value === 'object' && value !== null && value === Map.prototype.get.call(base, key)) super.set(key, copyValue(value));
    }
  }
  override has(key: string): boolean {
    if (access) access.push(this.collection, key);
    return super.has(key);
  }
  override set(key: string, value: V): this {
    if (access) access.push(this.collection, key);
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    if (access) access.push(this.collection, key);
    return super.delete(key);
  }
  override get size(): number {
    if (access) access.push(this.collection, EVERY);
    return super.size;
  }
  override clear(): void {
    if (access) access.push(this.collection, EVERY);
    super.clear();
  }
  override forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    if (access) access.push(this.collection, EVERY);
    this.ownAll();
    super.forEach(callback, thisArg);
  }
  override keys(): MapIterator<string> {
    if (access) access.push(this.collection, EVERY);
    return super.keys();
  }
  override values(): MapIterator<V> {
    if (access) access.push(this.collection, EVERY);
    this.ownAll();
    return super.values();
  }
  override entries(): MapIterator<[string, V]> {
    if (access) access.push(this.collection, EVERY);
    this.ownAll();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

class TrackedSet extends Set<string> {
  constructor(private readonly collection: number) {
    super();
  }
  override has(key: string): boolean {
    if (access) access.push(this.collection, key);
    return super.has(key);
  }
  override add(key: string): this {
    if (access) access.push(this.collection, key);
    return super.add(key);
  }
  override delete(key: string): boolean {
    if (access) access.push(this.collection, key);
    return super.delete(key);
  }
  override get size(): number {
    if (access) access.push(this.collection, EVERY);
    return super.size;
  }
  override clear(): void {
    if (access) access.push(this.collection, EVERY);
    super.clear();
  }
  override forEach(callback: (value: string, key: string, set: Set<string>) => void, thisArg?: unknown): void {
    if (access) access.push(this.collection, EVERY);
    super.forEach(callback, thisArg);
  }
  override keys(): SetIterator<string> {
    return this.values();
  }
  override values(): SetIterator<string> {
    if (access) access.push(this.collection, EVERY);
    return super.values();
  }
  override entries(): SetIterator<[string, string]> {
    if (access) access.push(this.collection, EVERY);
    return super.entries();
  }
  override [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }
}

/**
 * The state of one schema entry as text (not recorded as an access): two runs that leave an entry with the same
 * text leave it the same. Every entry of a collection (EVERY) has no text: the caller treats it as changed.
 */
export function entryState(schema: Schema, collection: number, key: string): string {
  const previous = recordSchemaAccess(undefined);
  try {
    switch (collection) {
      case DEFAULT_PRIVILEGES:
        return stateText(schema.defaultPrivileges);
      case CURRENT_ROLE:
        return stateText(schema.currentRole);
      case REFERENCED_TABLES:
        return schema.referencedTables.has(key) ? 'referenced' : '';
      default:
        return stateText(collectionOf(schema, collection).get(key));
    }
  } finally {
    recordSchemaAccess(previous);
  }
}

function collectionOf(schema: Schema, collection: number): Map<string, unknown> {
  switch (collection) {
    case TABLES: return schema.tables;
    case INDEXES: return schema.indexes;
    case VIEWS: return schema.views;
    case SEQUENCES: return schema.sequences;
    case GRANTS: return schema.grants;
    case MEMBERSHIPS: return schema.memberships;
    case ROLES: return schema.roles;
    case RELATION_INDEXES: return schema.relationIndexes;
    default: throw new Error(`no schema collection ${collection}`);
  }
}

/** a deep copy of a schema value: plain objects, arrays, maps and sets */
function copyValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Map) {
    const out = new Map();
    for (const [k, v] of Map.prototype.entries.call(value) as IterableIterator<[unknown, unknown]>) out.set(k, copyValue(v));
    return out as T;
  }
  if (value instanceof Set) return new Set(Set.prototype.values.call(value) as IterableIterator<unknown>) as T;
  if (Array.isArray(value)) return value.map(copyValue) as T;
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = copyValue((value as Record<string, unknown>)[k]);
  return out as T;
}

/** a value as text: maps and sets in their order, objects with their keys (made by the same code, in the same order) */
function stateText(value: unknown): string {
  if (value === undefined) return '~';
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value) : String(value);
  let out: string;
  if (value instanceof Map) {
    out = 'M{';
    for (const [k, v] of Map.prototype.entries.call(value) as IterableIterator<[unknown, unknown]>) out += `${stateText(k)}:${stateText(v)},`;
  } else if (value instanceof Set) {
    out = 'S{';
    for (const v of Set.prototype.values.call(value) as IterableIterator<unknown>) out += `${stateText(v)},`;
  } else if (Array.isArray(value)) {
    out = '[';
    for (const v of value) out += `${stateText(v)},`;
    return `${out}]`;
  } else {
    out = '{';
    for (const k in value) out += `${k}:${stateText((value as Record<string, unknown>)[k])},`;
  }
  return `${out}}`;
}
