import { identityOf } from '../engine/tracking';
import { linesOf } from './edit-positions';
import type { Rule } from './rule';

const LISTED = 5;

export const appliedChangesetMissing: Rule = {
  meta: {
    id: 'applied-changeset-missing',
    category: 'drift',
    severity: 'warning',
    title: 'An environment ran changesets the changelog no longer has',
    docs: {
      why:
        'A changeset deleted (or renamed: a new id, author or file path) after it ran stays in the environment\'s ' +
        'DATABASECHANGELOG and its objects stay in the database. Liquibase ignores the row, so nothing undoes them: ' +
        'the environment now holds a schema that no changelog describes, and a rollback can no longer reach them.',
      instead:
        'Never remove or rename an applied changeset: undo it with a new changeset (DROP …) instead. Restore a deleted ' +
        'one as it was. Only rows whose file the changelog still reads are checked, so a database shared by several ' +
        'changelogs is not reported against the wrong one.',
      bad:
        '# staging ran changelog.yaml::7::alice (createTable legacy_export); changeset 7 was then deleted\n' +
        'databaseChangeLog:\n  - changeSet:\n      id: 6\n      author: alice\n      changes:\n        - tagDatabase:\n            tag: v6',
      good:
        'databaseChangeLog:\n  - changeSet:\n      id: 6\n      author: alice\n      changes:\n        - tagDatabase:\n            tag: v6\n' +
        '  - changeSet:\n      id: 7\n      author: alice\n      changes:\n        - createTable:\n            tableName: legacy_export\n' +
        '            columns:\n              - column:\n                  name: id\n                  type: bigint\n' +
        '  - changeSet:\n      id: 8\n      author: alice\n      changes:\n        - dropTable:\n            tableName: legacy_export',
    },
  },
  changelog(context) {
    const { changelog } = context;
    if (context.environments.length === 0) return;
    const known = new Set(changelog.changesets.map((c) => identityOf({ filename: c.logicalPath, id: c.id, author: c.author })));
    const files = new Set(changelog.changesets.map((c) => c.logicalPath));
    const first = linesOf(changelog, changelog.root)[0] ?? '';
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: first.replace(/\r$/, '').length } };
    for (const environment of context.environments) {
      // rows of files this changelog does not read may belong to another changelog on the same database
      const missing = environment.applied.filter((r) => files.has(r.filename) && !known.has(identityOf(r)));
      if (missing.length === 0) continue;
      const listed = missing.slice(0, LISTED).map(identityOf).join(', ');
      const more = missing.length > LISTED ? ` and ${missing.length - LISTED} more` : '';
      context.report({
        message:
          `${environment.name} ran ${missing.length === 1 ? 'a changeset' : `${missing.length} changesets`} the changelog no longer has (${listed}${more}): ` +
          `${missing.length === 1 ? 'its' : 'their'} objects stay in that database and no rollback reaches them. Restore ${missing.length === 1 ? 'it' : 'them'}, and undo a change with a new changeset instead.`,
        range,
        file: changelog.root,
      });
    }
  },
};
