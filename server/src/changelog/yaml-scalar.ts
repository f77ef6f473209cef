import { Scalar } from 'yaml';

/**
 * Maps each character of a YAML scalar's decoded value back to its offset in the file, so SQL written in a
 * `|` or `>` block, a quoted or a plain multi-line string is reported at the exact place.
 *
 * The decoded value is walked in step with the source: a value character is matched to the next source
 * character equal to it, skipping only what YAML removes or rewrites (indentation, line breaks folded to
 * spaces, quote doubling, escapes). What cannot be matched maps to the current source position, so an
 * unusual scalar degrades to approximate positions, never to wrong text.
 */
export function scalarOffsets(node: Scalar, value: string, source: string): Int32Array {
  const [start, valueEnd] = node.range ?? [0, 0];
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return blockOffsets(start, valueEnd, value, source);
  const offsets = new Int32Array(value.length + 1);
  const type = node.type;
  let p = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? start + 1 : start;
  const end = Math.max(p, valueEnd);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let q = p;
    let matched = -1;
    let advance = 1;
    while (q < end) {
      const s = source.charCodeAt(q);
      if (s === c) {
        matched = q;
        // '' in a single-quoted scalar is one ' in the value: step over both
        if (type === 'QUOTE_SINGLE' && c === 39 && source.charCodeAt(q + 1) === 39) advance = 2;
        break;
      }
      if (type === 'QUOTE_DOUBLE' && s === 92 /* \ */) {
        const escape = decodeEscape(source, q);
        if (escape.value === value.slice(i, i + escape.value.length) && escape.value.length > 0) {
          matched = q;
          advance = escape.length;
          // a multi-unit escape (\U…) decodes to a surrogate pair: map both halves here
          for (let k = 1; k < escape.value.length; k++) offsets[i + k] = q;
          i += escape.value.length - 1;
          break;
        }
        if (escape.value === '') {
          q += escape.length; // an escaped line break produces nothing
          continue;
        }
        break;
      }
      if (isSkippable(s, type)) {
        // a folded line break becomes a space or a newline in the value
        if ((c === 32 || c === 10) && (s === 10 || s === 13)) {
          matched = q;
          break;
        }
        q++;
        continue;
      }
      break;
    }
    if (matched < 0) {
      offsets[i] = Math.min(p, end);
      continue;
    }
    offsets[i] = matched;
    p = matched + advance;
    if (source.charCodeAt(matched) === 13 && source.charCodeAt(p) === 10) p++;
  }
  offsets[value.length] = Math.min(p, end);
  return offsets;
}

/**
 * `|` and `>` blocks: every content line loses exactly the block's indentation (the first non-empty line's,
 * or the header's explicit indicator), so a more-indented line keeps its extra spaces at their real columns;
 * line breaks, kept or folded into spaces, map to the break in the file.
 */
function blockOffsets(start: number, valueEnd: number, value: string, source: string): Int32Array {
  const offsets = new Int32Array(value.length + 1);
  const headerEnd = source.indexOf('\n', start);
  let lineStart = headerEnd < 0 || headerEnd >= valueEnd ? valueEnd : headerEnd + 1;
  const explicit = /^[|>][-+]?([1-9])|^[|>]([1-9])/.exec(source.slice(start, headerEnd < 0 ? valueEnd : headerEnd));
  let indent = -1;
  if (!explicit) {
    for (let q = lineStart; q < valueEnd; ) {
      let k = q;
      while (source.charCodeAt(k) === 32) k++;
      const c = source.charCodeAt(k);
      if (k < valueEnd && c !== 10 && c !== 13) {
        indent = k - q;
        break;
      }
      const next = source.indexOf('\n', k);
      if (next < 0) break;
      q = next + 1;
    }
  }
  const contentStart = (ls: number) => {
    if (indent < 0) {
      // explicit indicator: relative to the parent's indentation, which we do not track; take the line's own
      let k = ls;
      while (source.charCodeAt(k) === 32) k++;
      return Math.min(k, ls + Number(explicit?.[1] ?? explicit?.[2] ?? 0) + 64);
    }
    let k = ls;
    while (k - ls < indent && source.charCodeAt(k) === 32) k++;
    return k;
  };
  let p = contentStart(lineStart);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // folding drops a line break before an empty line: a content character resumes on the next line
    while (c !== 10 && c !== 32 && p < valueEnd && (source.charCodeAt(p) === 10 || source.charCodeAt(p) === 13)) {
      let next = p;
      if (source.charCodeAt(next) === 13) next++;
      if (source.charCodeAt(next) === 10) next++;
      p = contentStart(next);
    }
    const s = source.charCodeAt(p);
    if (p < valueEnd && s === c && c !== 10) {
      offsets[i] = p++;
      continue;
    }
    // the value has a line break (kept) or a space (folded) where the file's line ends: map it to the break
    if ((c === 10 || c === 32) && p < valueEnd) {
      let eol = p;
      while (eol < valueEnd && source.charCodeAt(eol) !== 10 && source.charCodeAt(eol) !== 13) eol++;
      if (c === 32 && s === 32) {
        offsets[i] = p++;
        continue;
      }
      offsets[i] = eol;
      let next = eol;
      if (source.charCodeAt(next) === 13) next++;
      if (source.charCodeAt(next) === 10) next++;
      lineStart = next;
      p = contentStart(lineStart);
      continue;
    }
    offsets[i] = Math.min(p, valueEnd);
    if (p < valueEnd) p++;
  }
  offsets[value.length] = Math.min(p, valueEnd);
  return offsets;
}

function isSkippable(c: number, type: Scalar['type']): boolean {
  if (c === 32 || c === 9 || c === 10 || c === 13) return true;
  if (type === 'QUOTE_SINGLE' && c === 39) return true;
  return false;
}

/** YAML's one-character escapes in double-quoted scalars (`\n`, `\t`, …) and what they stand for */
export const YAML_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

function decodeEscape(source: string, at: number): { value: string; length: number } {
  const next = source[at + 1];
  if (next === undefined) return { value: '', length: 1 };
  if (Object.hasOwn(YAML_ESCAPES, next)) return { value: YAML_ESCAPES[next], length: 2 };
  const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
  if (hexLength) {
    const code = parseInt(source.slice(at + 2, at + 2 + hexLength), 16);
    if (Number.isFinite(code) && code <= 0x10ffff) return { value: String.fromCodePoint(code), length: 2 + hexLength };
  }
  if (next === '\n' || next === '\r') {
    let q = at + 1;
    if (source[q] === '\r' && source[q + 1] === '\n') q++;
    q++;
    while (source[q] === ' ' || source[q] === '\t') q++;
    return { value: '', length: q - at };
  }
  return { value: next, length: 2 };
}
