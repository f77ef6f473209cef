// Liquibase 4.28's data types (liquibase.datatype.*) as they behave on PostgreSQL 10+: how a type written in a
// changelog (`int`, `varchar(255)`, `timestamp`, `java.sql.Types.BLOB`, …) becomes the type in the DDL
// (DataTypeFactory.fromDescription + toDatabaseDataType), and how a value is written as SQL for a column of that
// type (objectToSql).

import type { PgDialect } from './generate-db';
import { GenerateError, JDate, JFunction, JNumber, type JValue, javaSplit, javaTrim, jToString, trimToNull } from './generate-java';

export type TypeClass =
  | 'bigint' | 'blob' | 'boolean' | 'char' | 'clob' | 'currency' | 'function' | 'datetime' | 'date' | 'decimal'
  | 'double' | 'float' | 'int' | 'mediumint' | 'nchar' | 'nvarchar' | 'number' | 'smallint' | 'time' | 'timestamp'
  | 'tinyint' | 'uuid' | 'varchar' | 'xml' | 'unknown';

/** DataTypeInfo names and aliases, lower-cased as DataTypeFactory registers them */
const REGISTRY: Record<string, TypeClass> = {};
const register = (cls: TypeClass, names: string[]) => {
  for (const n of names) REGISTRY[n.toLowerCase()] = cls;
};
register('bigint', ['bigint', 'java.sql.Types.BIGINT', 'java.math.BigInteger', 'java.lang.Long', 'integer8', 'bigserial', 'serial8', 'int8']);
register('blob', ['blob', 'longblob', 'longvarbinary', 'java.sql.Types.BLOB', 'java.sql.Types.LONGBLOB', 'java.sql.Types.LONGVARBINARY', 'java.sql.Types.VARBINARY', 'java.sql.Types.BINARY', 'varbinary', 'binary', 'image', 'tinyblob', 'mediumblob', 'long binary', 'long varbinary']);
register('boolean', ['boolean', 'java.sql.Types.BOOLEAN', 'java.lang.Boolean', 'bit', 'bool']);
register('char', ['char', 'java.sql.Types.CHAR', 'bpchar', 'character']);
register('clob', ['clob', 'longvarchar', 'text', 'longtext', 'java.sql.Types.LONGVARCHAR', 'java.sql.Types.CLOB', 'nclob', 'longnvarchar', 'ntext', 'java.sql.Types.LONGNVARCHAR', 'java.sql.Types.NCLOB', 'tinytext', 'mediumtext', 'long varchar', 'long nvarchar']);
register('currency', ['currency', 'money', 'smallmoney']);
register('function', ['function', 'liquibase.statement.DatabaseFunction']);
register('datetime', ['datetime', 'java.sql.Types.DATETIME', 'java.util.Date', 'smalldatetime', 'datetime2']);
register('date', ['date', 'java.sql.Types.DATE', 'java.sql.Date']);
register('decimal', ['decimal', 'java.sql.Types.DECIMAL', 'java.math.BigDecimal']);
register('double', ['double', 'java.sql.Types.DOUBLE', 'java.lang.Double']);
register('float', ['float', 'java.sql.Types.FLOAT', 'java.lang.Float', 'real', 'java.sql.Types.REAL']);
register('int', ['int', 'integer', 'java.sql.Types.INTEGER', 'java.lang.Integer', 'serial', 'int4', 'serial4']);
register('mediumint', ['mediumint']);
register('nchar', ['nchar', 'java.sql.Types.NCHAR', 'nchar2']);
register('nvarchar', ['nvarchar', 'java.sql.Types.NVARCHAR', 'nvarchar2', 'national']);
register('number', ['number', 'numeric', 'java.sql.Types.NUMERIC']);
register('smallint', ['smallint', 'java.sql.Types.SMALLINT', 'int2', 'smallserial']);
register('time', ['time', 'java.sql.Types.TIME', 'java.sql.Time', 'timetz']);
register('timestamp', ['timestamp', 'java.sql.Types.TIMESTAMP', 'java.sql.Types.TIMESTAMP_WITH_TIMEZONE', 'java.sql.Timestamp', 'timestamptz']);
register('tinyint', ['tinyint', 'java.sql.Types.TINYINT']);
register('uuid', ['uuid', 'uniqueidentifier', 'java.util.UUID']);
register('varchar', ['varchar', 'java.sql.Types.VARCHAR', 'java.lang.String', 'varchar2', 'character varying']);
register('xml', ['xml', 'xmltype', 'java.sql.Types.SQLXML']);

