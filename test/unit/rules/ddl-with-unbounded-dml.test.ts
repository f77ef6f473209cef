import { ddlWithUnboundedDml } from '../../../server/src/rules/ddl-with-unbounded-dml';
import { ruleTester } from './rule-tester';

ruleTester(ddlWithUnboundedDml, {
  valid: [
    {
      name: 'the schema change and the data change in separate changesets',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN active boolean;

--changeset a:2
UPDATE users SET active = true;
`,
    },
    {
      name: 'a bounded UPDATE next to DDL',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN active boolean;
UPDATE users SET active = true WHERE id < 1000;
`,
    },
    {
      name: 'DDL and a full UPDATE of a table the same changeset creates',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int);
            ALTER TABLE users ADD COLUMN active boolean;
            UPDATE users SET active = true;
`,
    },
    {
      name: 'a changeset that runs outside a transaction',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
ALTER TABLE users ADD COLUMN active boolean;
DELETE FROM sessions;
`,
    },
    {
      name: 'an ignore comment with a reason on the UPDATE',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE settings ADD COLUMN theme text;
-- pgcs-ignore ddl-with-unbounded-dml: settings has one row
UPDATE settings SET theme = 'dark';
`,
    },
  ],
  invalid: [
    {
      name: 'ALTER TABLE and UPDATE without WHERE in raw YAML SQL on a table an earlier changeset created',
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
            ALTER TABLE users ADD COLUMN active boolean;
            ⟦UPDATE users SET active = true⟧;
`,
      messages: ['UPDATE of every row of users runs in the same transaction as DDL that holds an ACCESS EXCLUSIVE lock on users'],
    },
    {
      name: 'a DELETE before a CREATE INDEX in formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1
⟦DELETE FROM sessions⟧;
CREATE INDEX sessions_user_idx ON sessions (user_id);
`,
      messages: ['DELETE of every row of sessions'],
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
            path: migrate.sql
            relativeToChangelogFile: true
`,
        'migrate.sql': `alter table orders add column total_cents bigint;
⟦update orders set total_cents = total * 100⟧;
`,
      },
      messages: ['UPDATE of every row of orders'],
    },
    {
      name: 'the built-in addColumn and update changes',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - addColumn:
            tableName: users
            columns:
              - column: { name: active, type: boolean }
        - ⟦update⟧:
            tableName: users
            columns:
              - column: { name: active, valueBoolean: true }
`,
      messages: ['UPDATE of every row of users'],
    },
  ],
});
