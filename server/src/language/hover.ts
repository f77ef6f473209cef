import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import type { Changeset, Range } from '../changelog/model';

/** Hover on a changeset's header, id or author: its identity, attributes, statement count and rollback. */
export function changesetHover(changesets: Changeset[], position: Position): Hover | null {
  for (const c of changesets) {
    const target = [c.headerRange, c.idRange, c.authorRange].find((r) => r && contains(r, position));
    if (!target) continue;
    return { contents: { kind: MarkupKind.Markdown, value: describeChangeset(c) }, range: target };
  }
  return null;
}

export function describeChangeset(c: Changeset): string {
  // paragraphs of the Markdown, separated by blank lines
  const lines = [`**Changeset** \`${c.logicalPath}::${c.id}::${c.author}\``];
  const a = c.attributes;
  const attributes: string[] = [];
  const contexts = [...c.inheritedContexts, ...(a.context ? [a.context] : [])];
  const labels = [...c.inheritedLabels, ...(a.labels ? [a.labels] : [])];
  if (contexts.length) attributes.push(`context: \`${contexts.join(' AND ')}\``);
  if (labels.length) attributes.push(`labels: \`${labels.join(',')}\``);
  if (a.dbms) attributes.push(`dbms: \`${a.dbms}\``);
  for (const key of ['runOnChange', 'runAlways', 'runInTransaction', 'failOnError', 'ignore'] as const) {
    if (a[key] !== undefined) attributes.push(`${key}: \`${a[key]}\``);
  }
  if (a.validCheckSum.length) attributes.push(`validCheckSum: \`${a.validCheckSum.join(', ')}\``);
  if (a.logicalFilePath) attributes.push(`logicalFilePath: \`${a.logicalFilePath}\``);
  if (a.created) attributes.push(`created: \`${a.created}\``);
  if (attributes.length) lines.push(attributes.map((s) => `- ${s}`).join('\n'));
  if (a.comment) lines.push(`> ${a.comment.trim()}`);
  const statements = c.changes.reduce((n, ch) => n + (ch.sql?.parsed?.statements.length ?? (ch.sql ? 1 : 0)), 0);
  const changeTypes = c.changes.map((ch) => ch.type);
  lines.push(`${changeTypes.length} change${changeTypes.length === 1 ? '' : 's'} (${changeTypes.join(', ') || 'none'}), ${statements} SQL statement${statements === 1 ? '' : 's'}`);
  lines.push(`Rollback: ${rollbackText(c)}`);
  if (c.preconditions) lines.push(`Preconditions: ${c.preconditions.conditions.map((p) => p.type).join(', ') || 'none'}${c.preconditions.onFail ? ` (onFail ${c.preconditions.onFail})` : ''}`);
  return lines.join('\n\n');
}

function rollbackText(c: Changeset): string {
  switch (c.rollback.kind) {
    case 'none':
      return 'none written (only built-in changes with an automatic inverse can be rolled back)';
    case 'empty':
    case 'not-required':
      return 'not required (rolls back without SQL)';
    case 'reference':
      return `same as changeset ${c.rollback.id} by ${c.rollback.author}`;
    case 'changes':
      return `yes (${c.rollback.changes.map((ch) => ch.type).join(', ')})`;
  }
}

function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}
