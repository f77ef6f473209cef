// SQL for Liquibase's built-in change types on PostgreSQL, as Liquibase 4.28 generates it: each change's
// generateStatements and the SQL generators that PostgresDatabase selects, re-implemented (not copied) from the
// liquibase-standard v4.28.0 sources. The statements are returned without their trailing `;`, trimmed as
// Liquibase's UnparsedSql trims them.
//
// Names follow the objectQuotingStrategy (LEGACY by default: quoted only when mixed case, reserved, starting with a
// digit or holding a non-word character) and get the default schema as a prefix when the context has one, as
// Liquibase does on a live connection (`public.items`).

import type { Change } from '../changelog/model';
import { dbmsIncludesPostgres } from '../changelog/properties';
import { executionParse } from '../sql/kept-parses';
import { executionText, parseSql } from '../sql/statements';
import {
  asRaw,
  type ColumnConfig,
  columnsOf,
  defaultValueObject,
  Params,
  parsedDateOrFunction,
  parsedNumberOrFunction,
  type Raw,
  valueObject,
  whereParamsOf,
} from './generate-columns';
import { type GenerateContext, PgDialect } from './generate-db';
import { changeScalarSource } from './serialise';
import { GenerateError, JDate, JFunction, type JValue, javaTrim, jToString, splitAndTrim, trimToNull } from './generate-java';
import { fromDescription, type LiquibaseType, objectToSql, toDatabaseDataType, valueToSqlByClass } from './generate-types';

export { GenerateError } from './generate-java';
export type { GenerateContext, ObjectQuotingStrategy } from './generate-db';

/** A `stop` change: Liquibase stops the update with this message. */
export class StopChangeError extends GenerateError {}

/** The Java class of each change type, as in Liquibase's `No inverse to liquibase.change.core.<Class> created`. */
const CLASS_NAMES: Record<string, string> = {
  addAutoIncrement: 'AddAutoIncrementChange',
  addColumn: 'AddColumnChange',
  addDefaultValue: 'AddDefaultValueChange',
  addForeignKeyConstraint: 'AddForeignKeyConstraintChange',
  addLookupTable: 'AddLookupTableChange',
  addNotNullConstraint: 'AddNotNullConstraintChange',
  addPrimaryKey: 'AddPrimaryKeyChange',
  addUniqueConstraint: 'AddUniqueConstraintChange',
  alterSequence: 'AlterSequenceChange',
  createIndex: 'CreateIndexChange',
  createProcedure: 'CreateProcedureChange',
  createSequence: 'CreateSequenceChange',
  createTable: 'CreateTableChange',
  createView: 'CreateViewChange',
  customChange: 'CustomChangeWrapper',
  delete: 'DeleteDataChange',
  dropAllForeignKeyConstraints: 'DropAllForeignKeyConstraintsChange',
  dropColumn: 'DropColumnChange',
  dropDefaultValue: 'DropDefaultValueChange',
  dropForeignKeyConstraint: 'DropForeignKeyConstraintChange',
  dropIndex: 'DropIndexChange',
  dropNotNullConstraint: 'DropNotNullConstraintChange',
  dropPrimaryKey: 'DropPrimaryKeyChange',
  dropProcedure: 'DropProcedureChange',
  dropSequence: 'DropSequenceChange',
  dropTable: 'DropTableChange',
  dropUniqueConstraint: 'DropUniqueConstraintChange',
  dropView: 'DropViewChange',
  empty: 'EmptyChange',
  executeCommand: 'ExecuteShellCommandChange',
  insert: 'InsertDataChange',
  loadData: 'LoadDataChange',
  loadUpdateData: 'LoadUpdateDataChange',
  mergeColumns: 'MergeColumnChange',
  modifyDataType: 'ModifyDataTypeChange',
  output: 'OutputChange',
  renameColumn: 'RenameColumnChange',
  renameSequence: 'RenameSequenceChange',
  renameTable: 'RenameTableChange',
  renameView: 'RenameViewChange',
  setColumnRemarks: 'SetColumnRemarksChange',
  setTableRemarks: 'SetTableRemarksChange',
  sql: 'RawSQLChange',
  sqlFile: 'SQLFileChange',
  stop: 'StopChange',
  tagDatabase: 'TagDatabaseChange',
  update: 'UpdateDataChange',
  // Liquibase Pro change types (not in liquibase-standard)
  addCheckConstraint: 'AddCheckConstraintChange',
  dropCheckConstraint: 'DropCheckConstraintChange',
};

/** The simple Java class name of a change type (`insert` → `InsertDataChange`). */
export function changeClassName(type: string): string {
  return CLASS_NAMES[type] ?? type.charAt(0).toUpperCase() + type.slice(1) + 'Change';
}

/**
 * The statements Liquibase 4.28 sends to PostgreSQL for one change, in order, without the trailing `;`.
 * Empty for changes that run no SQL (tagDatabase, output, empty) and for a change whose `dbms` excludes PostgreSQL.
 * Throws GenerateError where Liquibase itself fails (validation, unparseable values, change types that need the
 * database or files at generation time).
 */
export function generateSql(change: Change, context: GenerateContext = {}): string[] {
  if (change.dbms && !dbmsIncludesPostgres(change.dbms)) return [];
  const db = new PgDialect(context);
  const raw = asRaw(change.raw);
  const p = new Params(raw, context.file ? (key) => changeScalarSource(change, key, { file: context.file, readFile: context.readFile }) : undefined);
  const generator = GENERATORS[change.type];
  if (!generator) {
    throw new GenerateError(
      NEEDS_RUNTIME.has(change.type)
        ? `${change.type}: Liquibase builds this change from files or the live database at run time; its SQL cannot be generated here`
        : `${change.type}: generating its SQL is not supported (yet)`,
    );
  }
  return generator({ change, raw, p, db })
    .map((s) => javaTrim(s))
    .filter((s) => s.length > 0);
}

/** change types whose statements Liquibase only knows at run time (CSV files, database snapshots, Java code, processes) */
const NEEDS_RUNTIME = new Set(['loadData', 'loadUpdateData', 'dropAllForeignKeyConstraints', 'customChange', 'executeCommand']);

interface Input {
  change: Change;
  raw: Raw;
  p: Params;
  db: PgDialect;
}

type Generator = (input: Input) => string[];

