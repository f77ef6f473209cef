// The changelogs of the expand/contract quick fix (rename-column, change-column-type): each one before the fix,
// with the flagged range marked, and its text after the fix. The rule tests assert the fix gives exactly `output`;
// expand-contract.test.ts checks that every output loads cleanly and the compatibility rules stay silent on it.

export interface ExpandContractCase {
  name: string;
  /** the changelog, the finding's range marked with ⟦ ⟧ */
  code: string;
  /** the changelog after the quick fix */
  output: string;
}

export const renameInYamlSql: ExpandContractCase = {
  name: 'RENAME COLUMN in raw SQL on a table an earlier changeset created (YAML)',
  code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, name text)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE users RENAME COLUMN name TO full_name⟧
`,
  output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, name text)
  - changeSet:
      id: 2-expand
      author: a
      runInTransaction: false
      comment: 'Expand (the rename of users.name to full_name): add users.full_name, kept equal to name by a trigger, and backfill it in batches that each commit'
      changes:
        - sql: SET lock_timeout = '5s'
        - sql: ALTER TABLE users ADD COLUMN IF NOT EXISTS full_name text
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION users_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes name, the new one full_name: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.full_name IS NULL THEN
                    NEW.full_name := NEW.name;
                  ELSE
                    NEW.name := NEW.full_name;
                  END IF;
                ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
                  NEW.full_name := NEW.name;
                ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.full_name IS DISTINCT FROM NEW.name THEN
                  NEW.name := NEW.full_name;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: DROP TRIGGER IF EXISTS users_name_sync ON users
        - sql: CREATE TRIGGER users_name_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_name_sync()
        - sql: RESET lock_timeout
        - sql:
            splitStatements: false
            sql: |
              DO $$
              DECLARE
                updated bigint;
              BEGIN
                -- 1,000 rows per transaction: row locks stay short while the running version keeps writing
                LOOP
                  UPDATE users SET full_name = name
                  WHERE ctid = ANY (ARRAY(SELECT ctid FROM users WHERE full_name IS NULL AND name IS NOT NULL LIMIT 1000));
                  GET DIAGNOSTICS updated = ROW_COUNT;
                  EXIT WHEN updated = 0;
                  COMMIT;
                END LOOP;
              END
              $$
      rollback:
        - sql: DROP TRIGGER IF EXISTS users_name_sync ON users
        - sql: DROP FUNCTION IF EXISTS users_name_sync()
        - sql: ALTER TABLE users DROP COLUMN IF EXISTS full_name
  - changeSet:
      id: 2-contract
      author: a
      labels: contract
      comment: 'Contract (the rename of users.name to full_name): ships once no running version of the application uses users.name; drops it with its sync trigger'
      changes:
        - sql: |
            SET LOCAL lock_timeout = '5s';
            DROP TRIGGER users_name_sync ON users;
            DROP FUNCTION users_name_sync();
            -- pgcs-ignore drop-column: the contract step, shipped once no running version uses users.name
            ALTER TABLE users DROP COLUMN name;
      rollback:
        - sql: ALTER TABLE users ADD COLUMN name text
        - sql: UPDATE users SET name = full_name
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION users_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes name, the new one full_name: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.full_name IS NULL THEN
                    NEW.full_name := NEW.name;
                  ELSE
                    NEW.name := NEW.full_name;
                  END IF;
                ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
                  NEW.full_name := NEW.name;
                ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.full_name IS DISTINCT FROM NEW.name THEN
                  NEW.name := NEW.full_name;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: CREATE TRIGGER users_name_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_name_sync()
`,
};

