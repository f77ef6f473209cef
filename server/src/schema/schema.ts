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
  readonly tables = new Map<string, Table>();
  readonly indexes = new Map<string, Index>();
  readonly views = new Map<string, View>();
  readonly sequences = new Map<string, Sequence>();
  /** object key (a table, view or sequence key) → grantee → privileges (ALL expanded) */
  readonly grants = new Map<string, Map<string, Set<Privilege>>>();
  readonly defaultPrivileges: DefaultPrivilege[] = [];
  /** role → the roles it is a member of (GRANT parent TO role) */
  readonly memberships = new Map<string, Set<string>>();
  /** roles the changelog creates */
  readonly roles = new Map<string, Origin>();
  /** relation key (table or materialized view) → the keys of its indexes */
  readonly relationIndexes = new Map<string, Set<string>>();
  /** keys of the tables a foreign key references (stale keys may stay): renames and drops scan the other tables only for these */
  readonly referencedTables = new Set<string>();
  /** the role set by `SET ROLE` (creates objects, matches `FOR ROLE` of default privileges); undefined = the changelog's own role */
  currentRole?: string;

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