const GENERATORS: Record<string, Generator> = {
  sql: rawSql,
  sqlFile: rawSql,
  createTable,
  addColumn,
  dropColumn,
  renameColumn: ({ p, db }) => [
    `ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('tableName'))} RENAME COLUMN ${db.escape(p.str('oldColumnName'), 'column')} TO ${db.escape(p.str('newColumnName'), 'column')}`,
  ],
  renameTable: ({ p, db }) => [`ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('oldTableName'))} RENAME TO ${db.escape(p.str('newTableName'))}`],
  dropTable: ({ p, db }) => [`DROP TABLE ${db.qualified(p.str('schemaName'), p.str('tableName'))}${p.bool('cascadeConstraints') ? ' CASCADE' : ''}`],
  modifyDataType: ({ p, db }) => {
    const column = db.escape(p.str('columnName'), 'column');
    const type = dataType(p.str('newDataType'));
    return [`ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('tableName'))} ALTER COLUMN ${column} TYPE ${type} USING (${column}::${type})`];
  },
  addNotNullConstraint: ({ p, db }) =>
    addNotNullConstraint(db, p.str('schemaName'), p.str('tableName'), p.str('columnName'), p.str('columnDataType'), p.str('defaultNullValue')),
  dropNotNullConstraint: ({ p, db }) => [setNullable(db, p.str('schemaName'), p.str('tableName'), p.str('columnName'), true)],
  addDefaultValue,
  dropDefaultValue: ({ p, db }) => [
    `ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('tableName'))} ALTER COLUMN ${db.escape(p.str('columnName'), 'column')} DROP DEFAULT`,
  ],
  createIndex,
  dropIndex: ({ p, db }) => (associatedWithConstraint(p) ? [] : [`DROP INDEX ${db.qualified(p.str('schemaName'), p.str('indexName'), 'index')}`]),
  addForeignKeyConstraint: ({ p, db }) => [addForeignKeyConstraint(db, foreignKeyOf(p))],
  dropForeignKeyConstraint: ({ p, db }) => [
    `ALTER TABLE ${db.qualified(p.str('baseTableSchemaName'), p.str('baseTableName'))} DROP CONSTRAINT ${db.escape(p.str('constraintName'), 'constraint')}`,
  ],
  addUniqueConstraint,
  dropUniqueConstraint: ({ p, db }) => [
    `ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('tableName'))} DROP CONSTRAINT ${db.escape(p.str('constraintName'), 'constraint')}`,
  ],
  addPrimaryKey: ({ p, db }) =>
    addPrimaryKey(db, {
      schemaName: p.str('schemaName'),
      tableName: p.str('tableName'),
      columnNames: p.str('columnNames'),
      constraintName: p.str('constraintName'),
      tablespace: p.str('tablespace'),
      clustered: p.bool('clustered'),
    }),
  dropPrimaryKey,
  createView,
  dropView: ({ p, db }) => [`DROP VIEW ${p.bool('ifExists') ? 'IF EXISTS ' : ''}${db.qualified(p.str('schemaName'), p.str('viewName'), 'view')}`],
  renameView: ({ p, db }) => [`ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('oldViewName'), 'view')} RENAME TO ${db.escape(p.str('newViewName'), 'view')}`],
  createSequence: ({ p, db }) => {
    // CreateSequenceGenerator.validate: checkDisallowedField("ordered", …, PostgresDatabase) rejects any value, even false
    if (p.bool('ordered') != null) throw new GenerateError('ordered is not allowed on postgresql');
    return [createSequence(db, {
      schemaName: p.str('schemaName'),
      sequenceName: p.str('sequenceName'),
      dataType: p.str('dataType'),
      startValue: p.bigint('startValue'),
      incrementBy: p.bigint('incrementBy'),
      minValue: p.bigint('minValue'),
      maxValue: p.bigint('maxValue'),
      cacheSize: p.bigint('cacheSize'),
      ordered: p.bool('ordered'),
      cycle: p.bool('cycle'),
    })];
  },
  alterSequence,
  dropSequence: ({ p, db }) => [`DROP SEQUENCE ${db.qualified(p.str('schemaName'), p.str('sequenceName'), 'sequence')} CASCADE`],
  renameSequence: ({ p, db }) => [
    `ALTER SEQUENCE ${db.qualified(p.str('schemaName'), p.str('oldSequenceName'), 'sequence')} RENAME TO ${db.escape(p.str('newSequenceName'), 'sequence')}`,
  ],
  insert,
  update,
  delete: ({ p, raw, db }) => {
    let sql = `DELETE FROM ${db.qualified(p.str('schemaName'), p.str('tableName'))}`;
    const where = p.str('where');
    if (where != null) sql += ' WHERE ' + replacePredicatePlaceholders(db, where, whereParamsOf(raw));
    return [sql];
  },
  tagDatabase: () => [],
  output: () => [],
  empty: () => [],
  stop: ({ p }) => {
    throw new StopChangeError(p.str('message') ?? 'Stop command in changelog file');
  },
  setTableRemarks: ({ p, db }) => [setTableRemarks(db, p.str('schemaName'), p.str('tableName'), p.str('remarks'))],
  setColumnRemarks: ({ p, db }) => [setColumnRemarks(db, p.str('schemaName'), p.str('tableName'), p.str('columnName'), p.str('remarks'))],
  addAutoIncrement,
  addLookupTable,
  mergeColumns,
  createProcedure,
  dropProcedure: ({ p, db }) => [`DROP PROCEDURE ${db.qualified(p.str('schemaName'), p.str('procedureName'), 'procedure')}`],
  // Liquibase Pro change types: plain PostgreSQL (Pro's exact text is not in liquibase-standard)
  addCheckConstraint: ({ p, db }) => [
    `ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('tableName'))} ADD CONSTRAINT ${db.escape(p.str('constraintName'), 'constraint')} CHECK (${p.str('constraintBody')})${p.bool('validate') === false ? ' NOT VALID' : ''}`,
  ],
  dropCheckConstraint: ({ p, db }) => [
    `ALTER TABLE ${db.qualified(p.str('schemaName'), p.str('tableName'))} DROP CONSTRAINT ${db.escape(p.str('constraintName'), 'constraint')}`,
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// sql / sqlFile

function rawSql({ change, p }: Input): string[] {
  const sql = change.sql;
  if (!sql) {
    const text = p.str('sql');
    if (change.type === 'sqlFile' || text == null) throw new GenerateError(`${change.type} has no SQL to run`);
    const options = { splitStatements: p.bool('splitStatements') ?? true, stripComments: p.bool('stripComments') ?? false, endDelimiter: p.str('endDelimiter') ?? undefined };
    const parsed = parseSql(text, options);
    return parsed.executionChunks.map((chunk) => executionText(text, chunk, options.stripComments));
  }
  const parsed = executionParse(sql);
  return parsed.executionChunks.map((chunk) => executionText(sql.text, chunk, sql.stripComments));
}

// ---------------------------------------------------------------------------------------------------------------
// shared pieces

function dataType(definition: string | null): string {
  if (definition == null) throw new GenerateError('a column data type is required');
  return toDatabaseDataType(fromDescription(definition));
}

/** SetNullableGenerator (PostgreSQL takes the standard form, with its two spaces after COLUMN) */
function setNullable(db: PgDialect, schemaName: string | null, tableName: string | null, columnName: string | null, nullable: boolean): string {
  return `ALTER TABLE ${db.qualified(schemaName, tableName)} ALTER COLUMN  ${db.escape(columnName, 'column')} ${nullable ? 'DROP NOT NULL' : 'SET NOT NULL'}`;
}

function setTableRemarks(db: PgDialect, schemaName: string | null, tableName: string | null, remarks: string | null): string {
  return `COMMENT ON TABLE ${db.qualified(schemaName, tableName)} IS '${db.escapeString(javaTrim(remarks ?? ''))}'`;
}

function setColumnRemarks(db: PgDialect, schemaName: string | null, tableName: string | null, columnName: string | null, remarks: string | null): string {
  return `COMMENT ON COLUMN ${db.qualified(schemaName, tableName)}.${db.escape(columnName, 'column')} IS '${db.escapeString(javaTrim(remarks ?? ''))}'`;
}

/** UpdateGenerator / InsertGenerator value rendering */
function looksLikeFunctionCall(value: string): boolean {
  return value.startsWith('"SYSIBM"') || value.startsWith('to_date(') || value.toUpperCase() === 'NOW()';
}

export function dataValueToSql(db: PgDialect, value: JValue, forUpdate: boolean): string {
  if (value == null || jToString(value).toUpperCase() === 'NULL') return 'NULL';
  if (typeof value === 'string' && !looksLikeFunctionCall(value)) return `${valueToSqlByClass(value, db)}`;
  if (value instanceof JDate) {
    // UpdateGenerator turns a plain java.util.Date into a java.sql.Date first
    if (forUpdate && value.cls === 'java.util.Date') return db.dateLiteral(new JDate('java.sql.Date', value.epochMs));
    return db.dateLiteral(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof JFunction) return `${db.functionValue(value)}`;
  return jToString(value);
}

/** SqlUtil.replacePredicatePlaceholders: `:name` takes the next column name, `?` and `:value` the next value */
export function replacePredicatePlaceholders(db: PgDialect, predicate: string, params: ColumnConfig[]): string {
  const names = params.map((c) => c.name).filter((n): n is string => n != null);
  const values = params.map((c) => valueObject(c));
  let nameAt = 0;
  let valueAt = 0;
  return javaTrim(predicate).replace(/:name|\?|:value/g, (match) => {
    if (match === ':name') {
      if (nameAt < names.length) return `${db.escape(names[nameAt++], 'column')}`;
      return match;
    }
    if (valueAt < values.length) {
      const value = values[valueAt++];
      if (value == null) throw new GenerateError('a whereParams value is required');
      return `${valueToSqlByClass(value, db)}`;
    }
    return match;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// createTable

interface ForeignKey {
  name: string | null;
  column: string | null;
  references: string | null;
  referencedTableSchemaName: string | null;
  referencedTableName: string | null;
  referencedColumnNames: string | null;
  deleteCascade: boolean;
  initiallyDeferred: boolean;
  deferrable: boolean;
}

function createTable({ p, raw, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const tableName = p.str('tableName');
  const tableType = p.str('tableType');
  const columns = columnsOf(raw);

  const names: (string | null)[] = [];
  const types = new Map<string | null, LiquibaseType | null>();
  const defaults = new Map<string | null, JValue>();
  const computed = new Set<string | null>();
  const notNull = new Set<string | null>();
  const autoIncrement = new Map<string | null, ColumnConfig>();
  const foreignKeys: ForeignKey[] = [];
  const uniques: { name: string | null; columns: (string | null)[] }[] = [];
  let primaryKey: { name: string | null; tablespace: string | null; columns: (string | null)[]; deferrable: boolean; initiallyDeferred: boolean } | null = null;

  for (const column of columns) {
    const constraints = column.constraints;
    let isAutoIncrement = column.autoIncrement === true;
    const type = column.type != null ? fromDescription(column.type + (isAutoIncrement ? '{autoIncrement:true}' : '')) : null;
    if (type?.autoIncrement) isAutoIncrement = true;
    const defaultValue = defaultValueObject(column);

    names.push(column.name);
    types.set(column.name, type);
    if (defaultValue != null) defaults.set(column.name, defaultValue);
    if (constraints?.primaryKey === true) {
      if (primaryKey == null) {
        primaryKey = {
          name: constraints.primaryKeyName,
          tablespace: constraints.primaryKeyTablespace,
          columns: [column.name],
          deferrable: constraints.deferrable === true,
          initiallyDeferred: constraints.initiallyDeferred === true,
        };
      } else {
        primaryKey.columns.push(column.name);
      }
      notNull.add(column.name);
    }
    if (constraints) {
      if (constraints.nullable === false) notNull.add(column.name);
      if (constraints.references != null || (constraints.referencedTableName != null && constraints.referencedColumnNames != null)) {
        if (trimToNull(constraints.foreignKeyName) == null) throw new GenerateError('createTable with references requires foreignKeyName');
        foreignKeys.push({
          name: constraints.foreignKeyName,
          column: column.name,
          references: constraints.references,
          referencedTableSchemaName: constraints.referencedTableSchemaName,
          referencedTableName: constraints.referencedTableName,
          referencedColumnNames: constraints.referencedColumnNames,
          deleteCascade: constraints.deleteCascade === true,
          initiallyDeferred: constraints.initiallyDeferred === true,
          deferrable: constraints.deferrable === true,
        });
      }
      if (constraints.unique === true) uniques.push({ name: constraints.uniqueConstraintName, columns: [column.name] });
    }
    if (isAutoIncrement && !autoIncrement.has(column.name)) autoIncrement.set(column.name, column);
    if (column.computed === true) computed.add(column.name);
  }

  let buffer = 'CREATE ';
  if (tableType != null && tableType !== '') buffer += javaTrim(tableType).toUpperCase() + ' ';
  buffer += 'TABLE ';
  if (p.bool('ifNotExists') === true) buffer += 'IF NOT EXISTS ';
  const temporary = tableType != null && tableType !== '' && javaTrim(tableType).toLowerCase().includes('temp');
  buffer += (temporary ? `${db.escape(tableName)}` : db.qualified(schemaName, tableName)) + ' (';

  names.forEach((column, i) => {
    const type = types.get(column) ?? null;
    const typeSql = type ? toDatabaseDataType(type) : null;
    if (typeSql == null) buffer += db.escapeColumnMaybeFunction(column, false);
    else buffer += `${db.escapeColumnMaybeFunction(column, !computed.has(column))} ${typeSql}`;

    const defaultValue = defaults.get(column) ?? null;
    if (typeSql != null && type != null && !isSerialType(typeSql) && defaultValue != null) {
      const text = jToString(defaultValue);
      buffer += text.startsWith('GENERATED ALWAYS ') || text.includes('IDENTITY GENERATED BY DEFAULT') ? ' ' : ' DEFAULT ';
      buffer += defaultValue instanceof JFunction ? `${db.functionValue(defaultValue)}` : `${objectToSql(type, defaultValue, db)}`;
    }

    const auto = autoIncrement.get(column);
    if (auto && !buffer.toLowerCase().endsWith('serial')) {
      const clause = db.autoIncrementClause(auto.startWith, auto.incrementBy, auto.generationType);
      if (clause !== '') buffer += ' ' + clause;
    }
    if (notNull.has(column)) buffer += ' NOT NULL';
    if (i < names.length - 1) buffer += ', ';
  });
  buffer += ',';

  const pk = primaryKey as { name: string | null; tablespace: string | null; columns: (string | null)[]; deferrable: boolean; initiallyDeferred: boolean } | null;
  if (pk && pk.columns.length > 0) {
    const pkName = trimToNull(pk.name) ?? db.generatePrimaryKeyName(`${tableName}`);
    buffer += ` CONSTRAINT ${db.escape(pkName, 'constraint')} PRIMARY KEY (${db.escapeColumnNameList(pk.columns.join(', '))})`;
    if (pk.tablespace != null && pk.tablespace !== '') buffer += ' USING INDEX TABLESPACE ' + pk.tablespace;
    if (pk.initiallyDeferred) buffer += ' INITIALLY DEFERRED';
    if (pk.deferrable) buffer += ' DEFERRABLE';
    buffer += ',';
  }

  for (const fk of foreignKeys) {
    buffer += ` CONSTRAINT ${db.escape(fk.name, 'constraint')} FOREIGN KEY (${db.escape(fk.column, 'column')}) REFERENCES `;
    if (fk.references != null) {
      let references = fk.references;
      if (!references.includes('.') && db.defaultSchema != null) references = `${db.escape(db.defaultSchema, 'schema')}.${references}`;
      buffer += references;
    } else {
      buffer += `${db.qualified(fk.referencedTableSchemaName, fk.referencedTableName)}(${db.escapeColumnNameList(fk.referencedColumnNames)})`;
    }
    if (fk.deleteCascade) buffer += ' ON DELETE CASCADE';
    if (fk.initiallyDeferred) buffer += ' INITIALLY DEFERRED';
    if (fk.deferrable) buffer += ' DEFERRABLE';
    buffer += ',';
  }

  // unnamed unique constraints first, then the named ones with the columns of equal names combined
  const unnamed = uniques.filter((u) => u.name == null);
  const named = new Map<string, (string | null)[]>();
  for (const u of uniques) {
    if (u.name == null) continue;
    const existing = named.get(u.name);
    if (existing) existing.push(...u.columns);
    else named.set(u.name, [...u.columns]);
  }
  for (const u of [...unnamed, ...[...named].map(([name, cols]) => ({ name, columns: cols }))]) {
    if (u.name != null) buffer += ` CONSTRAINT ${db.escape(u.name, 'constraint')}`;
    buffer += ` UNIQUE (${db.escapeColumnNameList(u.columns.join(', '))}),`;
  }

  let sql = buffer.replace(/,\s*$/, '') + ')';
  const tablespace = trimToNull(p.str('tablespace'));
  if (tablespace != null) sql += ' TABLESPACE ' + tablespace;

  const out = [sql];
  const remarks = p.str('remarks');
  if (trimToNull(remarks) != null) out.push(setTableRemarks(db, schemaName, tableName, remarks));
  for (const column of columns) {
    const columnRemarks = trimToNull(column.remarks);
    if (columnRemarks != null) out.push(setColumnRemarks(db, schemaName, tableName, column.name, columnRemarks));
  }
  return out;
}

/** DatabaseDataType.isAutoIncrement: the serial types, which take no default */
function isSerialType(typeSql: string): boolean {
  const lower = typeSql.toLowerCase();
  return lower === 'serial' || lower === 'bigserial' || lower === 'smallserial';
}

// ---------------------------------------------------------------------------------------------------------------
// addColumn

interface AddColumnStatement {
  column: ColumnConfig;
  defaultValue: JValue;
  notNull: { constraintName: string | null } | null;
  primaryKey: boolean;
  unique: { name: string | null } | null;
  foreignKey: { name: string | null; references: string | null; referencedTableName: string | null; referencedColumnNames: string | null; deleteCascade: boolean; validate: boolean } | null;
  autoIncrement: boolean;
}

function addColumn({ p, raw, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const tableName = p.str('tableName');
  const columns = columnsOf(raw);
  const statements: string[] = [];
  const updates: string[] = [];
  const notNulls: string[] = [];

  for (const column of columns) {
    if (column.afterColumn != null && column.afterColumn !== '') throw new GenerateError('addAfterColumn is not allowed on postgresql');
    if (column.beforeColumn != null && column.beforeColumn !== '') throw new GenerateError('addBeforeColumn is not allowed on postgresql');
    if (column.position != null) throw new GenerateError('addAtPosition is not allowed on postgresql');
    const c = column.constraints;
    const statement: AddColumnStatement = {
      column,
      defaultValue: defaultValueObject(column),
      notNull: null,
      primaryKey: c?.primaryKey === true,
      unique: c?.unique === true ? { name: c.uniqueConstraintName } : null,
      foreignKey: null,
      autoIncrement: column.autoIncrement === true,
    };
    if (c) {
      if (c.nullable === false) {
        if (valueObject(column) != null) {
          // AddNotNullConstraintChange after the value is set
          notNulls.push(...addNotNullConstraint(db, schemaName, tableName, column.name, column.type, null));
        } else {
          statement.notNull = { constraintName: c.notNullConstraintName };
        }
      }
      if (c.references != null || (c.referencedColumnNames != null && c.referencedTableName != null)) {
        statement.foreignKey = {
          name: c.foreignKeyName,
          references: c.references,
          referencedTableName: c.referencedTableName,
          referencedColumnNames: c.referencedColumnNames,
          deleteCascade: c.deleteCascade === true,
          validate: c.validateForeignKey !== false,
        };
      }
    }
    statements.push(...addColumnSql(db, schemaName, tableName, statement));
    const value = valueObject(column);
    if (value != null) {
      updates.push(`UPDATE ${db.qualified(schemaName, tableName)} SET ${db.escape(column.name, 'column')} = ${dataValueToSql(db, value, true)}`);
    }
  }

  const out = [...statements, ...updates, ...notNulls];
  for (const column of columns) {
    const remarks = trimToNull(column.remarks);
    if (remarks != null) out.push(setColumnRemarks(db, schemaName, tableName, column.name, remarks));
  }
  return out;
}

const REFERENCE_PATTERN = /^([\w._]+)\s*\(\s*([\w_]+)\s*\)$/;

function addColumnSql(db: PgDialect, schemaName: string | null, tableName: string | null, s: AddColumnStatement): string[] {
  const column = s.column;
  let sql = `ALTER TABLE ${db.qualified(schemaName, tableName)} ADD ${db.escape(column.name, 'column')}`;
  if (column.type != null) sql += ' ' + toDatabaseDataType(fromDescription(column.type + (s.autoIncrement ? '{autoIncrement:true}' : '')));
  if (s.autoIncrement) sql += ' ' + db.autoIncrementClause(column.startWith, column.incrementBy, column.generationType);
  if (s.defaultValue != null) {
    if (s.defaultValue instanceof JFunction) {
      sql += ` DEFAULT ${valueToSqlByClass(s.defaultValue, db)}`;
    } else {
      if (column.type == null) throw new GenerateError(`addColumn: column ${column.name} has a default value but no type`);
      sql += ` DEFAULT ${objectToSql(fromDescription(column.type), s.defaultValue, db)}`;
    }
  }
  if (s.primaryKey || s.notNull) {
    const name = s.notNull?.constraintName;
    if (name != null && name !== '') sql += ` CONSTRAINT ${db.escape(name, 'constraint')}`;
    sql += ' NOT NULL';
  }
  if (s.primaryKey) sql += ' PRIMARY KEY';

  const out = [sql];
  if (s.unique) {
    out.push(...addUniqueConstraintSql(db, { schemaName, tableName, columnNames: column.name, constraintName: s.unique.name }));
  }
  if (s.foreignKey) {
    const fk = s.foreignKey;
    let referencedSchemaName: string | null = null;
    let referencedTableName: string;
    let referencedColumnNames: string | null;
    if (fk.references != null) {
      const m = REFERENCE_PATTERN.exec(fk.references);
      if (!m) throw new GenerateError(`Don't know how to find table and column names from ${fk.references}`);
      referencedTableName = m[1];
      referencedColumnNames = m[2];
    } else {
      referencedTableName = `${fk.referencedTableName}`;
      referencedColumnNames = fk.referencedColumnNames;
    }
    if (referencedTableName.indexOf('.') > 0) {
      const parts = referencedTableName.split('.');
      referencedSchemaName = parts[0];
      referencedTableName = parts[1];
    }
    out.push(
      addForeignKeyConstraint(db, {
        constraintName: fk.name,
        baseTableSchemaName: schemaName,
        baseTableName: tableName,
        baseColumnNames: column.name,
        referencedTableSchemaName: referencedSchemaName,
        referencedTableName,
        referencedColumnNames,
        onDelete: fk.deleteCascade ? 'CASCADE' : null,
        onUpdate: null,
        deferrable: false,
        initiallyDeferred: false,
        validate: fk.validate,
      }),
    );
  }
  return out;
}

function dropColumn({ p, raw, db }: Input): string[] {
  const table = db.qualified(p.str('schemaName'), p.str('tableName'));
  const columns = columnsOf(raw);
  const names = columns.length > 0 ? columns.map((c) => c.name) : [p.str('columnName')];
  return names.map((name) => `ALTER TABLE ${table} DROP COLUMN ${db.escape(name, 'column')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// not null, defaults

function addNotNullConstraint(
  db: PgDialect,
  schemaName: string | null,
  tableName: string | null,
  columnName: string | null,
  columnDataType: string | null,
  defaultNullValue: string | null,
): string[] {
  const out: string[] = [];
  if (defaultNullValue != null && defaultNullValue.toLowerCase() !== 'null') {
    let value: JValue = defaultNullValue;
    if (columnDataType != null) {
      const type = fromDescription(columnDataType);
      if (type.cls === 'boolean') {
        // the value is rendered as a boolean literal first, then bit types get a bit literal
        let rendered: string | number = `${objectToSql(type, value, db)}`;
        if (rendered === '0') rendered = 0;
        else if (rendered === '1') rendered = 1;
        if (columnDataType.toLowerCase().includes('bit')) rendered = parseJavaBoolean(String(rendered)) ? 1 : 0;
        if (rendered === 0) value = new JFunction("B'0'");
        else if (rendered === 1) value = new JFunction("B'1'");
        else value = String(rendered);
      }
    }
    out.push(`UPDATE ${db.qualified(schemaName, tableName)} SET ${db.escape(columnName, 'column')} = ${dataValueToSql(db, value, true)} WHERE ${db.escape(columnName, 'column')} IS NULL`);
  }
  out.push(setNullable(db, schemaName, tableName, columnName, false));
  return out;
}

/** BooleanUtil.parseBoolean */
function parseJavaBoolean(s: string): boolean {
  const v = javaTrim(s).toLowerCase();
  if (['true', 't', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'f', 'no', 'n', '0'].includes(v)) return false;
  return /^[+-]?\d+$/.test(v) && Math.abs(Number(v)) <= 2147483647 && Number(v) > 0;
}

function addDefaultValue({ p, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const tableName = p.str('tableName');
  const columnName = p.str('columnName');
  let value: JValue = null;
  if (p.str('defaultValue') != null) value = p.str('defaultValue');
  else if (p.bool('defaultValueBoolean') != null) value = p.bool('defaultValueBoolean');
  else if (p.str('defaultValueNumeric') != null) value = parsedNumberOrFunction(p.str('defaultValueNumeric') as string);
  else if (p.str('defaultValueDate') != null) value = parsedDateOrFunction(p.str('defaultValueDate') as string);
  else if (p.str('defaultValueComputed') != null) value = new JFunction(p.str('defaultValueComputed'));
  else if (p.str('defaultValueSequenceNext') != null) value = new JFunction(p.str('defaultValueSequenceNext'), 'sequenceNext', schemaName);
  if (value == null) throw new GenerateError('defaultValue is required');

  const columnDataType = p.str('columnDataType');
  if (columnDataType != null) {
    const type = fromDescription(columnDataType);
    const isFunction = value instanceof JFunction;
    const mismatch =
      (type.cls === 'boolean' && typeof value !== 'boolean' && !isFunction) ||
      (['char', 'varchar', 'nchar', 'nvarchar'].includes(type.cls) && typeof value !== 'string' && !isFunction);
    if (mismatch) throw new GenerateError(`Default value of ${jToString(value)} does not match defined type of ${columnDataType}`);
  }
  return addDefaultValueSql(db, schemaName, tableName, columnName, value);
}

/** AddDefaultValueGeneratorPostgres: a sequence default also makes the column own the sequence */
function addDefaultValueSql(db: PgDialect, schemaName: string | null, tableName: string | null, columnName: string | null, value: Exclude<JValue, null>): string[] {
  const out = [`ALTER TABLE ${db.qualified(schemaName, tableName)} ALTER COLUMN  ${db.escape(columnName, 'column')} SET DEFAULT ${valueToSqlByClass(value, db)}`];
  if (value instanceof JFunction && value.kind === 'sequenceNext') {
    out.push(`ALTER SEQUENCE ${db.qualified(value.schemaName, value.value, 'sequence')} OWNED BY ${db.qualified(schemaName, tableName)}.${db.escape(columnName, 'column')}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// indexes and constraints

/** on PostgreSQL an index that belongs to a primary key, unique constraint or foreign key is left to that constraint */
function associatedWithConstraint(p: Params): boolean {
  const associatedWith = p.str('associatedWith');
  if (associatedWith == null) return false;
  const marks = splitAndTrim(associatedWith);
  return marks.includes('primaryKey') || marks.includes('uniqueConstraint') || marks.includes('foreignKey');
}

function createIndex({ p, raw, db }: Input): string[] {
  if (associatedWithConstraint(p)) return [];
  const table = db.qualified(p.str('schemaName'), p.str('tableName'));
  const indexName = p.str('indexName');
  let sql = 'CREATE ';
  if (p.bool('unique') === true) sql += 'UNIQUE ';
  sql += 'INDEX ';
  if (indexName != null) sql += `${db.escape(indexName, 'index')} `;
  sql += `ON ${table}(`;
  sql += columnsOf(raw)
    .map((column) => {
      let name: string;
      if (column.computed == null) name = db.escapeColumnMaybeFunction(column.name, false);
      else if (column.computed) name = `${column.name}`;
      else name = `${db.escape(column.name, 'column')}`;
      return name + (column.descending === true ? ' DESC' : '');
    })
    .join(', ');
  sql += ')';
  const tablespace = p.str('tablespace');
  if (trimToNull(tablespace) != null) sql += ' TABLESPACE ' + tablespace;
  const out = [sql];
  if (p.bool('clustered') === true) out.push(`CLUSTER ${table} USING ${db.escape(indexName, 'index')}`);
  return out;
}

interface ForeignKeySpec {
  constraintName: string | null;
  baseTableSchemaName: string | null;
  baseTableName: string | null;
  baseColumnNames: string | null;
  referencedTableSchemaName: string | null;
  referencedTableName: string | null;
  referencedColumnNames: string | null;
  onDelete: string | null;
  onUpdate: string | null;
  deferrable: boolean;
  initiallyDeferred: boolean;
  validate: boolean;
}

/**
 * AddForeignKeyConstraintChange as loaded: Liquibase sets onDelete before deleteCascade (the order of its
 * parameter map), and setDeleteCascade(true) only gives CASCADE when onDelete is unset; any other use of
 * deleteCascade clears onDelete.
 */
function foreignKeyOf(p: Params): ForeignKeySpec {
  let onDelete = p.str('onDelete');
  const deleteCascade = p.bool('deleteCascade');
  if (deleteCascade != null) onDelete = deleteCascade && onDelete == null ? 'CASCADE' : null;
  return {
    constraintName: p.str('constraintName'),
    baseTableSchemaName: p.str('baseTableSchemaName'),
    baseTableName: p.str('baseTableName'),
    baseColumnNames: p.str('baseColumnNames'),
    referencedTableSchemaName: p.str('referencedTableSchemaName'),
    referencedTableName: p.str('referencedTableName'),
    referencedColumnNames: p.str('referencedColumnNames'),
    onDelete,
    onUpdate: p.str('onUpdate'),
    deferrable: p.bool('deferrable') ?? false,
    initiallyDeferred: p.bool('initiallyDeferred') ?? false,
    validate: p.bool('validate') ?? true,
  };
}

function addForeignKeyConstraint(db: PgDialect, fk: ForeignKeySpec): string {
  let sql = `ALTER TABLE ${db.qualified(fk.baseTableSchemaName, fk.baseTableName)} ADD CONSTRAINT ${db.escape(fk.constraintName, 'constraint')}`;
  sql += ` FOREIGN KEY (${db.escapeColumnNameList(fk.baseColumnNames)}) REFERENCES ${db.qualified(fk.referencedTableSchemaName, fk.referencedTableName)} (${db.escapeColumnNameList(fk.referencedColumnNames)})`;
  if (fk.onUpdate != null) sql += ' ON UPDATE ' + fk.onUpdate;
  if (fk.onDelete != null) sql += ' ON DELETE ' + fk.onDelete;
  if (fk.deferrable || fk.initiallyDeferred) {
    if (fk.deferrable) sql += ' DEFERRABLE';
    if (fk.initiallyDeferred) sql += ' INITIALLY DEFERRED';
  }
  if (!fk.validate) sql += ' NOT VALID ';
  return sql;
}

interface UniqueSpec {
  schemaName: string | null;
  tableName: string | null;
  columnNames: string | null;
  constraintName: string | null;
  deferrable?: boolean;
  initiallyDeferred?: boolean;
  clustered?: boolean;
  forIndexName?: string | null;
  forIndexSchemaName?: string | null;
  tablespace?: string | null;
}

function addUniqueConstraint({ p, db }: Input): string[] {
  return addUniqueConstraintSql(db, {
    schemaName: p.str('schemaName'),
    tableName: p.str('tableName'),
    columnNames: p.str('columnNames'),
    constraintName: p.str('constraintName'),
    deferrable: p.bool('deferrable') ?? false,
    initiallyDeferred: p.bool('initiallyDeferred') ?? false,
    clustered: p.bool('clustered') ?? false,
    forIndexName: p.str('forIndexName'),
    forIndexSchemaName: p.str('forIndexSchemaName'),
    tablespace: p.str('tablespace'),
  });
}

function addUniqueConstraintSql(db: PgDialect, u: UniqueSpec): string[] {
  const table = db.qualified(u.schemaName, u.tableName);
  const unique = `UNIQUE${u.clustered ? ' CLUSTERED ' : ' '}(${db.escapeColumnNameList(u.columnNames)})`;
  let sql = u.constraintName == null ? `ALTER TABLE ${table} ADD ${unique}` : `ALTER TABLE ${table} ADD CONSTRAINT ${db.escape(u.constraintName, 'constraint')} ${unique}`;
  if (u.deferrable) sql += ' DEFERRABLE';
  if (u.initiallyDeferred) sql += ' INITIALLY DEFERRED';
  let usingIndex = false;
  if (u.forIndexName != null) {
    sql += ' USING INDEX ' + db.qualified(u.forIndexSchemaName ?? null, u.forIndexName, 'index');
    usingIndex = true;
  }
  if (trimToNull(u.tablespace ?? null) != null) {
    if (!usingIndex) sql += ' USING INDEX';
    sql += ' TABLESPACE ' + u.tablespace;
  }
  return [sql];
}

interface PrimaryKeySpec {
  schemaName: string | null;
  tableName: string | null;
  columnNames: string | null;
  constraintName: string | null;
  tablespace?: string | null;
  clustered?: boolean | null;
}

function addPrimaryKey(db: PgDialect, pk: PrimaryKeySpec): string[] {
  const table = db.qualified(pk.schemaName, pk.tableName);
  let sql =
    pk.constraintName == null
      ? `ALTER TABLE ${table} ADD PRIMARY KEY (${db.escapeColumnNameList(pk.columnNames)})`
      : `ALTER TABLE ${table} ADD CONSTRAINT ${db.escape(pk.constraintName, 'constraint')} PRIMARY KEY (${db.escapeColumnNameList(pk.columnNames)})`;
  if (trimToNull(pk.tablespace ?? null) != null) sql += ' USING INDEX TABLESPACE ' + pk.tablespace;
  if (pk.clustered === true && pk.constraintName != null) return [sql, `CLUSTER ${table} USING ${db.escape(pk.constraintName, 'constraint')}`];
  return [sql];
}

function dropPrimaryKey({ p, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const tableName = p.str('tableName');
  const constraintName = p.str('constraintName');
  if (constraintName != null) return [`ALTER TABLE ${db.qualified(schemaName, tableName)} DROP CONSTRAINT ${db.escape(constraintName, 'constraint')}`];
  // without a name, PostgreSQL gets a block that looks the primary key up
  const schema = db.correctObjectName(schemaName ?? db.defaultSchema, 'schema');
  const table = db.correctObjectName(tableName, 'table');
  // Liquibase always knows the connection's default schema; without one here, the block asks the server for it
  const schemaLiteral = schema == null ? 'current_schema()' : `'${schema}'`;
  const schemaInSql = schema == null ? `' || quote_ident(current_schema()) || '` : db.escape(schema, 'schema');
  return [
    'DO $$ DECLARE constraint_name varchar;\n' +
      'BEGIN\n' +
      '  SELECT tc.CONSTRAINT_NAME into strict constraint_name\n' +
      '    FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc\n' +
      "    WHERE CONSTRAINT_TYPE = 'PRIMARY KEY'\n" +
      `      AND TABLE_NAME = '${table}' AND TABLE_SCHEMA = ${schemaLiteral};\n` +
      `    EXECUTE 'alter table ${schemaInSql}.${db.escape(table)} drop constraint "' || constraint_name || '"';\n` +
      'END $$;',
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// views and sequences

function createView({ change, p, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const viewName = p.str('viewName');
  const replaceIfExists = p.bool('replaceIfExists') === true;
  const fullDefinition = p.bool('fullDefinition') === true;
  const selectQuery = p.has('path') ? change.sql?.text ?? null : trimToNull(p.str('selectQuery') ?? change.sql?.text ?? null);
  if (selectQuery == null) throw new GenerateError('selectQuery is required');
  const view = db.qualified(schemaName, viewName, 'view');

  // Liquibase parses the query into clauses keyed by their text and replaces the first `create` clause
  let sql = fullDefinition ? selectQuery : `CREATE VIEW ${view} AS ${selectQuery}`;
  if (replaceIfExists && !selectQuery.toUpperCase().includes('OR REPLACE')) {
    const at = firstCreateToken(selectQuery);
    if (at >= 0) {
      const offset = fullDefinition ? 0 : sql.length - selectQuery.length;
      sql = sql.slice(0, offset + at) + 'CREATE OR REPLACE' + sql.slice(offset + at + 'create'.length);
    } else if (!fullDefinition) {
      sql = 'CREATE OR REPLACE' + sql.slice('CREATE'.length);
    } else {
      throw new GenerateError("Key 'create' is not defined");
    }
  }
  const out = [sql];
  const remarks = p.str('remarks');
  if (trimToNull(remarks) != null) out.push(`COMMENT ON VIEW ${view} IS '${db.escapeString(javaTrim(remarks ?? ''))}'`);
  return out;
}

/**
 * CreateProcedureChange.generateStatements + CreateProcedureGenerator on PostgreSQL: the procedure text (inline, or the
 * file with ${} expanded), the schema put before the name that follows the word PROCEDURE when schemaName is set
 * (useProcedureSchema, on by default), `DROP PROCEDURE IF EXISTS <name>` first for replaceIfExists, and a trailing
 * `;` removed. The text goes to the server as one statement, as Liquibase sends it through JDBC.
 */
function createProcedure({ change, p, db }: Input): string[] {
  const text = p.has('path') ? (change.sql?.text ?? null) : trimToNull(p.str('procedureText') ?? p.str('procedureBody') ?? change.sql?.text ?? null);
  const out: string[] = [];
  if (p.bool('replaceIfExists') === true) out.push(`DROP PROCEDURE IF EXISTS ${db.escape(p.str('procedureName'), 'procedure')}`);
  if (text == null) return out;
  const schemaName = p.str('schemaName');
  const procedureText = removeTrailingDelimiter(schemaName == null ? text : addSchemaToText(text, schemaName, db), ';');
  out.push(procedureText);
  return out;
}

/** CreateProcedureGenerator.addSchemaToText: the schema before the name that follows the first word PROCEDURE */
function addSchemaToText(text: string, schemaName: string, db: PgDialect): string {
  if (trimToNull(schemaName) == null) return text;
  const re = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$.]*|\s+|[\s\S]/g;
  let afterKeyword = false;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const token = m[0];
    if (/^\s+$/.test(token) || token.startsWith('--') || token.startsWith('/*')) continue;
    if (!afterKeyword) {
      if (token.toUpperCase() === 'PACKAGE') return text;
      if (token.toUpperCase() === 'PROCEDURE') afterKeyword = true;
      continue;
    }
    const parts = token.split('.');
    const schema = db.escape(schemaName, 'schema');
    const name = parts.length === 1 ? `${schema}.${parts[0]}` : parts.length === 2 ? `${schema}.${parts[1]}` : parts.length === 3 ? `${parts[0]}.${schema}.${parts[2]}` : token;
    return text.slice(0, m.index) + name + text.slice(m.index + token.length);
  }
  return text;
}

/**
 * CreateProcedureGenerator.removeTrailingDelimiter: when the text, without trailing comments and whitespace, ends with
 * the delimiter, that shortened text without the delimiter; otherwise the text unchanged.
 */
function removeTrailingDelimiter(text: string, delimiter: string): string {
  let body = text;
  for (let changed = true; changed; ) {
    changed = false;
    const block = /\/\*(?:(?!\/\*)[\s\S])*?\*\/\s*$/.exec(body);
    if (block && block[0].length > 0) {
      body = body.slice(0, block.index);
      changed = true;
    }
    const lastLine = body.slice(body.lastIndexOf('\n') + 1);
    const dash = lastLine.indexOf('--');
    if (dash >= 0 && body.trim().length > 0) {
      body = body.slice(0, body.length - lastLine.length + dash);
      changed = true;
    }
  }
  body = body.replace(/\s+$/, '');
  return body.endsWith(delimiter) ? body.slice(0, body.length - delimiter.length) : text;
}

/** where the first word `create` (any case) is, outside quotes and comments; -1 if none */
function firstCreateToken(sql: string): number {
  const re = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|[\s\S]/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    if (m[0].toLowerCase() === 'create') return m.index;
  }
  return -1;
}

interface SequenceSpec {
  schemaName: string | null;
  sequenceName: string | null;
  dataType?: string | null;
  startValue?: string | null;
  incrementBy?: string | null;
  minValue?: string | null;
  maxValue?: string | null;
  cacheSize?: string | null;
  ordered?: boolean | null;
  cycle?: boolean | null;
}

/** CreateSequenceGenerator on PostgreSQL 9.5+ (the double space before IF NOT EXISTS is Liquibase's) */
function createSequence(db: PgDialect, s: SequenceSpec): string {
  let sql = 'CREATE SEQUENCE  IF NOT EXISTS ' + db.qualified(s.schemaName, s.sequenceName, 'sequence');
  if (s.dataType != null) sql += ' AS ' + s.dataType;
  if (s.startValue != null) sql += ' START WITH ' + s.startValue;
  if (s.incrementBy != null) sql += ' INCREMENT BY ' + s.incrementBy;
  if (s.minValue != null) sql += ' MINVALUE ' + s.minValue;
  if (s.maxValue != null) sql += ' MAXVALUE ' + s.maxValue;
  if (s.cacheSize != null && s.cacheSize !== '0') sql += ' CACHE ' + s.cacheSize;
  if (s.ordered === true) sql += ' ORDER';
  if (s.cycle === true) sql += ' CYCLE';
  return sql;
}

function alterSequence({ p, db }: Input): string[] {
  let sql = 'ALTER SEQUENCE ' + db.qualified(p.str('schemaName'), p.str('sequenceName'), 'sequence');
  const dataType = p.str('dataType');
  if (dataType != null) sql += ' AS ' + dataType;
  const incrementBy = p.bigint('incrementBy');
  if (incrementBy != null) sql += ' INCREMENT BY ' + incrementBy;
  const minValue = p.bigint('minValue');
  if (minValue != null) sql += ' MINVALUE ' + minValue;
  const maxValue = p.bigint('maxValue');
  if (maxValue != null) sql += ' MAXVALUE ' + maxValue;
  const ordered = p.bool('ordered');
  if (ordered != null) sql += ordered ? ' ORDER ' : ' NOORDER ';
  const cacheSize = p.bigint('cacheSize');
  if (cacheSize != null) sql += cacheSize === '0' ? ' NOCACHE ' : ' CACHE ' + cacheSize;
  const cycle = p.bool('cycle');
  if (cycle != null) sql += cycle ? ' CYCLE ' : ' NO CYCLE ';
  return [sql];
}

// ---------------------------------------------------------------------------------------------------------------
// data

export function needsPreparedStatement(column: ColumnConfig): boolean {
  const type = column.type?.toUpperCase();
  return column.valueBlobFile != null || column.valueClobFile != null || type === 'BLOB' || type === 'CLOB';
}

function insert({ p, raw, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const columns = columnsOf(raw);
  if (columns.some(needsPreparedStatement)) {
    throw new GenerateError('insert with valueBlobFile, valueClobFile or a BLOB/CLOB column runs as a JDBC prepared statement; it has no SQL text');
  }
  // InsertStatement keeps one value per column name, in first-seen order
  const values = new Map<string | null, JValue>();
  for (const column of columns) {
    if (column.autoIncrement === true) continue;
    const value = valueObject(column);
    if (value instanceof JFunction && value.kind !== 'function') value.schemaName = schemaName;
    values.set(column.name, value);
  }
  let sql = `INSERT INTO ${db.qualified(schemaName, p.str('tableName'))} (`;
  for (const name of values.keys()) sql += `${db.escape(name, 'column')}, `;
  sql = deleteLast(deleteLast(sql, ' '), ',');
  sql += ') VALUES ';
  sql += '(';
  for (const value of values.values()) sql += dataValueToSql(db, value, false) + ', ';
  sql = deleteLast(deleteLast(sql, ' '), ',');
  sql += ')';
  return [sql];
}

/** String.compareTo: UTF-16 code unit order */
export function javaCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** StringBuilder.deleteCharAt(lastIndexOf(c)) when present */
function deleteLast(s: string, c: string): string {
  const at = s.lastIndexOf(c);
  return at >= 0 ? s.slice(0, at) + s.slice(at + 1) : s;
}

function update({ p, raw, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const columns = columnsOf(raw);
  if (columns.some((c) => c.valueBlobFile != null || c.valueClobFile != null)) {
    throw new GenerateError('update with valueBlobFile or valueClobFile runs as a JDBC prepared statement; it has no SQL text');
  }
  const values = new Map<string | null, JValue>();
  for (const column of columns) {
    const value = valueObject(column);
    if (value instanceof JFunction && value.kind !== 'function') value.schemaName = schemaName;
    values.set(column.name, value);
  }
  let sql = `UPDATE ${db.qualified(schemaName, p.str('tableName'))} SET`;
  // UpdateStatement keeps its new values in a TreeMap: the columns come out sorted by name
  for (const [name, value] of [...values].sort(([a], [b]) => javaCompare(a ?? '', b ?? ''))) sql += ` ${db.escape(name, 'column')} = ${dataValueToSql(db, value, true)},`;
  sql = deleteLast(sql, ',');
  const where = p.str('where');
  if (where != null) sql += ' WHERE ' + replacePredicatePlaceholders(db, where, whereParamsOf(raw));
  return [sql];
}

// ---------------------------------------------------------------------------------------------------------------
// addAutoIncrement, addLookupTable, mergeColumns

function addAutoIncrement({ p, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const tableName = p.str('tableName');
  const columnName = p.str('columnName');
  // PostgreSQL: a sequence named after the column, owned by it, as its default
  let sequenceName = `${tableName}_${columnName}_seq`;
  const escapedTable = db.escape(tableName);
  const escapedColumn = db.escape(columnName);
  if (escapedTable != null && escapedColumn != null && !escapedTable.startsWith('"') && !escapedColumn.startsWith('"')) {
    sequenceName = sequenceName.toLowerCase();
  }
  const schemaPrefix = schemaName ?? db.defaultSchema;
  const nextValue = new JFunction(sequenceName, 'sequenceNext', schemaPrefix);
  return [
    createSequence(db, { schemaName, sequenceName, incrementBy: p.bigint('incrementBy'), startValue: p.bigint('startWith') }),
    setNullable(db, schemaName, tableName, columnName, false),
    ...addDefaultValueSql(db, schemaName, tableName, columnName, nextValue),
  ];
}

function addLookupTable({ p, db }: Input): string[] {
  const newSchema = p.str('newTableSchemaName');
  const newTable = p.str('newTableName');
  const newColumn = p.str('newColumnName');
  const existingSchema = p.str('existingTableSchemaName');
  const existingTable = p.str('existingTableName');
  const existingColumn = p.str('existingColumnName');
  const existing = db.escape(existingColumn, 'column');
  return [
    `CREATE TABLE ${db.qualified(newSchema, newTable)} AS SELECT DISTINCT ${existing} AS ${db.escape(newColumn, 'column')} FROM ${db.qualified(existingSchema, existingTable)} WHERE ${existing} IS NOT NULL`,
    ...addNotNullConstraint(db, newSchema, newTable, newColumn, p.str('newColumnDataType'), null),
    ...addPrimaryKey(db, { schemaName: newSchema, tableName: newTable, columnNames: newColumn, constraintName: null }),
    addForeignKeyConstraint(db, {
      constraintName: lookupConstraintName(p),
      baseTableSchemaName: existingSchema,
      baseTableName: existingTable,
      baseColumnNames: existingColumn,
      referencedTableSchemaName: newSchema,
      referencedTableName: newTable,
      referencedColumnNames: newColumn,
      onDelete: null,
      onUpdate: null,
      deferrable: false,
      initiallyDeferred: false,
      validate: true,
    }),
  ];
}

/** AddLookupTableChange.getFinalConstraintName */
export function lookupConstraintName(p: Params): string {
  return p.str('constraintName') ?? `FK_${p.str('existingTableName')}_${p.str('newTableName')}`.toUpperCase();
}

function mergeColumns({ p, db }: Input): string[] {
  const schemaName = p.str('schemaName');
  const tableName = p.str('tableName');
  const finalColumn = p.str('finalColumnName');
  const finalType = p.str('finalColumnType');
  const table = db.qualified(schemaName, tableName);
  return [
    `ALTER TABLE ${table} ADD ${db.escape(finalColumn, 'column')}${finalType != null ? ' ' + dataType(finalType) : ''}`,
    `UPDATE ${table} SET ${db.escape(finalColumn, 'column')} = ${db.escape(p.str('column1Name'), 'column')} || '${p.str('joinString')}' || ${db.escape(p.str('column2Name'), 'column')}`,
    `ALTER TABLE ${table} DROP COLUMN ${db.escape(p.str('column1Name'), 'column')}`,
    `ALTER TABLE ${table} DROP COLUMN ${db.escape(p.str('column2Name'), 'column')}`,
  ];
}
