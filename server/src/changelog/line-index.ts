import { hiddenSlot } from './hidden-slot';
import type { Changelog, ChangelogFile, Position, Range } from './model';

/** Converts UTF-16 offsets of one text to LSP positions and back. Lines end at \n, \r\n or a lone \r, as in LSP. */
export class LineIndex {
  /**
   * Where each line starts. A typed array: a 1 MB changelog has ~60,000 lines, and after each keystroke its index
   * is made anew; as a growing number[] that was ~1.5 MB of young-generation garbage per edit.
   */
  private readonly lineStarts: Uint32Array;
  /** whether the text contains a word (asked of every big changelog per edit: `pgcs-ignore`), by word */
  private readonly words = new Map<string, boolean>();
  /** made by after(): the text before and the common start and end of both, until the YAML reader takes them */
  private edit?: { previous: string; prefix: number; suffix: number };

  constructor(readonly text: string, lineStarts?: Uint32Array) {
    this.lineStarts = lineStarts ?? scanLineStarts(text);
  }

  /**
   * The index of `text`, an edited version of the text of `previous`: only the lines between the versions' common
   * start and end are looked at (after a keystroke in a big changelog, one line instead of the whole text).
   */
  static after(previous: LineIndex, text: string): LineIndex {
    const old = previous.text;
    if (old === text) return previous;
    const shorter = Math.min(text.length, old.length);
    const prefix = commonPrefix(text, old, shorter);
    const suffix = commonSuffix(text, old, shorter - prefix);
    const delta = text.length - old.length;
    const changedEnd = text.length - suffix;
    // a rewrite rather than an edit: scan it all
    if (changedEnd - prefix > text.length / 4) return new LineIndex(text);
    // Offset x starts a line when text[x - 1] is \n, or a \r not followed by \n at x: it depends on x - 1 and x.
    // So the starts up to prefix - 1 are the old ones, those from changedEnd + 1 on the old ones moved by delta,
    // and the ones in between are looked at anew.
    const starts = previous.lineStarts;
    let keepBefore = upperBound(starts, prefix - 1);
    const keepAfter = upperBound(starts, old.length - suffix);
    const middle: number[] = [];
    for (let x = Math.max(1, prefix); x <= changedEnd; x++) {
      const c = text.charCodeAt(x - 1);
      if (c === 10 || (c === 13 && text.charCodeAt(x) !== 10)) middle.push(x);
    }
    if (keepBefore < 1) keepBefore = 1; // (0 always starts a line)
    const lineStarts = new Uint32Array(keepBefore + middle.length + (starts.length - keepAfter));
    lineStarts.set(starts.subarray(0, keepBefore));
    let at = keepBefore;
    for (const x of middle) lineStarts[at++] = x;
    for (let i = keepAfter; i < starts.length; i++) lineStarts[at++] = starts[i] + delta;
    const index = new LineIndex(text, lineStarts);
    index.edit = { previous: old, prefix, suffix };
    for (const [word, had] of previous.words) {
      const known = wordAfterEdit(word, had, old, text, prefix, old.length - suffix, changedEnd);
      if (known !== undefined) index.words.set(word, known);
    }
    return index;
  }

  /**
   * The common start and end of this text and `previous`, when this index was made from the index of `previous`
   * (once: the old text is let go). The YAML reader compares the same two versions to find the edited entries.
   */
  takeEdit(previous: string): { prefix: number; suffix: number } | undefined {
    const edit = this.edit;
    if (!edit) return undefined;
    this.edit = undefined;
    return edit.previous === previous ? { prefix: edit.prefix, suffix: edit.suffix } : undefined;
  }

  /** whether the text contains `word` (remembered, and carried over to the index of an edited version) */
  contains(word: string): boolean {
    let known = this.words.get(word);
    if (known === undefined) this.words.set(word, (known = this.text.includes(word)));
    return known;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  position(offset: number): Position {
    let o = Math.max(0, Math.min(offset, this.text.length));
    // between the \r and \n of a CRLF is not a place in a line: it is the end of the line
    if (o > 0 && this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13) o--;
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  offset(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    return Math.min(start + position.character, this.lineEnd(position.line));
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.min(line, this.lineStarts.length - 1)];
  }

  /** offset of the end of the line's content (before its line break) */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}

// After an edit of a big changelog the loader, the lint and the quick fixes each need the line index of the same
// text (a 1 MB text costs about 2 ms to index): the loader's index of a file's text is kept on the ChangelogFile,
// and everything else reads it from there.
const fileLines = hiddenSlot<LineIndex>('lines');

/** The line index of a file's text: the one the loader made (attachLines), else one made now and kept on the file. */
export function linesOfFile(file: ChangelogFile): LineIndex {
  let index = fileLines.get(file);
  if (index === undefined || index.text !== file.text) fileLines.set(file, (index = new LineIndex(file.text)));
  return index;
}

/** Keeps `index` on the file it indexes (the loader's, made from the index of the file's previous text). */
export function attachLines(file: ChangelogFile, index: LineIndex): void {
  if (index.text === file.text && fileLines.get(file) !== index) fileLines.set(file, index);
}

let empty: LineIndex | undefined;

/** The line index of each file of a changelog (an empty one for a file it does not hold). */
export function lineIndexesOf(changelog: Changelog): (file: string) => LineIndex {
  return (file) => {
    const source = changelog.files.get(file);
    return source ? linesOfFile(source) : (empty ??= new LineIndex(''));
  };
}

/** the offsets where lines start (after \n, \r\n or a lone \r), 0 first */
function scanLineStarts(text: string): Uint32Array {
  let starts = new Uint32Array(Math.max(16, text.length >> 5));
  let count = 1;
  const push = (x: number) => {
    if (count === starts.length) {
      const grown = new Uint32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[count++] = x;
  };
  if (text.indexOf('\r') < 0) {
    // the common case, and a hot one (opening a big changelog): let indexOf find the line breaks
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        push(i + 1);
      }
    }
  }
  return starts.slice(0, count);
}

/** how many of the ascending starts are <= offset */
function upperBound(starts: Uint32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether the edited text contains `word`, from what was known of the old one (it had it or not): an occurrence
 * that does not overlap the edited stretch ([start, oldEnd) of the old text, [start, newEnd) of the new) is in
 * both. undefined: the text must be searched again.
 */
function wordAfterEdit(word: string, had: boolean, old: string, text: string, start: number, oldEnd: number, newEnd: number): boolean | undefined {
  const around = (s: string, end: number) => s.slice(Math.max(0, start - word.length + 1), Math.min(s.length, end + word.length - 1)).includes(word);
  if (around(text, newEnd)) return true;
  if (!had) return false;
  // it had one: if none overlapped the edit, that one is still there
  return around(old, oldEnd) ? undefined : true;
}

// Compared block by block first: string equality of slices is a native memory compare, ~50 times faster than a
// charCodeAt loop over a 1 MB text (which is also a rope after incremental edits).
const BLOCK = 4096;

/** the length of the common start of a and b, at most max */
export function commonPrefix(a: string, b: string, max: number): number {
  let i = 0;
  while (i + BLOCK <= max && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** the length of the common end of a and b, at most max */
export function commonSuffix(a: string, b: string, max: number): number {
  let i = 0;
  while (i + BLOCK <= max && a.slice(a.length - i - BLOCK, a.length - i) === b.slice(b.length - i - BLOCK, b.length - i)) i += BLOCK;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}
