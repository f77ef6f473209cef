import type { LineIndex } from '../changelog/line-index';
import type { Finding, Range, SqlText } from '../changelog/model';
import { type ParsedSql, parseSql } from './statements';

/** A change's SQL parsed, once: the result stays on `sql.parsed` for every later reader. */
export function parsedSql(sql: SqlText): ParsedSql {
  return (sql.parsed ??= parseSql(sql.text, sql));
}

/** Parses a change's SQL once and reports syntax errors at their place in the file. */
export function analyseSql(sql: SqlText, lines: LineIndex): Omit<Finding, 'changeset'>[] {
  const findings: Omit<Finding, 'changeset'>[] = [];
  for (const statement of parsedSql(sql).statements) {
    if (!statement.error) continue;
    const { message, start, end } = statement.error;
    findings.push({ rule: 'sql-syntax', severity: 'error', message: capitalise(message), file: sql.file, range: sqlRange(sql, lines, start, end) });
  }
  return findings;
}

/** The file range of [start, end) in the SQL text. */
export function sqlRange(sql: SqlText, lines: LineIndex, start: number, end: number): Range {
  return lines.range(fileOffset(sql, start), fileOffset(sql, Math.max(start, end)));
}

export function fileOffset(sql: SqlText, index: number): number {
  const i = Math.max(0, Math.min(index, sql.text.length));
  return sql.baseOffset + (sql.offsets ? sql.offsets[i] : i);
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
