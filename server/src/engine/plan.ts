import type { Changelog, Changeset } from '../changelog/model';
import { changesetChecksum, checksumMatches, parseStoredChecksum, verifyChecksum } from './checksum';
import { RunFilter, shouldRun } from './filters';
import { AppliedRow, identityOf } from './tracking';

/** Where a changeset stands against one database's DATABASECHANGELOG. */
export type ChangesetState =
  /** never ran: update runs it */
  | 'pending'
  /** ran, unchanged */
  | 'ran'
  /** ran, but runAlways, or runOnChange and edited: update runs it again (RERAN) */
  | 'rerun'
  /** ran, and its MD5SUM was cleared (clear-checksums): update writes the current one without running it */
  | 'checksum-cleared'
  /** ran under an older checksum version that still matches: update rewrites it as 9: */
  | 'checksum-upgrade'
  /** ran, and edited since: Liquibase and pgcs refuse to run until this is resolved */
  | 'checksum-mismatch';

export interface PlannedChangeset {
  changeset: Changeset;
  state: ChangesetState;
  /** the changeset passes the run's contexts, labels, dbms and ignore */
  selected: boolean;
  row?: AppliedRow;
  /** made when first read */
  readonly checksum: string;
}

export interface Plan {
  changesets: PlannedChangeset[];
  /** rows in the database that no changeset of the changelog has */
  unknownRows: AppliedRow[];
  rows: AppliedRow[];
}

export function identity(changeset: Changeset): string {
  return identityOf({ filename: changeset.logicalPath, id: changeset.id, author: changeset.author });
}

/** Checksums already made for this same changelog: by an earlier plan of the command, or kept by an earlier run. */
export interface ChecksumMemo {
  get(changeset: Changeset): string | undefined;
  set(changeset: Changeset, checksum: string): unknown;
}

/**
 * `checksums`: see ChecksumMemo (a command plans before and again after taking the lock; the changelog does not
 * change in between, so neither do they).
 */
export function makePlan(changelog: Changelog, rows: AppliedRow[], filter: RunFilter, checksums?: ChecksumMemo): Plan {
  const byIdentity = new Map<string, AppliedRow>();
  for (const row of rows) byIdentity.set(identityOf(row), row);
  const known = new Set<string>();
  const changesets = inRunOrder(changelog.changesets).map((changeset): PlannedChangeset => {
    const key = identity(changeset);
    known.add(key);
    const row = byIdentity.get(key);
    let checksum: string | undefined;
    const checksumOf = () => {
      checksum ??= checksums?.get(changeset);
      if (checksum === undefined) {
        checksum = changesetChecksum(changeset);
        checksums?.set(changeset, checksum);
      }
      return checksum;
    };
    // a changeset that has not run needs its checksum only for the row it will write: made then (for an update,
    // while the server runs the changesets before it), not before the first one can be sent
    const state = row ? stateOf(changeset, row, checksumOf()) : 'pending';
    return { changeset, row, selected: shouldRun(changeset, filter), state, get checksum() { return checksumOf(); } };
  });
  return { changesets, unknownRows: rows.filter((r) => !known.has(identityOf(r))), rows };
}

/**
 * The changesets in the order Liquibase runs them: DatabaseChangeLog.addChangeSet puts a `runOrder: first`
 * changeset after the firsts before it and a `last` one at the end, every other before the lasts, at each
 * include level alike, which comes to: the firsts, the others, the lasts, each in changelog order.
 */
export function inRunOrder(changesets: Changeset[]): Changeset[] {
  const order = (c: Changeset) => c.attributes.runOrder?.toLowerCase();
  if (!changesets.some((c) => order(c) !== undefined)) return changesets;
  return [...changesets.filter((c) => order(c) === 'first'), ...changesets.filter((c) => order(c) !== 'first' && order(c) !== 'last'), ...changesets.filter((c) => order(c) === 'last')];
}

function stateOf(changeset: Changeset, row: AppliedRow, checksum: string): ChangesetState {
  if (changeset.attributes.runAlways) return 'rerun';
  if (row.md5sum === null) return 'checksum-cleared';
  // the usual case, decided without making the checksum of the stored version again
  if (row.md5sum === checksum) return 'ran';
  if (checksumMatches(changeset, row.md5sum)) {
    return parseStoredChecksum(row.md5sum).version < 9 && row.md5sum !== checksum ? 'checksum-upgrade' : 'ran';
  }
  if (changeset.attributes.runOnChange) return 'rerun';
  return 'checksum-mismatch';
}

/** Liquibase's validation message for edited changesets. */
export function checksumErrors(plan: Plan): string[] {
  return plan.changesets
    .filter((p) => p.state === 'checksum-mismatch')
    // as Liquibase, "is now" is computed with the algorithm version of the stored value
    .map((p) => `${identity(p.changeset)} was: ${p.row!.md5sum} but is now: ${verifyChecksum(p.changeset, p.row!.md5sum).current ?? p.checksum}`);
}
