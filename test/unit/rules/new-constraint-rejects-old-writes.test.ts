import { newConstraintRejectsOldWrites } from '../../../server/src/rules/new-constraint-rejects-old-writes';
import { ruleTester } from './rule-tester';

ruleTester(newConstraintRejectsOldWrites, {
  valid: [
    {
      name: 'constraints added in the changeset that creates the table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE orders (id int, total int, customer_id int);
            ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);
            ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
            CREATE UNIQUE INDEX orders_id ON orders (id);
`,
    },
    {
      name: 'constraints on columns the same changeset added (the running version leaves them NULL), VALIDATE, and UNIQUE USING INDEX',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE orders ADD COLUMN coupon_id int;
ALTER TABLE orders ADD CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_coupon_unique UNIQUE (coupon_id);
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE USING INDEX orders_number_idx;
`,
    },
  ],
  invalid: [
    {
      name: 'CHECK, NOT VALID or not, in raw SQL on a table an earlier changeset created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE orders (id int, total int)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: |
            ⟦ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID⟧;
            ⟦ALTER TABLE orders ADD PRIMARY KEY (id)⟧;
`,
      messages: [
        'Adding CHECK constraint orders_total_positive to orders rejects the writes of the application version still running that break it',
        'Adding PRIMARY KEY constraint to orders',
      ],
    },
    {
      name: 'the built-in addUniqueConstraint and addForeignKeyConstraint',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦addUniqueConstraint⟧:
            tableName: users
            columnNames: email
            constraintName: users_email_key
        - ⟦addForeignKeyConstraint⟧:
            baseTableName: orders
            baseColumnNames: customer_id
            referencedTableName: customers
            referencedColumnNames: id
            constraintName: orders_customer_fk
`,
      messages: ['UNIQUE constraint users_email_key to users', 'FOREIGN KEY constraint orders_customer_fk to orders'],
    },
    {
      name: 'formatted SQL: a unique index and an EXCLUDE constraint',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
⟦CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email)⟧;
⟦ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)⟧;
`,
      messages: ['Adding a unique index to users', 'EXCLUDE constraint no_overlap to bookings'],
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
            path: check.sql
            relativeToChangelogFile: true
`,
        'check.sql': `⟦ALTER TABLE orders ADD CHECK (total > 0)⟧;
`,
      },
      messages: ['CHECK constraint to orders'],
    },
  ],
});
