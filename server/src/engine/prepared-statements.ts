// insert and update with valueClobFile / valueBlobFile (insert also with a BLOB or CLOB column type): Liquibase 4.28
// sends these as JDBC prepared statements (InsertExecutablePreparedStatement, UpdateExecutablePreparedStatement) whose
// LOB values are the files read next to the changelog; functions stay inline, every other value is bound.

import * as nodePath from 'node:path';
import { readFileSync } from 'node:fs';
import type { Change } from '../changelog/model';
import { asRaw, type ColumnConfig, columnsOf, Params, valueObject, whereParamsOf } from './generate-columns';
import type { PgDialect } from './generate-db';
import { needsPreparedStatement, replacePredicatePlaceholders } from './generate';
import { GenerateError, JDate, JFunction, JNumber } from './generate-java';

/** A prepared statement: the SQL with $1… and the values bound to them. */
export interface PreparedStatement {
  sql: string;
  params: unknown[];
}

function relative(path: string): string {
  const rel = nodePath.relative(process.cwd(), path);
  return (rel && !rel.startsWith('..') ? rel : path).split(nodePath.sep).join('/');
}

/** whether Liquibase sends this insert/update as a prepared statement */
export function isPrepared(change: Change): boolean {
  const columns = columnsOf(asRaw(change.raw));
  if (change.type === 'insert') return columns.some(needsPreparedStatement);
  if (change.type === 'update') return columns.some((c) => c.valueBlobFile != null || c.valueClobFile != null);
  return false;
}

/** applyColumnParameter: the value JDBC binds for a column, LOB files read (relative to the changelog's folder) */
function boundValue(column: ColumnConfig, changelogFile: string): unknown {
  if (column.value != null) return column.value;
  if (column.valueBoolean != null) return column.valueBoolean;
  if (column.valueNumeric != null) return column.valueNumeric.text;
  if (column.valueDate != null) return column.valueDate.isoFormat();
  const file = column.valueBlobFile ?? column.valueClobFile;
  if (file != null) {
    const path = nodePath.resolve(nodePath.dirname(changelogFile), file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new GenerateError(`${column.valueBlobFile != null ? 'BLOB' : 'CLOB'} resource not found: ${relative(path)} (column ${column.name})`);
    }
    if (column.valueBlobFile != null) return bytes;
    const encoding = new Params(column.raw).str('encoding');
    return new TextDecoder(encoding ?? 'utf-8').decode(bytes);
  }
  const value = valueObject(column);
  if (value instanceof JNumber || value instanceof JDate) return value.toString();
  return null;
}

/** the statement of an insert or update that Liquibase prepares (isPrepared), with its values read now */
export function preparedStatement(change: Change, db: PgDialect, changelogFile: string): PreparedStatement {
  const raw = asRaw(change.raw);
  const p = new Params(raw);
  const table = db.qualified(p.str('schemaName'), p.str('tableName'));
  const params: unknown[] = [];
  const names: string[] = [];
  const values: string[] = [];
  for (const column of columnsOf(raw)) {
    // PostgreSQL supports auto-increment: such columns are left to the database
    if (change.type === 'insert' && column.autoIncrement === true) continue;
    const value = valueObject(column);
    names.push(`${db.escape(column.name, 'column')}`);
    if (value instanceof JFunction) {
      if (value.kind !== 'function') value.schemaName = p.str('schemaName');
      values.push(`${value}`);
    } else {
      params.push(boundValue(column, changelogFile));
      values.push(`$${params.length}`);
    }
  }
  if (change.type === 'insert') return { sql: `INSERT INTO ${table}(${names.join(', ')}) VALUES(${values.join(', ')})`, params };
  let sql = `UPDATE ${table} SET ${names.map((name, i) => `${name} = ${values[i]}`).join(', ')}`;
  const where = p.str('where');
  if (where != null) sql += ' WHERE ' + replacePredicatePlaceholders(db, where, whereParamsOf(raw));
  return { sql, params };
}
