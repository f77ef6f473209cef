import type { Changelog } from '../changelog/model';
import { CatalogSnapshot, diffCatalog, snapshotCatalog } from './catalog';
import { parseTarget } from './connection-url';
import { Driver, openDriver } from './driver';
import { Engine, EngineError } from './engine';
import { identity } from './plan';

export interface VerifyOptions {
  /** a PostgreSQL server to make a temporary database on; PGlite in memory when absent or pglite: */
  url?: string;
  username?: string;
  password?: string;
  contexts: string[];
  labelFilter?: string;
  log: (message: string) => void;
}

export interface VerifyResult {
  identity: string;
  ok: boolean;
  /** what the rollback left behind, removed or changed compared with the schema before the changeset */
  differences: string[];
  error?: string;
}

export interface VerifyReport {
  scratch: string;
  results: VerifyResult[];
}

/**
 * Proves each rollback undoes its changeset: on a scratch database, apply changesets one at a time; after
 * each, roll it back and compare the catalog with the one before it, then apply it again and go on.
 */
export async function verifyRollbacks(changelog: Changelog, options: VerifyOptions): Promise<VerifyReport> {
  const scratch = await openScratch(options);
  const results: VerifyResult[] = [];
  try {
    const engine = new Engine(scratch.driver, changelog, {
      filter: { contexts: options.contexts, labelFilter: options.labelFilter },
      lockWaitMs: 10_000,
      lockTimeoutMs: 5_000,
      lockRetries: 0,
      log: () => undefined,
    });
    const plan = await engine.plan();
    const toRun = plan.changesets.filter((p) => p.selected && p.state === 'pending');
    options.log(`Verifying ${toRun.length} changesets on ${scratch.description}`);
    for (const item of toRun) {
      const name = identity(item.changeset);
      const before: CatalogSnapshot = await snapshotCatalog(scratch.driver);
      const applied = await engine.update({ count: 1 });
      if (applied.ran.length === 0) continue; // skipped by a precondition
      let after: CatalogSnapshot;
      try {
        // the rollback runs in a transaction that is then undone, so the walk goes on from exactly the
        // state after the changeset, whatever the rollback forgot or broke
        const probe = await engine.probeRollback(() => snapshotCatalog(scratch.driver));
        if (probe) after = probe.result;
        else {
          await engine.rollback({ count: 1 });
          after = await snapshotCatalog(scratch.driver);
        }
      } catch (error) {
        // a failed rollback changes nothing (it fails before running, or its transaction is rolled back),
        // so the changeset is still applied and the walk goes on from here
        results.push({ identity: name, ok: false, differences: [`rollback failed: ${(error as Error).message}`], error: (error as Error).message });
        continue;
      }
      const differences = diffCatalog(before, after);
      results.push({ identity: name, ok: differences.length === 0, differences });
      if (!(await engine.plan()).changesets.some((p) => p.changeset === item.changeset && p.state === 'pending')) continue;
      // rolled back for real (runInTransaction: false): apply it again; if what the rollback left makes that
      // fail, record it as applied without running it, and go on from the nearest state there is
      try {
        await engine.update({ count: 1 });
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        results[results.length - 1].differences.push(`could not be applied again after its rollback: ${error.message}`);
        await engine.changelogSync({ count: 1 });
      }
    }
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError(`verify stopped: ${error.message}`);
    throw error;
  } finally {
    await scratch.dispose();
  }
  return { scratch: scratch.description, results };
}

async function openScratch(options: VerifyOptions): Promise<{ driver: Driver; description: string; dispose: () => Promise<void> }> {
  const target = parseTarget({ url: options.url ?? 'pglite:memory', username: options.username, password: options.password, env: process.env, cwd: process.cwd() });
  if (target.kind !== 'postgresql') {
    const memory = parseTarget({ url: 'pglite:memory', env: {}, cwd: process.cwd() });
    const driver = await openDriver(memory, { applicationName: 'pgcs verify' });
    return { driver, description: 'a scratch PGlite database in memory', dispose: () => driver.close() };
  }
  const admin = await openDriver(target, { applicationName: 'pgcs verify' });
  const name = `pgcs_verify_${process.pid}_${Date.now().toString(36)}`;
  await admin.execute(`CREATE DATABASE ${name}`);
  let driver: Driver;
  try {
    const scratchTarget = { ...target, database: name, description: `${target.user}@${target.host}:${target.port}/${name}` };
    // the password is not enumerable (it must never show in logs), so a spread leaves it behind
    Object.defineProperty(scratchTarget, 'password', { value: target.password, enumerable: false, writable: true, configurable: true });
    driver = await openDriver(scratchTarget, { applicationName: 'pgcs verify' });
  } catch (error) {
    await admin.execute(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin.close();
    throw error;
  }
  return {
    driver,
    description: `a temporary database ${name} on ${target.host}:${target.port}`,
    dispose: async () => {
      await driver.close().catch(() => undefined);
      await admin.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.close().catch(() => undefined);
    },
  };
}
