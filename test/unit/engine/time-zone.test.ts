// localTimeZone reads TZ and /etc/localtime itself before asking ICU (which costs a command 13-35 ms): whatever
// path it takes, the name it gives must be the zone ICU means, or unreadable TZ values fall back to UTC as before.
import { readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { localTimeZone } from '../../../server/src/engine/drivers/time-zone';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** Wall-clock times of a few instants (both sides of DST changes) in a zone: two names of one zone agree */
function wallClocks(zone: string): string[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, dateStyle: 'short', timeStyle: 'long', hourCycle: 'h23' });
  return ['2024-01-15T12:00:00Z', '2024-07-15T12:00:00Z', '1995-03-26T01:30:00Z', '2030-10-27T00:59:00Z'].map((t) => format.format(new Date(t)));
}

describe('localTimeZone', () => {
  it.each([
    ['America/New_York', 'America/New_York'],
    [':Europe/Berlin', 'Europe/Berlin'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['UTC', 'UTC'],
    ['Pacific/Kiritimati', 'Pacific/Kiritimati'],
  ])('names the zone TZ=%s names', (tz, zone) => {
    process.env.TZ = tz;
    const name = localTimeZone();
    expect(wallClocks(name)).toEqual(wallClocks(zone));
  });

  it.each(['Foo/Bar', '', '../../etc/passwd', 'Europe/../../../etc/passwd'])('falls back to UTC for TZ=%j, which names no zone', (tz) => {
    process.env.TZ = tz;
    expect(localTimeZone()).toBe('UTC');
  });

  it('without TZ names the zone /etc/localtime links to', () => {
    delete process.env.TZ;
    let linked: string | undefined;
    try {
      linked = readlinkSync('/etc/localtime').split('zoneinfo/')[1];
    } catch {
      linked = undefined;
    }
    const name = localTimeZone();
    if (linked) expect(name).toBe(linked);
    expect(wallClocks(name)).toEqual(wallClocks(Intl.DateTimeFormat().resolvedOptions().timeZone));
  });
});
