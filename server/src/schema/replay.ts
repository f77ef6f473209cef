// Replays statements onto a Schema: what each DDL statement creates, changes or drops. Unknown statement kinds
// change nothing (the schema then says less, never something false). Names PostgreSQL chooses itself (an unnamed
// primary key, a serial column's sequence) are chosen here the way PostgreSQL does, so rules and hover can name
// them. The replay runs on every keystroke over the whole changelog: each statement touches only the objects it
// names (map lookups); only renames or CASCADE drops of a table that foreign keys reference, and ON ALL TABLES IN
// SCHEMA, scan the tables.

import { lineIndexesOf, type LineIndex } from '../changelog/line-index';
import type { Changelog, Changeset, SqlText } from '../changelog/model';
import { PgKind, pgKind, pgScan } from '../sql/pg-lexer';
import { byteOffsetToIndex } from '../sql/statements';
import {
  type Column, type Constraint, type DefaultPrivilege, type Index, type Origin, type Privilege, relationKey, Schema,
  type Sequence, type Table, type View,
} from './schema';
import { changesetStatements, type ChangesetStatement, type StatementContext } from './statements';
import { hiddenSlot } from '../changelog/hidden-slot';

/** Applies one statement of the changeset `origin` to the schema. */
export function applyStatement(schema: Schema, statement: ChangesetStatement, origin: Origin): void {
  const apply = APPLIERS[statement.kind];
  try {
    if (apply) apply(schema, statement.body, origin, statement.text);
    else if (statement.generated && statement.kind === 'DoStmt') applyGeneratedBlock(schema, statement);
  } catch {
    // a node shape the replay did not expect leaves the schema knowing less; it must not stop the rules and the editor
  }
}

/**
 * A DO block is opaque, except the one Liquibase generates for dropPrimaryKey without a constraint name (it looks
 * the name up in the catalog): the change says what it does.
 */
function applyGeneratedBlock(schema: Schema, statement: ChangesetStatement): void {
  const params = statement.change.params;
  if (statement.change.type !== 'dropPrimaryKey' || typeof params.tableName?.value !== 'string') return;
  const schemaName = typeof params.schemaName?.value === 'string' ? params.schemaName.value : undefined;
  const table = schema.table(params.tableName.value, schemaName);
  const primaryKey = table?.constraints.find((c) => c.type === 'primary-key');
  if (table && primaryKey) dropConstraint(schema, table, primaryKey);
}

// ---------------------------------------------------------------------------------------------------------------
// Replaying a changelog

/**
 * Statements per changeset, kept while the changeset object lives: the loader reuses unchanged files' changesets.
 * It also keeps a changeset whose sqlFile's .sql file changed and attaches the new SqlText to the kept change, so
 * an entry holds only while each change has the same SqlText object (as the checksum memo checks). And the YAML
 * loader keeps the changesets after an edit, moving their positions and SQL offsets in place: a statement's range
 * is made with the statement, so one that moved to another line needs new statements. An edit that moves a
 * changeset along without changing its lines leaves every range as it was; `rangeAt` reads the line index of the
 * latest lint (`context`), which maps the moved offsets.
 */
// kept on the changeset under a symbol, not enumerable (JSON, copies and comparisons do not see it): asked for every changeset on
// every lint, where a WeakMap lookup per changeset cost more than the rest of the check
const statementCache = hiddenSlot<{ sql: (SqlText | undefined)[]; line: number; context: StatementContext; statements: ChangesetStatement[] }>('statements');

/** Every statement a changeset runs (cached per changeset object, its SQL texts and its line), for the runner, the replay and the editor. */
export function statementsOf(changeset: Changeset, lines: (file: string) => LineIndex, defaultSchema?: string): ChangesetStatement[] {
  const cached = statementCache.get(changeset);
  const line = changeset.range.start.line;
  if (cached && cached.context.defaultSchema === defaultSchema && cached.line === line && sameSql(cached.sql, changeset.changes)) {
    cached.context.lines = lines;
    return cached.statements;
  }
  const context: StatementContext = { lines, defaultSchema };
  const statements = changesetStatements(changeset, context);
  statementCache.set(changeset, { sql: changeset.changes.map((c) => c.sql), line, context, statements });
  return statements;
}

function sameSql(sql: (SqlText | undefined)[], changes: Changeset['changes']): boolean {
  if (sql.length !== changes.length) return false;
  for (let i = 0; i < sql.length; i++) if (sql[i] !== changes[i].sql) return false;
  return true;
}

export interface ReplayPoint {
  /** the changeset's index in execution order (changelog.changesets) */
  changeset: number;
  /** how many of that changeset's statements to apply too (default 0: the schema just before the changeset) */
  statements?: number;
}

/** the last replay per changelog: hover and completion ask again and again about the same place */
const lastReplay = new WeakMap<Changelog, { changeset: number; statements: number; schema: Schema }>();

/**
 * The schema at a point of the changelog: every changeset before `point.changeset` replayed, then the first
 * `point.statements` statements of that changeset. For the editor (hover, completion); rules get theirs from the
 * runner. The result is shared with the next call for the same point: read it, do not change it.
 */
export function replayTo(changelog: Changelog, point: ReplayPoint, lines: (file: string) => LineIndex = lineIndexesOf(changelog), defaultSchema?: string): Schema {
  const statements = point.statements ?? 0;
  const last = lastReplay.get(changelog);
  if (last && last.changeset === point.changeset && last.statements === statements) return last.schema;
  const schema = new Schema();
  const end = Math.min(point.changeset, changelog.changesets.length);
  for (let i = 0; i < end; i++) {
    const changeset = changelog.changesets[i];
    for (const statement of statementsOf(changeset, lines, defaultSchema)) applyStatement(schema, statement, changeset.index);
  }
  const target = changelog.changesets[point.changeset];
  if (target && statements > 0) {
    const list = statementsOf(target, lines, defaultSchema);
    for (let i = 0; i < Math.min(statements, list.length); i++) applyStatement(schema, list[i], target.index);
  }
  lastReplay.set(changelog, { changeset: point.changeset, statements, schema });
  return schema;
}

// ---------------------------------------------------------------------------------------------------------------
// The appliers, one per statement kind

type Applier = (schema: Schema, body: Record<string, any>, origin: Origin, text: string) => void;

