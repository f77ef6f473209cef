import { uniqueConstraintBuildsIndex } from '../../../server/src/rules/unique-constraint-builds-index';
import { ruleTester } from './rule-tester';

ruleTester(uniqueConstraintBuildsIndex, {
  valid: [
    {
      name: 'UNIQUE and PRIMARY KEY added in the changeset that creates the table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            ALTER TABLE users ADD PRIMARY KEY (id);
            ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
`,
    },
    {
      name: 'the index built concurrently first, then attached with USING INDEX',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);

--changeset a:2
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_id_idx;
`,
    },
    {
      name: 'the addPrimaryKey change on a table the same changeset creates',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: users
            columns:
              - column: { name: id, type: int }
        - addPrimaryKey:
            tableName: users
            columnNames: id
`,
    },
  ],
  invalid: [
    {
      name: 'ADD CONSTRAINT UNIQUE in raw YAML SQL on a table an earlier changeset created',
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
        - sql: ⟦ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)⟧
`,
      messages: ['Adding UNIQUE constraint users_email_key to users builds its index under an ACCESS EXCLUSIVE lock'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, email text)
  - changeSet:
      id: 2-index
      author: a
      runInTransaction: false
      changes:
        - sql: CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key
`,
      },
    },
    {
      name: 'ADD PRIMARY KEY and a column added UNIQUE in formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE accounts ADD PRIMARY KEY (id)⟧;
⟦ALTER TABLE accounts ADD COLUMN code text UNIQUE⟧;
`,
      messages: ['PRIMARY KEY constraint to accounts', 'UNIQUE constraint to accounts'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1-index runInTransaction:false
CREATE UNIQUE INDEX CONCURRENTLY accounts_pkey ON accounts (id);

--changeset a:1
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_pkey;
ALTER TABLE accounts ADD COLUMN code text UNIQUE;
`,
      },
    },
    {
      name: 'ADD UNIQUE in a sqlFile',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: unique.sql
            relativeToChangelogFile: true
`,
        'unique.sql': `⟦alter table app.users add unique nulls not distinct (email) include (id) deferrable⟧;
`,
      },
      messages: ['UNIQUE USING INDEX'],
      fix: {
        output: {
          'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1-index
      author: a
      runInTransaction: false
      changes:
        - sql: CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON app.users (email) INCLUDE (id) NULLS NOT DISTINCT
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: unique.sql
            relativeToChangelogFile: true
`,
          'unique.sql': `ALTER TABLE app.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key DEFERRABLE;
`,
        },
      },
    },
    {
      name: 'the addUniqueConstraint and addPrimaryKey changes on a table the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦addUniqueConstraint⟧:
            tableName: users
            columnNames: email
            constraintName: users_email_key
        - ⟦addPrimaryKey⟧:
            tableName: users
            columnNames: id
`,
      messages: ['UNIQUE constraint users_email_key', 'PRIMARY KEY'],
    },
  ],
});
