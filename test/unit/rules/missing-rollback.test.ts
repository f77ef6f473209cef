import { missingRollback } from '../../../server/src/rules/missing-rollback';
import { ruleTester } from './rule-tester';

ruleTester(missingRollback, {
  valid: [
    {
      name: 'a built-in createTable: Liquibase derives its rollback (dropTable)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: users
            columns:
              - column:
                  name: id
                  type: int
`,
    },
    {
      name: 'raw SQL with a rollback block',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int)
      rollback:
        - sql: DROP TABLE users
`,
    },
    {
      name: 'formatted SQL with --rollback lines',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int);
--rollback DROP TABLE users;
`,
    },
    {
      name: 'an empty rollback: the author says it cannot be undone',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: UPDATE users SET name = trim(name)
      rollback: []
`,
    },
    {
      name: 'a changeset for another database only',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      dbms: oracle
      changes:
        - sql: CREATE TABLE users (id int)
`,
    },
    {
      name: 'a tagDatabase changeset (its rollback is to do nothing)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - tagDatabase:
            tag: v1
`,
    },
    {
      name: 'formatted SQL saying the rollback is not required',
      code: `--liquibase formatted sql
--changeset a:1
UPDATE users SET name = trim(name);
--rollback not required
`,
    },
    {
      name: 'silenced with a reason on the changeset',
      code: `--liquibase formatted sql
-- pgcs-ignore missing-rollback: reference data, restored from backup if ever needed
--changeset a:1
INSERT INTO countries VALUES ('FR', 'France');
`,
    },
  ],
  invalid: [
    {
      name: 'raw SQL in YAML creating a table and its index: the fix drops both in reverse order',
      code: `databaseChangeLog:
  - ⟦changeSet⟧:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            CREATE INDEX users_email_idx ON users (email);
            GRANT SELECT ON users TO app_user;
        - sql: CREATE VIEW active_users AS SELECT * FROM users # the report's view
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: SELECT 1
      rollback: []
`,
      messages: ['Changeset a:1 has no rollback and Liquibase cannot derive one for sql: rolling back stops here with "No inverse". Add a rollback block that undoes it, or `rollback: []` when it cannot be undone.'],
      fix: {
        title: 'Generate rollback',
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            CREATE INDEX users_email_idx ON users (email);
            GRANT SELECT ON users TO app_user;
        - sql: CREATE VIEW active_users AS SELECT * FROM users # the report's view
      rollback:
        - sql: DROP VIEW active_users
        - sql: DROP TABLE users
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: SELECT 1
      rollback: []
`,
      },
    },
    {
      name: 'a YAML changeset ending in a block scalar, followed by another changeset',
      code: `databaseChangeLog:
- ⟦changeSet⟧:
    id: 1
    author: a
    changes:
    - sql: |
        CREATE TABLE invoices (id int);
        ALTER TABLE invoices ADD COLUMN total numeric;

- changeSet:
    id: 2
    author: a
    changes:
    - tagDatabase:
        tag: v1
`,
      messages: ['has no rollback'],
      fix: {
        output: `databaseChangeLog:
- changeSet:
    id: 1
    author: a
    changes:
    - sql: |
        CREATE TABLE invoices (id int);
        ALTER TABLE invoices ADD COLUMN total numeric;
    rollback:
      - sql: DROP TABLE invoices

- changeSet:
    id: 2
    author: a
    changes:
    - tagDatabase:
        tag: v1
`,
      },
    },
    {
      name: 'formatted SQL adding a column to an existing table, a sequence and an index in a schema',
      code: `--liquibase formatted sql

⟦--changeset a:1⟧
ALTER TABLE orders ADD COLUMN note text;
CREATE SEQUENCE billing.invoice_no;
CREATE INDEX orders_note_idx ON billing.orders (note);

--changeset a:2
SELECT 1;
--rollback empty
`,
      messages: ['has no rollback and Liquibase cannot derive one for sql: rolling back stops here with "No inverse". Add --rollback lines'],
      fix: {
        output: `--liquibase formatted sql

--changeset a:1
ALTER TABLE orders ADD COLUMN note text;
CREATE SEQUENCE billing.invoice_no;
CREATE INDEX orders_note_idx ON billing.orders (note);
--rollback DROP INDEX billing.orders_note_idx;
--rollback DROP SEQUENCE billing.invoice_no;
--rollback ALTER TABLE orders DROP COLUMN note;

--changeset a:2
SELECT 1;
--rollback empty
`,
      },
    },
    {
      name: 'a materialized view in formatted SQL on the last line of the file',
      code: `--liquibase formatted sql
⟦--changeset a:1⟧
CREATE MATERIALIZED VIEW "Totals" AS SELECT 1 AS n;`,
      messages: ['has no rollback'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
CREATE MATERIALIZED VIEW "Totals" AS SELECT 1 AS n;
--rollback DROP MATERIALIZED VIEW "Totals";`,
      },
    },
    {
      name: 'sqlFile: the rollback block goes in the changelog',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - ⟦changeSet⟧:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: create.sql
            relativeToChangelogFile: true
`,
        'create.sql': 'CREATE TABLE invoices (id bigint PRIMARY KEY);\n',
      },
      messages: ['cannot derive one for sqlFile'],
      fix: {
        output: {
          'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: create.sql
            relativeToChangelogFile: true
      rollback:
        - sql: DROP TABLE invoices
`,
        },
      },
    },
    {
      name: 'an included plain SQL file: it has nowhere to write a rollback',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - include:
      file: create.sql
      relativeToChangelogFile: true
`,
        'create.sql': '⟦CREATE TABLE invoices (id int);⟧\n',
      },
      messages: ['This plain SQL file runs as one changeset (includeAll:raw) that Liquibase cannot roll back'],
    },
    {
      name: 'the built-in insert and dropTable changes have no inverse',
      code: `databaseChangeLog:
  - ⟦changeSet⟧:
      id: 1
      author: a
      changes:
        - insert:
            tableName: countries
            columns:
              - column:
                  name: code
                  value: FR
        - dropTable:
            tableName: legacy
`,
      messages: ['cannot derive one for insert, dropTable'],
    },
    {
      name: 'an UPDATE of existing rows (flagged; no rollback can be generated)',
      code: `--liquibase formatted sql
⟦--changeset a:1⟧
UPDATE users SET name = trim(name);
`,
      messages: ['cannot derive one for sql'],
    },
  ],
});
