// `pgcs`: starts the CLI (cli-main.js, the bundle of cli.ts beside this file) from V8's code cache of it.
// Compiling the 1.3 MB bundle, and then each function it runs, is a fifth of a short run such as a lint whose
// findings the store keeps; Node 20 keeps no code cache of its own. The cache sits in the parsed-file store's
// folder (none when PGCS_CACHE_DIR is empty), named by the bundle's size and time. Until that folder has one, the
// cache `npm run build` made beside the bundle (build.mjs runs the CLI once) is taken: the first run on a machine
// that built pgcs, with an empty cache folder (a fresh CI job), compiles no more than later ones. V8 refuses a
// cache made by another V8, with other flags or for another source (it then compiles as usual), and a new one is
// written in the folder.
import * as fs from 'node:fs';
import Module from 'node:module';
import * as nodePath from 'node:path';
import { setFlagsFromString } from 'node:v8';
import * as vm from 'node:vm';
import { cacheFolder } from './cache-folder';

const main = nodePath.join(__dirname, 'cli-main.js');

/**
 * `lint` mostly answers from the findings it kept and runs little of the bundle: its cache holds what ran up to its
 * first wait, which is quicker to load than all a whole lint compiled. The other commands (update, status, …) run
 * most of their code every time: theirs is made when the command is done and holds every function it compiled.
 * Each kind has its own file, so that neither loads the other's.
 */
const SHORT_CACHE_COMMANDS = new Set(['lint']);
const shortCache = SHORT_CACHE_COMMANDS.has(process.argv[2] ?? '');

/** the cache's name: a bundle built again (the same size, perhaps: V8 checks only the length) has other names */
function codeCacheName(): string {
  const bundle = fs.statSync(main);
  return `code-cache-${bundle.size}-${Math.round(bundle.mtimeMs)}-${shortCache ? 'lint' : 'engine'}.bin`;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Runs the bundle as require() would, compiled with `cachedData`; the compiled script. */
function runBundle(cachedData: Buffer | undefined): vm.Script {
  // the bundle starts with a #! line, which is no JavaScript inside the module wrapper
  const source = fs.readFileSync(main, 'utf8').replace(/^#!/, '//');
  const script = new vm.Script(Module.wrap(source), { filename: main, cachedData });
  const module = new Module(main);
  module.filename = main;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  module.loaded = true;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, Module.createRequire(main), module, main, __dirname);
  return script;
}

/** written aside and renamed: a run reading at the same time sees no cache or the whole one */
function writeCodeCache(file: string, script: vm.Script): void {
  try {
    fs.mkdirSync(nodePath.dirname(file), { recursive: true });
    const aside = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(aside, script.createCachedData());
    fs.renameSync(aside, file);
  } catch {
    // a read-only cache folder only costs the compile
  }
}

// WASM runs baseline-compiled only in the CLI: for a run this short, V8's optimising recompiles of hot functions
// cost more than they save (the SQL parser: statements.ts, initSqlParser). --liftoff-only turns tier-up off, and
// --no-liftoff-only does not turn it back on; set so before anything runs, the flags are the same from the start
// to the end of every run, which V8's code cache (refused when made under other flags) needs.
setFlagsFromString('--liftoff-only');
setFlagsFromString('--no-liftoff-only');
// V8 drops the bytecode of functions that have not run for a few garbage collections. The bundle's own body runs
// once, first: by the end of an update it has been dropped, the cache made then lacks it, and the next run
// compiled the whole 1.3 MB body again before starting (~20 ms). A run of the CLI is short; nothing is dropped.
setFlagsFromString('--no-flush-bytecode');

let name: string | undefined;
let folder: string | undefined;
try {
  folder = cacheFolder();
  name = codeCacheName();
} catch {
  name = undefined;
}
if (folder === undefined || name === undefined) {
  require(main);
} else {
  const file = nodePath.join(folder, name);
  const cachedData = readOrUndefined(file) ?? readOrUndefined(nodePath.join(__dirname, name));
  const script = runBundle(cachedData);
  if (!cachedData || script.cachedDataRejected) {
    if (shortCache) writeCodeCache(file, script);
    else process.once('beforeExit', () => writeCodeCache(file, script));
  }
}