const APPLIERS: Record<string, Applier> = {
  CreateStmt(schema, body, origin, text) {
    const { relname, schemaname, relpersistence } = body.relation ?? {};
    if (!relname) return;
    const key = relationKey(relname, schemaname);
    if (body.if_not_exists && schema.tables.has(key)) return;
    const table: Table = { schema: schemaname, name: relname, key, columns: new Map(), constraints: [], columnsKnown: true, unlogged: relpersistence === 'u', origin };
    // PARTITION OF / INHERITS: the parents' columns come first
    for (const parent of body.inhRelations ?? []) copyColumns(schema, table, parent.RangeVar, origin);
    schema.tables.set(key, table);
    schema.grants.delete(key);
    const tableConstraints: any[] = [];
    for (const element of body.tableElts ?? []) {
      if (element.ColumnDef) addColumn(schema, table, element.ColumnDef, origin, text, true);
      else if (element.Constraint) tableConstraints.push(element.Constraint);
      else if (element.TableLikeClause) copyColumns(schema, table, element.TableLikeClause.relation, origin);
    }
    for (const c of tableConstraints) addConstraint(schema, table, c, origin, undefined, true);
    applyDefaultPrivileges(schema, 'tables', key, schemaname);
  },

  CreateTableAsStmt(schema, body, origin) {
    const rel = body.into?.rel;
    if (!rel?.relname) return;
    const key = relationKey(rel.relname, rel.schemaname);
    const columns = selectColumns(schema, body.query?.SelectStmt, namesOf(body.into.colNames));
    if (body.objtype === 'OBJECT_MATVIEW') {
      if (body.if_not_exists && schema.views.has(key)) return;
      createView(schema, { key, name: rel.relname, schema: rel.schemaname, materialized: true, columns: columns?.map((c) => c.name), origin }, false);
      return;
    }
    if (body.if_not_exists && schema.tables.has(key)) return;
    createTableFromQuery(schema, rel, columns, origin);
  },

  SelectStmt(schema, body, origin) {
    // SELECT … INTO new_table
    const rel = body.intoClause?.rel;
    if (!rel?.relname) return;
    createTableFromQuery(schema, rel, selectColumns(schema, body, namesOf(body.intoClause.colNames)), origin);
  },

  ViewStmt(schema, body, origin) {
    const { relname, schemaname } = body.view ?? {};
    if (!relname) return;
    const columns = selectColumns(schema, body.query?.SelectStmt, namesOf(body.aliases));
    createView(schema, { key: relationKey(relname, schemaname), name: relname, schema: schemaname, materialized: false, columns: columns?.map((c) => c.name), origin }, !!body.replace);
  },

  CreateSeqStmt(schema, body, origin) {
    const { relname, schemaname } = body.sequence ?? {};
    if (!relname) return;
    const key = relationKey(relname, schemaname);
    if (body.if_not_exists && schema.sequences.has(key)) return;
    const sequence: Sequence = { key, name: relname, schema: schemaname, origin };
    createSequence(schema, sequence);
    setOwner(schema, sequence, ownedByOption(body.options));
  },

  AlterSeqStmt(schema, body) {
    const { relname, schemaname } = body.sequence ?? {};
    const sequence = relname ? schema.sequences.get(relationKey(relname, schemaname)) : undefined;
    if (!sequence) return;
    if ((body.options ?? []).some((o: any) => o.DefElem?.defname === 'owned_by')) setOwner(schema, sequence, ownedByOption(body.options));
  },

  IndexStmt(schema, body, origin) {
    const { relname, schemaname } = body.relation ?? {};
    if (!relname) return;
    const tableKey = relationKey(relname, schemaname);
    const onView = !schema.tables.has(tableKey) && schema.views.get(tableKey)?.materialized;
    const table = onView ? undefined : schema.tableOrExisting(relname, schemaname);
    const elements: any[] = (body.indexParams ?? []).map((p: any) => p.IndexElem ?? {});
    const name = body.idxname ?? chooseRelationName(schema, relname, elements.map(indexColumnName).join('_'), 'idx', schemaname);
    const key = relationKey(name, schemaname);
    if (body.if_not_exists && schema.indexes.has(key)) return;
    addIndex(schema, { name, schema: schemaname, table: table?.key ?? tableKey, unique: !!body.unique, columns: elements.map((e) => e.name).filter(Boolean), origin });
  },

  AlterTableStmt(schema, body, origin, text) {
    if (body.objtype !== 'OBJECT_TABLE') return;
    const { relname, schemaname } = body.relation ?? {};
    if (!relname) return;
    const key = relationKey(relname, schemaname);
    let table = schema.tables.get(key);
    if (!table) {
      // ALTER TABLE also alters views, sequences and indexes; IF EXISTS on a table we do not know says nothing
      if (body.missing_ok || schema.views.has(key) || schema.sequences.has(key) || schema.indexes.has(key)) return;
      table = schema.tableOrExisting(relname, schemaname);
    }
    for (const item of body.cmds ?? []) {
      const cmd = item.AlterTableCmd;
      if (cmd) alterTable(schema, table, cmd, origin, text);
    }
  },

  RenameStmt(schema, body) {
    const rel = body.relation;
    switch (body.renameType) {
      case 'OBJECT_COLUMN': {
        if (!rel?.relname || !body.subname || !body.newname) return;
        const key = relationKey(rel.relname, rel.schemaname);
        const view = schema.tables.has(key) ? undefined : schema.views.get(key);
        if (view) {
          if (view.columns) view.columns = view.columns.map((c) => (c === body.subname ? body.newname : c));
        } else if (schema.tables.has(key) || !body.missing_ok) renameColumn(schema, schema.tableOrExisting(rel.relname, rel.schemaname), body.subname, body.newname);
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        if (!rel?.relname) return;
        const table = schema.tables.get(relationKey(rel.relname, rel.schemaname));
        const constraint = table?.constraints.find((c) => c.name === body.subname);
        if (!table || !constraint) return;
        constraint.name = body.newname;
        // a key constraint and its index share their name
        if (constraint.type !== 'check' && constraint.type !== 'foreign-key') renameIndex(schema, relationKey(body.subname, table.schema), body.newname);
        return;
      }
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_SEQUENCE':
      case 'OBJECT_INDEX':
      case 'OBJECT_FOREIGN_TABLE': {
        if (!rel?.relname || !body.newname) return;
        const key = relationKey(rel.relname, rel.schemaname);
        // a table the changelog never saw is renamed: under its new name it is an existing table
        if (body.renameType === 'OBJECT_TABLE' && !body.missing_ok && !schema.relation(rel.relname, rel.schemaname) && !schema.indexes.has(key)) {
          schema.tableOrExisting(rel.relname, rel.schemaname);
        }
        moveRelation(schema, key, body.newname, rel.schemaname);
        return;
      }
    }
  },

  AlterObjectSchemaStmt(schema, body) {
    const rel = body.relation;
    if (!rel?.relname || !body.newschema) return;
    if (!['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'].includes(body.objectType)) return;
    moveRelation(schema, relationKey(rel.relname, rel.schemaname), rel.relname, body.newschema);
  },

  DropStmt(schema, body) {
    const cascade = body.behavior === 'DROP_CASCADE';
    if (body.removeType === 'OBJECT_SCHEMA') {
      // DROP SCHEMA … CASCADE takes everything in it (without CASCADE it fails unless the schema is empty)
      const schemas = new Set(((body.objects ?? []) as any[]).map((o) => o.String?.sval).filter(Boolean));
      const inDropped = (o: { schema?: string }) => schemas.has(o.schema ?? 'public');
      for (const v of [...schema.views.values()].filter(inDropped)) dropView(schema, v.key);
      for (const t of [...schema.tables.values()].filter(inDropped)) dropTable(schema, t.key, true);
      for (const q of [...schema.sequences.values()].filter(inDropped)) dropSequence(schema, q.key, true);
      return;
    }
    for (const object of body.objects ?? []) {
      const parts = namesOf(object);
      const name = parts[parts.length - 1];
      if (!name) continue;
      const key = relationKey(name, parts.length > 1 ? parts[parts.length - 2] : undefined);
      switch (body.removeType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE':
          dropTable(schema, key, cascade);
          break;
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          dropView(schema, key);
          break;
        case 'OBJECT_INDEX':
          dropIndex(schema, key);
          break;
        case 'OBJECT_SEQUENCE':
          dropSequence(schema, key, cascade);
          break;
      }
    }
  },

  GrantStmt(schema, body) {
    const privileges = grantedPrivileges(body.privileges);
    if (!privileges) return;
    const grantees = (body.grantees ?? []).map((g: any) => roleName(g.RoleSpec)).filter(Boolean) as string[];
    const keys: { key: string; sequence: boolean }[] = [];
    if (body.targtype === 'ACL_TARGET_OBJECT') {
      if (body.objtype !== 'OBJECT_TABLE' && body.objtype !== 'OBJECT_SEQUENCE') return;
      for (const object of body.objects ?? []) {
        const rv = object.RangeVar;
        if (!rv?.relname) continue;
        const key = relationKey(rv.relname, rv.schemaname);
        keys.push({ key, sequence: body.objtype === 'OBJECT_SEQUENCE' || (!schema.tables.has(key) && schema.sequences.has(key)) });
      }
    } else if (body.targtype === 'ACL_TARGET_ALL_IN_SCHEMA') {
      // the objects that exist now; later ones get nothing from this statement (ALTER DEFAULT PRIVILEGES does that)
      const schemas = new Set(namesOf(body.objects));
      if (body.objtype === 'OBJECT_TABLE') {
        for (const t of schema.tables.values()) if (schemas.has(t.schema ?? 'public')) keys.push({ key: t.key, sequence: false });
        for (const v of schema.views.values()) if (schemas.has(v.schema ?? 'public')) keys.push({ key: v.key, sequence: false });
      } else if (body.objtype === 'OBJECT_SEQUENCE') {
        for (const s of schema.sequences.values()) if (schemas.has(s.schema ?? 'public')) keys.push({ key: s.key, sequence: true });
      } else return;
    } else return;
    for (const { key, sequence } of keys) {
      const expanded = privileges === 'ALL' ? (sequence ? SEQUENCE_PRIVILEGES : TABLE_PRIVILEGES) : privileges;
      for (const grantee of grantees) {
        if (body.is_grant) grant(schema, key, grantee, expanded);
        else if (!body.grant_option) revoke(schema, key, grantee, expanded);
      }
    }
  },

  AlterDefaultPrivilegesStmt(schema, body, origin) {
    const action = body.action ?? {};
    const objects = DEFAULT_PRIVILEGE_OBJECTS[action.objtype];
    if (!objects) return;
    let roles: (string | undefined)[] = [schema.currentRole];
    let schemas: (string | undefined)[] = [undefined];
    for (const option of body.options ?? []) {
      const def = option.DefElem;
      if (def?.defname === 'roles') roles = (def.arg?.List?.items ?? []).map((i: any) => roleName(i.RoleSpec));
      if (def?.defname === 'schemas') schemas = namesOf(def.arg);
    }
    const privileges = grantedPrivileges(action.privileges);
    if (!privileges) return;
    const expanded: Set<Privilege | 'ALL'> =
      privileges === 'ALL' ? new Set(objects === 'tables' ? TABLE_PRIVILEGES : objects === 'sequences' ? SEQUENCE_PRIVILEGES : ['ALL']) : new Set(privileges);
    const grantees = (action.grantees ?? []).map((g: any) => roleName(g.RoleSpec)).filter(Boolean) as string[];
    for (const forRole of roles) {
      for (const inSchema of schemas) {
        for (const grantee of grantees) {
          const same = (d: DefaultPrivilege) => d.forRole === forRole && d.schema === inSchema && d.objects === objects && d.grantee === grantee;
          const existing = schema.defaultPrivileges.find(same);
          if (action.is_grant) {
            if (existing) for (const p of expanded) existing.privileges.add(p);
            else schema.defaultPrivileges.push({ forRole, schema: inSchema, objects, grantee, privileges: new Set(expanded), origin });
          } else if (existing && !action.grant_option) {
            for (const p of expanded) existing.privileges.delete(p);
            if (privileges === 'ALL' || !existing.privileges.size) schema.defaultPrivileges.splice(schema.defaultPrivileges.indexOf(existing), 1);
          }
        }
      }
    }
  },

  GrantRoleStmt(schema, body) {
    const granted = (body.granted_roles ?? []).map((r: any) => r.AccessPriv?.priv_name).filter(Boolean) as string[];
    for (const g of body.grantee_roles ?? []) {
      const member = roleName(g.RoleSpec);
      if (!member) continue;
      for (const parent of granted) {
        if (body.is_grant) addMembership(schema, member, parent);
        // REVOKE ADMIN OPTION FOR … keeps the membership
        else if (!(body.opt ?? []).length) schema.memberships.get(member)?.delete(parent);
      }
    }
  },

  CreateRoleStmt(schema, body, origin) {
    const role = body.role;
    if (!role) return;
    schema.roles.set(role, origin);
    for (const option of body.options ?? []) {
      const def = option.DefElem;
      const names = ((def?.arg?.List?.items ?? []) as any[]).map((i) => roleName(i.RoleSpec)).filter(Boolean) as string[];
      // IN ROLE p: the new role is a member of p; ROLE m / ADMIN m: m is a member of the new role
      if (def?.defname === 'addroleto') for (const parent of names) addMembership(schema, role, parent);
      if (def?.defname === 'rolemembers' || def?.defname === 'adminmembers') for (const member of names) addMembership(schema, member, role);
    }
  },

  DropRoleStmt(schema, body) {
    for (const r of body.roles ?? []) {
      const role = roleName(r.RoleSpec);
      if (!role) continue;
      schema.roles.delete(role);
      schema.memberships.delete(role);
      for (const parents of schema.memberships.values()) parents.delete(role);
    }
  },

  VariableSetStmt(schema, body) {
    // SET ROLE decides who owns what the following statements create (and so which default privileges apply)
    if (body.name !== 'role' || body.is_local) return;
    if (body.kind === 'VAR_SET_VALUE') {
      const value = body.args?.[0]?.A_Const?.sval?.sval;
      schema.currentRole = !value || value === 'none' ? undefined : value;
    } else if (body.kind === 'VAR_RESET' || body.kind === 'VAR_SET_DEFAULT') schema.currentRole = undefined;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Tables and columns

function alterTable(schema: Schema, table: Table, cmd: Record<string, any>, origin: Origin, text: string): void {
  const column = cmd.name ? table.columns.get(cmd.name) : undefined;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def?.ColumnDef;
      if (!def?.colname || (cmd.missing_ok && table.columns.has(def.colname))) return;
      addColumn(schema, table, def, origin, text, false);
      return;
    }
    case 'AT_DropColumn':
      if (cmd.name) dropColumn(schema, table, cmd.name, cmd.behavior === 'DROP_CASCADE');
      return;
    case 'AT_AlterColumnType': {
      const typeName = cmd.def?.ColumnDef?.typeName;
      if (column && typeName) column.type = typeNameText(typeName);
      return;
    }
    case 'AT_SetNotNull':
      if (column) column.notNull = true;
      return;
    case 'AT_DropNotNull':
      if (column) column.notNull = false;
      return;
    case 'AT_ColumnDefault':
      if (!column) return;
      // SET DEFAULT NULL stores no default, as DROP DEFAULT
      if (cmd.def && !isNullConstant(cmd.def)) column.default = expressionText(text, cmd.def);
      else delete column.default;
      return;
    case 'AT_AddIdentity': {
      const identity = cmd.def?.Constraint;
      if (column && identity) makeIdentity(schema, table, column, identity, origin);
      return;
    }
    case 'AT_DropIdentity':
      if (column?.generated !== 'identity') return;
      if (column.sequence) dropSequence(schema, column.sequence, false);
      delete column.generated;
      delete column.identity;
      delete column.sequence;
      return;
    case 'AT_DropExpression':
      if (column?.generated === 'stored' || column?.generated === 'virtual') delete column.generated;
      return;
    case 'AT_AddConstraint':
      if (cmd.def?.Constraint) addConstraint(schema, table, cmd.def.Constraint, origin, undefined, false);
      return;
    case 'AT_ValidateConstraint': {
      const constraint = table.constraints.find((c) => c.name === cmd.name);
      if (constraint) constraint.notValid = false;
      return;
    }
    case 'AT_DropConstraint':
      if (cmd.name) dropConstraint(schema, table, cmd.name);
      return;
    case 'AT_SetLogged':
      table.unlogged = false;
      return;
    case 'AT_SetUnLogged':
      table.unlogged = true;
      return;
  }
}

