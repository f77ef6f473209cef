// With no configured application roles, the application roles are the roles the changelog itself grants table
// privileges to: a changelog that granted to `app_user` before is checked for `app_user` from then on.
import type { ChangesetStatement } from '../schema/statements';

/** the grantees (other than PUBLIC) of table-level GRANTs among these statements */
export function grantedTableRoles(statements: Iterable<ChangesetStatement>): Set<string> {
  const roles = new Set<string>();
  for (const s of statements) {
    if (s.kind !== 'GrantStmt' || !s.body.is_grant) continue;
    if (s.body.objtype !== 'OBJECT_TABLE') continue;
    for (const grantee of s.body.grantees ?? []) {
      const spec = grantee.RoleSpec;
      // `postgres` is the bootstrap superuser: it needs no grants, and a changelog granting to it says nothing about the application
      if (spec?.roletype === 'ROLESPEC_CSTRING' && spec.rolename && spec.rolename !== 'postgres') roles.add(spec.rolename);
    }
  }
  return roles;
}
