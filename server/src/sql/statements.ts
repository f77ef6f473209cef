// CONTRACT (implemented below): the SQL layer works on plain strings; mapping to file positions is the model's job.
// All offsets are JS string (UTF-16) indices into the `sql` text given.
//
// How parseSql works:
//  1. executionChunks: the text is cut the way Liquibase 4.28.0 cuts it (splitStatements, endDelimiter, `GO` and
//     `/` lines, BEGIN ... END blocks, trimming; see liquibase-splitter.ts), except that a PostgreSQL dollar-quoted
//     body is never cut. liquibaseCuts lists where the real Liquibase would cut inside such a body.
//  2. statements: each chunk is cut into single statements with a PostgreSQL lexer (quotes, E'' strings, quoted
//     identifiers, dollar quotes, nested comments; `;` inside parentheses or a BEGIN ATOMIC body does not end a
//     statement, as in psql; see pg-lexer.ts). Each statement is parsed on its own by libpg-query (PostgreSQL 18),
//     so an error in one statement never hides the others. Parse results are cached per statement text (LRU).
//  3. Syntax errors point at the offending token (libpg-query's cursorPosition, which counts characters, not bytes,
//     extended to the end of the token there). "syntax error at end of input" points at the statement's last
//     token, so the underline is visible where the statement stops.

import { setFlagsFromString } from 'node:v8';
import { liquibaseChunkText, liquibaseSplit } from './liquibase-splitter';
import { lastRealToken, nextRealToken, operatorRunCost, splitPgStatements, tokenAtOrAfter } from './pg-lexer';
import { ByteIndexMap, codePointOffsetToIndex, isAscii, toWellFormed, utf8Length } from './utf8-offsets';

export { byteOffsetToIndex } from './utf8-offsets';

export interface Span {
  start: number;
  end: number;
}

export interface SqlSyntaxError {
  /** PostgreSQL's message, e.g. `syntax error at or near "FROM"` */
  message: string;
  /** the offending token (or a zero/one-width span at end of input) */
  start: number;
  end: number;
}

export interface ParsedStatement extends Span {
  /**
   * libpg-query's node for this statement: `{ CreateStmt: {...} }` etc.; undefined on syntax error or empty.
   *
   * LOCATIONS: every `location` (and similar) field inside `node` is a UTF-8 BYTE offset relative to the START OF
   * THIS STATEMENT (`start`), because each statement is parsed on its own. Convert with
   * `nodeLocation(sql, statement, location)`, which gives the UTF-16 index in `sql`.
   * Nodes are shared between parses of the same statement text (cache): treat them as read-only.
   */
  node?: Record<string, any>;
  /** the statement node's kind, e.g. 'CreateStmt', 'AlterTableStmt' */
  kind?: string;
  error?: SqlSyntaxError;
}

export interface ParsedSql {
  /** one entry per SQL statement (analysis granularity: each is exactly one statement of PostgreSQL's grammar) */
  statements: ParsedStatement[];
  /** what the engine sends to the server, one per Liquibase split (dollar-quoted bodies are never cut) */
  executionChunks: Span[];
  /**
   * where Liquibase 4.28's own splitter (which ignores dollar quoting) would cut inside a dollar-quoted body:
   * the span of the delimiter it would cut at. Empty when splitStatements is false.
   */
  liquibaseCuts: Span[];
  /**
   * Set when Liquibase 4.28's SQL tokenizer (SimpleSqlGrammar) rejects a character of the text, e.g. a form feed
   * outside quotes and comments: the change then fails in Liquibase before reaching the database. The span is
   * that character. (Addition to the original contract; optional.)
   */
  liquibaseError?: SqlSyntaxError;
}

/** The parts of libpg-query's emscripten module (wasm/libpg-query.js) that its parseSync uses. */
interface PgQueryWasm {
  _malloc(size: number): number;
  _free(ptr: number): void;
  /** the WASM memory (a new view after the memory grows) */
  HEAPU8: Uint8Array;
  UTF8ToString(ptr: number): string;
  getValue(ptr: number, type: 'i32'): number;
  _wasm_parse_query_raw(queryPtr: number): number;
  _wasm_free_parse_result(resultPtr: number): void;
}
type PgQueryFactory = () => Promise<PgQueryWasm>;

