// The language server's launcher (dist/server.js, what VS Code starts): runs the server (server-main.js, the bundle
// of server.ts beside this file) from V8's code cache of it (code-cache.ts), kept in the CLI's cache folder. Every
// window starts a server; without the cache each compiles the bundle, then every function as the first changelog
// is opened and the first edits are answered, which made those the slowest answers of a session. The cache is
// written when the server exits (VS Code's shutdown and exit, or a window closed): it then holds everything the
// session compiled, for the next one.
import * as nodePath from 'node:path';
import { cacheFolder } from './cache-folder';
import { codeCacheName, readOrUndefined, runBundle, settleWasmFlags, writeCodeCache } from './code-cache';

const main = nodePath.join(__dirname, 'server-main.js');

settleWasmFlags();

let file: string | undefined;
try {
  const folder = cacheFolder();
  file = folder === undefined ? undefined : nodePath.join(folder, codeCacheName(main, 'server'));
} catch {
  file = undefined;
}
if (file === undefined) {
  require(main);
} else {
  const cachedData = readOrUndefined(file);
  const script = runBundle(main, cachedData);
  // 'exit' listeners run on process.exit (vscode-languageserver's answer to exit), and may only work synchronously
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeCodeCache(file!, script));
}
