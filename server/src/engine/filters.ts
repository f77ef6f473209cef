import type { Changeset } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';

/**
 * Liquibase's context and label expressions: words joined by `and`, `or`, `,` (or), `!`/`not`, with
 * parentheses. A changeset's context expression is checked against the contexts a run was given; a run's
 * label filter is checked against a changeset's labels.
 */
type Expression =
  | { kind: 'word'; word: string }
  | { kind: 'not'; operand: Expression }
  | { kind: 'and' | 'or'; left: Expression; right: Expression };

export class FilterSyntaxError extends Error {}

export function parseExpression(text: string): Expression | undefined {
  const tokens = text.match(/\(|\)|,|!|[^\s(),!]+/g) ?? [];
  if (tokens.length === 0) return undefined;
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const parseOr = (): Expression => {
    let left = parseAnd();
    while (peek() === 'or' || peek() === ',') {
      i++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expression => {
    let left = parseUnary();
    while (peek() === 'and') {
      i++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Expression => {
    const t = peek();
    if (t === '!' || t === 'not') {
      i++;
      return { kind: 'not', operand: parseUnary() };
    }
    if (t === '(') {
      i++;
      const inner = parseOr();
      if (peek() !== ')') throw new FilterSyntaxError(`missing ')' in '${text}'`);
      i++;
      return inner;
    }
    if (t === undefined || t === ')' || t === 'and' || t === 'or' || t === ',') throw new FilterSyntaxError(`unexpected ${t ?? 'end'} in '${text}'`);
    i++;
    return { kind: 'word', word: t };
  };
  const expression = parseOr();
  if (i < tokens.length) throw new FilterSyntaxError(`unexpected '${tokens[i]}' in '${text}'`);
  return expression;
}

function evaluate(expression: Expression, isTrue: (word: string) => boolean): boolean {
  switch (expression.kind) {
    case 'word':
      return isTrue(expression.word);
    case 'not':
      return !evaluate(expression.operand, isTrue);
    case 'and':
      return evaluate(expression.left, isTrue) && evaluate(expression.right, isTrue);
    case 'or':
      return evaluate(expression.left, isTrue) || evaluate(expression.right, isTrue);
  }
}

export interface RunFilter {
  /** --contexts: the contexts of this run (empty: every changeset runs whatever its context) */
  contexts: string[];
  /** --label-filter: an expression over labels (undefined: no filtering) */
  labelFilter?: string;
}

export function parseContexts(value: string | undefined): string[] {
  return (value ?? '').split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
}

/** Does a changeset run under this run's contexts? All of its own and inherited context expressions must hold. */
export function matchesContexts(changeset: Changeset, contexts: string[]): boolean {
  if (contexts.length === 0) return true;
  const active = new Set(contexts.map((c) => c.toLowerCase()));
  const expressions = [...changeset.inheritedContexts, ...(changeset.attributes.context ? [changeset.attributes.context] : [])];
  return expressions.every((text) => {
    const expression = parseExpression(text);
    return !expression || evaluate(expression, (word) => active.has(word.toLowerCase()));
  });
}

/** Does a changeset pass the run's label filter? A changeset without labels always does. */
export function matchesLabels(changeset: Changeset, labelFilter: string | undefined): boolean {
  const filter = labelFilter ? parseExpression(labelFilter) : undefined;
  if (!filter) return true;
  const labels = new Set(
    [...changeset.inheritedLabels, ...(changeset.attributes.labels ? [changeset.attributes.labels] : [])]
      .flatMap((l) => l.split(','))
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  );
  if (labels.size === 0) return true;
  return evaluate(filter, (word) => labels.has(word.toLowerCase()));
}

export function matchesDbms(changeset: Changeset): boolean {
  return !changeset.attributes.dbms || dbmsIncludesPostgres(changeset.attributes.dbms);
}

export function shouldRun(changeset: Changeset, filter: RunFilter): boolean {
  return !changeset.attributes.ignore && matchesDbms(changeset) && matchesContexts(changeset, filter.contexts) && matchesLabels(changeset, filter.labelFilter);
}
