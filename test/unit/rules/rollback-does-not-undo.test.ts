import { rollbackDoesNotUndo } from '../../../server/src/rules/rollback-does-not-undo';
import { ruleTester } from './rule-tester';

ruleTester(rollbackDoesNotUndo, {
  valid: [
    {
      name: 'a rollback that drops the table (its index and columns go with it)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            CREATE INDEX users_email_idx ON users (email);
      rollback:
        - sql: DROP TABLE users
`,
    },
    {
      name: 'formatted SQL: a column, a view and a sequence each dropped',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE orders ADD COLUMN note text;
CREATE VIEW order_notes AS SELECT note FROM orders;
CREATE SEQUENCE billing.invoice_no;
--rollback DROP SEQUENCE billing.invoice_no;
--rollback DROP VIEW order_notes;
--rollback ALTER TABLE orders DROP COLUMN note;
`,
    },
    {
      name: 'the built-in createTable with a built-in dropTable rollback',
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
      rollback:
        - dropTable:
            tableName: users
`,
    },
    {
      name: 'DROP SCHEMA … CASCADE undoes everything in the schema',
      code: `--liquibase formatted sql
--changeset a:1
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id int);
--rollback DROP SCHEMA billing CASCADE;
`,
    },
    {
      name: 'no rollback at all is missing-rollback, not this rule',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id int);
`,
    },
    {
      name: 'a temporary table the changeset drops itself',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE scratch (id int);
INSERT INTO orders SELECT * FROM scratch;
DROP TABLE scratch;
--rollback DELETE FROM orders;
`,
    },
    {
      name: 'a rollback that renames the new column back to the name it replaced',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE devices ADD COLUMN facility_id uuid;
ALTER TABLE devices DROP COLUMN organization_id;
--rollback ALTER TABLE devices RENAME COLUMN facility_id TO organization_id;
`,
    },
    {
      name: 'a column the changeset adds and then renames (it is not there under its name afterwards)',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN role_new text;
ALTER TABLE users DROP COLUMN role;
ALTER TABLE users RENAME COLUMN role_new TO role;
--rollback ALTER TABLE users ALTER COLUMN role TYPE varchar(20);
`,
    },
    {
      name: 'the indexes of a materialized view go with it',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE MATERIALIZED VIEW totals AS SELECT 1 AS n;
            CREATE INDEX totals_n_idx ON totals (n);
      rollback:
        - sql: DROP MATERIALIZED VIEW IF EXISTS totals
`,
    },
    {
      name: 'DROP TYPE … CASCADE drops the column of that type',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TYPE pipeline AS ENUM ('covid', 'universal');
ALTER TABLE upload ADD COLUMN destination pipeline;
--rollback DROP TYPE pipeline CASCADE;
`,
    },
  ],
  invalid: [
    {
      name: 'a YAML rollback that forgets the index on an existing table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE invoices (id bigint);
            CREATE INDEX orders_invoice_idx ON orders (invoice_id);
      ⟦rollback:
        - sql: DROP TABLE invoices⟧
`,
      messages: ['The rollback of a:1 does not drop index orders_invoice_idx: rolling back leaves it behind'],
      fix: {
        title: 'Add the missing DROPs',
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE invoices (id bigint);
            CREATE INDEX orders_invoice_idx ON orders (invoice_id);
      rollback:
        - sql: DROP INDEX orders_invoice_idx
        - sql: DROP TABLE invoices
`,
      },
    },
    {
      name: 'formatted SQL whose rollback drops the wrong table',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE billing.invoices (id bigint);
ALTER TABLE orders ADD COLUMN invoice_id bigint;
⟦--rollback DROP TABLE invoices;⟧
`,
      messages: ['does not drop table billing.invoices, column orders.invoice_id: rolling back leaves them behind'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE billing.invoices (id bigint);
ALTER TABLE orders ADD COLUMN invoice_id bigint;
--rollback ALTER TABLE orders DROP COLUMN invoice_id;
--rollback DROP TABLE billing.invoices;
--rollback DROP TABLE invoices;
`,
      },
    },
    {
      name: 'a table dropped before it is created again (the DROP does not count for the CREATE after it)',
      code: `--liquibase formatted sql
--changeset a:1
DROP TABLE IF EXISTS invoices;
CREATE TABLE invoices (id int);
⟦--rollback SELECT 1;⟧
`,
      messages: ['does not drop table invoices'],
    },
    {
      name: 'a file with CRLF line ends keeps them in the fix',
      code: '--liquibase formatted sql\r\n--changeset a:1\r\nCREATE TABLE invoices (id int);\r\nCREATE INDEX orders_invoice_idx ON orders (id);\r\n⟦--rollback DROP TABLE invoices;⟧\r\n',
      messages: ['does not drop index orders_invoice_idx'],
      fix: {
        output: {
          'changelog.sql':
            '--liquibase formatted sql\r\n--changeset a:1\r\nCREATE TABLE invoices (id int);\r\nCREATE INDEX orders_invoice_idx ON orders (id);\r\n--rollback DROP INDEX orders_invoice_idx;\r\n--rollback DROP TABLE invoices;\r\n',
        },
      },
    },
    {
      name: 'sqlFile creating a view, rolled back with a DELETE',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: view.sql
            relativeToChangelogFile: true
      ⟦rollback:
        - sql: DELETE FROM audit⟧
`,
        'view.sql': 'CREATE VIEW open_orders AS SELECT * FROM orders WHERE open;\n',
      },
      messages: ['does not drop view open_orders'],
    },
    {
      name: 'the built-in createSequence rolled back by dropping another sequence',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createSequence:
            sequenceName: invoice_no
      ⟦rollback:
        - dropSequence:
            sequenceName: invoice_number⟧
`,
      messages: ['does not drop sequence'],
    },
  ],
});
