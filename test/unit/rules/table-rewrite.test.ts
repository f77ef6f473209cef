import { tableRewrite } from '../../../server/src/rules/table-rewrite';
import { ruleTester } from './rule-tester';

ruleTester(tableRewrite, {
  valid: [
    {
      name: 'rewrites of a table the same changeset creates',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE orders (id int, note varchar(20));
            ALTER TABLE orders ALTER COLUMN id TYPE bigint;
            ALTER TABLE orders SET UNLOGGED;
            CLUSTER orders USING orders_pkey;
`,
    },
    {
      name: 'binary-compatible widening of a column an earlier changeset created, and a plain VACUUM',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE orders (id int, note varchar(20), amount numeric(10,2));

--changeset a:2
ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);
ALTER TABLE orders ALTER COLUMN note TYPE text;
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2);

--changeset a:3 runInTransaction:false
VACUUM (ANALYZE) orders;
`,
    },
    {
      name: 'a change to text of a column whose type the changelog never saw',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE users ALTER COLUMN name TYPE text;
`,
    },
  ],
  invalid: [
    {
      name: 'int to bigint in raw YAML SQL on a table an earlier changeset created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE orders (id int)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE orders ALTER COLUMN id TYPE bigint⟧
`,
      messages: ['Changing the type of orders.id from integer to bigint rewrites the whole orders table under an ACCESS EXCLUSIVE lock'],
    },
    {
      name: 'SET LOGGED, SET TABLESPACE, VACUUM FULL and CLUSTER in formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
⟦ALTER TABLE events SET LOGGED⟧;
⟦ALTER TABLE events SET TABLESPACE fast⟧;
⟦VACUUM FULL events⟧;
⟦CLUSTER events USING events_pkey⟧;
`,
      messages: ['SET LOGGED on events', 'SET TABLESPACE fast on events', 'VACUUM FULL events', 'CLUSTER events'],
    },
    {
      name: 'a narrowing type change with USING in a sqlFile',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: type.sql
            relativeToChangelogFile: true
`,
        'type.sql': `⟦alter table users alter column age type smallint using age::smallint⟧;
`,
      },
      messages: ['users.age to smallint'],
    },
    {
      name: 'the modifyDataType change on a table the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦modifyDataType⟧:
            tableName: orders
            columnName: id
            newDataType: bigint
`,
      messages: ['orders.id to bigint'],
    },
  ],
});
