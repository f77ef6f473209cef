// `pgcs`: starts the CLI (cli-main.js, the bundle of cli.ts beside this file) from V8's code cache of it
// (code-cache.ts), kept in the parsed-file store's folder (none when PGCS_CACHE_DIR is empty). Until that folder
// has one, the cache `npm run build` made beside the bundle (build.mjs runs the CLI once) is taken: the first run
// on a machine that built pgcs, with an empty cache folder (a fresh CI job), compiles no more than later ones. A
// refused cache is written anew in the folder.
import * as nodePath from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { cacheFolder } from './cache-folder';
import { codeCacheName, readOrUndefined, runBundle, settleWasmFlags, writeCodeCache } from './code-cache';

const main = nodePath.join(__dirname, 'cli-main.js');

/**
 * `lint` mostly answers from the findings it kept and runs little of the bundle: its cache holds what ran up to its
 * first wait, which is quicker to load than all a whole lint compiled. The other commands (update, status, …) run
 * most of their code every time: theirs is made when the command is done and holds every function it compiled.
 * Each kind has its own file, so that neither loads the other's.
 */
const SHORT_CACHE_COMMANDS = new Set(['lint']);
const shortCache = SHORT_CACHE_COMMANDS.has(process.argv[2] ?? '');

settleWasmFlags();
// V8 drops the bytecode of functions that have not run for a few garbage collections. The bundle's own body runs
// once, first: by the end of an update it has been dropped, the cache made then lacks it, and the next run
// compiled the whole 1.3 MB body again before starting (~20 ms). A run of the CLI is short; nothing is dropped.
setFlagsFromString('--no-flush-bytecode');

let name: string | undefined;
let folder: string | undefined;
try {
  folder = cacheFolder();
  name = codeCacheName(main, shortCache ? 'lint' : 'engine');
} catch {
  name = undefined;
}
if (folder === undefined || name === undefined) {
  require(main);
} else {
  const file = nodePath.join(folder, name);
  const cachedData = readOrUndefined(file) ?? readOrUndefined(nodePath.join(__dirname, name));
  const script = runBundle(main, cachedData);
  if (!cachedData || script.cachedDataRejected) {
    if (shortCache) writeCodeCache(file, script);
    else process.once('beforeExit', () => writeCodeCache(file, script));
  }
}
