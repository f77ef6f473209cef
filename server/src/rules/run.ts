// Runs the rules over a changelog: replays the schema changeset by changeset, visits each statement with the
// schema as it is just before it, applies `pgcs-ignore` suppressions and reports ignores that silenced nothing.

import { LineIndex } from '../changelog/line-index';
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
}

export { statementsOf } from '../schema/replay';

/** The safety findings of a changelog: one pass over its changesets in execution order. */
export function lintChangelog(changelog: Changelog, options: LintOptions = {}): Finding[] {
  const config: RulesConfig = { ...DEFAULT_RULES_CONFIG, ...options.config, severities: { ...DEFAULT_RULES_CONFIG.severities, ...options.config?.severities } };
  const rules = (options.rules ?? RULES).filter((r) => config.severities[r.meta.id] !== 'off');
  const lines = lineIndexesOf(changelog);
  const environments = options.environments ?? [];
  const schema = new Schema();
  const findings: Finding[] = [];
  const statementsByChangeset = changelog.changesets.map((c) => statementsOf(c, lines, options.defaultSchema));
  const applicationRoles = config.applicationRoles.length ? config.applicationRoles : [...grantedTableRoles(statementsByChangeset.flat())];

  for (const [i, changeset] of changelog.changesets.entries()) {
    const statements = statementsByChangeset[i];
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
      environments,
      isNewTable: (name, schemaName) => schema.tables.get(relationKey(name, schemaName))?.origin === changeset.index,
      report: (report) => reported.push({ report: { ...report, statement: report.statement ?? current }, rule }),
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
    if (options.only && !options.only(changeset)) continue;
    findings.push(...suppress(changeset, statements, reported, lines, config, rules));
  }

  for (const r of rules) {
    if (!r.changelog) continue;
    r.changelog({
      changelog,
      schema,
      config,
      applicationRoles,
      environments,
      report: (report) => void findings.push(toFinding(report, r, severityOf(r, config), report.file)),
    });
  }
  return findings;
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

function lineIndexesOf(changelog: Changelog): (file: string) => LineIndex {
  const cache = new Map<string, LineIndex>();
  return (file) => {
    let index = cache.get(file);
    if (!index) {
      index = new LineIndex(changelog.files.get(file)?.text ?? '');
      cache.set(file, index);
    }
    return index;
  };
}
