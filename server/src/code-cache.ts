// Running a bundle from V8's code cache of it: the launchers of the CLI (cli-launch.ts) and of the language server
// (server-launch.ts). Node 20 keeps no code cache of its own; compiling a 1.3 MB bundle, then each function as it
// first runs, is a fifth of a short CLI command and much of a language server's first answers. V8 refuses a cache
// made by another V8, with other flags or for another source (the bundle then compiles as usual).
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as nodePath from 'node:path';
import { setFlagsFromString } from 'node:v8';
import * as vm from 'node:vm';

/** A cache's name: a bundle built again (the same size, perhaps: V8 checks only the length) has other names. */
export function codeCacheName(bundle: string, kind: string): string {
  const stat = fs.statSync(bundle);
  return `code-cache-${stat.size}-${Math.round(stat.mtimeMs)}-${kind}.bin`;
}

export function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Runs the bundle as require() would, compiled with `cachedData`; the compiled script. */
export function runBundle(bundle: string, cachedData: Buffer | undefined): vm.Script {
  // A bundle of ASCII alone (build.mjs makes it so) is read as Latin-1: the same text, made in a fraction of the
  // time UTF-8 decoding takes (cli-main.js: ~0.6 against ~4.5 ms, every run). The bundle may start with a #! line,
  // which is no JavaScript inside the module wrapper.
  const bytes = fs.readFileSync(bundle);
  const source = (typeof isAscii === 'function' && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')).replace(/^#!/, '//');
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = new Module(bundle);
  module.filename = bundle;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(nodePath.dirname(bundle));
  module.loaded = true;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, nodePath.dirname(bundle));
  return script;
}

/** written aside and renamed: a process reading at the same time sees no cache or the whole one */
export function writeCodeCache(file: string, script: vm.Script): void {
  try {
    fs.mkdirSync(nodePath.dirname(file), { recursive: true });
    const aside = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(aside, script.createCachedData());
    fs.renameSync(aside, file);
  } catch {
    // a read-only cache folder only costs the compile
  }
}

/**
 * WASM runs baseline-compiled only: the SQL parser's --liftoff-only (statements.ts, initSqlParser) turns tier-up
 * off, and --no-liftoff-only does not turn it back on. Set so before anything is compiled, V8's flags, which key the
 * cache, are the same from the start to the end of every process.
 */
export function settleWasmFlags(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--no-liftoff-only');
}
