import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import type { Change, Changelog, Changeset, Range } from '../changelog/model';
import { type Column, type Constraint, type Index, type Origin, relationKey, type Schema, type Sequence, type Table, type View } from '../schema/schema';
import { nameAt, relationsIn, schemaAfterChangeset, schemaAt, type SqlLocation, sqlLocationAt } from './sql-location';

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

/** Two hovers at one place as one: the Markdown of both, the range of the narrower (the later one's when both exist). */
export function joinHovers(first: Hover | null, second: Hover | null): Hover | null {
  if (!first || !second) return first ?? second;
  const text = (h: Hover) => (typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : String(h.contents));
  return { contents: { kind: MarkupKind.Markdown, value: `${text(second)}\n\n---\n\n${text(first)}` }, range: second.range ?? first.range };
}

// ---------------------------------------------------------------------------------------------------------------
// Hover on a table or column name: the table as the changelog has it at that changeset

type Relation = { name: string; schema?: string; alias?: string };

/**
 * Hover on a table, view or column name in a changeset's SQL (YAML `sql`, formatted SQL, a sqlFile's file) or in a
 * built-in change's tableName/columnName: what the changelog has made of it just before that statement, or after
 * the changeset when the changeset itself creates it.
 */
export function schemaHover(trees: Changelog[], file: string, position: Position): Hover | null {
  const location = sqlLocationAt(trees, file, position);
  if (!location) return null;
  const name = nameAt(location.fileText, location.offset);
  if (!name) return null;
  const relations = location.sql ? relationsIn(statementTextAt(location)) : builtinRelations(location.change);
  const range = location.lines(file).range(name.start, name.end);
  for (const schema of [schemaAt(location), schemaAfterChangeset(location)]) {
    const value = describeName(schema, location, name.name, name.qualifier, relations);
    if (value) return { contents: { kind: MarkupKind.Markdown, value }, range };
  }
  return null;
}

function describeName(schema: Schema, location: SqlLocation, name: string, qualifier: string | undefined, relations: Relation[]): string | undefined {
  const tableOf = (r: Relation) => schema.table(r.name, r.schema);
  if (qualifier) {
    const owner = relations.find((r) => r.alias === qualifier || r.name === qualifier);
    const table = owner && tableOf(owner);
    const column = table?.columns.get(name);
    if (table && column) return describeColumn(location, table, column);
  }
  const relation = schema.relation(name, qualifier);
  if (relation?.kind === 'table') return describeTable(schema, location, relation.object);
  if (relation?.kind === 'view') return describeView(location, relation.object);
  if (relation?.kind === 'sequence') return describeSequence(location, relation.object);
  const index = schema.indexes.get(relationKey(name, qualifier));
  if (index) return describeIndex(location, index);
  if (qualifier) return undefined;
  for (const r of relations) {
    const table = tableOf(r);
    const column = table?.columns.get(name);
    if (table && column) return describeColumn(location, table, column);
  }
  return undefined;
}

/** the text of the statement the location is in (statements that do not parse still have their span) */
function statementTextAt(location: SqlLocation): string {
  const sql = location.sql!;
  const index = location.index ?? 0;
  const statement = sql.parsed?.statements.find((s) => s.start <= index && index <= s.end);
  if (statement) return sql.text.slice(statement.start, statement.end);
  const start = sql.text.lastIndexOf(';', index - 1) + 1;
  const end = sql.text.indexOf(';', index);
  return sql.text.slice(start, end < 0 ? sql.text.length : end);
}

/** the tables a built-in change names (tableName, baseTableName, referencedTableName, …) */
function builtinRelations(change: Change): Relation[] {
  const out: Relation[] = [];
  const schemaName = typeof change.params.schemaName?.value === 'string' ? change.params.schemaName.value : undefined;
  for (const [key, param] of Object.entries(change.params)) {
    if (!/tablename$/i.test(key) || typeof param.value !== 'string') continue;
    const prefix = key.slice(0, -'TableName'.length);
    const ownSchema = change.params[prefix ? `${prefix}TableSchemaName` : 'schemaName']?.value;
    out.push({ name: param.value, schema: typeof ownSchema === 'string' ? ownSchema : schemaName });
  }
  return out;
}