function addColumn(schema: Schema, table: Table, def: Record<string, any>, origin: Origin, text: string, inCreate: boolean): void {
  const name: string = def.colname;
  const serial = SERIAL_TYPES[serialName(def.typeName)];
  const column: Column = { name, type: serial ?? typeNameText(def.typeName), notNull: false, origin };
  table.columns.set(name, column);
  if (serial) {
    column.notNull = true;
    const sequence = createOwnedSequence(schema, table, name, origin, false);
    column.default = `nextval('${qualifiedName(sequence.name, sequence.schema)}'::regclass)`;
  }
  for (const item of def.constraints ?? []) {
    const c = item.Constraint;
    if (!c) continue;
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        column.notNull = true;
        break;
      case 'CONSTR_NULL':
        column.notNull = false;
        break;
      case 'CONSTR_DEFAULT':
        if (c.raw_expr && !isNullConstant(c.raw_expr)) column.default = expressionText(text, c.raw_expr, c.location);
        break;
      case 'CONSTR_IDENTITY':
        makeIdentity(schema, table, column, c, origin);
        break;
      case 'CONSTR_GENERATED':
        column.generated = c.generated_kind === 'v' ? 'virtual' : 'stored';
        break;
      default:
        addConstraint(schema, table, c, origin, name, inCreate);
    }
  }
}

