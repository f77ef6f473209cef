// The rules' documentation, generated from their meta only: the README's rule table, one Markdown page per rule
// (shipped in the extension; each diagnostic links to its page), and the hover text of a diagnostic.

import { RULES } from './registry';
import type { Rule, RuleCategory } from './rule';

export const README_START = '<!-- rules:start (generated from the rules\' meta by `npm run docs`; do not edit) -->';
export const README_END = '<!-- rules:end -->';

const CATEGORY_TITLES: Record<RuleCategory, string> = {
  compatibility: 'Backward compatibility',
  locking: 'Locking',
  rollback: 'Rollbacks',
  grants: 'Grants',
  drift: 'Drift',
  hygiene: 'Hygiene',
};

export function ruleTableMarkdown(rules: Rule[] = RULES): string {
  const rows = ['| Rule | Category | Default | What it flags | Quick fix |', '|---|---|---|---|---|'];
  for (const category of Object.keys(CATEGORY_TITLES) as RuleCategory[]) {
    for (const rule of rules.filter((r) => r.meta.category === category)) {
      const m = rule.meta;
      rows.push(`| [\`${m.id}\`](docs/rules/${m.id}.md) | ${CATEGORY_TITLES[category]} | ${m.severity} | ${escapeCell(m.title)} | ${m.fixable ? 'yes' : ''} |`);
    }
  }
  return rows.join('\n');
}

export function ruleDocMarkdown(rule: Rule): string {
  const m = rule.meta;
  return [
    `# ${m.id}`,
    '',
    `**${m.title}** (${CATEGORY_TITLES[m.category].toLowerCase()}, default severity: ${m.severity}${m.fixable ? ', quick fix available' : ''})`,
    '',
    '## Why',
    '',
    m.docs.why,
    '',
    '## Instead',
    '',
    m.docs.instead,
    '',
    '## Flagged',
    '',
    fence(m.docs.bad),
    '',
    '## Safe',
    '',
    fence(m.docs.good),
    '',
    '## Silence it',
    '',
    silenceText(rule),
    '',
  ].join('\n');
}

function silenceText(rule: Rule): string {
  const off = `set \`"${rule.meta.id}": "off"\` under \`rules\` in \`pgcs.config.json\``;
  // a finding about the whole changelog (not one changeset) has no place for an ignore comment
  if (!rule.statement && !rule.changeset) return `It is about the whole changelog, not one changeset: to silence it, ${off}.`;
  return `Write \`-- pgcs-ignore ${rule.meta.id}: <reason>\` on the line above the statement, \`# pgcs-ignore ${rule.meta.id}: <reason>\` in the changeset (YAML), or ${off}.`;
}

/** The Markdown hover of a finding of this rule: title, why, instead. */
export function ruleHoverMarkdown(rule: Rule): string {
  const m = rule.meta;
  return [`**${m.id}**: ${m.title}`, m.docs.why, `**Instead:** ${m.docs.instead}`].join('\n\n');
}

function fence(code: string): string {
  const language = /^\s*(databaseChangeLog|- changeSet)/m.test(code) ? 'yaml' : 'sql';
  return '```' + language + '\n' + code.trimEnd() + '\n```';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
