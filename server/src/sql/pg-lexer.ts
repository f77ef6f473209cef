// A small PostgreSQL lexer: enough of PostgreSQL 18's scan.l (with standard_conforming_strings on) to find token
// boundaries, plus psql's rule for where a statement ends. It never throws and never recurses; unterminated
// quotes, dollar quotes and comments run to the end of the text, as they do for the server.

export const enum PgKind {
  Space,
  Comment,
  Semicolon,
  LParen,
  RParen,
  /** unquoted identifier or keyword */
  Ident,
  /** '...', E'...', B'...', X'...', N'...', U&'...' */
  String,
  /** "..." or U&"..." */
  QuotedIdent,
  /** $tag$...$tag$ */
  DollarString,
  Number,
  Param,
  Operator,
  Other,
}

/** Kind of the token returned by the last pgScan call. */
export let pgKind: PgKind = PgKind.Other;
/** Whether the last pgScan call hit the end of the text inside a quote, dollar quote or block comment. */
export let pgUnterminated = false;

function isSpace(c: number): boolean {
  // PostgreSQL's {space}: [ \t\n\r\f\v]
  return c === 32 || (c >= 9 && c <= 13);
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isDolqStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

function isDolqCont(c: number): boolean {
  return isDolqStart(c) || isDigit(c);
}

/** ~ ! @ # ^ & | ` ? + - * / % < > = */
function isOpChar(c: number): boolean {
  switch (c) {
    case 126: case 33: case 64: case 35: case 94: case 38: case 124: case 96: case 63:
    case 43: case 45: case 42: case 47: case 37: case 60: case 62: case 61:
      return true;
    default:
      return false;
  }
}

/** End of a '...' string body starting after the opening quote at `i` (standard: '' doubles; E: backslash escapes). */
function quotedEnd(s: string, i: number, end: number, backslash: boolean): number {
  let j = i;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 39) {
      if (j + 1 < end && s.charCodeAt(j + 1) === 39) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    if (backslash && c === 92) {
      j += 2;
      continue;
    }
    j++;
  }
  return end;
}

function dquotedEnd(s: string, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const k = s.indexOf('"', j);
    if (k < 0 || k >= end) return end;
    if (k + 1 < end && s.charCodeAt(k + 1) === 34) {
      j = k + 2;
      continue;
    }
    return k + 1;
  }
  return end;
}

/**
 * If a dollar-quote opening delimiter ($$ or $tag$) starts at i, its length; else 0. The caller must make sure
 * i is a token start (a `$` inside an identifier is part of the identifier).
 */
export function dollarOpenLength(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) !== 36 || i + 1 >= end) return 0;
  let j = i + 1;
  let c = s.charCodeAt(j);
  if (c === 36) return 2;
  if (!isDolqStart(c)) return 0;
  j++;
  while (j < end) {
    c = s.charCodeAt(j);
    if (c === 36) return j + 1 - i;
    if (!isDolqCont(c)) return 0;
    j++;
  }
  return 0;
}

/** End of a dollar-quoted string whose opening delimiter (length `open`) starts at i; the end of text if unterminated. */
export function dollarStringEnd(s: string, i: number, open: number, end: number): number {
  const delim = s.slice(i, i + open);
  const k = s.indexOf(delim, i + open);
  if (k < 0 || k + open > end) return end;
  return k + open;
}

function blockCommentEnd(s: string, i: number, end: number): number {
  // nested /* ... */ comments, as in PostgreSQL
  pgUnterminated = false;
  let depth = 1;
  let j = i + 2;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 47 && j + 1 < end && s.charCodeAt(j + 1) === 42) {
      depth++;
      j += 2;
    } else if (c === 42 && j + 1 < end && s.charCodeAt(j + 1) === 47) {
      j += 2;
      if (--depth === 0) return j;
    } else j++;
  }
  pgUnterminated = true;
  return end;
}

