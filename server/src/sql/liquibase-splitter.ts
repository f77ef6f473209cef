// How Liquibase 4.28.0 cuts the SQL of a `sql` / `sqlFile` / formatted-SQL change into the strings it executes.
//
// Behaviour reproduced (learned from the v4.28.0 sources, liquibase-standard/src/main/...):
//  * change/AbstractSQLChange.java generateStatements: the SQL is trimmed (Java String.trim: code units <= U+0020)
//    and every '\r' is deleted before splitting; splitStatements defaults to true, stripComments to false, and
//    endDelimiter to null (ChangeSetService.getEndDelimiter returns null).
//  * util/StandardSqlParser.java + javacc/liquibase/util/grammar/SimpleSqlGrammar.jj: the text is tokenised with
//    longest-match rules (ties go to the rule declared first): WHITESPACE runs, `--` line comments (without the
//    newline), non-nesting `/* */` comments, numbers, dotted identifiers (`a . "b"`), identifiers (which may start
//    with `$` or `_` and contain `$ _ # @`, so `$$` and `$body$` are plain identifiers), string literals in single
//    or double quotes with an optional U/E/N/R/B/RB/_utf8 prefix where '' / "" double and a backslash escapes any
//    character, quoted identifiers ("x", `x`, [x]) and one-character symbols. An unterminated quote or comment is
//    just a symbol. A character no rule accepts (e.g. a form feed) makes Liquibase fail with a TokenMgrError.
//    With stripComments the comment tokens are dropped before splitting.
//  * util/StringUtil.java processMultiLineSQL / mergeTokens / isDelimiter:
//      - mergeTokens (only when endDelimiter is set): consecutive tokens that spell a prefix of endDelimiter are
//        glued into one token when they spell all of it; a held prefix is released when the next token breaks it,
//        and a prefix still held at the end of the text is silently dropped;
//      - a token is a delimiter when endDelimiter is null and it is `;`, or it is `GO` (any case) or `/` and the
//        previous token ends with '\n' (or there is none); when endDelimiter is one character, when the token
//        equals it ignoring case (`/` only at the start of a line); when endDelimiter is longer, when the token
//        equals it ignoring case or when lower(previousToken + token) matches the Java regex
//        `[\s\n\r]*` + lower(endDelimiter) (previousToken is the string "null" for the first token);
//      - a token `BEGIN` (any case) not followed by TRANSACTION/TRANS/TRAN/DIALOG/CONVERSATION/DISTRIBUTED opens a
//        block and `END` (not followed by TRANSACTION/TRANS/TRAN) closes one; no delimiter splits inside a block;
//      - each piece is trimmed and dropped when empty; with splitStatements false nothing splits.
//
// Our execution chunks differ from Liquibase in one way only: the tokenizer also knows PostgreSQL dollar quotes,
// so a `$$ ... $$` / `$tag$ ... $tag$` body (PostgreSQL's rule: it opens where a token starts) is one opaque token:
// never cut, never comment-stripped, and its BEGIN/END words do not count. `liquibaseCuts` reports where the real,
// dollar-unaware Liquibase would cut inside such a body.

import { dollarOpenLength, dollarStringEnd } from './pg-lexer';
import { isLiquibaseUnicodeLetter } from './liquibase-unicode-letters';

export interface LbSpan {
  start: number;
  end: number;
}

export interface LbOptions {
  splitStatements: boolean;
  stripComments: boolean;
  endDelimiter?: string;
}

export interface LbLexicalError {
  message: string;
  start: number;
  end: number;
}

export interface LiquibaseSplit {
  /** Liquibase's pieces, dollar-quote aware, as spans of the original text */
  chunks: LbSpan[];
  /** delimiters where dollar-unaware Liquibase 4.28 would cut inside a dollar-quoted body */
  cuts: LbSpan[];
  /** set when Liquibase's SQL tokenizer would reject the text (first offending character) */
  lexicalError?: LbLexicalError;
}

const enum K {
  Ws,
  LineComment,
  BlockComment,
  Other,
  Dollar,
  /** a character no SimpleSqlGrammar rule accepts; kept as a one-character token so we can go on */
  Error,
}

// ---------------------------------------------------------------------------------------------------------------
// Character classes of SimpleSqlGrammar.jj

