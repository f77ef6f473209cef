// Completion of table and column names inside a changeset's SQL (YAML `sql`, formatted SQL, a sqlFile's file),
// from the schema the changelog has built just before the statement being typed. The statement being typed rarely
// parses, so the context (a table is expected, or a column of which tables) is read from its text.

import { CompletionItem, CompletionItemKind, MarkupKind, Position } from 'vscode-languageserver';
import type { Changelog } from '../changelog/model';
import type { Schema, Table } from '../schema/schema';
import { partialNameBefore, relationsIn, schemaAt, type SqlLocation, sqlLocationAt } from './sql-location';

/** keywords after which a relation name comes */
const TABLE_CONTEXT = /\b(?:from|join|update|into|table|references|truncate|lock|(?:index\b[^;]*?\bon)|(?:if\s+(?:not\s+)?exists)|only)\s*$/i;
/** keywords after which a column of the statement's table comes */
const COLUMN_CONTEXT = /\b(?:column|(?:alter|drop|rename)\s+(?:column\s+)?(?:if\s+exists\s+)?)\s*$/i;

export function sqlCompletions(trees: Changelog[], file: string, position: Position): CompletionItem[] {
  const location = sqlLocationAt(trees, file, position);
  if (!location?.sql || location.index === undefined) return [];
  const sql = location.sql;
  // the text as the editor shows it up to the position (blanks after the SQL's trimmed end included)
  const text = sql.text + (location.tail ?? '');
  const index = location.index + (location.tail?.length ?? 0);
  const statementStart = currentStatementStart(location);
  const typed = partialNameBefore(text, index);
  const before = text.slice(statementStart, typed.start);
  if (insideStringOrComment(before)) return [];
  const statement = text.slice(statementStart, Math.max(statementEnd(location), index));
  const schema = schemaAt(location);
  const relations = relationsIn(statement);

  if (typed.qualifier) {
    // alias.|  table.|  → its columns;  schema.| → its tables
    const owner = relations.find((r) => r.alias === typed.qualifier || r.name === typed.qualifier);
    const table = owner ? schema.table(owner.name, owner.schema) : schema.table(typed.qualifier);
    if (table) return columnItems(table);
    return tableItems(schema, typed.qualifier);
  }
  if (TABLE_CONTEXT.test(before)) return tableItems(schema);
  const tables = relations.map((r) => schema.table(r.name, r.schema)).filter((t): t is Table => !!t);
  const unique = [...new Set(tables)];
  if (COLUMN_CONTEXT.test(before) || /\(\s*(?:[\w$"]+\s*,\s*)*$/.test(before)) return unique.flatMap((t) => columnItems(t, unique.length > 1));
  // anywhere else: the statement's columns first, then every table
  return [...unique.flatMap((t) => columnItems(t, unique.length > 1)), ...tableItems(schema)];
}

function tableItems(schema: Schema, inSchema?: string): CompletionItem[] {
  const items: CompletionItem[] = [];
  const wanted = inSchema ?? 'public';
  for (const table of schema.tables.values()) {
    if (inSchema !== undefined && (table.schema ?? 'public') !== wanted) continue;
    const name = inSchema !== undefined || !table.schema || table.schema === 'public' ? table.name : `${table.schema}.${table.name}`;
    items.push({
      label: name,
      kind: CompletionItemKind.Class,
      detail: `table${table.origin === 'existing' ? ' (existing before the changelog)' : ''}`,
      documentation: { kind: MarkupKind.Markdown, value: [...table.columns.values()].map((c) => `- \`${c.name}\` ${c.type}${c.notNull ? ' not null' : ''}`).join('\n') },
      sortText: `1${name}`,
    });
  }
  for (const view of schema.views.values()) {
    if (inSchema !== undefined && (view.schema ?? 'public') !== wanted) continue;
    const name = inSchema !== undefined || !view.schema || view.schema === 'public' ? view.name : `${view.schema}.${view.name}`;
    items.push({ label: name, kind: CompletionItemKind.Interface, detail: view.materialized ? 'materialized view' : 'view', sortText: `2${name}` });
  }
  return items;
}

function columnItems(table: Table, qualify = false): CompletionItem[] {
  return [...table.columns.values()].map((c, i) => ({
    label: c.name,
    kind: CompletionItemKind.Field,
    detail: `${c.type}${c.notNull ? ' not null' : ''}${c.default !== undefined ? ` default ${c.default}` : ''}`,
    labelDetails: qualify ? { description: table.name } : undefined,
    // table order, the way \d lists them
    sortText: `0${String(i).padStart(4, '0')}`,
  }));
}

/** the start of the statement the position is in: the end of the last `;` before it (statements that fail to parse included) */
function currentStatementStart(location: SqlLocation): number {
  const sql = location.sql!;
  const index = location.index!;
  let last: { start: number; end: number } | undefined;
  for (const s of sql.parsed?.statements ?? []) {
    if (s.start <= index && index <= s.end) return s.start;
    if (s.end <= index) last = s;
  }
  if (!last) return 0;
  // past a statement's last token: still in it until its `;`
  const semicolon = sql.text.indexOf(';', last.end);
  return semicolon >= 0 && semicolon < index ? semicolon + 1 : last.start;
}

function statementEnd(location: SqlLocation): number {
  const sql = location.sql!;
  const index = location.index!;
  for (const s of sql.parsed?.statements ?? []) if (s.start <= index && index <= s.end) return s.end;
  const semicolon = sql.text.indexOf(';', index);
  return semicolon < 0 ? sql.text.length : semicolon;
}

/** an odd number of quotes, or an open comment, before the position on the statement's text */
function insideStringOrComment(text: string): boolean {
  const stripped = text.replace(/'(?:[^']|'')*'|"[^"]*"|--[^\n]*\n|\/\*[\s\S]*?\*\//g, '');
  return /'|--|\/\*/.test(stripped);
}