function makeIdentity(schema: Schema, table: Table, column: Column, constraint: Record<string, any>, origin: Origin): void {
  column.generated = 'identity';
  column.identity = constraint.generated_when === 'a' ? 'always' : 'by default';
  column.notNull = true;
  delete column.default;
  createOwnedSequence(schema, table, column.name, origin, true);
}

/** the sequence PostgreSQL creates for a serial or identity column: `<table>_<column>_seq`, owned by the column */
function createOwnedSequence(schema: Schema, table: Table, column: string, origin: Origin, identity: boolean): Sequence {
  const name = chooseRelationName(schema, table.name, column, 'seq', table.schema);
  const sequence: Sequence = { key: relationKey(name, table.schema), name, schema: table.schema, ownedBy: `${table.key}.${column}`, origin };
  if (identity) sequence.identity = true;
  createSequence(schema, sequence);
  const owner = table.columns.get(column);
  if (owner) owner.sequence = sequence.key;
  return sequence;
}

function createSequence(schema: Schema, sequence: Sequence): void {
  schema.sequences.set(sequence.key, sequence);
  schema.grants.delete(sequence.key);
  applyDefaultPrivileges(schema, 'sequences', sequence.key, sequence.schema);
}

/** LIKE t / PARTITION OF t / INHERITS (t): t's columns, when the replay knows them */
function copyColumns(schema: Schema, table: Table, source: Record<string, any> | undefined, origin: Origin): void {
  const parent = source?.relname ? schema.tables.get(relationKey(source.relname, source.schemaname)) : undefined;
  if (!parent) {
    table.columnsKnown = false;
    return;
  }
  if (!parent.columnsKnown) table.columnsKnown = false;
  for (const c of parent.columns.values()) {
    if (table.columns.has(c.name)) continue;
    const copy: Column = { name: c.name, type: c.type, notNull: c.notNull, origin };
    if (c.default !== undefined && !c.sequence) copy.default = c.default;
    table.columns.set(c.name, copy);
  }
}

function createTableFromQuery(schema: Schema, rel: Record<string, any>, columns: QueryColumn[] | undefined, origin: Origin): void {
  const key = relationKey(rel.relname, rel.schemaname);
  const table: Table = {
    schema: rel.schemaname, name: rel.relname, key, columns: new Map(), constraints: [], columnsKnown: !!columns,
    unlogged: rel.relpersistence === 'u', origin,
  };
  for (const c of columns ?? []) table.columns.set(c.name, { name: c.name, type: c.type, notNull: false, origin });
  schema.tables.set(key, table);
  schema.grants.delete(key);
  applyDefaultPrivileges(schema, 'tables', key, rel.schemaname);
}

function createView(schema: Schema, view: View, replace: boolean): void {
  const existing = schema.views.get(view.key);
  if (replace && existing) {
    // CREATE OR REPLACE keeps the view: its origin and grants stay
    existing.columns = view.columns;
    return;
  }
  schema.views.set(view.key, view);
  schema.grants.delete(view.key);
  applyDefaultPrivileges(schema, 'tables', view.key, view.schema);
}

function renameColumn(schema: Schema, table: Table, from: string, to: string): void {
  const column = table.columns.get(from);
  if (column) {
    // rebuild the map so the column keeps its place (hover and completion list columns in table order)
    const columns = new Map<string, Column>();
    for (const [name, c] of table.columns) columns.set(name === from ? to : name, c);
    column.name = to;
    table.columns.clear();
    for (const [name, c] of columns) table.columns.set(name, c);
    if (column.sequence) {
      const sequence = schema.sequences.get(column.sequence);
      if (sequence) sequence.ownedBy = `${table.key}.${to}`;
    }
  }
  const rename = (columns: string[]) => columns.map((c) => (c === from ? to : c));
  for (const c of table.constraints) c.columns = rename(c.columns);
  for (const index of schema.indexesOf(table.key)) index.columns = rename(index.columns);
  // foreign keys of other tables that reference the column
  if (!schema.referencedTables.has(table.key)) return;
  for (const other of schema.tables.values()) {
    for (const c of other.constraints) if (c.references === table.key && c.referencedColumns) c.referencedColumns = rename(c.referencedColumns);
  }
}

