// A big YAML changelog is parsed entry by entry and an edit re-reads only the entries it touched (YamlChunkCache).
// That must never change the result: after every edit, the chunked parse must equal a parse of the whole text.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PropertyScope } from '../../server/src/changelog/properties';
import { parseYamlChangelog, YamlChunkCache } from '../../server/src/changelog/yaml-changelog';
import { modelText } from '../fixtures/model-text';

const corpus = path.resolve(__dirname, '../../../shared/corpus/realworld');

/** the whole model as text (model-text.ts) */
function snapshot(file: string, text: string, chunks?: YamlChunkCache): string {
  return modelText(parseYamlChangelog(file, text, { logicalPath: 'db/changelog.yaml', properties: new PropertyScope({ who: 'bench' }), chunks }));
}

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

/** one edit: characters inside values, line breaks, whole entries copied or removed, at line starts or anywhere */
function edit(text: string, cache: YamlChunkCache, random: () => number): string {
  const r = random();
  const chunks = cache.chunks;
  const pick = () => chunks[Math.floor(random() * chunks.length)];
  if (chunks.length > 2 && r < 0.15) {
    const c = pick();
    return text.slice(0, c.start) + c.source + text.slice(c.start);
  }
  if (chunks.length > 2 && r < 0.25) {
    const c = pick();
    return text.slice(0, c.start) + text.slice(c.end);
  }
  let at = Math.floor(random() * (text.length + 1));
  if (r < 0.35) {
    // same length, different lines: a character becomes a line break, or a line break a blank
    const newline = text.indexOf('\n', at);
    if (random() < 0.5 && newline > 0) return text.slice(0, newline) + ' ' + text.slice(newline + 1);
    return text.slice(0, at) + '\n' + text.slice(at + 1);
  }
  if (r < 0.6) {
    const colon = text.indexOf(': ', at);
    if (colon > 0) return text.slice(0, colon + 2) + (random() < 0.7 ? 'x' : '\n') + text.slice(colon + 2);
  }
  if (random() < 0.4) at = text.lastIndexOf('\n', at) + 1;
  if (random() < 0.5) {
    const inserts = ['x', '\n', ' ', '-', '\n  - ', '#', '  - changeSet:\n      id: new\n      author: a\n'];
    return text.slice(0, at) + inserts[Math.floor(random() * inserts.length)] + text.slice(at);
  }
  return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
}

function synthetic(): string {
  let text = '# generated\ndatabaseChangeLog:\n  - property:\n      name: schema\n      value: app\n';
  for (let i = 0; i < 60; i++) {
    text += `  - changeSet:\n      id: ${i}\n      author: \${who}\n      changes:\n`;
    if (i % 3 === 0) text += `        - sql:\n            sql: |\n              CREATE TABLE \${schema}.t${i} (id int);\n              INSERT INTO \${schema}.t${i} VALUES (${i});\n`;
    else if (i % 3 === 1) text += `        - createTable:\n            tableName: t${i}\n            columns:\n              - column:\n                  name: id\n                  type: int\n`;
    else text += `        - sql: SELECT ${i}\n      rollback: SELECT -${i}\n`;
    if (i === 30) text += '  - logicalFilePath: other/path.yaml\n';
  }
  return text;
}

function checkEdits(file: string, original: string, seed: number, edits: number): void {
  const cache = new YamlChunkCache();
  let text = original;
  expect(snapshot(file, text, cache), `${file} as first read`).toBe(snapshot(file, text));
  const random = rng(seed);
  for (let i = 0; i < edits; i++) {
    text = edit(text, cache, random);
    expect(snapshot(file, text, cache), `${file} after edit ${i + 1}`).toBe(snapshot(file, text));
  }
}

describe('chunked YAML parsing gives what a whole parse gives', () => {
  it('on a generated changelog, through 200 random edits', () => {
    checkEdits('/virtual/changelog.yaml', synthetic(), 7, 200);
  });

  it('after same-length edits that add or remove a line before later entries', () => {
    const file = '/virtual/changelog.yaml';
    const cache = new YamlChunkCache();
    // a blank line of spaces: one space becomes a line break (same length, one line more), and back
    let text = synthetic().replace('  - changeSet:\n      id: 5\n', '    \n  - changeSet:\n      id: 5\n');
    expect(snapshot(file, text, cache)).toBe(snapshot(file, text));
    text = text.replace('    \n  - changeSet:\n      id: 5\n', '   \n\n  - changeSet:\n      id: 5\n');
    expect(snapshot(file, text, cache)).toBe(snapshot(file, text));
    text = text.replace('   \n\n  - changeSet:\n      id: 5\n', '    \n  - changeSet:\n      id: 5\n');
    expect(snapshot(file, text, cache)).toBe(snapshot(file, text));
  });

  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(name)) files.push(full);
    }
  };
  if (existsSync(corpus)) walk(corpus);
  if (!files.length) {
    it.skip('on the YAML files of the real-world corpus: ../shared/corpus/realworld is absent', () => undefined);
  }
  files.forEach((file, k) => {
    it(`on ${path.relative(corpus, file)}, through 5 random edits`, () => checkEdits(file, readFileSync(file, 'utf8'), 1000 + k, 5));
  });
});
