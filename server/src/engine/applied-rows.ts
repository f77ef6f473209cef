// An environment's DATABASECHANGELOG as the drift rules read it: who ran what, when, with which checksum. The
// language server reads it per environment (and keeps it); the rules compare it with the changelog as edited.

import type { Driver } from './driver';
import { type AppliedRow, TrackingTables } from './tracking';

/** One row of DATABASECHANGELOG as an environment recorded it. */
export interface AppliedChangeset {
  id: string;
  author: string;
  /** FILENAME: compared with a changeset's logicalPath */
  filename: string;
  md5sum: string | null;
  /**
   * DATEEXECUTED. Liquibase stores a timestamp without time zone (the wall-clock time of the session that ran
   * it); it is read as that wall-clock time in UTC, so `toISOString()` gives back the recorded day and time.
   */
  dateExecuted: Date;
  orderExecuted: number;
  execType: string;
}

/**
 * The rows of DATABASECHANGELOG in `schema` (default: the session's current schema, where the engine and
 * Liquibase put it), in the order they ran; [] when the table does not exist (nothing ran yet).
 */
export async function readAppliedChangesets(driver: Driver, schema?: string): Promise<AppliedChangeset[]> {
  const where = schema ?? (await driver.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? 'public';
  return appliedChangesetsOf(await new TrackingTables(driver, where).readApplied());
}

/** Rows the engine already read (TrackingTables.readApplied), as the drift rules take them. */
export function appliedChangesetsOf(rows: AppliedRow[]): AppliedChangeset[] {
  return rows.map((row) => ({
    id: row.id,
    author: row.author,
    filename: row.filename,
    md5sum: row.md5sum,
    dateExecuted: recordedTime(row.dateexecuted),
    orderExecuted: Number(row.orderexecuted),
    execType: row.exectype,
  }));
}

/** `2026-11-20 17:45:00.123456` (the drivers return timestamps as text) → that wall-clock time as UTC, to the millisecond */
function recordedTime(value: unknown): Date {
  if (value instanceof Date) return value;
  const m = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(String(value));
  return m ? new Date(`${m[1]}T${m[2]}${m[3] ?? ''}Z`) : new Date(Number.NaN);
}
