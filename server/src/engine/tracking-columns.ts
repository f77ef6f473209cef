// The DATABASECHANGELOG column values Liquibase 4.28 derives from a changeset (MarkChangeSetRanGenerator,
// ChangeSet.getDescription / buildFullContext / buildFullLabels, AbstractChange.getDescription, ContextExpression,
// Labels at tag v4.28.0). Pure functions over the model.

import type { Change, Changeset } from '../changelog/model';
import { changeParameters, javaTrim, type SourceOptions } from './serialise';

/** StringUtil.limitSize: longer texts are cut to max - 3 characters and get `...` */
export function limitSize(text: string, max: number): string {
  return text.length > max ? text.substring(0, max - 3) + '...' : text;
}

/**
 * AbstractChange.getDescription: the change name, then its parameters whose name ends in `name` (but contains
 * neither `schema` nor `catalog`) or is `path`, as `param=value`, sorted, joined with `, `.
 */
export function changeDescription(change: Change, options: SourceOptions = {}): string {
  const names: string[] = [];
  for (const [name, value] of changeParameters(change, options, describes)) names.push(`${name}=${value}`);
  names.sort();
  return names.length > 0 ? `${change.type} ${names.join(', ')}` : change.type;
}

function describes(name: string): boolean {
  const lower = name.toLowerCase();
  return (lower.endsWith('name') && !lower.includes('schema') && !lower.includes('catalog')) || lower === 'path';
}

/** ChangeSet.getDescription: the change descriptions joined with `; ` (`empty` without changes), at most 255 characters. */
export function changesetDescription(changeset: Changeset, options: Omit<SourceOptions, 'file'> = {}): string {
  if (changeset.changes.length === 0) return 'empty';
  const descriptions = changeset.changes.map((c) => changeDescription(c, { ...options, file: changeset.file }));
  return limitSize(descriptions.join('; '), 255);
}

/** DATABASECHANGELOG.DESCRIPTION: the changeset description limited to 250 characters. */
export function descriptionOf(changeset: Changeset, options: Omit<SourceOptions, 'file'> = {}): string {
  return limitSize(changesetDescription(changeset, options), 250);
}

/** DATABASECHANGELOG.COMMENTS: the changeset comment trimmed, `''` (never NULL) when there is none, at most 250 characters. */
export function commentsOf(changeset: Changeset): string {
  return limitSize(javaTrim(changeset.attributes.comment ?? ''), 250);
}

/** Java's String.split(","): trailing empty strings dropped */
function javaSplitComma(text: string): string[] {
  const parts = text.split(',');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** ContextExpression.isEmpty: no context once trimmed and split at commas */
function contextIsEmpty(expression: string | undefined): boolean {
  const trimmed = expression === undefined ? '' : javaTrim(expression);
  return trimmed === '' || javaSplitComma(trimmed).length === 0;
}

/**
 * DATABASECHANGELOG.CONTEXTS (ChangeSet.buildFullContext): the contexts inherited from include/includeAll, the
 * innermost include first (Liquibase walks from the changeset's changelog up to the root), then the changeset's own;
 * each written as it was given and wrapped in parentheses when it holds a comma or a space; joined with ` AND `.
 * NULL when there is none.
 */
export function contextsOf(changeset: Changeset): string | null {
  const expressions = [...changeset.inheritedContexts].reverse();
  const own = changeset.attributes.context;
  if (own !== undefined) expressions.push(own);
  let out = '';
  let first = true;
  for (const expression of expressions) {
    if (contextIsEmpty(expression)) continue;
    if (!first) out += ' AND ';
    const complex = expression.includes(',') || expression.includes(' ');
    out += complex ? `(${expression})` : expression;
    first = false;
  }
  const trimmed = javaTrim(out);
  return trimmed === '' ? null : trimmed;
}

/** Labels: trimmed, split at commas, each trimmed and lower-cased, duplicates dropped (first kept), joined with `,`. */
function labelSet(labels: string | undefined): string[] {
  const trimmed = labels === undefined ? '' : javaTrim(labels);
  if (trimmed === '') return [];
  return [...new Set(javaSplitComma(trimmed).map((l) => javaTrim(l).toLowerCase()))];
}

/**
 * DATABASECHANGELOG.LABELS (ChangeSet.buildFullLabels): the labels inherited from include/includeAll (innermost
 * include first), then the changeset's own, each set written as `a,b`, joined with `,`. NULL when there is none.
 * Duplicates are dropped within one set only, as Liquibase does.
 */
export function labelsOf(changeset: Changeset): string | null {
  const sets = [...changeset.inheritedLabels].reverse().map(labelSet);
  sets.push(labelSet(changeset.attributes.labels));
  const out = sets.filter((s) => s.length > 0).map((s) => s.join(',')).join(',');
  const trimmed = javaTrim(out);
  return trimmed === '' ? null : trimmed;
}

/** DATABASECHANGELOG.TAG written with the row: the tag of the changeset's first tagDatabase change, else NULL. */
export function tagOf(changeset: Changeset, options: Omit<SourceOptions, 'file'> = {}): string | null {
  const change = changeset.changes.find((c) => c.type === 'tagDatabase');
  if (!change) return null;
  return changeParameters(change, { ...options, file: changeset.file }).get('tag') ?? null;
}