export const renameColumnChange: ExpandContractCase = {
  name: 'the built-in renameColumn with columnDataType on a table the changelog never created, keeping its context',
  code: `databaseChangeLog:
  - changeSet:
      id: rename-name
      author: a
      context: prod
      changes:
        - ⟦renameColumn⟧:
            tableName: users
            oldColumnName: name
            newColumnName: full_name
            columnDataType: varchar(100)
`,
  output: `databaseChangeLog:
  - changeSet:
      id: rename-name-expand
      author: a
      context: prod
      runInTransaction: false
      comment: 'Expand (the rename of users.name to full_name): add users.full_name, kept equal to name by a trigger, and backfill it in batches that each commit'
      changes:
        - sql: SET lock_timeout = '5s'
        - sql: ALTER TABLE users ADD COLUMN IF NOT EXISTS full_name varchar(100)
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION users_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes name, the new one full_name: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.full_name IS NULL THEN
                    NEW.full_name := NEW.name;
                  ELSE
                    NEW.name := NEW.full_name;
                  END IF;
                ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
                  NEW.full_name := NEW.name;
                ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.full_name IS DISTINCT FROM NEW.name THEN
                  NEW.name := NEW.full_name;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: DROP TRIGGER IF EXISTS users_name_sync ON users
        - sql: CREATE TRIGGER users_name_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_name_sync()
        - sql: RESET lock_timeout
        - sql:
            splitStatements: false
            sql: |
              DO $$
              DECLARE
                updated bigint;
              BEGIN
                -- 1,000 rows per transaction: row locks stay short while the running version keeps writing
                LOOP
                  UPDATE users SET full_name = name
                  WHERE ctid = ANY (ARRAY(SELECT ctid FROM users WHERE full_name IS NULL AND name IS NOT NULL LIMIT 1000));
                  GET DIAGNOSTICS updated = ROW_COUNT;
                  EXIT WHEN updated = 0;
                  COMMIT;
                END LOOP;
              END
              $$
      rollback:
        - sql: DROP TRIGGER IF EXISTS users_name_sync ON users
        - sql: DROP FUNCTION IF EXISTS users_name_sync()
        - sql: ALTER TABLE users DROP COLUMN IF EXISTS full_name
  - changeSet:
      id: rename-name-contract
      author: a
      context: prod
      labels: contract
      comment: 'Contract (the rename of users.name to full_name): ships once no running version of the application uses users.name; drops it with its sync trigger'
      changes:
        - sql: |
            SET LOCAL lock_timeout = '5s';
            DROP TRIGGER users_name_sync ON users;
            DROP FUNCTION users_name_sync();
            -- pgcs-ignore drop-column: the contract step, shipped once no running version uses users.name
            ALTER TABLE users DROP COLUMN name;
      rollback:
        - sql: ALTER TABLE users ADD COLUMN name varchar(100)
        - sql: UPDATE users SET name = full_name
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION users_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes name, the new one full_name: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.full_name IS NULL THEN
                    NEW.full_name := NEW.name;
                  ELSE
                    NEW.name := NEW.full_name;
                  END IF;
                ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
                  NEW.full_name := NEW.name;
                ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.full_name IS DISTINCT FROM NEW.name THEN
                  NEW.name := NEW.full_name;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: CREATE TRIGGER users_name_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_name_sync()
`,
};

export const renameInFormattedSql: ExpandContractCase = {
  name: 'RENAME COLUMN in formatted SQL',
  code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, name text);

