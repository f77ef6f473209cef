// loadData and loadUpdateData as Liquibase 4.28 runs them on PostgreSQL (LoadDataChange, LoadUpdateDataChange,
// LoadDataColumnConfig, InsertSetGenerator, InsertOrUpdateGeneratorPostgres, InsertExecutablePreparedStatement),
// re-implemented from their behaviour:
//   - the CSV (csv.ts) is read when the changeset runs; its header names the columns, `columns` entries match a
//     header by index, header or name, and a header without an entry is a column of its own name
//   - when any column has no `type`, every untyped column takes the load type of the live table's column (int →
//     NUMERIC, varchar → STRING, text → CLOB, …); without the table they stay untyped and load as written
//   - loadData sends the rows as multi-row INSERTs of at most 51 rows; rows with a LOB (BLOB, CLOB) go as prepared
//     statements, and then the other rows are dropped, as Liquibase drops them on PostgreSQL
//   - loadUpdateData sends one `DO $$ … UPDATE …; IF not found THEN INSERT …` block per row

import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { zlib } from '../node-builtins';
import type { Change } from '../changelog/model';
import { resolveDataFile } from './checksum';
import { CsvError, type CsvRecord, readCsv } from './csv';
import { asRaw, type ColumnConfig, columnEntries, Params, parseColumn, type Raw } from './generate-columns';
import type { PgDialect } from './generate-db';
import { dataValueToSql, javaCompare } from './generate';
import { GenerateError, isoDateParse, JDate, JFunction, JNumber, type JValue, javaNumberFormatParse, javaTrim, trimToNull } from './generate-java';
import { fromDescription, type TypeClass, valueToSqlByClass } from './generate-types';

type LoadType = 'BOOLEAN' | 'NUMERIC' | 'DATE' | 'STRING' | 'COMPUTED' | 'SEQUENCE' | 'BLOB' | 'CLOB' | 'SKIP' | 'UUID' | 'OTHER' | 'UNKNOWN';
const LOAD_TYPES = new Set<string>(['BOOLEAN', 'NUMERIC', 'DATE', 'STRING', 'COMPUTED', 'SEQUENCE', 'BLOB', 'CLOB', 'SKIP', 'UUID', 'OTHER', 'UNKNOWN']);

/** a `columns` entry of the change, or one made for a header no entry names */
interface LoadColumn {
  config: ColumnConfig;
  name: string | null;
  header: string | null;
  index: number | null;
  type: string | null;
  allowUpdate: boolean | null;
}

/** one cell as Liquibase holds it for the INSERT (valueConfig) */
interface LoadCell {
  name: string;
  value: JValue;
  type: string | null;
  allowUpdate: boolean | null;
  clobFile?: string;
  blobFile?: string;
}

interface LoadRow {
  cells: LoadCell[];
  line: number;
  prepared: boolean;
}

/** The CSV of a loadData change, read and checked before anything runs. */
export interface LoadDataInput {
  change: Change;
  /** the changelog file that holds the change */
  changelogFile: string;
  /** the CSV file */
  path: string;
  header: string[];
  rows: CsvRecord[];
}

/** One statement: plain SQL, or a prepared statement with its $n values. */
export interface LoadStatement {
  sql: string;
  params?: unknown[];
}

/** `typname` of each column of the target table (by name), or undefined when there is no such table. */
export type TableColumnTypes = Map<string, string> | undefined;

function relative(path: string): string {
  const rel = nodePath.relative(process.cwd(), path);
  return (rel && !rel.startsWith('..') ? rel : path).split(nodePath.sep).join('/');
}

function paramsOf(change: Change): Params {
  return new Params(asRaw(change.raw));
}

