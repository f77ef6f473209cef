import type { Changelog, Changeset, FileEdit, Position } from '../changelog/model';
import { type Privilege, relationKey, type Schema } from '../schema/schema';
import type { ChangesetStatement } from '../schema/statements';
import { createdObjectsOf, quoteIdent } from './created-objects';
import { linesOf } from './edit-positions';
import type { ChangesetContext, Fix, Rule } from './rule';

/** what the application needs on a new object to use it */
const NEEDED: Record<'table' | 'view' | 'sequence', Privilege[]> = {
  table: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  view: ['SELECT'],
  sequence: ['USAGE', 'SELECT'],
};

export const missingGrant: Rule = {
  meta: {
    id: 'missing-grant',
    category: 'grants',
    severity: 'warning',
    title: 'A new table, view or sequence is not granted to the application role',
    docs: {
      why:
        'A new relation belongs to the role that ran the changeset; nobody else may touch it. Unless a GRANT, ALTER ' +
        'DEFAULT PRIVILEGES or the role\'s membership gives the application role(s) access, the first query of the ' +
        'release that uses it fails with "permission denied for table …" (sequences: on nextval). The application ' +
        'roles are the configured ones, else the roles the changelog grants table privileges to (from the first ' +
        'changeset that does). The grant must come in the same changeset: a later one may ship in another release.',
      instead:
        'Grant what the application needs right after the CREATE, in the same changeset: SELECT, INSERT, UPDATE, DELETE ' +
        'on tables, SELECT on views, USAGE and SELECT on sequences. Or set ALTER DEFAULT PRIVILEGES once, before the objects are created.',
      bad: '--changeset alice:1\nCREATE TABLE invoices (id bigint PRIMARY KEY);',
      good: '--changeset alice:1\nCREATE TABLE invoices (id bigint PRIMARY KEY);\nGRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;',
    },
    fixable: true,
  },
  statement(statement, context) {
    const state = stateOf(context.changelog);
    // who creates it: after SET ROLE app_user, the application role owns it
    if (context.schema.currentRole && createdObjectsOf(statement).length) state.creator.set(statement, context.schema.currentRole);
  },
  changeset(context) {
    const { changeset, schema } = context;
    const state = stateOf(context.changelog);
    const configured = context.config.applicationRoles.length > 0;
    // the roles the changelog grants table privileges to, from the first changeset that does
    const roles = context.applicationRoles.filter((r) => configured || (context.firstTableGrant.get(r) ?? Infinity) <= changeset.index);
    if (roles.length === 0) return;
    const owners = ownersSetIn(context.statements);
    for (const statement of context.statements) {
      const missing: Missing[] = [];
      for (const created of createdObjectsOf(statement)) {
        if (created.kind === 'index' || created.kind === 'column') continue;
        if (statement.kind === 'CreateStmt' && (statement.body.relation?.relpersistence === 't' || statement.body.partbound)) continue;
        const relation = schema.relation(created.name, created.schema);
        // gone again by the end of the changeset, or made by an earlier one (IF NOT EXISTS, OR REPLACE)
        if (!relation || relation.object.origin !== changeset.index) continue;
        const kind = relation.kind === 'sequence' ? 'sequence' : relation.kind === 'view' ? 'view' : 'table';
        const owner = owners.get(relation.object.key) ?? state.creator.get(statement);
        missing.push(...missingFor(schema, { key: relation.object.key, name: created.name, schema: created.schema, kind }, roles, owner));
        // the sequences of its serial columns: INSERT calls nextval on them (identity sequences need no grant)
        if (relation.kind === 'table') {
          for (const column of relation.object.columns.values()) {
            const sequence = column.sequence ? schema.sequences.get(column.sequence) : undefined;
            if (!sequence || sequence.identity || sequence.origin !== changeset.index) continue;
            missing.push(...missingFor(schema, { key: sequence.key, name: sequence.name, schema: sequence.schema, kind: 'sequence' }, roles, owner));
          }
        }
      }
      if (missing.length === 0) continue;
      context.report({ message: messageOf(missing), range: statement.range, file: statement.file, statement, fixes: () => fixOf(context, statement, missing) });
    }
  },
};

interface Target {
  key: string;
  name: string;
  schema?: string;
  kind: 'table' | 'view' | 'sequence';
}

interface Missing {
  target: Target;
  role: string;
  privileges: Privilege[];
}

function missingFor(schema: Schema, target: Target, roles: string[], owner: string | undefined): Missing[] {
  const out: Missing[] = [];
  for (const role of roles) {
    // the owner (or a member of the owning role) holds every privilege
    if (owner && schema.rolesOf(role).has(owner)) continue;
    const held = schema.privilegesOf(target.key, role);
    const privileges = NEEDED[target.kind].filter((p) => !held.has(p));
    if (privileges.length) out.push({ target, role, privileges });
  }
  return out;
}

