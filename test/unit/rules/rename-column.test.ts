import { renameColumn } from '../../../server/src/rules/rename-column';
import { RENAME_CASES } from './expand-contract.fixtures';
import { ruleTester } from './rule-tester';

ruleTester(renameColumn, {
  valid: [
    {
      name: 'a column renamed in the changeset that creates its table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, name text);
            ALTER TABLE users RENAME COLUMN name TO full_name;
`,
    },
    {
      name: 'an ignore comment with a reason on the statement',
      code: `--liquibase formatted sql
--changeset a:1
-- pgcs-ignore rename-column: the column is not read by any released version
ALTER TABLE users RENAME COLUMN name TO full_name;
`,
    },
    {
      name: 'a column renamed in the changeset that added it',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN nick text;
ALTER TABLE users RENAME COLUMN nick TO nickname;
`,
    },
  ],
  invalid: [
    // the expand/contract quick fix on raw SQL in YAML, the built-in renameColumn and formatted SQL
    ...RENAME_CASES.map((c) => ({ name: c.name, code: c.code, messages: ['Renaming column users.name to full_name'], fix: { title: 'Expand/contract', output: c.output } })),
    {
      name: 'the built-in renameColumn change on a table the changelog never created (no fix: the column type is unknown)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦renameColumn⟧:
            tableName: users
            oldColumnName: name
            newColumnName: full_name
`,
      messages: ['users.name to full_name'],
    },
    {
      name: 'formatted SQL, and an ignore naming another rule does not silence it',
      code: `--liquibase formatted sql
--changeset a:1
-- ⟦pgcs-ignore no-such-rule: wrong rule⟧
⟦ALTER TABLE users RENAME COLUMN name TO full_name⟧;
`,
      messages: ['pgcs-ignore names an unknown rule', 'Renaming column'],
    },
    {
      name: 'RENAME COLUMN in a sqlFile',
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
        'rename.sql': `⟦ALTER TABLE users RENAME COLUMN name TO full_name⟧;
`,
      },
      messages: ['users.name to full_name'],
    },
  ],
});
