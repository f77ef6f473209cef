// Runs the rules over a changelog: replays the schema changeset by changeset, visits each statement with the
// schema as it is just before it, applies `pgcs-ignore` suppressions and reports ignores that silenced nothing.

import { hiddenSlot } from '../changelog/hidden-slot';
import { lineIndexesOf, type LineIndex } from '../changelog/line-index';
import type { Changelog, Changeset, Finding, Fix, Range, Severity } from '../changelog/model';
import { applyStatement, statementsOf } from '../schema/replay';
import { COLLECTIONS, entryState, EVERY, IDENTITIES, recordSchemaAccess, relationKey, Schema, type SchemaAccess } from '../schema/schema';
import type { ChangesetStatement } from '../schema/statements';
import { grantedTableRoles } from './application-roles';
import { RULES } from './registry';
import { type ChangesetContext, DEFAULT_RULES_CONFIG, type EnvironmentRecord, type Rule, type RuleReport, type RulesConfig } from './rule';

export interface LintOptions {
  config?: Partial<RulesConfig>;
  environments?: EnvironmentRecord[];
  /** the rules to run (default: all registered) */
  rules?: Rule[];
  /** only report findings of these changesets (e.g. the ones in files changed since a git ref); the schema still replays all */
  only?: (changeset: Changeset) => boolean;
  defaultSchema?: string;
  /** the editor's memory of its last lint of this tree: unchanged changesets before the first edited one keep their findings */
  memo?: LintMemo;
}

export { statementsOf } from '../schema/replay';

/**
 * What the last lint of a tree leaves for the next one, in the editor. A changeset's findings are a function of
 * the changeset (its object and its statements: the loader and statementsOf keep both while nothing in them
 * changes), the schema before it (a function of the changesets before it), the line just above it (a pgcs-ignore
 * there), and what holds for the whole lint (rules, config, environments, application roles). So the changesets
 * before the first one that differs keep their findings: only their statements are replayed onto the schema,
 * which costs a fraction of running every rule on them.
 *
 * The changesets after an edited one keep theirs too when the schema entries they touched (read or changed, in
 * the rules and the replay) are as they were: each lint notes, per changeset, the entries its work touched and
 * their state after it. An entry is dirty while its state differs from the last lint's at the same point; a
 * changeset that touched no dirty entry does the same work on the same inputs, so it gives the same findings and
 * leaves the same entries. An edit of one CREATE TABLE re-lints the changesets that use that table, not the
 * thousand after it.
 */
export class LintMemo {
  last?: {
    inputs: unknown[];
    changesets: Changeset[];
    statements: ChangesetStatement[][];
    lineAbove: string[];
    /** where each changeset was: the loader moves a kept changeset's positions in place */
    ranges: Int32Array;
    findings: Finding[][];
    /** per changeset: the schema entries its work touched, each with its state just after the changeset */
    touched: Touched[];
  };
  /** the schema entries the touched lists name, as small numbers */
  entries = new SchemaEntries();
  /**
   * Schemas just before changeset `at`, by `at` ascending, each as every lint since it was taken saw it there
   * (each re-ran nothing before its `at`): typing in one changeset starts from a copy of the nearest one above it
   * instead of replaying the changesets above. The lint of a whole changelog leaves one every
   * FULL_SNAPSHOT_DISTANCE changesets, so that the first edit after opening a file does not replay from the top.
   */
  snapshots: { at: number; schema: Schema }[] = [];
}

/** a snapshot further up than this many changesets is taken again (a deep copy costs about as much as replaying a few hundred) */
const SNAPSHOT_DISTANCE = 100;
/** how far apart the snapshots a whole lint leaves are */
const FULL_SNAPSHOT_DISTANCE = 500;
/** at most this many snapshots are kept (each is a deep copy of a schema) */
const MAX_SNAPSHOTS = 8;

