// What Liquibase 4.28's PostgresDatabase (with AbstractJdbcDatabase) contributes to generated SQL: identifier
// quoting under the objectQuotingStrategy, the default-schema prefix, function values (NOW(), nextval), date
// literals and the identity clause. Assumes a PostgreSQL 10+ server, as in the golden runs.

import { type JDate, type JFunction, javaSplit, javaTrim, trimToNull } from './generate-java';

export type ObjectQuotingStrategy = 'LEGACY' | 'QUOTE_ALL_OBJECTS' | 'QUOTE_ONLY_RESERVED_WORDS';

export interface GenerateContext {
  /** the connection's current schema (`public` in the golden runs); undefined = no connection: names stay unqualified */
  defaultSchema?: string;
  /** the changeset's objectQuotingStrategy; Liquibase's default is LEGACY */
  objectQuotingStrategy?: ObjectQuotingStrategy | string;
  /**
   * the changelog file that holds the change (the changeset's `file`), and how to read it: for number spellings the
   * YAML value lost, such as `maxValue: 9223372036854775807`
   */
  file?: string;
  readFile?: (path: string) => string | undefined;
}

/** the kinds of object Liquibase escapes; only Schema makes a difference on PostgreSQL (and only for correctObjectName) */
export type ObjectKind = 'table' | 'column' | 'schema' | 'index' | 'sequence' | 'view' | 'constraint' | 'procedure';

// PostgresDatabase's reserved words (PostgreSQL 9.6's "reserved" keywords)
const RESERVED = new Set(
  (
    'ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC AUTHORIZATION BINARY BOTH CASE CAST CHECK COLLATE COLLATION ' +
    'COLUMN CONCURRENTLY CONSTRAINT CREATE CROSS CURRENT_CATALOG CURRENT_DATE CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME ' +
    'CURRENT_TIMESTAMP CURRENT_USER DEFAULT DEFERRABLE DESC DISTINCT DO ELSE END EXCEPT FALSE FETCH FOR FOREIGN FREEZE ' +
    'FROM FULL GRANT GROUP HAVING ILIKE IN INITIALLY INNER INTERSECT INTO IS ISNULL JOIN LATERAL LEADING LEFT LIKE LIMIT ' +
    'LOCALTIME LOCALTIMESTAMP NATURAL NOT NOTNULL NULL OFFSET ON ONLY OR ORDER OUTER OVERLAPS PLACING PRIMARY REFERENCES ' +
    'RETURNING RIGHT SELECT SESSION_USER SIMILAR SOME SYMMETRIC TABLE TABLESAMPLE THEN TO TRAILING TRUE UNION UNIQUE USER ' +
    'USING VARIADIC VERBOSE WHEN WHERE WINDOW WITH'
  ).split(' '),
);

export class PgDialect {
  readonly defaultSchema: string | null;
  readonly quoting: ObjectQuotingStrategy;

  constructor(context: GenerateContext = {}) {
    this.defaultSchema = trimToNull(context.defaultSchema ?? null);
    const q = String(context.objectQuotingStrategy ?? 'LEGACY').toUpperCase();
    this.quoting = q === 'QUOTE_ALL_OBJECTS' || q === 'QUOTE_ONLY_RESERVED_WORDS' ? q : 'LEGACY';
  }

  isReservedWord(name: string): boolean {
    return RESERVED.has(name.toUpperCase());
  }

  private static hasMixedCase(name: string): boolean {
    return /[A-Z]/.test(name) && /[a-z]/.test(name);
  }

  private mustQuote(name: string): boolean {
    return name.includes('-') || /^[0-9]/.test(name) || this.isReservedWord(name) || /[^A-Za-z0-9_]/.test(name);
  }

