// The least any linter built on libpg-query (the parser pgcs uses: PostgreSQL's own grammar, in WASM) must do with
// the .sql files the peers read: start Node, load the parser, and parse each file once, whole, as one call. Nothing
// else: no YAML, no splitting into statements, no reading of the parse tree it writes (its JSON is never decoded),
// no rules, no output, and a file with a syntax error stops at the error. A lower bound, then, for a cold pgcs: when
// squawk finishes before it, no libpg-query-based tool can match squawk cold on that input.
//
// (CommonJS: Node starts it sooner than an ES module, and a floor should be low.)
//
//   node bench/parser-floor.cjs FILE.sql …    prints the number of files and of files with a syntax error
const { readFileSync } = require('node:fs');
const { setFlagsFromString } = require('node:v8');

// baseline-compiled only, as pgcs loads it (server/src/sql/statements.ts: quicker for this parser)
setFlagsFromString('--liftoff-only');
import(require.resolve('libpg-query/wasm/libpg-query.js')).then(async (module) => {
  const wasm = await (module.default ?? module)();
  let errors = 0;
  for (const file of process.argv.slice(2)) {
    const bytes = readFileSync(file);
    const input = wasm._malloc(bytes.length + 1);
    wasm.HEAPU8.set(bytes, input);
    wasm.HEAPU8[input + bytes.length] = 0;
    const result = wasm._wasm_parse_query_raw(input);
    // PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error }
    if (wasm.getValue(result + 8, 'i32')) errors++;
    wasm._wasm_free_parse_result(result);
    wasm._free(input);
  }
  console.log(`${process.argv.length - 2} files, ${errors} with a syntax error`);
});
