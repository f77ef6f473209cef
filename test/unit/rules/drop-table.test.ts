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
      name: 'DROP VIEW and DROP INDEX are not table drops',
      code: `--liquibase formatted sql
--changeset a:1
DROP VIEW active_users;
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
