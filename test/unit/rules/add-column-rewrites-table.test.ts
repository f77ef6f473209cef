import { addColumnRewritesTable } from '../../../server/src/rules/add-column-rewrites-table';
import { ruleTester } from './rule-tester';

ruleTester(addColumnRewritesTable, {
  valid: [
    {
      name: 'constant, stable and NULL defaults, and a VIRTUAL generated column, on an existing table',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();
ALTER TABLE users ADD COLUMN updated_at timestamptz DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE users ADD COLUMN note text DEFAULT NULL;
ALTER TABLE users ADD COLUMN doubled int GENERATED ALWAYS AS (id * 2) VIRTUAL;
`,
    },
    {
      name: 'a volatile default and a serial column on a table the same changeset creates',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int);
            ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
            ALTER TABLE users ADD COLUMN seq bigserial;
`,
    },
    {
      name: 'a default on PostgreSQL 10 for a table created in the same changeset',
      config: { postgresVersion: 10 },
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int);
ALTER TABLE users ADD COLUMN active boolean DEFAULT true;
`,
    },
  ],
  invalid: [
    {
      name: 'a volatile default in raw YAML SQL on a table an earlier changeset created',
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
        - sql: ⟦ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()⟧
`,
      messages: ['Adding column users.token with the volatile default gen_random_uuid() (a value per row) rewrites the whole users table under an ACCESS EXCLUSIVE lock'],
    },
    {
      name: 'serial, identity and stored generated columns in formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE orders ADD COLUMN seq bigserial⟧;
⟦ALTER TABLE orders ADD COLUMN num int GENERATED ALWAYS AS IDENTITY⟧;
⟦ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total * 100) STORED⟧;
`,
      messages: ['as bigserial', 'as an identity column', 'as a STORED generated column'],
    },
    {
      name: 'clock_timestamp() in a sqlFile',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: column.sql
            relativeToChangelogFile: true
`,
        'column.sql': `⟦alter table events add column seen_at timestamptz default clock_timestamp()⟧;
`,
      },
      messages: ['clock_timestamp()'],
    },
    {
      name: 'any default on PostgreSQL 10',
      config: { postgresVersion: 10 },
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE users ADD COLUMN active boolean DEFAULT true⟧;
`,
      messages: ['before 11 every default'],
    },
    {
      name: 'the addColumn change with defaultValueComputed and with autoIncrement on a table the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦⟦addColumn⟧⟧:
            tableName: users
            columns:
              - column: { name: token, type: uuid, defaultValueComputed: gen_random_uuid() }
              - column: { name: num, type: int, autoIncrement: true }
`,
      messages: ['users.token with the volatile default', 'users.num as an identity column'],
    },
  ],
});