/** the DataTypeInfo name of each class (LiquibaseDataType.getName()) */
const NAMES: Record<Exclude<TypeClass, 'unknown'>, string> = {
  bigint: 'bigint', blob: 'blob', boolean: 'boolean', char: 'char', clob: 'clob', currency: 'currency', function: 'function',
  datetime: 'datetime', date: 'date', decimal: 'decimal', double: 'double', float: 'float', int: 'int', mediumint: 'mediumint',
  nchar: 'nchar', nvarchar: 'nvarchar', number: 'number', smallint: 'smallint', time: 'time', timestamp: 'timestamp',
  tinyint: 'tinyint', uuid: 'uuid', varchar: 'varchar', xml: 'xml',
};

/** the classes that have an autoIncrement property (others reject `{autoIncrement:true}`) */
const HAS_AUTO_INCREMENT = new Set<TypeClass>(['bigint', 'int', 'smallint', 'tinyint', 'mediumint', 'decimal', 'number', 'unknown']);

const JAVA_CLASS: Record<TypeClass, string> = {
  bigint: 'BigIntType', blob: 'BlobType', boolean: 'BooleanType', char: 'CharType', clob: 'ClobType', currency: 'CurrencyType',
  function: 'DatabaseFunctionType', datetime: 'DateTimeType', date: 'DateType', decimal: 'DecimalType', double: 'DoubleType',
  float: 'FloatType', int: 'IntType', mediumint: 'MediumIntType', nchar: 'NCharType', nvarchar: 'NVarcharType',
  number: 'NumberType', smallint: 'SmallIntType', time: 'TimeType', timestamp: 'TimestampType', tinyint: 'TinyIntType',
  uuid: 'UUIDType', varchar: 'VarcharType', xml: 'XMLType', unknown: 'UnknownType',
};

export interface LiquibaseType {
  cls: TypeClass;
  name: string;
  params: string[];
  additionalInformation: string | null;
  /** the definition as given to fromDescription (with any `{autoIncrement:true}`) */
  rawDefinition: string;
  autoIncrement: boolean;
}