/** The safety findings of a changelog: one pass over its changesets in execution order. */
export function lintChangelog(changelog: Changelog, options: LintOptions = {}): Finding[] {
  const config: RulesConfig = { ...DEFAULT_RULES_CONFIG, ...options.config, severities: { ...DEFAULT_RULES_CONFIG.severities, ...options.config?.severities } };
  const rules = (options.rules ?? RULES).filter((r) => config.severities[r.meta.id] !== 'off');
  const lines = lineIndexesOf(changelog);
  const environments = options.environments ?? [];
  let schema = new Schema();
  const findings: Finding[] = [];
  const memo = options.only ? undefined : options.memo;
  // each changeset's statements, and where each role is first granted table privileges (in one walk)
  const statementsByChangeset: ChangesetStatement[][] = [];
  const firstTableGrant = new Map<string, number>();
  for (let i = 0; i < changelog.changesets.length; i++) {
    const statements = statementsOf(changelog.changesets[i], lines, options.defaultSchema);
    statementsByChangeset.push(statements);
    const roles = tableGrantsOf(statements);
    if (roles) for (const role of roles) if (!firstTableGrant.has(role)) firstTableGrant.set(role, i);
  }
  const applicationRoles = config.applicationRoles.length ? config.applicationRoles : [...firstTableGrant.keys()];

  if (memo && memo.entries.size > MAX_ENTRIES) {
    // names of entries that no longer exist pile up while one types: start over once in a while
    memo.entries = new SchemaEntries();
    memo.last = undefined;
  }
  // (the environments' records are made anew per call: the rows are the same while they were read at the same time)
  const environmentsKey = environments.map((e) => `${e.name}@${e.readAt.getTime()}:${e.applied.length}`).join('|');
  const inputs = [rules.map((r) => r.meta.id).join(), JSON.stringify(config), environmentsKey, options.defaultSchema, JSON.stringify([...firstTableGrant])];
  let last = memo?.last && memo.last.inputs.every((v, i) => v === inputs[i]) ? memo.last : undefined;
  // per changeset, what the next lint compares (made in the walk below, while the changeset is at hand)
  const lineAbove: string[] = [];
  const ranges = new Int32Array(changelog.changesets.length * 4);
  const ignores = memo ? new IgnoresAbove(lines) : undefined;
  const findingsByChangeset: Finding[][] = [];
  const touchedByChangeset: Touched[] = [];
  const entries = memo?.entries ?? new SchemaEntries();
  const dirty = new DirtyEntries(entries);
  let rerunAll = !last;

  // the schema is replayed only as far as a changeset that runs its rules needs it
  let replayed = 0;
  let started = false;
  if (memo && !last) memo.snapshots = [];
  const replayTo = (end: number) => {
    if (!started && memo) {
      // the first changeset to run again: every changeset before it is as it was in the last lint, every one after
      // it may not be (snapshots below it are stale)
      started = true;
      const snapshots = memo.snapshots;
      while (snapshots.length && snapshots[snapshots.length - 1].at > end) snapshots.pop();
      const snapshot = snapshots[snapshots.length - 1];
      if (snapshot) {
        schema = snapshot.schema.copyOnWrite();
        replayed = snapshot.at;
      }
      replay(end);
      if (end > 0 && (!snapshot || end - snapshot.at >= SNAPSHOT_DISTANCE)) keepSnapshot(memo, end, schema);
    } else {
      replay(end);
      // a whole lint (nothing before `end` was skipped) leaves snapshots along the way
      if (memo && rerunAll && end === replayed && end > 0 && end % FULL_SNAPSHOT_DISTANCE === 0) {
        const snapshot = memo.snapshots[memo.snapshots.length - 1];
        if (!snapshot || end - snapshot.at >= FULL_SNAPSHOT_DISTANCE) keepSnapshot(memo, end, schema);
      }
    }
  };
  const replay = (end: number) => {
    for (; replayed < end; replayed++) {
      const index = changelog.changesets[replayed].index;
      for (const statement of statementsByChangeset[replayed]) applyStatement(schema, statement, index);
    }
  };

  for (let i = 0; i < changelog.changesets.length; i++) {
    const changeset = changelog.changesets[i];
    const statements = statementsByChangeset[i];
    const { start, end } = changeset.range;
    ranges[i * 4] = start.line;
    ranges[i * 4 + 1] = start.character;
    ranges[i * 4 + 2] = end.line;
    ranges[i * 4 + 3] = end.character;
    const above = ignores ? ignores.above(changeset) : '';
    lineAbove.push(above);
    if (
      !rerunAll &&
      last &&
      i < last.changesets.length &&
      last.changesets[i] === changeset &&
      // (statementsOf makes new statements for a changeset the loader moved in place: the same statements mean the same place)
      last.statements[i] === statements &&
      last.lineAbove[i] === above &&
      sameRange(last.ranges, ranges, i) &&
      !dirty.touchedBy(last.touched[i])
    ) {
      findingsByChangeset.push(last.findings[i]);
      touchedByChangeset.push(last.touched[i]);
      continue;
    }
    replayTo(i);
    const reported: { report: RuleReport; rule: Rule }[] = [];
    let rule: Rule = rules[0];
    let current: ChangesetStatement | undefined;
    const context: ChangesetContext = {
      changelog,
      changeset,
      statements,
      schema,
      config,
      applicationRoles,
      firstTableGrant,
      environments,
      isNewTable: (name, schemaName) => schema.tables.get(relationKey(name, schemaName))?.origin === changeset.index,
      report: (report) => reported.push({ report: report.statement || !current ? report : { ...report, statement: current }, rule }),
    };
    const access: SchemaAccess | undefined = memo ? [] : undefined;
    const outerRecorder = recordSchemaAccess(access);
    try {
      for (const statement of statements) {
        current = statement;
        for (const r of rules) {
          if (!r.statement) continue;
          rule = r;
          r.statement(statement, context);
        }
        applyStatement(schema, statement, changeset.index);
      }
      replayed = i + 1;
      current = undefined;
      for (const r of rules) {
        if (!r.changeset) continue;
        rule = r;
        r.changeset(context);
      }
    } finally {
      recordSchemaAccess(outerRecorder);
    }
    findingsByChangeset.push(options.only && !options.only(changeset) ? [] : suppress(changeset, statements, reported, lines, config, rules));
    if (access) {
      const touched = entries.touchedBy(access, schema, changelog);
      touchedByChangeset.push(touched);
      if (!rerunAll) {
        const before = last!.changesets[i];
        if (!before) rerunAll = true;
        else {
          dirty.update(touched, last!.touched[i]);
          // a message that names this changeset (as the creator of an object: originText) reads its identity
          if (before.id !== changeset.id || before.author !== changeset.author) dirty.add(entries.idOf(IDENTITIES, String(i)));
        }
      }
    }
  }
  for (const list of findingsByChangeset) for (const f of list) findings.push(f);
  if (memo) {
    memo.last = {
      inputs,
      changesets: changelog.changesets,
      statements: statementsByChangeset,
      lineAbove,
      ranges,
      findings: findingsByChangeset,
      touched: touchedByChangeset,
    };
  }
  // Closures made in this call (the rules' contexts, a finding's fixes) keep its scope alive as long as their findings
  // live, and the next lint keeps those findings: drop the last lint's memory from the scope, or each lint would keep
  // the one before it alive, with its model and text (the editor's heap grew by the changelog's size per keystroke)
  last = undefined;

  for (const r of rules) {
    if (!r.changelog) continue;
    r.changelog({
      changelog,
      get schema() {
        replayTo(changelog.changesets.length);
        return schema;
      },
      config,
      applicationRoles,
      firstTableGrant,
      environments,
      report: (report) => void findings.push(toFinding(report, r, severityOf(r, config), report.file)),
    });
  }
  return findings;
}

