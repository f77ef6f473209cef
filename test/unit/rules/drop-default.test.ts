import { dropDefault } from '../../../server/src/rules/drop-default';
import { ruleTester } from './rule-tester';

ruleTester(dropDefault, {
  valid: [
    {
      name: 'DROP DEFAULT in the changeset that creates the table, and SET DEFAULT on an existing one',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE orders (id int, status text DEFAULT 'new');
            ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
            ALTER TABLE invoices ALTER COLUMN status SET DEFAULT 'open';
`,
    },
    {
      name: 'DROP DEFAULT on a column an earlier changeset created without a default (nothing changes)',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE orders (id int, status text);

--changeset a:2
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
`,
    },
  ],
  invalid: [
    {
      name: 'DROP DEFAULT in raw SQL on a NOT NULL column an earlier changeset created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE orders (id int, status text NOT NULL DEFAULT 'new')
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE orders ALTER COLUMN status DROP DEFAULT⟧
`,
      messages: ['Dropping the default of orders.status: inserts of the application version still running that leave status out now fail, since status is NOT NULL'],
    },
    {
      name: 'the built-in dropDefaultValue on a column the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦dropDefaultValue⟧:
            tableName: orders
            columnName: status
`,
      messages: ['now store NULL in status, which its readers never expected'],
    },
    {
      name: 'formatted SQL',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE orders ALTER status DROP DEFAULT⟧;
`,
      messages: ['orders.status'],
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
            path: default.sql
            relativeToChangelogFile: true
`,
        'default.sql': `⟦ALTER TABLE orders ALTER COLUMN status DROP DEFAULT⟧;
`,
      },
      messages: ['orders.status'],
    },
  ],
});
