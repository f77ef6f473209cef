import { Alias, Document, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from 'yaml';
import { YAML_ESCAPES } from './yaml-scalar';

/**
 * A reader for the block-style YAML changelogs are written in, ~10 times faster than the `yaml` library's
 * `parseDocument` (which lexes into tokens, builds a concrete syntax tree, then composes it). It builds the very
 * nodes `parseDocument` builds (Document, YAMLMap, YAMLSeq, Pair, Scalar) with the same ranges, types, values
 * (resolved by the same schema) and sources, or gives undefined for anything outside its subset, and the caller
 * falls back to `parseDocument`. Comments are skipped but not kept on the nodes (nothing reads them).
 *
 * The subset: block mappings and sequences (`- key: value` included), plain and quoted single-line keys and
 * values, `|` and `>` block scalars with any chomping, full-line and trailing comments, a BOM, one leading `---`,
 * and flow mappings and sequences that close on the line they open (`- column: { name: id, type: uuid }`, nested,
 * every key with a value), anchors on block collections that start on the next line (`column: &pk_column`) and
 * aliases to them as values (`column: *pk_column`). Other anchors, tags, `? ` keys, merge keys, directives, tabs and
 * CRs outside block scalars, multi-line plain or quoted scalars or flow collections, comments inside flow collections, empty `-`
 * items and indentation indicators are not: they give undefined.
 *
 * The ranges follow what the library's parser does with the comments and blank lines after a value, which decides
 * where a node's range ends (its third offset): a comment line indented more than the collection holding a plain or
 * quoted value belongs to that value; the lines after a collection's last value stay with it when one of their
 * comments is indented at least as much as it (and it is indented at all); the lines after a key with no value
 * belong to that empty value.
 */
export type BlockYamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** `parseDocument`, through the block reader when the text allows it. */
export function parseYamlDocument(source: string, options: BlockYamlOptions): Document.Parsed {
  return parseBlockYaml(source, options) ?? parseDocument(source, options);
}

/** the documents the block reader built, and whether it put an anchor or an alias in them */
const readerAnchors = new WeakMap<Document.Parsed, boolean>();

/**
 * Whether a document has an anchor or an alias anywhere: known without walking it when the block reader built it
 * (undefined when parseDocument did; walk it then).
 */
export function hasAnchorsOrAliases(doc: Document.Parsed): boolean | undefined {
  return readerAnchors.get(doc);
}

export function parseBlockYaml(source: string, options: BlockYamlOptions = {}): Document.Parsed | undefined {
  if (options.keepSourceTokens || options.lineCounter || options.stringKeys || options.strict === false) return undefined;
  if (typeof options.uniqueKeys === 'function') return undefined;
  // the library skips a BOM at a line's start anywhere (not only the text's first character)
  if (source.indexOf('\ufeff', 1) !== -1) return undefined;
  try {
    if (!source.includes('\r')) return new BlockYamlReader(source, options).read();
    // CRLF line ends: the library reads `\r\n` as it reads `\n` (values never hold the `\r`), so the text is read
    // with LF line ends and the offsets moved back; a lone CR is outside the subset
    if (/\r(?!\n)/.test(source)) return undefined;
    const doc = new BlockYamlReader(source.replace(/\r\n/g, '\n'), options).read();
    moveToCrlfOffsets(doc, source);
    return doc;
  } catch (error) {
    if (error === OUTSIDE_SUBSET) return undefined;
    throw error;
  }
}

/**
 * Offsets in the text with its CRLFs made LFs → offsets in the text: past each CRLF line break two characters, not
 * one. An offset at a line break (an empty value at a line's end) stays on its `\r`, as in the library.
 */
function moveToCrlfOffsets(doc: Document.Parsed, source: string): void {
  const breaks: number[] = []; // the LF text's offsets of the line breaks that were CRLF
  for (let at = source.indexOf('\r\n'); at !== -1; at = source.indexOf('\r\n', at + 2)) breaks.push(at - breaks.length);
  const move = (offset: number): number => {
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (breaks[middle] < offset) low = middle + 1;
      else high = middle;
    }
    return offset + low;
  };
  const moveRange = (range: [number, number, number]) => {
    range[0] = move(range[0]);
    range[1] = move(range[1]);
    range[2] = move(range[2]);
  };
  const visitNode = (node: unknown): void => {
    if (node instanceof Scalar || node instanceof Alias) moveRange(node.range!);
    else if (node instanceof YAMLMap) {
      moveRange(node.range!);
      for (const pair of node.items) {
        visitNode(pair.key);
        visitNode(pair.value);
      }
    } else if (node instanceof YAMLSeq) {
      moveRange(node.range!);
      for (const item of node.items) visitNode(item);
    }
  };
  visitNode(doc.contents);
  moveRange(doc.range);
}