function dropColumn(schema: Schema, table: Table, name: string, cascade: boolean): void {
  const column = table.columns.get(name);
  table.columns.delete(name);
  if (column?.sequence) dropSequence(schema, column.sequence, false);
  // PostgreSQL drops the indexes and constraints that use the column
  for (const c of table.constraints.filter((c) => c.columns.includes(name))) dropConstraint(schema, table, c);
  for (const index of schema.indexesOf(table.key)) if (index.columns.includes(name)) dropIndex(schema, relationKey(index.name, index.schema));
  if (cascade && schema.referencedTables.has(table.key)) {
    for (const other of schema.tables.values()) {
      other.constraints = other.constraints.filter((c) => !(c.references === table.key && c.referencedColumns?.includes(name)));
    }
  }
}

function dropTable(schema: Schema, key: string, cascade: boolean): void {
  const table = schema.tables.get(key);
  if (!table) return;
  schema.tables.delete(key);
  schema.grants.delete(key);
  for (const index of schema.indexesOf(key)) dropIndex(schema, relationKey(index.name, index.schema));
  schema.relationIndexes.delete(key);
  for (const column of table.columns.values()) if (column.sequence) dropSequence(schema, column.sequence, false);
  if (cascade && schema.referencedTables.has(key)) {
    for (const other of schema.tables.values()) {
      if (other.constraints.some((c) => c.references === key)) other.constraints = other.constraints.filter((c) => c.references !== key);
    }
  }
}

function dropView(schema: Schema, key: string): void {
  if (!schema.views.delete(key)) return;
  schema.grants.delete(key);
  for (const index of schema.indexesOf(key)) dropIndex(schema, relationKey(index.name, index.schema));
  schema.relationIndexes.delete(key);
}

function dropSequence(schema: Schema, key: string, cascade: boolean): void {
  const sequence = schema.sequences.get(key);
  if (!sequence) return;
  schema.sequences.delete(key);
  schema.grants.delete(key);
  const owner = ownerColumn(schema, sequence);
  if (owner?.column.sequence === key) {
    delete owner.column.sequence;
    // DROP SEQUENCE … CASCADE drops the default that calls nextval on it
    if (cascade && owner.column.default?.startsWith('nextval(')) delete owner.column.default;
  }
}

/** OWNED BY: the sequence goes with the column (dropped with it, renamed along) */
function setOwner(schema: Schema, sequence: Sequence, ownedBy: string | undefined): void {
  const previous = ownerColumn(schema, sequence);
  if (previous?.column.sequence === sequence.key) delete previous.column.sequence;
  sequence.ownedBy = ownedBy;
  if (!ownedBy) delete sequence.ownedBy;
  const owner = ownerColumn(schema, sequence);
  if (owner) owner.column.sequence = sequence.key;
}

function ownerColumn(schema: Schema, sequence: Sequence): { table: Table; column: Column } | undefined {
  if (!sequence.ownedBy) return undefined;
  const dot = sequence.ownedBy.lastIndexOf('.');
  const table = schema.tables.get(sequence.ownedBy.slice(0, dot));
  const column = table?.columns.get(sequence.ownedBy.slice(dot + 1));
  return table && column ? { table, column } : undefined;
}

/**
 * Renames and/or moves a table, view, sequence or index to `name` in `newSchema` (ALTER … RENAME TO keeps the
 * schema, SET SCHEMA keeps the name). The object keeps its origin and grants; a table's indexes and owned
 * sequences move with it to a new schema, and foreign keys that reference it follow.
 */
function moveRelation(schema: Schema, oldKey: string, name: string, newSchema: string | undefined): void {
  const newKey = relationKey(name, newSchema);
  if (newKey === oldKey) return;
  moveGrants(schema, oldKey, newKey);
  const table = schema.tables.get(oldKey);
  if (table) {
    schema.tables.delete(oldKey);
    const schemaChanged = (table.schema ?? 'public') !== (newSchema ?? 'public');
    Object.assign(table, { name, schema: newSchema, key: newKey });
    schema.tables.set(newKey, table);
    moveIndexesOf(schema, oldKey, newKey, schemaChanged ? newSchema : undefined, schemaChanged);
    for (const column of table.columns.values()) {
      const sequence = column.sequence ? schema.sequences.get(column.sequence) : undefined;
      if (!sequence) continue;
      sequence.ownedBy = `${newKey}.${column.name}`;
      if (schemaChanged) {
        moveRelation(schema, sequence.key, sequence.name, newSchema);
        column.sequence = sequence.key;
      }
    }
    // foreign keys of other tables that reference it
    if (schema.referencedTables.has(oldKey)) {
      schema.referencedTables.add(newKey);
      for (const other of schema.tables.values()) for (const c of other.constraints) if (c.references === oldKey) c.references = newKey;
    }
    return;
  }
  const view = schema.views.get(oldKey);
  if (view) {
    schema.views.delete(oldKey);
    Object.assign(view, { name, schema: newSchema, key: newKey });
    schema.views.set(newKey, view);
    const schemaChanged = relationKey('', newSchema) !== relationKey('', view.schema);
    moveIndexesOf(schema, oldKey, newKey, newSchema, schemaChanged);
    return;
  }
  const sequence = schema.sequences.get(oldKey);
  if (sequence) {
    schema.sequences.delete(oldKey);
    Object.assign(sequence, { name, schema: newSchema, key: newKey });
    schema.sequences.set(newKey, sequence);
    const owner = ownerColumn(schema, sequence);
    if (owner) owner.column.sequence = newKey;
    return;
  }
  if (schema.indexes.has(oldKey)) renameIndex(schema, oldKey, name);
}

function moveGrants(schema: Schema, oldKey: string, newKey: string): void {
  const grants = schema.grants.get(oldKey);
  schema.grants.delete(oldKey);
  if (grants) schema.grants.set(newKey, grants);
  else schema.grants.delete(newKey);
}

function moveIndexesOf(schema: Schema, oldKey: string, newKey: string, newSchema: string | undefined, schemaChanged: boolean): void {
  const keys = schema.relationIndexes.get(oldKey);
  if (!keys) return;
  schema.relationIndexes.delete(oldKey);
  const moved = new Set<string>();
  for (const key of keys) {
    const index = schema.indexes.get(key);
    if (!index) continue;
    index.table = newKey;
    if (schemaChanged) {
      schema.indexes.delete(key);
      index.schema = newSchema;
      schema.indexes.set(relationKey(index.name, newSchema), index);
    }
    moved.add(relationKey(index.name, index.schema));
  }
  schema.relationIndexes.set(newKey, moved);
}

// ---------------------------------------------------------------------------------------------------------------
// Constraints and indexes

