import { dropNotNull } from '../../../server/src/rules/drop-not-null';
import { ruleTester } from './rule-tester';

ruleTester(dropNotNull, {
  valid: [
    {
      name: 'DROP NOT NULL in the changeset that creates the table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text NOT NULL);
            ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
`,
    },
    {
      name: 'an ignore comment saying every running version handles NULL',
      code: `--liquibase formatted sql
--changeset a:1
-- pgcs-ignore drop-not-null: every released version reads email as optional
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
`,
    },
    {
      name: 'DROP NOT NULL on a column the schema knows to be nullable (nothing changes)',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, email text);

--changeset a:2
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
`,
    },
  ],
  invalid: [
    {
      name: 'DROP NOT NULL in raw SQL on a column an earlier changeset created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, email text NOT NULL)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE users ALTER COLUMN email DROP NOT NULL⟧
`,
      messages: ['Dropping NOT NULL on users.email lets NULLs reach the application version still running'],
    },
    {
      name: 'the built-in dropNotNullConstraint',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦dropNotNullConstraint⟧:
            tableName: users
            columnName: email
            columnDataType: text
`,
      messages: ['users.email'],
    },
    {
      name: 'formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE ONLY users ALTER email DROP NOT NULL⟧;
`,
      messages: ['users.email'],
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
            path: nullable.sql
            relativeToChangelogFile: true
`,
        'nullable.sql': `⟦ALTER TABLE users ALTER COLUMN email DROP NOT NULL⟧;
`,
      },
      messages: ['users.email'],
    },
  ],
});
