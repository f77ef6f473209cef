import { renameColumn } from '../../../server/src/rules/rename-column';
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
  ],
  invalid: [
    {
      name: 'RENAME COLUMN in raw SQL on a table created by an earlier changeset',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, name text)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE users RENAME COLUMN name TO full_name⟧
`,
      messages: ['Renaming column users.name to full_name'],
    },
    {
      name: 'the built-in renameColumn change on a table the changelog never created',
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
  ],
});
