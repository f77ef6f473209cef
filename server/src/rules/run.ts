// Runs the rules over a changelog: replays the schema changeset by changeset, visits each statement with the
// schema as it is just before it, applies `pgcs-ignore` suppressions and reports ignores that silenced nothing.

import { lineIndexesOf, type LineIndex } from '../changelog/line-index';
import type { Changelog, Changeset, Finding, Fix, Range, Severity } from '../changelog/model';
import { applyStatement, statementsOf } from '../schema/replay';
import { Schema, relationKey } from '../schema/schema';
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
 */
export class LintMemo {
  last?: {
    inputs: unknown[];
    changesets: Changeset[];
    statements: ChangesetStatement[][];
    lineAbove: string[];
    /** where each changeset was: the loader moves a kept changeset's positions in place */
    ranges: string[];
    findings: Finding[][];
  };
}

/** The safety findings of a changelog: one pass over its changesets in execution order. */
export function lintChangelog(changelog: Changelog, options: LintOptions = {}): Finding[] {
  const config: RulesConfig = { ...DEFAULT_RULES_CONFIG, ...options.config, severities: { ...DEFAULT_RULES_CONFIG.severities, ...options.config?.severities } };
  const rules = (options.rules ?? RULES).filter((r) => config.severities[r.meta.id] !== 'off');
  const lines = lineIndexesOf(changelog);
  const environments = options.environments ?? [];
  const schema = new Schema();
  const findings: Finding[] = [];
  const statementsByChangeset = changelog.changesets.map((c) => statementsOf(c, lines, options.defaultSchema));
  const firstTableGrant = new Map<string, number>();
  statementsByChangeset.forEach((statements, i) => {
    for (const role of grantedTableRoles(statements)) if (!firstTableGrant.has(role)) firstTableGrant.set(role, i);
  });
  const applicationRoles = config.applicationRoles.length ? config.applicationRoles : [...firstTableGrant.keys()];

  // how many leading changesets keep the last lint's findings
  const memo = options.only ? undefined : options.memo;
  // (the environments' records are made anew per call: the rows are the same while they were read at the same time)
  const environmentsKey = environments.map((e) => `${e.name}@${e.readAt.getTime()}:${e.applied.length}`).join('|');
  const inputs = [rules.map((r) => r.meta.id).join(), JSON.stringify(config), environmentsKey, options.defaultSchema, JSON.stringify([...firstTableGrant])];
  const last = memo?.last && memo.last.inputs.every((v, i) => v === inputs[i]) ? memo.last : undefined;
  const lineAbove = changelog.changesets.map((c) => (memo ? lineAboveOf(c, lines) : ''));
  let kept = 0;
  if (last) {
    const max = Math.min(last.changesets.length, changelog.changesets.length);
    // (statementsOf makes new statements for a changeset the loader moved in place: the same statements mean the same place)
    while (kept < max && last.changesets[kept] === changelog.changesets[kept] && last.statements[kept] === statementsByChangeset[kept] && last.lineAbove[kept] === lineAbove[kept] && last.ranges[kept] === rangeKey(changelog.changesets[kept])) kept++;
  }
  const findingsByChangeset: Finding[][] = [];

  for (const [i, changeset] of changelog.changesets.entries()) {
    const statements = statementsByChangeset[i];
    if (i < kept) {
      for (const statement of statements) applyStatement(schema, statement, changeset.index);
      findingsByChangeset.push(last!.findings[i]);
      continue;
    }
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
    for (const statement of statements) {
      current = statement;
      for (const r of rules) {
        if (!r.statement) continue;
        rule = r;
        r.statement(statement, context);
      }
      applyStatement(schema, statement, changeset.index);
    }
    current = undefined;
    for (const r of rules) {
      if (!r.changeset) continue;
      rule = r;
      r.changeset(context);
    }
    findingsByChangeset.push(options.only && !options.only(changeset) ? [] : suppress(changeset, statements, reported, lines, config, rules));
  }
  for (const list of findingsByChangeset) for (const f of list) findings.push(f);
  if (memo) memo.last = { inputs, changesets: changelog.changesets, statements: statementsByChangeset, lineAbove, ranges: changelog.changesets.map(rangeKey), findings: findingsByChangeset };

  for (const r of rules) {
    if (!r.changelog) continue;
    r.changelog({
      changelog,
      schema,
      config,
      applicationRoles,
      firstTableGrant,
      environments,
      report: (report) => void findings.push(toFinding(report, r, severityOf(r, config), report.file)),
    });
  }
  return findings;
}

function rangeKey(changeset: Changeset): string {
  const { start, end } = changeset.range;
  return `${start.line}:${start.character}-${end.line}:${end.character}`;
}

/** the line above a changeset's header: a `pgcs-ignore` written there is about the changeset */
function lineAboveOf(changeset: Changeset, lines: (file: string) => LineIndex): string {
  const line = changeset.range.start.line - 1;
  if (line < 0) return '';
  const index = lines(changeset.file);
  return index.text.slice(index.lineStart(line), index.lineEnd(line));
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

