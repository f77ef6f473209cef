import { renameTable } from '../../../server/src/rules/rename-table';
import { ruleTester } from './rule-tester';

ruleTester(renameTable, {
  valid: [
    {
      name: 'a table renamed in the changeset that creates it',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int);
            ALTER TABLE users RENAME TO accounts;
`,
    },
    {
      name: 'a rename that leaves a view with the old name in the same changeset',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users RENAME TO accounts;
CREATE VIEW users AS SELECT * FROM accounts;
`,
    },
  ],
  invalid: [
    {
      name: 'RENAME TO in raw SQL on a table an earlier changeset created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE users RENAME TO accounts⟧
`,
      messages: ['Renaming table users to accounts breaks the application version still running'],
    },
    {
      name: 'the built-in renameTable on a schema-qualified table the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦renameTable⟧:
            schemaName: app
            oldTableName: users
            newTableName: accounts
`,
      messages: ['Create a view named app.users'],
    },
    {
      name: 'formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE IF EXISTS users RENAME TO accounts⟧;
`,
      messages: ['users to accounts'],
    },
    {
      name: 'a sqlFile',
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
        'rename.sql': `⟦ALTER TABLE users RENAME TO accounts⟧;
`,
      },
      messages: ['users to accounts'],
    },
  ],
});
