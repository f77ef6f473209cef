// The "Expand/contract" quick fix of rename-column and change-column-type: the changeset becomes two.
//  - `<id>-expand` adds the new column, a trigger that keeps old and new column equal whichever one a statement
//    writes (the running version writes the old one, the new version the new one), and backfills the existing rows
//    in batches of 1,000 that each commit (runInTransaction: false; every step can run again after a failure).
//  - `<id>-contract` (labels: contract) drops the trigger, its function and the old column; it ships once no running
//    version uses the old column, and says so in its comment and in the pgcs-ignore that silences drop-column there.
// Both have rollbacks. The fix is offered when the changeset holds only that one change, written in the changelog
// (YAML or formatted SQL, not a sqlFile), has no preconditions or attributes the new changesets would lose, no
// environment ran it yet, and the column's current type is known.

import type { LineIndex } from '../changelog/line-index';
import type { Changeset } from '../changelog/model';
import type { ChangesetStatement } from '../schema/statements';
import type { AlteredTable } from './altered-columns';
import { linesOf } from './changeset-edits';
import type { ChangesetContext, Fix } from './rule';

export interface ColumnReplacement {
  kind: 'rename' | 'type';
  table: AlteredTable;
  /** the column the running version uses */
  column: string;
  /** the column the new version uses */
  newColumn: string;
  /** the old column's type (the fix needs it to re-create the column on rollback) */
  oldType?: string;
  /** the new column's type (a rename keeps the old one) */
  newType?: string;
  /** the type change converts with a plain cast (no USING expression of its own) */
  plainConversion?: boolean;
}

const LOCK_TIMEOUT = "SET lock_timeout = '5s'";

/** One statement of a generated changeset; `dollarQuoted` ones must not be cut at their inner `;` by Liquibase. */
interface Step {
  sql: string;
  dollarQuoted?: boolean;
}

export function expandContractFix(context: ChangesetContext, statement: ChangesetStatement, replacement: ColumnReplacement): Fix | undefined {
  const { changeset } = context;
  const oldType = replacement.oldType;
  const newType = replacement.kind === 'rename' ? oldType : replacement.newType;
  if (!oldType || !newType || replacement.plainConversion === false) return undefined;
  if (changeset.changes.length !== 1 || context.statements.length !== 1 || statement.file !== changeset.file) return undefined;
  // attributes the two new changesets would have to reproduce, or lose
  const a = changeset.attributes;
  if (changeset.preconditions || a.dbms || a.runAlways || a.runOnChange || a.logicalFilePath || a.ignore || a.failOnError === false) return undefined;
  // an environment already ran it: the rename happened there, and replacing the changeset would not undo it
  const applied = context.environments.some((e) => e.applied.some((row) => row.id === changeset.id && row.author === changeset.author && row.filename === changeset.logicalPath));
  if (applied) return undefined;
  const lines = linesOf(context.changelog, changeset.file);
  if (!lines) return undefined;
  const eol = lines.text.includes('\r\n') ? '\r\n' : '\n';
  const plan = expandContractPlan(replacement, oldType, newType);
  const newText =
    changeset.kind === 'yaml' ? yamlChangesets(changeset, lines, plan) : changeset.kind === 'formatted-sql' ? formattedSqlChangesets(changeset, plan) : undefined;
  if (newText === undefined) return undefined;
  return {
    title: `Expand/contract: add ${replacement.table.written}.${replacement.newColumn} kept in sync by a trigger, drop ${replacement.column} in a later changeset`,
    edits: [{ file: changeset.file, range: changeset.range, newText: newText.replace(/\n/g, eol) }],
    preferred: true,
  };
}

interface Plan {
  expand: { comment: string; changes: Step[]; rollback: Step[] };
  contract: { comment: string; changes: Step[]; rollback: Step[] };
}