function isLbWs(c: number): boolean {
  if (c === 32 || c === 9 || c === 10 || c === 13) return true;
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    c === 0x180e ||
    (c >= 0x2000 && c <= 0x200d) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x2060 ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return isAsciiLetter(c) || (c >= 0xc0 && isLiquibaseUnicodeLetter(c));
}

function isIdStart(c: number): boolean {
  return isLetter(c) || c === 36 || c === 95;
}

function isIdCont(c: number): boolean {
  return isLetter(c) || c === 36 || c === 95 || c === 35 || c === 64 || isDigit(c);
}

function isSymbol(c: number): boolean {
  return (
    (c >= 0x21 && c <= 0x2f) ||
    (c >= 0x3a && c <= 0x40) ||
    (c >= 0x5b && c <= 0x60) ||
    (c >= 0x7b && c <= 0x7e) ||
    (c >= 0xa1 && c <= 0xff65)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer

interface Tokens {
  count: number;
  start: Int32Array;
  end: Int32Array;
  kind: Uint8Array;
}

/** Per-text scanning state: memo tables that keep repeated failed scans linear. */
class Scanner {
  private sqMemo?: Int32Array;
  private dqMemo?: Int32Array;
  private commentFrom = -1;
  private commentAt = -2;
  private bracketFrom = -1;
  private bracketAt = -2;
  private backslashFrom = -1;
  private backslashAt = -2;

  constructor(readonly s: string, readonly n: number, readonly dollarAware: boolean) {}

  /**
   * Longest match of a quoted string body (quote q: 39 or 34) whose opening quote is at i: the end of the
   * longest accepted string, or -1. Body items: the doubled quote, a backslash plus any character, or any
   * character but the quote and backslash; the string ends with the quote or with backslash+quote.
   * Walking the body is deterministic, so the best end reachable from each body position is memoised.
   */
  private hybridQuoted(i: number, q: number): number {
    const s = this.s;
    const n = this.n;
    // the usual literal: no backslash and no doubled quote before its closing quote, whose end is then the only
    // accept on the walk below
    const close = s.indexOf(q === 39 ? "'" : '"', i + 1);
    if (close > i && this.nextBackslash(i + 1) > close && (close + 1 >= n || s.charCodeAt(close + 1) !== q)) return close + 1;
    let memo = q === 39 ? this.sqMemo : this.dqMemo;
    if (!memo) {
      memo = new Int32Array(n + 1).fill(-2);
      if (q === 39) this.sqMemo = memo;
      else this.dqMemo = memo;
    }
    // walk forward recording the path, until the walk ends or reaches a memoised position
    const path: number[] = [];
    const acc: number[] = [];
    let p = i + 1;
    let tail = -1; // best accept beyond the recorded path
    for (;;) {
      if (p >= n) {
        tail = -1;
        break;
      }
      if (memo[p] !== -2) {
        tail = memo[p];
        break;
      }
      const c = s.charCodeAt(p);
      if (c === q) {
        path.push(p);
        if (p + 1 < n && s.charCodeAt(p + 1) === q) {
          acc.push(p + 1);
          p += 2;
          continue;
        }
        acc.push(p + 1);
        tail = -1;
        break;
      }
      if (c === 92) {
        path.push(p);
        if (p + 1 >= n) {
          acc.push(-1);
          tail = -1;
          break;
        }
        acc.push(s.charCodeAt(p + 1) === q ? p + 2 : -1);
        p += 2;
        continue;
      }
      path.push(p);
      acc.push(-1);
      p += 1;
    }
    let best = tail;
    for (let k = path.length - 1; k >= 0; k--) {
      if (acc[k] > best) best = acc[k];
      memo[path[k]] = best;
    }
    return path.length > 0 ? memo[path[0]] : tail;
  }

  /** first index >= p holding a backslash (n if none); cached like nextBracketStop */
  private nextBackslash(p: number): number {
    if (p >= this.backslashFrom && p <= this.backslashAt) return this.backslashAt;
    const k = this.s.indexOf('\\', p);
    this.backslashFrom = p;
    this.backslashAt = k < 0 ? this.n : k;
    return this.backslashAt;
  }

  /** S_QUOTED_IDENTIFIER at i: "x", `x` or [x] on one line; its end or -1. */
  private quotedIdent(i: number): number {
    const s = this.s;
    const n = this.n;
    const c = s.charCodeAt(i);
    if (c === 34 || c === 96) {
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === c) break;
        if (d === 10 || d === 13) return -1;
        j++;
      }
      if (j >= n || j === i + 1) return -1;
      return j + 1;
    }
    if (c === 91) {
      if (i + 1 >= n) return -1;
      const d = s.charCodeAt(i + 1);
      if (isDigit(d) || d === 93) return -1;
      const k = this.nextBracketStop(i + 2);
      if (k >= n || s.charCodeAt(k) !== 93) return -1;
      return k + 1;
    }
    return -1;
  }

  /** first index >= p holding ']', '\n' or '\r' (n if none); cached because scans start in increasing order */
  private nextBracketStop(p: number): number {
    if (p >= this.bracketFrom && p <= this.bracketAt) return this.bracketAt;
    const s = this.s;
    let j = p;
    while (j < this.n) {
      const d = s.charCodeAt(j);
      if (d === 93 || d === 10 || d === 13) break;
      j++;
    }
    this.bracketFrom = p;
    this.bracketAt = j;
    return j;
  }

  private commentClose(p: number): number {
    if (p >= this.commentFrom && (this.commentAt === -1 || p <= this.commentAt)) return this.commentAt;
    const k = this.s.indexOf('*/', p);
    this.commentFrom = p;
    this.commentAt = k;
    return k;
  }

  /** identifier part of a dotted identifier: S_IDENTIFIER or S_QUOTED_IDENTIFIER; its end or -1 */
  private identPart(i: number): number {
    if (i >= this.n) return -1;
    const c = this.s.charCodeAt(i);
    if (isIdStart(c)) return this.identEnd(i);
    return this.quotedIdent(i);
  }

  private identEnd(i: number): number {
    const s = this.s;
    let j = i + 1;
    while (j < this.n && isIdCont(s.charCodeAt(j))) j++;
    return j;
  }

  private digitsEnd(i: number): number {
    let j = i;
    while (j < this.n && isDigit(this.s.charCodeAt(j))) j++;
    return j;
  }

  /** ["e","E"] (["+","-"])? S_LONG at i: its end or -1 */
  private exponent(i: number): number {
    const s = this.s;
    if (i >= this.n) return -1;
    const c = s.charCodeAt(i);
    if (c !== 101 && c !== 69) return -1;
    let j = i + 1;
    if (j < this.n && (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45)) j++;
    if (j >= this.n || !isDigit(s.charCodeAt(j))) return -1;
    return this.digitsEnd(j);
  }

  /** max(best, end of a quoted string literal whose opening quote is at k) */
  private literal(k: number, best: number): number {
    if (k >= this.n) return best;
    const q = this.s.charCodeAt(k);
    if (q !== 39 && q !== 34) return best;
    const e = this.hybridQuoted(k, q);
    return e > best ? e : best;
  }

  /** Scans one token at i < n; returns its end and kind (packed as end * 8 + kind). */
  next(i: number): number {
    const s = this.s;
    const n = this.n;
    const c = s.charCodeAt(i);
    const c1 = i + 1 < n ? s.charCodeAt(i + 1) : -1;

    if (this.dollarAware && c === 36 && (i === 0 || s.charCodeAt(i - 1) < 0x80)) {
      // PostgreSQL dollar quote (a `$` after a non-ASCII character would continue an identifier for PostgreSQL)
      const open = dollarOpenLength(s, i, n);
      if (open > 0) return dollarStringEnd(s, i, open, n) * 8 + K.Dollar;
    }

    let ws = -1;
    if (isLbWs(c)) {
      let j = i + 1;
      while (j < n && isLbWs(s.charCodeAt(j))) j++;
      // an ASCII blank starts no other token (it is no letter, digit, quote or symbol): the run is the token
      if (c === 32 || c === 10 || c === 9 || c === 13) return j * 8 + K.Ws;
      ws = j;
    }
    if (c === 45 && c1 === 45) {
      let j = i + 2;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === 13 || d === 10) break;
        j++;
      }
      return j * 8 + K.LineComment;
    }
    if (c === 47 && c1 === 42) {
      const k = this.commentClose(i + 2);
      if (k >= 0) return (k + 2) * 8 + K.BlockComment;
    }

    let best = -1;
    // numbers: S_DOUBLE / S_LONG
    if (isDigit(c)) {
      const d = this.digitsEnd(i);
      best = d;
      const e0 = this.exponent(d);
      if (e0 > best) best = e0;
      if (d < n && s.charCodeAt(d) === 46) {
        if (d + 1 > best) best = d + 1;
        const e1 = this.exponent(d + 1);
        if (e1 > best) best = e1;
        if (d + 1 < n && isDigit(s.charCodeAt(d + 1))) {
          const f = this.digitsEnd(d + 1);
          if (f > best) best = f;
          const e2 = this.exponent(f);
          if (e2 > best) best = e2;
        }
      }
    } else if (c === 46 && isDigit(c1)) {
      const f = this.digitsEnd(i + 1);
      best = f;
      const e2 = this.exponent(f);
      if (e2 > best) best = e2;
    }
    // identifiers: COMPLEX_IDENTIFIER and S_IDENTIFIER
    const first = this.identPart(i);
    if (first > 0) {
      if (isIdStart(c) && first > best) best = first;
      let p = first;
      for (;;) {
        let k = p;
        while (k < n && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 10 || s.charCodeAt(k) === 13)) k++;
        if (k >= n || s.charCodeAt(k) !== 46) break;
        k++;
        while (k < n && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 10 || s.charCodeAt(k) === 13)) k++;
        const q = this.identPart(k);
        if (q < 0) break;
        if (q > best) best = q;
        p = q;
      }
    }
    // S_CHAR_LITERAL: optional prefix, then a single- or double-quoted string
    best = this.literal(i, best);
    const lc = c | 0x20;
    if (lc === 117 || lc === 101 || lc === 110 || lc === 114 || lc === 98) best = this.literal(i + 1, best);
    if (lc === 114 && (c1 | 0x20) === 98) best = this.literal(i + 2, best);
    if (c === 95 && i + 5 <= n && s.slice(i, i + 5).toLowerCase() === '_utf8') best = this.literal(i + 5, best);
    // S_QUOTED_IDENTIFIER, EMPTY_QUOTE
    if (c === 34 || c === 96 || c === 91) {
      const e = this.quotedIdent(i);
      if (e > best) best = e;
      if (c === 34 && c1 === 34 && i + 2 > best) best = i + 2;
    }
    // SYMBOL
    if (best < 0 && isSymbol(c)) best = i + 1;

    if (ws >= 0 && ws >= best) return ws * 8 + K.Ws;
    if (best < 0) return (i + 1) * 8 + K.Error;
    return best * 8 + K.Other;
  }
}

