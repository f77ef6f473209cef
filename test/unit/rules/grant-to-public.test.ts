import { grantToPublic } from '../../../server/src/rules/grant-to-public';
import { ruleTester } from './rule-tester';

ruleTester(grantToPublic, {
  valid: [
    {
      name: 'a grant to the application role',
      code: `--liquibase formatted sql
--changeset a:1
GRANT SELECT ON invoices TO app_user;
`,
    },
    {
      name: 'USAGE on a schema to PUBLIC (the default for public; not a table)',
      code: `--liquibase formatted sql
--changeset a:1
GRANT USAGE ON SCHEMA billing TO PUBLIC;
`,
    },
    {
      name: 'REVOKE … FROM PUBLIC',
      code: `--liquibase formatted sql
--changeset a:1
REVOKE ALL ON invoices FROM PUBLIC;
`,
    },
  ],
  invalid: [
    {
      name: 'formatted SQL: the fix grants to the one application role instead',
      code: `--liquibase formatted sql
--changeset a:1
GRANT SELECT ON invoices TO ⟦public⟧;
`,
      config: { applicationRoles: ['app_user'] },
      messages: ['Granting SELECT on invoices to PUBLIC lets every role on the server, present and future, use it'],
      fix: {
        title: 'Grant to app_user instead',
        output: `--liquibase formatted sql
--changeset a:1
GRANT SELECT ON invoices TO app_user;
`,
      },
    },
    {
      name: 'raw SQL in YAML on all tables of a schema, and default privileges',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            GRANT SELECT ON ALL TABLES IN SCHEMA billing TO reporting, ⟦PUBLIC⟧;
            ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO ⟦PUBLIC⟧;
`,
      messages: ['Granting SELECT on all tables in schema billing to PUBLIC', 'Granting SELECT on future tables to PUBLIC'],
    },
    {
      name: 'sqlFile',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: grants.sql
            relativeToChangelogFile: true
`,
        'grants.sql': 'GRANT INSERT ON billing.invoices TO ⟦PUBLIC⟧;\n',
      },
      messages: ['Granting INSERT on billing.invoices to PUBLIC'],
    },
  ],
});