/** the schema entries a changeset's work touched (ids of SchemaEntries) and the state of each just after it */
interface Touched {
  ids: Int32Array;
  states: string[];
}

/** past this many named entries a memo starts over */
const MAX_ENTRIES = 1_000_000;

/** Schema entries (collection and key) as small numbers, so that checking a changeset's entries reads a few arrays. */
class SchemaEntries {
  private readonly ids = new Map<string, number>();
  /** per id: its collection */
  readonly collections: number[] = [];
  /** per id: it stands for every entry of its collection (an iteration) */
  readonly every: boolean[] = [];

  get size(): number {
    return this.ids.size;
  }

  idOf(collection: number, key: string): number {
    const name = String.fromCharCode(65 + collection) + key;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(name, id);
      this.collections.push(collection);
      this.every.push(key === EVERY);
    }
    return id;
  }

  /** the entries an access record touched, each with its state now */
  touchedBy(access: SchemaAccess, schema: Schema, changelog: Changelog): Touched {
    const seen = new Set<number>();
    const states: string[] = [];
    for (let i = 0; i < access.length; i += 2) {
      const collection = access[i] as number;
      const key = access[i + 1] as string;
      const id = this.idOf(collection, key);
      if (seen.has(id)) continue;
      seen.add(id);
      // iterating a collection has no state to compare: it counts as a change of every entry
      states.push(key === EVERY ? '' : collection === IDENTITIES ? identityState(changelog, key) : entryState(schema, collection, key));
    }
    return { ids: Int32Array.from(seen), states };
  }
}