function tokenize(s: string, dollarAware: boolean): Tokens {
  const n = s.length;
  const sc = new Scanner(s, n, dollarAware);
  let cap = Math.max(16, n >> 2);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let kind = new Uint8Array(cap);
  let count = 0;
  let i = 0;
  while (i < n) {
    const packed = sc.next(i);
    const e = Math.floor(packed / 8);
    if (count === cap) {
      cap *= 2;
      const s2 = new Int32Array(cap);
      s2.set(start);
      start = s2;
      const e2 = new Int32Array(cap);
      e2.set(end);
      end = e2;
      const k2 = new Uint8Array(cap);
      k2.set(kind);
      kind = k2;
    }
    start[count] = i;
    end[count] = e;
    kind[count] = packed - e * 8;
    count++;
    i = e;
  }
  return { count, start, end, kind };
}

// ---------------------------------------------------------------------------------------------------------------
// Java string helpers

function isJavaTrimmed(c: number): boolean {
  return c <= 0x20;
}

/** Java's String.trim bounds of s[a, b). */
function javaTrimBounds(s: string, a: number, b: number): [number, number] {
  while (a < b && isJavaTrimmed(s.charCodeAt(a))) a++;
  while (b > a && isJavaTrimmed(s.charCodeAt(b - 1))) b--;
  return [a, b];
}

function isJavaBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isJavaTrimmed(text.charCodeAt(i))) return false;
  return true;
}

function charEqualsIgnoreCase(a: number, b: number): boolean {
  if (a === b) return true;
  if (a < 0x80 && b < 0x80) {
    const la = a >= 65 && a <= 90 ? a + 32 : a;
    const lb = b >= 65 && b <= 90 ? b + 32 : b;
    return la === lb;
  }
  // Java compares Character.toUpperCase, then Character.toLowerCase, of single code units
  const up = (c: number): string => {
    const u = String.fromCharCode(c).toUpperCase();
    return u.length === 1 ? u : String.fromCharCode(c);
  };
  const low = (u: string): string => {
    if (u === '\u0130') return 'i';
    const l = u.toLowerCase();
    return l.length === 1 ? l : u;
  };
  const ua = up(a);
  const ub = up(b);
  if (ua === ub) return true;
  return low(ua) === low(ub);
}

/** Java String.equalsIgnoreCase (code unit by code unit). */
function javaEqualsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!charEqualsIgnoreCase(a.charCodeAt(i), b.charCodeAt(i))) return false;
  return true;
}

const regexCache = new Map<string, RegExp | null>();

/** `[\s\n\r]*` + lower(endDelimiter), compiled as a whole-string match; null when it is not a valid pattern. */
function delimiterRegex(endDelimiter: string): RegExp | null {
  let re = regexCache.get(endDelimiter);
  if (re === undefined) {
    try {
      re = new RegExp('^(?:[\\s\\n\\r]*' + endDelimiter.toLowerCase() + ')$');
    } catch {
      re = null;
    }
    if (regexCache.size > 100) regexCache.clear();
    regexCache.set(endDelimiter, re);
  }
  return re;
}

