import type { Changelog, Changeset } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { type ChecksumVerdict, verifyChecksum } from '../engine/checksum';
import { identityOf } from '../engine/tracking';
import type { AppliedChangeset, EnvironmentRecord, Rule } from './rule';

export const checksumDrift: Rule = {
  meta: {
    id: 'checksum-drift',
    category: 'drift',
    severity: 'error',
    title: 'A changeset an environment already ran has been edited since',
    docs: {
      why:
        'Liquibase records each changeset\'s checksum (MD5SUM) when it runs and validates every recorded one before ' +
        'the next update: an edited changeset fails validation, so Liquibase and pgcs refuse to update that ' +
        'environment at all. And the edit never reaches it: the database keeps what the changeset did when it ran.',
      instead:
        'Leave applied changesets as they are and make the change in a new changeset. When an edit really changes ' +
        'nothing in the database (a comment, formatting), add the recorded checksum to the changeset\'s validCheckSum. ' +
        'A changeset meant to be edited (a view, a function) takes runOnChange: true and is run again instead.',
      bad: '--changeset alice:1\n-- ran on staging as: CREATE TABLE invoices (id int);\nCREATE TABLE invoices (id bigint);',
      good: '--changeset alice:1\nCREATE TABLE invoices (id int);\n\n--changeset alice:2\nALTER TABLE invoices ALTER COLUMN id TYPE bigint;',
    },
  },
  changeset(context) {
    const { changeset } = context;
    // edits to these are expected: they run again (see edited-run-on-change)
    if (changeset.attributes.runOnChange || changeset.attributes.runAlways) return;
    const drifts = driftsOf(changeset, context.changelog, context.environments);
    if (drifts.length === 0) return;
    context.report({
      message: `${appliedText(drifts)}, edited since: Liquibase and pgcs will refuse to run it (${checksumText(drifts)}). Undo the edit and make the change in a new changeset, or add the recorded checksum to validCheckSum if the edit changes nothing in the database.`,
      range: changeset.headerRange,
      file: changeset.file,
    });
  },
};

export interface Drift {
  environment: string;
  row: AppliedChangeset;
  verdict: ChecksumVerdict;
}

/** The environments whose recorded MD5SUM for the changeset no longer matches it (validCheckSum respected). */
export function driftsOf(changeset: Changeset, changelog: Changelog, environments: EnvironmentRecord[]): Drift[] {
  if (environments.length === 0) return [];
  // never runs on PostgreSQL: a row with its identity is another changeset's (an h2 twin with the same id)
  if (changeset.attributes.ignore || (changeset.attributes.dbms && !dbmsIncludesPostgres(changeset.attributes.dbms))) return [];
  // a CSV a loadData reads is not in the model, and rules read no files: its checksum cannot be known here
  if (changeset.changes.some((c) => c.type === 'loadData' || c.type === 'loadUpdateData')) return [];
  const key = identityOf({ filename: changeset.logicalPath, id: changeset.id, author: changeset.author });
  const out: Drift[] = [];
  for (const environment of environments) {
    const row = rowsOf(environment).get(key);
    if (!row) continue;
    const verdict = verdictOf(changeset, changelog, row.md5sum);
    // no computed value means the stored checksum's version is one Liquibase 4.28 cannot compute: not an edit we can tell
    if (!verdict.ok && verdict.current !== undefined) out.push({ environment: environment.name, row, verdict });
  }
  return out;
}

export function appliedText(drifts: Drift[]): string {
  return `Applied to ${drifts.map((d) => `${d.environment} on ${dayOf(d.row.dateExecuted)}`).join(' and to ')}`;
}

function checksumText(drifts: Drift[]): string {
  const recorded = [...new Set(drifts.map((d) => d.verdict.stored))];
  return `checksum ${recorded.join(' / ')} recorded, ${drifts[0].verdict.current} now`;
}

/** the day of a DATEEXECUTED as recorded (readAppliedChangesets keeps the recorded wall-clock time as UTC) */
function dayOf(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an unknown date' : date.toISOString().slice(0, 10);
}

const rowIndexes = new WeakMap<EnvironmentRecord, Map<string, AppliedChangeset>>();

function rowsOf(environment: EnvironmentRecord): Map<string, AppliedChangeset> {
  let rows = rowIndexes.get(environment);
  if (!rows) {
    rows = new Map(environment.applied.map((r) => [identityOf(r), r]));
    rowIndexes.set(environment, rows);
  }
  return rows;
}

/**
 * Verdicts per changeset and stored value: lint runs on every keystroke, and the checksum of an unchanged
 * changeset object (the loader keeps them while their file is unchanged) does not change.
 */
const verdicts = new WeakMap<Changeset, { texts: unknown[]; byStored: Map<string, ChecksumVerdict> }>();

function verdictOf(changeset: Changeset, changelog: Changelog, stored: string | null): ChecksumVerdict {
  const texts = changeset.changes.map((c) => c.sql);
  let memo = verdicts.get(changeset);
  if (!memo || memo.texts.length !== texts.length || memo.texts.some((t, i) => t !== texts[i])) {
    memo = { texts, byStored: new Map() };
    verdicts.set(changeset, memo);
  }
  const key = stored ?? '';
  let verdict = memo.byStored.get(key);
  if (!verdict) {
    // the texts as the editor holds them, never the disk
    verdict = verifyChecksum(changeset, stored, { readFile: (path) => changelog.files.get(path)?.text });
    memo.byStored.set(key, verdict);
  }
  return verdict;
}