/**
 * The schema entries whose state, at the current point of the changelog, may differ from the last lint's at the
 * same point. A whole collection is dirty when a re-run changeset iterated it (it may have changed any entry).
 */
class DirtyEntries {
  private readonly dirty = new Set<number>();
  private readonly perCollection = new Array<number>(COLLECTIONS).fill(0);
  private readonly everyDirty = new Array<boolean>(COLLECTIONS).fill(false);

  constructor(private readonly entries: SchemaEntries) {}

  /** whether a changeset that touched these entries (last time) may now see something else */
  touchedBy(touched: Touched): boolean {
    if (this.dirty.size === 0) return false;
    const { collections, every } = this.entries;
    for (const id of touched.ids) {
      const collection = collections[id];
      if (this.perCollection[collection] === 0) continue;
      if (every[id] || this.everyDirty[collection] || this.dirty.has(id)) return true;
    }
    return false;
  }

  /** after a changeset ran again: its entries are dirty where their state after it differs from last time's */
  update(touched: Touched, before: Touched | undefined): void {
    const { every } = this.entries;
    const stateBefore = new Map<number, string>();
    if (before) before.ids.forEach((id, i) => stateBefore.set(id, before.states[i]));
    touched.ids.forEach((id, i) => {
      if (every[id] || stateBefore.get(id) !== touched.states[i]) this.add(id);
      else this.remove(id);
      stateBefore.delete(id);
    });
    // what it touched last time and not now: its state after it is unknown here
    for (const id of stateBefore.keys()) this.add(id);
  }

  /** an entry whose state here differs from the last lint's */
  add(id: number): void {
    if (this.dirty.has(id)) return;
    this.dirty.add(id);
    const collection = this.entries.collections[id];
    this.perCollection[collection]++;
    if (this.entries.every[id]) this.everyDirty[collection] = true;
  }

  private remove(id: number): void {
    if (!this.dirty.delete(id)) return;
    this.perCollection[this.entries.collections[id]]--;
  }
}

/** the state of an IDENTITIES entry: the author and id of the changeset at that index */
function identityState(changelog: Changelog, key: string): string {
  const changeset = changelog.changesets[Number(key)];
  return changeset ? `${changeset.author}\u0000${changeset.id}` : '';
}

/** a deep copy of `schema` as the snapshot at `end` (above every kept one); the closest pair loses one past MAX_SNAPSHOTS */
function keepSnapshot(memo: LintMemo, end: number, schema: Schema): void {
  const snapshots = memo.snapshots;
  snapshots.push({ at: end, schema: schema.copy() });
  if (snapshots.length > MAX_SNAPSHOTS) {
    let drop = 1;
    for (let i = 2; i < snapshots.length - 1; i++) if (snapshots[i].at - snapshots[i - 1].at < snapshots[drop].at - snapshots[drop - 1].at) drop = i;
    snapshots.splice(drop, 1);
  }
}