function numberEnd(s: string, i: number, end: number): number {
  // Loose on purpose: digits, hex/octal/binary digits, underscores and any trailing identifier characters (which
  // PostgreSQL reports as one "trailing junk" token), one fractional part and a signed exponent.
  let j = i;
  const word = (): void => {
    while (j < end && (isIdentCont(s.charCodeAt(j)) && s.charCodeAt(j) !== 36)) j++;
  };
  word();
  if (j < end && s.charCodeAt(j) === 46 && !(j + 1 < end && s.charCodeAt(j + 1) === 46)) {
    j++;
    word();
  }
  const prev = s.charCodeAt(j - 1);
  if ((prev === 101 || prev === 69) && j + 1 < end) {
    const c = s.charCodeAt(j);
    if ((c === 43 || c === 45) && isDigit(s.charCodeAt(j + 1))) {
      j++;
      word();
    }
  }
  return j;
}

/** Scans the token starting at i (i < end); returns its end and sets pgKind. */
export function pgScan(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  const c1 = i + 1 < end ? s.charCodeAt(i + 1) : -1;
  if (isSpace(c)) {
    let j = i + 1;
    while (j < end && isSpace(s.charCodeAt(j))) j++;
    pgKind = PgKind.Space;
    return j;
  }
  if (c === 45 && c1 === 45) {
    let j = i + 2;
    while (j < end) {
      const d = s.charCodeAt(j);
      if (d === 10 || d === 13) break;
      j++;
    }
    pgKind = PgKind.Comment;
    return j;
  }
  if (c === 47 && c1 === 42) {
    pgKind = PgKind.Comment;
    return blockCommentEnd(s, i, end);
  }
  switch (c) {
    case 59:
      pgKind = PgKind.Semicolon;
      return i + 1;
    case 40:
      pgKind = PgKind.LParen;
      return i + 1;
    case 41:
      pgKind = PgKind.RParen;
      return i + 1;
    case 39:
      pgKind = PgKind.String;
      return quotedEnd(s, i + 1, end, false);
    case 34:
      pgKind = PgKind.QuotedIdent;
      return dquotedEnd(s, i + 1, end);
    case 36: {
      if (isDigit(c1)) {
        let j = i + 2;
        while (j < end && isIdentCont(s.charCodeAt(j)) && s.charCodeAt(j) !== 36) j++;
        pgKind = PgKind.Param;
        return j;
      }
      const open = dollarOpenLength(s, i, end);
      if (open > 0) {
        pgKind = PgKind.DollarString;
        return dollarStringEnd(s, i, open, end);
      }
      pgKind = PgKind.Other;
      return i + 1;
    }
  }
  if (isIdentStart(c)) {
    if (c1 === 39) {
      // E'...', B'...', X'...', N'...'
      if (c === 101 || c === 69) {
        pgKind = PgKind.String;
        return quotedEnd(s, i + 2, end, true);
      }
      if (c === 98 || c === 66 || c === 120 || c === 88 || c === 110 || c === 78) {
        pgKind = PgKind.String;
        return quotedEnd(s, i + 2, end, false);
      }
    }
    if ((c === 117 || c === 85) && c1 === 38 && i + 2 < end) {
      const c2 = s.charCodeAt(i + 2);
      if (c2 === 39) {
        pgKind = PgKind.String;
        return quotedEnd(s, i + 3, end, false);
      }
      if (c2 === 34) {
        pgKind = PgKind.QuotedIdent;
        return dquotedEnd(s, i + 3, end);
      }
    }
    let j = i + 1;
    while (j < end && isIdentCont(s.charCodeAt(j))) j++;
    pgKind = PgKind.Ident;
    return j;
  }
  if (isDigit(c) || (c === 46 && isDigit(c1))) {
    pgKind = PgKind.Number;
    return numberEnd(s, i, end);
  }
  if (c === 58 && (c1 === 58 || c1 === 61)) {
    pgKind = PgKind.Operator;
    return i + 2;
  }
  if (c === 46 && c1 === 46) {
    pgKind = PgKind.Operator;
    return i + 2;
  }
  if (isOpChar(c)) {
    let j = i + 1;
    while (j < end) {
      const d = s.charCodeAt(j);
      if (!isOpChar(d)) break;
      const d1 = j + 1 < end ? s.charCodeAt(j + 1) : -1;
      if ((d === 45 && d1 === 45) || (d === 47 && d1 === 42)) break; // a comment starts here
      j++;
    }
    pgKind = PgKind.Operator;
    return j;
  }
  pgKind = PgKind.Other;
  return i + 1;
}

