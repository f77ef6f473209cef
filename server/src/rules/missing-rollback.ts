import type { Change, Fix } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { inverseOf } from '../engine/inverse';
import { relationKey } from '../schema/schema';
import type { ChangesetStatement } from '../schema/statements';
import { type CreatedObject, createdObjectsOf, dropSqlOf } from './created-objects';
import { indentOf, insertLinesAfter, linesOf } from './edit-positions';
import type { ChangesetContext, Rule } from './rule';

export const missingRollback: Rule = {
  meta: {
    id: 'missing-rollback',
    category: 'rollback',
    severity: 'warning',
    title: 'A changeset Liquibase cannot roll back by itself has no rollback',
    docs: {
      why:
        'Liquibase derives a rollback only for built-in changes that have an exact inverse (createTable, addColumn, ' +
        'createIndex, …). For sql, sqlFile, formatted SQL, insert, update, delete, dropTable, dropColumn and the like it ' +
        'has none: `rollback` stops at the changeset with "No inverse … created", in the middle of an incident, and the ' +
        'changesets after it in the rollback stay applied.',
      instead:
        'Write the rollback while the change is fresh: a `rollback:` block in YAML, `--rollback` lines in formatted SQL. ' +
        'When the change truly cannot be undone (a data fix), say so: `rollback: []` in YAML, `--rollback not required` in ' +
        'formatted SQL. `pgcs verify` runs every ' +
        'rollback on a scratch database to prove it undoes its changeset.',
      bad: '--changeset alice:1\nCREATE TABLE invoices (id bigint PRIMARY KEY);',
      good: '--changeset alice:1\nCREATE TABLE invoices (id bigint PRIMARY KEY);\n--rollback DROP TABLE invoices;',
    },
    fixable: true,
  },
  changeset(context) {
    const { changeset } = context;
    if (changeset.rollback.kind !== 'none') return;
    if (changeset.attributes.dbms && !dbmsIncludesPostgres(changeset.attributes.dbms)) return;
    const types = [...new Set(changeset.changes.filter((c) => (!c.dbms || dbmsIncludesPostgres(c.dbms)) && !hasInverse(c)).map((c) => c.type))];
    if (types.length === 0) return;
    if (changeset.kind === 'raw-sql') {
      // an included plain SQL file is one changeset with nowhere to write a rollback
      context.report({
        message:
          `This plain SQL file runs as one changeset (${changeset.author}:${changeset.id}) that Liquibase cannot roll back, and a plain SQL file has no place for a rollback: ` +
          `make it a formatted SQL changelog (--liquibase formatted sql, --changeset, --rollback lines).`,
        range: changeset.headerRange,
        file: changeset.file,
      });
      return;
    }
    const how =
      changeset.kind === 'formatted-sql'
        ? 'Add --rollback lines that undo it, or `--rollback not required` when it cannot be undone'
        : 'Add a rollback block that undoes it, or `rollback: []` when it cannot be undone';
    context.report({
      message:
        `Changeset ${changeset.author}:${changeset.id} has no rollback and Liquibase cannot derive one for ${types.join(', ')}: ` +
        `rolling back stops here with "No inverse". ${how}.`,
      range: changeset.headerRange,
      file: changeset.file,
      // built only when the editor asks (it reads the statements, not the schema, so it may run after the lint)
      fixes: () => {
        const fix = generateRollback(context);
        return fix ? [fix] : undefined;
      },
    });
  },
};

const inverses = new WeakMap<Change, boolean>();

function hasInverse(change: Change): boolean {
  let has = inverses.get(change);
  if (has === undefined) {
    try {
      has = inverseOf(change) !== undefined;
    } catch {
      // a change too broken to invert is reported by the loader
      has = true;
    }
    inverses.set(change, has);
  }
  return has;
}

/**
 * "Generate rollback": the DROPs of what the changeset creates, in reverse order, when every statement is a
 * creation or only touches objects it creates (a GRANT on its new table, a column added to it). Anything else
 * (an INSERT into an existing table, an UPDATE) would be left un-undone, so no fix is offered.
 */
function generateRollback(context: ChangesetContext): Fix | undefined {
  const { changeset, changelog } = context;
  const created: CreatedObject[] = [];
  const relations = new Set<string>();
  for (const statement of context.statements) {
    const objects = createdObjectsOf(statement);
    if (!undoneByDrops(statement, objects, relations)) return undefined;
    for (const o of objects) {
      created.push(o);
      if (o.kind !== 'column' && o.kind !== 'index') relations.add(relationKey(o.name, o.schema));
    }
  }
  // a column or index of a table the changeset creates goes with the table
  const drops = created
    .filter((o) => !(o.table && relations.has(o.table.key)))
    .reverse()
    .map(dropSqlOf);
  if (drops.length === 0) return undefined;

  if (changeset.kind === 'formatted-sql') {
    return { title: 'Generate rollback', edits: [insertLinesAfter(changelog, changeset.file, changeset.range, drops.map((d) => `--rollback ${d};`))], preferred: true };
  }
  if (changeset.kind !== 'yaml' || /\.json$/i.test(changeset.file) || !changeset.idRange) return undefined;
  // the changeset's keys (id, author, changes) are indented alike: the rollback key joins them
  const idLine = changeset.idRange.start.line;
  if (!/^\s*id\s*:/.test(linesOf(changelog, changeset.file)[idLine] ?? '')) return undefined;
  const indent = indentOf(changelog, changeset.file, idLine);
  const lines = [`${indent}rollback:`, ...drops.map((d) => `${indent}  - sql: ${d}`)];
  return { title: 'Generate rollback', edits: [insertLinesAfter(changelog, changeset.file, changeset.range, lines)], preferred: true };
}

/** whether dropping what the changeset creates undoes this statement too */
function undoneByDrops(statement: ChangesetStatement, objects: CreatedObject[], relations: Set<string>): boolean {
  const body = statement.body;
  // IF NOT EXISTS / OR REPLACE may meet an object from before the changeset: dropping it would undo more than this
  if (body.if_not_exists || body.replace) return false;
  if (statement.kind === 'AlterTableStmt' && (body.cmds ?? []).some((c: any) => c.AlterTableCmd?.missing_ok && c.AlterTableCmd.subtype === 'AT_AddColumn')) return false;
  const isNew = (rel: any) => !!rel?.relname && relations.has(relationKey(rel.relname, rel.schemaname));
  switch (statement.kind) {
    case 'CreateStmt':
    case 'CreateTableAsStmt':
    case 'ViewStmt':
    case 'CreateSeqStmt':
      return objects.length > 0;
    case 'IndexStmt':
      return objects.length > 0 || isNew(body.relation);
    case 'AlterTableStmt':
      return isNew(body.relation) || (body.cmds ?? []).every((c: any) => c.AlterTableCmd?.subtype === 'AT_AddColumn');
    case 'GrantStmt':
      return body.targtype === 'ACL_TARGET_OBJECT' && (body.objects ?? []).every((o: any) => isNew(o.RangeVar));
    case 'InsertStmt':
      return isNew(body.relation);
    case 'CommentStmt':
    case 'VariableSetStmt':
      return true;
  }
  return false;
}