const MAX_DEPTH = 100;

const OUTSIDE_SUBSET = new Error('outside the block YAML subset');

function outside(): never {
  throw OUTSIDE_SUBSET;
}

const SPACE = 32;
const NEWLINE = 10;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const SINGLE = 39;
const DOUBLE = 34;
const COMMA = 44;
const AMPERSAND = 38;
const ASTERISK = 42;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** a character that ends a plain scalar inside a flow collection, and one that `:` must be followed by to be a key's */
function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === OPEN_BRACE || c === CLOSE_BRACE || c === OPEN_BRACKET || c === CLOSE_BRACKET;
}

/** characters a plain scalar cannot start with (flow indicators, anchors, tags, block scalar and reserved ones) */
const NOT_PLAIN_START = new Set([...',[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

interface ScalarTag {
  tag: string;
  default?: boolean | 'key';
  test?: RegExp;
  format?: string;
  resolve: (value: string, onError: (message: string) => void, options: unknown) => unknown;
}

class BlockYamlReader {
  private readonly n: number;
  private readonly doc: Document.Parsed;
  private readonly tags: ScalarTag[];
  private readonly stringTag: ScalarTag;
  private readonly plainTags = new Map<string, ScalarTag>();
  private readonly plainKeyTags = new Map<string, ScalarTag>();
  private readonly uniqueKeys: boolean;
  /** the anchors defined so far: an alias to any other is left to the library */
  private readonly anchors = new Set<string>();
  private depth = 0;

  // The next content line after the last value read, and the blank and comment lines before it (the "region").
  /** offset of its first character, or the text's length at the end */
  private nextFirst = 0;
  /** its indentation, -1 at the end of the text */
  private nextIndent = -1;
  /** the greatest indentation of a comment line in the region, -1 if none */
  private regionComment = -1;
  /** a node took the region into its range; else it goes up to the enclosing collections, then the document */
  private regionTaken = false;

  constructor(
    private readonly text: string,
    options: BlockYamlOptions,
  ) {
    this.n = text.length;
    this.doc = new Document(undefined, options) as Document.Parsed;
    const schema = this.doc.schema as unknown as { tags: ScalarTag[]; compat: unknown } & Record<symbol, ScalarTag>;
    if (schema.compat) outside();
    this.tags = schema.tags;
    this.stringTag = schema[Symbol.for('yaml.scalar')];
    this.uniqueKeys = options.uniqueKeys !== false;
  }

  read(): Document.Parsed {
    const doc = this.readDocument();
    readerAnchors.set(doc, this.anchors.size > 0);
    return doc;
  }

  private readDocument(): Document.Parsed {
    const t = this.text;
    let at = t.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.scanRegion(at);
    if (this.nextIndent < 0) outside();
    let docStart = this.nextFirst - this.nextIndent;
    if (at === 1 && docStart === 1 && this.nextIndent > 0) outside(); // after a BOM the first line's spaces are no indentation
    if (docStart < at) docStart = at;
    if (this.nextIndent === 0 && t.startsWith('---', this.nextFirst)) {
      // one `---` before the content (more markers, or content on its line, are outside the subset)
      docStart = this.nextFirst;
      let q = docStart + 3;
      const c = t.charCodeAt(q);
      if (q < this.n && c !== NEWLINE && c !== SPACE) outside();
      while (t.charCodeAt(q) === SPACE) q++;
      if (q < this.n && t.charCodeAt(q) !== NEWLINE && t.charCodeAt(q) !== HASH) outside();
      this.scanRegion(this.lineEnd(q) + 1);
      if (this.nextIndent < 0) outside();
      this.doc.directives.docStart = true;
    }
    const col = this.nextIndent;
    const first = this.nextFirst;
    if (col === 0 && (t.startsWith('---', first) || t.startsWith('...', first)) && this.isBlankOrEnd(first + 3)) outside();
    const root = this.isDash(first) ? this.readSeq(col, first) : this.readMap(col, first);
    if (this.nextIndent >= 0) outside();
    const contentEnd = root.range![2];
    this.doc.contents = root as Document.Parsed['contents'];
    this.doc.range = [docStart, contentEnd, this.regionTaken ? contentEnd : this.n];
    return this.doc;
  }

  // ---- collections -----------------------------------------------------------------------------------------

  /** A block mapping whose first key starts at `keyAt`, in column `col`. */
  private readMap(col: number, keyAt: number): YAMLMap {
    this.enter();
    const map = new YAMLMap(this.doc.schema);
    const seen = this.uniqueKeys ? new Set<unknown>() : undefined;
    let key = keyAt;
    let end: number;
    for (;;) {
      const [keyNode, afterColon] = this.readKey(key);
      if (seen) {
        if (seen.has(keyNode.value)) outside();
        seen.add(keyNode.value);
      }
      const value = this.readMapValue(afterColon, col);
      map.items.push(new Pair(keyNode, value));
      end = value.range![2];
      if (this.nextIndent === col) {
        if (this.isDash(this.nextFirst)) outside();
        key = this.nextFirst;
        continue;
      }
      if (this.nextIndent > col) outside();
      break;
    }
    map.range = [keyAt, end, this.keepRegion(col) ?? end];
    this.depth--;
    return map;
  }

  /** A block sequence whose first `-` is at `dashAt`, in column `col`. */
  private readSeq(col: number, dashAt: number): YAMLSeq {
    this.enter();
    const seq = new YAMLSeq(this.doc.schema);
    let dash = dashAt;
    let end: number;
    for (;;) {
      const item = this.readSeqItem(dash, col);
      seq.items.push(item);
      end = item.range![2];
      if (this.nextIndent === col && this.isDash(this.nextFirst)) {
        dash = this.nextFirst;
        continue;
      }
      if (this.nextIndent > col) outside();
      break;
    }
    seq.range = [dashAt, end, this.keepRegion(col) ?? end];
    this.depth--;
    return seq;
  }

  /**
   * One level deeper. The library reports a stack overflow as an error of the document, at a depth that depends on
   * the stack left to it: past a depth no changelog comes near, leave such documents to it.
   */
  private enter(): void {
    if (++this.depth > MAX_DEPTH) outside();
  }

  /**
   * A collection ends (the next line is less indented): the region after its last value stays in its range when
   * one of the region's comments is indented at least as much as the collection, else it goes to the parent.
   */
  private keepRegion(col: number): number | undefined {
    if (this.regionTaken || col === 0 || this.regionComment < col) return undefined;
    this.regionTaken = true;
    return this.nextFirst;
  }

  /** The value after `key:` (`afterColon` is just past the colon), in a mapping in column `col`. */
  private readMapValue(afterColon: number, col: number): Node {
    const t = this.text;
    let q = afterColon;
    while (t.charCodeAt(q) === SPACE) q++;
    const c = t.charCodeAt(q);
    if (q >= this.n || c === NEWLINE || c === HASH) return this.readValueBelow(q, col);
    if (c === AMPERSAND) return this.readAnchored(q, col);
    return this.readInlineValue(q, col);
  }

  /** `&name` after a key, and the block collection it names on the next lines (its range starts at its content). */
  private readAnchored(at: number, col: number): Node {
    const t = this.text;
    const nameEnd = this.anchorNameEnd(at + 1);
    const q = this.skipSpaces(nameEnd);
    if (q < this.n && t.charCodeAt(q) !== NEWLINE && t.charCodeAt(q) !== HASH) outside(); // an anchored scalar
    const node = this.readValueBelow(q, col);
    if (node instanceof Scalar) outside(); // an anchored empty value
    const name = t.slice(at + 1, nameEnd);
    (node as YAMLMap | YAMLSeq).anchor = name;
    this.anchors.add(name);
    return node;
  }

  /** The end of the anchor or alias name from `from`: letters, digits, `_`, `-` and `.`, up to a space or the line's end. */
  private anchorNameEnd(from: number): number {
    const t = this.text;
    let j = from;
    for (;;) {
      const c = t.charCodeAt(j);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === DASH || c === 46) j++;
      else break;
    }
    if (j === from || (j < this.n && t.charCodeAt(j) !== SPACE && t.charCodeAt(j) !== NEWLINE)) outside();
    return j;
  }

  /** `key:` with nothing after it on its line: a collection on the next lines, or an empty value. */
  private readValueBelow(emptyAt: number, col: number): Node {
    const keyLineEnd = this.lineEnd(emptyAt);
    this.scanRegion(keyLineEnd + 1);
    const first = this.nextFirst;
    if (this.nextIndent > col) return this.isDash(first) ? this.readSeq(this.nextIndent, first) : this.readMap(this.nextIndent, first);
    if (this.nextIndent === col && this.isDash(first)) return this.readSeq(col, first);
    // an empty value (null): the blank and comment lines after the key are its own, up to where the next key's
    // part starts: the library gives the next key the lines after the second line break that follows (counted
    // again from a comment indented more than the mapping)
    let end = first;
    const commentAt = this.text.charCodeAt(emptyAt) === HASH ? emptyAt : this.firstCommentFrom(keyLineEnd + 1, first);
    if (this.nextIndent === col) {
      const t = this.text;
      let breaks = [keyLineEnd];
      for (let p = keyLineEnd + 1; p < first; ) {
        let q = p;
        while (t.charCodeAt(q) === SPACE) q++;
        const lineEnd = this.lineEnd(q);
        if (lineEnd >= first) break;
        if (t.charCodeAt(q) === HASH && q - p > col) breaks = [];
        breaks.push(lineEnd);
        p = lineEnd + 1;
      }
      if (breaks.length >= 2) end = breaks[1];
    }
    this.regionTaken = true;
    const scalar = this.plain('', emptyAt, emptyAt, commentAt >= 0 && commentAt < end ? end : emptyAt);
    return scalar;
  }

  /** One `- ` item: a scalar, or a mapping whose first key is on the dash's line. */
  private readSeqItem(dash: number, col: number): Node {
    const t = this.text;
    let q = dash + 1;
    while (t.charCodeAt(q) === SPACE) q++;
    const c = t.charCodeAt(q);
    if (q >= this.n || c === NEWLINE || c === HASH || c === TAB) outside(); // an empty item
    if ((c === DASH || c === 63 /* ? */ || c === COLON) && this.isBlankOrEnd(q + 1)) outside();
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return this.readInlineValue(q, col);
    const keyCol = col + (q - dash);
    if (c === SINGLE || c === DOUBLE) {
      const close = this.closingQuote(q);
      let r = close + 1;
      while (t.charCodeAt(r) === SPACE) r++;
      if (t.charCodeAt(r) === COLON && this.isBlankOrEnd(r + 1)) return this.readMap(keyCol, q);
      return this.readInlineValue(q, col);
    }
    if (c !== 124 /* | */ && c !== 62 /* > */ && this.keyColon(q) >= 0) return this.readMap(keyCol, q);
    return this.readInlineValue(q, col);
  }

  // ---- scalars -------------------------------------------------------------------------------------------

  /** A key at `at` and the offset just past its colon. */
  private readKey(at: number): [Scalar, number] {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === SINGLE || c === DOUBLE) {
      const close = this.closingQuote(at);
      let r = close + 1;
      while (t.charCodeAt(r) === SPACE) r++;
      if (t.charCodeAt(r) !== COLON || !this.isBlankOrEnd(r + 1)) outside();
      return [this.quoted(at, close), r + 1];
    }
    const colon = this.keyColon(at);
    if (colon < 0) outside();
    this.checkPlainStart(at);
    let end = colon;
    while (t.charCodeAt(end - 1) === SPACE) end--;
    if (end === at) outside();
    const value = t.slice(at, end);
    if (value === '<<') outside();
    return [this.plain(value, at, end, end, true), colon + 1];
  }

  /**
   * The colon ending a plain key that starts at `at` (one followed by a space or the line's end), or -1 when the
   * line holds a plain value; outside the subset when a comment or a tab comes first.
   */
  private keyColon(at: number): number {
    const t = this.text;
    for (let j = at; j < this.n; j++) {
      const c = t.charCodeAt(j);
      if (c === COLON) {
        if (this.isBlankOrEnd(j + 1)) return j;
      } else if (c === NEWLINE) {
        return -1;
      } else if (c === SPACE) {
        if (t.charCodeAt(j + 1) === HASH) return -1;
      } else if (c === TAB) {
        outside();
      }
    }
    return -1;
  }

  /**
   * A value that starts on the line at `at`: plain, quoted, a block scalar or a flow collection; `col` is its
   * collection's column.
   */
  private readInlineValue(at: number, col: number): Node {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === 124 /* | */ || c === 62 /* > */) return this.readBlockScalar(at, col);
    let scalar: Node;
    let rest: number;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      scalar = this.readFlowCollection(at);
      rest = scalar.range![1];
    } else if (c === ASTERISK) {
      rest = this.anchorNameEnd(at + 1);
      const name = t.slice(at + 1, rest);
      if (!this.anchors.has(name)) outside();
      scalar = new Alias(name);
      scalar.range = [at, rest, rest];
    } else if (c === SINGLE || c === DOUBLE) {
      const close = this.closingQuote(at);
      scalar = this.quoted(at, close);
      rest = close + 1;
      const r = t.charCodeAt(rest);
      if (rest < this.n && r !== SPACE && r !== NEWLINE) outside();
    } else {
      this.checkPlainStart(at);
      let last = at;
      let j = at;
      for (; j < this.n; j++) {
        const d = t.charCodeAt(j);
        if (d === NEWLINE) break;
        if (d === SPACE) {
          if (t.charCodeAt(j + 1) === HASH) break;
          continue;
        }
        if (d === TAB) outside();
        // `a: b: c` is an error: nested mappings are not allowed in compact mappings
        if (d === COLON && this.isBlankOrEnd(j + 1)) outside();
        last = j;
      }
      scalar = this.plain(t.slice(at, last + 1), at, last + 1, 0);
      rest = last + 1;
    }
    // the rest of the line: spaces and a comment
    while (t.charCodeAt(rest) === SPACE) rest++;
    if (rest < this.n && t.charCodeAt(rest) !== NEWLINE && t.charCodeAt(rest) !== HASH) outside();
    const lineEnd = this.lineEnd(rest);
    const end = this.indentedCommentsEnd(lineEnd < this.n ? lineEnd + 1 : this.n, col);
    scalar.range![2] = end;
    this.scanRegion(end);
    return scalar;
  }

  /**
   * A flow mapping or sequence at `at` (`{` or `[`) that closes on its line. Inside it, each key's range ends with
   * its text, and each value's (and each nested collection's) takes the spaces after it, up to the `,` or the
   * closing bracket; the caller sets the third offset of this one.
   */
  private readFlowCollection(at: number): YAMLMap | YAMLSeq {
    this.enter();
    const t = this.text;
    const isMap = t.charCodeAt(at) === OPEN_BRACE;
    const closing = isMap ? CLOSE_BRACE : CLOSE_BRACKET;
    const collection = isMap ? new YAMLMap(this.doc.schema) : new YAMLSeq(this.doc.schema);
    collection.flow = true;
    const seen = isMap && this.uniqueKeys ? new Set<unknown>() : undefined;
    let q = this.skipSpaces(at + 1);
    while (t.charCodeAt(q) !== closing) {
      let key: Scalar | undefined;
      if (isMap) {
        let colon: number;
        if (t.charCodeAt(q) === SINGLE || t.charCodeAt(q) === DOUBLE) {
          const close = this.closingQuote(q);
          key = this.quoted(q, close);
          colon = this.skipSpaces(close + 1);
          if (t.charCodeAt(colon) !== COLON) outside(); // a key without a value
        } else {
          const [end, stop] = this.flowPlainEnd(q);
          if (t.charCodeAt(stop) !== COLON) outside(); // a key without a value
          const value = t.slice(q, end);
          if (value === '<<') outside();
          key = this.plain(value, q, end, end, true);
          colon = stop;
        }
        if (seen) {
          if (seen.has(key.value)) outside();
          seen.add(key.value);
        }
        q = this.skipSpaces(colon + 1);
        const c = t.charCodeAt(q);
        if (c === COMMA || c === closing) outside(); // an empty value
      }
      const value = this.readFlowValue(q);
      if (key) (collection as YAMLMap).items.push(new Pair(key, value));
      else (collection as YAMLSeq).items.push(value);
      q = value.range![2];
      if (t.charCodeAt(q) === COMMA) q = this.skipSpaces(q + 1);
      else if (t.charCodeAt(q) !== closing) outside();
    }
    collection.range = [at, q + 1, q + 1];
    this.depth--;
    return collection;
  }

  /** A value in a flow collection at `at`; its range ends past the spaces after it. */
  private readFlowValue(at: number): Node {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const collection = this.readFlowCollection(at);
      collection.range![2] = this.skipSpaces(collection.range![1]);
      return collection;
    }
    if (c === SINGLE || c === DOUBLE) {
      const close = this.closingQuote(at);
      const scalar = this.quoted(at, close);
      scalar.range![2] = this.skipSpaces(close + 1);
      return scalar;
    }
    const [end, stop] = this.flowPlainEnd(at);
    // `key: value` inside a sequence is a mapping of its own; `a: b: c` in a mapping is an error
    if (t.charCodeAt(stop) === COLON) outside();
    return this.plain(t.slice(at, end), at, end, stop);
  }

  /**
   * A plain scalar in a flow collection starting at `at`: the end of its text, and where the spaces after it end
   * (at a `,`, a bracket, or the colon after a key). Outside the subset at a comment, a tab or the line's end.
   */
  private flowPlainEnd(at: number): [number, number] {
    const t = this.text;
    this.checkPlainStart(at);
    const first = t.charCodeAt(at);
    if ((first === DASH || first === 63 /* ? */ || first === COLON) && isFlowIndicator(t.charCodeAt(at + 1))) outside();
    let end = at;
    for (let j = at; j < this.n; j++) {
      const d = t.charCodeAt(j);
      if (d === SPACE) continue;
      if (d === NEWLINE || d === TAB) outside();
      if (isFlowIndicator(d)) return [end, j];
      if (d === HASH && t.charCodeAt(j - 1) === SPACE) outside(); // a comment inside the collection
      if (d === COLON) {
        const e = t.charCodeAt(j + 1);
        if (j + 1 >= this.n || e === SPACE || e === NEWLINE || isFlowIndicator(e)) return [end, j];
      }
      end = j + 1;
    }
    return outside();
  }

  private skipSpaces(from: number): number {
    let q = from;
    while (this.text.charCodeAt(q) === SPACE) q++;
    return q;
  }

  /** Comment lines indented more than the value's collection (blank lines between) end a plain or quoted value. */
  private indentedCommentsEnd(from: number, col: number): number {
    const t = this.text;
    let end = from;
    for (let p = from; p < this.n; ) {
      let q = p;
      while (t.charCodeAt(q) === SPACE) q++;
      if (q >= this.n) break;
      const c = t.charCodeAt(q);
      if (c === NEWLINE) {
        p = q + 1;
        continue;
      }
      if (c !== HASH || q - p <= col) break;
      const lineEnd = this.lineEnd(q);
      end = p = lineEnd < this.n ? lineEnd + 1 : this.n;
    }
    return end;
  }

  /** The offset of the quote closing the one at `at`, on the same line. */
  private closingQuote(at: number): number {
    const t = this.text;
    const quote = t.charCodeAt(at);
    const lineEnd = this.lineEnd(at);
    let close = t.indexOf(quote === SINGLE ? "'" : '"', at + 1);
    if (quote === SINGLE) {
      while (close !== -1 && t.charCodeAt(close + 1) === SINGLE) close = t.indexOf("'", close + 2);
    } else {
      while (close !== -1) {
        let backslashes = 0;
        while (t.charCodeAt(close - 1 - backslashes) === 92) backslashes++;
        if (backslashes % 2 === 0) break;
        close = t.indexOf('"', close + 1);
      }
    }
    if (close === -1 || close > lineEnd) outside(); // unterminated, or over several lines
    return close;
  }

  private quoted(at: number, close: number): Scalar {
    const t = this.text;
    const body = t.slice(at + 1, close);
    const single = t.charCodeAt(at) === SINGLE;
    const value = single ? body.replace(/''/g, "'") : body.includes('\\') ? doubleQuotedValue(body) : body;
    return this.scalar(value, single ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE, this.stringTag, at, close + 1, close + 1);
  }

  /** A plain scalar (an empty one is null), resolved as the schema resolves it. */
  private plain(value: string, start: number, valueEnd: number, end: number, atKey = false): Scalar {
    // (the schema's tags for a text, once per text: keys and values repeat; keys may also take `default: 'key'` tags)
    const known = atKey ? this.plainKeyTags : this.plainTags;
    let tag = known.get(value);
    if (!tag) {
      tag = this.tags.find((s) => (s.default === true || (atKey && s.default === 'key')) && s.test?.test(value)) ?? this.stringTag;
      if (tag.tag === 'tag:yaml.org,2002:merge') outside();
      known.set(value, tag);
    }
    return this.scalar(value, Scalar.PLAIN, tag, start, valueEnd, end);
  }

  private scalar(value: string, type: Scalar.Type, tag: ScalarTag, start: number, valueEnd: number, end: number): Scalar {
    let resolved: unknown;
    try {
      resolved = tag.resolve(value, outside, this.doc.options);
    } catch {
      outside(); // the library reports a tag that cannot resolve its text as an error
    }
    const scalar = resolved instanceof Scalar ? resolved : new Scalar(resolved);
    scalar.range = [start, valueEnd, end];
    scalar.source = value;
    scalar.type = type;
    if (tag.format) scalar.format = tag.format;
    return scalar;
  }

  private checkPlainStart(at: number): void {
    const c = this.text.charCodeAt(at);
    if (NOT_PLAIN_START.has(c) || c === TAB) outside();
    if ((c === DASH || c === 63 /* ? */ || c === COLON) && this.isBlankOrEnd(at + 1)) outside();
  }

  /** `|` or `>` at `at`, in a collection in column `col`: the lines more indented than it are its text. */
  private readBlockScalar(at: number, col: number): Scalar {
    const t = this.text;
    let q = at + 1;
    const chomp = t[q] === '-' || t[q] === '+' ? t[q++] : '';
    if (q < this.n && t.charCodeAt(q) !== SPACE && t.charCodeAt(q) !== NEWLINE) outside(); // an indentation indicator
    while (t.charCodeAt(q) === SPACE) q++;
    if (q < this.n && t.charCodeAt(q) !== NEWLINE && t.charCodeAt(q) !== HASH) outside();
    const headerEnd = this.lineEnd(q);
    const body = headerEnd < this.n ? headerEnd + 1 : this.n;
    const end = this.blockScalarEnd(body, col + 1, chomp === '+');
    const value = blockScalarValue(t.slice(body, end), t.charCodeAt(at) === 62, chomp, col);
    if (value === undefined) outside();
    const scalar = this.scalar(value, t.charCodeAt(at) === 62 ? Scalar.BLOCK_FOLDED : Scalar.BLOCK_LITERAL, this.stringTag, at, end, end);
    this.scanRegion(end);
    return scalar;
  }

  /**
   * Where a block scalar's text that starts at `body` ends: the library's lexer takes every line that is blank or
   * indented at least as much as the first non-blank one (which must be indented at least `minIndent`), then, unless
   * the chomping keeps them, gives back the trailing blank lines no more indented than that first line.
   */
  private blockScalarEnd(body: number, minIndent: number, keep: boolean): number {
    const t = this.text;
    let nl = body - 1;
    let indent = 0;
    for (let i = body; i < this.n; i++) {
      const c = t.charCodeAt(i);
      if (c === SPACE) indent++;
      else if (c === NEWLINE) {
        nl = i;
        indent = 0;
      } else break;
    }
    if (indent >= minIndent) {
      const contentIndent = indent;
      for (;;) {
        const start = nl + 1;
        let k = start;
        while (t.charCodeAt(k) === SPACE) k++;
        if (t.charCodeAt(k) !== NEWLINE && k - start < contentIndent) break;
        nl = t.indexOf('\n', k);
        if (nl === -1) {
          nl = this.n;
          break;
        }
      }
    }
    // a tab in the indentation after the block is an error the library reports
    let k = nl + 1;
    while (t.charCodeAt(k) === SPACE) k++;
    if (t.charCodeAt(k) === TAB) outside();
    if (!keep) {
      for (;;) {
        let i = nl - 1;
        const lastChar = i;
        while (t.charCodeAt(i) === SPACE) i--;
        if (t.charCodeAt(i) === NEWLINE && i >= body && i + 1 + indent > lastChar) nl = i;
        else break;
      }
    }
    return Math.min(nl + 1, this.n);
  }

  // ---- lines ---------------------------------------------------------------------------------------------

  /**
   * Skips the blank and comment lines from the line starting at `from`, up to the next content line (or the end):
   * the region after the value that ends at `from`.
   */
  private scanRegion(from: number): void {
    const t = this.text;
    let comment = -1;
    let p = from;
    this.regionTaken = false;
    while (p < this.n) {
      let q = p;
      while (t.charCodeAt(q) === SPACE) q++;
      if (q >= this.n) break;
      const c = t.charCodeAt(q);
      if (c === NEWLINE) {
        p = q + 1;
        continue;
      }
      if (c === TAB) outside();
      if (c === HASH) {
        if (q - p > comment) comment = q - p;
        const lineEnd = this.lineEnd(q);
        p = lineEnd < this.n ? lineEnd + 1 : this.n;
        continue;
      }
      this.nextFirst = q;
      this.nextIndent = q - p;
      this.regionComment = comment;
      return;
    }
    this.nextFirst = this.n;
    this.nextIndent = -1;
    this.regionComment = comment;
  }

  /** the first comment in the lines from `from` up to `to` (all blank or comment lines), or -1 */
  private firstCommentFrom(from: number, to: number): number {
    const t = this.text;
    for (let p = from; p < to; ) {
      let q = p;
      while (t.charCodeAt(q) === SPACE) q++;
      if (q >= to) return -1;
      if (t.charCodeAt(q) === HASH) return q;
      p = this.lineEnd(q) + 1;
    }
    return -1;
  }

  private lineEnd(from: number): number {
    const i = this.text.indexOf('\n', from);
    return i < 0 ? this.n : i;
  }

  private isBlankOrEnd(at: number): boolean {
    if (at >= this.n) return true;
    const c = this.text.charCodeAt(at);
    if (c === TAB) outside();
    return c === SPACE || c === NEWLINE;
  }

  private isDash(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && this.isBlankOrEnd(at + 1);
  }
}

