// The session TimeZone both drivers set: the zone of the machine running pgcs (TZ, else /etc/localtime).
//
// Liquibase writes DATEEXECUTED and LOCKGRANTED with NOW() into `timestamp without time zone` columns, so the
// value is a wall-clock time in the session's TimeZone; pgjdbc sends the JVM's default zone (TZ, else
// /etc/localtime) as the TimeZone startup parameter, whatever the server's setting. Sessions of pgcs do the
// same, so both tools write the same wall-clock times on the same machine, and a changeset's own SQL
// (now()::date, timestamp literals into timestamptz) means what it means under Liquibase.

import { readlinkSync, statSync } from 'node:fs';

/** The IANA name of this process's time zone, as PostgreSQL's TimeZone setting accepts it. */
export function localTimeZone(): string {
  return zoneFromTzFile() ?? zoneFromIcu();
}

const ZONEINFO = '/usr/share/zoneinfo/';
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/;

/**
 * The zone read from the files the C library reads (TZ naming a zoneinfo file, else the /etc/localtime link),
 * when that is unambiguous: asking ICU costs 13-35 ms of every command's start (it loads its time-zone data),
 * and these are the same files ICU reads. Anything else (a POSIX rule such as EST5EDT, a copied /etc/localtime,
 * another platform) is left to ICU.
 */
function zoneFromTzFile(): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return undefined;
  const tz = process.env.TZ;
  try {
    if (tz !== undefined) {
      const name = tz.startsWith(':') ? tz.slice(1) : tz;
      return ZONE_NAME.test(name) && statSync(ZONEINFO + name, { throwIfNoEntry: false })?.isFile() ? name : undefined;
    }
    const link = readlinkSync('/etc/localtime');
    const at = link.indexOf('zoneinfo/');
    const name = at >= 0 ? link.slice(at + 'zoneinfo/'.length) : '';
    return ZONE_NAME.test(name) && !name.startsWith('posix/') && !name.startsWith('right/') ? name : undefined;
  } catch {
    return undefined;
  }
}

function zoneFromIcu(): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // a TZ that ICU cannot read (TZ=Foo/Bar, TZ=) leaves Node on UTC, as the JVM falls back to GMT
  if (!name || name === 'Etc/Unknown' || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return 'UTC';
  return name;
}