function addConstraint(schema: Schema, table: Table, c: Record<string, any>, origin: Origin, columnName: string | undefined, inCreate: boolean): void {
  const keys = namesOf(c.keys);
  // NOT VALID is ignored by CREATE TABLE: the new table is empty, so the constraint is valid
  const notValid = !inCreate && !!c.skip_validation;
  switch (c.contype) {
    case 'CONSTR_NOTNULL':
      for (const name of keys.length ? keys : columnName ? [columnName] : []) {
        const column = table.columns.get(name);
        if (column) column.notNull = true;
      }
      return;
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE': {
      const primary = c.contype === 'CONSTR_PRIMARY';
      const usingIndex = c.indexname ? schema.indexes.get(relationKey(c.indexname, table.schema)) : undefined;
      const columns = usingIndex ? usingIndex.columns : keys.length ? keys : columnName ? [columnName] : [];
      const name: string = c.conname ?? (usingIndex ? usingIndex.name : chooseRelationName(schema, table.name, primary ? undefined : columns.join('_'), primary ? 'pkey' : 'key', table.schema));
      table.constraints.push({ name, type: primary ? 'primary-key' : 'unique', columns, notValid: false, origin });
      if (primary) for (const col of columns) {
        const column = table.columns.get(col);
        if (column) column.notNull = true;
      }
      if (usingIndex) {
        // ADD CONSTRAINT … USING INDEX: the index becomes the constraint's and takes its name
        usingIndex.constraint = true;
        renameIndex(schema, relationKey(usingIndex.name, usingIndex.schema), name);
      } else addIndex(schema, { name, schema: table.schema, table: table.key, unique: true, columns, constraint: true, origin });
      return;
    }
    case 'CONSTR_CHECK': {
      const columns = [...new Set(columnRefs(c.raw_expr))];
      // PostgreSQL names a check after its column only when the expression uses exactly one
      const name: string = c.conname ?? chooseConstraintName(table, columns.length === 1 ? columns[0] : undefined, 'check');
      // CHECK (col IS NOT NULL): once validated, SET NOT NULL uses it instead of scanning the table
      const test = c.raw_expr?.NullTest;
      const notNullColumn = test?.nulltesttype === 'IS_NOT_NULL' && test.arg?.ColumnRef ? columnRefs(test.arg)[0] : undefined;
      table.constraints.push({ name, type: 'check', columns, notValid, ...(notNullColumn ? { notNullColumn } : {}), origin });
      return;
    }
    case 'CONSTR_FOREIGN': {
      const columns = namesOf(c.fk_attrs);
      if (!columns.length && columnName) columns.push(columnName);
      const pk = c.pktable ?? {};
      const references = pk.relname ? relationKey(pk.relname, pk.schemaname) : undefined;
      let referencedColumns = namesOf(c.pk_attrs);
      if (!referencedColumns.length && references) {
        const target = references === table.key ? table : schema.tables.get(references);
        referencedColumns = target?.constraints.find((k) => k.type === 'primary-key')?.columns ?? [];
      }
      const name: string = c.conname ?? chooseConstraintName(table, columns.join('_'), 'fkey');
      const constraint: Constraint = { name, type: 'foreign-key', columns, notValid, origin };
      if (references) {
        constraint.references = references;
        schema.referencedTables.add(references);
      }
      if (referencedColumns.length) constraint.referencedColumns = referencedColumns;
      table.constraints.push(constraint);
      return;
    }
    case 'CONSTR_EXCLUSION': {
      const columns = ((c.exclusions ?? []) as any[]).map((e) => e.List?.items?.[0]?.IndexElem?.name).filter(Boolean) as string[];
      const name: string = c.conname ?? chooseRelationName(schema, table.name, columns.join('_'), 'excl', table.schema);
      table.constraints.push({ name, type: 'exclusion', columns, notValid: false, origin });
      addIndex(schema, { name, schema: table.schema, table: table.key, unique: false, columns, constraint: true, origin });
      return;
    }
  }
}

function dropConstraint(schema: Schema, table: Table, nameOrConstraint: string | Constraint): void {
  const constraint = typeof nameOrConstraint === 'string' ? table.constraints.find((c) => c.name === nameOrConstraint) : nameOrConstraint;
  if (!constraint) return;
  table.constraints = table.constraints.filter((c) => c !== constraint);
  if (constraint.name && (constraint.type === 'primary-key' || constraint.type === 'unique' || constraint.type === 'exclusion')) {
    const key = relationKey(constraint.name, table.schema);
    if (schema.indexes.get(key)?.constraint) dropIndex(schema, key);
  }
}

function addIndex(schema: Schema, index: Index): void {
  const key = relationKey(index.name, index.schema);
  schema.indexes.set(key, index);
  let keys = schema.relationIndexes.get(index.table);
  if (!keys) schema.relationIndexes.set(index.table, (keys = new Set()));
  keys.add(key);
}

function dropIndex(schema: Schema, key: string): void {
  const index = schema.indexes.get(key);
  if (!index) return;
  schema.indexes.delete(key);
  schema.relationIndexes.get(index.table)?.delete(key);
}

function renameIndex(schema: Schema, key: string, name: string): void {
  const index = schema.indexes.get(key);
  if (!index) return;
  dropIndex(schema, key);
  const oldName = index.name;
  index.name = name;
  addIndex(schema, index);
  // ALTER INDEX … RENAME of a key constraint's index renames the constraint too
  if (index.constraint) {
    const table = schema.tables.get(index.table);
    const constraint = table?.constraints.find((c) => c.name === oldName && c.type !== 'check' && c.type !== 'foreign-key');
    if (constraint) constraint.name = name;
  }
}

/** the name an index element contributes to a default index name: its column, its function, or `expr` */
function indexColumnName(element: Record<string, any>): string {
  if (element.name) return element.name;
  return figureColumnName(element.expr) ?? 'expr';
}

// ---------------------------------------------------------------------------------------------------------------
// Names PostgreSQL chooses (src/backend/commands/indexcmds.c ChooseRelationName, catalog/pg_constraint.c
// ChooseConstraintName): `name1_name2_label`, shortened to fit in 63 bytes, with a number after the label until
// the name is free.

const MAX_NAME_LENGTH = 63;

/** makeObjectName: shortens the longer of name1 and name2 until the whole name fits */
export function makeObjectName(name1: string, name2: string | undefined, label: string): string {
  let name1chars = name1.length;
  let name2chars = name2?.length ?? 0;
  const overhead = (name2 !== undefined ? 1 : 0) + (label ? label.length + 1 : 0);
  const available = MAX_NAME_LENGTH - overhead;
  while (name1chars + name2chars > available) {
    if (name1chars > name2chars) name1chars--;
    else name2chars--;
  }
  let out = name1.slice(0, name1chars);
  if (name2 !== undefined) out += `_${name2.slice(0, name2chars)}`;
  if (label) out += `_${label}`;
  return out;
}

function chooseRelationName(schema: Schema, name1: string, name2: string | undefined, label: string, schemaName: string | undefined): string {
  const taken = (name: string) => {
    const key = relationKey(name, schemaName);
    return schema.tables.has(key) || schema.indexes.has(key) || schema.sequences.has(key) || schema.views.has(key);
  };
  for (let pass = 0; ; pass++) {
    const name = makeObjectName(name1, name2, pass ? `${label}${pass}` : label);
    if (!taken(name) || pass > 100) return name;
  }
}

