import type { Changelog, Position, Range } from './model';

/** Converts UTF-16 offsets of one text to LSP positions and back. Lines end at \n, \r\n or a lone \r, as in LSP. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    if (text.indexOf('\r') < 0) {
      // the common case, and a hot one (every edit of a big changelog): let indexOf find the line breaks
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 /* \n */) starts.push(i + 1);
        else if (c === 13 /* \r */) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.lineStarts = starts;
    if (text.length >= SHARED_FROM) remember(this);
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
// text: the indexes of big texts made lately are shared (a 1 MB text costs about 2 ms to index).
const SHARED_FROM = 64 * 1024;
const SHARED_COUNT = 8;
/** by text (V8 hashes a long string by its length: a lookup compares at most the texts of the same length) */
const recent = new Map<string, LineIndex>();

function remember(index: LineIndex): void {
  recent.delete(index.text);
  recent.set(index.text, index);
  if (recent.size > SHARED_COUNT) recent.delete(recent.keys().next().value!);
}

/** The line index of a text: the one made lately for the same text, or a new one. */
export function lineIndexOf(text: string): LineIndex {
  return (text.length >= SHARED_FROM && recent.get(text)) || new LineIndex(text);
}

/** A line index per file of a changelog, made on first use. */
export function lineIndexesOf(changelog: Changelog): (file: string) => LineIndex {
  const cache = new Map<string, LineIndex>();
  return (file) => {
    let index = cache.get(file);
    if (!index) {
      index = lineIndexOf(changelog.files.get(file)?.text ?? '');
      cache.set(file, index);
    }
    return index;
  };
}
