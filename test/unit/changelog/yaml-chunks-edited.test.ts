// In the editor the YAML reader of a big changelog gets the line index of the edited text made from the previous
// one's (LineIndex.after), and takes from it the common start and end of both versions instead of comparing them
// again. After every edit the chunked parse must still equal a parse of the whole text.
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../../server/src/changelog/line-index';
import { PropertyScope } from '../../../server/src/changelog/properties';
import { parseYamlChangelog, YamlChunkCache } from '../../../server/src/changelog/yaml-changelog';
import { modelText } from '../../fixtures/model-text';

const FILE = '/virtual/changelog.yaml';

/** the whole model as text (model-text.ts) */
function snapshot(text: string, chunks?: YamlChunkCache, lines?: LineIndex): string {
  return modelText(parseYamlChangelog(FILE, text, { logicalPath: 'db/changelog.yaml', properties: new PropertyScope({}), chunks, lines }));
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function changelog(): string {
  let text = 'databaseChangeLog:\n';
  for (let i = 0; i < 80; i++) {
    text += `  - changeSet:\n      id: ${i}\n      author: a\n      changes:\n`;
    text += i % 2 ? `        - sql:\n            sql: |\n              CREATE TABLE t${i} (id int);\n              SELECT ${i};\n` : `        - sql: SELECT ${i}\n      rollback: SELECT -${i}\n`;
  }
  return text;
}

/** an edit that keeps the file a list of entries (so it stays read entry by entry): typing inside a value, a line
 * or an entry added or removed */
function edit(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  const indent = text.slice(lineStart).search(/[^ ]/);
  const r = random();
  if (r < 0.1) return text.slice(0, lineStart) + '\n' + text.slice(lineStart); // a blank line
  if (r < 0.2) {
    const entry = text.indexOf('\n  - ', at);
    if (entry > 0) return text.slice(0, entry + 1) + '  - changeSet:\n      id: new\n      author: b\n' + text.slice(entry + 1);
  }
  if (r < 0.25 && indent > 4 && lineEnd > 0) return text.slice(0, lineStart) + text.slice(lineEnd + 1); // a line removed
  if (indent < 4 || at <= lineStart + indent || at === lineEnd) return text;
  return random() < 0.6 ? text.slice(0, at) + (random() < 0.8 ? 'x' : ' ') + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
}

describe('chunked YAML parsing with the line index of the edited text', () => {
  it('gives what a whole parse gives through 300 random keystrokes, new lines and pasted entries', () => {
    const random = rng(13);
    const cache = new YamlChunkCache();
    let text = changelog();
    let lines = new LineIndex(text);
    expect(snapshot(text, cache, lines)).toBe(snapshot(text));
    for (let i = 0; i < 300; i++) {
      text = edit(text, random);
      lines = LineIndex.after(lines, text);
      expect(snapshot(text, cache, lines), `after edit ${i + 1}`).toBe(snapshot(text));
    }
  });
});
