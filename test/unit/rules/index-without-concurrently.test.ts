import { indexWithoutConcurrently } from '../../../server/src/rules/index-without-concurrently';
import { ruleTester } from './rule-tester';

ruleTester(indexWithoutConcurrently, {
  valid: [
    {
      name: 'an index created in the changeset that creates its table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            CREATE INDEX users_email_idx ON users (email);
`,
    },
    {
      name: 'CREATE INDEX CONCURRENTLY in a changeset that runs outside a transaction',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
`,
    },
    {
      name: 'the createIndex change on a table created by the same changeset',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: users
            columns:
              - column: { name: email, type: text }
        - createIndex:
            tableName: users
            indexName: users_email_idx
            columns:
              - column: { name: email }
`,
    },
    {
      name: 'dropping an index the same changeset created',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
DROP INDEX users_email_idx;
`,
    },
  ],
  invalid: [
    {
      name: 'CREATE INDEX in raw YAML SQL on a table created by an earlier changeset; the fix adds runInTransaction: false',
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
        - sql: ⟦CREATE INDEX users_email_idx ON users (email)⟧
`,
      messages: ['CREATE INDEX on users without CONCURRENTLY holds a SHARE lock'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, email text)
  - changeSet:
      id: 2
      author: a
      runInTransaction: false
      changes:
        - sql: CREATE INDEX CONCURRENTLY users_email_idx ON users (email)
`,
      },
    },
    {
      name: 'CREATE UNIQUE INDEX in a changeset that says runInTransaction: true; the fix turns it to false',
      code: `databaseChangeLog:
  - changeSet:
      id: 2
      author: a
      runInTransaction: true
      changes:
        - sql: |
            ⟦CREATE UNIQUE INDEX users_email_idx ON users (email)⟧;
`,
      messages: ['SHARE lock'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 2
      author: a
      runInTransaction: false
      changes:
        - sql: |
            CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
`,
      },
    },
    {
      name: 'formatted SQL: the fix adds CONCURRENTLY and runInTransaction:false to the --changeset line',
      code: `--liquibase formatted sql
--changeset a:1 labels:x
⟦CREATE INDEX users_email_idx ON users (email)⟧;
`,
      messages: ['users'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1 labels:x runInTransaction:false
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
`,
      },
    },
    {
      name: 'DROP INDEX in formatted SQL of an index an earlier changeset made',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, email text);
CREATE INDEX users_email_idx ON users (email);
--changeset a:2
⟦DROP INDEX IF EXISTS users_email_idx⟧;
`,
      messages: ['DROP INDEX users_email_idx without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on users'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, email text);
CREATE INDEX users_email_idx ON users (email);
--changeset a:2 runInTransaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
`,
      },
    },
    {
      name: 'a changeset already outside a transaction: the fix only adds CONCURRENTLY',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
-- email lookups
⟦CREATE INDEX users_email_idx ON users (email)⟧;
`,
      messages: ['users'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
-- email lookups
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
`,
      },
    },
    {
      name: 'CREATE INDEX in a sqlFile: CONCURRENTLY goes into the .sql file, runInTransaction into the changelog',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: index.sql
            relativeToChangelogFile: true
`,
        'index.sql': `-- the search index
⟦create index orders_user_idx on orders (user_id)⟧;
`,
      },
      messages: ['on orders'],
      fix: {
        output: {
          'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      runInTransaction: false
      changes:
        - sqlFile:
            path: index.sql
            relativeToChangelogFile: true
`,
          'index.sql': `-- the search index
create index CONCURRENTLY orders_user_idx on orders (user_id);
`,
        },
      },
    },
    {
      name: 'the createIndex and dropIndex changes on a table the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦createIndex⟧:
            tableName: users
            indexName: users_email_idx
            columns:
              - column: { name: email }
        - ⟦dropIndex⟧:
            tableName: users
            indexName: users_name_idx
`,
      messages: ['CREATE INDEX on users', 'DROP INDEX users_name_idx'],
    },
  ],
});