--changeset a:2
⟦ALTER TABLE users RENAME COLUMN name TO full_name⟧;
`,
  output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, name text);

--changeset a:2-expand runInTransaction:false endDelimiter:/
--comment: Expand (the rename of users.name to full_name): add users.full_name, kept equal to name by a trigger, and backfill it in batches that each commit
SET lock_timeout = '5s'
/
ALTER TABLE users ADD COLUMN IF NOT EXISTS full_name text
/
CREATE OR REPLACE FUNCTION users_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- the running version writes name, the new one full_name: the other column follows whichever a statement sets
  IF TG_OP = 'INSERT' THEN
    IF NEW.full_name IS NULL THEN
      NEW.full_name := NEW.name;
    ELSE
      NEW.name := NEW.full_name;
    END IF;
  ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
    NEW.full_name := NEW.name;
  ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.full_name IS DISTINCT FROM NEW.name THEN
    NEW.name := NEW.full_name;
  END IF;
  RETURN NEW;
END
$$
/
DROP TRIGGER IF EXISTS users_name_sync ON users
/
CREATE TRIGGER users_name_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_name_sync()
/
RESET lock_timeout
/
DO $$
DECLARE
  updated bigint;
BEGIN
  -- 1,000 rows per transaction: row locks stay short while the running version keeps writing
  LOOP
    UPDATE users SET full_name = name
    WHERE ctid = ANY (ARRAY(SELECT ctid FROM users WHERE full_name IS NULL AND name IS NOT NULL LIMIT 1000));
    GET DIAGNOSTICS updated = ROW_COUNT;
    EXIT WHEN updated = 0;
    COMMIT;
  END LOOP;
END
$$
--rollback DROP TRIGGER IF EXISTS users_name_sync ON users;
--rollback DROP FUNCTION IF EXISTS users_name_sync();
--rollback ALTER TABLE users DROP COLUMN IF EXISTS full_name;

--changeset a:2-contract labels:contract endDelimiter:/ rollbackEndDelimiter:/
--comment: Contract (the rename of users.name to full_name): ships once no running version of the application uses users.name; drops it with its sync trigger
SET LOCAL lock_timeout = '5s'
/
DROP TRIGGER users_name_sync ON users
/
DROP FUNCTION users_name_sync()
/
-- pgcs-ignore drop-column: the contract step, shipped once no running version uses users.name
ALTER TABLE users DROP COLUMN name
--rollback ALTER TABLE users ADD COLUMN name text
--rollback /
--rollback UPDATE users SET name = full_name
--rollback /
--rollback CREATE OR REPLACE FUNCTION users_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
--rollback BEGIN
--rollback   -- the running version writes name, the new one full_name: the other column follows whichever a statement sets
--rollback   IF TG_OP = 'INSERT' THEN
--rollback     IF NEW.full_name IS NULL THEN
--rollback       NEW.full_name := NEW.name;
--rollback     ELSE
--rollback       NEW.name := NEW.full_name;
--rollback     END IF;
--rollback   ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
--rollback     NEW.full_name := NEW.name;
--rollback   ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.full_name IS DISTINCT FROM NEW.name THEN
--rollback     NEW.name := NEW.full_name;
--rollback   END IF;
--rollback   RETURN NEW;
--rollback END
--rollback $$
--rollback /
--rollback CREATE TRIGGER users_name_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_name_sync()
`,
};

