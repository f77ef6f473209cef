import { missingGrant } from '../../../server/src/rules/missing-grant';
import { ruleTester } from './rule-tester';

const APP = { applicationRoles: ['app_user'] };

ruleTester(missingGrant, {
  valid: [
    {
      name: 'no application roles: none configured and the changelog grants nothing',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id int);
`,
    },
    {
      name: 'the roles inferred from the changelog: a table created before its first grant to them is not checked',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE legacy (id int);
--changeset a:2
CREATE TABLE invoices (id int);
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;
`,
    },
    {
      name: 'GRANT … ON ALL TABLES IN SCHEMA later in the same changeset',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id int);
CREATE VIEW open_invoices AS SELECT * FROM invoices;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_user;
`,
      config: APP,
    },
    {
      name: 'ALTER DEFAULT PRIVILEGES in an earlier changeset, tables and sequences',
      code: `--liquibase formatted sql
--changeset a:1
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO app_user;
ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO app_user;
--changeset a:2
CREATE TABLE invoices (id serial PRIMARY KEY);
CREATE SEQUENCE invoice_no;
`,
      config: APP,
    },
    {
      name: 'privileges through a role the changelog makes the application role a member of',
      code: `--liquibase formatted sql
--changeset a:1
GRANT app_rw TO app_user;
--changeset a:2
CREATE TABLE invoices (id int);
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_rw;
`,
      config: APP,
    },
    {
      name: 'the application role owns the table',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id int);
ALTER TABLE invoices OWNER TO app_user;
`,
      config: APP,
    },
    {
      name: 'a view needs SELECT only, and an identity column no sequence grant',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id int GENERATED ALWAYS AS IDENTITY);
CREATE VIEW open_invoices AS SELECT * FROM invoices;
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;
GRANT SELECT ON open_invoices TO app_user;
`,
      config: APP,
    },
    {
      name: 'a temporary table, and a table dropped again in its changeset',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TEMP TABLE scratch (id int);
CREATE TABLE staging_rows (id int);
DROP TABLE staging_rows;
`,
      config: APP,
    },
    {
      name: 'grants to postgres (the superuser) do not make it an application role',
      code: `--liquibase formatted sql
--changeset a:1
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO postgres;
CREATE TABLE invoices (id int);
`,
    },
    {
      name: 'silenced on the CREATE statement with a reason',
      code: `--liquibase formatted sql
--changeset a:1
-- pgcs-ignore missing-grant: only the batch job (owner) reads it
CREATE TABLE batch_state (id int);
`,
      config: APP,
    },
  ],
  invalid: [
    {
      name: 'raw SQL in YAML: the fix adds a sql change with the GRANT after it',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: ⟦CREATE TABLE invoices (id int)⟧ # billing
        - sql: COMMENT ON TABLE invoices IS 'billing'
`,
      config: APP,
      messages: ['This creates table invoices without SELECT, INSERT, UPDATE, DELETE for app_user: the application gets "permission denied for table invoices"'],
      fix: {
        title: 'Grant the privileges to app_user',
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE invoices (id int) # billing
        - sql: GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user
        - sql: COMMENT ON TABLE invoices IS 'billing'
`,
      },
    },
    {
      name: 'formatted SQL granting SELECT only (role inferred from that grant): the fix adds the GRANT after the CREATE',
      code: `--liquibase formatted sql
--changeset a:1
⟦CREATE TABLE billing.invoices (id int)⟧;
GRANT SELECT ON billing.invoices TO app_user;
--rollback DROP TABLE billing.invoices;
`,
      messages: ['table billing.invoices without INSERT, UPDATE, DELETE for app_user'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE billing.invoices (id int);
GRANT INSERT, UPDATE, DELETE ON billing.invoices TO app_user;
GRANT SELECT ON billing.invoices TO app_user;
--rollback DROP TABLE billing.invoices;
`,
      },
    },
    {
      name: 'a YAML block scalar followed by another change, roles configured',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            ⟦CREATE TABLE invoices (id int)⟧;
            ⟦CREATE SEQUENCE invoice_no⟧;
        - tagDatabase:
            tag: v1
`,
      config: APP,
      messages: ['table invoices without SELECT, INSERT, UPDATE, DELETE for app_user', 'sequence invoice_no without USAGE, SELECT for app_user'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE invoices (id int);
            CREATE SEQUENCE invoice_no;
        - sql: GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user
        - tagDatabase:
            tag: v1
`,
      },
    },
    {
      name: 'formatted SQL with a comment after the CREATE: the GRANT goes on the next line',
      code: `--liquibase formatted sql
--changeset a:1
⟦CREATE TABLE invoices (id int)⟧; -- billing
`,
      config: APP,
      messages: ['table invoices'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id int); -- billing
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;
`,
      },
    },
    {
      name: 'the built-in createTable: the GRANT comes as a sql change after it',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦createTable⟧:
            tableName: invoices
            columns:
              - column:
                  name: id
                  type: int
`,
      config: { applicationRoles: ['app_user', 'reporting'] },
      messages: ['table invoices without SELECT, INSERT, UPDATE, DELETE for app_user, and table invoices without SELECT, INSERT, UPDATE, DELETE for reporting'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: invoices
            columns:
              - column:
                  name: id
                  type: int
        - sql: GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user, reporting
`,
      },
    },
    {
      name: 'sqlFile: the GRANT goes into the SQL file after the CREATE',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: create.sql
            relativeToChangelogFile: true
`,
        'create.sql': '⟦CREATE VIEW open_orders AS SELECT 1 AS id⟧;\nCOMMENT ON VIEW open_orders IS \'x\';\n',
      },
      config: APP,
      messages: ['view open_orders without SELECT for app_user'],
      fix: { output: { 'create.sql': "CREATE VIEW open_orders AS SELECT 1 AS id;\nGRANT SELECT ON open_orders TO app_user;\nCOMMENT ON VIEW open_orders IS 'x';\n" } },
    },
    {
      name: 'a serial column: the table is granted, its sequence is not',
      code: `--liquibase formatted sql
--changeset a:1
⟦CREATE TABLE invoices (id serial PRIMARY KEY)⟧;
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;
`,
      messages: ['sequence invoices_id_seq without USAGE, SELECT for app_user'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id serial PRIMARY KEY);
GRANT USAGE, SELECT ON SEQUENCE invoices_id_seq TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;
`,
      },
    },
    {
      name: 'the grant comes in a later changeset (it may ship in a later release)',
      code: `--liquibase formatted sql
--changeset a:1
GRANT SELECT ON legacy TO app_user;
--changeset a:2
⟦CREATE SEQUENCE invoice_no⟧;
--changeset a:3
GRANT USAGE, SELECT ON SEQUENCE invoice_no TO app_user;
`,
      messages: ['sequence invoice_no without USAGE, SELECT for app_user'],
    },
  ],
});
