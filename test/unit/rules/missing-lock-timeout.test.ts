import { missingLockTimeout } from '../../../server/src/rules/missing-lock-timeout';
import { ruleTester } from './rule-tester';

ruleTester(missingLockTimeout, {
  valid: [
    {
      name: 'SET lock_timeout earlier in the same changeset',
      code: `--liquibase formatted sql
--changeset a:1
SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX users_nickname_idx ON users (nickname);
`,
    },
    {
      name: 'SET LOCAL lock_timeout in an earlier change of the changeset, before a built-in change',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: SET LOCAL lock_timeout = '3s'
        - addColumn:
            tableName: users
            columns:
              - column: { name: nickname, type: text }
`,
    },
    {
      name: 'strong locks only on a table the same changeset creates',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int);
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX users_nickname_idx ON users (nickname);
`,
    },
    {
      name: 'weak locks: VALIDATE CONSTRAINT, CREATE INDEX CONCURRENTLY, SET STATISTICS',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);
ALTER TABLE orders ALTER COLUMN user_id SET STATISTICS 500;
`,
    },
    {
      name: 'the project does not require lock_timeout',
      config: { requireLockTimeout: false },
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN nickname text;
`,
    },
  ],
  invalid: [
    {
      name: 'ALTER TABLE in raw YAML SQL on a table an earlier changeset created; the fix puts SET lock_timeout above it',
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
        - sql: |
            ⟦ALTER TABLE users ADD COLUMN nickname text⟧;
            CREATE INDEX users_nickname_idx ON users (nickname);
`,
      messages: ["ALTER TABLE takes an ACCESS EXCLUSIVE lock on users with no lock_timeout set in this changeset"],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: |
            SET lock_timeout = '5s';
            ALTER TABLE users ADD COLUMN nickname text;
            CREATE INDEX users_nickname_idx ON users (nickname);
`,
      },
    },
    {
      name: 'formatted SQL: a statement after a harmless one; lock_timeout set back to 0 does not count',
      code: `--liquibase formatted sql
--changeset a:1
SET lock_timeout = 0;
INSERT INTO audit VALUES (1);
⟦CREATE INDEX orders_user_idx ON orders (user_id)⟧;
`,
      messages: ['CREATE INDEX takes a SHARE lock on orders'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
SET lock_timeout = 0;
INSERT INTO audit VALUES (1);
SET lock_timeout = '5s';
CREATE INDEX orders_user_idx ON orders (user_id);
`,
      },
    },
    {
      name: 'a single-line YAML sql value: the statement moves to its own line under SET lock_timeout',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: ⟦TRUNCATE sessions⟧
`,
      messages: ['TRUNCATE takes an ACCESS EXCLUSIVE lock on sessions'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: SET lock_timeout = '5s';
               TRUNCATE sessions
`,
      },
    },
    {
      name: 'a single-quoted YAML scalar: the quotes of the inserted SET are doubled',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: '⟦ALTER TABLE users ALTER COLUMN status SET DEFAULT ''new'' || id⟧'
`,
      messages: ['ALTER TABLE takes an ACCESS EXCLUSIVE lock on users'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: 'SET lock_timeout = ''5s'';
                ALTER TABLE users ALTER COLUMN status SET DEFAULT ''new'' || id'
`,
      },
    },
    {
      name: 'SET LOCAL in a changeset that runs outside a transaction lasts only for its own statement',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
SET LOCAL lock_timeout = '5s';
⟦ALTER TABLE users RENAME COLUMN name TO full_name⟧;
`,
      messages: ['ALTER TABLE … RENAME takes an ACCESS EXCLUSIVE lock on users'],
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
        'drop.sql': `-- no longer used
⟦DROP TABLE legacy_events⟧;
`,
      },
      messages: ['DROP TABLE takes an ACCESS EXCLUSIVE lock on legacy_events'],
      fix: {
        output: {
          'drop.sql': `-- no longer used
SET lock_timeout = '5s';
DROP TABLE legacy_events;
`,
        },
      },
    },
    {
      name: 'the built-in addForeignKeyConstraint change: the fix adds a sql change before it',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦addForeignKeyConstraint⟧:
            baseTableName: orders
            baseColumnNames: user_id
            referencedTableName: users
            referencedColumnNames: id
            constraintName: orders_user_fk
`,
      messages: ['ALTER TABLE takes a SHARE ROW EXCLUSIVE lock on orders'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: SET lock_timeout = '5s'
        - addForeignKeyConstraint:
            baseTableName: orders
            baseColumnNames: user_id
            referencedTableName: users
            referencedColumnNames: id
            constraintName: orders_user_fk
`,
      },
    },
  ],
});
