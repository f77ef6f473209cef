import { dollarBodySplit } from '../../../server/src/rules/dollar-body-split';
import { ruleTester } from './rule-tester';

ruleTester(dollarBodySplit, {
  valid: [
    {
      name: 'a function body in a changeset with splitStatements:false',
      code: `--liquibase formatted sql
--changeset a:1 splitStatements:false
CREATE FUNCTION touch() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
`,
    },
    {
      name: 'a $$ body without a semicolon inside',
      code: `--liquibase formatted sql
--changeset a:1
CREATE FUNCTION one() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;
`,
    },
    {
      name: 'a YAML sql change with splitStatements: false',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql:
            splitStatements: false
            sql: |
              CREATE FUNCTION two() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql;
`,
    },
    {
      name: 'an ignore comment on the function',
      code: `--liquibase formatted sql
--changeset a:1
-- pgcs-ignore dollar-body-split: run by pgcs only, never by Liquibase
CREATE FUNCTION two() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql;
`,
    },
  ],
  invalid: [
    {
      name: 'formatted SQL: the fix adds splitStatements:false to the --changeset line',
      code: `--liquibase formatted sql
--changeset a:1
CREATE FUNCTION touch() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END⟦;⟧
$$ LANGUAGE plpgsql;
`,
      messages: ['cuts the dollar-quoted body here'],
      fix: {
        output: `--liquibase formatted sql
--changeset a:1 splitStatements:false
CREATE FUNCTION touch() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
`,
      },
    },
    {
      name: 'the short form of a YAML sql change: the fix turns it into a mapping with splitStatements: false',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql: |
            CREATE FUNCTION two() RETURNS int AS $$ SELECT 1⟦;⟧ SELECT 2 $$ LANGUAGE sql;
            SELECT 2;
`,
      messages: ['splitStatements: false'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql:
            splitStatements: false
            sql: |
              CREATE FUNCTION two() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql;
              SELECT 2;
`,
      },
    },
    {
      name: 'the mapping form of a YAML sql change, with splitStatements: true written',
      code: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql:
            splitStatements: true
            sql: CREATE FUNCTION two() RETURNS int AS $$ SELECT 1⟦;⟧ SELECT 2 $$ LANGUAGE sql
`,
      messages: ['splitStatements: false'],
      fix: {
        output: `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sql:
            splitStatements: false
            sql: CREATE FUNCTION two() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql
`,
      },
    },
    {
      name: 'a sqlFile: the finding is in the .sql file, the fix in the changelog',
      code: {
        'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            path: function.sql
            relativeToChangelogFile: true
`,
        'function.sql': `create function touch() returns trigger language plpgsql as $body$
begin
  new.updated_at := now();
  return new;
end⟦;⟧
$body$;
`,
      },
      messages: ['cuts the dollar-quoted body'],
      fix: {
        output: {
          'changelog.yaml': `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - sqlFile:
            splitStatements: false
            path: function.sql
            relativeToChangelogFile: true
`,
        },
      },
    },
  ],
});
