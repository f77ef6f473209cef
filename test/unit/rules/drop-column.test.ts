import { dropColumn } from '../../../server/src/rules/drop-column';
import { ruleTester } from './rule-tester';

ruleTester(dropColumn, {
  valid: [
    {
      name: 'a column dropped in the changeset that creates its table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, nickname text);
            ALTER TABLE users DROP COLUMN nickname;
`,
    },
    {
      name: 'a column dropped in the changeset that added it',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN tmp text;
ALTER TABLE users DROP COLUMN tmp;
`,
    },
  ],
  invalid: [
    {
      name: 'DROP COLUMN in raw SQL of a column an earlier changeset created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, nickname text)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE users DROP COLUMN nickname⟧
`,
      messages: ['Dropping column users.nickname (created by changeset a:1) breaks the application version still running'],
    },
    {
      name: 'the built-in dropColumn with two columns of a table the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦⟦dropColumn⟧⟧:
            tableName: users
            columns:
              - column: { name: nickname }
              - column: { name: fax }
`,
      messages: ['users.nickname (there before this changelog)', 'users.fax'],
    },
    {
      name: 'formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE app.users DROP COLUMN IF EXISTS nickname⟧;
`,
      messages: ['app.users.nickname'],
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
            path: drop.sql
            relativeToChangelogFile: true
`,
        'drop.sql': `⟦ALTER TABLE users DROP COLUMN nickname⟧;
`,
      },
      messages: ['users.nickname'],
    },
  ],
});
