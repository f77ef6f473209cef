import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog } from '../../../server/src/changelog/load';
import type { Changelog, ChangelogFile } from '../../../server/src/changelog/model';
import { ParsedFileStore } from '../../../server/src/changelog/parsed-file-store';
import { changesetSqlContext, forwardStatements } from '../../../server/src/engine/changeset-sql';
import { changesetChecksum } from '../../../server/src/engine/checksum';
import { initSqlParser } from '../../../server/src/sql/statements';

const golden = join(__dirname, '../../fixtures/golden');
const cases: [string, string][] = [
  ['01-yaml-sql', 'changelog.yaml'],
  ['02-formatted-sql', 'changelog.sql'],
  ['03-yaml-builtin-changes', 'changelog.yaml'],
  ['04-include-includeall', 'db/changelog.yaml'],
  ['05-checksum-normalisation', 'changelog.yaml'],
  ['06-lifecycle', 'changelog.yaml'],
  ['07-checksum-version-upgrade', 'changelog.yaml'],
];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgcs-store-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => initSqlParser());

/**
 * `root` loaded through a store, which `learn` teaches before it is saved, then loaded again through a new store
 * over the same folder: that store and what it gave
 */
function loadedAgain<T>(root: string, dir: string, learn: (changelog: Changelog, store: ParsedFileStore) => T) {
  const storeDir = tempDir();
  const store = new ParsedFileStore(storeDir, 'b');
  const learnt = learn(loadChangelog(root, { searchPath: [dir], analyseSql: false, store }), store);
  store.save();
  const again = new ParsedFileStore(storeDir, 'b');
  return { learnt, again, second: loadChangelog(root, { searchPath: [dir], analyseSql: false, store: again }) };
}

/** a root changelog.yaml in `dir` holding these lines; its path */
function changelogIn(dir: string, lines: string[]): string {
  const root = join(dir, 'changelog.yaml');
  writeFileSync(root, [...lines, ''].join('\n'));
  return root;
}

/** loads as the CLI does: no SQL analysis, the store when given, and saves it afterwards */
function load(root: string, searchPath: string, store?: ParsedFileStore): Changelog {
  const changelog = loadChangelog(root, { searchPath: [searchPath], properties: {}, analyseSql: false, store });
  store?.save();
  return changelog;
}