// ---------------------------------------------------------------------------------------------------------------
// Splitting

interface SplitResult {
  /** chunks as [first token, last token] (token indices), before trimming */
  chunks: Array<[number, number]>;
  /** delimiter pieces that cut (token index ranges) */
  delimiters: Array<[number, number]>;
}

const NOT_BEGIN_BLOCK = ['transaction', 'trans', 'tran', 'dialog', 'conversation', 'distributed'];
const NOT_END_BLOCK = ['transaction', 'trans', 'tran'];

function equalsAny(word: string | null, words: string[]): boolean {
  if (word === null) return false;
  for (const w of words) if (javaEqualsIgnoreCase(w, word)) return true;
  return false;
}

function isComment(kind: number): boolean {
  return kind === K.LineComment || kind === K.BlockComment;
}

/**
 * Liquibase's pieces: the tokens it sees (comments dropped when stripping), glued by mergeTokens when an
 * endDelimiter is set. Piece p covers tokens pa[p]..pb[p]; `merged` holds the text of glued pieces.
 */
class Pieces {
  readonly count: number;
  readonly pa: Int32Array;
  readonly pb: Int32Array;
  readonly merged = new Map<number, string>();

  constructor(readonly s: string, readonly t: Tokens, opts: LbOptions) {
    const stream = new Int32Array(t.count);
    let m = 0;
    for (let k = 0; k < t.count; k++) {
      if (opts.stripComments && isComment(t.kind[k])) continue;
      stream[m++] = k;
    }
    const endDelimiter = opts.endDelimiter;
    if (endDelimiter === undefined) {
      this.count = m;
      this.pa = stream;
      this.pb = stream;
      return;
    }
    // mergeTokens
    const pa = new Int32Array(m);
    const pb = new Int32Array(m);
    let count = 0;
    const text = (k: number): string => s.slice(t.start[k], t.end[k]);
    let held: number[] = [];
    let heldText = '';
    for (let x = 0; x < m; x++) {
      const k = stream[x];
      const len = t.end[k] - t.start[k];
      if (held.length === 0) {
        if (len <= endDelimiter.length && endDelimiter.startsWith(text(k))) {
          held = [k];
          heldText = text(k);
        } else {
          pa[count] = k;
          pb[count++] = k;
        }
      } else {
        const joined: string | undefined = len <= endDelimiter.length ? heldText + text(k) : undefined;
        if (joined !== undefined && joined === endDelimiter) {
          this.merged.set(count, joined);
          pa[count] = held[0];
          pb[count++] = k;
          held = [];
          heldText = '';
        } else if (joined !== undefined && endDelimiter.startsWith(joined)) {
          held.push(k);
          heldText = joined;
        } else {
          for (const h of held) {
            pa[count] = h;
            pb[count++] = h;
          }
          pa[count] = k;
          pb[count++] = k;
          held = [];
          heldText = '';
        }
      }
    }
    // a prefix still held at the end of the text is dropped, as in Liquibase
    this.count = count;
    this.pa = pa;
    this.pb = pb;
  }

