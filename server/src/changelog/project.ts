import * as nodePath from 'node:path';
import { ChangelogCache, diskReader, kindOf, loadChangelog, SourceReader } from './load';
import type { Changelog, Changeset, Finding } from './model';
import { hiddenSlot } from './hidden-slot';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'target', 'build', 'dist', 'out', '.gradle', '.idea', '.vscode', '.pgcs', 'bin', 'obj']);
const MAX_FILES = 20_000;

export interface ProjectOptions {
  folders: string[];
  searchPath?: string[];
  properties?: Record<string, string>;
}

/**
 * The changelogs of a workspace: every root changelog (a changelog no other changelog includes) loaded as one
 * tree. Parsed files and SQL are cached across reloads, so after an edit only the edited file is read again.
 */
export class Project {
  readonly cache = new ChangelogCache();
  private candidates: string[] = [];
  private trees = new Map<string, Changelog>();
  /** file → roots of the trees that contain it */
  private owners = new Map<string, Set<string>>();

  /** findings computed over a whole loaded tree (the safety rules); set by the front end, so this folder never imports rules/ */
  private treeAnalysis?: (tree: Changelog) => Finding[];
  private analysed = new WeakMap<Changelog, Finding[]>();

  constructor(private options: ProjectOptions, private reader: SourceReader = diskReader) {}

  setTreeAnalysis(analysis: ((tree: Changelog) => Finding[]) | undefined): void {
    this.treeAnalysis = analysis;
    this.analysed = new WeakMap();
  }

  /** the tree analysis' findings for a tree (computed once per loaded tree) */
  analysisOf(tree: Changelog): Finding[] {
    if (!this.treeAnalysis) return [];
    let findings = this.analysed.get(tree);
    if (!findings) {
      findings = this.treeAnalysis(tree);
      this.analysed.set(tree, findings);
    }
    return findings;
  }

  setReader(reader: SourceReader): void {
    this.reader = reader;
  }

  configure(options: Partial<ProjectOptions>): void {
    this.options = { ...this.options, ...options };
    this.cache.clear();
  }

  /** Finds the changelog files in the workspace folders (by extension and a look at their first lines). */
  discover(): void {
    const found: string[] = [];
    const walk = (dir: string, depth: number) => {
      if (depth > 24 || found.length >= MAX_FILES) return;
      for (const name of (this.reader.listDirectory(dir) ?? []).sort()) {
        const full = nodePath.join(dir, name);
        if (this.reader.isDirectory(full)) {
          if (!SKIPPED_FOLDERS.has(name) && !name.startsWith('.')) walk(full, depth + 1);
          continue;
        }
        if (!/\.(ya?ml|json|sql)$/i.test(name)) continue;
        const text = this.reader.readFile(full);
        if (text !== undefined && isChangelogText(full, text)) found.push(full);
      }
    };
    for (const folder of this.options.folders) walk(folder, 0);
    this.candidates = found;
  }

  /** Loads every tree again (cheap when nothing changed: the caches answer). */
  reload(extraRoots: string[] = []): void {
    const trees = new Map<string, Changelog>();
    const owners = new Map<string, Set<string>>();
    const included = new Set<string>();
    const loaded = new Map<string, Changelog>();
    const load = (root: string) => {
      let tree = loaded.get(root);
      if (!tree) {
        tree = loadChangelog(root, { reader: this.reader, cache: this.cache, searchPath: this.options.searchPath, properties: this.options.properties });
        loaded.set(root, tree);
      }
      return tree;
    };
    const roots = [...new Set([...this.candidates, ...extraRoots])];
    for (const candidate of roots) {
      if (included.has(candidate)) continue;
      const tree = load(candidate);
      for (const file of tree.files.keys()) if (file !== candidate) included.add(file);
    }
    for (const root of roots) {
      if (included.has(root)) continue;
      const tree = load(root);
      trees.set(root, tree);
      for (const file of tree.files.keys()) {
        let set = owners.get(file);
        if (!set) owners.set(file, (set = new Set()));
        set.add(root);
      }
    }
    this.trees = trees;
    this.owners = owners;
  }

  /** Makes sure a file that is a changelog, but was not found by discover (new, or outside the folders), is a root. */
  addCandidate(path: string, text: string): boolean {
    if (this.candidates.includes(path) || !isChangelogText(path, text)) return false;
    this.candidates.push(path);
    return true;
  }

  removeCandidate(path: string): void {
    this.candidates = this.candidates.filter((c) => c !== path);
  }

  treesOf(file: string): Changelog[] {
    return [...(this.owners.get(file) ?? [])].map((root) => this.trees.get(root)!).filter(Boolean);
  }

  allTrees(): Changelog[] {
    return [...this.trees.values()];
  }

  /** every file of every tree, with its findings (an empty list for a clean file) */
  findingsByFile(): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    // a file shared by two trees reports its own problems once: the findings said at a position (most positions have
    // one: what a finding says is compared only when another finding was said at the same place, so a keystroke
    // does not make or look up a string per finding)
    const seen = new Map<number, Finding | Finding[]>();
    const add = (finding: Finding) => {
      const at = finding.range.start.line * 2 ** 26 + finding.range.start.character;
      const before = seen.get(at);
      if (before === undefined) seen.set(at, finding);
      else {
        const said = sayingOf(finding);
        if (Array.isArray(before)) {
          for (const other of before) if (sayingOf(other) === said) return;
          before.push(finding);
        } else {
          if (sayingOf(before) === said) return;
          seen.set(at, [before, finding]);
        }
      }
      let list = out.get(finding.file);
      if (!list) out.set(finding.file, (list = []));
      list.push(finding);
    };
    for (const tree of this.trees.values()) {
      for (const file of tree.files.keys()) if (!out.has(file)) out.set(file, []);
      for (const finding of tree.findings) add(finding);
      for (const finding of this.analysisOf(tree)) add(finding);
    }
    return out;
  }

  changesetsIn(file: string): Changeset[] {
    const seen = new Set<Changeset>();
    for (const tree of this.treesOf(file)) for (const c of tree.changesets) if (c.file === file) seen.add(c);
    return [...seen];
  }
}

/**
 * file, rule and message of a finding, made once per finding (the editor's lint hands back the same findings after
 * an edit), kept on it under a symbol, not enumerable (JSON, copies and comparisons do not see it): a WeakMap lookup
 * per finding per keystroke cost more than the rest of the de-duplication
 */
const sayings = hiddenSlot<{ file: string; rule: string; message: string; saying: string }>('saying');

function sayingOf(finding: Finding): string {
  const { file, rule, message } = finding;
  const known = sayings.get(finding);
  if (known && known.file === file && known.rule === rule && known.message === message) return known.saying;
  const saying = `${file}|${rule}|${message}`;
  sayings.set(finding, { file, rule, message, saying });
  return saying;
}

export function isChangelogText(path: string, text: string): boolean {
  const kind = kindOf(path, text.slice(0, 65536));
  if (kind === 'yaml') return /^[ \t]*["']?databaseChangeLog["']?[ \t]*:/m.test(text.slice(0, 65536));
  return kind === 'formatted-sql';
}
