--liquibase formatted sql

--changeset carol:005-order-status
--comment: Orders get a status; every existing row starts as 'placed'
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'placed';
--rollback ALTER TABLE orders DROP COLUMN status;

--changeset dave:006-status-index runInTransaction:false
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
--rollback DROP INDEX CONCURRENTLY orders_status_idx;
