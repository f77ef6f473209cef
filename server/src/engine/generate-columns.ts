// A change's parameters and its `column` entries read the way Liquibase 4.28 loads them (AbstractChange.load,
// ColumnConfig.load, ConstraintsConfig): each value converted to the Java type of its property, in the same order,
// so that the fallbacks (a valueNumeric that is not a number becomes a valueComputed, …) come out the same.

import {
  isoDateParse,
  JDate,
  JFunction,
  JNumber,
  type JValue,
  javaNumberFormatParse,
  yamlToBigInteger,
  yamlToBoolean,
  yamlToDate,
  yamlToInteger,
  yamlToString,
} from './generate-java';

export type Raw = Record<string, unknown>;

export function asRaw(value: unknown): Raw {
  return value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) ? (value as Raw) : {};
}

/** typed access to a change's (or a column's) parameters, converted like ParsedNode.getChildValue */
export class Params {
  /** `source(key)`: the parameter's scalar as written in the changelog, when the file is known */
  constructor(
    readonly raw: Raw,
    private readonly source?: (key: string) => string | undefined,
  ) {}
  has(key: string): boolean {
    return this.raw[key] != null;
  }
  str(key: string): string | null {
    return yamlToString(this.raw[key]);
  }
  bool(key: string): boolean | null {
    return yamlToBoolean(this.raw[key]);
  }
  bigint(key: string): string | null {
    const value = this.raw[key];
    return yamlToBigInteger(value, key, typeof value === 'number' && !Number.isSafeInteger(value) ? this.source?.(key) : undefined);
  }
  int(key: string): number | null {
    return yamlToInteger(this.raw[key], key);
  }
}

export interface ConstraintsConfig {
  nullable: boolean | null;
  notNullConstraintName: string | null;
  primaryKey: boolean | null;
  primaryKeyName: string | null;
  primaryKeyTablespace: string | null;
  references: string | null;
  referencedTableCatalogName: string | null;
  referencedTableSchemaName: string | null;
  referencedTableName: string | null;
  referencedColumnNames: string | null;
  unique: boolean | null;
  uniqueConstraintName: string | null;
  checkConstraint: string | null;
  deleteCascade: boolean | null;
  foreignKeyName: string | null;
  initiallyDeferred: boolean | null;
  deferrable: boolean | null;
  validateNullable: boolean | null;
  validateUnique: boolean | null;
  validatePrimaryKey: boolean | null;
  validateForeignKey: boolean | null;
}

export interface ColumnConfig {
  /** the entry as written, for inverses */
  raw: Raw;
  name: string | null;
  computed: boolean | null;
  type: string | null;
  autoIncrement: boolean | null;
  startWith: string | null;
  incrementBy: string | null;
  remarks: string | null;
  descending: boolean | null;
  value: string | null;
  valueNumeric: JNumber | null;
  valueDate: JDate | null;
  valueBoolean: boolean | null;
  valueComputed: JFunction | null;
  valueBlobFile: string | null;
  valueClobFile: string | null;
  valueSequenceNext: JFunction | null;
  valueSequenceCurrent: JFunction | null;
  defaultValueConstraintName: string | null;
  defaultValue: string | null;
  defaultValueNumeric: JNumber | null;
  defaultValueDate: JDate | null;
  defaultValueBoolean: boolean | null;
  defaultValueComputed: JFunction | null;
  defaultValueSequenceNext: JFunction | null;
  defaultOnNull: boolean | null;
  generationType: string | null;
  constraints: ConstraintsConfig | null;
  afterColumn: string | null;
  beforeColumn: string | null;
  position: number | null;
}

/**
 * ColumnConfig.setValueNumeric(String) / setDefaultValueNumeric(String): a number as written (parentheses
 * stripped) or, when NumberFormat cannot read it, a function.
 */
function numericOrFunction(text: string | null): { number?: JNumber; fn?: JFunction } {
  if (text == null || text.toLowerCase() === 'null') return {};
  const saved = text;
  let s = text;
  if (s.startsWith('(')) s = s.replace(/^\(/, '').replace(/\)$/, '');
  const parsed = javaNumberFormatParse(s);
  if (!parsed) return { fn: new JFunction(saved) };
  return { number: new JNumber(s, 'ValueNumeric', parsed.cls) };
}

