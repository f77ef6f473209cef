// After a keystroke in a big changelog its line index is made from the previous version's (LineIndex.after): only
// the edited lines are looked at, and whether the text contains a word (`pgcs-ignore`) is carried over. Both must
// answer exactly as an index made from scratch, whatever the edit does to line breaks (\n, \r\n, a lone \r).
import { describe, expect, it } from 'vitest';
import { commonPrefix, commonSuffix, LineIndex } from '../../../server/src/changelog/line-index';

/** a small deterministic random source (the cases must be the same on every run) */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['\n', '\r\n', '\r', 'a', 'bc', ' ', '- changeSet:\n', '# pgcs-ignore x\n', 'pgcs-', 'ignore', '\r\r\n', '\n\n'];

function randomText(next: () => number, pieces: number): string {
  let text = '';
  for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

/** the same answers, for every offset and every line */
function expectSameIndex(actual: LineIndex, text: string): void {
  const expected = new LineIndex(text);
  expect(actual.text).toBe(text);
  expect(actual.lineCount).toBe(expected.lineCount);
  const answers = (index: LineIndex) => {
    const out: number[] = [];
    for (let o = 0; o <= text.length; o++) {
      const { line, character } = index.position(o);
      out.push(line, character);
    }
    for (let line = 0; line < index.lineCount; line++) out.push(index.lineStart(line), index.lineEnd(line));
    return out.join();
  };
  expect(answers(actual), JSON.stringify(text)).toBe(answers(expected));
}

describe('LineIndex.after', () => {
  it('gives the same positions as an index made from scratch after random edits of line breaks', () => {
    const next = rng(7);
    for (let round = 0; round < 300; round++) {
      let text = randomText(next, 20 + Math.floor(next() * 40));
      let index = new LineIndex(text);
      for (let edit = 0; edit < 8; edit++) {
        const start = Math.floor(next() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(next() * 6));
        // mostly keystrokes; now and then a paste, a line break typed or removed next to another
        const inserted = next() < 0.3 ? '' : next() < 0.7 ? PIECES[Math.floor(next() * PIECES.length)] : randomText(next, 3);
        text = text.slice(0, start) + inserted + text.slice(end);
        index = LineIndex.after(index, text);
        expectSameIndex(index, text);
      }
    }
  });

  it('gives the same positions after edits of a text longer than the blocks its versions are compared by', () => {
    const next = rng(3);
    let text = randomText(next, 6000);
    let index = new LineIndex(text);
    for (let edit = 0; edit < 40; edit++) {
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * 3));
      text = text.slice(0, start) + PIECES[Math.floor(next() * PIECES.length)] + text.slice(end);
      index = LineIndex.after(index, text);
      expectSameIndex(index, text);
    }
  });

  it('splits a CRLF or joins a lone CR with a new LF at the edge of the edit', () => {
    const cases: [string, string][] = [
      ['a\r\nb', 'a\rx\nb'],
      ['a\rx\nb', 'a\r\nb'],
      ['a\rb', 'a\r\nb'],
      ['a\r\nb', 'a\rb'],
      ['a\r\nb', 'a\nb'],
      ['\n', ''],
      ['', '\r\n'],
      ['x\r', 'x\r\n'],
    ];
    for (const [before, after] of cases) expectSameIndex(LineIndex.after(new LineIndex(before), after), after);
  });

  it('knows whether an edited text contains a word, as a search of the whole text does', () => {
    const next = rng(11);
    const word = 'pgcs-ignore';
    for (let round = 0; round < 300; round++) {
      let text = randomText(next, 30);
      let index = new LineIndex(text);
      // asked before the edits (so the answer is carried over), or only after some of them
      if (next() < 0.8) index.contains(word);
      for (let edit = 0; edit < 8; edit++) {
        const start = Math.floor(next() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(next() * 12));
        const inserted = ['', 'pgcs-', 'ignore', 'pgcs-ignore', 'x', '\n'][Math.floor(next() * 6)];
        text = text.slice(0, start) + inserted + text.slice(end);
        index = LineIndex.after(index, text);
        expect(index.contains(word), JSON.stringify(text)).toBe(text.includes(word));
      }
    }
  });

  it('hands the YAML reader the common start and end of the two versions it was made from, once', () => {
    const next = rng(5);
    for (let round = 0; round < 200; round++) {
      const before = randomText(next, 40);
      const start = Math.floor(next() * (before.length + 1));
      const after = before.slice(0, start) + PIECES[Math.floor(next() * PIECES.length)] + before.slice(Math.min(before.length, start + Math.floor(next() * 4)));
      const index = LineIndex.after(new LineIndex(before), after);
      if (index.text === before) continue;
      const { prefix, suffix } = naiveEdit(before, after);
      expect(index.takeEdit(`${before}x`)).toBeUndefined();
      const again = LineIndex.after(new LineIndex(before), after);
      expect(again.takeEdit(before)).toEqual({ prefix, suffix });
      expect(again.takeEdit(before)).toBeUndefined();
    }
  });

  it('finds the common start and end of long texts (past its block-wise comparison) as a character loop does', () => {
    const next = rng(9);
    for (let round = 0; round < 40; round++) {
      let before = '';
      while (before.length < 9000 + Math.floor(next() * 4000)) before += randomText(next, 200);
      const start = Math.floor(next() * (before.length + 1));
      const after = before.slice(0, start) + PIECES[Math.floor(next() * PIECES.length)] + before.slice(Math.min(before.length, start + Math.floor(next() * 4)));
      const shorter = Math.min(before.length, after.length);
      const prefix = commonPrefix(after, before, shorter);
      expect({ prefix, suffix: commonSuffix(after, before, shorter - prefix) }).toEqual(naiveEdit(before, after));
    }
  });
});

/** the common start and end of two texts (the end not overlapping the start), a character at a time */
function naiveEdit(before: string, after: string): { prefix: number; suffix: number } {
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}
