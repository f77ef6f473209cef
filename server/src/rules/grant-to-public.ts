import type { ChangesetStatement } from '../schema/statements';
import { quoteIdent } from './created-objects';
import type { ChangesetContext, Fix, Rule } from './rule';

export const grantToPublic: Rule = {
  meta: {
    id: 'grant-to-public',
    category: 'grants',
    severity: 'warning',
    title: 'GRANT … TO PUBLIC on a table gives it to every role',
    docs: {
      why:
        'PUBLIC is every role on the server, including the ones created later: a reporting user, a compromised ' +
        'service, a role meant for another database\'s application. A table granted to PUBLIC can be read (or written) ' +
        'by all of them, and nobody reviewing the roles sees it.',
      instead: 'Grant to the application role(s) that need the table, and to nobody else.',
      bad: 'GRANT SELECT ON invoices TO PUBLIC;',
      good: 'GRANT SELECT ON invoices TO app_user;',
    },
    fixable: true,
  },
  statement(statement, context) {
    const grant = grantOf(statement);
    if (!grant || !grant.is_grant || grant.objtype !== 'OBJECT_TABLE') return;
    const publicSpec = (grant.grantees ?? []).map((g: any) => g.RoleSpec).find((r: any) => r?.roletype === 'ROLESPEC_PUBLIC');
    if (!publicSpec) return;
    const range = statement.rangeAt(publicSpec.location, 'PUBLIC'.length);
    context.report({
      message: `Granting ${privilegesOf(grant)} on ${what(statement)} to PUBLIC lets every role on the server, present and future, use it. Grant to the application role instead.`,
      range,
      fixes: fixOf(statement, context, range),
    });
  },
};

function privilegesOf(grant: Record<string, any>): string {
  const names = (grant.privileges ?? []).map((p: any) => String(p.AccessPriv?.priv_name ?? '').toUpperCase()).filter(Boolean);
  return names.length ? names.join(', ') : 'ALL';
}

/** the GrantStmt of a GRANT, or the one inside ALTER DEFAULT PRIVILEGES */
export function grantOf(statement: ChangesetStatement): Record<string, any> | undefined {
  if (statement.kind === 'GrantStmt') return statement.body;
  if (statement.kind === 'AlterDefaultPrivilegesStmt') return statement.body.action;
  return undefined;
}

/** what a GRANT is on, for messages: `invoices`, `all tables in schema public`, `future tables` */
export function what(statement: ChangesetStatement): string {
  const grant = grantOf(statement)!;
  if (statement.kind === 'AlterDefaultPrivilegesStmt') return grant.objtype === 'OBJECT_SEQUENCE' ? 'future sequences' : 'future tables';
  if (grant.targtype === 'ACL_TARGET_ALL_IN_SCHEMA') {
    const schemas = (grant.objects ?? []).map((o: any) => o.String?.sval).filter(Boolean);
    return `all ${grant.objtype === 'OBJECT_SEQUENCE' ? 'sequences' : 'tables'} in schema ${schemas.join(', ')}`;
  }
  const names = (grant.objects ?? []).map((o: any) => o.RangeVar).filter(Boolean).map((r: any) => (r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname));
  return names.join(', ');
}

/** "Grant to app_user instead": when there is one application role and the GRANT does not name it already */
function fixOf(statement: ChangesetStatement, context: ChangesetContext, range: ChangesetStatement['range']): Fix[] | undefined {
  if (statement.generated || context.applicationRoles.length !== 1) return undefined;
  const role = context.applicationRoles[0];
  const grantees = (grantOf(statement)!.grantees ?? []).map((g: any) => g.RoleSpec?.rolename);
  if (grantees.includes(role)) return undefined;
  return [{ title: `Grant to ${role} instead`, edits: [{ file: statement.file, range, newText: quoteIdent(role) }], preferred: true }];
}
