// The PGlite template cache (server/src/engine/drivers/pglite.ts): after the first run every test database
// comes from the cached template, so this file is what still exercises initdb, saving a template, and
// falling back from a template that cannot be used. It costs one initdb (~10 s).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../server/src/engine/connection-url';
import { openDriver } from '../../server/src/engine/driver';
import { testEnv } from './postgres';

const tmpRoot = mkdtempSync(join(tmpdir(), 'pgcs-pglite-template-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

describe('the PGlite template cache', () => {
  it('falls back to initdb when the cached template is unusable, and replaces it with a good one', async () => {
    const cache = join(tmpRoot, 'cache');
    mkdirSync(cache);
    writeFileSync(join(cache, 'pglite-template.tar.gz'), 'not a tarball');
    writeFileSync(join(cache, 'pglite-template.json'), JSON.stringify({ version: 'PostgreSQL 0 (PGlite 0)' }));
    const dir = join(tmpRoot, 'db');
    const target = parseTarget({ url: `pglite:${dir}`, env: testEnv({ PGCS_PGLITE_CACHE: cache }), cwd: tmpRoot });
    const d = await openDriver(target);
    try {
      await d.execute('CREATE TABLE works (id int)');
      expect((await d.query('SELECT count(*) AS n FROM works')).rows).toEqual([{ n: 0 }]);
    } finally {
      await d.close();
    }
    const meta = JSON.parse(readFileSync(join(cache, 'pglite-template.json'), 'utf8'));
    expect(meta.version).toMatch(/^PostgreSQL 18\.\d+ \(PGlite \d+\.\d+\.\d+\)/);
    expect(statSync(join(cache, 'pglite-template.tar.gz')).size).toBeGreaterThan(1_000_000);
  });
});