/** convertObject(value, Date.class), or the function Liquibase falls back to when that throws */
function dateOrFunction(v: unknown): { date?: JDate; fn?: JFunction } {
  if (v == null) return {};
  const date = yamlToDate(v);
  if (date) return { date };
  return { fn: new JFunction(yamlToString(v)) };
}

/** ColumnConfig.load */
export function parseColumn(raw: Raw): ColumnConfig {
  const p = new Params(raw);
  const c: ColumnConfig = {
    raw,
    name: p.str('name'),
    computed: p.bool('computed'),
    type: p.str('type'),
    autoIncrement: p.bool('autoIncrement'),
    startWith: p.bigint('startWith'),
    incrementBy: p.bigint('incrementBy'),
    remarks: p.str('remarks'),
    descending: p.bool('descending'),
    value: p.str('value'),
    valueNumeric: null,
    valueDate: null,
    valueBoolean: null,
    valueComputed: null,
    valueBlobFile: null,
    valueClobFile: null,
    valueSequenceNext: null,
    valueSequenceCurrent: null,
    defaultValueConstraintName: null,
    defaultValue: null,
    defaultValueNumeric: null,
    defaultValueDate: null,
    defaultValueBoolean: null,
    defaultValueComputed: null,
    defaultValueSequenceNext: null,
    defaultOnNull: null,
    generationType: null,
    constraints: null,
    afterColumn: p.str('afterColumn'),
    beforeColumn: p.str('beforeColumn'),
    position: p.int('position'),
  };
  const numeric = numericOrFunction(p.str('valueNumeric'));
  if (numeric.number) c.valueNumeric = numeric.number;
  if (numeric.fn) c.valueComputed = numeric.fn;
  const date = dateOrFunction(raw.valueDate);
  if (date.date) c.valueDate = date.date;
  if (date.fn) c.valueComputed = date.fn;
  c.valueBoolean = p.bool('valueBoolean');
  c.valueBlobFile = p.str('valueBlobFile');
  c.valueClobFile = p.str('valueClobFile');
  if (p.has('valueComputed')) c.valueComputed = new JFunction(p.str('valueComputed'));
  if (p.has('valueSequenceNext')) c.valueSequenceNext = new JFunction(p.str('valueSequenceNext'), 'sequenceNext');
  if (p.has('valueSequenceCurrent')) c.valueSequenceCurrent = new JFunction(p.str('valueSequenceCurrent'), 'sequenceCurrent');

  c.defaultValueConstraintName = p.str('defaultValueConstraintName');
  c.defaultValue = p.str('defaultValue');
  const defaultNumeric = p.str('defaultValueNumeric');
  if (defaultNumeric === 'GENERATED_BY_DEFAULT') {
    c.autoIncrement = true;
  } else {
    const n = numericOrFunction(defaultNumeric);
    if (n.number) c.defaultValueNumeric = n.number;
    if (n.fn) c.defaultValueComputed = n.fn;
  }
  const defaultDate = dateOrFunction(raw.defaultValueDate);
  if (defaultDate.date) c.defaultValueDate = defaultDate.date;
  if (defaultDate.fn) c.defaultValueComputed = defaultDate.fn;
  c.defaultValueBoolean = p.bool('defaultValueBoolean');
  if (p.has('defaultValueComputed')) c.defaultValueComputed = new JFunction(p.str('defaultValueComputed'));
  if (p.has('defaultValueSequenceNext')) c.defaultValueSequenceNext = new JFunction(p.str('defaultValueSequenceNext'), 'sequenceNext');
  c.defaultOnNull = p.bool('defaultOnNull');
  c.generationType = p.str('generationType');
  if (raw.constraints != null) c.constraints = parseConstraints(asRaw(raw.constraints));
  return c;
}

