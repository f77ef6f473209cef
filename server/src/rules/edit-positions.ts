// Where quick fixes insert text: after a whole line of a changeset or a change, so a trailing comment stays on
// its line, and with the indentation the YAML around it already uses.

import type { Changelog, ChangelogFile, FileEdit, Position, Range } from '../changelog/model';

// fixes are built with every finding, on every lint: split each file once
const lineCache = new WeakMap<ChangelogFile, string[]>();

/** the lines of a file as the changelog holds it */
export function linesOf(changelog: Changelog, file: string): string[] {
  const source = changelog.files.get(file);
  if (!source) return [];
  let lines = lineCache.get(source);
  if (!lines) lineCache.set(source, (lines = source.text.split('\n')));
  return lines;
}

/**
 * An edit that adds `lines` after the last line of `range` (a changeset, a change). A range that ends at the
 * start of a line (a YAML block scalar keeps its final newline) ends on the line before.
 */
export function insertLinesAfter(changelog: Changelog, file: string, range: Range, lines: string[]): FileEdit {
  const text = linesOf(changelog, file);
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  const lineText = (text[last] ?? '').replace(/\r$/, '');
  const eol = text[last]?.endsWith('\r') ? '\r\n' : '\n';
  const at: Position = { line: last, character: lineText.length };
  return { file, range: { start: at, end: at }, newText: lines.map((l) => eol + l).join('') };
}

/** the leading whitespace of a line */
export function indentOf(changelog: Changelog, file: string, line: number): string {
  return /^[ \t]*/.exec(linesOf(changelog, file)[line] ?? '')![0];
}
