import { describe, expect, it } from 'vitest';
import { changeColumnType, isBinaryCompatibleWidening } from '../../../server/src/rules/change-column-type';
import { TYPE_CASES } from './expand-contract.fixtures';
import { ruleTester } from './rule-tester';

ruleTester(changeColumnType, {
  valid: [
    {
      name: 'a type changed in the changeset that creates its table',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE TABLE orders (id int, total integer);
            ALTER TABLE orders ALTER COLUMN total TYPE bigint;
`,
    },
    {
      name: 'widening varchar(n) to a longer varchar, to unbounded varchar and to text (no rewrite, readers see the same values)',
      code: `--liquibase formatted sql
--changeset a:1
CREATE TABLE users (id int, name varchar(20), email varchar(50), bio varchar(100));

--changeset a:2
ALTER TABLE users ALTER COLUMN name TYPE varchar(40);
ALTER TABLE users ALTER COLUMN email TYPE varchar, ALTER COLUMN bio TYPE text;
`,
    },
    {
      name: 'the built-in modifyDataType widening numeric(10,2) to numeric(12,2)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE orders (id int, total numeric(10,2), address cidr)
  - changeSet:
      id: 2
      author: a
      changes:
        - modifyDataType:
            tableName: orders
            columnName: total
            newDataType: numeric(12,2)
        - sql: ALTER TABLE orders ALTER COLUMN address TYPE inet
`,
    },
    {
      name: 'an ignore comment on a widening the changelog cannot see (the table existed before it)',
      code: `--liquibase formatted sql
--changeset a:1
-- pgcs-ignore change-column-type: name is varchar(20) in production; this only widens it
ALTER TABLE users ALTER COLUMN name TYPE varchar(40);
`,
    },
  ],
  invalid: [
    // the expand/contract quick fix on raw SQL in YAML, the built-in modifyDataType and formatted SQL
    ...TYPE_CASES.map((c) => ({ name: c.name, code: c.code, messages: [/Changing the type of orders\.\w+ from \w+(\(10,2\))? to \w+ breaks/], fix: { title: 'Expand/contract', output: c.output } })),
    {
      name: 'narrowing a varchar, and a USING expression that converts values (no fix: the conversion is its own)',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE users (id int, name varchar(40), code text)
  - changeSet:
      id: 2
      author: a
      changes:
        - sql: ⟦ALTER TABLE users ALTER COLUMN name TYPE varchar(20)⟧
        - sql: ⟦ALTER TABLE users ALTER COLUMN code TYPE integer USING length(code)⟧
`,
      messages: ['users.name from character varying(40) to character varying(20)', 'users.code from text to integer'],
    },
    {
      name: 'a numeric whose scale changes, in a sqlFile',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: CREATE TABLE orders (id int, total numeric(10,2))
  - changeSet:
      id: 2
      author: a
      changes:
        - sqlFile:
            path: widen.sql
            relativeToChangelogFile: true
`,
        'widen.sql': `⟦ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,4)⟧;
`,
      },
      messages: ['orders.total from numeric(10,2) to numeric(12,4)'],
    },
    {
      name: 'a column of a table the changelog never created (its type is unknown)',
      code: `--liquibase formatted sql
--changeset a:1
⟦ALTER TABLE users ALTER COLUMN name TYPE text⟧;
`,
      messages: ['its current type is unknown to the changelog'],
    },
  ],
});

describe('binary-compatible widening', () => {
  it('follows PostgreSQL: longer limits and unbounded types keep the data, anything else does not', () => {
    expect(isBinaryCompatibleWidening('character varying(20)', 'character varying(21)')).toBe(true);
    expect(isBinaryCompatibleWidening('character varying(20)', 'character varying(19)')).toBe(false);
    expect(isBinaryCompatibleWidening('character varying', 'text')).toBe(true);
    expect(isBinaryCompatibleWidening('text', 'character varying')).toBe(true);
    expect(isBinaryCompatibleWidening('text', 'character varying(10)')).toBe(false);
    expect(isBinaryCompatibleWidening('numeric(10,2)', 'numeric')).toBe(true);
    expect(isBinaryCompatibleWidening('numeric(10)', 'numeric(12,0)')).toBe(true);
    expect(isBinaryCompatibleWidening('numeric(10,2)', 'numeric(12,3)')).toBe(false);
    expect(isBinaryCompatibleWidening('timestamp without time zone(3)', 'timestamp without time zone(6)')).toBe(true);
    expect(isBinaryCompatibleWidening('varbit(8)', 'varbit(16)')).toBe(true);
    expect(isBinaryCompatibleWidening('cidr', 'inet')).toBe(true);
    expect(isBinaryCompatibleWidening('inet', 'cidr')).toBe(false);
    expect(isBinaryCompatibleWidening('integer', 'bigint')).toBe(false);
    expect(isBinaryCompatibleWidening('character(10)', 'character(20)')).toBe(false);
    expect(isBinaryCompatibleWidening('character varying(20)[]', 'text')).toBe(false);
  });
});