  /** the glued text of piece p, if it was glued (never without an endDelimiter: no map lookup then) */
  private glued(p: number): string | undefined {
    return this.merged.size === 0 ? undefined : this.merged.get(p);
  }

  length(p: number): number {
    const m = this.glued(p);
    return m !== undefined ? m.length : this.t.end[this.pb[p]] - this.t.start[this.pa[p]];
  }

  text(p: number): string {
    return this.glued(p) ?? this.s.slice(this.t.start[this.pa[p]], this.t.end[this.pb[p]]);
  }

  lastChar(p: number): number {
    const m = this.glued(p);
    return m !== undefined ? m.charCodeAt(m.length - 1) : this.s.charCodeAt(this.t.end[this.pb[p]] - 1);
  }

  /** Java equalsIgnoreCase of the piece's text with an ASCII word, without building the text */
  is(p: number, lowerWord: string): boolean {
    if (this.length(p) !== lowerWord.length) return false;
    const m = this.glued(p);
    const base = this.t.start[this.pa[p]];
    for (let i = 0; i < lowerWord.length; i++) {
      const c = m !== undefined ? m.charCodeAt(i) : this.s.charCodeAt(base + i);
      const w = lowerWord.charCodeAt(i);
      if (c === w || (c < 0x80 && (c | 0x20) === w && w >= 97 && w <= 122)) continue;
      if (c >= 0x80 && charEqualsIgnoreCase(c, w)) continue;
      return false;
    }
    return true;
  }

  /** Java trimToNull(piece) == null */
  blank(p: number): boolean {
    const m = this.glued(p);
    if (m !== undefined) return isJavaBlank(m);
    for (let i = this.t.start[this.pa[p]]; i < this.t.end[this.pb[p]]; i++) if (!isJavaTrimmed(this.s.charCodeAt(i))) return false;
    return true;
  }
}

function runSplit(s: string, t: Tokens, opts: LbOptions): SplitResult {
  const pieces = new Pieces(s, t, opts);
  const endDelimiter = opts.endDelimiter;
  const regex = endDelimiter !== undefined && endDelimiter.length > 1 ? delimiterRegex(endDelimiter) : null;
  const oneChar = endDelimiter !== undefined && endDelimiter.length === 1 ? endDelimiter.charCodeAt(0) : -1;

  const isDelimiter = (p: number, prev: number): boolean => {
    const len = pieces.length(p);
    if (endDelimiter === undefined) {
      if (len === 1) {
        const c = pieces.lastChar(p);
        if (c === 59) return true;
        if (c !== 47) return false;
      } else if (len !== 2 || !pieces.is(p, 'go')) return false;
      return prev < 0 || pieces.lastChar(prev) === 10;
    }
    if (oneChar >= 0) {
      if (oneChar === 47 && prev >= 0 && pieces.lastChar(prev) !== 10) return false;
      return len === 1 && charEqualsIgnoreCase(pieces.lastChar(p), oneChar);
    }
    const pt = pieces.text(p);
    if (len === endDelimiter.length && javaEqualsIgnoreCase(pt, endDelimiter)) return true;
    return regex !== null && regex.test(((prev < 0 ? 'null' : pieces.text(prev)) + pt).toLowerCase());
  };

  const nextNonBlank = (from: number): string | null => {
    for (let m = from; m < pieces.count; m++) {
      if (!pieces.blank(m)) {
        const pt = pieces.text(m);
        const [a, b] = javaTrimBounds(pt, 0, pt.length);
        return pt.slice(a, b);
      }
    }
    return null;
  };

  const chunks: Array<[number, number]> = [];
  const delimiters: Array<[number, number]> = [];
  let inClause = 0;
  let first = -1; // first token of the current chunk
  let last = -1;
  for (let m = 0; m < pieces.count; m++) {
    if (pieces.is(m, 'begin') && !equalsAny(nextNonBlank(m + 1), NOT_BEGIN_BLOCK)) inClause++;
    if (inClause > 0 && pieces.is(m, 'end') && !equalsAny(nextNonBlank(m + 1), NOT_END_BLOCK)) inClause--;
    if (inClause === 0 && opts.splitStatements && isDelimiter(m, m - 1)) {
      if (first >= 0) chunks.push([first, last]);
      delimiters.push([pieces.pa[m], pieces.pb[m]]);
      first = -1;
      last = -1;
    } else if (first >= 0) last = pieces.pb[m];
    else if (!pieces.blank(m)) {
      first = pieces.pa[m];
      last = pieces.pb[m];
    }
  }
  if (first >= 0) chunks.push([first, last]);
  return { chunks, delimiters };
}