/** constraint names are only checked against the table's own constraints (others are unknown or rare) */
function chooseConstraintName(table: Table, name2: string | undefined, label: string): string {
  for (let pass = 0; ; pass++) {
    const name = makeObjectName(table.name, name2 || undefined, pass ? `${label}${pass}` : label);
    if (!table.constraints.some((c) => c.name === name) || pass > 100) return name;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Grants and default privileges

const TABLE_PRIVILEGES: Privilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'];
const SEQUENCE_PRIVILEGES: Privilege[] = ['USAGE', 'SELECT', 'UPDATE'];
const KNOWN_PRIVILEGES = new Set<string>([...TABLE_PRIVILEGES, ...SEQUENCE_PRIVILEGES]);

const DEFAULT_PRIVILEGE_OBJECTS: Record<string, DefaultPrivilege['objects']> = {
  OBJECT_TABLE: 'tables', OBJECT_SEQUENCE: 'sequences', OBJECT_FUNCTION: 'functions', OBJECT_TYPE: 'types', OBJECT_SCHEMA: 'schemas',
};

/** 'ALL' for ALL [PRIVILEGES] (no privilege list), else the table-level privileges named (column grants left out) */
function grantedPrivileges(list: any[] | undefined): Privilege[] | 'ALL' | undefined {
  if (!list?.length) return 'ALL';
  const out: Privilege[] = [];
  for (const item of list) {
    const p = item.AccessPriv;
    if (!p?.priv_name || p.cols?.length) continue;
    const name = String(p.priv_name).toUpperCase();
    if (KNOWN_PRIVILEGES.has(name)) out.push(name as Privilege);
  }
  return out.length ? out : undefined;
}

function roleName(spec: Record<string, any> | undefined): string | undefined {
  switch (spec?.roletype) {
    case 'ROLESPEC_CSTRING':
      return spec.rolename;
    case 'ROLESPEC_PUBLIC':
      return 'public';
    case 'ROLESPEC_CURRENT_USER':
      return 'current_user';
    case 'ROLESPEC_CURRENT_ROLE':
      return 'current_role';
    case 'ROLESPEC_SESSION_USER':
      return 'session_user';
  }
  return undefined;
}

function grant(schema: Schema, key: string, grantee: string, privileges: Iterable<Privilege>): void {
  let byGrantee = schema.grants.get(key);
  if (!byGrantee) schema.grants.set(key, (byGrantee = new Map()));
  let held = byGrantee.get(grantee);
  if (!held) byGrantee.set(grantee, (held = new Set()));
  for (const p of privileges) held.add(p);
}

function revoke(schema: Schema, key: string, grantee: string, privileges: Iterable<Privilege>): void {
  const held = schema.grants.get(key)?.get(grantee);
  if (!held) return;
  for (const p of privileges) held.delete(p);
  if (!held.size) schema.grants.get(key)!.delete(grantee);
}

/** ALTER DEFAULT PRIVILEGES grants for an object the current role just created in `schemaName` */
function applyDefaultPrivileges(schema: Schema, objects: 'tables' | 'sequences', key: string, schemaName: string | undefined): void {
  if (!schema.defaultPrivileges.length) return;
  const inSchema = schemaName ?? 'public';
  for (const d of schema.defaultPrivileges) {
    if (d.objects !== objects || d.forRole !== schema.currentRole) continue;
    if (d.schema !== undefined && d.schema !== inSchema) continue;
    grant(schema, key, d.grantee, [...d.privileges].filter((p): p is Privilege => p !== 'ALL'));
  }
}

function addMembership(schema: Schema, member: string, parent: string): void {
  let parents = schema.memberships.get(member);
  if (!parents) schema.memberships.set(member, (parents = new Set()));
  parents.add(parent);
}

// ---------------------------------------------------------------------------------------------------------------
// The columns of a query (views, CREATE TABLE AS): names always, types where a column comes straight from a table

interface QueryColumn {
  name: string;
  /** '' when the replay cannot tell */
  type: string;
}

/** undefined when a `*` stands for columns the replay does not know */
function selectColumns(schema: Schema, select: Record<string, any> | undefined, aliases: string[]): QueryColumn[] | undefined {
  while (select && select.op && select.op !== 'SETOP_NONE') select = select.larg;
  if (!select) return undefined;
  const from = new Map<string, Table | undefined>();
  const visit = (node: any) => {
    if (node?.RangeVar) {
      const rv = node.RangeVar;
      from.set(rv.alias?.aliasname ?? rv.relname, schema.tables.get(relationKey(rv.relname, rv.schemaname)));
    } else if (node?.JoinExpr) {
      visit(node.JoinExpr.larg);
      visit(node.JoinExpr.rarg);
    } else from.set(`\0${from.size}`, undefined);
  };
  for (const item of select.fromClause ?? []) visit(item);
  const out: QueryColumn[] = [];
  for (const item of select.targetList ?? []) {
    const target = item.ResTarget;
    if (!target) continue;
    const fields: any[] = target.val?.ColumnRef?.fields ?? [];
    if (fields.length && fields[fields.length - 1].A_Star) {
      const qualifier = fields.length > 1 ? fields[fields.length - 2].String?.sval : undefined;
      const tables = qualifier ? [from.get(qualifier)] : [...from.values()];
      for (const t of tables) {
        if (!t?.columnsKnown) return undefined;
        for (const c of t.columns.values()) out.push({ name: c.name, type: c.type });
      }
      continue;
    }
    out.push({ name: target.name ?? figureColumnName(target.val) ?? '?column?', type: expressionType(target.val, from) });
  }
  aliases.forEach((alias, i) => {
    if (out[i]) out[i].name = alias;
  });
  return out;
}

/** FigureColname: the name PostgreSQL gives an unnamed select item (column, function, or cast's operand) */
function figureColumnName(node: any): string | undefined {
  if (!node) return undefined;
  if (node.ColumnRef) {
    const last = node.ColumnRef.fields?.[node.ColumnRef.fields.length - 1];
    return last?.String?.sval;
  }
  if (node.FuncCall) return node.FuncCall.funcname?.[node.FuncCall.funcname.length - 1]?.String?.sval;
  if (node.TypeCast) return figureColumnName(node.TypeCast.arg) ?? typeNameText(node.TypeCast.typeName).replace(/\(.*$/, '');
  return undefined;
}

function expressionType(node: any, from: Map<string, Table | undefined>): string {
  if (!node) return '';
  if (node.TypeCast) return typeNameText(node.TypeCast.typeName);
  if (node.A_Const) {
    const c = node.A_Const;
    if (c.isnull) return '';
    if (c.ival) return 'integer';
    if (c.fval) return 'numeric';
    if (c.boolval) return 'boolean';
    if (c.sval) return 'text';
    return '';
  }
  const fields: any[] = node.ColumnRef?.fields ?? [];
  const column = fields[fields.length - 1]?.String?.sval;
  if (!column) return '';
  const tables = fields.length > 1 ? [from.get(fields[fields.length - 2].String?.sval)] : [...from.values()];
  for (const t of tables) {
    const c = t?.columns.get(column);
    if (c) return c.type;
  }
  return '';
}

// ---------------------------------------------------------------------------------------------------------------
// Small readers of libpg-query nodes

/** `[schema, name]` parts of a `List` of `String` nodes (DropStmt objects, qualified names) */
export function namesOf(node: any): string[] {
  const items = node?.List?.items ?? (Array.isArray(node) ? node : []);
  return items.map((i: any) => i.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
}

/** OWNED BY t.c → `tableKey.c`; OWNED BY NONE → undefined */
function ownedByOption(options: any[] | undefined): string | undefined {
  for (const option of options ?? []) {
    if (option.DefElem?.defname !== 'owned_by') continue;
    const parts = namesOf(option.DefElem.arg);
    if (parts.length < 2) return undefined;
    const column = parts[parts.length - 1];
    return `${relationKey(parts[parts.length - 2], parts.length > 2 ? parts[parts.length - 3] : undefined)}.${column}`;
  }
  return undefined;
}

/** the column names an expression reads, in order of appearance */
function columnRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) columnRefs(item, out);
  } else if (node && typeof node === 'object') {
    const ref = (node as any).ColumnRef;
    if (ref) {
      const last = ref.fields?.[ref.fields.length - 1]?.String?.sval;
      if (last) out.push(last);
      return out;
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') columnRefs(value, out);
  }
  return out;
}

/** PostgreSQL keeps no default for a bare NULL (DEFAULT NULL, or NULL::type) */
function isNullConstant(node: any): boolean {
  return !!(node?.A_Const?.isnull || node?.TypeCast?.arg?.A_Const?.isnull);
}

function qualifiedName(name: string, schema: string | undefined): string {
  return schema && schema !== 'public' ? `${schema}.${name}` : name;
}

const SERIAL_TYPES: Record<string, string> = {
  serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint',
};

function serialName(typeName: any): string {
  const names = typeName?.names ?? [];
  if (names.length !== 1 || typeName.arrayBounds?.length) return '';
  return names[0].String?.sval ?? '';
}

const TYPE_NAMES: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  varchar: 'character varying', bpchar: 'character', timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', time: 'time without time zone', timetz: 'time with time zone',
  varbit: 'bit varying', decimal: 'numeric', int: 'integer',
};

/** types whose modifier PostgreSQL prints inside the name: `timestamp(3) with time zone` */
const SPLIT_TYPES: Record<string, [string, string]> = {
  timestamp: ['timestamp', ' without time zone'], timestamptz: ['timestamp', ' with time zone'],
  time: ['time', ' without time zone'], timetz: ['time', ' with time zone'],
};

/** printed types by TypeName node: parse trees are cached by statement text, so each keystroke meets the same nodes */
const typeTexts = new WeakMap<object, string>();

/** A TypeName node as PostgreSQL prints the type (`character varying(20)`, `integer[]`). */
export function typeNameText(typeName: any): string {
  if (!typeName) return '';
  let text = typeTexts.get(typeName);
  if (text === undefined) typeTexts.set(typeName, (text = formatType(typeName)));
  return text;
}

function formatType(typeName: any): string {
  const parts: string[] = (typeName.names ?? []).map((n: any) => n.String?.sval).filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  const builtin = parts[0] === 'pg_catalog' || parts.length === 1;
  const mods = (typeName.typmods ?? []).map((m: any) => m.A_Const?.ival?.ival ?? (m.A_Const?.ival ? 0 : m.A_Const?.sval?.sval ?? '')).join(',');
  // format_type prints one [] whatever the number of dimensions
  const array = typeName.arrayBounds?.length ? '[]' : '';
  if (builtin && SPLIT_TYPES[last] && mods !== '') {
    const [head, tail] = SPLIT_TYPES[last];
    return `${head}(${mods})${tail}${array}`;
  }
  const base = builtin ? TYPE_NAMES[last] ?? last : parts.join('.');
  // interval's modifier is a field mask, not a precision a reader would recognise
  const shown = mods !== '' && last !== 'interval' ? `(${mods})` : '';
  return `${base}${shown}${array}`;
}

/**
 * The SQL text of an expression node (a default), from the statement text: PostgreSQL's own deparser is not in
 * libpg-query's WASM build, and the text as written is what a reader recognises. `keywordAt` is the location of
 * the `DEFAULT` keyword when known (a column constraint); otherwise the expression starts at its leftmost node.
 */
function expressionText(text: string, node: object, keywordAt?: number): string | undefined {
  if (expressionTexts.has(node)) return expressionTexts.get(node);
  const out = readExpressionText(text, node, keywordAt);
  expressionTexts.set(node, out);
  return out;
}

/** expression texts by node, for the same reason as typeTexts (a node belongs to one statement text) */
const expressionTexts = new WeakMap<object, string | undefined>();

function readExpressionText(text: string, node: unknown, keywordAt?: number): string | undefined {
  let start: number;
  if (keywordAt !== undefined && keywordAt >= 0) {
    const at = byteOffsetToIndex(text, keywordAt);
    start = pgScan(text, at, text.length);
  } else {
    const min = minLocation(node);
    if (min === Infinity) return undefined;
    start = byteOffsetToIndex(text, min);
    // a parenthesised expression's nodes start after its `(`
    let back = start;
    while (back > 0 && /[\s(]/.test(text[back - 1])) back--;
    if (text.slice(back, start).includes('(') && /\bDEFAULT\s*$/i.test(text.slice(0, back))) start = back;
  }
  return expressionFrom(text, start);
}

function minLocation(node: unknown): number {
  let min = Infinity;
  const visit = (n: unknown) => {
    if (Array.isArray(n)) for (const item of n) visit(item);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        if (k === 'location' && typeof v === 'number' && v >= 0 && v < min) min = v;
        else if (v && typeof v === 'object') visit(v);
      }
    }
  };
  visit(node);
  return min;
}