/** DataTypeFactory.fromDescription */
export function fromDescription(definition: string): LiquibaseType {
  if (/^\$\{.*}$/s.test(definition)) return unknown(definition, definition);

  let typeName = definition;
  if (/^.+\(.*\).*$/.test(typeName)) typeName = typeName.replace(/\s*\(.*\)/, '');
  if (/^.+\{.*$/.test(typeName)) typeName = typeName.replace(/\s*\{.*/, '');

  let identity = false;
  if (typeName.toLowerCase().endsWith(' identity')) {
    typeName = typeName.toLowerCase().replace(/ identity$/, '');
    identity = true;
  }

  for (const [open, close] of [['"', '"'], ['[', ']'], ['`', '`'], ["'", "'"]]) {
    if (typeName.startsWith(open)) {
      const closeAt = typeName.indexOf(close, open.length);
      if (closeAt !== -1 && typeName.indexOf(close, closeAt + close.length) === -1) {
        typeName = typeName.slice(open.length, closeAt) + typeName.slice(closeAt + close.length);
        break;
      }
    }
  }

  let additional: string | null = null;
  const lower = typeName.toLowerCase();
  if (!['bit varying', 'character varying', 'long varchar', 'long nvarchar', 'long binary', 'long varbinary'].some((p) => lower.startsWith(p))) {
    const trimmed = javaTrim(typeName);
    const m = /^(\S*)\s+([\s\S]*)$/.exec(trimmed);
    if (m) {
      typeName = m[1];
      additional = m[2];
    } else {
      typeName = trimmed;
    }
  }

  const cls = REGISTRY[typeName.toLowerCase()];
  let type: LiquibaseType;
  if (cls === undefined) {
    type = typeName.toUpperCase().startsWith('INTERVAL') ? unknown(definition, definition) : unknown(typeName, definition);
  } else {
    type = { cls, name: NAMES[cls as Exclude<TypeClass, 'unknown'>], params: [], additionalInformation: null, rawDefinition: definition, autoIncrement: false };
  }
  type.additionalInformation = additional;

  if (/^.+\s*\(/.test(definition)) {
    const inside = definition.replace(/^.*?\(/, '').replace(/\).*/, '');
    for (const p of javaSplit(inside, ',')) {
      let param = trimToNull(p);
      if (param == null) continue;
      if (type.cls === 'char' || type.cls === 'varchar' || type.cls === 'nchar' || type.cls === 'nvarchar') param = param.replace(' BYTE', '');
      type.params.push(param);
    }
  }

  if (/^.*\{/.test(definition)) {
    const inside = definition.replace(/^.*?\{/, '').replace(/\}.*/, '');
    for (const p of javaSplit(inside, ',')) {
      const param = trimToNull(p);
      if (param == null) continue;
      const colon = param.indexOf(':');
      if (colon < 0) throw new GenerateError(`Data type definition contains unparseable embedded information: \`${definition}\``);
      const key = param.slice(0, colon);
      const value = param.slice(colon + 1);
      if (key !== 'autoIncrement' || !HAS_AUTO_INCREMENT.has(type.cls)) {
        throw new GenerateError(`Property [${key}] was not found for object type [liquibase.datatype.core.${JAVA_CLASS[type.cls]}]`);
      }
      type.autoIncrement = value.toLowerCase() === 'true';
    }
  }

  if (identity && (type.cls === 'int' || type.cls === 'bigint')) type.autoIncrement = true;

  // finishInitialization
  const rawLower = definition.toLowerCase();
  if (type.cls === 'int' && rawLower.startsWith('serial')) type.autoIncrement = true;
  if ((type.cls === 'bigint' || type.cls === 'smallint') && rawLower.includes('serial')) type.autoIncrement = true;
  return type;
}

function unknown(name: string, rawDefinition: string): LiquibaseType {
  return { cls: 'unknown', name, params: [], additionalInformation: null, rawDefinition, autoIncrement: false };
}

/** DatabaseDataType(name, params...) + addAdditionalInformation */
function ddt(name: string, params: (string | number)[] = [], additional: string | null = null): string {
  let out = name;
  if (params.length > 0) out += '(' + params.map((p) => (p == null ? 'NULL' : String(p))).join(', ') + ')';
  if (additional != null) out += ' ' + additional;
  return out;
}

/** LiquibaseDataType.toDatabaseDataType for PostgreSQL 10+ (convertDataTypes=true) */
export function toDatabaseDataType(t: LiquibaseType): string {
  const raw = javaTrim(t.rawDefinition);
  const rawLower = raw.toLowerCase();
  const base = () => ddt(t.name.toUpperCase(), t.params, t.additionalInformation);
  switch (t.cls) {
    case 'bigint':
      return ddt('BIGINT', [], t.additionalInformation);
    case 'int':
      return 'INTEGER';
    case 'smallint':
    case 'tinyint':
      return 'SMALLINT';
    case 'mediumint':
      return base();
    case 'boolean':
      return rawLower.startsWith('bit') ? ddt('BIT', t.params) : base();
    case 'blob':
      return rawLower.startsWith('blob') || raw === 'java.sql.Types.BLOB' ? 'OID' : 'BYTEA';
    case 'char':
    case 'varchar':
    case 'nchar': {
      if (t.params.length === 1) {
        const parameter = t.params[0].replace(/(?<=\d+)\s*CHAR$/i, '');
        if (parameter === '2147483647') return 'CHARACTER VARYING';
        return ddt(t.name.toUpperCase(), [parameter], t.additionalInformation);
      }
      return base();
    }
    case 'nvarchar':
      return ddt('VARCHAR', t.params);
    case 'clob':
      return 'TEXT';
    case 'currency':
      return 'DECIMAL';
    case 'datetime':
      return dateTimeType(t, rawLower);
    case 'timestamp':
      return timestampType(t, raw, rawLower);
    case 'date':
      return 'date';
    case 'time': {
      const validated = t.params.length > 0 && parseJavaInt(t.params[0]) <= 6 ? t.params : [];
      let type = ddt('time', validated);
      if (t.params.length === 0) {
        const m = /(\(\d+\))/.exec(rawLower);
        if (m) type = type + m[1];
      } else if (validated.length === 0 && t.params.length >= 2) {
        type = ddt('time', [t.params[1]]);
      }
      return type + (rawLower.includes('tz') || rawLower.includes('with time zone') ? ' WITH TIME ZONE' : ' WITHOUT TIME ZONE');
    }
    case 'decimal':
    case 'float':
      if (t.cls === 'float' && rawLower === 'real') return 'REAL';
      return base();
    case 'double':
      return 'DOUBLE PRECISION';
    case 'number': {
      if (t.params.length > 0) {
        const first = tryJavaInt(t.params[0]);
        if (first !== undefined && first > 1000) return 'numeric';
      }
      return ddt('numeric', t.params);
    }
    case 'uuid':
      return 'UUID';
    case 'xml':
      return 'XML';
    case 'function':
      return base();
    case 'unknown': {
      const lowerName = t.name.toLowerCase();
      const max = lowerName === 'enum' || lowerName === 'set' ? Infinity : 2;
      return ddt(t.name.toUpperCase(), t.params.slice(0, max), t.additionalInformation);
    }
  }
}

function dateTimeType(t: LiquibaseType, rawLower: string): string {
  const tz = rawLower.includes('tz') || rawLower.includes('with time zone');
  if (t.params.length === 0) return tz ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP WITHOUT TIME ZONE';
  const param = t.params.length === 2 ? t.params[1] : t.params[0];
  return `TIMESTAMP(${param}) ${tz ? 'WITH' : 'WITHOUT'} TIME ZONE`;
}

/** PostgreSQL keeps at most 6 fractional digits */
const MAX_FRACTIONAL_DIGITS = 6;

function timestampType(t: LiquibaseType, raw: string, rawLower: string): string {
  let type = 'TIMESTAMP';
  if (t.params.length > 0) {
    const desired = tryJavaInt(t.params[0]);
    if (desired === undefined) {
      throw new GenerateError(`A timestamp with '${t.params[0]}' fractional digits was requested, but '${t.params[0]}' does not seem to be an integer.`);
    }
    if (desired > MAX_FRACTIONAL_DIGITS) {
      throw new GenerateError(
        `A timestamp datatype with ${desired} fractional digits was requested, but PostgreSQL only supports ${MAX_FRACTIONAL_DIGITS} digits.`,
      );
    }
    type = `TIMESTAMP(${desired})`;
  }
  if (raw.startsWith('java.sql.Types.TIMESTAMP_WITH_TIMEZONE')) return type + ' WITH TIME ZONE';
  if (t.additionalInformation != null) {
    let additional = t.additionalInformation;
    if (additional.toUpperCase().includes('TIMEZONE')) additional = additional.toUpperCase().replace(/TIMEZONE/g, 'TIME ZONE');
    return type + ' ' + additional;
  }
  return dateTimeType(t, rawLower);
}

function tryJavaInt(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Math.abs(n) <= 2147483647 ? n : undefined;
}

function parseJavaInt(s: string): number {
  const n = tryJavaInt(s);
  if (n === undefined) throw new GenerateError(`For input string: "${s}"`);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Values as SQL

/** the Java class name DataTypeFactory.fromObject looks up for a value */
export function javaClassOf(value: Exclude<JValue, null>): string {
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (value instanceof JNumber) {
    const cls = value.cls === 'ValueNumeric' ? value.delegate ?? 'Long' : value.cls;
    return cls === 'BigInteger' || cls === 'BigDecimal' ? `java.math.${cls}` : `java.lang.${cls}`;
  }
  if (value instanceof JFunction) {
    return value.kind === 'sequenceNext'
      ? 'liquibase.statement.SequenceNextValueFunction'
      : value.kind === 'sequenceCurrent'
        ? 'liquibase.statement.SequenceCurrentValueFunction'
        : 'liquibase.statement.DatabaseFunction';
  }
  return value.cls;
}

/** DataTypeFactory.fromObject(value).objectToSql(value) */
export function valueToSqlByClass(value: Exclude<JValue, null>, db: PgDialect): string | null {
  return objectToSql(fromDescription(javaClassOf(value)), value, db);
}

function isNullish(value: JValue): value is null {
  return value == null || jToString(value).toLowerCase() === 'null';
}

/** formatNumber: a trailing `.0…` is removed */
function formatNumber(s: string): string {
  return s.replace(/\.0+$/, '');
}

function classCast(value: Exclude<JValue, null>, target: string): GenerateError {
  return new GenerateError(`class ${javaClassOf(value)} cannot be cast to class ${target}`);
}

/** LiquibaseDataType.objectToSql for each type class, on PostgreSQL */
export function objectToSql(t: LiquibaseType, value: JValue, db: PgDialect): string | null {
  switch (t.cls) {
    case 'bigint':
    case 'int':
    case 'tinyint':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return value.toString();
      return formatNumber(jToString(value));
    case 'smallint':
    case 'mediumint':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return value.toString();
      if (typeof value === 'boolean') return value ? '1' : '0';
      return formatNumber(jToString(value));
    case 'boolean':
      return booleanToSql(value);
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return value.toString();
      return `'${db.escapeString(jToString(value))}'`;
    case 'clob': {
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return value.toString();
      const s = jToString(value);
      return s.startsWith("'") ? s : `'${db.escapeString(s)}'`;
    }
    case 'datetime':
    case 'timestamp':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return db.functionValue(value);
      if (db.isFunction(jToString(value))) return jToString(value);
      if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
      if (value instanceof JDate && value.cls === 'java.sql.Timestamp') return db.dateLiteral(value);
      throw classCast(value, 'java.sql.Timestamp');
    case 'date':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return db.functionValue(value);
      if (jToString(value) === 'CURRENT_TIMESTAMP()') return db.currentDateTimeFunction();
      if (value instanceof JDate) return db.dateLiteral(value);
      if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
      throw classCast(value, 'java.lang.String');
    case 'time':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return db.functionValue(value);
      if (value instanceof JDate && value.cls === 'java.sql.Time') return db.dateLiteral(value);
      if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
      throw classCast(value, 'java.lang.String');
    case 'blob':
      if (value == null) return null;
      if (typeof value === 'string') return `'${value}'`;
      return jToString(value);
    case 'xml':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return db.functionValue(value);
      if (value instanceof JNumber) return formatNumber(value.toString());
      return `xml '${db.escapeString(jToString(value))}'`;
    case 'function':
      if (isNullish(value)) return null;
      if (value instanceof JFunction) return db.functionValue(value);
      return jToString(value);
    case 'unknown': {
      if (value instanceof JFunction) return baseObjectToSql(value, db);
      return `'${baseObjectToSql(value, db)}'`;
    }
    default:
      return baseObjectToSql(value, db);
  }
}

/** LiquibaseDataType.objectToSql (the base implementation); UUIDType uses it too on PostgreSQL */
function baseObjectToSql(value: JValue, db: PgDialect): string | null {
  if (isNullish(value)) return null;
  if (value instanceof JFunction) return db.functionValue(value);
  if (value instanceof JNumber) return formatNumber(value.toString());
  return jToString(value);
}

function booleanToSql(value: JValue): string | null {
  if (isNullish(value)) return null;
  if (typeof value === 'string') {
    const v = value.replace(/'/g, '');
    const lower = v.toLowerCase();
    if (lower === 'true' || v === '1' || lower === "b'1'" || lower === 't') return 'TRUE';
    if (lower === 'false' || v === '0' || lower === "b'0'" || lower === 'f') return 'FALSE';
    if (/^b?([01])\1*(::bit|::"bit")?$/.test(v)) return "b'" + v.replace(/b/g, '').replace(/"/g, '').replace(/::it/g, '') + "'::\"bit\"";
    throw new GenerateError(`Unknown boolean value: ${v}`);
  }
  if (value instanceof JNumber) {
    if (value.cls === 'Long') return value.text === '1' ? 'TRUE' : 'FALSE';
    const s = value.toString();
    return s === '1' || s === '1.0' ? 'TRUE' : 'FALSE';
  }
  if (value instanceof JFunction) return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  throw new GenerateError(`Cannot convert type class ${value.cls} to a boolean value`);
}
