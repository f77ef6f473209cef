import { constraintWithoutNotValid } from '../../../server/src/rules/constraint-without-not-valid';
import { ruleTester } from './rule-tester';

ruleTester(constraintWithoutNotValid, {
  valid: [
    {
      name: 'a CHECK and a FOREIGN KEY added in the changeset that creates the table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE orders (id int, user_id int, total int);
            ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
            ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
`,
    },
    {
      name: 'NOT VALID, then VALIDATE in a separate changeset',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

--changeset a:1-validate
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
`,
    },
    {
      name: 'NOT VALID and VALIDATE in one changeset that runs outside a transaction',
      code: `--liquibase formatted sql
--changeset a:1 runInTransaction:false
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
`,
    },
    {
      name: 'the addForeignKeyConstraint change on a table the same changeset creates',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: orders
            columns:
              - column: { name: user_id, type: int }
        - addForeignKeyConstraint:
            baseTableName: orders
            baseColumnNames: user_id
            referencedTableName: users
            referencedColumnNames: id
            constraintName: orders_user_fk
`,
    },
  ],
  invalid: [
    {
      name: 'a FOREIGN KEY in raw YAML SQL; the fix adds NOT VALID and a -validate changeset',
      code: `databaseChangeLog:
  - changeSet:
      id: orders-fk
      author: alice
      changes:
        - sql: ⟦ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)⟧
  - changeSet:
      id: 3
      author: a
      changes:
        - sql: SELECT 1
`,
      messages: ['FOREIGN KEY constraint orders_user_fk without NOT VALID holds a SHARE ROW EXCLUSIVE lock on orders and users'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: orders-fk
      author: alice
      changes:
        - sql: ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID
  - changeSet:
      id: orders-fk-validate
      author: alice
      changes:
        - sql: ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk
  - changeSet:
      id: 3
      author: a
      changes:
        - sql: SELECT 1
`,
      },
    },
    {
      name: 'an unnamed CHECK in formatted SQL on a table an earlier changeset created; the fix uses the name PostgreSQL gives it',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE orders (id int, total int);

--changeset a:2
⟦ALTER TABLE orders ADD CHECK (total >= 0)⟧;
`,
      messages: ['CHECK constraint orders_total_check without NOT VALID holds an ACCESS EXCLUSIVE lock on orders'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE orders (id int, total int);

--changeset a:2
ALTER TABLE orders ADD CHECK (total >= 0) NOT VALID;

--changeset a:2-validate
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
`,
      },
    },
    {
      name: 'a CHECK in a sqlFile: NOT VALID goes into the .sql file, the validating changeset into the changelog',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 7
      author: a
      changes:
        - sqlFile:
            path: check.sql
            relativeToChangelogFile: true
`,
        'check.sql': `⟦alter table orders add constraint total_positive check (total > 0)⟧;
`,
      },
      messages: ['CHECK constraint total_positive'],
      fix: {
        output: {
          'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 7
      author: a
      changes:
        - sqlFile:
            path: check.sql
            relativeToChangelogFile: true
  - changeSet:
      id: 7-validate
      author: a
      changes:
        - sql: ALTER TABLE orders VALIDATE CONSTRAINT total_positive
`,
          'check.sql': `alter table orders add constraint total_positive check (total > 0) NOT VALID;
`,
        },
      },
    },
    {
      name: 'the addForeignKeyConstraint change on a table the changelog never created',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - ⟦addForeignKeyConstraint⟧:
            baseTableName: orders
            baseColumnNames: user_id
            referencedTableName: users
            referencedColumnNames: id
            constraintName: orders_user_fk
`,
      messages: ['orders_user_fk without NOT VALID'],
    },
    {
      name: 'NOT VALID and VALIDATE in the same changeset',
      code: `--liquibase formatted sql
--changeset a:1
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
⟦ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk⟧;
`,
      messages: ['added NOT VALID and validated in the same changeset'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

--changeset a:1-validate
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
`,
      },
    },
    {
      name: 'NOT VALID and VALIDATE in one YAML sql change: the fix moves VALIDATE to a new changeset',
      code: `databaseChangeLog:
  - changeSet:
      id: total-check
      author: a
      changes:
        - sql: |
            ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;
            ⟦ALTER TABLE orders VALIDATE CONSTRAINT total_positive⟧;
`,
      messages: ['held through the validation'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: total-check
      author: a
      changes:
        - sql: |
            ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;
  - changeSet:
      id: total-check-validate
      author: a
      changes:
        - sql: ALTER TABLE orders VALIDATE CONSTRAINT total_positive
`,
      },
    },
  ],
});