const EXPRESSION_END = new Set(['constraint', 'check', 'references', 'unique', 'primary', 'generated', 'collate', 'default', 'deferrable', 'initially', 'using']);

/** from `start`, the expression up to a `,` `)` or `;` outside parentheses, or a column constraint's keyword */
function expressionFrom(text: string, start: number): string | undefined {
  let depth = 0;
  let i = start;
  let first = -1;
  let end = start;
  while (i < text.length) {
    const tokenEnd = pgScan(text, i, text.length);
    const kind = pgKind;
    if (kind === PgKind.Space || kind === PgKind.Comment) {
      i = tokenEnd;
      continue;
    }
    if (kind === PgKind.LParen) depth++;
    else if (kind === PgKind.RParen) {
      if (depth === 0) break;
      depth--;
    } else if (kind === PgKind.Semicolon) break;
    else if (depth === 0 && text[i] === ',') break;
    else if (depth === 0 && kind === PgKind.Ident && first >= 0) {
      const word = text.slice(i, tokenEnd).toLowerCase();
      if (EXPRESSION_END.has(word)) break;
      // NOT NULL / NULL after the expression are column constraints
      if (word === 'null' || (word === 'not' && /^\s*null\b/i.test(text.slice(tokenEnd)))) break;
    }
    if (first < 0) first = i;
    end = tokenEnd;
    i = tokenEnd;
  }
  return first < 0 ? undefined : text.slice(first, end);
}
