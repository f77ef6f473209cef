import type { ChangesetStatement } from '../schema/statements';
import { grantOf, what } from './grant-to-public';
import type { Rule } from './rule';

const NEEDED = { tables: 'SELECT, INSERT, UPDATE, DELETE', sequences: 'USAGE, SELECT' };
const ALL = /\bGRANT\s+(ALL(?:\s+PRIVILEGES)?)\b/i;

export const grantAllToAppRole: Rule = {
  meta: {
    id: 'grant-all-to-app-role',
    category: 'grants',
    severity: 'warning',
    title: 'GRANT ALL to an application role gives it more than it needs',
    docs: {
      why:
        'ALL on a table is also TRUNCATE, REFERENCES, TRIGGER and MAINTAIN: an application bug or an SQL injection can ' +
        'empty the table in one statement (TRUNCATE skips DELETE triggers and row-level security), create triggers, or ' +
        'take the strong locks those commands need. ALL on a sequence includes UPDATE (setval).',
      instead: 'Grant the application role what it uses: SELECT, INSERT, UPDATE, DELETE on tables; USAGE, SELECT on sequences.',
      bad: 'GRANT ALL ON invoices TO app_user;',
      good: 'GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;',
    },
    fixable: true,
  },
  statement(statement, context) {
    const grant = grantOf(statement);
    if (!grant?.is_grant || grant.privileges?.length) return;
    const objects = grant.objtype === 'OBJECT_TABLE' ? 'tables' : grant.objtype === 'OBJECT_SEQUENCE' ? 'sequences' : undefined;
    if (!objects) return;
    const roles = (grant.grantees ?? []).map((g: any) => g.RoleSpec?.rolename).filter((r: unknown) => typeof r === 'string' && context.applicationRoles.includes(r));
    if (roles.length === 0) return;
    const all = allKeyword(statement);
    const extra = objects === 'tables' ? 'TRUNCATE, REFERENCES, TRIGGER and MAINTAIN' : 'UPDATE (setval)';
    context.report({
      message:
        `GRANT ALL on ${what(statement)} gives ${roles.join(', ')} ${extra} as well: a bug or an injection in the application can ` +
        `${objects === 'tables' ? 'empty or lock the table' : 'reset the sequence'}. Grant only ${NEEDED[objects]}.`,
      range: all?.range ?? statement.range,
      fixes: all ? [{ title: `Grant ${NEEDED[objects]} only`, edits: [{ file: statement.file, range: all.range, newText: NEEDED[objects] }], preferred: true }] : undefined,
    });
  },
};

/** where `ALL [PRIVILEGES]` is written (not in generated SQL, which has no GRANT) */
function allKeyword(statement: ChangesetStatement): { range: ChangesetStatement['range'] } | undefined {
  if (statement.generated) return undefined;
  const m = ALL.exec(statement.text);
  if (!m) return undefined;
  const at = m.index + m[0].length - m[1].length;
  return { range: statement.rangeAt(Buffer.byteLength(statement.text.slice(0, at), 'utf8'), m[1].length) };
}