function sameRange(before: Int32Array, now: Int32Array, i: number): boolean {
  const p = i * 4;
  return before[p] === now[p] && before[p + 1] === now[p + 1] && before[p + 2] === now[p + 2] && before[p + 3] === now[p + 3];
}

/**
 * The line above a changeset's header when it holds a `pgcs-ignore` (about the changeset), else '', for changesets
 * asked in order. Most files hold none: one search of a file's text answers for every changeset in it (and the line
 * index of an edited text knows the answer from its previous version's: a keystroke does not search a 1 MB
 * changelog again).
 */
class IgnoresAbove {
  private file: string | undefined;
  private index: LineIndex | undefined;

  constructor(private readonly lines: (file: string) => LineIndex) {}

  above(changeset: Changeset): string {
    if (changeset.file !== this.file) {
      this.file = changeset.file;
      this.index = this.lines(changeset.file);
      if (!this.index.contains('pgcs-ignore')) this.index = undefined;
    }
    const index = this.index;
    const line = changeset.range.start.line - 1;
    if (!index || line < 0) return '';
    const text = index.text.slice(index.lineStart(line), index.lineEnd(line));
    return text.includes('pgcs-ignore') ? text : '';
  }
}

const isGrant = (statement: ChangesetStatement) => statement.kind === 'GrantStmt';

/** the roles a changeset's statements grant table privileges to (null: none), kept beside the statements (statementsOf keeps them while they are the same) */
const tableGrants = hiddenSlot<Set<string> | null>('tableGrants');

function tableGrantsOf(statements: ChangesetStatement[]): Set<string> | null {
  let roles = tableGrants.get(statements);
  if (roles === undefined) tableGrants.set(statements, (roles = statements.some(isGrant) ? grantedTableRoles(statements) : null));
  return roles;
}

function severityOf(rule: Rule, config: RulesConfig): Severity {
  const configured = config.severities[rule.meta.id];
  return configured && configured !== 'off' ? configured : rule.meta.severity;
}

function toFinding(report: RuleReport, rule: Rule, severity: Severity, file: string, changeset?: Changeset): Finding {
  const finding: Finding = { rule: rule.meta.id, severity, message: report.message, file, range: report.range };
  if (changeset) finding.changeset = { id: changeset.id, author: changeset.author };
  const fixes = report.fixes;
  if (typeof fixes === 'function') {
    // built on first read (the code action, a test), once; the CLI never reads it
    let built: Fix[] | undefined;
    let done = false;
    Object.defineProperty(finding, 'fixes', {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!done) {
          done = true;
          const list = fixes();
          built = list?.length ? list : undefined;
        }
        return built;
      },
    });
  } else if (fixes?.length) finding.fixes = fixes;
  return finding;
}

// ---------------------------------------------------------------------------------------------------------------
// Suppression: `-- pgcs-ignore rule-id[, rule-id…]: reason` in a statement's comments silences that statement;
// the same words in a comment of the changeset itself (`# pgcs-ignore …` in YAML, a `--` line of a formatted SQL
// changeset outside its statements, or the line just above the changeset) silence the whole changeset.

const IGNORE = /pgcs-ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?::\s*(.*))?/g;

interface IgnoreDirective {
  ids: string[];
  reason: string;
  file: string;
  range: Range;
  used: Set<string>;
  /** undefined = the whole changeset */
  statement?: ChangesetStatement;
}

