// What is really in the databases, read the way pgcs reads them: through the project's drivers, which honour
// the PGlite folder lock the language server holds while it works on the same folder.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openDriver } from '../../../server/src/engine/driver';
import { parseTarget } from '../../../server/src/engine/connection-url';

export interface DatabaseState {
  /** tables in the public schema, sorted */
  tables: string[];
  /** DATABASECHANGELOG ids in the order they ran ([] when the table does not exist) */
  applied: string[];
}

const TABLES = "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1";
const APPLIED = 'SELECT id FROM databasechangelog ORDER BY orderexecuted';

/** PGlite: through the project's driver, which waits for the language server's lock on the folder. */
export async function pgliteState(folder: string): Promise<DatabaseState> {
  const driver = await openDriver(parseTarget({ url: `pglite:${folder}`, env: process.env, cwd: process.cwd() }), { lockTimeoutMs: 30_000 });
  try {
    const tables = (await driver.query<{ name: string }>(TABLES)).rows.map((r) => r.name);
    const applied = tables.includes('databasechangelog') ? (await driver.query<{ id: string }>(APPLIED)).rows.map((r) => r.id) : [];
    return { tables, applied };
  } finally {
    await driver.close();
  }
}

/**
 * PostgreSQL: with `pg` itself. (The project's openDriver lends pg a global `navigator` while loading it, and
 * the extension host's `navigator` is a getter without a setter, so that assignment throws here.)
 */
export async function postgresState(url: string): Promise<DatabaseState> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>(TABLES)).rows.map((r) => r.name);
    const applied = tables.includes('databasechangelog') ? (await client.query<{ id: string }>(APPLIED)).rows.map((r) => r.id) : [];
    return { tables, applied };
  } finally {
    await client.end();
  }
}

/**
 * The default `local` environment's PGlite folder: <storage>/local, where <storage> is the extension's
 * workspace storage, which VS Code keeps under the user data folder the launcher gave code-server.
 */
export function localPgliteFolder(userData = process.env.PGCS_E2E_USER_DATA): string | undefined {
  if (!userData) throw new Error('PGCS_E2E_USER_DATA is not set: the suite runs only under test/e2e/workbench.ts');
  const storage = join(userData, 'User', 'workspaceStorage');
  if (!existsSync(storage)) return undefined;
  for (const workspace of readdirSync(storage)) {
    const folder = join(storage, workspace, 'pg-changesets.pg-changesets', 'local');
    if (existsSync(folder)) return folder;
  }
  return undefined;
}