export interface SqlOptions {
  splitStatements: boolean;
  stripComments: boolean;
  /** Liquibase endDelimiter as the user wrote it after YAML decoding (e.g. `@@`, `;;`, `\nGO`); undefined = default */
  endDelimiter?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// libpg-query

let loaded = false;
let loading: Promise<void> | undefined;
// loaded when first needed: instantiating libpg-query compiles its WASM, which commands that parse no SQL (the
// CLI's status, history, …) should not wait for
let parser: PgQueryWasm | undefined;

/**
 * Loads libpg-query's WASM module once; later calls return at once. Must complete before parseSql. The module is
 * used through its own exports (what the package's parseSync calls), so that the parse tree arrives as JSON text
 * (see parseTree).
 */
export function initSqlParser(): Promise<void> {
  if (loaded) return Promise.resolve();
  if (!loading) {
    loading = import('libpg-query/wasm/libpg-query.js').then(async (module) => {
      const instantiate = (module as { default?: PgQueryFactory }).default ?? (module as unknown as PgQueryFactory);
      // V8 first compiles WASM with its baseline compiler, then recompiles hot functions with its optimising one.
      // For this parser that second compile costs more than it ever saves: 1,200 statements parse in ~35 ms
      // baseline-only against ~90–140 ms with tier-up, and as fast afterwards (measured, Node 20). The flag is read
      // when a module is compiled, so it is set for this module alone and other WASM (PGlite) is compiled as usual.
      setFlagsFromString('--liftoff-only');
      try {
        parser = await instantiate();
      } finally {
        setFlagsFromString('--no-liftoff-only');
      }
    }).then(
      () => {
        loaded = true;
      },
      (e: unknown) => {
        loading = undefined;
        throw e;
      },
    );
  }
  return loading;
}

/**
 * libpg-query's parse as the package's parseSync makes it, but giving the JSON text of the tree: statement text
 * in, `{ version, stmts }` JSON out; a PostgreSQL error is thrown with its `sqlDetails` (message, 0-based cursor).
 */
function parseToJson(query: string): string {
  const wasm = parser!;
  if (query === '') throw new Error('Query cannot be empty');
  // (the text is well-formed UTF-16 here, so Node's UTF-8 is emscripten's; the native encoder and decoder below
  // do in one call what emscripten's helpers do a byte at a time in JavaScript)
  const size = Buffer.byteLength(query, 'utf8') + 1;
  const queryPtr = wasm._malloc(size);
  let resultPtr = 0;
  try {
    utf8Encoder.encodeInto(query, wasm.HEAPU8.subarray(queryPtr, queryPtr + size - 1));
    wasm.HEAPU8[queryPtr + size - 1] = 0;
    resultPtr = wasm._wasm_parse_query_raw(queryPtr);
    if (!resultPtr) throw new Error('Failed to parse query: memory allocation failed');
    // PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error }
    const treePtr = wasm.getValue(resultPtr, 'i32');
    const errorPtr = wasm.getValue(resultPtr + 8, 'i32');
    if (errorPtr) {
      // PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos; … }
      const messagePtr = wasm.getValue(errorPtr, 'i32');
      const cursor = wasm.getValue(errorPtr + 16, 'i32');
      const message = messagePtr ? wasm.UTF8ToString(messagePtr) : 'Unknown error';
      throw Object.assign(new Error(message), { sqlDetails: { message, cursorPosition: cursor > 0 ? cursor - 1 : 0 } });
    }
    if (!treePtr) throw new Error('No parse tree generated');
    const heap = wasm.HEAPU8;
    return utf8Decoder.decode(heap.subarray(treePtr, heap.indexOf(0, treePtr)));
  } finally {
    wasm._free(queryPtr);
    if (resultPtr) wasm._wasm_free_parse_result(resultPtr);
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * The parse tree of libpg-query's JSON. The rows of an `INSERT … VALUES` (most of a data-loading statement's tree:
 * a 40-row INSERT is 17 KB of JSON, 16 KB of it rows) are read from the JSON only when something reads
 * `valuesLists`, which no rule and no replay does: the statement's other fields come at once, and `valuesLists`
 * keeps its place among them (JSON.stringify and equality see the same tree).
 */
export function parseTree(json: string): any {
  const key = json.indexOf(VALUES_KEY);
  if (key < 0) return JSON.parse(json);
  const start = key + VALUES_KEY.length - 1;
  const end = jsonArrayEnd(json, start);
  // only one VALUES list, the INSERT's own: any other shape is read whole
  if (end < 0 || json.indexOf(VALUES_KEY, end) >= 0) return JSON.parse(json);
  const tree = JSON.parse(`${json.slice(0, start)}0${json.slice(end)}`);
  const select = tree?.stmts?.length === 1 ? tree.stmts[0]?.stmt?.InsertStmt?.selectStmt?.SelectStmt : undefined;
  if (!select || select.valuesLists !== 0) return JSON.parse(json);
  const rows = json.slice(start, end);
  const settle = (value: unknown) => Object.defineProperty(select, 'valuesLists', { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(select, 'valuesLists', {
    enumerable: true,
    configurable: true,
    get() {
      const value = JSON.parse(rows);
      settle(value);
      return value;
    },
    set: settle,
  });
  return tree;
}

const VALUES_KEY = '"valuesLists":[';

/** The index just after the JSON array that opens at `start` (a '['), or -1. */
function jsonArrayEnd(json: string, start: number): number {
  let depth = 0;
  for (let i = start; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      // a string: its end is the next quote not escaped by an odd run of backslashes
      let close = json.indexOf('"', i + 1);
      while (close > 0) {
        let slashes = 0;
        while (json.charCodeAt(close - 1 - slashes) === 92 /* \ */) slashes++;
        if (slashes % 2 === 0) break;
        close = json.indexOf('"', close + 1);
      }
      if (close < 0) return -1;
      i = close;
    } else if (c === 91 /* [ */) {
      depth++;
    } else if (c === 93 /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Statements longer than this many UTF-8 bytes are not handed to libpg-query (no node, no error). */
export const MAX_PARSE_BYTES = 4 * 1024 * 1024;

/** Above this operatorRunCost a statement is not handed to libpg-query (see operatorRunCost). */
const MAX_OPERATOR_RUN_COST = 20_000_000;

interface CachedParse {
  node?: Record<string, any>;
  kind?: string;
  /** error relative to the statement text (UTF-16) */
  error?: SqlSyntaxError;
  /** when libpg-query read several statements: their spans in the text (first to last real token) */
  parts?: Span[];
  /** the text is pure ASCII (byte offsets == indices) */
  ascii: boolean;
}

// Bounded LRU-like cache of parse results per statement text, in two generations: a hit in the old one is
// promoted; when the young one holds CACHE_GENERATION_ENTRIES texts (or CACHE_GENERATION_CHARS characters) it
// becomes the old one and the previous old one is dropped. A working set of up to 20,000 statements always hits;
// at most 40,000 texts are held.
const CACHE_GENERATION_ENTRIES = 20_000;
const CACHE_GENERATION_CHARS = 16 * 1024 * 1024;
let young = new Map<string, CachedParse>();
let old = new Map<string, CachedParse>();
let youngChars = 0;

function cacheGet(text: string): CachedParse | undefined {
  const hit = young.get(text);
  if (hit !== undefined) return hit;
  const aged = old.get(text);
  if (aged !== undefined) {
    old.delete(text);
    cachePut(text, aged);
  }
  return aged;
}

function cachePut(text: string, value: CachedParse): void {
  if (text.length > CACHE_GENERATION_CHARS / 2) return;
  if (young.size >= CACHE_GENERATION_ENTRIES || youngChars + text.length > CACHE_GENERATION_CHARS) {
    old = young;
    young = new Map();
    youngChars = 0;
  }
  young.set(text, value);
  youngChars += text.length;
}

/** Empties the parse cache (tests, memory pressure). */
export function clearSqlParseCache(): void {
  young = new Map();
  old = new Map();
  youngChars = 0;
}

/** Parses one statement's text (no leading whitespace/comments, no trailing `;`). Never throws. */
function parseStatementText(text: string): CachedParse {
  const hit = cacheGet(text);
  if (hit) return hit;
  const result: CachedParse = { ...parseUncached(text), ascii: isAscii(text) };
  if (loaded) cachePut(text, result);
  return result;
}

function parseUncached(text: string): Omit<CachedParse, 'ascii'> {
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    return { error: { message: 'zero byte (NUL) is not allowed in SQL text', start: nul, end: nul + 1 } };
  }
  if (text.length * 3 > MAX_PARSE_BYTES && utf8Length(text) > MAX_PARSE_BYTES) return {};
  if (!loaded) {
    const tok = nextRealToken(text, 0, text.length) ?? { start: 0, end: Math.min(1, text.length) };
    return { error: { message: 'SQL parser not initialised (initSqlParser was not awaited)', ...tok } };
  }
  if (operatorRunCost(text) > MAX_OPERATOR_RUN_COST) {
    const tok = nextRealToken(text, 0, text.length) ?? { start: 0, end: Math.min(1, text.length) };
    return {
      error: {
        message: 'statement not analysed: long runs of operator characters with many /* would stall the PostgreSQL scanner',
        ...tok,
      },
    };
  }
  const input = toWellFormed(text);
  let tree: any;
  try {
    tree = parseTree(parseToJson(input));
  } catch (e: any) {
    return { error: errorFromException(text, e) };
  }
  const stmts: any[] = Array.isArray(tree?.stmts) ? tree.stmts : [];
  if (stmts.length === 0) return {};
  const node = stmts[0]?.stmt;
  if (!node || typeof node !== 'object') return {};
  const kind = Object.keys(node)[0];
  const result: Omit<CachedParse, 'ascii'> = { node, kind };
  if (stmts.length > 1) {
    const map = new ByteIndexMap(text);
    const parts: Span[] = [];
    for (const st of stmts) {
      const loc = typeof st?.stmt_location === 'number' ? st.stmt_location : 0;
      const a = map.toIndex(loc);
      const b = typeof st?.stmt_len === 'number' && st.stmt_len > 0 ? map.toIndex(loc + st.stmt_len) : text.length;
      const first = nextRealToken(text, a, b);
      const last = lastRealToken(text, b, a);
      if (first && last) parts.push({ start: first.start, end: last.end });
    }
    if (parts.length > 1) result.parts = parts;
  }
  return result;
}

function errorFromException(text: string, e: any): SqlSyntaxError {
  const details = e?.sqlDetails;
  const message: string = String(details?.message ?? e?.message ?? e ?? 'parse error');
  if (!details || typeof details.cursorPosition !== 'number') {
    // not a positioned PostgreSQL error (e.g. a WASM failure): show it on the first token
    const tok = nextRealToken(text, 0, text.length) ?? { start: 0, end: Math.min(1, text.length) };
    return { message, start: tok.start, end: tok.end };
  }
  const atEnd = /at end of input/.test(message);
  // NB: the error cursor counts characters (code points), not bytes (see codePointOffsetToIndex)
  const index = codePointOffsetToIndex(text, details.cursorPosition);
  if (atEnd || index >= text.length) {
    const last = lastRealToken(text, text.length, 0);
    if (last) return { message, start: last.start, end: last.end };
    return { message, start: text.length, end: text.length };
  }
  const tok = tokenAtOrAfter(text, index, text.length);
  if (tok) return { message, start: tok.start, end: tok.end };
  return { message, start: index, end: Math.min(text.length, index + 1) };
}

// ---------------------------------------------------------------------------------------------------------------
// parseSql

/**
 * Byte-offset maps of statements, for nodeLocation: `true` for ASCII statements (recorded at parse time, so
 * locations map in O(1)), a ByteIndexMap built on first use otherwise.
 */
const statementMaps = new WeakMap<ParsedStatement, ByteIndexMap | true>();

/**
 * Splits and parses SQL as Liquibase + PostgreSQL would see it. Synchronous; never throws, whatever the input.
 * `initSqlParser()` must have completed (otherwise every statement carries a "not initialised" error).
 */
export function parseSql(sql: string, options: SqlOptions): ParsedSql {
  try {
    return parseSqlUnsafe(typeof sql === 'string' ? sql : String(sql ?? ''), options ?? { splitStatements: true, stripComments: false });
  } catch (e: any) {
    // last-resort guard: a bug here must not take the language server down
    const message = 'internal error while analysing SQL: ' + String(e?.message ?? e);
    const len = typeof sql === 'string' ? sql.length : 0;
    return {
      statements: len > 0 ? [{ start: 0, end: len, error: { message, start: 0, end: Math.min(len, 1) } }] : [],
      executionChunks: len > 0 ? [{ start: 0, end: len }] : [],
      liquibaseCuts: [],
    };
  }
}

function parseSqlUnsafe(sql: string, options: SqlOptions): ParsedSql {
  const split = liquibaseSplit(sql, {
    splitStatements: options.splitStatements !== false,
    stripComments: options.stripComments === true,
    endDelimiter: options.endDelimiter ?? undefined,
  });
  const statements: ParsedStatement[] = [];
  for (const chunk of split.chunks) {
    const chunkText = sql.slice(chunk.start, chunk.end);
    for (const rel of splitPgStatements(chunkText)) {
      addStatement(statements, sql, chunk.start + rel.start, chunk.start + rel.end, 0);
    }
  }
  const out: ParsedSql = { statements, executionChunks: split.chunks, liquibaseCuts: split.cuts };
  if (split.lexicalError) out.liquibaseError = split.lexicalError;
  return out;
}

function addStatement(out: ParsedStatement[], sql: string, start: number, end: number, depth: number): void {
  const text = sql.slice(start, end);
  const parsed = parseStatementText(text);
  if (parsed.parts && depth === 0) {
    // psql's splitting normally yields exactly one statement; if libpg-query found several, parse each on its own
    for (const m of parsed.parts) addStatement(out, sql, start + m.start, start + m.end, depth + 1);
    return;
  }
  const statement: ParsedStatement = { start, end };
  if (parsed.node) {
    statement.node = parsed.node;
    statement.kind = parsed.kind;
  }
  if (parsed.error) {
    statement.error = { message: parsed.error.message, start: start + parsed.error.start, end: start + parsed.error.end };
  }
  if (parsed.ascii) statementMaps.set(statement, true);
  out.push(statement);
}

/**
 * The first statement with a node of SQL a program wrote (the SQL Liquibase generates for a built-in change), as
 * `parseSql(sql, { splitStatements: false, stripComments: false })` gives it. Text that is plainly one statement
 * (no blanks around it, no comment, no `;` anywhere: nothing the splitters could cut or trim) is handed to
 * libpg-query whole, without Liquibase's tokenizer and the statement splitter, which would find that one
 * statement again.
 */
export function parseGeneratedStatement(sql: string): ParsedStatement | undefined {
  if (sql.length > 0 && !/^\s|\s$|;|--|\/\*/.test(sql)) {
    const parsed = parseStatementText(sql);
    if (parsed.node && !parsed.parts && !parsed.error) {
      const statement: ParsedStatement = { start: 0, end: sql.length, node: parsed.node, kind: parsed.kind };
      if (parsed.ascii) statementMaps.set(statement, true);
      return statement;
    }
  }
  return parseSql(sql, { splitStatements: false, stripComments: false }).statements.find((s) => s.node);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for rule authors and the engine

/**
 * UTF-16 index in `sql` of a libpg-query location (UTF-8 bytes, relative to the statement start) found in
 * `statement.node`. O(1) for ASCII statements, O(log n) otherwise.
 */
export function nodeLocation(sql: string, statement: ParsedStatement, byteLocation: number): number {
  let map = statementMaps.get(statement);
  if (map === true) {
    return statement.start + Math.min(Math.max(0, Math.floor(byteLocation) || 0), statement.end - statement.start);
  }
  if (!map) {
    map = new ByteIndexMap(sql.slice(statement.start, statement.end));
    statementMaps.set(statement, map);
  }
  return statement.start + map.toIndex(byteLocation);
}

/**
 * The text the engine sends for one execution chunk, as Liquibase would send it: every '\r' deleted, comments
 * (`--` and `/* *\/`, not inside quotes or dollar quotes) removed when stripComments is true, trimmed.
 */
export function executionText(sql: string, chunk: Span, stripComments: boolean): string {
  try {
    return liquibaseChunkText(sql, chunk, stripComments);
  } catch {
    return sql.slice(chunk.start, chunk.end);
  }
}
