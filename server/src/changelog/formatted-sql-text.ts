// Text assembled from pieces of a file (lines joined with "\n", parts of lines), with the file offset of every
// character, so SQL that Liquibase builds from a formatted changelog can be mapped back to where it was written.

import type { SqlText } from './model';

/** A stretch [start, end) of the file, optionally followed by a "\n" that stands for the line break at `lineBreak`. */
export interface Piece {
  start: number;
  end: number;
  /** offset of the line break that the joining "\n" stands for; -1 when nothing is appended */
  lineBreak: number;
}

/** `${name}` references, as the caller's expander understands them */
const PROPERTY_REFERENCE = /\$\{[^${}\s]+\}/g;

/**
 * Hands out Int32Arrays as views of larger blocks: one file's many offset maps then cost a few allocations
 * instead of one each.
 */
export class OffsetPool {
  private block = new Int32Array(0);
  private used = 0;

  constructor(private readonly blockSize = 1 << 20) {}

  take(length: number): Int32Array {
    if (length > this.blockSize >> 2) return new Int32Array(length);
    if (this.used + length > this.block.length) {
      this.block = new Int32Array(this.blockSize);
      this.used = 0;
    }
    const view = this.block.subarray(this.used, this.used + length);
    this.used += length;
    return view;
  }
}

export class MappedText {
  /**
   * @param offsets offsets[i] = file offset of text[i], offsets[text.length] = the offset just after the text;
   *   null when text is the verbatim slice of the file starting at `base`
   */
  constructor(
    readonly text: string,
    readonly offsets: Int32Array | null,
    readonly base: number,
  ) {}

  static empty(at: number): MappedText {
    return new MappedText('', null, at);
  }

  /** the pieces concatenated; Java-trimmed first when `trim` is set (StringUtil.trimToNull without the null) */
  static fromPieces(file: string, pieces: readonly Piece[], trim: boolean, emptyAt: number, pool?: OffsetPool): MappedText {
    let first = 0;
    let last = pieces.length - 1;
    let firstStart = 0;
    let lastEnd = 0;
    let lastBreak = -1;
    if (trim) {
      // leading: blanks at the start of pieces, and the joiner of a piece that was blank
      for (; first <= last; first++) {
        let s = pieces[first].start;
        const e = pieces[first].end;
        while (s < e && file.charCodeAt(s) <= 32) s++;
        if (s < e) {
          firstStart = s;
          break;
        }
      }
      if (first > last) return MappedText.empty(emptyAt);
      // trailing: the last joiner always goes (it is "\n"), then blanks at the end
      for (; last >= first; last--) {
        const s = last === first ? firstStart : pieces[last].start;
        let e = pieces[last].end;
        while (e > s && file.charCodeAt(e - 1) <= 32) e--;
        if (e > s) {
          lastEnd = e;
          break;
        }
      }
      lastBreak = -1;
    } else {
      if (pieces.length === 0) return MappedText.empty(emptyAt);
      firstStart = pieces[0].start;
      lastEnd = pieces[last].end;
      lastBreak = pieces[last].lineBreak;
    }
    const startOf = (i: number) => (i === first ? firstStart : pieces[i].start);
    const endOf = (i: number) => (i === last ? lastEnd : pieces[i].end);
    const breakOf = (i: number) => (i === last ? lastBreak : pieces[i].lineBreak);

    // verbatim when every joiner sits on a "\n" of the file and the pieces follow each other without gaps;
    // "lines" when they follow each other and only the line breaks differ ("\r\n" or "\r" become "\n")
    let verbatim = true;
    let lines = true;
    let length = 0;
    for (let i = first; i <= last; i++) {
      const s = startOf(i);
      const e = endOf(i);
      const b = breakOf(i);
      length += e - s + (b >= 0 ? 1 : 0);
      if (!lines) continue;
      let next = e;
      if (b >= 0) {
        if (b !== e || b >= file.length) {
          verbatim = lines = false;
          continue;
        }
        if (file.charCodeAt(b) !== 10) verbatim = false;
        next = e + lineBreakLength(file, b);
      }
      if (i < last && startOf(i + 1) !== next) verbatim = lines = false;
    }
    const base = startOf(first);
    if (verbatim) return new MappedText(file.slice(base, base + length), null, base);

    const offsets = pool ? pool.take(length + 1) : new Int32Array(length + 1);
    if (lines) {
      // one stretch of the file: copy it, turning each line break into a single "\n"
      const b = breakOf(last);
      const stop = b >= 0 ? b + lineBreakLength(file, b) : endOf(last);
      let k = 0;
      for (let i = first; i <= last; i++) {
        const e = endOf(i);
        for (let o = startOf(i); o < e; o++) offsets[k++] = o;
        const lb = breakOf(i);
        if (lb >= 0) offsets[k++] = lb;
      }
      offsets[length] = stop;
      return new MappedText(file.slice(base, stop).replace(/\r\n?/g, '\n'), offsets, base);
    }
    const parts: string[] = [];
    let k = 0;
    let after = base;
    for (let i = first; i <= last; i++) {
      const s = startOf(i);
      const e = endOf(i);
      const b = breakOf(i);
      if (e > s) parts.push(file.slice(s, e));
      for (let o = s; o < e; o++) offsets[k++] = o;
      after = e;
      if (b >= 0) {
        parts.push('\n');
        offsets[k++] = b;
        after = b + lineBreakLength(file, b);
      }
    }
    offsets[length] = after;
    return new MappedText(parts.join(''), offsets, base);
  }

