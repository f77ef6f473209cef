import { grantAllToAppRole } from '../../../server/src/rules/grant-all-to-app-role';
import { ruleTester } from './rule-tester';

ruleTester(grantAllToAppRole, {
  valid: [
    {
      name: 'the privileges the application uses',
      code: `--liquibase formatted sql
--changeset a:1
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;
`,
    },
    {
      name: 'ALL to a role that is not an application role (the migration owner)',
      code: `--liquibase formatted sql
--changeset a:1
GRANT ALL ON invoices TO migrator;
`,
      config: { applicationRoles: ['app_user'] },
    },
    {
      name: 'ALL on a schema (not a table or sequence)',
      code: `--liquibase formatted sql
--changeset a:1
GRANT ALL ON SCHEMA billing TO app_user;
`,
      config: { applicationRoles: ['app_user'] },
    },
  ],
  invalid: [
    {
      name: 'formatted SQL: the fix names the four table privileges',
      code: `--liquibase formatted sql
--changeset a:1
GRANT ⟦ALL PRIVILEGES⟧ ON invoices TO app_user;
`,
      messages: ['GRANT ALL on invoices gives app_user TRUNCATE, REFERENCES, TRIGGER and MAINTAIN as well'],
      fix: {
        title: 'Grant SELECT, INSERT, UPDATE, DELETE only',
        output: `--liquibase formatted sql
--changeset a:1
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO app_user;
`,
      },
    },
    {
      name: 'raw SQL in YAML on a sequence, the role configured',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: GRANT ⟦all⟧ ON SEQUENCE invoice_no TO app_user
`,
      config: { applicationRoles: ['app_user'] },
      messages: ['gives app_user UPDATE (setval) as well'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: GRANT USAGE, SELECT ON SEQUENCE invoice_no TO app_user
`,
      },
    },
    {
      name: 'default privileges in a sqlFile',
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
        'grants.sql': '-- é\nALTER DEFAULT PRIVILEGES IN SCHEMA billing GRANT ⟦ALL⟧ ON TABLES TO app_user;\n',
      },
      config: { applicationRoles: ['app_user'] },
      messages: ['GRANT ALL on future tables gives app_user'],
    },
  ],
});