/**
 * The Java-trimmed bounds of the text Liquibase builds from tokens [a, b] (comment tokens skipped when stripping).
 * Returns undefined when it is blank.
 */
function chunkBounds(s: string, t: Tokens, a: number, b: number, strip: boolean): [number, number] | undefined {
  const skip = (k: number): boolean => strip && (t.kind[k] === K.LineComment || t.kind[k] === K.BlockComment);
  let start = -1;
  for (let k = a; k <= b && start < 0; k++) {
    if (skip(k)) continue;
    for (let i = t.start[k]; i < t.end[k]; i++) {
      if (!isJavaTrimmed(s.charCodeAt(i))) {
        start = i;
        break;
      }
    }
  }
  if (start < 0) return undefined;
  let end = -1;
  for (let k = b; k >= a && end < 0; k--) {
    if (skip(k)) continue;
    for (let i = t.end[k]; i > t.start[k]; i--) {
      if (!isJavaTrimmed(s.charCodeAt(i - 1))) {
        end = i;
        break;
      }
    }
  }
  return [start, end];
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation: trim, then delete '\r' (AbstractSQLChange.generateStatements), keeping a map back to the original

interface Normalized {
  text: string;
  /** original index of each normalized index (undefined: identity plus `offset`) */
  map?: Int32Array;
  offset: number;
  origLength: number;
}

function normalize(sql: string): Normalized {
  const [a, b] = javaTrimBounds(sql, 0, sql.length);
  const body = sql.slice(a, b);
  if (body.indexOf('\r') < 0) return { text: body, offset: a, origLength: sql.length };
  const map = new Int32Array(body.length);
  let out = '';
  let n = 0;
  let runStart = 0;
  for (let i = 0; i < body.length; i++) {
    if (body.charCodeAt(i) === 13) {
      out += body.slice(runStart, i);
      runStart = i + 1;
      continue;
    }
    map[n++] = a + i;
  }
  out += body.slice(runStart);
  return { text: out, map: map.subarray(0, n), offset: a, origLength: sql.length };
}

function toOrigStart(nz: Normalized, i: number): number {
  if (!nz.map) return nz.offset + i;
  return i < nz.map.length ? nz.map[i] : nz.map.length > 0 ? nz.map[nz.map.length - 1] + 1 : nz.offset;
}

function toOrigEnd(nz: Normalized, i: number): number {
  if (!nz.map) return nz.offset + i;
  if (i <= 0) return nz.map.length > 0 ? nz.map[0] : nz.offset;
  return nz.map[i - 1] + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/** JavaCC's addEscapes for one code unit */
function javaEscape(c: number): string {
  switch (c) {
    case 8: return '\\b';
    case 9: return '\\t';
    case 10: return '\\n';
    case 12: return '\\f';
    case 13: return '\\r';
    case 34: return '\\"';
    case 39: return "\\'";
    case 92: return '\\\\';
  }
  if (c < 0x20 || c > 0x7e) return '\\u' + c.toString(16).padStart(4, '0');
  return String.fromCharCode(c);
}

function lexicalErrorAt(nz: Normalized, i: number): LbLexicalError {
  const s = nz.text;
  let line = 1;
  let col = 1;
  for (let k = 0; k < i; k++) {
    if (s.charCodeAt(k) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  const c = s.charCodeAt(i);
  const start = toOrigStart(nz, i);
  return {
    message:
      'Liquibase cannot tokenize this SQL, so the change fails before anything reaches the database ' +
      `(TokenMgrError: Lexical error at line ${line}, column ${col}.  Encountered: '${javaEscape(c)}' (${c}),)`,
    start,
    end: start + 1,
  };
}

/**
 * Splits like Liquibase 4.28.0, except that dollar-quoted bodies are never cut (see the file comment).
 * Never throws.
 */
export function liquibaseSplit(sql: string, opts: LbOptions): LiquibaseSplit {
  const nz = normalize(sql);
  const s = nz.text;
  if (s.length === 0) return { chunks: [], cuts: [] };
  const t = tokenize(s, true);
  const res = runSplit(s, t, opts);
  const chunks: LbSpan[] = [];
  for (const [a, b] of res.chunks) {
    const bounds = chunkBounds(s, t, a, b, opts.stripComments);
    if (bounds) chunks.push({ start: toOrigStart(nz, bounds[0]), end: toOrigEnd(nz, bounds[1]) });
  }

  const dollars: Array<[number, number]> = [];
  let firstError = -1;
  for (let k = 0; k < t.count; k++) {
    if (t.kind[k] === K.Dollar) dollars.push([t.start[k], t.end[k]]);
    else if (t.kind[k] === K.Error && firstError < 0) firstError = t.start[k];
  }
  const cuts: LbSpan[] = [];
  if (dollars.length > 0) {
    // what the real (dollar-unaware) Liquibase does
    const naive = tokenize(s, false);
    firstError = -1;
    for (let k = 0; k < naive.count; k++) {
      if (naive.kind[k] === K.Error) {
        firstError = naive.start[k];
        break;
      }
    }
    if (opts.splitStatements) {
      const nres = runSplit(s, naive, opts);
      let d = 0;
      for (const [a, b] of nres.delimiters) {
        const ds = naive.start[a];
        const de = naive.end[b];
        while (d < dollars.length && dollars[d][1] <= ds) d++;
        if (d < dollars.length && dollars[d][0] < ds && ds < dollars[d][1]) {
          cuts.push({ start: toOrigStart(nz, ds), end: toOrigEnd(nz, de) });
        }
      }
    }
  }
  const out: LiquibaseSplit = { chunks, cuts };
  if (firstError >= 0) out.lexicalError = lexicalErrorAt(nz, firstError);
  return out;
}

/**
 * The statements exactly as the real Liquibase 4.28.0 would produce them (dollar quotes NOT respected), after
 * its trimming, '\r' removal and comment stripping. For tests and diagnostics.
 */
export function liquibaseStatementsNaive(sql: string, opts: LbOptions): string[] {
  const nz = normalize(sql);
  const s = nz.text;
  if (s.length === 0) return [];
  const t = tokenize(s, false);
  const res = runSplit(s, t, opts);
  const out: string[] = [];
  for (const [a, b] of res.chunks) {
    const text = joinTokens(s, t, a, b, opts.stripComments);
    const [x, y] = javaTrimBounds(text, 0, text.length);
    if (y > x) out.push(text.slice(x, y));
  }
  return out;
}

function joinTokens(s: string, t: Tokens, a: number, b: number, strip: boolean): string {
  if (!strip) return s.slice(t.start[a], t.end[b]);
  let out = '';
  let runStart = -1;
  for (let k = a; k <= b; k++) {
    const isComment = t.kind[k] === K.LineComment || t.kind[k] === K.BlockComment;
    if (isComment) {
      if (runStart >= 0) out += s.slice(runStart, t.start[k]);
      runStart = -1;
    } else if (runStart < 0) runStart = t.start[k];
  }
  if (runStart >= 0) out += s.slice(runStart, t.end[b]);
  return out;
}

/**
 * The text Liquibase sends for one chunk: the chunk with every '\r' deleted and, when stripComments is true,
 * its `--` and `/* *\/` comments removed (quotes, dollar quotes and Liquibase's other tokens respected), trimmed.
 */
export function liquibaseChunkText(sql: string, chunk: LbSpan, stripComments: boolean): string {
  const start = Math.max(0, Math.min(sql.length, chunk.start));
  const end = Math.max(start, Math.min(sql.length, chunk.end));
  let s = sql.slice(start, end);
  if (s.indexOf('\r') >= 0) s = s.replace(/\r/g, '');
  if (stripComments && s.length > 0) {
    const t = tokenize(s, true);
    s = joinTokens(s, t, 0, t.count - 1, true);
  }
  const [x, y] = javaTrimBounds(s, 0, s.length);
  return s.slice(x, y);
}