export const typeInYamlSql: ExpandContractCase = {
  name: 'ALTER COLUMN … TYPE in raw SQL (YAML) from integer to bigint',
  code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE orders (id int, quantity integer)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE orders ALTER COLUMN quantity TYPE bigint⟧
`,
  output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE orders (id int, quantity integer)
  - changeSet:
      id: 2-expand
      author: a
      runInTransaction: false
      comment: 'Expand (the change of orders.quantity to bigint): add orders.quantity_new, kept equal to quantity by a trigger, and backfill it in batches that each commit'
      changes:
        - sql: SET lock_timeout = '5s'
        - sql: ALTER TABLE orders ADD COLUMN IF NOT EXISTS quantity_new bigint
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION orders_quantity_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes quantity, the new one quantity_new: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.quantity_new IS NULL THEN
                    NEW.quantity_new := NEW.quantity::bigint;
                  ELSE
                    NEW.quantity := NEW.quantity_new::integer;
                  END IF;
                ELSIF NEW.quantity IS DISTINCT FROM OLD.quantity THEN
                  NEW.quantity_new := NEW.quantity::bigint;
                ELSIF NEW.quantity_new IS DISTINCT FROM OLD.quantity_new AND NEW.quantity_new IS DISTINCT FROM NEW.quantity::bigint THEN
                  NEW.quantity := NEW.quantity_new::integer;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: DROP TRIGGER IF EXISTS orders_quantity_sync ON orders
        - sql: CREATE TRIGGER orders_quantity_sync BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_quantity_sync()
        - sql: RESET lock_timeout
        - sql:
            splitStatements: false
            sql: |
              DO $$
              DECLARE
                updated bigint;
              BEGIN
                -- 1,000 rows per transaction: row locks stay short while the running version keeps writing
                LOOP
                  UPDATE orders SET quantity_new = quantity::bigint
                  WHERE ctid = ANY (ARRAY(SELECT ctid FROM orders WHERE quantity_new IS NULL AND quantity IS NOT NULL LIMIT 1000));
                  GET DIAGNOSTICS updated = ROW_COUNT;
                  EXIT WHEN updated = 0;
                  COMMIT;
                END LOOP;
              END
              $$
      rollback:
        - sql: DROP TRIGGER IF EXISTS orders_quantity_sync ON orders
        - sql: DROP FUNCTION IF EXISTS orders_quantity_sync()
        - sql: ALTER TABLE orders DROP COLUMN IF EXISTS quantity_new
  - changeSet:
      id: 2-contract
      author: a
      labels: contract
      comment: 'Contract (the change of orders.quantity to bigint): ships once no running version of the application uses orders.quantity; drops it with its sync trigger'
      changes:
        - sql: |
            SET LOCAL lock_timeout = '5s';
            DROP TRIGGER orders_quantity_sync ON orders;
            DROP FUNCTION orders_quantity_sync();
            -- pgcs-ignore drop-column: the contract step, shipped once no running version uses orders.quantity
            ALTER TABLE orders DROP COLUMN quantity;
      rollback:
        - sql: ALTER TABLE orders ADD COLUMN quantity integer
        - sql: UPDATE orders SET quantity = quantity_new::integer
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION orders_quantity_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes quantity, the new one quantity_new: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.quantity_new IS NULL THEN
                    NEW.quantity_new := NEW.quantity::bigint;
                  ELSE
                    NEW.quantity := NEW.quantity_new::integer;
                  END IF;
                ELSIF NEW.quantity IS DISTINCT FROM OLD.quantity THEN
                  NEW.quantity_new := NEW.quantity::bigint;
                ELSIF NEW.quantity_new IS DISTINCT FROM OLD.quantity_new AND NEW.quantity_new IS DISTINCT FROM NEW.quantity::bigint THEN
                  NEW.quantity := NEW.quantity_new::integer;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: CREATE TRIGGER orders_quantity_sync BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_quantity_sync()
`,
};

