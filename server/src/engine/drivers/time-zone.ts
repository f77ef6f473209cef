// The session TimeZone both drivers set: the zone of the machine running pgcs (TZ, else /etc/localtime).
//
// Liquibase writes DATEEXECUTED and LOCKGRANTED with NOW() into `timestamp without time zone` columns, so the
// value is a wall-clock time in the session's TimeZone; pgjdbc sends the JVM's default zone (TZ, else
// /etc/localtime) as the TimeZone startup parameter, whatever the server's setting. Sessions of pgcs do the
// same, so both tools write the same wall-clock times on the same machine, and a changeset's own SQL
// (now()::date, timestamp literals into timestamptz) means what it means under Liquibase.

/** The IANA name of this process's time zone, as PostgreSQL's TimeZone setting accepts it. */
export function localTimeZone(): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // a TZ that ICU cannot read (TZ=Foo/Bar, TZ=) leaves Node on UTC, as the JVM falls back to GMT
  if (!name || name === 'Etc/Unknown' || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return 'UTC';
  return name;
}
