// Node's crypto, child_process and zlib modules take milliseconds each to load (crypto ~5 ms, child_process with
// net and dgram ~5 ms), and the commonest runs use none of them: a lint or status answered from the cache folder
// hashes nothing, spawns nothing and unzips nothing. Each is loaded at its first use.

import type * as Crypto from 'node:crypto';
import type * as ChildProcess from 'node:child_process';
import type * as Zlib from 'node:zlib';

export const crypto = (): typeof Crypto => builtin('node:crypto');
export const childProcess = (): typeof ChildProcess => builtin('node:child_process');
export const zlib = (): typeof Zlib => builtin('node:zlib');

/** process.getBuiltinModule (Node 20.16+) works in ES modules too, where there is no require */
function builtin<T>(id: string): T {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (get ? get.call(process, id) : require(id)) as T;
}
