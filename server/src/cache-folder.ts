// Where the CLI keeps what it learns between runs (the parsed-file store, the code cache of its own bundle).
import * as os from 'node:os';
import * as nodePath from 'node:path';

/** PGCS_CACHE_DIR, else ~/.cache/pgcs/parsed (XDG_CACHE_HOME); undefined when PGCS_CACHE_DIR is set empty (keep nothing). */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.PGCS_CACHE_DIR;
  if (configured === '') return undefined;
  return configured ?? nodePath.join(env.XDG_CACHE_HOME || nodePath.join(os.homedir(), '.cache'), 'pgcs', 'parsed');
}
