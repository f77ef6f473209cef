import { DocumentSymbol, SymbolInformation, SymbolKind } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { Change, Changeset, Range } from '../changelog/model';

/** The outline of a changelog file: its changesets, each with its changes. */
export function documentSymbols(changesets: Changeset[]): DocumentSymbol[] {
  return changesets.map((c) => ({
    name: changesetName(c),
    detail: summary(c),
    kind: SymbolKind.Module,
    range: c.range,
    selectionRange: inside(c.headerRange, c.range),
    children: c.changes.map(changeSymbol),
  }));
}

function changeSymbol(change: Change): DocumentSymbol {
  return { name: change.type, detail: changeDetail(change), kind: SymbolKind.Method, range: change.range, selectionRange: inside(change.typeRange, change.range) };
}

/**
 * VS Code rejects a symbol whose selectionRange is not inside its range (and with it the whole outline). A formatted
 * SQL change is named by the `--changeset` line above its SQL: select the start of the SQL instead.
 */
function inside(selection: Range, range: Range): Range {
  if (before(range.start, selection.start) && before(selection.end, range.end)) return selection;
  return { start: range.start, end: range.start };
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/** workspace/symbol: changesets whose identity contains every character of the query in order */
export function workspaceSymbols(changesets: Iterable<Changeset>, query: string, limit = 500): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const c of changesets) {
    if (out.length >= limit) break;
    const name = changesetName(c);
    if (q && !fuzzyMatch(`${name} ${c.logicalPath}`.toLowerCase(), q)) continue;
    out.push({ name, kind: SymbolKind.Module, location: { uri: URI.file(c.file).toString(), range: c.headerRange }, containerName: c.logicalPath });
  }
  return out;
}

export function changesetName(c: Changeset): string {
  return `${c.id || '(no id)'} · ${c.author || '(no author)'}`;
}

function summary(c: Changeset): string {
  const types = c.changes.map((ch) => ch.type);
  return types.length ? types.join(', ') : 'no changes';
}

export function changeDetail(change: Change): string {
  const p = change.params;
  const pick = ['tableName', 'viewName', 'sequenceName', 'indexName', 'baseTableName', 'oldTableName', 'path', 'tag', 'constraintName'];
  for (const key of pick) if (p[key]?.value != null) return String(p[key].value);
  if (change.sql) {
    const first = change.sql.text.trim().split('\n')[0];
    return first.length > 60 ? first.slice(0, 57) + '…' : first;
  }
  return '';
}

function fuzzyMatch(text: string, query: string): boolean {
  let i = 0;
  for (const ch of text) if (ch === query[i] && ++i === query.length) return true;
  return i === query.length;
}
