import { dropTable } from '../../../server/src/rules/drop-table';
import { ruleTester } from './rule-tester';

ruleTester(dropTable, {
  valid: [
    {
      name: 'a table dropped in the changeset that creates it',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE scratch (id int);
            DROP TABLE scratch;
`,
    },
    {
      name: 'a view dropped and created again in the same changeset, a view the same changeset created, and DROP INDEX',
      code: `--liquibase formatted sql
--changeset a:1
DROP VIEW active_users;
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;
CREATE VIEW scratch AS SELECT 1 AS one;
DROP VIEW scratch;
DROP INDEX users_email_idx;
`,
    },
  ],
  invalid: [
    {
      name: 'DROP TABLE in raw SQL of a table an earlier changeset created, and one the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE audit_log (id int)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦⟦DROP TABLE audit_log, legacy.sessions⟧⟧
`,
      messages: ['Dropping table audit_log (created by changeset a:1) breaks', 'Dropping table legacy.sessions (there before this changelog)'],
    },
    {
      name: 'the built-in dropTable',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦dropTable⟧:
            tableName: audit_log
            cascadeConstraints: true
`,
      messages: ['audit_log'],
    },
    {
      name: 'DROP VIEW of a view an earlier changeset created, and the built-in dropView',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE VIEW active_users AS SELECT 1 AS id
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦DROP VIEW active_users⟧
        - ⟦dropView⟧:
            viewName: recent_orders
`,
      messages: ['Dropping view active_users (created by changeset a:1) breaks the application version still running, which still reads it', 'view recent_orders'],
    },
    {
      name: 'formatted SQL with IF EXISTS',
      code: `--liquibase formatted sql
--changeset a:1
⟦DROP TABLE IF EXISTS audit_log⟧;
`,
      messages: ['Ship a version that no longer uses audit_log first'],
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
        'drop.sql': `⟦DROP TABLE audit_log⟧;
`,
      },
      messages: ['audit_log'],
    },
  ],
});
