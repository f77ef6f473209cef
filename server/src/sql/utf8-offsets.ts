// UTF-8 byte offsets (what libpg-query reports) <-> UTF-16 indices (what JS strings and LSP use).
//
// Byte lengths follow the encoding we actually hand to libpg-query: code points < 0x80 take 1 byte, < 0x800 take 2,
// other BMP code units take 3 (a lone surrogate is replaced by U+FFFD before parsing, also 3 bytes) and a valid
// surrogate pair (an astral code point such as an emoji) takes 4 bytes for its 2 UTF-16 code units.

const NON_ASCII = /[^\x00-\x7f]/;

/** True when every code unit is < 0x80, so UTF-8 byte offsets and UTF-16 indices coincide. */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Maps byte offsets of one text to UTF-16 indices. For non-ASCII text it builds, once, the byte offset of every
 * index and answers by binary search; an offset inside a multi-byte character maps to that character's index.
 */
export class ByteIndexMap {
  private readonly ascii: boolean;
  private readonly length: number;
  private table?: Float64Array;

  constructor(private readonly text: string, ascii?: boolean) {
    this.ascii = ascii ?? isAscii(text);
    this.length = text.length;
  }

  /** UTF-16 index in the text for a UTF-8 byte offset (clamped to [0, text.length]). */
  toIndex(byteOffset: number): number {
    if (!(byteOffset > 0)) return 0;
    if (this.ascii) return Math.min(Math.floor(byteOffset), this.length);
    const t = this.table ?? (this.table = buildTable(this.text));
    // largest i with t[i] <= byteOffset
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid] <= byteOffset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** UTF-8 byte offset of a UTF-16 index (clamped). */
  toByte(index: number): number {
    if (!(index > 0)) return 0;
    const i = Math.min(Math.floor(index), this.length);
    if (this.ascii) return i;
    const t = this.table ?? (this.table = buildTable(this.text));
    return t[i];
  }
}

/** t[i] = byte offset of UTF-16 index i; the low half of a pair gets the offset of the following index. */
function buildTable(text: string): Float64Array {
  const n = text.length;
  const t = new Float64Array(n + 1);
  let b = 0;
  for (let i = 0; i < n; i++) {
    t[i] = b;
    const c = text.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (isHigh(c) && i + 1 < n && isLow(text.charCodeAt(i + 1))) {
      b += 4;
      t[i + 1] = b;
      i++;
    } else b += 3;
  }
  t[n] = b;
  return t;
}

let lastText: string | undefined;
let lastMap: ByteIndexMap | undefined;

/**
 * UTF-16 index in `text` of a UTF-8 byte offset into `text` (as libpg-query reports positions).
 * O(1) for ASCII text; otherwise O(log n) after a one-off O(n) table for the most recently used text.
 */
export function byteOffsetToIndex(text: string, byteOffset: number): number {
  if (text !== lastText || !lastMap) {
    lastText = text;
    lastMap = new ByteIndexMap(text);
  }
  return lastMap.toIndex(byteOffset);
}

/**
 * UTF-16 index of a code-point offset. libpg-query's error cursorPosition counts CHARACTERS (code points: PostgreSQL
 * turns the byte location into a character position with pg_mbstrlen_with_len), unlike the `location` fields of
 * parse-tree nodes, which are bytes. Measured: for `SELECT é, 😀, * FRM t` the cursor is 15, FRM's code-point
 * offset, while its byte offset is 19.
 */
export function codePointOffsetToIndex(text: string, cpOffset: number): number {
  if (!(cpOffset > 0)) return 0;
  const n = text.length;
  let cp = 0;
  let i = 0;
  while (i < n && cp < cpOffset) {
    const c = text.charCodeAt(i);
    i += isHigh(c) && i + 1 < n && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
    cp++;
  }
  return i;
}

/** UTF-8 byte length of a string as handed to libpg-query (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let b = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (isHigh(c) && i + 1 < n && isLow(text.charCodeAt(i + 1))) {
      b += 4;
      i++;
    } else b += 3;
  }
  return b;
}

/** Replaces lone surrogates by U+FFFD (same UTF-16 length), so the UTF-8 handed to the parser is well formed. */
export function toWellFormed(text: string): string {
  const s = text as string & { isWellFormed?: () => boolean; toWellFormed?: () => string };
  if (typeof s.isWellFormed === 'function' && typeof s.toWellFormed === 'function') {
    return s.isWellFormed() ? text : s.toWellFormed();
  }
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
