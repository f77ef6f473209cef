import { appliedText, driftsOf } from './checksum-drift';
import type { Rule } from './rule';

export const editedRunOnChange: Rule = {
  meta: {
    id: 'edited-run-on-change',
    category: 'drift',
    severity: 'info',
    title: 'A runOnChange changeset an environment ran has been edited: the next update runs it again there',
    docs: {
      why:
        'A runOnChange changeset whose checksum differs from the one an environment recorded is not an error: the ' +
        'next update runs it again (EXECTYPE RERAN). Worth knowing before deploying: the whole changeset runs again ' +
        'against the data that environment has now, so it must be safe to repeat.',
      instead:
        'Keep runOnChange changesets repeatable: CREATE OR REPLACE for views and functions, no INSERT without a ' +
        'guard, nothing that fails when the objects already exist.',
      bad: '--changeset alice:1 runOnChange:true\nCREATE VIEW open_orders AS SELECT * FROM orders WHERE open;',
      good: '--changeset alice:1 runOnChange:true\nCREATE OR REPLACE VIEW open_orders AS SELECT * FROM orders WHERE open;',
    },
  },
  changeset(context) {
    const { changeset } = context;
    if (!changeset.attributes.runOnChange || changeset.attributes.runAlways) return;
    const drifts = driftsOf(changeset, context.changelog, context.environments);
    if (drifts.length === 0) return;
    context.report({
      message: `${appliedText(drifts)}, edited since: it is runOnChange, so the next update runs it again there; make sure it is safe to repeat.`,
      range: changeset.headerRange,
      file: changeset.file,
    });
  },
};