function parseConstraints(raw: Raw): ConstraintsConfig {
  const p = new Params(raw);
  return {
    nullable: p.bool('nullable'),
    notNullConstraintName: p.str('notNullConstraintName'),
    primaryKey: p.bool('primaryKey'),
    primaryKeyName: p.str('primaryKeyName'),
    primaryKeyTablespace: p.str('primaryKeyTablespace'),
    references: p.str('references'),
    referencedTableCatalogName: p.str('referencedTableCatalogName'),
    referencedTableSchemaName: p.str('referencedTableSchemaName'),
    referencedTableName: p.str('referencedTableName'),
    referencedColumnNames: p.str('referencedColumnNames'),
    unique: p.bool('unique'),
    uniqueConstraintName: p.str('uniqueConstraintName'),
    checkConstraint: p.str('checkConstraint'),
    deleteCascade: p.bool('deleteCascade'),
    foreignKeyName: p.str('foreignKeyName'),
    initiallyDeferred: p.bool('initiallyDeferred'),
    deferrable: p.bool('deferrable'),
    validateNullable: p.bool('validateNullable'),
    validateUnique: p.bool('validateUnique'),
    validatePrimaryKey: p.bool('validatePrimaryKey'),
    validateForeignKey: p.bool('validateForeignKey'),
  };
}

/** ColumnConfig.getValueObject */
export function valueObject(c: ColumnConfig): JValue {
  return (
    c.value ?? c.valueBoolean ?? c.valueNumeric ?? c.valueDate ?? c.valueComputed ?? c.valueClobFile ?? c.valueBlobFile ??
    c.valueSequenceNext ?? c.valueSequenceCurrent ?? null
  );
}

/** ColumnConfig.getDefaultValueObject */
export function defaultValueObject(c: ColumnConfig): JValue {
  return c.defaultValue ?? c.defaultValueBoolean ?? c.defaultValueNumeric ?? c.defaultValueDate ?? c.defaultValueComputed ?? c.defaultValueSequenceNext ?? null;
}

/** ColumnConfig.hasDefaultValue */
export function hasDefaultValue(c: ColumnConfig): boolean {
  return defaultValueObject(c) != null;
}

/**
 * The column entries of a change: `columns:` items first, then `column:` entries, each either `{column: {…}}` or
 * the column's own mapping (AbstractChange.load).
 */
export function columnEntries(raw: Raw, key = 'columns'): Raw[] {
  const out: Raw[] = [];
  // AbstractChange.load: a `columns` (or `column`) node whose children include `column` entries holds exactly those
  // columns, and anything else in it (e.g. a stray `- addUniqueConstraint:` item) is ignored; a node without `column`
  // children is itself one column.
  const load = (node: unknown) => {
    const items = Array.isArray(node) ? node : [node];
    const columns: unknown[] = [];
    let wrapped = false;
    for (const item of items) {
      const entry = asRaw(item);
      if (!('column' in entry)) continue;
      wrapped = true;
      if (Array.isArray(entry.column)) columns.push(...entry.column);
      else columns.push(entry.column);
    }
    if (wrapped) {
      for (const column of columns) if (column != null && typeof column === 'object') out.push(asRaw(column));
      return;
    }
    for (const item of items) {
      const entry = asRaw(item);
      if (Object.keys(entry).length > 0) out.push(entry);
    }
  };
  if (raw[key] != null) load(raw[key]);
  if (key === 'columns' && raw.column != null) load(raw.column);
  return out;
}

/** the columns of a change */
export function columnsOf(raw: Raw): ColumnConfig[] {
  return columnEntries(raw).map(parseColumn);
}

/** whereParams: `- param: {…}` entries */
export function whereParamsOf(raw: Raw): ColumnConfig[] {
  const out: ColumnConfig[] = [];
  const add = (item: unknown) => {
    if (Array.isArray(item)) {
      item.forEach(add);
      return;
    }
    const entry = asRaw(item);
    if (entry.param != null) add(entry.param);
    else if (Object.keys(entry).length > 0) out.push(parseColumn(entry));
  };
  add(raw.whereParams);
  return out;
}

/** AddDefaultValueChange's defaultValueNumeric: NumberFormat's Long or Double, else a function */
export function parsedNumberOrFunction(text: string): JValue {
  const parsed = javaNumberFormatParse(text);
  return parsed ? new JNumber(parsed.text, parsed.cls) : new JFunction(text);
}

/** AddDefaultValueChange's defaultValueDate: ISODateFormat's date, else a function */
export function parsedDateOrFunction(text: string): JValue {
  return isoDateParse(text) ?? new JFunction(text);
}

