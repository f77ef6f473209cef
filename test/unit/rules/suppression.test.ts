// `pgcs-ignore` comments, checked with one rule (rename-column) in every place a user can write them.
import { renameColumn } from '../../../server/src/rules/rename-column';
import { ruleTester } from './rule-tester';

const RENAME = 'ALTER TABLE users RENAME COLUMN name TO full_name';

ruleTester(renameColumn, {
  valid: [
    {
      name: 'a -- comment above the statement inside a YAML sql block',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            -- pgcs-ignore rename-column: no released version reads it
            ${RENAME};
`,
    },
    {
      name: 'a YAML # comment inside the changeset silences the whole changeset',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      # pgcs-ignore rename-column: the old column was never released
      changes:
        - sql: ${RENAME}
        - renameColumn:
            tableName: orders
            oldColumnName: a
            newColumnName: b
`,
    },
    {
      name: 'a -- line just above a formatted SQL changeset silences the changeset',
      code: `--liquibase formatted sql
-- pgcs-ignore rename-column: reviewed
--changeset a:1
${RENAME};
ALTER TABLE orders RENAME COLUMN a TO b;
`,
    },
    {
      name: 'several ids in one comment',
      code: `--liquibase formatted sql
--changeset a:1
-- pgcs-ignore drop-column, rename-column: reviewed in #42
${RENAME};
`,
    },
    {
      name: 'a comment in the statement of a sqlFile',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: rename.sql
            relativeToChangelogFile: true
`,
        'rename.sql': `-- pgcs-ignore rename-column: reviewed\n${RENAME};\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'a statement ignore covers only the statement below it',
      code: `--liquibase formatted sql
--changeset a:1
-- pgcs-ignore rename-column: reviewed
${RENAME};
⟦ALTER TABLE orders RENAME COLUMN a TO b⟧;
`,
      messages: ['orders.a to b'],
    },
    {
      name: 'an ignore that silences nothing is reported at the comment',
      code: `--liquibase formatted sql
--changeset a:1
-- ⟦pgcs-ignore rename-column: left over⟧
CREATE TABLE t (id int);
`,
      messages: ['pgcs-ignore rename-column silences nothing here'],
    },
    {
      name: 'pgcs-ignore outside a comment is not a directive',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      comment: pgcs-ignore rename-column
      changes:
        - sql: ⟦${RENAME}⟧
`,
      messages: ['users.name to full_name'],
    },
  ],
});