/**
 * PostgreSQL's flex scanner is quadratic on long runs of operator characters holding many comment openers
 * (`{operator}` and `{xcstart}` match the whole run, then back up to the `/*`): 100,000 characters of repeated slash-star
 * take libpg-query about 25 s. This estimates that cost (sum over runs outside quotes and line comments of
 * openers x run length) so the caller can refuse to hand such text to the parser.
 */
export function operatorRunCost(s: string): number {
  const n = s.length;
  if (s.indexOf('/*') < 0) return 0;
  let cost = 0;
  let run = 0;
  let openers = 0;
  const flush = (): void => {
    cost += openers * run;
    run = 0;
    openers = 0;
  };
  let i = 0;
  while (i < n) {
    const e = pgScan(s, i, n);
    const kind = pgKind;
    if (kind === PgKind.Operator || kind === PgKind.Other || (kind === PgKind.Comment && s.charCodeAt(i) === 47)) {
      for (let k = i; k < e; k++) {
        const c = s.charCodeAt(k);
        if (isOpChar(c)) {
          run++;
          if (c === 47 && k + 1 < n && s.charCodeAt(k + 1) === 42) openers++;
        } else flush();
      }
    } else flush();
    i = e;
  }
  flush();
  return cost;
}

function isReal(kind: PgKind): boolean {
  return kind !== PgKind.Space && kind !== PgKind.Comment;
}

/** Span of the first token (not whitespace or comment) at or after i, or undefined. */
export function nextRealToken(s: string, i: number, end: number): { start: number; end: number } | undefined {
  let j = Math.max(0, i);
  while (j < end) {
    const e = pgScan(s, j, end);
    if (isReal(pgKind)) return { start: j, end: e };
    j = e;
  }
  return undefined;
}

/** Span of the first token that is not whitespace (comments included) at or after i, or undefined. */
export function tokenAtOrAfter(s: string, i: number, end: number): { start: number; end: number } | undefined {
  let j = Math.max(0, i);
  while (j < end) {
    const e = pgScan(s, j, end);
    if (pgKind !== PgKind.Space) return { start: j, end: e };
    j = e;
  }
  return undefined;
}

/** Span of the last token (not whitespace, comment or `;`) in [from, end), or undefined. */
export function lastRealToken(s: string, end: number, from = 0): { start: number; end: number } | undefined {
  let j = Math.max(0, from);
  let last: { start: number; end: number } | undefined;
  while (j < end) {
    const e = pgScan(s, j, end);
    if (isReal(pgKind) && pgKind !== PgKind.Semicolon) last = { start: j, end: e };
    j = e;
  }
  return last;
}

/** A statement's span relative to the text given to splitPgStatements: first to last real token, no `;`. */
export interface PgStatementSpan {
  start: number;
  end: number;
}