/** LoadDataChange's settings with its setters' defaults */
function settingsOf(change: Change) {
  const p = paramsOf(change);
  const separator = p.str('separator');
  const comment = p.str('commentLineStartsWith');
  const quotchar = p.str('quotchar');
  return {
    file: p.str('file'),
    tableName: p.str('tableName'),
    schemaName: p.str('schemaName'),
    relativeToChangelogFile: p.bool('relativeToChangelogFile') === true,
    encoding: p.str('encoding'),
    // setSeparator turns a written `\t` into a tab; readers take the first character
    separator: separator == null ? ',' : separator === '\\t' ? '\t' : separator,
    // setCommentLineStartsWith: absent → '#', empty → no comments
    comment: comment == null ? '#' : comment === '' ? null : comment,
    // an empty quotchar becomes U+0001, "impossible to have a field surrounded with"
    quote: quotchar == null ? '"' : javaTrim(quotchar) === '' ? '\u0001' : quotchar.charAt(0),
    usePreparedStatements: p.bool('usePreparedStatements'),
    primaryKey: p.str('primaryKey'),
    onlyUpdate: p.bool('onlyUpdate') === true,
  };
}

/** StreamUtil.readStreamWithReader: the charset named, UTF-8 by default, a BOM dropped */
function decode(bytes: Uint8Array, encoding: string | null, path: string): string {
  try {
    return new TextDecoder(encoding ?? 'utf-8').decode(bytes);
  } catch {
    throw new GenerateError(`${relative(path)}: unsupported encoding '${encoding}'`);
  }
}

/**
 * Finds, reads and parses the CSV of a loadData/loadUpdateData change, and checks what Liquibase would only find
 * out half-way through the changeset (a record with the wrong number of values, a value a NUMERIC column cannot
 * take). Throws GenerateError naming the file and line.
 */
export function readLoadData(change: Change, changelogFile: string, readBytes: (path: string) => Uint8Array | undefined = diskBytes): LoadDataInput {
  const s = settingsOf(change);
  if (s.file == null) throw new GenerateError(`${change.type} has no file`);
  const path = resolveDataFile(s.file, s.relativeToChangelogFile, { file: changelogFile, readFile: (p) => (readBytes(p) === undefined ? undefined : '') });
  const bytes = path === undefined ? undefined : readBytes(path);
  if (path === undefined || bytes === undefined) {
    throw new GenerateError(`CSV file '${s.file}' not found${s.relativeToChangelogFile ? ` next to ${relative(changelogFile)}` : ''}`);
  }
  const text = decode(path.toLowerCase().endsWith('.gz') ? zlib().gunzipSync(bytes) : bytes, s.encoding, path);
  let records: CsvRecord[];
  try {
    records = readCsv(text, s.separator.charAt(0), s.quote);
  } catch (error) {
    if (error instanceof CsvError) throw new GenerateError(`${relative(path)}:${error.line}: ${error.message}`);
    throw error;
  }
  const [header, ...rest] = records;
  if (!header) throw new GenerateError(`${relative(path)}: data file ${s.file} is empty`);
  const rows = rest.filter((r) => !isBlankOrComment(r.fields, s.comment));
  for (const row of rows) {
    if (row.fields.length !== header.fields.length) {
      throw new GenerateError(
        `${relative(path)}:${row.line}: ${row.fields.length} values, the header has ${header.fields.length} (an unquoted value with the separator in it?)`,
      );
    }
  }
  const input: LoadDataInput = { change, changelogFile, path, header: header.fields, rows };
  // the declared types can be checked now; the ones the table gives only when the changeset runs
  checkValues(input, columnsOf(input, undefined));
  return input;
}

