import { editedRunOnChange } from '../../../server/src/rules/edited-run-on-change';
import { initSqlParser } from '../../../server/src/sql/statements';
import { appliedRowsOf, environment } from './drift-fixtures';
import { ruleTester } from './rule-tester';

await initSqlParser();

const ran = `--liquibase formatted sql
--changeset a:1 runOnChange:true
CREATE OR REPLACE VIEW open_orders AS SELECT * FROM orders WHERE open;
`;
const rows = appliedRowsOf(ran, '2026-11-20T08:00:00Z');

ruleTester(editedRunOnChange, {
  valid: [
    {
      name: 'a runOnChange changeset as it ran',
      code: ran,
      environments: [environment('staging', rows)],
    },
    {
      name: 'an edited changeset without runOnChange (that is checksum-drift)',
      code: ran.replace(' runOnChange:true', '').replace('WHERE open', 'WHERE open AND NOT archived'),
      environments: [environment('staging', appliedRowsOf(ran.replace(' runOnChange:true', '')))],
    },
  ],
  invalid: [
    {
      name: 'an edited runOnChange view',
      code: ran.replace('--changeset a:1 runOnChange:true', '⟦--changeset a:1 runOnChange:true⟧').replace('WHERE open', 'WHERE open AND NOT archived'),
      environments: [environment('staging', rows)],
      messages: ['Applied to staging on 2026-11-20, edited since: it is runOnChange, so the next update runs it again there'],
    },
  ],
});