function messageOf(missing: Missing[]): string {
  const parts = missing.map((m) => `${m.target.kind} ${displayName(m.target)} without ${m.privileges.join(', ')} for ${m.role}`);
  const first = missing[0].target;
  return (
    `This creates ${parts.join(', and ')}: the application gets "permission denied for ${first.kind} ${first.name}" as soon as it uses ` +
    `${missing.length === 1 ? 'it' : 'them'}. Grant ${missing.length === 1 ? 'them' : 'what it needs'} in this changeset, after the CREATE.`
  );
}

function displayName(t: Target): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name;
}

/** `GRANT … ON [SEQUENCE] name TO role, …`, one per object and set of privileges */
function grantsOf(missing: Missing[]): string[] {
  const byObject = new Map<string, { target: Target; privileges: string; roles: string[] }>();
  for (const m of missing) {
    const key = `${m.target.kind}:${m.target.key}:${m.privileges.join(',')}`;
    const entry = byObject.get(key) ?? { target: m.target, privileges: m.privileges.join(', '), roles: [] };
    entry.roles.push(quoteIdent(m.role));
    byObject.set(key, entry);
  }
  return [...byObject.values()].map(({ target, privileges, roles }) => {
    const name = target.schema ? `${quoteIdent(target.schema)}.${quoteIdent(target.name)}` : quoteIdent(target.name);
    return `GRANT ${privileges} ON ${target.kind === 'sequence' ? 'SEQUENCE ' : ''}${name} TO ${roles.join(', ')}`;
  });
}

/**
 * "Grant … to the application role": the GRANT as the next statement (SQL written in a formatted SQL changeset
 * or a sqlFile), or as a `- sql:` change right after the change (YAML, built-in changes included).
 */
function fixOf(context: ChangesetContext, statement: ChangesetStatement, missing: Missing[]): Fix[] | undefined {
  const grants = grantsOf(missing);
  const roles = [...new Set(missing.map((m) => m.role))].join(', ');
  const title = `Grant the privileges to ${roles}`;
  const { changeset, changelog } = context;
  const inSqlText = !statement.generated && (changeset.kind === 'formatted-sql' || statement.file !== changeset.file);
  const edit = inSqlText ? afterStatement(changelog, statement, grants) : afterChange(changelog, changeset, statement, grants);
  return edit ? [{ title, edits: [edit], preferred: true }] : undefined;
}

function afterStatement(changelog: Changelog, statement: ChangesetStatement, grants: string[]): FileEdit | undefined {
  // another delimiter (`/`, GO) would need its own syntax: no fix
  if (statement.change.sql?.endDelimiter) return undefined;
  const lines = linesOf(changelog, statement.file);
  const { line, character } = statement.range.end;
  const rest = (lines[line] ?? '').replace(/\r$/, '').slice(character);
  const semicolon = /^\s*;/.exec(rest);
  let offset = semicolon ? semicolon[0].length : 0;
  // a comment that ends the line stays with the CREATE
  if (semicolon && /^\s*(--.*)?$/.test(rest.slice(offset))) offset = rest.length;
  const at: Position = { line, character: character + offset };
  const eol = lines[line]?.endsWith('\r') ? '\r\n' : '\n';
  return { file: statement.file, range: { start: at, end: at }, newText: `${semicolon ? '' : ';'}${grants.map((g) => `${eol}${g};`).join('')}` };
}

function afterChange(changelog: Changelog, changeset: Changeset, statement: ChangesetStatement, grants: string[]): FileEdit | undefined {
  if (changeset.kind !== 'yaml' || /\.json$/i.test(changeset.file)) return undefined;
  const change = statement.change;
  const lines = linesOf(changelog, changeset.file);
  // the change's list item: `- <type>:` with the dash two columns before the type key
  const first = lines[change.range.start.line] ?? '';
  const dash = change.range.start.character - 2;
  if (dash < 0 || first.slice(dash, dash + 2) !== '- ') return undefined;
  const indent = ' '.repeat(dash);
  const range = change.range;
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  const lastText = (lines[last] ?? '').replace(/\r$/, '');
  const at: Position = { line: last, character: lastText.length };
  const eol = lines[last]?.endsWith('\r') ? '\r\n' : '\n';
  return { file: changeset.file, range: { start: at, end: at }, newText: grants.map((g) => `${eol}${indent}- sql: ${g}`).join('') };
}

/** ALTER TABLE … OWNER TO / ALTER SEQUENCE … OWNER TO in the changeset: relation key → the new owner */
function ownersSetIn(statements: ChangesetStatement[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of statements) {
    if (s.kind !== 'AlterTableStmt') continue;
    const { relname, schemaname } = s.body.relation ?? {};
    for (const c of s.body.cmds ?? []) {
      const cmd = c.AlterTableCmd;
      if (cmd?.subtype === 'AT_ChangeOwner' && cmd.newowner?.rolename && relname) out.set(relationKey(relname, schemaname), cmd.newowner.rolename);
    }
  }
  return out;
}

interface State {
  creator: WeakMap<ChangesetStatement, string | undefined>;
}

const states = new WeakMap<Changelog, State>();

function stateOf(changelog: Changelog): State {
  let state = states.get(changelog);
  if (!state) states.set(changelog, (state = { creator: new WeakMap() }));
  return state;
}
