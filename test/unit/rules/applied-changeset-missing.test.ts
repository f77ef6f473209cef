import { appliedChangesetMissing } from '../../../server/src/rules/applied-changeset-missing';
import { initSqlParser } from '../../../server/src/sql/statements';
import { appliedRowsOf, environment } from './drift-fixtures';
import { ruleTester } from './rule-tester';

await initSqlParser();

const changesets = (ids: number[]) =>
  `--liquibase formatted sql\n` + ids.map((i) => `\n--changeset a:${i}\nCREATE TABLE t${i} (id int);\n--rollback DROP TABLE t${i};\n`).join('');
const ranSeven = appliedRowsOf(changesets([1, 2, 3, 4, 5, 6, 7]));

ruleTester(appliedChangesetMissing, {
  valid: [
    {
      name: 'every applied changeset is still in the changelog, and some are not applied yet',
      code: changesets([1, 2, 3, 4, 5, 6, 7, 8]),
      environments: [environment('staging', ranSeven)],
    },
    {
      name: 'rows of files this changelog does not read (another changelog on the same database)',
      code: changesets([1]),
      environments: [environment('staging', [...ranSeven.slice(0, 1), ...ranSeven.slice(1).map((r) => ({ ...r, filename: 'other/changelog.sql' }))])],
    },
  ],
  invalid: [
    {
      name: 'a changeset deleted after it ran',
      code: changesets([1, 2, 3, 4, 5, 6, 7]).replace('--liquibase formatted sql', '⟦--liquibase formatted sql⟧').replace('\n--changeset a:3\nCREATE TABLE t3 (id int);\n--rollback DROP TABLE t3;\n', ''),
      environments: [environment('staging', ranSeven)],
      messages: ['staging ran a changeset the changelog no longer has (changelog.sql::3::a): its objects stay in that database'],
    },
    {
      name: 'one finding per environment, listing five identities',
      code: changesets([1]).replace('--liquibase formatted sql', '⟦⟦--liquibase formatted sql⟧⟧'),
      environments: [environment('staging', ranSeven), environment('production', ranSeven.slice(0, 3))],
      messages: [
        'staging ran 6 changesets the changelog no longer has (changelog.sql::2::a, changelog.sql::3::a, changelog.sql::4::a, changelog.sql::5::a, changelog.sql::6::a and 1 more)',
        'production ran 2 changesets',
      ],
    },
  ],
});