  quoteObject(name: string): string {
    return '"' + name.replace(/"/g, '""') + '"';
  }

  /** Database.escapeObjectName(name, type); null stays null (and prints as `null` when concatenated, like Java) */
  escape(name: string | null | undefined, _kind: ObjectKind = 'table'): string | null {
    if (name == null) return null;
    if (this.quoting === 'LEGACY' && PgDialect.hasMixedCase(name)) return '"' + name + '"';
    if (this.mustQuote(name) || this.quoting === 'QUOTE_ALL_OBJECTS') return this.quoteObject(name);
    return javaTrim(name);
  }

  /** escapeObjectName(catalog, schema, name, type): the schema, else the default schema, as a prefix */
  qualified(schemaName: string | null | undefined, name: string | null | undefined, kind: ObjectKind = 'table'): string {
    const schema = trimToNull(schemaName ?? null) ?? this.defaultSchema;
    if (schema == null) return `${this.escape(name, kind)}`;
    return `${this.escape(schema, 'schema')}.${this.escape(name, kind)}`;
  }

  /** escapeColumnName(catalog, schema, table, column, quoteNamesThatMayBeFunctions) */
  escapeColumnMaybeFunction(name: string | null | undefined, quoteNamesThatMayBeFunctions: boolean): string {
    if (name == null) return 'null';
    if (this.quoting === 'QUOTE_ALL_OBJECTS') return this.quoteObject(name);
    if (name.includes('(')) return quoteNamesThatMayBeFunctions ? this.quoteObject(name) : name;
    return `${this.escape(name, 'column')}`;
  }

  /** escapeColumnNameList: comma-separated names, each escaped, a trailing ASC dropped and DESC kept */
  escapeColumnNameList(names: string | null | undefined): string {
    if (names == null) return 'null';
    return javaSplit(names, ',')
      .map((raw) => {
        let name = javaTrim(raw);
        let descending = false;
        if (/^[^\n\r]*\s+DESC$/i.test(name)) {
          name = name.replace(/\s+DESC$/i, '');
          descending = true;
        } else if (/^[^\n\r]*\s+ASC$/i.test(name)) {
          name = name.replace(/\s+ASC$/i, '');
        }
        return `${this.escape(name, 'column')}${descending ? ' DESC' : ''}`;
      })
      .join(', ');
  }

  /** PostgresDatabase.correctObjectName under LEGACY: lower-cased unless it needs quoting */
  correctObjectName(name: string | null, kind: ObjectKind): string | null {
    if (name == null) return null;
    if (this.quoting !== 'LEGACY') {
      if (this.quoting === 'QUOTE_ALL_OBJECTS' || (name.startsWith('"') && name.endsWith('"'))) return name;
      return name.toLowerCase();
    }
    void kind;
    if (name.includes('-') || PgDialect.hasMixedCase(name) || /^[0-9]/.test(name) || this.isReservedWord(name)) return name;
    return name.toLowerCase();
  }

  /** escapeStringForDatabase: every ' doubled */
  escapeString(s: string): string {
    return s.replace(/'/g, "''");
  }

  currentDateTimeFunction(): string {
    return 'NOW()';
  }

  /** Database.isFunction: ends with () or is the current date-time function */
  isFunction(s: string): boolean {
    return s.endsWith('()') || s.toUpperCase() === 'NOW()';
  }

  /** generateDatabaseFunctionValue */
  functionValue(fn: JFunction): string | null {
    if (fn.value == null) return null;
    const lower = fn.value.toLowerCase();
    if (lower.startsWith('current_timestamp') || lower.startsWith('current_datetime') || lower === 'now()') {
      return this.currentDateTimeFunction();
    }
    if (fn.kind === 'sequenceNext') return `nextval('${this.qualified(fn.schemaName, fn.value, 'sequence')}')`;
    if (fn.kind === 'sequenceCurrent') return `currval('${this.qualified(fn.schemaName, fn.value, 'sequence')}')`;
    return fn.value;
  }

  /** getDateLiteral(String isoDate) */
  dateLiteralFromIso(iso: string): string {
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso) || /^\d{2}:\d{2}:\d{2}$/.test(iso) || isNowOrToday(iso)) return `'${iso}'`;
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?$/.test(iso)) return `'${iso.replace(/T/g, ' ')}'`;
    return 'BAD_DATE_FORMAT:' + iso;
  }

  /** getDateLiteral(java.util.Date) and its java.sql overloads */
  dateLiteral(date: JDate): string {
    return this.dateLiteralFromIso(date.isoFormat());
  }

  /** getAutoIncrementClause(startWith, incrementBy, generationType, defaultOnNull) */
  autoIncrementClause(startWith: string | null, incrementBy: string | null, generationType: string | null): string {
    let clause = generationType == null || generationType === '' ? 'GENERATED BY DEFAULT AS IDENTITY' : `GENERATED ${generationType} AS IDENTITY`;
    const generateStart = startWith != null && BigInt(startWith) !== 1n;
    const generateBy = incrementBy != null && BigInt(incrementBy) !== 1n;
    if (generateStart || generateBy) {
      clause += ' (';
      if (generateStart) clause += `START WITH ${startWith}`;
      if (generateBy) clause += `${generateStart ? ' ' : ''}INCREMENT BY ${incrementBy}`;
      clause += ')';
    }
    return clause;
  }

  /** PostgresDatabase.generatePrimaryKeyName: table name + _pkey, within 63 UTF-8 bytes */
  generatePrimaryKeyName(tableName: string): string {
    const bytes = Buffer.from(tableName, 'utf8');
    const allowed = 63 - '_pkey'.length;
    if (bytes.length <= allowed) return tableName + '_pkey';
    const base = bytes.subarray(0, allowed).toString('utf8');
    return base.slice(0, base.length - 1) + '_pkey';
  }
}

function isNowOrToday(value: string): boolean {
  const lower = value.toLowerCase();
  return lower.startsWith('now') || lower.startsWith('today');
}
