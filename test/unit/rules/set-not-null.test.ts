import { setNotNull } from '../../../server/src/rules/set-not-null';
import { ruleTester } from './rule-tester';

ruleTester(setNotNull, {
  valid: [
    {
      name: 'SET NOT NULL in the changeset that creates the table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            ALTER TABLE users ALTER COLUMN email SET NOT NULL;
`,
    },
    {
      name: 'SET NOT NULL on a column added by the same changeset (add-required-column says what is wrong there)',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN region text DEFAULT 'eu';
ALTER TABLE users ALTER COLUMN region SET NOT NULL;
`,
    },
    {
      name: 'the safe way: CHECK (email IS NOT NULL) NOT VALID, validated in a later changeset, then SET NOT NULL',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;

--changeset a:2
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;

--changeset a:3
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
`,
    },
    {
      name: 'SET NOT NULL on a column an earlier changeset already made NOT NULL (nothing changes)',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, email text NOT NULL);

--changeset a:2
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
`,
    },
  ],
  invalid: [
    {
      name: 'SET NOT NULL in raw SQL on a column an earlier changeset created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, email text)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE users ALTER COLUMN email SET NOT NULL⟧
`,
      messages: ['Making users.email NOT NULL rejects every write of the application version still running that stores NULL in it'],
    },
    {
      name: 'the built-in addNotNullConstraint (with its defaultNullValue UPDATE)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦addNotNullConstraint⟧:
            tableName: users
            columnName: email
            columnDataType: text
            defaultNullValue: unknown
`,
      messages: ['Add CHECK (email IS NOT NULL) NOT VALID'],
    },
    {
      name: 'formatted SQL, after a CHECK NOT VALID that was never validated, and a check on another condition',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_age_positive CHECK (age > 0);

--changeset a:2
⟦⟦ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN age SET NOT NULL⟧⟧;
`,
      messages: ['users.email', 'users.age'],
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
            path: not-null.sql
            relativeToChangelogFile: true
`,
        'not-null.sql': `⟦ALTER TABLE users ALTER COLUMN email SET NOT NULL⟧;
`,
      },
      messages: ['users.email'],
    },
  ],
});