export const modifyDataTypeChange: ExpandContractCase = {
  name: 'the built-in modifyDataType on a column createTable made',
  code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: orders
            columns:
              - column: { name: id, type: int }
              - column: { name: quantity, type: int }
  - changeSet:
      id: 2
      author: a
      changes:
        - ⟦modifyDataType⟧:
            tableName: orders
            columnName: quantity
            newDataType: bigint
`,
  output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: orders
            columns:
              - column: { name: id, type: int }
              - column: { name: quantity, type: int }
  - changeSet:
      id: 2-expand
      author: a
      runInTransaction: false
      comment: 'Expand (the change of orders.quantity to bigint): add orders.quantity_new, kept equal to quantity by a trigger, and backfill it in batches that each commit'
      changes:
        - sql: SET lock_timeout = '5s'
        - sql: ALTER TABLE orders ADD COLUMN IF NOT EXISTS quantity_new bigint
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION orders_quantity_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes quantity, the new one quantity_new: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.quantity_new IS NULL THEN
                    NEW.quantity_new := NEW.quantity::bigint;
                  ELSE
                    NEW.quantity := NEW.quantity_new::integer;
                  END IF;
                ELSIF NEW.quantity IS DISTINCT FROM OLD.quantity THEN
                  NEW.quantity_new := NEW.quantity::bigint;
                ELSIF NEW.quantity_new IS DISTINCT FROM OLD.quantity_new AND NEW.quantity_new IS DISTINCT FROM NEW.quantity::bigint THEN
                  NEW.quantity := NEW.quantity_new::integer;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: DROP TRIGGER IF EXISTS orders_quantity_sync ON orders
        - sql: CREATE TRIGGER orders_quantity_sync BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_quantity_sync()
        - sql: RESET lock_timeout
        - sql:
            splitStatements: false
            sql: |
              DO $$
              DECLARE
                updated bigint;
              BEGIN
                -- 1,000 rows per transaction: row locks stay short while the running version keeps writing
                LOOP
                  UPDATE orders SET quantity_new = quantity::bigint
                  WHERE ctid = ANY (ARRAY(SELECT ctid FROM orders WHERE quantity_new IS NULL AND quantity IS NOT NULL LIMIT 1000));
                  GET DIAGNOSTICS updated = ROW_COUNT;
                  EXIT WHEN updated = 0;
                  COMMIT;
                END LOOP;
              END
              $$
      rollback:
        - sql: DROP TRIGGER IF EXISTS orders_quantity_sync ON orders
        - sql: DROP FUNCTION IF EXISTS orders_quantity_sync()
        - sql: ALTER TABLE orders DROP COLUMN IF EXISTS quantity_new
  - changeSet:
      id: 2-contract
      author: a
      labels: contract
      comment: 'Contract (the change of orders.quantity to bigint): ships once no running version of the application uses orders.quantity; drops it with its sync trigger'
      changes:
        - sql: |
            SET LOCAL lock_timeout = '5s';
            DROP TRIGGER orders_quantity_sync ON orders;
            DROP FUNCTION orders_quantity_sync();
            -- pgcs-ignore drop-column: the contract step, shipped once no running version uses orders.quantity
            ALTER TABLE orders DROP COLUMN quantity;
      rollback:
        - sql: ALTER TABLE orders ADD COLUMN quantity integer
        - sql: UPDATE orders SET quantity = quantity_new::integer
        - sql:
            splitStatements: false
            sql: |
              CREATE OR REPLACE FUNCTION orders_quantity_sync() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                -- the running version writes quantity, the new one quantity_new: the other column follows whichever a statement sets
                IF TG_OP = 'INSERT' THEN
                  IF NEW.quantity_new IS NULL THEN
                    NEW.quantity_new := NEW.quantity::bigint;
                  ELSE
                    NEW.quantity := NEW.quantity_new::integer;
                  END IF;
                ELSIF NEW.quantity IS DISTINCT FROM OLD.quantity THEN
                  NEW.quantity_new := NEW.quantity::bigint;
                ELSIF NEW.quantity_new IS DISTINCT FROM OLD.quantity_new AND NEW.quantity_new IS DISTINCT FROM NEW.quantity::bigint THEN
                  NEW.quantity := NEW.quantity_new::integer;
                END IF;
                RETURN NEW;
              END
              $$
        - sql: CREATE TRIGGER orders_quantity_sync BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_quantity_sync()
`,
};