  /** file offset of text[i]; i === text.length gives the offset just after the text */
  at(i: number): number {
    return this.offsets ? this.offsets[i] : this.base + i;
  }

  get start(): number {
    return this.at(0);
  }

  get end(): number {
    return this.at(this.text.length);
  }

  slice(a: number, b: number): MappedText {
    if (a === 0 && b === this.text.length) return this;
    if (!this.offsets) return new MappedText(this.text.slice(a, b), null, this.base + a);
    if (b === this.text.length || (b > a && this.offsets[b] === this.offsets[b - 1] + 1)) {
      // the next character's offset is exactly the end of this slice: share the array
      return new MappedText(this.text.slice(a, b), this.offsets.subarray(a, b + 1), this.offsets[a]);
    }
    const offsets = new Int32Array(b - a + 1);
    for (let i = a; i < b; i++) offsets[i - a] = this.offsets[i];
    offsets[b - a] = b === this.text.length ? this.offsets[b] : b > a ? this.offsets[b - 1] + 1 : this.offsets[a];
    return new MappedText(this.text.slice(a, b), offsets, this.at(a));
  }

  /** Java's String.trim() */
  trim(): MappedText {
    let a = 0;
    let b = this.text.length;
    while (a < b && this.text.charCodeAt(a) <= 32) a++;
    while (b > a && this.text.charCodeAt(b - 1) <= 32) b--;
    if (a === b) return MappedText.empty(this.at(a));
    return this.slice(a, b);
  }

  /**
   * `${name}` expansion by the caller's function, keeping the map: each character of a substituted value maps to
   * the `$` of its reference. When the function does more than replace references one by one, the changed middle
   * of the text maps to where the first difference starts.
   */
  expand(expander: ((text: string) => string) | undefined): MappedText {
    if (!expander || !this.text.includes('${')) return this;
    const expanded = expander(this.text);
    if (expanded === this.text) return this;
    let out = '';
    const map: number[] = [];
    let last = 0;
    for (const match of this.text.matchAll(PROPERTY_REFERENCE)) {
      const at = match.index!;
      const value = expander(match[0]);
      if (value === match[0]) continue;
      out += this.text.slice(last, at);
      for (let i = last; i < at; i++) map.push(this.at(i));
      out += value;
      for (let i = 0; i < value.length; i++) map.push(this.at(at));
      last = at + match[0].length;
    }
    out += this.text.slice(last);
    for (let i = last; i < this.text.length; i++) map.push(this.at(i));
    if (out !== expanded) {
      // not a plain reference-by-reference substitution: keep the common prefix and suffix exact
      map.length = 0;
      const limit = Math.min(this.text.length, expanded.length);
      let prefix = 0;
      while (prefix < limit && this.text.charCodeAt(prefix) === expanded.charCodeAt(prefix)) prefix++;
      let suffix = 0;
      while (
        suffix < limit - prefix &&
        this.text.charCodeAt(this.text.length - 1 - suffix) === expanded.charCodeAt(expanded.length - 1 - suffix)
      ) suffix++;
      for (let i = 0; i < prefix; i++) map.push(this.at(i));
      for (let i = prefix; i < expanded.length - suffix; i++) map.push(this.at(prefix));
      for (let i = this.text.length - suffix; i < this.text.length; i++) map.push(this.at(i));
      out = expanded;
    }
    map.push(this.end);
    return new MappedText(out, Int32Array.from(map), map.length > 1 ? map[0] : this.end);
  }

  toSqlText(file: string, options: { splitStatements: boolean; stripComments: boolean; endDelimiter?: string }): SqlText {
    const sql: SqlText = {
      text: this.text,
      file,
      // (its offsets, when it has them, are the file's own)
      baseOffset: this.offsets ? 0 : this.start,
      splitStatements: options.splitStatements,
      stripComments: options.stripComments,
    };
    if (this.offsets) sql.offsets = this.offsets;
    if (options.endDelimiter !== undefined) sql.endDelimiter = options.endDelimiter;
    return sql;
  }
}

function lineBreakLength(file: string, at: number): number {
  if (at >= file.length) return 0;
  return file.charCodeAt(at) === 13 && file.charCodeAt(at + 1) === 10 ? 2 : 1;
}
