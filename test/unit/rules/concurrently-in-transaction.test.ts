import { concurrentlyInTransaction } from '../../../server/src/rules/concurrently-in-transaction';
import { ruleTester } from './rule-tester';

ruleTester(concurrentlyInTransaction, {
  valid: [
    {
      name: 'CREATE INDEX CONCURRENTLY in a YAML changeset with runInTransaction: false',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      runInTransaction: false
      changes:
        - sql: CREATE INDEX CONCURRENTLY users_email_idx ON users (email)
`,
    },
    {
      name: 'REINDEX CONCURRENTLY and VACUUM in formatted SQL with runInTransaction:false',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
REINDEX TABLE CONCURRENTLY users;
VACUUM users;
`,
    },
    {
      name: 'ALTER TYPE … ADD VALUE on PostgreSQL 12 and later',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TYPE mood ADD VALUE 'meh';
`,
    },
    {
      name: 'a plain CREATE INDEX in a transaction',
      code: `--liquibase formatted sql
--changeset a:1
CREATE INDEX users_email_idx ON users (email);
`,
    },
  ],
  invalid: [
    {
      name: 'CREATE INDEX CONCURRENTLY in YAML raw SQL, even on a table created in the same changeset; the fix sets runInTransaction: false',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            ⟦CREATE INDEX CONCURRENTLY users_email_idx ON users (email)⟧;
`,
      messages: ['CREATE INDEX CONCURRENTLY cannot run inside a transaction block'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      runInTransaction: false
      changes:
        - sql: |
            CREATE TABLE users (id int, email text);
            CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
`,
      },
    },
    {
      name: 'DROP INDEX CONCURRENTLY in formatted SQL that says runInTransaction:true; the fix turns it to false',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:true context:prod
⟦DROP INDEX CONCURRENTLY users_email_idx⟧;
`,
      messages: ['DROP INDEX CONCURRENTLY cannot run'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1 runInTransaction:false context:prod
DROP INDEX CONCURRENTLY users_email_idx;
`,
      },
    },
    {
      name: 'REINDEX CONCURRENTLY and VACUUM in a sqlFile',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: maintenance.sql
            relativeToChangelogFile: true
`,
        'maintenance.sql': `⟦REINDEX INDEX CONCURRENTLY users_email_idx⟧;
⟦VACUUM (ANALYZE) users⟧;
`,
      },
      messages: ['REINDEX CONCURRENTLY', 'VACUUM'],
    },
    {
      name: 'ALTER TYPE … ADD VALUE when the target is PostgreSQL 11',
      config: { postgresVersion: 11 },
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TYPE mood ADD VALUE 'meh'⟧;
`,
      messages: ['ALTER TYPE … ADD VALUE'],
    },
    {
      name: 'runInTransaction: false but splitStatements: false sends both statements as one implicit transaction',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false splitStatements:false
⟦CREATE INDEX CONCURRENTLY users_email_idx ON users (email)⟧;
ANALYZE users;
`,
      messages: ['one implicit transaction'],
    },
  ],
});
