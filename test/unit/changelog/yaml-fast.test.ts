import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Document, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { YAML_OPTIONS } from '../../../server/src/changelog/yaml-changelog';
import { hasAnchorsOrAliases, parseBlockYaml, type BlockYamlOptions } from '../../../server/src/changelog/yaml-fast';

// The block reader must build what parseDocument builds, or nothing. Two option sets: the changelog reader's
// (YAML 1.1 with SnakeYAML's booleans) and the checksum code's (the library's YAML 1.1).
const optionSets: [string, BlockYamlOptions][] = [
  ['changelog', YAML_OPTIONS as BlockYamlOptions],
  ['checksum', { version: '1.1', uniqueKeys: false, merge: true, prettyErrors: false }],
];

/** everything our code reads from a parsed document, as JSON */
function dump(doc: Document.Parsed): string {
  const node = (n: unknown): unknown => {
    if (n == null) return null;
    const cls = (n as object).constructor.name;
    if (isScalar(n)) {
      const v = n.value;
      const value = v instanceof Date ? `Date ${v.toISOString()}` : typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v === 'bigint' ? `${v}n` : v;
      return [cls, n.range, n.type, value, typeof v, n.source, n.format ?? null, n.tag ?? null, n.anchor ?? null];
    }
    if (isAlias(n)) return [cls, n.range, n.source];
    if (isMap(n)) return [cls, n.range, !!n.flow, n.anchor ?? null, n.items.map((p) => [p.constructor.name, node(p.key), node(p.value)])];
    if (isSeq(n)) return [cls, n.range, !!n.flow, n.anchor ?? null, n.items.map(node)];
    return [cls];
  };
  const js = JSON.stringify(doc.toJS(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  return JSON.stringify({ range: doc.range, contents: node(doc.contents), errors: doc.errors.length, warnings: doc.warnings.length, js });
}

/** true when the block reader accepted the text (for both option sets); fails the test on any difference */
function agrees(text: string): boolean {
  let accepted = true;
  for (const [name, options] of optionSets) {
    const fast = parseBlockYaml(text, options);
    if (!fast) {
      accepted = false;
      continue;
    }
    const reference = parseDocument(text, options);
    expect(reference.errors.length + reference.warnings.length, `${name}: accepted a text the library reports problems in`).toBe(0);
    expect(dump(fast), `${name} options`).toBe(dump(reference));
    let anchored = false;
    visit(reference, { Node: (_key, node) => void (anchored ||= isAlias(node) || !!node.anchor) });
    expect(hasAnchorsOrAliases(fast), `${name}: anchors or aliases`).toBe(anchored);
  }
  return accepted;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

const tricky: [string, string][] = [
  ['comments after values', 'databaseChangeLog: # top\n  - changeSet: # cs\n      id: 1 # id\n      author: me   # spaces\n      changes:\n        - sql: select 1 # trailing\n'],
  ['comment lines at every indentation', 'a:\n  b: 1\n    # deeper\n  # same\n# less\n  c: 2\n      # far\n\n    # after a blank\nd: 3\n'],
  ['comments after a nested mapping that ends', 'x:\n  a:\n    b: 1\n    # kept\n  c: 2\ny:\n  - z: 1\n    # in the item\n  # in the list\nw: 1\n'],
  ['comments after the last value of a nested list', 'a:\n  - x\n  # c\n'],
  ['comments at the end of the text', 'a:\n  b:\n    c: 1\n      # deep\n    # mid\n  # low\n# none\n'],
  ['comments after the last top-level value', 'a: 1\n# c\n\n# d\n'],
  ['a key with an empty value', 'a:\nb: 1\nc:\n'],
  ['empty values followed by comments and blank lines', 'a:\n  b:\n  # c\n\n  d: 1\n  e:\n    # deeper\n\n  f:\n\n  # c\n  g:   \n  # c\n  - x\n'],
  ['empty values before a less indented key', 'a:\n  b:\n# c\nd:\n  e: # c\n\nf: 1\n'],
  ['an empty value at the end without a line break', 'a:\n  b:'],
  ['list items that are mappings at various indents', 'l:\n- a: 1\n  b: 2\n-   c: 3\n    d:\n      - e\n      -  f\n- g\nm:\n    -  x: 1\n       y: 2\n'],
  ['a list as a mapping value at the key\'s indentation', 'a:\n- 1\n- 2\nb:\n  c:\n  - 3\n  d: 4\n'],
  ['block literals with each chomping', 'a: |\n  one\n  two\n\nb: |-\n  one\n\n\nc: |+\n  one\n\n\nd: |\n\n  after blank\n'],
  ['block scalars with trailing blank lines, deeper lines and comments', 'a: |\n  x\n\n  \n    \nb: >\n  folded\n  lines\n\n    more\n  back\nc: >-\n  # not a comment\n  text\n# a comment\nd: |+\n  keep\n\n'],
  ['block scalars in lists and at the end', '- |\n  one\n- >\n  two\n- x: |\n    three\n'],
  ['an empty block scalar', 'a: |\nb: >-\nc: |+\n\nd: 1\n'],
  ['quoted keys and values', '\'a b\': 1\n"c": \'it\'\'s\'\n"d\\"e": "tab\\tnew\\nline \\u00e9 \\x41 \\U0001F600 \\\\"\n\'\': x\nf: \'\'\n'],
  ['scalars the schema resolves', 'a: 12\nb: 012\nc: 0x1F\nd: 1_000\ne: .5\nf: 1e3\ng: -1.5\nh: yes\ni: on\nj: Off\nk: y\nl: n\nm: ~\nn: null\no: NULL\np: true\nq: 2024-01-02\nr: 2024-01-02T03:04:05Z\ns: .inf\nt: .NaN\nu: 0b101\nv: 190:20:30\nw: 1:30\n'],
  ['keys the schema resolves', '1: a\ntrue: b\nyes: c\n~: d\n1.5: e\n'],
  ['plain scalars with indicator characters inside', 'a: varchar(255)\nb: x,y\nc: a#b\nd: -1\ne: ?x\nf: :x\ng: a:b\nh: [x] not\ni: 50%\nj: "q" \n'],
  ['unicode', 'naïve: "日本語"\nemoji: 😀 text\nk: \'ü\'\n'],
  ['a document without a final line break', 'a: 1\nb: |\n  x'],
  ['a document starting with ---', '---\na: 1\n'],
  ['--- after comments, with a comment', '# head\n--- # c\n# more\na: 1\n'],
  ['a BOM', '\ufeffdatabaseChangeLog:\n  - changeSet:\n      id: 1\n'],
  ['a BOM before comments', '\ufeff# c\na: 1\n'],
  ['a BOM after the first line', '# c\n\ufeffa: 1\n'],
  ['a list at the top, indented (a changelog entry)', '  - changeSet:\n      id: 1\n      changes:\n        - sql: |\n            select 1;\n\n  # after\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['trailing spaces everywhere', 'a:   \n  b: 1   \n  c:    # x   \n    - d   \n'],
  ['a changelog with CRLF line ends', 'databaseChangeLog:\r\n  - changeSet:\r\n      id: 1\r\n      sql: |\r\n        a\r\n\r\n      x:   \r\n\r\n  # c\r\n      y: 1\n'],
  ['a lone CR', 'a: b\rc\n'],
  ['tabs', 'a:\tb\n'],
  ['flow collections', 'a: [1, 2]\nb: {c: 1}\n'],
  ['flow mappings of columns', 'columns:\n  - column: { name: id, type: uuid, constraints: { primaryKey: true, nullable: false } }\n  - column: {name: slug,   type: varchar(200)}   # c\n      # deeper\n  - column: { name: \'n\', value: "Europe, Middle East & Africa" , x: \'["EUW", "TR"]\' }\n'],
  ['flow collections nested, spaced and with a trailing comma', 'a: [1 , x,[2, 3] ,{b: c}]\nb: {b: {c: 1}  , d: 2 ,e: x,}\nc: [ ]\nd: { }\n- {a: 1}\n'],
  ['flow collections as list items', 'l:\n  - {a: 1, b: [x, y]}\n  - [b, \'c\']  # t\n  - {}\n'],
  ['flow scalars with indicator characters inside', 'a: {b: -1, c: a:b, d: a-b, e: c# d, f: it\'s, g: 1.5, h: yes, i: ~}\n'],
  ['quoted flow keys', "a: { 'k' : 'v' , \"x\":y, z: 'w', 'it''s': \"\\t\"}\n"],
  ['a flow collection over several lines', 'a: {b: 1,\n  c: 2}\n'],
  ['a comment inside a flow collection', 'a: {b: c #d}\n'],
  ['an empty value in a flow mapping', 'a: {b: , c: 1}\nd: {e:}\n'],
  ['a key without a value in a flow mapping', 'a: {b, c: 1}\n'],
  ['a pair inside a flow sequence', 'a: [b: 1]\n'],
  ['duplicate keys in a flow mapping', 'a: {b: 1, b: 2}\n'],
  ['text after a flow collection', 'a: {b: 1}x\nc: [d] e\n'],
  ['a flow collection as a key', '{a: 1}: b\n- [a]: b\n'],
  ['a bracket inside a flow scalar', 'a: {b: a[0]}\n'],
  ['anchors and aliases', 'a: &x 1\nb: *x\n'],
  ['anchored columns and aliases to them', 'defs:\n  - column: &pk_column # c\n      name: id\n      constraints:\n        primaryKey: true\n  - list: &l\n    - 1\n  - x: &x.y-z_1\n      - 2\nuse:\n  - column: *pk_column\n  - column: *pk_column   # t\n      # d\n  - l: *l\n  - *x.y-z_1\n'],
  ['an anchor defined again', 'a: &x\n  n: 1\nb: &x\n  m: 2\nc: *x\n'],
  ['an alias to an anchor not defined before it', 'a: *x\nb: &x\n  c: 1\n'],
  ['an alias ending in a colon', 'a: &x\n  c: 1\nb: *x:\n'],
  ['an anchored empty value', 'a: &x\nb: *x\n'],
  ['merge keys', 'a: &x\n  b: 1\nc:\n  <<: *x\n'],
  ['tags', 'a: !!str 1\n'],
  ['multi-line plain scalars', 'a: one\n  two\n'],
  ['multi-line quoted scalars', 'a: "one\n  two"\n'],
  ['an indentation indicator', 'a: |2\n    x\n'],
  ['complex keys', '? a\n: 1\n'],
  ['two documents', 'a: 1\n---\nb: 2\n'],
  ['a nested mapping on the same line', 'a: b: c\n'],
  ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
  ['a list item without content', '-\n  a: 1\n'],
  ['an empty document', '# nothing\n'],
  ['a scalar document', 'just text\n'],
];

describe('the block YAML reader', () => {
  it.each(tricky)('reads %s as parseDocument does, or not at all', (_name, text) => {
    agrees(text);
  });

  it.each(tricky)('reads %s with CRLF line ends as parseDocument does, or not at all', (_name, text) => {
    agrees(text.replace(/\r?\n/g, '\r\n'));
  });

  it('gives up on deep nesting (the library reports a stack overflow, at a depth that depends on the stack left)', () => {
    for (const levels of [101, 1000, 3000]) {
      let text = '';
      for (let depth = 0; depth < levels; depth++) text += `${' '.repeat(depth)}a:\n`;
      expect(parseBlockYaml(text, optionSets[0][1]), `${levels} levels`).toBeUndefined();
    }
    expect(agrees(`${Array.from({ length: 99 }, (_, depth) => `${' '.repeat(depth)}a:`).join('\n')}\n`)).toBe(true);
  });

  it('reads the usual changelog shapes (and bails out on what it does not handle)', () => {
    const read = [
      'comments after values', 'comment lines at every indentation', 'a key with an empty value', 'list items that are mappings at various indents',
      'block literals with each chomping', 'quoted keys and values', 'scalars the schema resolves', 'unicode', 'a document without a final line break',
      'a document starting with ---', 'a BOM', 'a list at the top, indented (a changelog entry)', 'duplicate keys', 'a changelog with CRLF line ends',
      'flow collections', 'flow mappings of columns', 'anchored columns and aliases to them', 'an anchor defined again', 'flow collections as list items', 'flow scalars with indicator characters inside', 'quoted flow keys',
    ];
    const bails = ['a lone CR', 'tabs', 'a flow collection over several lines', 'a comment inside a flow collection', 'a key without a value in a flow mapping', 'anchors and aliases', 'an alias to an anchor not defined before it', 'merge keys', 'tags', 'two documents', 'a nested mapping on the same line', 'bad indentation'];
    for (const [name, text] of tricky) {
      if (read.includes(name)) expect(agrees(text), name).toBe(true);
      if (bails.includes(name)) expect(agrees(text), name).toBe(false);
    }
  });

  it('agrees with parseDocument on thousands of edited changelogs', () => {
    const bases = yamlFiles(join(__dirname, '../../fixtures')).map((f) => readFileSync(f, 'utf8')).concat(tricky.map(([, t]) => t));
    const snippets = ['# c', '  # c', '    # c', '', '   ', '      # deep', '- a', '  - b', 'k: v', '  k: v', '    k:', 'k: |', 'k: >-', 'k: |+', '  x', '      more', "'q': 'v'", 'k: yes', 'k: 0x1F', 'k: ~', '---', 'k: {a: 1, b: [x, \'y\']}', '  - {a: 1}', '- [ ]', 'k: {a: b  }  # c'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      let lines = bases[random(bases.length)].split('\n');
      if (lines.length > 50) lines = lines.slice(random(lines.length - 30)).slice(0, 30);
      for (let k = 1 + random(3); k > 0; k--) {
        const i = random(lines.length + 1);
        const op = random(6);
        if (op === 0) lines.splice(i, 0, snippets[random(snippets.length)]);
        else if (op === 1) lines.splice(i, 1);
        else if (op === 2 && i < lines.length) lines[i] = ' ' + lines[i];
        else if (op === 3 && i < lines.length) lines[i] = lines[i].replace(/^ /, '');
        else if (op === 4 && i < lines.length) lines[i] += [' # t', ' ', ':', ' x'][random(4)];
        else lines.splice(i, 0, ' '.repeat(random(9)) + ['# c', '', '- x', 'y: 1', 'z:'][random(5)]);
      }
      let text = lines.join('\n');
      if (random(3) === 0) text = text.replace(/\n+$/, '');
      const lineEnds = random(4);
      if (lineEnds === 0) text = text.replace(/\n/g, '\r\n');
      else if (lineEnds === 1) text = text.replace(/\n/g, () => (random(2) ? '\r\n' : '\n'));
      if (agrees(text)) accepted++;
    }
    console.log(`block YAML reader: accepted ${accepted} of 3000 edited changelogs`);
    expect(accepted).toBeGreaterThan(300);
  });

  it('agrees with parseDocument on thousands of generated nested documents', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return Math.floor((seed / 0x7fffffff) * n) % n;
    };
    const pick = <T>(list: T[]) => list[random(list.length)];
    const scalars = ['x', 'a b', '1', '0x1F', 'yes', '~', '', "'q'", '"d\\tq"', "'it''s'", 'null', '1.5', 'foo # c', 'v  ', '-1', 'a:b'];
    // blank lines, lines of spaces and comments at any indentation
    const noise = (lines: string[], indent: number) => {
      while (random(3) === 0) lines.push(pick(['', ' '.repeat(random(indent + 3)), `${' '.repeat(random(indent + 3))}# n`]));
    };
    const blockScalar = (indent: number, lines: string[], prefix: string) => {
      lines.push(`${prefix} ${pick(['|', '|-', '|+', '>', '>-', '>+'])}${random(4) === 0 ? ' # h' : ''}`);
      const content = indent + 1 + random(3);
      for (let i = random(4); i > 0; i--) {
        lines.push(pick(['', ' '.repeat(content + random(3)), ' '.repeat(content + (random(4) === 0 ? 2 : 0)) + pick(['line', '# not', '- z: 1'])]));
      }
      noise(lines, indent);
    };
    // flow collections on one line, with the spacing, trailing commas and mistakes people write
    const flowScalars = ['x', 'a b', '1', 'yes', '~', "'q'", '"d\\tq"', "'a, b'", '-1', 'a:b', 'c# d', 'varchar(255)', "it's", 'true', 'null', '0x1F'];
    const flowMistakes = ['', 'a #c', 'a: b', '"k":v', 'a[0]'];
    const space = () => pick(['', '', ' ', ' ', '  ']);
    const flow = (depth: number): string => {
      const n = random(4);
      const items: string[] = [];
      const map = random(3) !== 0;
      for (let i = 0; i < n; i++) {
        const item = depth < 3 && random(4) === 0 ? flow(depth + 1) : random(20) === 0 ? pick(flowMistakes) : pick(flowScalars);
        items.push(map ? `${pick(['k', "'q k'", '"d"', '1', 'k'])}${i}${random(8) === 0 ? ' ' : ''}:${random(20) === 0 ? '' : ' '}${item}` : item);
      }
      const body = items.map((item) => space() + item + space()).join(',') + (n && random(6) === 0 ? ',' : '');
      return map ? `{${body}}` : `[${body}]`;
    };
    const value = (indent: number, depth: number, lines: string[], prefix: string) => {
      const kind = depth > 3 ? random(3) : random(7);
      if (kind <= 1 && random(3) === 0) {
        lines.push(`${prefix} ${flow(0)}${random(4) === 0 ? ' # t' : ''}`);
        noise(lines, indent);
      } else if (kind <= 1) {
        const alias = anchors.length && random(4) === 0 ? `*${pick(anchors)}` : undefined;
        lines.push(`${prefix} ${alias ?? pick(scalars)}${random(4) === 0 ? ' # t' : ''}`);
        noise(lines, indent);
      } else if (kind === 2) {
        blockScalar(indent, lines, prefix);
      } else {
        // an anchor on the collection below, named again now and then; an alias to one of those named so far
        const anchor = random(4) === 0 ? ` &${pick(['a', 'b', 'pk_column', 'x.y-1'])}` : '';
        if (anchor) anchors.push(anchor.slice(2));
        lines.push(prefix + anchor + (random(4) === 0 ? '  # c' : ''));
        noise(lines, indent);
        if (kind === 4 || kind === 5) map(indent + 1 + random(3), depth + 1, lines);
        else if (kind === 6) seq(random(2) ? indent : indent + 1 + random(2), depth + 1, lines);
      }
    };
    const map = (indent: number, depth: number, lines: string[], first?: string) => {
      for (let i = 0, n = 1 + random(3); i < n; i++) {
        value(indent, depth, lines, `${i === 0 && first !== undefined ? first : ' '.repeat(indent)}${pick(['k', 'key two', "'q k'", '"d"', '1', 'yes'])}${i}:`);
      }
    };
    const seq = (indent: number, depth: number, lines: string[]) => {
      for (let i = 0, n = 1 + random(3); i < n; i++) {
        const dash = `${' '.repeat(indent)}-${' '.repeat(1 + random(2))}`;
        const kind = random(3);
        if (kind === 0) {
          lines.push(dash + (random(4) === 0 ? flow(0) : pick(scalars)));
          noise(lines, indent);
        } else if (kind === 1) {
          blockScalar(indent, lines, dash.trimEnd());
        } else {
          map(dash.length, depth + 1, lines, dash);
        }
      }
    };
    let valid = 0;
    let accepted = 0;
    let anchors: string[] = [];
    for (let round = 0; round < 2000; round++) {
      anchors = [];
      const lines: string[] = [];
      noise(lines, 0);
      if (random(3) === 0) seq(random(3), 0, lines);
      else map(0, 0, lines);
      let text = lines.join('\n') + (random(3) ? '\n' : '');
      if (random(5) === 0) text = text.replace(/\n/g, '\r\n');
      const reference = parseDocument(text, optionSets[1][1]);
      if (!reference.errors.length && !reference.warnings.length) valid++;
      if (agrees(text)) accepted++;
    }
    console.log(`block YAML reader: accepted ${accepted} of ${valid} valid generated documents`);
    expect(accepted).toBeGreaterThan(valid * 0.9);
  });

  it("reads the update benchmark's changelogs (bench/update-vs-liquibase.mjs)", () => {
    let text = 'databaseChangeLog:\n';
    for (let n = 0; n < 20; n++) {
      const t = Math.floor(n / 5);
      text += `  - changeSet:\n      id: ${n + 1}-x\n      author: bench\n      changes:\n`;
      if (n % 5 === 0 && t % 2 === 0) {
        text += `        - createTable:\n            tableName: bench_${t}\n            columns:\n              - column:\n                  name: id\n                  type: bigint\n                  constraints:\n                    primaryKey: true\n              - column:\n                  name: created_at\n                  type: timestamp\n                  defaultValueComputed: CURRENT_TIMESTAMP\n`;
      } else if (n % 5 === 2) {
        text += `        - sql:\n            sql: |\n              INSERT INTO bench_${t} (id, name) VALUES (1, 'one');\n              INSERT INTO bench_${t} (id, name) VALUES (2, 'two');\n`;
      } else {
        text += `        - sql:\n            sql: ALTER TABLE bench_${t} ADD COLUMN score numeric(10,2) DEFAULT 0\n`;
      }
    }
    expect(agrees(text)).toBe(true);
    expect(agrees(`databaseChangeLog:\n  - include:\n      file: changes/part-001.yaml\n      relativeToChangelogFile: true\n`)).toBe(true);
  });

  it('reads every changelog of the fixtures', () => {
    const files = yamlFiles(join(__dirname, '../../fixtures'));
    const rejected = files.filter((f) => !agrees(readFileSync(f, 'utf8')));
    expect(rejected).toEqual([]);
  });

  const golden = '/work/shared/reference/liquibase-golden';
  describe.skipIf(!existsSync(golden))('Liquibase golden cases (../shared)', () => {
    it('reads them all as parseDocument does', () => {
      const files = yamlFiles(golden);
      const rejected = files.filter((f) => !agrees(readFileSync(f, 'utf8')));
      expect(rejected).toEqual([]);
    });
  });

  const corpus = '/work/shared/corpus/realworld';
  describe.skipIf(!existsSync(corpus))('real-world changelogs (../shared)', () => {
    it('reads most of them, as parseDocument does', () => {
      const files = yamlFiles(corpus);
      const accepted = files.filter((f) => agrees(readFileSync(f, 'utf8'))).length;
      console.log(`block YAML reader: accepted ${accepted} of ${files.length} real-world YAML files`);
      expect(accepted / files.length).toBeGreaterThan(0.85);
    });
  });
});
