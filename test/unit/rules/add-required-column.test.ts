import { addRequiredColumn } from '../../../server/src/rules/add-required-column';
import { ruleTester } from './rule-tester';

ruleTester(addRequiredColumn, {
  valid: [
    {
      name: 'a NOT NULL column added in the changeset that creates its table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE users (id int);
            ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
`,
    },
    {
      name: 'NOT NULL columns that fill themselves: a DEFAULT, identity, a stored generated column, serial; and a nullable column',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL;
ALTER TABLE users ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED NOT NULL;
ALTER TABLE users ADD COLUMN n bigserial NOT NULL;
ALTER TABLE users ADD COLUMN nickname text;
`,
    },
    {
      name: 'the built-in addColumn with nullable: false and a defaultValue',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - addColumn:
            tableName: users
            columns:
              - column:
                  name: status
                  type: text
                  defaultValue: active
                  constraints:
                    nullable: false
`,
    },
  ],
  invalid: [
    {
      name: 'ADD COLUMN … NOT NULL without a default in raw SQL on a table an earlier changeset created',
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
        - sql: ⟦ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL⟧
`,
      messages: ['Adding users.tenant_id as NOT NULL without a default fails on a table that has rows and breaks every INSERT'],
    },
    {
      name: 'the built-in addColumn with nullable: false and no default, and with a value but no default (added, filled, then set NOT NULL)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦addColumn⟧:
            tableName: users
            columns:
              - column:
                  name: tenant_id
                  type: bigint
                  constraints:
                    nullable: false
        - ⟦addColumn⟧:
            tableName: users
            columns:
              - column:
                  name: status
                  type: text
                  value: active
                  constraints:
                    nullable: false
`,
      messages: ['users.tenant_id', 'users.status'],
    },
    {
      name: 'formatted SQL: a PRIMARY KEY column, and a column added then set NOT NULL in the same changeset',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE users ADD COLUMN uid uuid PRIMARY KEY⟧;
ALTER TABLE users ADD COLUMN region text;
UPDATE users SET region = 'eu';
⟦ALTER TABLE users ALTER COLUMN region SET NOT NULL⟧;
`,
      messages: ['users.uid', 'users.region'],
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
            path: add.sql
            relativeToChangelogFile: true
`,
        'add.sql': `⟦ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL⟧;
`,
      },
      messages: ['users.tenant_id'],
    },
  ],
});