function diskBytes(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** nothing interesting on the line: no values, one blank value, or a comment (the first value starts with it) */
function isBlankOrComment(fields: string[], comment: string | null): boolean {
  if (fields.length === 0 || (fields.length === 1 && trimToNull(fields[0]) == null)) return true;
  return comment != null && fields[0].startsWith(comment);
}

/** LoadDataColumnConfig.getTypeEnum: the type as an enum constant, UNKNOWN for any other name */
function typeEnum(type: string | null): LoadType | null {
  if (type == null) return null;
  const upper = type.toUpperCase();
  return LOAD_TYPES.has(upper) ? (upper as LoadType) : 'UNKNOWN';
}

/** LiquibaseDataType.getLoadTypeName of the type a PostgreSQL column reports */
const LOAD_TYPE_OF_CLASS: Record<TypeClass, LoadType> = {
  bigint: 'NUMERIC', int: 'NUMERIC', smallint: 'NUMERIC', tinyint: 'NUMERIC', mediumint: 'NUMERIC', decimal: 'NUMERIC',
  number: 'NUMERIC', double: 'NUMERIC', float: 'NUMERIC', currency: 'NUMERIC',
  boolean: 'BOOLEAN',
  char: 'STRING', varchar: 'STRING', nchar: 'STRING', nvarchar: 'STRING', unknown: 'STRING',
  // `text` is a ClobType alias: a text column loads each value as the name of a file to read
  clob: 'CLOB', xml: 'CLOB',
  blob: 'BLOB',
  date: 'DATE', datetime: 'DATE', time: 'DATE', timestamp: 'DATE',
  uuid: 'UUID',
  function: 'COMPUTED',
};

/** the load type of a column whose pg_type.typname is given (arrays are `_name`, reported as `name[]`) */
export function loadTypeOfColumn(typname: string): LoadType {
  const name = typname.startsWith('_') ? `${typname.slice(1)}[]` : typname;
  return LOAD_TYPE_OF_CLASS[fromDescription(name).cls];
}

/**
 * The column configurations after addColumnsFromHeaders and retrieveMissingColumnLoadTypes: the change's entries
 * (matched to a header take its index and header), one more per header nobody names, and the table's load types
 * for the untyped ones when `table` is given.
 */
function columnsOf(input: LoadDataInput, table: TableColumnTypes | 'unknown', db?: PgDialect): LoadColumn[] {
  const columns: LoadColumn[] = columnEntries(asRaw(input.change.raw)).map((raw: Raw) => {
    const p = new Params(raw);
    return { config: parseColumn(raw), name: p.str('name'), header: p.str('header'), index: p.int('index'), type: p.str('type'), allowUpdate: p.bool('allowUpdate') };
  });
  input.header.forEach((header, i) => {
    let column = columns.find((c) => header === c.name || header === c.header || c.index === i);
    if (!column) {
      if (trimToNull(header) == null) throw new GenerateError(`${relative(input.path)}:1: an unnamed column that no column entry refers to`);
      column = { config: parseColumn({}), name: header, header: null, index: null, type: null, allowUpdate: null };
      columns.push(column);
    }
    column.index = i;
    column.header = header;
  });
  if (table !== undefined && table !== 'unknown' && columns.some((c) => c.type == null)) {
    for (const column of columns) {
      if (column.type != null || column.name == null) continue;
      const typname = table.get(db ? (db.correctObjectName(column.name, 'column') ?? column.name) : column.name);
      if (typname !== undefined) column.type = loadTypeOfColumn(typname);
    }
  }
  return columns;
}

/** getColumnConfig: the first entry with this index, or this header or name (any case) */
function columnFor(columns: LoadColumn[], index: number, header: string): LoadColumn | undefined {
  const h = header.toLowerCase();
  return columns.find((c) => c.index === index || c.header?.toLowerCase() === h || c.name?.toLowerCase() === h);
}

/** whether the untyped columns must be typed from the table (retrieveMissingColumnLoadTypes) */
export function needsTableTypes(input: LoadDataInput): boolean {
  return columnsOf(input, 'unknown').some((c) => c.type == null);
}

/** a value a NUMERIC column can take: a number PostgreSQL reads, possibly in parentheses */
const NUMBER = /^\s*\(?\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*\)?\s*$/;

/** Refuses a value that would make the INSERT fail in the database, naming the CSV line. */
function checkValues(input: LoadDataInput, columns: LoadColumn[]): void {
  for (const row of input.rows) {
    input.header.forEach((header, i) => {
      const column = columnFor(columns, i, javaTrim(header));
      if (!column || typeEnum(column.type) !== 'NUMERIC') return;
      const value = row.fields[i];
      if (value === '' || value.toUpperCase() === 'NULL' || NUMBER.test(value)) return;
      throw new GenerateError(`${relative(input.path)}:${row.line}: '${value}' in column ${column.name ?? javaTrim(header)} (NUMERIC) is not a number`);
    });
  }
}

/** ColumnConfig.setValueNumeric(String): the number as written without its parentheses, else a function */
function numericValue(text: string): JValue {
  let s = text;
  if (s.startsWith('(')) s = s.replace(/^\(/, '').replace(/\)$/, '');
  const parsed = javaNumberFormatParse(s);
  return parsed ? new JNumber(s, 'ValueNumeric', parsed.cls) : new JFunction(text);
}

/** BooleanUtil.parseBoolean */
function parseBoolean(text: string): boolean {
  const value = javaTrim(text).toLowerCase();
  if (['true', 't', 'yes', 'y', '1'].includes(value)) return true;
  if (['false', 'f', 'no', 'n', '0'].includes(value)) return false;
  return /^[-+]?\d+$/.test(value) && Number(value) > 0 && Number(value) <= 2147483647;
}

/**
 * NowAndTodayUtil: `now`, `now+2d`, `now-1h`, `today`, `today+1`, … as the JVM's local clock gives them, a
 * java.sql.Date, Time or Timestamp by the column's type; undefined when the value is neither.
 */
export function nowOrToday(value: string, type: string, now = new Date()): JDate | undefined {
  const lower = value.toLowerCase();
  if (!lower.startsWith('now') && !lower.startsWith('today')) return undefined;
  // the local wall clock, held as UTC fields the way JDate prints them
  const clock = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  if (lower.startsWith('now') && lower.length > 3) {
    const m = /^(now)([+-])(\d+)([mhdy].*)$/.exec(lower);
    if (!m) throw new GenerateError(`Improper value in 'NOW' value: ${value}. 'NOW' must be followed by + or -, then numeric offset, then units (h{our{s}}, m{inute{s}}, d{ay{s}}, or y{ears}`);
    const offset = (m[2] === '-' ? -1 : 1) * Number(m[3]);
    const units = m[4];
    if ('years'.startsWith(units)) clock.setUTCFullYear(clock.getUTCFullYear() + offset);
    else if ('days'.startsWith(units)) clock.setUTCDate(clock.getUTCDate() + offset);
    else if ('hours'.startsWith(units)) clock.setUTCHours(clock.getUTCHours() + offset);
    else if ('minutes'.startsWith(units)) clock.setUTCMinutes(clock.getUTCMinutes() + offset);
    else throw new GenerateError(`Improper units in 'NOW' value: '${units}', must be y{ear{s}}, d{ay{s}}, h{our{s}}, or m{inute{s}}`);
  } else if (lower.startsWith('today') && lower.length > 5) {
    const m = /^(today)([+-])(\d+)$/.exec(lower);
    if (!m) throw new GenerateError(`Improper value in 'TODAY' value: ${value}. 'TODAY' must be followed by + or -, then numeric offset`);
    clock.setUTCDate(clock.getUTCDate() + (m[2] === '-' ? -1 : 1) * Number(m[3]));
  }
  const ms = clock.getTime();
  switch (type.toLowerCase()) {
    case 'timestamp':
    case 'datetime':
      return new JDate('java.sql.Timestamp', ms - (((ms % 1000) + 1000) % 1000), (((ms % 1000) + 1000) % 1000) * 1_000_000);
    case 'time':
      return new JDate('java.sql.Time', ms);
    case 'date':
      return new JDate('java.sql.Date', ms);
    default:
      throw new GenerateError(`Unrecognized colType ${type} when using 'NOW' or 'TODAY' value; expected one of date, time, datetime, or timestamp`);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** the cells of each row, as LoadDataChange.generateStatements builds them */
function rowsOf(input: LoadDataInput, columns: LoadColumn[], schemaName: string | null, preparedImplemented: boolean): LoadRow[] {
  const s = settingsOf(input.change);
  return input.rows.map((row) => {
    let needsPrepared = false;
    const cells: LoadCell[] = [];
    input.header.forEach((header, i) => {
      let value: string | null = row.fields[i];
      let name = javaTrim(header);
      const column = columnFor(columns, i, name);
      if (!column) {
        // unreachable after columnsOf, kept as Liquibase has it: the header's value, trimmed, "NULL" as empty
        cells.push({ name, value: value.toUpperCase() === 'NULL' ? '' : javaTrim(value), type: null, allowUpdate: null });
        return;
      }
      const type = column.type;
      const kind = typeEnum(type);
      if (type != null && type.toLowerCase() === 'skip') return;
      if (column.name != null) name = column.name;
      const cell: LoadCell = { name, value: null, type: value.toUpperCase() === 'NULL' ? type : null, allowUpdate: column.allowUpdate };
      const c = column.config;
      if (value === '') value = c.defaultValue;
      if (value != null && value.toUpperCase() === 'NULL') cell.value = null;
      else if (type == null) cell.value = value;
      else if (kind === 'BOOLEAN') cell.value = value == null ? c.defaultValueBoolean : parseBoolean(value);
      else if (kind === 'NUMERIC') cell.value = value != null ? numericValue(value) : c.defaultValueNumeric;
      else if (['date', 'datetime', 'time'].includes(type.toLowerCase())) {
        cell.type = type;
        cell.value = value == null ? c.defaultValueDate : (nowOrToday(value, type) ?? isoDateParse(value) ?? new JFunction(value));
      } else if (kind === 'STRING') {
        cell.type = type;
        cell.value = value ?? '';
      } else if (kind === 'COMPUTED') cell.value = value != null ? new JFunction(value) : c.defaultValueComputed;
      else if (kind === 'SEQUENCE') {
        if (value == null) throw new GenerateError('Must set a sequence name in the loadData column defaultValue attribute');
        cell.value = new JFunction(value, 'sequenceNext', schemaName);
      } else if (type.toUpperCase() === 'BLOB') {
        if (value != null && BASE64.test(value)) {
          cell.type = type;
          cell.value = value;
        } else cell.blobFile = value ?? undefined;
        needsPrepared = true;
      } else if (kind === 'CLOB') {
        cell.clobFile = value ?? undefined;
        needsPrepared = true;
      } else {
        // UUID, OTHER and any other type name: the value as written
        if (kind === 'UUID' || kind === 'OTHER') cell.type = type;
        cell.value = value;
      }
      cells.push(cell);
    });
    let prepared = false;
    if (preparedImplemented) {
      if (s.usePreparedStatements != null) {
        if (!s.usePreparedStatements && needsPrepared) throw new GenerateError(`${relative(input.path)}:${row.line}: usePreparedStatements is false but the row has a BLOB or CLOB value, which needs one`);
        prepared = s.usePreparedStatements;
      } else {
        // PostgreSQL: prepared statements only when a LOB needs one
        prepared = needsPrepared;
      }
    }
    return { cells, line: row.line, prepared };
  });
}

/** ColumnConfig.getValueObject of a cell (a LOB file name is a value too) */
function valueOf(cell: LoadCell): JValue {
  return cell.value ?? cell.clobFile ?? cell.blobFile ?? null;
}

/** InsertGenerator.generateValues: `(v1, v2, …)`, a missing value as NULL */
function valuesSql(db: PgDialect, cells: LoadCell[]): string {
  return '(' + cells.map((cell) => dataValueToSql(db, valueOf(cell) ?? 'NULL', false)).join(', ') + ')';
}

function insertHeader(db: PgDialect, table: string, cells: LoadCell[]): string {
  return `INSERT INTO ${table} (${cells.map((c) => db.escape(c.name, 'column')).join(', ')}) VALUES `;
}

/** the statements of a loadData / loadUpdateData change, given the table's column types when it needed them */
export function loadDataStatements(input: LoadDataInput, db: PgDialect, table: TableColumnTypes): LoadStatement[] {
  const s = settingsOf(input.change);
  const update = input.change.type === 'loadUpdateData';
  const columns = columnsOf(input, table, db);
  if (table !== undefined) checkValues(input, columns);
  const rows = rowsOf(input, columns, s.schemaName, !update);
  const tableSql = db.qualified(s.schemaName, s.tableName);
  if (update) return rows.map((row) => ({ sql: insertOrUpdate(db, tableSql, row.cells, s.primaryKey, s.onlyUpdate) }));
  if (rows.some((r) => r.prepared)) {
    // generateStatementsFromRows on PostgreSQL returns the prepared statements alone: rows without a LOB are lost
    return rows.filter((r) => r.prepared).map((row) => preparedInsert(db, tableSql, row, input));
  }
  if (rows.length === 0) return [];
  // InsertSetGenerator: the header of the first row, then batches that close after the 51st row
  const out: LoadStatement[] = [];
  let sql = insertHeader(db, tableSql, rows[0].cells);
  let inBatch = 0;
  for (const row of rows) {
    sql += valuesSql(db, row.cells) + ',';
    if (++inBatch > 50) {
      out.push({ sql: sql.slice(0, -1) });
      inBatch = 0;
      sql = insertHeader(db, tableSql, rows[0].cells);
    }
  }
  if (inBatch > 0) out.push({ sql: sql.slice(0, -1) });
  return out;
}

/** LoadUpdateDataChange.generateRollbackStatements: a DELETE of each row's primary key, in the rows' order */
export function loadUpdateDataRollback(input: LoadDataInput, db: PgDialect, table: TableColumnTypes): LoadStatement[] {
  const s = settingsOf(input.change);
  if (s.primaryKey == null) throw new GenerateError('loadUpdateData requires primaryKey');
  const keys = s.primaryKey.split(',');
  const rows = rowsOf(input, columnsOf(input, table, db), s.schemaName, false);
  const tableSql = db.qualified(s.schemaName, s.tableName);
  return rows.map((row) => {
    const values = new Map<string, JValue>(row.cells.map((cell) => [cell.name, valueOf(cell) ?? 'NULL']));
    return { sql: `DELETE FROM ${tableSql} WHERE ${keyPredicate(db, keys, values)}` };
  });
}

/** getWhere: `key = value` (or `key is NULL`) for each primary key column, joined with AND */
function keyPredicate(db: PgDialect, keys: string[], values: Map<string, JValue>): string {
  return keys
    .map((key) => {
      const value = values.get(key) ?? null;
      const isNull = value == null || String(value).toUpperCase() === 'NULL';
      return `${db.escape(key, 'column')}${isNull ? ' is NULL' : ` = ${valueToSqlByClass(value, db)}`}`;
    })
    .join(' AND ');
}

/** InsertOrUpdateGeneratorPostgres: an anonymous plpgsql block that updates the row and inserts it when absent */
function insertOrUpdate(db: PgDialect, table: string, cells: LoadCell[], primaryKey: string | null, onlyUpdate: boolean): string {
  if (primaryKey == null) throw new GenerateError('loadUpdateData requires primaryKey');
  const values = new Map<string, JValue>();
  const allowUpdate = new Map<string, boolean>();
  for (const cell of cells) {
    // addColumnValue: a missing value is the string "NULL"
    values.set(cell.name, valueOf(cell) ?? 'NULL');
    allowUpdate.set(cell.name, cell.allowUpdate == null || cell.allowUpdate);
  }
  // the key columns as written between the commas, not trimmed
  const keys = primaryKey.split(',');
  const where = keyPredicate(db, keys, values);
  // UpdateStatement's TreeMap: the columns to set sorted by name
  const updated = [...values].filter(([name]) => !keys.includes(name) && allowUpdate.get(name)).sort(([a], [b]) => javaCompare(a, b));
  let sql = 'DO\n$$\nBEGIN\n';
  sql +=
    updated.length > 0
      ? `UPDATE ${table} SET ${updated.map(([name, value]) => `${db.escape(name, 'column')} = ${dataValueToSql(db, value, true)}`).join(', ')} WHERE ${where};\n`
      : // nothing but the key to set: PERFORM finds whether the row is there
        `perform * from ${table} WHERE ${where};\n`;
  if (!onlyUpdate) {
    sql += 'IF not found THEN\n';
    sql += `INSERT INTO ${table} (${[...values.keys()].map((name) => db.escape(name, 'column')).join(', ')}) VALUES (${[...values.values()].map((v) => dataValueToSql(db, v, false)).join(', ')});\n`;
    sql += 'END IF;\n';
  }
  return sql + 'END;\n$$\nLANGUAGE plpgsql';
}

/** InsertExecutablePreparedStatement: functions inline, every other value bound, LOB files read next to the changelog */
function preparedInsert(db: PgDialect, table: string, row: LoadRow, input: LoadDataInput): LoadStatement {
  const params: unknown[] = [];
  const placeholders: string[] = [];
  for (const cell of row.cells) {
    const value = valueOf(cell);
    if (value instanceof JFunction) {
      placeholders.push(`${value}`);
      continue;
    }
    params.push(boundValue(cell, input, row.line));
    placeholders.push(`$${params.length}`);
  }
  const columns = row.cells.map((c) => db.escape(c.name, 'column')).join(', ');
  return { sql: `INSERT INTO ${table}(${columns}) VALUES(${placeholders.join(', ')})`, params };
}

function boundValue(cell: LoadCell, input: LoadDataInput, line: number): unknown {
  if (cell.value != null) {
    const value = cell.value;
    if (typeof value === 'string') return cell.type?.toUpperCase() === 'BLOB' ? Buffer.from(value, 'base64') : value;
    if (typeof value === 'boolean') return value;
    if (value instanceof JNumber) return value.text;
    if (value instanceof JDate) return value.isoFormat();
    return String(value);
  }
  const file = cell.clobFile ?? cell.blobFile;
  if (file == null) return null;
  // ExecutablePreparedStatementBase.getFileName: the value is a path next to the changelog file
  const path = nodePath.resolve(nodePath.dirname(input.changelogFile), file);
  const bytes = diskBytes(path);
  if (bytes === undefined) {
    throw new GenerateError(`${relative(input.path)}:${line}: ${cell.clobFile != null ? 'CLOB' : 'BLOB'} resource not found: ${file} (column ${cell.name} is a ${cell.clobFile != null ? 'text/CLOB' : 'BLOB'} column, so its value names a file)`);
  }
  return cell.clobFile != null ? new TextDecoder('utf-8').decode(bytes) : Buffer.from(bytes);
}

/** The query for the target table's column types (retrieveMissingColumnLoadTypes' snapshot). */
export function tableColumnsQuery(input: LoadDataInput, db: PgDialect): { sql: string; params: unknown[] } {
  const s = settingsOf(input.change);
  const schema = db.correctObjectName(s.schemaName ?? db.defaultSchema, 'schema');
  const table = db.correctObjectName(s.tableName, 'table');
  return {
    sql: `SELECT a.attname AS name, t.typname AS type
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
           WHERE c.relname = $1 AND n.nspname = coalesce($2, current_schema()) AND c.relkind IN ('r', 'p', 'v', 'f', 'm')
             AND a.attnum > 0 AND NOT a.attisdropped`,
    params: [table, schema],
  };
}