describe('parsed changelog files kept on disk', () => {
  for (const [folder, root] of cases) {
    it(`gives back exactly the model a parse makes (${folder}/${root}), with the same checksums`, () => {
      const dir = join(golden, folder);
      const storeDir = tempDir();
      const parsed = load(join(dir, root), dir);
      const first = load(join(dir, root), dir, new ParsedFileStore(storeDir, 'build-1'));
      // a formatted SQL file is not kept (parsed faster than decoded): its tree leaves no pack
      expect(readdirSync(storeDir).length > 0).toBe(root.endsWith('.yaml'));
      const stored = load(join(dir, root), dir, new ParsedFileStore(storeDir, 'build-1'));
      expect(first.changesets).toStrictEqual(parsed.changesets);
      expect(stored.changesets).toStrictEqual(parsed.changesets);
      expect(stored.findings).toStrictEqual(parsed.findings);
      expect([...stored.files.keys()]).toStrictEqual([...parsed.files.keys()]);
      for (const [path, file] of parsed.files) expect(stored.files.get(path)).toStrictEqual(file);
      expect(stored.changesets.map((c) => changesetChecksum(c))).toStrictEqual(parsed.changesets.map((c) => changesetChecksum(c)));
    });
  }

  it('keeps what JSON alone would lose: YAML timestamps, .nan, a `$` key, a `__proto__` key, shared anchors', () => {
    const dir = tempDir();
    const root = changelogIn(dir, [
      'databaseChangeLog:',
      '  - changeSet:',
      '      id: 1',
      '      author: test',
      '      changes:',
      '        - insert:',
      '            tableName: t',
      '            columns: &cols',
      '              - column: { name: at, valueDate: 2026-01-31 12:00:00 }',
      '              - column: { name: n, valueNumeric: .nan }',
      '              - column: { name: $, value: dollar }',
      '              - column: { name: x, __proto__: { polluted: true } }',
      '        - insert:',
      '            tableName: u',
      '            columns: *cols',
    ]);
    const parsed = load(root, dir);
    const storeDir = tempDir();
    load(root, dir, new ParsedFileStore(storeDir, 'b'));
    const stored = load(root, dir, new ParsedFileStore(storeDir, 'b'));
    expect(stored.changesets).toStrictEqual(parsed.changesets);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(changesetChecksum(stored.changesets[0])).toBe(changesetChecksum(parsed.changesets[0]));
  });

  it('serves a file from its entry on disk, without parsing it', () => {
    const dir = join(golden, '01-yaml-sql');
    const storeDir = tempDir();
    load(join(dir, 'changelog.yaml'), dir, new ParsedFileStore(storeDir, 'b'));
    const [pack] = readdirSync(storeDir);
    const path = join(storeDir, pack);
    const text = readFileSync(path, 'utf8');
    // a pack: one entry a line, its key, a space, its JSON
    const id = (JSON.parse(text.split('\n')[0].slice(65)) as { file: { changesets: { id: string }[] } }).file.changesets[0].id;
    writeFileSync(path, text.replace(`"id":${JSON.stringify(id)}`, '"id":"from-the-store"'));
    expect(load(join(dir, 'changelog.yaml'), dir, new ParsedFileStore(storeDir, 'b')).changesets[0].id).toBe('from-the-store');
  });

  it('writes ranges as four numbers (only what is exactly a range), typed arrays as runs', () => {
    const file = {
      path: '/r.yaml', kind: 'yaml', changesets: [], findings: [],
      offsets: Int32Array.from([5, 6, 7, 10, 11, 3, -1, 0]),
      none: new Int32Array(0),
      range: { start: { line: 1, character: 2 }, end: { line: 3, character: 4 } },
      notRanges: [
        { start: { line: 1, character: 2 }, end: { line: 3, character: 4 }, extra: true },
        { end: { line: 3, character: 4 }, start: { line: 1, character: 2 } },
        { start: { line: 1, character: 2.5 }, end: { line: 3, character: 4 } },
        { start: { line: -0, character: 2 }, end: { line: 3, character: 4 } },
        { start: { line: 1, character: 2, x: 1 }, end: { line: 3, character: 4 } },
      ],
    } as unknown as ChangelogFile;
    const storeDir = tempDir();
    const first = new ParsedFileStore(storeDir, 'b');
    first.file('/r.yaml', 'yaml', 'text', 'r.yaml', '', () => file);
    first.save();
    const pack = readdirSync(storeDir).find((name) => name.endsWith('.pack'))!;
    const written = readFileSync(join(storeDir, pack), 'utf8');
    expect(written.match(/"\$":"g"/g)).toHaveLength(1);
    expect(written).toContain('"offsets":{"$":"j","v":[5,3,10,2,3,1,-1,2]}');
    const back = new ParsedFileStore(storeDir, 'b').file('/r.yaml', 'yaml', 'text', 'r.yaml', '', () => {
      throw new Error('parsed again');
    });
    expect({ ...back, text: undefined }).toStrictEqual({ ...file, text: undefined });
    expect(Object.is((back as unknown as typeof file & { notRanges: { start: { line: number } }[] }).notRanges[3].start.line, -0)).toBe(true);
  });

  it('gives back shared objects and long texts met twice as one, in Maps, Sets, arrays and objects with a `$` key', () => {
    const sql = 'SELECT a_rather_long_column_name FROM a_rather_long_table_name WHERE id = 1 -- more than 64 characters';
    const range = { start: { line: 1, character: 2 }, end: { line: 3, character: 4 } };
    const dollar = { $: 'dollar', range };
    const file = {
      path: '/p.yaml', kind: 'yaml', changesets: [], findings: [],
      sql, again: { text: sql, list: [sql, range, dollar] }, range, dollar, dollarAgain: dollar,
      map: new Map<unknown, unknown>([[sql, range], ['k', new Set([range, sql])]]), at: new Date(5), ints: Int32Array.from([1, 2]),
    } as unknown as ChangelogFile;
    const storeDir = tempDir();
    const first = new ParsedFileStore(storeDir, 'b');
    first.file('/p.yaml', 'yaml', 'text', 'p.yaml', '', () => file);
    first.save();
    const back = new ParsedFileStore(storeDir, 'b').file('/p.yaml', 'yaml', 'text', 'p.yaml', '', () => {
      throw new Error('parsed again');
    }) as unknown as Record<string, unknown> & typeof file;
    expect({ ...back, text: undefined }).toStrictEqual({ ...file, text: undefined });
    const got = back as unknown as { range: object; dollar: object; dollarAgain: object; again: { list: unknown[] }; map: Map<unknown, unknown> };
    expect(got.again.list[1]).toBe(got.range);
    expect(got.dollarAgain).toBe(got.dollar);
    expect((got.dollar as { range: object }).range).toBe(got.range);
    expect(got.map.get(sql)).toBe(got.range);
    expect([...(got.map.get('k') as Set<unknown>)][0]).toBe(got.range);
  });

  it("keeps a tree's first lint as its result alone, and its parsed files from its next lint on", () => {
    const fileOf = (id: string) => ({ path: id, kind: 'yaml', changesets: [], findings: [] }) as unknown as ChangelogFile;
    const storeDir = tempDir();
    const parsed: string[] = [];
    // reads that never hold: every lint finds the tree changed
    const changed = [{ kind: 'file' as const, path: join(storeDir, 'no-such-file'), hash: 'x' }];
    const lint = (texts: string[]) => {
      const store = new ParsedFileStore(storeDir, 'b');
      const kept = store.keptResult(['lint', 'tree']);
      expect(kept.value).toBeUndefined();
      store.beginTree({ keepParsed: kept.seen });
      texts.forEach((text, i) => store.file(`/tree/${i}.yaml`, 'yaml', text, `${i}.yaml`, '', () => (parsed.push(text), fileOf(text))));
      store.keepResult(['lint', 'tree'], changed, { changesets: 0 });
      store.save();
    };
    lint(['a', 'b']);
    expect(parsed).toStrictEqual(['a', 'b']);
    expect(readdirSync(storeDir).filter((name) => name.endsWith('.pack'))).toHaveLength(0);
    parsed.length = 0;
    lint(['a', 'b2']);
    expect(parsed).toStrictEqual(['a', 'b2']);
    parsed.length = 0;
    lint(['a', 'b3']);
    expect(parsed).toStrictEqual(['b3']);
  });

  it('keeps the files of a tree in one pack, and parses only those its pack does not hold', () => {
    const fileOf = (id: string) => ({ path: id, kind: 'yaml', changesets: [], findings: [] }) as unknown as ChangelogFile;
    const storeDir = tempDir();
    const parsed: string[] = [];
    const loadTree = (texts: string[]) => {
      const store = new ParsedFileStore(storeDir, 'b');
      const files = texts.map((text, i) => store.file(`/tree/${i}.yaml`, 'yaml', text, `${i}.yaml`, '', () => (parsed.push(text), fileOf(text))));
      store.save();
      return files.map((f) => f.path);
    };
    expect(loadTree(['a', 'b', 'c'])).toStrictEqual(['a', 'b', 'c']);
    expect(readdirSync(storeDir)).toHaveLength(1);
    parsed.length = 0;
    expect(loadTree(['a', 'b2', 'c'])).toStrictEqual(['a', 'b2', 'c']);
    expect(parsed).toStrictEqual(['b2']);
    parsed.length = 0;
    expect(loadTree(['a', 'b2', 'c'])).toStrictEqual(['a', 'b2', 'c']);
    expect(parsed).toStrictEqual([]);
  });

  it('parses a file again once its text, the -D values or the build of pgcs differ', () => {
    const dir = tempDir();
    const root = join(dir, 'changelog.yaml');
    const text = (sql: string) => `databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: test\n      changes:\n        - sql: ${sql}\n`;
    writeFileSync(root, text('SELECT ${v}'));
    const storeDir = tempDir();
    const sqlOf = (build: string, properties: Record<string, string>) => {
      const store = new ParsedFileStore(storeDir, build);
      const changelog = loadChangelog(root, { searchPath: [dir], properties, analyseSql: false, store });
      store.save();
      return changelog.changesets[0].changes[0].sql?.text;
    };
    expect(sqlOf('b', { v: '1' })).toBe('SELECT 1');
    expect(sqlOf('b', { v: '2' })).toBe('SELECT 2');
    writeFileSync(root, text('SELECT 3'));
    expect(sqlOf('b', { v: '2' })).toBe('SELECT 3');
    // one pack for the tree per build, holding what its last load used
    expect(readdirSync(storeDir)).toHaveLength(1);
    expect(sqlOf('c', { v: '2' })).toBe('SELECT 3');
    expect(readdirSync(storeDir)).toHaveLength(2);
  });

  it('keeps checksums only of changesets that read no other file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.sql'), 'SELECT 1;\n');
    const root = changelogIn(dir, [
      'databaseChangeLog:',
      '  - changeSet: { id: inline, author: t, changes: [ { sql: SELECT 1 } ] }',
      '  - changeSet: { id: file, author: t, changes: [ { sqlFile: { path: a.sql, relativeToChangelogFile: true } } ] }',
    ]);
    const { learnt: first, again, second } = loadedAgain(root, dir, (changelog, store) => {
      for (const changeset of changelog.changesets) store.rememberChecksum(changeset, changesetChecksum(changeset));
      return changelog;
    });
    expect(again.checksum(second.changesets[0])).toBe(changesetChecksum(first.changesets[0]));
    expect(again.checksum(second.changesets[1])).toBeUndefined();
  });

  it("keeps the SQL of built-in changes per default schema, through forwardStatements, for changesets that read no other file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'proc.sql'), 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n');
    const root = changelogIn(dir, [
      'databaseChangeLog:',
      '  - changeSet: { id: t, author: a, changes: [ { createTable: { tableName: t, columns: [ { column: { name: id, type: int } } ] } }, { addColumn: { tableName: t, columns: [ { column: { name: n, type: text } } ] } } ] }',
      '  - changeSet: { id: p, author: a, changes: [ { createTable: { tableName: u, columns: [ { column: { name: id, type: int } } ] } }, { createProcedure: { path: proc.sql, relativeToChangelogFile: true } } ] }',
    ]);
    const keptSql = (store: ParsedFileStore) => ({ get: store.generatedSql.bind(store), set: store.rememberGeneratedSql.bind(store) });
    const generated = (changelog: Changelog, s: ParsedFileStore, defaultSchema: string) =>
      changelog.changesets.map((c) => forwardStatements(c, { ...changesetSqlContext(changelog, defaultSchema), keptSql: keptSql(s) }).map((p) => p.sql));
    const { learnt: expected, again, second } = loadedAgain(root, dir, (changelog, store) => generated(changelog, store, 'app'));
    expect(again.generatedSql(second.changesets[0], 1, 'app')).toEqual(expected[0].slice(1));
    expect(again.generatedSql(second.changesets[0], 0, 'public')).toBeUndefined();
    // a changeset that names another file keeps nothing: what is generated may come from that file
    expect(again.generatedSql(second.changesets[1], 0, 'app')).toBeUndefined();
    expect(generated(second, again, 'app')).toEqual(expected);
    expect(generated(second, again, 'public')[0][0]).toContain('public.t');
    // what is kept is what runs (a sentinel in place of the kept text)
    again.rememberGeneratedSql(second.changesets[0], 0, 'app', ['-- kept']);
    expect(generated(second, again, 'app')[0][0]).toBe('-- kept');
  });

  it("keeps a checksum learnt through one tree in the pack of every tree that holds the file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'shared.yaml'), 'databaseChangeLog:\n  - changeSet: { id: s, author: t, changes: [ { sql: SELECT 1 } ] }\n');
    for (const tree of ['a', 'b']) writeFileSync(join(dir, `${tree}.yaml`), 'databaseChangeLog:\n  - include: { file: shared.yaml, relativeToChangelogFile: true }\n');
    const storeDir = tempDir();
    const run = (trees: string[], learn = false) => {
      const store = new ParsedFileStore(storeDir, 'b');
      // each tree as `pgcs lint` loads it: its result looked up, the tree loaded, its result kept
      const loaded = trees.map((tree) => {
        store.beginTree({ keepParsed: store.keptResult(['test', tree]).seen });
        const changelog = loadChangelog(join(dir, `${tree}.yaml`), { searchPath: [dir], analyseSql: false, store });
        store.keepResult(['test', tree], [], {});
        return changelog;
      });
      if (learn) for (const changelog of loaded) store.rememberChecksum(changelog.changesets[0], changesetChecksum(changelog.changesets[0]));
      store.save();
      return { store, shared: loaded.map((changelog) => changelog.changesets[0]) };
    };
    run(['a', 'b']); // a first lint of each: results alone
    run(['a', 'b']); // both packs hold the file, without a checksum
    run(['a'], true); // a's pack learns it
    run(['a', 'b']); // b's file now comes from a's entry, checksum and all: b's pack must be written with it
    const { store, shared } = run(['b']);
    expect(store.checksum(shared[0])).toBe(changesetChecksum(shared[0]));
  });

  it('gives a file two trees include, read from its entry on disk in one run, to each tree as a model of its own', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'shared.yaml'), 'databaseChangeLog:\n  - changeSet: { id: s, author: t, changes: [ { sql: SELECT 1 } ] }\n');
    writeFileSync(join(dir, 'a.yaml'), 'databaseChangeLog:\n  - include: { file: shared.yaml, relativeToChangelogFile: true, context: in-a }\n');
    writeFileSync(join(dir, 'b.yaml'), 'databaseChangeLog:\n  - changeSet: { id: b, author: t, changes: [ { sql: SELECT 2 } ] }\n  - include: { file: shared.yaml, relativeToChangelogFile: true, context: in-b }\n');
    const storeDir = tempDir();
    const run = () => {
      const store = new ParsedFileStore(storeDir, 'b');
      const loaded = ['a', 'b'].map((tree) => load(join(dir, `${tree}.yaml`), dir, store));
      return loaded.map((changelog) => changelog.changesets.at(-1)!);
    };
    run();
    // the first decode of the entry takes the objects JSON.parse made; the second must not hand out the same ones
    const [inA, inB] = run();
    expect(inA).not.toBe(inB);
    expect(inA.changes[0]).not.toBe(inB.changes[0]);
    expect([inA.index, inA.inheritedContexts, inB.index, inB.inheritedContexts]).toStrictEqual([0, ['in-a'], 1, ['in-b']]);
    expect(inA.changes).toStrictEqual(inB.changes);
  });

  it('keeps each tree begun in one run in a pack of its own', () => {
    const fileOf = (id: string) => ({ path: id, kind: 'yaml', changesets: [], findings: [] }) as unknown as ChangelogFile;
    const storeDir = tempDir();
    const store = new ParsedFileStore(storeDir, 'b');
    for (const tree of ['a', 'b']) {
      store.beginTree();
      store.file(`/${tree}/root.yaml`, 'yaml', tree, 'root.yaml', '', () => fileOf(tree));
    }
    store.save();
    expect(readdirSync(storeDir).filter((name) => name.endsWith('.pack'))).toHaveLength(2);
  });

  it('is read and written by nothing when the folder cannot be written', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const root = join(golden, '01-yaml-sql', 'changelog.yaml');
    const store = new ParsedFileStore(join(dir, 'not-a-folder', 'store'), 'b');
    const changelog = load(root, join(golden, '01-yaml-sql'), store);
    expect(changelog.changesets.length).toBeGreaterThan(0);
  });
});
