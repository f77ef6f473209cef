import { checksumDrift } from '../../../server/src/rules/checksum-drift';
import { initSqlParser } from '../../../server/src/sql/statements';
import { appliedRowsOf, environment } from './drift-fixtures';
import { ruleTester } from './rule-tester';

await initSqlParser();

const ran = `--liquibase formatted sql
--changeset a:1
CREATE TABLE invoices (id int);

--changeset a:2
CREATE INDEX invoices_id_idx ON invoices (id);
`;
const stagingRows = appliedRowsOf(ran, '2026-11-20T17:45:00Z');

const ranYaml = `databaseChangeLog:
  - changeSet:
      id: 1
      author: a
      changes:
        - createTable:
            tableName: invoices
            columns:
              - column:
                  name: id
                  type: int
`;


ruleTester(checksumDrift, {
  valid: [
    {
      name: 'the changesets as they ran (whitespace does not count in SQL checksums)',
      code: ran.replace('CREATE TABLE invoices (id int);', 'CREATE TABLE invoices (id  int);\n'),
      environments: [environment('staging', stagingRows)],
    },
    {
      name: 'a changeset the environment has not run yet',
      code: ran + '\n--changeset a:3\nALTER TABLE invoices ADD COLUMN total numeric;\n',
      environments: [environment('staging', stagingRows)],
    },
    {
      name: 'no environments known (a plain lint)',
      code: ran.replace('(id int)', '(id bigint)'),
    },
    {
      name: 'an edited changeset with validCheckSum: ANY',
      code: ran.replace('--changeset a:1\n', '--changeset a:1\n--validCheckSum: ANY\n').replace('(id int)', '(id bigint)'),
      environments: [environment('staging', stagingRows)],
    },
    {
      name: 'an edited changeset whose validCheckSum lists the recorded checksum',
      code: ran.replace('--changeset a:1\n', `--changeset a:1\n--validCheckSum: ${stagingRows[0].md5sum}\n`).replace('(id int)', '(id bigint)'),
      environments: [environment('staging', stagingRows)],
    },
    {
      name: 'an edited runOnChange changeset (it reruns: edited-run-on-change tells)',
      code: ran.replace('--changeset a:1', '--changeset a:1 runOnChange:true').replace('(id int)', '(id bigint)'),
      environments: [environment('staging', appliedRowsOf(ran.replace('--changeset a:1', '--changeset a:1 runOnChange:true')))],
    },
    {
      name: 'a cleared checksum (clear-checksums): Liquibase writes the new one on the next update',
      code: ran.replace('(id int)', '(id bigint)'),
      environments: [environment('staging', stagingRows.map((r) => ({ ...r, md5sum: null })))],
    },
    {
      name: 'a twin changeset for another database with the same identity (only the PostgreSQL one ran)',
      code: ran.replace('--changeset a:1', '--changeset a:1 dbms:h2\nCREATE TABLE invoices (id identity);\n\n--changeset a:1 dbms:postgresql'),
      environments: [environment('staging', appliedRowsOf(ran.replace('--changeset a:1', '--changeset a:1 dbms:postgresql')))],
    },
  ],
  invalid: [
    {
      name: 'a formatted SQL changeset edited after it ran on staging',
      code: ran.replace('--changeset a:1', '⟦--changeset a:1⟧').replace('(id int)', '(id bigint)'),
      environments: [environment('staging', stagingRows)],
      messages: [/^Applied to staging on 2026-11-20, edited since: Liquibase and pgcs will refuse to run it \(checksum 9:[0-9a-f]{32} recorded, 9:[0-9a-f]{32} now\)/],
    },
    {
      name: 'a built-in change edited after it ran on two environments',
      code: ranYaml.replace('- changeSet', '- ⟦changeSet⟧').replace('type: int', 'type: bigint'),
      environments: [environment('staging', appliedRowsOf(ranYaml, '2026-11-20T10:00:00Z')), environment('production', appliedRowsOf(ranYaml, '2026-11-21T10:00:00Z'))],
      messages: ['Applied to staging on 2026-11-20 and to production on 2026-11-21, edited since'],
    },
    {
      name: 'a changeset recorded with an old checksum version (8:) that no longer matches',
      code: ran.replace('--changeset a:2', '⟦--changeset a:2⟧').replace('(id);', '(id DESC);'),
      environments: [environment('staging', [stagingRows[0], { ...stagingRows[1], md5sum: '8:0123456789abcdef0123456789abcdef' }])],
      messages: [/checksum 8:0123456789abcdef0123456789abcdef recorded, 8:[0-9a-f]{32} now/],
    },
  ],
});