function expandContractPlan(r: ColumnReplacement, oldType: string, newType: string): Plan {
  const table = qualified(r.table.name, r.table.schema);
  const old = quoteIdent(r.column);
  const fresh = quoteIdent(r.newColumn);
  const syncName = truncateIdent(`${r.table.name}_${r.column}_sync`);
  const fn = `${qualified(syncName, r.table.schema)}()`;
  const trigger = quoteIdent(syncName);
  // old → new and new → old; a rename needs no conversion
  const forward = (value: string) => (r.kind === 'rename' ? value : `${value}::${newType}`);
  const backward = (value: string) => (r.kind === 'rename' ? value : `${value}::${oldType}`);
  const oldName = `${r.table.written}.${r.column}`;
  const newName = `${r.table.written}.${r.newColumn}`;

  const syncFunction: Step = {
    dollarQuoted: true,
    sql: [
      `CREATE OR REPLACE FUNCTION ${fn} RETURNS trigger LANGUAGE plpgsql AS $$`,
      `BEGIN`,
      `  -- the running version writes ${r.column}, the new one ${r.newColumn}: the other column follows whichever a statement sets`,
      `  IF TG_OP = 'INSERT' THEN`,
      `    IF NEW.${fresh} IS NULL THEN`,
      `      NEW.${fresh} := ${forward(`NEW.${old}`)};`,
      `    ELSE`,
      `      NEW.${old} := ${backward(`NEW.${fresh}`)};`,
      `    END IF;`,
      `  ELSIF NEW.${old} IS DISTINCT FROM OLD.${old} THEN`,
      `    NEW.${fresh} := ${forward(`NEW.${old}`)};`,
      `  ELSIF NEW.${fresh} IS DISTINCT FROM OLD.${fresh} AND NEW.${fresh} IS DISTINCT FROM ${forward(`NEW.${old}`)} THEN`,
      `    NEW.${old} := ${backward(`NEW.${fresh}`)};`,
      `  END IF;`,
      `  RETURN NEW;`,
      `END`,
      `$$`,
    ].join('\n'),
  };
  const dropTrigger: Step = { sql: `DROP TRIGGER IF EXISTS ${trigger} ON ${table}` };
  const createTrigger: Step = { sql: `CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}` };
  const backfill: Step = {
    dollarQuoted: true,
    sql: [
      `DO $$`,
      `DECLARE`,
      `  updated bigint;`,
      `BEGIN`,
      `  -- 1,000 rows per transaction: row locks stay short while the running version keeps writing`,
      `  LOOP`,
      `    UPDATE ${table} SET ${fresh} = ${forward(old)}`,
      `    WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${fresh} IS NULL AND ${old} IS NOT NULL LIMIT 1000));`,
      `    GET DIAGNOSTICS updated = ROW_COUNT;`,
      `    EXIT WHEN updated = 0;`,
      `    COMMIT;`,
      `  END LOOP;`,
      `END`,
      `$$`,
    ].join('\n'),
  };
  const what = r.kind === 'rename' ? `the rename of ${oldName} to ${r.newColumn}` : `the change of ${oldName} to ${newType}`;
  return {
    expand: {
      comment: `Expand (${what}): add ${newName}, kept equal to ${r.column} by a trigger, and backfill it in batches that each commit`,
      changes: [
        // the statements that lock the table give up after 5 s instead of queueing every query behind a long transaction
        { sql: LOCK_TIMEOUT },
        { sql: `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${fresh} ${newType}` },
        syncFunction,
        dropTrigger,
        createTrigger,
        // the backfill waits for row locks as long as it takes (it runs outside a transaction, so the setting would outlive it)
        { sql: 'RESET lock_timeout' },
        backfill,
      ],
      rollback: [dropTrigger, { sql: `DROP FUNCTION IF EXISTS ${fn}` }, { sql: `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${fresh}` }],
    },
    contract: {
      comment: `Contract (${what}): ships once no running version of the application uses ${oldName}; drops it with its sync trigger`,
      changes: [
        { sql: `SET LOCAL ${LOCK_TIMEOUT.slice('SET '.length)}` },
        { sql: `DROP TRIGGER ${trigger} ON ${table}` },
        { sql: `DROP FUNCTION ${fn}` },
        { sql: `-- pgcs-ignore drop-column: the contract step, shipped once no running version uses ${oldName}\nALTER TABLE ${table} DROP COLUMN ${old}` },
      ],
      rollback: [
        { sql: `ALTER TABLE ${table} ADD COLUMN ${old} ${oldType}` },
        { sql: `UPDATE ${table} SET ${old} = ${backward(fresh)}` },
        syncFunction,
        createTrigger,
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// YAML: the two changesets in the layout of the one they replace (its dash column and key indentation)

function yamlChangesets(changeset: Changeset, lines: LineIndex, plan: Plan): string | undefined {
  if (!changeset.idRange) return undefined;
  // the range starts at the `changeSet` key; the text before it on its line is the list item's `  - `
  const item = lines.text.slice(lines.lineStart(changeset.range.start.line), lines.offset(changeset.range.start));
  const idLine = lines.text.slice(lines.lineStart(changeset.idRange.start.line), lines.lineEnd(changeset.idRange.start.line));
  const keys = /^[ \t]*/.exec(idLine)![0];
  // flow-style or single-line changesets are not rewritten
  if (!/^[ \t]*-[ \t]+$/.test(item) || keys.length <= item.indexOf('-') || !/^\s*id\s*:/.test(idLine)) return undefined;
  const { context, labels } = changeset.attributes;
  const header = (id: string, extra: string[], comment: string) => [
    `changeSet:`,
    `${keys}id: ${yamlScalar(id)}`,
    `${keys}author: ${yamlScalar(changeset.author)}`,
    ...(context ? [`${keys}context: ${yamlScalar(context)}`] : []),
    ...extra.map((line) => `${keys}${line}`),
    `${keys}comment: ${yamlScalar(comment)}`,
  ];
  const steps = (key: string, list: Step[]) => [`${keys}${key}:`, ...list.map((s) => yamlChange(s, `${keys}  `))];
  const expand = [
    ...header(`${changeset.id}-expand`, [...(labels ? [`labels: ${yamlScalar(labels)}`] : []), 'runInTransaction: false'], plan.expand.comment),
    ...steps('changes', plan.expand.changes),
    ...steps('rollback', plan.expand.rollback),
  ];
  const contract = [
    ...header(`${changeset.id}-contract`, [`labels: ${yamlScalar(labels ? `${labels}, contract` : 'contract')}`], plan.contract.comment),
    // the contract's statements run as one sql change, so its pgcs-ignore sits right above the DROP COLUMN it silences
    ...steps('changes', [{ sql: plan.contract.changes.map((s) => `${s.sql};`).join('\n') }]),
    ...steps('rollback', plan.contract.rollback),
  ];
  return [...expand, ...contract.map((line, i) => (i === 0 ? `${item}${line}` : line))].join('\n');
}

/** `- sql: …` at `indent`: a one-line statement inline, a longer one as a block scalar; dollar-quoted ones with splitStatements: false */
function yamlChange(step: Step, indent: string): string {
  const inner = `${indent}    `;
  if (step.dollarQuoted) return [`${indent}- sql:`, `${inner}splitStatements: false`, `${inner}sql: |`, ...step.sql.split('\n').map((l) => (l ? `${inner}  ${l}` : ''))].join('\n');
  if (!step.sql.includes('\n') && yamlPlain(step.sql)) return `${indent}- sql: ${step.sql}`;
  return [`${indent}- sql: |`, ...step.sql.split('\n').map((l) => (l ? `${inner}${l}` : ''))].join('\n');
}

/** a YAML plain scalar in block context: starts with a letter, no `: ` or ` #` inside, no line break, no trailing blank or colon */
function yamlPlain(text: string): boolean {
  return /^[A-Za-z]/.test(text) && !/: |\s#|\n|[\s:]$/.test(text);
}

function yamlScalar(text: string): string {
  // YAML 1.1 (SnakeYAML) reads these words as booleans or null
  const keyword = /^(y|n|yes|no|true|false|on|off|null|~)$/i.test(text);
  return !keyword && (yamlPlain(text) || /^[\w.-]+$/.test(text)) ? text : `'${text.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatted SQL: statements separated by `/` lines (endDelimiter:/) where a dollar-quoted body would otherwise be
// cut by Liquibase at its inner `;`

function formattedSqlChangesets(changeset: Changeset, plan: Plan): string | undefined {
  const { context, labels } = changeset.attributes;
  // attribute values with blanks would need quoting on the --changeset line; leave those changesets alone
  if (/\s/.test(`${changeset.author}${changeset.id}${context ?? ''}${labels ?? ''}`)) return undefined;
  const attributes = (extra: string[]) => [...(context ? [`context:${context}`] : []), ...extra].join(' ');
  const delimited = (steps: Step[]) => steps.map((s) => s.sql).join('\n/\n');
  const expand = [
    `--changeset ${changeset.author}:${changeset.id}-expand ${attributes([...(labels ? [`labels:${labels}`] : []), 'runInTransaction:false', 'endDelimiter:/'])}`,
    `--comment: ${plan.expand.comment}`,
    delimited(plan.expand.changes),
    ...plan.expand.rollback.map((s) => `--rollback ${s.sql};`),
  ];
  const contract = [
    // Liquibase reads rollbackEndDelimiter as the changeset's endDelimiter too (its pattern matches inside the name): say so
    `--changeset ${changeset.author}:${changeset.id}-contract ${attributes([`labels:${labels ? `${labels},contract` : 'contract'}`, 'endDelimiter:/', 'rollbackEndDelimiter:/'])}`,
    `--comment: ${plan.contract.comment}`,
    delimited(plan.contract.changes),
    // `--rollback` lines, not a /* liquibase rollback */ block: Liquibase joins a block's lines without line breaks
    ...delimited(plan.contract.rollback).split('\n').map((line) => `--rollback ${line}`),
  ];
  return [...expand, '', ...contract].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// identifiers

const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog ' +
    'current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except ' +
    'false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp ' +
    'not null offset on only or order placing primary references returning select session_user some symmetric system_user table ' +
    'then to trailing true union unique user using variadic when where window with').split(' '),
);

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function qualified(name: string, schema?: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/** PostgreSQL keeps the first 63 bytes of an identifier */
function truncateIdent(name: string): string {
  return Buffer.byteLength(name) <= 63 ? name : Buffer.from(name).subarray(0, 63).toString().replace(/\uFFFD+$/, '');
}