function suppress(
  changeset: Changeset,
  statements: ChangesetStatement[],
  reported: { report: RuleReport; rule: Rule }[],
  lines: (file: string) => LineIndex,
  config: RulesConfig,
  ran: Rule[],
): Finding[] {
  const directives = changesetDirectives(changeset, statements, lines);
  const out: Finding[] = [];
  for (const { report, rule } of reported) {
    const id = rule.meta.id;
    // a statement's finding: its own directive or a changeset-wide one; a changeset-level finding: any directive of the changeset
    const directive = directives.find((d) => d.ids.includes(id) && (!report.statement || !d.statement || d.statement === report.statement));
    if (directive) {
      directive.used.add(id);
      continue;
    }
    out.push(toFinding(report, rule, severityOf(rule, config), report.file ?? report.statement?.file ?? changeset.file, changeset));
  }
  for (const d of directives) {
    for (const id of d.ids) {
      if (d.used.has(id) || config.severities['unused-ignore'] === 'off') continue;
      const known = RULES.some((r) => r.meta.id === id);
      // a rule that did not run (turned off, or not selected) cannot tell whether its ignore is needed
      if (known && !ran.some((r) => r.meta.id === id)) continue;
      out.push({
        rule: 'unused-ignore',
        severity: (config.severities['unused-ignore'] as Severity | undefined) ?? 'warning',
        message: known ? `pgcs-ignore ${id} silences nothing here; remove it.` : `pgcs-ignore names an unknown rule '${id}'.`,
        file: d.file,
        range: d.range,
        changeset: { id: changeset.id, author: changeset.author },
      });
    }
  }
  return out;
}

function changesetDirectives(changeset: Changeset, statements: ChangesetStatement[], lines: (file: string) => LineIndex): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  const index = lines(changeset.file);
  // the changeset's own lines, and the line just above it
  const start = index.lineStart(Math.max(0, changeset.range.start.line - 1));
  const end = index.offset(changeset.range.end);
  const spans = statements
    .filter((s) => !s.generated && s.file === changeset.file)
    .map((s) => ({ from: index.offset(s.range.start), to: index.offset(s.range.end), statement: s }));
  for (const d of directivesIn(index.text, start, end)) {
    // above the changeset's header it is about the changeset, whatever follows
    const owner = d.from < index.offset(changeset.headerRange.start) ? undefined : ownerOf(d.from, spans, index.text);
    out.push({ ...d, file: changeset.file, range: index.range(d.from, d.to), used: new Set(), statement: owner });
  }
  // sqlFile statements carry their comments in their own file
  for (const s of statements) {
    if (s.generated || s.file === changeset.file || !s.comments.includes('pgcs-ignore')) continue;
    const fileIndex = lines(s.file);
    const from = fileIndex.lineStart(Math.max(0, s.range.start.line - 1));
    for (const d of directivesIn(fileIndex.text, from, fileIndex.offset(s.range.end))) {
      out.push({ ...d, file: s.file, range: fileIndex.range(d.from, d.to), used: new Set(), statement: s });
    }
  }
  return out;
}

/**
 * The statement a directive belongs to: the one it is written in, or the one just below a `--` comment line
 * (only blank and comment lines between). A YAML `#` comment, or a `--` line with no statement right below it,
 * belongs to the whole changeset.
 */
function ownerOf(at: number, spans: { from: number; to: number; statement: ChangesetStatement }[], text: string): ChangesetStatement | undefined {
  const inside = spans.find((s) => at >= s.from && at < s.to);
  if (inside) return inside.statement;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  if (!/^\s*--\s*$/.test(text.slice(lineStart, at))) return undefined;
  const next = spans.find((s) => s.from > at);
  if (!next) return undefined;
  const lineEnd = text.indexOf('\n', at);
  const between = lineEnd < 0 ? '' : text.slice(lineEnd + 1, next.from);
  return /^(?:[ \t]*(?:--[^\n]*)?\r?\n)*[ \t]*$/.test(between) ? next.statement : undefined;
}

function directivesIn(text: string, start: number, end: number): { from: number; to: number; ids: string[]; reason: string }[] {
  const out: { from: number; to: number; ids: string[]; reason: string }[] = [];
  const slice = text.slice(start, end);
  for (const m of slice.matchAll(IGNORE)) {
    // only inside a comment: `--`, `#` or `/*` before it on its line
    const lineStart = slice.lastIndexOf('\n', m.index!) + 1;
    if (!/(--|#|\/\*)[^\n]*$/.test(slice.slice(lineStart, m.index!))) continue;
    const from = start + m.index!;
    out.push({ from, to: from + m[0].replace(/\s+$/, '').length, ids: m[1].split(',').map((s) => s.trim()), reason: (m[2] ?? '').trim() });
  }
  return out;
}