function describeTable(schema: Schema, location: SqlLocation, table: Table): string {
  const lines = [`**table** \`${qualified(table.name, table.schema)}\` as of changeset \`${location.changeset.id}\``, originText(location, table.origin, 'Created')];
  if (!table.columnsKnown) lines.push('_Only the columns the changelog added or changed are known._');
  if (table.unlogged) lines.push('UNLOGGED');
  if (table.columns.size) {
    const rows = [...table.columns.values()].map((c) => `| \`${c.name}\` | ${c.type || '?'} | ${nullability(c)} | ${c.default !== undefined ? `\`${c.default}\`` : ''} |`);
    lines.push(['| column | type | null | default |', '|---|---|---|---|', ...rows].join('\n'));
  }
  if (table.constraints.length) lines.push(`Constraints: ${table.constraints.map(constraintText).join('; ')}`);
  const indexes = schema.indexesOf(table.key).filter((i) => !i.constraint);
  if (indexes.length) lines.push(`Indexes: ${indexes.map((i) => `\`${i.name}\`${i.unique ? ' UNIQUE' : ''} (${i.columns.join(', ')})`).join('; ')}`);
  return lines.join('\n\n');
}

function describeView(location: SqlLocation, view: View): string {
  const kind = view.materialized ? 'materialized view' : 'view';
  const lines = [`**${kind}** \`${qualified(view.name, view.schema)}\` as of changeset \`${location.changeset.id}\``, originText(location, view.origin, 'Created')];
  if (view.columns) lines.push(`Columns: ${view.columns.map((c) => `\`${c}\``).join(', ')}`);
  return lines.join('\n\n');
}

function describeSequence(location: SqlLocation, sequence: Sequence): string {
  const lines = [`**sequence** \`${qualified(sequence.name, sequence.schema)}\` as of changeset \`${location.changeset.id}\``, originText(location, sequence.origin, 'Created')];
  if (sequence.ownedBy) lines.push(`Owned by \`${sequence.ownedBy}\`${sequence.identity ? ' (identity column)' : ''}.`);
  return lines.join('\n\n');
}

function describeIndex(location: SqlLocation, index: Index): string {
  const kind = index.unique ? 'unique index' : 'index';
  const lines = [
    `**${kind}** \`${qualified(index.name, index.schema)}\` on \`${index.table}\` (${index.columns.join(', ')}) as of changeset \`${location.changeset.id}\``,
    originText(location, index.origin, 'Created'),
  ];
  if (index.constraint) lines.push('The index of the constraint of the same name.');
  return lines.join('\n\n');
}

function describeColumn(location: SqlLocation, table: Table, column: Column): string {
  const attributes = [column.type ? `\`${column.type}\`` : undefined, nullability(column), column.default !== undefined ? `default \`${column.default}\`` : undefined]
    .filter(Boolean)
    .join(', ');
  return [
    `**column** \`${qualified(table.name, table.schema)}.${column.name}\` as of changeset \`${location.changeset.id}\``,
    attributes,
    originText(location, column.origin, 'Added'),
  ].join('\n\n');
}

function nullability(column: Column): string {
  if (column.generated === 'identity') return `not null, identity (${column.identity ?? 'by default'})`;
  if (column.generated) return `${column.notNull ? 'not null, ' : ''}generated (${column.generated})`;
  return column.notNull ? 'not null' : 'null';
}

function constraintText(c: Constraint): string {
  const kind = { 'primary-key': 'PRIMARY KEY', unique: 'UNIQUE', check: 'CHECK', 'foreign-key': 'FOREIGN KEY', exclusion: 'EXCLUDE' }[c.type];
  const target = c.references ? ` → ${c.references}${c.referencedColumns ? ` (${c.referencedColumns.join(', ')})` : ''}` : '';
  return `${c.name ? `\`${c.name}\` ` : ''}${kind} (${c.columns.join(', ')})${target}${c.notValid ? ' NOT VALID' : ''}`;
}

function originText(location: SqlLocation, origin: Origin, verb: string): string {
  if (origin === 'existing') return 'Existing before the changelog (never created by it).';
  if (origin === location.changeset.index) return `${verb} by this changeset.`;
  const changeset = location.changelog.changesets[origin];
  if (!changeset) return `${verb} by changeset #${origin + 1}.`;
  return `${verb} by changeset \`${changeset.id}\` (${changeset.author}, ${changeset.logicalPath}).`;
}

function qualified(name: string, schema?: string): string {
  return schema && schema !== 'public' ? `${schema}.${name}` : name;
}