export const typeInFormattedSql: ExpandContractCase = {
  name: 'ALTER COLUMN … TYPE in formatted SQL from numeric(10,2) to integer',
  code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE orders (id int, price numeric(10,2));

--changeset a:2
⟦ALTER TABLE orders ALTER COLUMN price TYPE integer⟧;
`,
  output: `--liquibase formatted sql
--changeset a:1
CREATE TABLE orders (id int, price numeric(10,2));

--changeset a:2-expand runInTransaction:false endDelimiter:/
--comment: Expand (the change of orders.price to integer): add orders.price_new, kept equal to price by a trigger, and backfill it in batches that each commit
SET lock_timeout = '5s'
/
ALTER TABLE orders ADD COLUMN IF NOT EXISTS price_new integer
/
CREATE OR REPLACE FUNCTION orders_price_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- the running version writes price, the new one price_new: the other column follows whichever a statement sets
  IF TG_OP = 'INSERT' THEN
    IF NEW.price_new IS NULL THEN
      NEW.price_new := NEW.price::integer;
    ELSE
      NEW.price := NEW.price_new::numeric(10,2);
    END IF;
  ELSIF NEW.price IS DISTINCT FROM OLD.price THEN
    NEW.price_new := NEW.price::integer;
  ELSIF NEW.price_new IS DISTINCT FROM OLD.price_new AND NEW.price_new IS DISTINCT FROM NEW.price::integer THEN
    NEW.price := NEW.price_new::numeric(10,2);
  END IF;
  RETURN NEW;
END
$$
/
DROP TRIGGER IF EXISTS orders_price_sync ON orders
/
CREATE TRIGGER orders_price_sync BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_price_sync()
/
RESET lock_timeout
/
DO $$
DECLARE
  updated bigint;
BEGIN
  -- 1,000 rows per transaction: row locks stay short while the running version keeps writing
  LOOP
    UPDATE orders SET price_new = price::integer
    WHERE ctid = ANY (ARRAY(SELECT ctid FROM orders WHERE price_new IS NULL AND price IS NOT NULL LIMIT 1000));
    GET DIAGNOSTICS updated = ROW_COUNT;
    EXIT WHEN updated = 0;
    COMMIT;
  END LOOP;
END
$$
--rollback DROP TRIGGER IF EXISTS orders_price_sync ON orders;
--rollback DROP FUNCTION IF EXISTS orders_price_sync();
--rollback ALTER TABLE orders DROP COLUMN IF EXISTS price_new;

--changeset a:2-contract labels:contract endDelimiter:/ rollbackEndDelimiter:/
--comment: Contract (the change of orders.price to integer): ships once no running version of the application uses orders.price; drops it with its sync trigger
SET LOCAL lock_timeout = '5s'
/
DROP TRIGGER orders_price_sync ON orders
/
DROP FUNCTION orders_price_sync()
/
-- pgcs-ignore drop-column: the contract step, shipped once no running version uses orders.price
ALTER TABLE orders DROP COLUMN price
--rollback ALTER TABLE orders ADD COLUMN price numeric(10,2)
--rollback /
--rollback UPDATE orders SET price = price_new::numeric(10,2)
--rollback /
--rollback CREATE OR REPLACE FUNCTION orders_price_sync() RETURNS trigger LANGUAGE plpgsql AS $$
--rollback BEGIN
--rollback   -- the running version writes price, the new one price_new: the other column follows whichever a statement sets
--rollback   IF TG_OP = 'INSERT' THEN
--rollback     IF NEW.price_new IS NULL THEN
--rollback       NEW.price_new := NEW.price::integer;
--rollback     ELSE
--rollback       NEW.price := NEW.price_new::numeric(10,2);
--rollback     END IF;
--rollback   ELSIF NEW.price IS DISTINCT FROM OLD.price THEN
--rollback     NEW.price_new := NEW.price::integer;
--rollback   ELSIF NEW.price_new IS DISTINCT FROM OLD.price_new AND NEW.price_new IS DISTINCT FROM NEW.price::integer THEN
--rollback     NEW.price := NEW.price_new::numeric(10,2);
--rollback   END IF;
--rollback   RETURN NEW;
--rollback END
--rollback $$
--rollback /
--rollback CREATE TRIGGER orders_price_sync BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_price_sync()
`,
};

export const RENAME_CASES = [renameInYamlSql, renameColumnChange, renameInFormattedSql];
export const TYPE_CASES = [typeInYamlSql, modifyDataTypeChange, typeInFormattedSql];