/** a one-line double-quoted scalar's value; outside the subset on an escape the library reports as invalid */
function doubleQuotedValue(body: string): string {
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = body[++i];
    const simple = Object.hasOwn(YAML_ESCAPES, next) ? YAML_ESCAPES[next] : undefined;
    if (simple !== undefined) {
      value += simple;
      continue;
    }
    const length = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const hex = body.substr(i + 1, length);
    if (!length || hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) outside();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) outside();
    value += String.fromCodePoint(code);
    i += length;
  }
  return value;
}

/**
 * A block scalar's value from its text (the lines after the header), as the library computes it: the first
 * non-blank line sets the indentation removed from every line; `>` folds line breaks between lines that are not
 * more indented into spaces; the final line breaks are chomped (`-` none, `+` all, else one). `parentIndent` is
 * the column of the collection holding it. Undefined where the library would report an error.
 */
function blockScalarValue(text: string, folded: boolean, chomp: string, parentIndent: number): string | undefined {
  const lines = text ? splitLines(text) : [];
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    if (lines[i][1] === '') chompStart = i;
    else break;
  }
  if (chompStart === 0) return chomp === '+' && lines.length > 0 ? '\n'.repeat(Math.max(1, lines.length - 1)) : '';
  let trimIndent = parentIndent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const [indent, content] = lines[i];
    if (content === '') {
      if (indent.length > trimIndent) trimIndent = indent.length;
    } else {
      if (indent.length < trimIndent) return undefined; // more-indented leading blank lines need an indicator
      trimIndent = indent.length;
      contentStart = i;
      if (trimIndent === 0) return undefined;
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i][0].length > trimIndent) chompStart = i + 1;
  }
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) value += lines[i][0].slice(trimIndent) + '\n';
  for (let i = contentStart; i < chompStart; ++i) {
    const [indent, content] = lines[i];
    if (content && indent.length < trimIndent) return undefined;
    if (!folded) {
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
    } else if (indent.length > trimIndent || content[0] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) value += '\n' + lines[i][0].slice(trimIndent);
    if (value[value.length - 1] !== '\n') value += '\n';
  } else if (chomp !== '-') {
    value += '\n';
  }
  return value;
}

/** the lines of a block scalar's text as [indentation, content] */
function splitLines(text: string): [string, string][] {
  const split = text.split(/\n( *)/);
  const first = split[0];
  const m = /^( *)/.exec(first)![1];
  const lines: [string, string][] = [m ? [m, first.slice(m.length)] : ['', first]];
  for (let i = 1; i < split.length; i += 2) lines.push([split[i], split[i + 1]]);
  return lines;
}
