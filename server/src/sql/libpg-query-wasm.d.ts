// libpg-query's emscripten module, which the package's index wraps: a factory that instantiates the WASM.
declare module 'libpg-query/wasm/libpg-query.js' {
  const instantiate: () => Promise<unknown>;
  export default instantiate;
}