/** ASCII case-insensitive comparison of s[i, e) with a lower-case word. */
function wordIs(s: string, i: number, e: number, word: string): boolean {
  if (e - i !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = s.charCodeAt(i + k);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** psql's identifiers[] letters: create -> c, function -> f, procedure -> p, or -> o, replace -> r; else 0 */
function createWordLetter(s: string, i: number, e: number): number {
  switch (e - i) {
    case 2:
      return wordIs(s, i, e, 'or') ? 111 : 0;
    case 6:
      return wordIs(s, i, e, 'create') ? 99 : 0;
    case 7:
      return wordIs(s, i, e, 'replace') ? 114 : 0;
    case 8:
      return wordIs(s, i, e, 'function') ? 102 : 0;
    case 9:
      return wordIs(s, i, e, 'procedure') ? 112 : 0;
    default:
      return 0;
  }
}

/**
 * Splits SQL text into statements the way psql does: at `;` outside quotes, dollar quotes, comments and
 * parentheses, and outside the BEGIN ... END of a CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC body
 * (psql's heuristic). One deviation for editing: when a statement's parentheses or BEGIN never close before the
 * end of the text, it ends at its first `;` instead of swallowing everything after it, and scanning restarts
 * there. Statements with no real token are omitted.
 */
export function splitPgStatements(s: string): PgStatementSpan[] {
  const n = s.length;
  const out: PgStatementSpan[] = [];
  let pos = 0;
  let work = 0;
  const budget = 4 * n + 4096; // bounds the rescans after unclosed statements (keeps this linear)
  while (pos < n) {
    const naive = work > budget;
    let paren = 0;
    let begin = 0;
    let idCount = 0;
    let id0 = 0;
    let id1 = 0;
    let id2 = 0;
    let id3 = 0;
    let firstReal = -1;
    let lastRealEnd = -1;
    let firstSemi = -1;
    let lastRealBeforeFirstSemi = -1;
    let boundary = -1;
    let i = pos;
    while (i < n) {
      const e = pgScan(s, i, n);
      const kind = pgKind;
      if (kind === PgKind.Semicolon) {
        if (naive || (paren === 0 && begin === 0)) {
          boundary = i;
          break;
        }
        if (firstSemi < 0) {
          firstSemi = i;
          lastRealBeforeFirstSemi = lastRealEnd;
        }
      } else if (kind !== PgKind.Space && (kind !== PgKind.Comment || (pgUnterminated && s.charCodeAt(i) === 47))) {
        // (an unterminated /* comment counts as a token, so that its error is reported)
        if (firstReal < 0) firstReal = i;
        lastRealEnd = e;
        if (kind === PgKind.LParen) paren++;
        else if (kind === PgKind.RParen) {
          if (paren > 0) paren--;
        } else if (kind === PgKind.Ident && !naive) {
          const letter = createWordLetter(s, i, e);
          if (letter !== 0) {
            if (idCount === 0) id0 = letter;
            else if (idCount === 1) id1 = letter;
            else if (idCount === 2) id2 = letter;
            else if (idCount === 3) id3 = letter;
          }
          idCount++;
          // CREATE [OR REPLACE] FUNCTION|PROCEDURE ... outside parentheses: track BEGIN / CASE ... END
          if (
            paren === 0 &&
            id0 === 99 &&
            (id1 === 102 || id1 === 112 || (id1 === 111 && id2 === 114 && (id3 === 102 || id3 === 112))) &&
            e - i <= 5
          ) {
            if (wordIs(s, i, e, 'begin')) begin++;
            else if (wordIs(s, i, e, 'case')) {
              if (begin >= 1) begin++;
            } else if (wordIs(s, i, e, 'end')) {
              if (begin > 0) begin--;
            }
          }
        }
      }
      i = e;
    }
    work += i - pos;
    if (boundary >= 0) {
      if (firstReal >= 0) out.push({ start: firstReal, end: lastRealEnd });
      pos = boundary + 1;
    } else if (firstSemi >= 0) {
      if (firstReal >= 0 && firstReal < firstSemi) out.push({ start: firstReal, end: lastRealBeforeFirstSemi });
      pos = firstSemi + 1;
    } else {
      if (firstReal >= 0) out.push({ start: firstReal, end: lastRealEnd });
      break;
    }
  }
  return out;
}
