// Flow collections nested deeper than SnakeYAML allows are reported before the YAML is parsed. For a big changelog
// read entry by entry (YamlChunkCache), the check scans only the entries an edit touched and carries the nesting
// depth (and an open double-quoted scalar) from entry to entry: it must find what a scan of the whole text finds.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../server/src/changelog/model';
import { PropertyScope } from '../../../server/src/changelog/properties';
import { parseYamlChangelog, YamlChunkCache } from '../../../server/src/changelog/yaml-changelog';

const TOO_DEEP = /nested more than \d+ levels deep/;

function parse(text: string, chunks?: YamlChunkCache): Finding[] {
  return parseYamlChangelog('/db/changelog.yaml', text, { logicalPath: 'db/changelog.yaml', properties: new PropertyScope({}), chunks }).findings;
}

function tooDeep(findings: Finding[]) {
  return findings.filter((f) => TOO_DEEP.test(f.message)).map((f) => ({ rule: f.rule, range: f.range }));
}

function entry(i: number, comment = 'plain'): string {
  // the comment last: a double-quoted scalar left open at its end goes on into the next entry
  return `  - changeSet:\n      id: ${i}\n      author: a\n      changes:\n        - sql: SELECT ${i}\n      comment: ${comment}\n`;
}

function changelog(entries: string[]): string {
  return `databaseChangeLog:\n${entries.join('')}`;
}

describe('flow nesting beyond 64 levels in a changelog read entry by entry', () => {
  it('reports a flow collection nested too deep in an edited entry, at the same place as a whole scan', () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(i));
    const cache = new YamlChunkCache();
    expect(tooDeep(parse(changelog(entries), cache))).toEqual([]);
    entries[30] = entry(30, `${'['.repeat(70)}${']'.repeat(70)}`);
    const edited = changelog(entries);
    const found = tooDeep(parse(edited, cache));
    expect(found).toHaveLength(1);
    expect(found).toEqual(tooDeep(parse(edited)));
    const line = edited.split('\n').findIndex((l) => l.includes('[['));
    expect(found[0].range.start).toEqual({ line, character: '      comment: '.length + 64 });
    // and gone again once the entry is fixed
    entries[30] = entry(30, '[[x]]');
    expect(tooDeep(parse(changelog(entries), cache))).toEqual([]);
  });

  it('carries the depth left open by one entry into the next', () => {
    const entries = Array.from({ length: 20 }, (_, i) => entry(i));
    const cache = new YamlChunkCache();
    parse(changelog(entries), cache);
    entries[5] = entry(5, '['.repeat(40));
    expect(tooDeep(parse(changelog(entries), cache))).toEqual([]);
    // the next entry alone is not too deep; after the 40 left open by entry 5 it is
    entries[6] = entry(6, '{'.repeat(30));
    const found = tooDeep(parse(changelog(entries), cache));
    expect(found).toHaveLength(1);
    expect(found).toEqual(tooDeep(parse(changelog(entries))));
    // closing entry 5's brackets (entry 6 unchanged, its scan kept) clears it
    entries[5] = entry(5, `${'['.repeat(40)}${']'.repeat(40)}`);
    expect(tooDeep(parse(changelog(entries), cache))).toEqual([]);
    // more closes than opens do not go below 0: entry 6's 30 still count in full after them
    entries[5] = entry(5, ']'.repeat(100));
    entries[7] = entry(7, '['.repeat(40));
    expect(tooDeep(parse(changelog(entries), cache))).toEqual(tooDeep(parse(changelog(entries))));
    expect(tooDeep(parse(changelog(entries), cache))).toHaveLength(1);
  });

  it('does not count brackets inside a double-quoted scalar that goes on into the next entry', () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry(i));
    const cache = new YamlChunkCache();
    parse(changelog(entries), cache);
    // a `\` at the line end escapes the line break: the scalar goes on past the end of entry 3
    entries[3] = entry(3, `"open ${'['.repeat(40)}\\`);
    entries[4] = `  - ${'['.repeat(70)}" \n`;
    expect(tooDeep(parse(changelog(entries), cache))).toEqual([]);
    expect(tooDeep(parse(changelog(entries)))).toEqual([]);
    // without the escape the scalar ends at the line end and entry 4's brackets count, after entry 3's 0
    entries[3] = entry(3, `"open ${'['.repeat(40)}`);
    entries[4] = `  - ${'['.repeat(70)}\n`;
    const found = tooDeep(parse(changelog(entries), cache));
    expect(found).toHaveLength(1);
    expect(found).toEqual(tooDeep(parse(changelog(entries))));
  });

  it('finds what a whole scan finds after every one of many random edits', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const brackets = ['[', '{', '[', ']', '}', 'x', ' ', '\n        '];
    const rare = ["'", "''", '"', '\\', '\\\n        ', '"\\\n        ', ' #', '#'];
    const token = () => (random() < 0.08 ? rare[Math.floor(random() * rare.length)] : brackets[Math.floor(random() * brackets.length)]);
    // a third of the comments end inside a double-quoted scalar whose line break is escaped
    const comment = () => Array.from({ length: Math.floor(random() * 24) }, token).join('') + (random() < 0.3 ? '"x\\' : '');
    const entries = Array.from({ length: 40 }, (_, i) => entry(i, comment()));
    const cache = new YamlChunkCache();
    let reported = 0;
    for (let step = 0; step < 300; step++) {
      const i = Math.floor(random() * entries.length);
      const r = random();
      if (r < 0.1 && entries.length > 2) entries.splice(i, 1);
      else if (r < 0.2) entries.splice(i, 0, entry(100 + step, comment()));
      else entries[i] = entry(i, comment());
      const text = changelog(entries);
      const whole = tooDeep(parse(text));
      expect(tooDeep(parse(text, cache))).toEqual(whole);
      reported += whole.length;
    }
    // the edits must have reached the limit now and then, or the comparison proves little
    expect(reported).toBeGreaterThan(20);
    expect(reported).toBeLessThan(280);
  });
});
