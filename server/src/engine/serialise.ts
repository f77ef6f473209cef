// What Liquibase 4.28 hashes for a change that is not SQL: the text its StringChangeLogSerializer writes for the
// change object after loading it from the changelog. Reproducing it takes three steps, each following the
// Liquibase sources at tag v4.28.0:
//
//  1. load: from `change.raw` (the YAML value after alias resolution and ${} expansion), build the Java object the
//     change class would hold: which parameters exist (bean properties with a getter and a setter that are change
//     properties), their Java types (String, Boolean, BigInteger, column configs …), how ParsedNode converts YAML
//     values to them, and what setters and getters do on the way (defaults, trimming, side effects).
//  2. select: the fields the serialiser sees: getter values that are not null, minus the fields a change excludes
//     from its checksum for the checksum version, with the per-class serialisation overrides.
//  3. write: `name:[` + one line per field, sorted as Java strings, nested objects and lists indented by four
//     spaces per level + `]`.
//
// `raw` keeps YAML values as JavaScript values, which loses the spelling of numbers (`0.00` and `0` are both 0, but
// Java writes "0.0" for the first) and turns YAML timestamps into empty objects. Where that matters the scalar's
// source text is read from the changelog file at the change's range (see SourceOptions).

import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import { parseYamlDocument } from '../changelog/yaml-fast';
import { LineIndex } from '../changelog/line-index';
import type { Change, Range } from '../changelog/model';

/** Where the YAML text of a change can be read, for number and timestamp spellings that `raw` does not keep. */
export interface SourceOptions {
  /** the changelog file that holds the change (a changeset's `file`) */
  file?: string;
  /** reads a file; defaults to the disk. Pass the editor's text (e.g. `changelog.files.get(p)?.text`) when it differs. */
  readFile?: (path: string) => string | undefined;
}

export interface SerialiseOptions extends SourceOptions {
  /** checksum version whose field selection to use (9, or 8 and older); default 9 */
  version?: number;
}

// ---- the Java object model the serialiser walks -------------------------------------------------------------

/** A LiquibaseSerializable (a change, a column config, a constraints config): written as a nested `[ … ]` block. */
class JObject {
  constructor(readonly fields: Map<string, JValue | undefined>) {}
}

/** A java.util.Map field (customChange params): written as `{ key="value", … }`. */
class JMap {
  constructor(readonly entries: Map<string, string>) {}
}

/** Scalars are kept as the string Java's toString() gives; lists hold objects or scalars. */
type JValue = string | JObject | JMap | JValue[];

const INDENT = '    ';

/** Java's TreeSet<String> order: UTF-16 code units, which is also JavaScript's default sort order. */
function javaSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function writeObject(object: JObject, indent: number): string {
  const lines: string[] = [];
  for (const [field, value] of object.fields) {
    if (value === undefined) continue;
    if (value instanceof JObject) lines.push(INDENT.repeat(indent) + writeObject(value, indent + 1));
    else if (value instanceof JMap) lines.push(INDENT.repeat(indent) + field + '=' + writeMap(value, indent + 1));
    else if (Array.isArray(value)) lines.push(INDENT.repeat(indent) + field + '=' + writeList(value, indent + 1));
    else lines.push(INDENT.repeat(indent) + field + '="' + value + '"');
  }
  let out = '[';
  if (lines.length > 0) out += '\n' + javaSorted(lines).join('\n') + '\n';
  out += INDENT.repeat(indent - 1) + ']';
  return standardiseLineEndings(out);
}

function writeList(list: JValue[], indent: number): string {
  if (list.length === 0) return '[]';
  let out = '[\n';
  for (const item of list) {
    out += INDENT.repeat(indent) + (item instanceof JObject ? writeObject(item, indent + 1) : javaToStringOfListItem(item)) + ',\n';
  }
  return removeLastComma(out) + INDENT.repeat(indent - 1) + ']';
}

function writeMap(map: JMap, indent: number): string {
  if (map.entries.size === 0) return '[]';
  let out = '{\n';
  for (const key of javaSorted(map.entries.keys())) out += INDENT.repeat(indent) + key + '="' + map.entries.get(key) + '",\n';
  return removeLastComma(out) + INDENT.repeat(indent - 1) + '}';
}

function javaToStringOfListItem(item: JValue): string {
  if (typeof item === 'string') return item;
  if (Array.isArray(item)) return '[' + item.map(javaToStringOfListItem).join(', ') + ']';
  return String(item);
}

/**
 * Java's `replaceFirst(",$", "")` on text that ends with ",\n": `$` also matches before a final line terminator,
 * so the comma before the last newline goes.
 */
function removeLastComma(text: string): string {
  const m = /,(\r\n|[\n\r\u0085\u2028\u2029])?$/.exec(text);
  return m ? text.slice(0, m.index) + text.slice(m.index + 1) : text;
}

export function standardiseLineEndings(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\r/g, '\n');
}

// ---- Java value conversions ---------------------------------------------------------------------------------

/** Java's String.trim(): removes every character up to U+0020 from both ends. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return text.slice(start, end);
}

function trimToNull(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = javaTrim(text);
  return t === '' ? undefined : t;
}

/** Java's Double.toString (shortest digits; plain notation from 10^-3 to 10^7, else d.dddE±n). */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const a = Math.abs(d);
  const [mantissa, exponentText] = a.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (a >= 1e-3 && a < 1e7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exponent}`;
}

// SnakeYAML's YAML 1.1 int resolver (Liquibase reads YAML and JSON changelogs with SnakeYAML)
const SNAKE_INT =
  /^(?:[-+]?0b_*[0-1][0-1_]*|[-+]?0_*[0-7][0-7_]*|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x_*[0-9a-fA-F][0-9a-fA-F_]*|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

/** The decimal value of a YAML 1.1 int as SnakeYAML constructs it (Integer, Long or BigInteger). */
function snakeYamlInt(source: string): string | undefined {
  if (!SNAKE_INT.test(source)) return undefined;
  let text = source.replace(/_/g, '');
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    text = text.slice(1);
  }
  let value: bigint;
  if (text === '0') value = 0n;
  else if (text.startsWith('0b')) value = BigInt('0b' + text.slice(2));
  else if (text.startsWith('0x')) value = BigInt('0x' + text.slice(2));
  else if (text.startsWith('0')) value = BigInt('0o' + text.slice(1));
  else if (text.includes(':')) value = text.split(':').reduce((sum, part) => sum * 60n + BigInt(part), 0n);
  else value = BigInt(text);
  return (negative ? -value : value).toString();
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** java.util.Date.toString() in a JVM running in UTC (as the golden runs did): `Fri Jan 05 00:00:00 UTC 2024`. */
function javaDateToString(epochMillis: number): string {
  const d = new Date(epochMillis);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** new java.sql.Timestamp(millis) formatted by Liquibase's ISODateFormat (UTC JVM): `yyyy-MM-ddTHH:mm:ss[.fraction]`. */
function isoTimestamp(epochMillis: number): string {
  const d = new Date(epochMillis);
  let text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const millis = d.getUTCMilliseconds();
  if (millis) text += '.' + pad(millis, 3).replace(/0+$/, '');
  return text;
}

/**
 * A YAML 1.1 timestamp as Liquibase's CustomConstructYamlTimestamp builds it: a date alone or a time with an
 * offset give a java.util.Date (`epochMillis`); a time without an offset (or with `Z`) gives the String
 * `yyyy-MM-dd HH:mm:ss` in the JVM's zone.
 */
type YamlTimestamp = { epochMillis: number } | { text: string };

function yamlTimestamp(source: string): YamlTimestamp | undefined {
  let m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$/.exec(source);
  if (m) return { epochMillis: Date.UTC(+m[1], +m[2] - 1, +m[3]) };
  m = /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(?:Z|([-+][0-9][0-9]?)(?::([0-9][0-9])?)?))?)?$/.exec(source);
  if (!m || m[4] === undefined) return undefined;
  const seconds = Number(m[6] + (m[7] !== undefined ? '.' + m[7] : ''));
  const wholeSeconds = Math.floor(seconds);
  const millis = Math.round((seconds - wholeSeconds) * 1000);
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], wholeSeconds, millis);
  if (m[8] === undefined) {
    const d = new Date(local);
    return { text: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` };
  }
  const hours = Number(m[8]);
  const minutes = m[9] !== undefined ? Number(m[9]) : 0;
  const offset = (Math.abs(hours) * 60 + minutes) * (m[8].startsWith('-') ? -1 : 1);
  return { epochMillis: local - offset * 60_000 };
}

/** A scalar as Java holds it after SnakeYAML and Liquibase's replaceParameters. */
type JavaScalar =
  | { kind: 'string'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'int'; text: string }
  | { kind: 'double'; value: number }
  | { kind: 'date'; epochMillis: number }
  | { kind: 'list'; items: JavaScalar[] };

function scalarToString(s: JavaScalar): string {
  switch (s.kind) {
    case 'string':
    case 'int':
      return s.text;
    case 'boolean':
      return String(s.value);
    case 'double':
      return javaDoubleToString(s.value);
    case 'date':
      return javaDateToString(s.epochMillis);
    case 'list':
      return '[' + s.items.map(scalarToString).join(', ') + ']';
  }
}

/** The YAML source of a value, where the file could be read: scalars keep their source text. */
type SourceNode =
  | { kind: 'scalar'; source: string; value: unknown }
  | { kind: 'map'; entries: Map<string, SourceNode> }
  | { kind: 'seq'; items: SourceNode[] };

/** A value of `raw` with its YAML source, read the way Liquibase's ParsedNode reads it. */
class RawValue {
  constructor(readonly value: unknown, readonly source: SourceNode | undefined) {}

  get isNull(): boolean {
    return this.value === null || this.value === undefined;
  }

  /** a YAML timestamp: a Date, or the `{}` that ${} expansion of the model makes of one */
  private get timestampSource(): string | undefined {
    if (this.value instanceof Date) return this.source?.kind === 'scalar' ? this.source.source : this.value.toISOString();
    if (this.source?.kind === 'scalar' && this.source.value instanceof Date && isPlainObject(this.value) && Object.keys(this.value).length === 0) {
      return this.source.source;
    }
    return undefined;
  }

  private get isMapLike(): boolean {
    return isPlainObject(this.value) && this.timestampSource === undefined;
  }

  /** child nodes, as ParsedNode.setValue makes them: a mapping's entries, and the entries of each mapping in a list */
  entries(): [string, RawValue][] {
    if (this.isMapLike) {
      const map = this.source?.kind === 'map' ? this.source.entries : undefined;
      return Object.entries(this.value as Record<string, unknown>).map(([k, v]) => [k, new RawValue(v, map?.get(k))]);
    }
    if (Array.isArray(this.value)) {
      const items = this.source?.kind === 'seq' ? this.source.items : [];
      const out: [string, RawValue][] = [];
      this.value.forEach((item, i) => {
        const child = new RawValue(item, items[i]);
        if (child.isMapLike) out.push(...child.entries());
      });
      return out;
    }
    return [];
  }

  /** ParsedNode.getChild: names match ignoring case */
  child(name: string): RawValue | undefined {
    const entries = this.entries();
    const exact = entries.find(([k]) => k === name);
    if (exact) return exact[1];
    const lower = name.toLowerCase();
    return entries.find(([k]) => k.toLowerCase() === lower)?.[1];
  }

  /** ParsedNode.getChildren(name): every entry with that name, exactly as written */
  children(name: string): RawValue[] {
    return this.entries().filter(([k]) => k === name).map(([, v]) => v);
  }

  /** the node's own value (ParsedNode.getValue): a scalar, or the scalars of a list (one: itself; more: a List) */
  scalar(): JavaScalar | undefined {
    const v = this.value;
    if (v === null || v === undefined) return undefined;
    const timestamp = this.timestampSource;
    if (timestamp !== undefined) {
      const t = yamlTimestamp(timestamp);
      if (!t) return { kind: 'string', text: timestamp };
      return 'text' in t ? { kind: 'string', text: t.text } : { kind: 'date', epochMillis: t.epochMillis };
    }
    if (typeof v === 'string') return { kind: 'string', text: v };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v };
    if (typeof v === 'bigint') return { kind: 'int', text: v.toString() };
    if (typeof v === 'number') {
      // the source text only counts when it is this value (the file on disk may differ from the model's text)
      const source = this.source?.kind === 'scalar' && this.source.value === v ? this.source.source : undefined;
      if (source !== undefined) {
        const int = snakeYamlInt(source);
        if (int !== undefined) return { kind: 'int', text: int };
        return { kind: 'double', value: v };
      }
      return Number.isInteger(v) ? { kind: 'int', text: BigInt(v).toString() } : { kind: 'double', value: v };
    }
    if (Array.isArray(v)) {
      const items = this.source?.kind === 'seq' ? this.source.items : [];
      const scalars = v
        .map((item, i) => new RawValue(item, items[i]))
        .filter((item) => !item.isMapLike && !item.isNull)
        .map((item) => item.scalar())
        .filter((s): s is JavaScalar => s !== undefined);
      if (scalars.length === 0) return undefined;
      return scalars.length === 1 ? scalars[0] : { kind: 'list', items: scalars };
    }
    return undefined;
  }

  /** ParsedNode.convertObject(value, String.class) */
  asString(): string | undefined {
    const s = this.scalar();
    return s === undefined ? undefined : scalarToString(s);
  }

  /** convertObject(value, Boolean.class): a Boolean stays, anything else is Boolean.valueOf(toString()) */
  asBoolean(): string | undefined {
    const s = this.scalar();
    if (s === undefined) return undefined;
    if (s.kind === 'boolean') return String(s.value);
    return String(scalarToString(s).toLowerCase() === 'true');
  }

  /** convertObject(value, BigInteger.class) / Integer.class: new BigInteger(toString()) */
  asInteger(): string | undefined {
    const s = this.scalar();
    if (s === undefined) return undefined;
    const text = scalarToString(s);
    // Liquibase rejects the changelog when the text is no integer; keep the text so the difference shows
    return /^[+-]?[0-9]+$/.test(text) ? BigInt(text).toString() : text;
  }

  /** convertObject(value, Date.class) then ISODateFormat.format; a value ISODateFormat cannot parse is a function */
  asDate(): { date: string } | { computed: string } | undefined {
    const s = this.scalar();
    if (s === undefined) return undefined;
    if (s.kind === 'date') return { date: isoTimestamp(s.epochMillis) };
    const text = scalarToString(s);
    const date = isoDateFormat(text);
    return date === undefined ? { computed: text } : { date };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Liquibase's ISODateFormat.parse followed by format: `HH:mm:ss` (a Time), `yyyy-MM-dd` (a Date),
 * `yyyy-MM-dd HH:mm:ss` or `…T…` (a Timestamp, written with `T`), and a timestamp with a fraction. Out-of-range
 * fields roll over as in SimpleDateFormat's lenient mode. Undefined when it throws (the value becomes a function).
 */
function isoDateFormat(text: string): string | undefined {
  const date = (y: string, mo: string, d: string, h = '0', mi = '0', s = '0') => Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const datePart = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const timePart = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  let m: RegExpExecArray | null;
  switch (text.length) {
    case 8:
      m = /^([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})$/.exec(text);
      return m ? timePart(date('1970', '1', '1', m[1], m[2], m[3])) : undefined;
    case 10:
      m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$/.exec(text);
      return m ? datePart(date(m[1], m[2], m[3])) : undefined;
    case 19:
      m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})$/.exec(text);
      if (!m || (text[10] === 'T') !== !text.includes(' ')) return undefined;
      return datePart(date(m[1], m[2], m[3], m[4], m[5], m[6])) + 'T' + timePart(date(m[1], m[2], m[3], m[4], m[5], m[6]));
  }
  if (text.includes(':') && !text.includes('-')) {
    if (text.includes('.')) return undefined;
    m = /^([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})/.exec(text);
    return m ? timePart(date('1970', '1', '1', m[1], m[2], m[3])) : undefined;
  }
  if (text.length < 19 || text[19] !== '.') return undefined;
  m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})([T ])([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{1,9})(Z|[+-][0-9]{2}:[0-9]{2})?$/.exec(text);
  if (!m || (m[9] && m[4] !== 'T')) return undefined;
  const ms = date(m[1], m[2], m[3], m[5], m[6], m[7]);
  const fraction = m[8].padEnd(9, '0').replace(/0+$/, '');
  return datePart(ms) + 'T' + timePart(ms) + (fraction ? '.' + fraction : '');
}

// ---- YAML source lookup -------------------------------------------------------------------------------------

interface ParsedSource {
  text: string;
  doc: Document;
  lines: LineIndex;
  /** change entries by the file offset of their key: the value node */
  values?: Map<number, Node | null>;
}

const sourceCache = new Map<string, ParsedSource>();

function parsedSource(file: string, readFile: (path: string) => string | undefined): ParsedSource | undefined {
  const text = readFile(file);
  if (text === undefined) return undefined;
  const hit = sourceCache.get(file);
  if (hit && hit.text === text) return hit;
  const doc = parseYamlDocument(text, { version: '1.1', uniqueKeys: false, merge: true, prettyErrors: false });
  const parsed: ParsedSource = { text, doc, lines: new LineIndex(text) };
  if (sourceCache.size > 16) sourceCache.delete(sourceCache.keys().next().value!);
  sourceCache.set(file, parsed);
  return parsed;
}

function diskRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function changeSourceNode(change: Change, options: SourceOptions): SourceNode | undefined {
  if (!options.file) return undefined;
  const parsed = parsedSource(options.file, options.readFile ?? diskRead);
  if (!parsed) return undefined;
  if (!parsed.values) {
    const values = new Map<number, Node | null>();
    visit(parsed.doc, {
      Pair: (_key, pair) => {
        const key = pair.key as Node | null;
        if (key && isScalar(key) && key.range) values.set(key.range[0], (pair.value as Node | null) ?? null);
      },
    });
    parsed.values = values;
  }
  const node = parsed.values.get(parsed.lines.offset(change.typeRange.start));
  if (node === undefined) return undefined;
  const resolved = toSourceNode(node, parsed.doc, 0);
  // a change written as a list of one-key mappings reads like one mapping (ParsedNode, and the model's raw)
  if (resolved?.kind === 'seq' && resolved.items.some((i) => i.kind === 'map')) {
    const entries = new Map<string, SourceNode>();
    for (const item of resolved.items) if (item.kind === 'map') for (const [k, v] of item.entries) entries.set(k, v);
    return { kind: 'map', entries };
  }
  return resolved;
}

// ---- modifySql: the changeset's SQL visitors ------------------------------------------------------------------

/** the visitors Liquibase 4.28 knows (SqlVisitorFactory) and their own fields besides AbstractSqlVisitor's */
const SQL_VISITOR_FIELDS: Record<string, string[]> = {
  append: ['value'],
  prepend: ['value'],
  replace: ['replace', 'with'],
  regExpReplace: ['replace', 'with'],
};

/**
 * The texts StringChangeLogSerializer writes for the changeset's `modifySql` visitors, in order (ChangeSet's
 * modifySql handling + AbstractSqlVisitor.generateCheckSum): `name:[` + the fields that are not null, sorted
 * (`applyToRollback` always; `applicableDbms`, `contextFilter` and `labels` only for checksum version 8 and older)
 * + `]`. Read from the YAML source of the changeset (the model does not keep modifySql); none for formatted SQL.
 */
export function sqlVisitorTexts(changeset: { file: string; headerRange: Range }, options: SerialiseOptions = {}): string[] {
  const version = options.version ?? 9;
  return modifySqlVisitors(changeset, options).map((visitor) => {
    const fields = new Map<string, JValue | undefined>();
    fields.set('applyToRollback', String(visitor.applyToRollback));
    if (version <= 8) {
      if (visitor.dbms !== undefined) fields.set('applicableDbms', visitor.dbms.split(',').map((d) => javaTrim(d)));
      if (visitor.context !== undefined) fields.set('contextFilter', visitor.context);
      if (visitor.labels !== undefined) fields.set('labels', visitor.labels);
    }
    for (const [field, value] of visitor.fields) fields.set(field, value);
    return `${visitor.name}:${writeObject(new JObject(fields), 1)}`;
  });
}

/** One `modifySql` visitor (append, prepend, replace, regExpReplace) with the settings of its block. */
export interface SqlVisitor {
  name: string;
  /** its own fields as written: value, or replace and with */
  fields: Map<string, string>;
  applyToRollback: boolean;
  dbms?: string;
  context?: string;
  labels?: string;
}

/** The changeset's `modifySql` visitors in order, read from the YAML source of the changeset. */
export function modifySqlVisitors(changeset: { file: string; headerRange: Range }, options: SerialiseOptions = {}): SqlVisitor[] {
  // most files have no modifySql at all: decide that from the text, without parsing it (once per file text)
  const text = options.readFile ? options.readFile(changeset.file) : cachedDiskRead(changeset.file);
  if (text === undefined || !mentionsModifySql(text)) return [];
  const parsed = parsedSource(changeset.file, () => text);
  if (!parsed) return [];
  const offset = parsed.lines.offset(changeset.headerRange.start);
  let body: Node | null | undefined;
  visit(parsed.doc, {
    Pair: (_key, pair) => {
      const key = pair.key as Node | null;
      if (key && isScalar(key) && key.range && key.range[0] === offset) {
        body = pair.value as Node | null;
        return visit.BREAK;
      }
    },
  });
  const changesetNode = toSourceNode(body, parsed.doc, 0);
  const entries = flattenOneKeyMaps(changesetNode);
  const modify = entries?.get('modifySql');
  if (!modify) return [];
  // a list of mappings is one block whose children are all their keys (ParsedNode)
  const blocks = [modify];
  const out: SqlVisitor[] = [];
  for (const block of blocks) {
    const children = orderedChildren(block);
    const setting = (name: string) => {
      const found = children.find(([k]) => k === name)?.[1];
      return found && found.kind === 'scalar' && found.value != null ? trimToNull(String(found.value)) : undefined;
    };
    const applyToRollback = setting('applyToRollback') === 'true';
    const dbms = setting('dbms');
    const context = setting('contextFilter') ?? setting('context');
    const labels = setting('labels');
    for (const [name, node] of children) {
      const own = SQL_VISITOR_FIELDS[name];
      if (!own) continue;
      const fields = new Map<string, string>();
      const values = flattenOneKeyMaps(node);
      for (const field of own) {
        const value = values?.get(field);
        if (value && value.kind === 'scalar' && value.value != null) fields.set(field, String(value.value));
      }
      out.push({ name, fields, applyToRollback, dbms, context, labels });
    }
  }
  return out;
}

const diskTexts = new Map<string, { mtimeMs: number; size: number; text: string }>();

/** a file's text from the disk, read again only when its modification time or size changed */
function cachedDiskRead(path: string): string | undefined {
  let stat: { mtimeMs: number; size: number };
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  const hit = diskTexts.get(path);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.text;
  const text = diskRead(path);
  if (text === undefined) return undefined;
  if (diskTexts.size > 256) diskTexts.delete(diskTexts.keys().next().value!);
  diskTexts.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, text });
  return text;
}

let lastMention: { text: string; found: boolean } | undefined;

function mentionsModifySql(text: string): boolean {
  if (lastMention?.text !== text) lastMention = { text, found: text.includes('modifySql') };
  return lastMention.found;
}

/** a mapping, or a list of one-key mappings read as one mapping (ParsedNode) */
function flattenOneKeyMaps(node: SourceNode | undefined): Map<string, SourceNode> | undefined {
  if (!node) return undefined;
  if (node.kind === 'map') return node.entries;
  if (node.kind === 'seq') {
    const entries = new Map<string, SourceNode>();
    for (const item of node.items) if (item.kind === 'map') for (const [k, v] of item.entries) entries.set(k, v);
    return entries;
  }
  return undefined;
}

/** the children of a modifySql block in order: list items' keys, or a mapping's keys */
function orderedChildren(node: SourceNode): [string, SourceNode][] {
  if (node.kind === 'map') return [...node.entries];
  if (node.kind === 'seq') return node.items.flatMap((item) => (item.kind === 'map' ? [...item.entries] : []));
  return [];
}

/** The YAML source text of one scalar parameter of a change (e.g. `9223372036854775807`, which `raw` holds as a rounded number). */
export function changeScalarSource(change: Change, key: string, options: SourceOptions): string | undefined {
  const node = changeSourceNode(change, options);
  const value = node?.kind === 'map' ? node.entries.get(key) : undefined;
  return value?.kind === 'scalar' ? value.source : undefined;
}

function toSourceNode(node: unknown, doc: Document, depth: number): SourceNode | undefined {
  let n = node as Node | null | undefined;
  for (let i = 0; n && isAlias(n) && i < 64; i++) n = n.resolve(doc) as Node | undefined;
  if (!n || depth > 64) return undefined;
  if (isScalar(n)) return { kind: 'scalar', source: typeof n.source === 'string' ? n.source : String(n.value), value: n.value };
  if (isSeq(n)) return { kind: 'seq', items: n.items.map((i) => toSourceNode(i, doc, depth + 1) ?? { kind: 'scalar', source: '', value: null }) };
  if (isMap(n)) {
    const entries = new Map<string, SourceNode>();
    const merges: SourceNode[] = [];
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = keyNode && isScalar(keyNode) ? String(keyNode.value) : '';
      const value = toSourceNode(pair.value, doc, depth + 1);
      if (key === '<<' && value) {
        if (value.kind === 'seq') merges.push(...value.items);
        else merges.push(value);
        continue;
      }
      // a key written twice: the last one wins (SnakeYAML, and the model's raw)
      if (value) entries.set(key, value);
    }
    // merged entries fill in the keys the mapping does not write itself; as in the model's raw, a later source wins
    const merged = new Map<string, SourceNode>();
    for (const merge of merges) if (merge.kind === 'map') for (const [k, v] of merge.entries) merged.set(k, v);
    for (const [k, v] of merged) if (!entries.has(k)) entries.set(k, v);
    return { kind: 'map', entries };
  }
  return undefined;
}

// ---- change classes -------------------------------------------------------------------------------------------

type ParamKind = 'string' | 'boolean' | 'integer';
type ColumnClass = 'column' | 'addColumn' | 'loadData';

interface ParamSpec {
  name: string;
  kind: ParamKind;
  /** DIRECT_VALUE serialisation: the change's own scalar value is this parameter */
  direct?: boolean;
}

interface ChangeSpec {
  params: ParamSpec[];
  /** the List<…ColumnConfig> `columns` parameter, always non-null unless `dropColumn` */
  columns?: ColumnClass;
  /** AbstractModifyDataChange: the `where` parameter */
  where?: boolean;
  /** values the fields start with (used when the changelog does not set the parameter) */
  initial?: Record<string, string>;
  /** what the getter returns when the field is null */
  getterDefaults?: Record<string, string>;
  /** setters that change the value they are given (undefined = null) */
  setters?: Record<string, (value: string) => string | undefined>;
  /** fields left out of the checksum (getExcludedFieldFilters), by checksum version */
  excluded?: (legacy: boolean) => string[];
}

/** 'name' is a String, 'name:b' a Boolean, 'name:i' a BigInteger/Integer, 'name:d' a DIRECT_VALUE String */
function params(...names: string[]): ParamSpec[] {
  return names.map((n) => {
    const [name, kind] = n.split(':');
    return { name, kind: kind === 'b' ? 'boolean' : kind === 'i' ? 'integer' : 'string', direct: kind === 'd' };
  });
}

const owner = ['catalogName', 'schemaName'];
const loadDataInitial = { commentLineStartsWith: '#', separator: ',', quotchar: '"' };
const loadDataSetters = {
  commentLineStartsWith: (v: string) => (v === '' ? undefined : v),
  separator: (v: string) => (v === '\\t' ? '\t' : v),
};

const SPECS: Record<string, ChangeSpec> = {
  sql: { params: params('sql:d', 'comment', 'dbms', 'endDelimiter', 'splitStatements:b', 'stripComments:b'), setters: { sql: trimToNull } },
  sqlFile: { params: params('path', 'encoding', 'relativeToChangelogFile:b', 'dbms', 'endDelimiter', 'splitStatements:b', 'stripComments:b') },
  createTable: {
    params: params(...owner, 'tableName', 'tablespace', 'remarks', 'tableType', 'ifNotExists:b'),
    columns: 'column',
    excluded: () => ['ifNotExists'],
  },
  addColumn: { params: params(...owner, 'tableName'), columns: 'addColumn' },
  dropColumn: { params: params('columnName', ...owner, 'tableName'), columns: 'column' },
  renameColumn: { params: params(...owner, 'tableName', 'oldColumnName', 'newColumnName', 'columnDataType', 'remarks') },
  renameTable: { params: params(...owner, 'oldTableName', 'newTableName') },
  dropTable: { params: params(...owner, 'tableName', 'cascadeConstraints:b') },
  modifyDataType: { params: params(...owner, 'tableName', 'columnName', 'newDataType') },
  addNotNullConstraint: {
    params: params(...owner, 'tableName', 'columnName', 'defaultNullValue', 'columnDataType', 'constraintName', 'validate:b'),
  },
  dropNotNullConstraint: { params: params(...owner, 'tableName', 'columnName', 'columnDataType', 'constraintName') },
  addDefaultValue: {
    params: params(
      ...owner, 'tableName', 'columnName', 'columnDataType', 'defaultValue', 'defaultValueNumeric', 'defaultValueDate',
      'defaultValueBoolean:b', 'defaultValueComputed', 'defaultValueSequenceNext', 'defaultValueConstraintName',
    ),
  },
  dropDefaultValue: { params: params(...owner, 'tableName', 'columnName', 'columnDataType') },
  createIndex: {
    params: params('indexName', ...owner, 'tableName', 'tablespace', 'unique:b', 'associatedWith', 'clustered:b'),
    columns: 'addColumn',
    excluded: () => ['associatedWith'],
  },
  dropIndex: { params: params('schemaName', 'indexName', 'tableName', 'catalogName') },
  addForeignKeyConstraint: {
    params: params(
      'baseTableCatalogName', 'baseTableSchemaName', 'baseTableName', 'baseColumnNames', 'referencedTableCatalogName',
      'referencedTableSchemaName', 'referencedTableName', 'referencedColumnNames', 'constraintName', 'deferrable:b',
      'initiallyDeferred:b', 'validate:b', 'onUpdate', 'onDelete',
    ),
  },
  dropForeignKeyConstraint: { params: params('baseTableCatalogName', 'baseTableSchemaName', 'baseTableName', 'constraintName') },
  dropAllForeignKeyConstraints: { params: params('baseTableCatalogName', 'baseTableSchemaName', 'baseTableName') },
  addUniqueConstraint: {
    params: params(
      ...owner, 'tableName', 'columnNames', 'constraintName', 'tablespace', 'deferrable:b', 'initiallyDeferred:b', 'disabled:b',
      'validate:b', 'clustered:b', 'forIndexName', 'forIndexSchemaName', 'forIndexCatalogName',
    ),
  },
  dropUniqueConstraint: { params: params(...owner, 'tableName', 'constraintName', 'uniqueColumns') },
  addPrimaryKey: {
    params: params(
      'tableName', ...owner, 'columnNames', 'constraintName', 'forIndexName', 'forIndexSchemaName', 'forIndexCatalogName',
      'tablespace', 'clustered:b', 'validate:b',
    ),
  },
  dropPrimaryKey: { params: params(...owner, 'tableName', 'constraintName', 'dropIndex:b') },
  createView: {
    params: params(
      ...owner, 'viewName', 'selectQuery:d', 'replaceIfExists:b', 'fullDefinition:b', 'path', 'relativeToChangelogFile:b',
      'encoding', 'remarks',
    ),
    excluded: (legacy) => (legacy ? [] : ['path', 'relativeToChangelogFile', 'selectQuery', 'encoding']),
  },
  dropView: { params: params(...owner, 'viewName', 'ifExists:b') },
  renameView: { params: params(...owner, 'oldViewName', 'newViewName') },
  createSequence: {
    params: params(
      ...owner, 'sequenceName', 'startValue:i', 'incrementBy:i', 'maxValue:i', 'minValue:i', 'ordered:b', 'cycle:b',
      'cacheSize:i', 'dataType',
    ),
  },
  alterSequence: {
    params: params(...owner, 'sequenceName', 'incrementBy:i', 'maxValue:i', 'minValue:i', 'ordered:b', 'cacheSize:i', 'cycle:b', 'dataType'),
  },
  dropSequence: { params: params(...owner, 'sequenceName') },
  renameSequence: { params: params(...owner, 'oldSequenceName', 'newSequenceName') },
  addAutoIncrement: {
    params: params(...owner, 'tableName', 'columnName', 'columnDataType', 'startWith:i', 'incrementBy:i', 'defaultOnNull:b', 'generationType'),
  },
  insert: { params: params(...owner, 'tableName', 'dbms'), columns: 'column' },
  update: { params: params(...owner, 'tableName'), columns: 'column', where: true },
  delete: { params: params(...owner, 'tableName'), where: true },
  tagDatabase: { params: params('tag') },
  loadData: {
    params: params(
      ...owner, 'tableName', 'file', 'usePreparedStatements:b', 'commentLineStartsWith', 'relativeToChangelogFile:b', 'encoding',
      'separator', 'quotchar',
    ),
    columns: 'loadData',
    initial: loadDataInitial,
    setters: loadDataSetters,
  },
  loadUpdateData: {
    params: params(
      ...owner, 'tableName', 'file', 'usePreparedStatements:b', 'commentLineStartsWith', 'relativeToChangelogFile:b', 'encoding',
      'separator', 'quotchar', 'primaryKey', 'onlyUpdate:b',
    ),
    columns: 'loadData',
    initial: loadDataInitial,
    setters: loadDataSetters,
    getterDefaults: { onlyUpdate: 'false' },
  },
  output: { params: params('message:d', 'target'), setters: { message: trimToNull, target: trimToNull }, getterDefaults: { target: 'STDERR' } },
  empty: { params: [] },
  stop: { params: params('message'), initial: { message: 'Stop command in changelog file' }, setters: { message: trimToNull } },
  executeCommand: { params: params('executable', 'timeout') },
  createProcedure: {
    params: params(...owner, 'procedureName', 'encoding', 'path', 'relativeToChangelogFile:b', 'procedureText:d', 'dbms', 'comments', 'replaceIfExists:b'),
    excluded: (legacy) => (legacy ? [] : ['path', 'dbms', 'relativeToChangelogFile', 'procedureText', 'encoding', 'comments']),
  },
  dropProcedure: { params: params(...owner, 'procedureName') },
  setTableRemarks: { params: params(...owner, 'tableName', 'remarks') },
  setColumnRemarks: { params: params(...owner, 'tableName', 'columnName', 'remarks', 'columnDataType', 'columnParentType') },
  addLookupTable: {
    params: params(
      'existingTableCatalogName', 'existingTableSchemaName', 'existingTableName', 'existingColumnName', 'newTableCatalogName',
      'newTableSchemaName', 'newTableName', 'newColumnName', 'newColumnDataType', 'constraintName',
    ),
  },
  mergeColumns: { params: params(...owner, 'tableName', 'column1Name', 'column2Name', 'joinString', 'finalColumnName', 'finalColumnType') },
};

/** The Java change object: its serialised name and every parameter's getter value (undefined = null). */
interface LoadedChange {
  name: string;
  fields: Map<string, JValue | undefined>;
}

function loadScalarParam(node: RawValue, spec: ParamSpec): string | undefined {
  let child = node.child(spec.name);
  if (spec.name === 'procedureText' && (!child || child.isNull)) child = node.child('procedureBody');
  if ((!child || child.isNull) && spec.direct && node.scalar() !== undefined) child = node;
  if (!child) return undefined;
  switch (spec.kind) {
    case 'boolean':
      return child.asBoolean();
    case 'integer':
      return child.asInteger();
    default:
      return child.asString();
  }
}

/** ColumnConfig.load (+ AddColumnConfig / LoadDataColumnConfig), fields as ReflectionSerializer reads them */
function loadColumn(node: RawValue, kind: ColumnClass): JObject {
  const f = new Map<string, JValue | undefined>();
  const s = (k: string) => node.child(k)?.asString();
  const b = (k: string) => node.child(k)?.asBoolean();
  const i = (k: string) => node.child(k)?.asInteger();
  f.set('name', s('name'));
  f.set('computed', b('computed'));
  f.set('type', s('type'));
  f.set('encoding', s('encoding'));
  f.set('autoIncrement', b('autoIncrement'));
  f.set('startWith', i('startWith'));
  f.set('incrementBy', i('incrementBy'));
  f.set('remarks', s('remarks'));
  f.set('descending', b('descending'));
  let value = s('value');
  if (value === undefined && typeof node.value === 'string') value = trimToNull(node.value);
  f.set('value', value);

  const numeric = (text: string | undefined, computedField: string, keepParens: boolean): string | undefined => {
    if (text === undefined || text.toLowerCase() === 'null') return undefined;
    const saved = text;
    if (text.startsWith('(')) text = text.replace(/^\(/, '').replace(/\)$/, '');
    // NumberFormat.getInstance(Locale.US).parse: a number must start the text
    if (/^-?(?:NaN|∞|[.,]*[0-9])/.test(text)) return text;
    f.set(computedField, keepParens ? saved : text);
    return undefined;
  };
  f.set('valueNumeric', numeric(s('valueNumeric'), 'valueComputed', true));
  const valueDate = node.child('valueDate')?.asDate();
  if (valueDate && 'date' in valueDate) f.set('valueDate', valueDate.date);
  else if (valueDate) f.set('valueComputed', valueDate.computed);
  f.set('valueBoolean', b('valueBoolean'));
  f.set('valueBlobFile', s('valueBlobFile'));
  f.set('valueClobFile', s('valueClobFile'));
  if (s('valueComputed') !== undefined) f.set('valueComputed', s('valueComputed'));
  f.set('valueSequenceNext', s('valueSequenceNext'));
  f.set('valueSequenceCurrent', s('valueSequenceCurrent'));
  f.set('defaultValueConstraintName', s('defaultValueConstraintName'));
  f.set('defaultValue', s('defaultValue'));
  const defaultNumeric = s('defaultValueNumeric');
  if (defaultNumeric === 'GENERATED_BY_DEFAULT') f.set('autoIncrement', 'true');
  else f.set('defaultValueNumeric', numeric(defaultNumeric, 'defaultValueComputed', false));
  const defaultDate = node.child('defaultValueDate')?.asDate();
  if (defaultDate && 'date' in defaultDate) f.set('defaultValueDate', defaultDate.date);
  else if (defaultDate) f.set('defaultValueComputed', defaultDate.computed);
  f.set('defaultValueBoolean', b('defaultValueBoolean'));
  if (s('defaultValueComputed') !== undefined) f.set('defaultValueComputed', s('defaultValueComputed'));
  f.set('defaultValueSequenceNext', s('defaultValueSequenceNext'));
  f.set('defaultOnNull', b('defaultOnNull'));
  f.set('generationType', s('generationType'));
  const constraints = node.child('constraints');
  if (constraints) f.set('constraints', loadConstraints(constraints));
  if (kind === 'addColumn') {
    f.set('beforeColumn', s('beforeColumn'));
    f.set('afterColumn', s('afterColumn'));
    f.set('position', i('position'));
  } else if (kind === 'loadData') {
    f.set('index', i('index'));
    f.set('header', s('header'));
    f.set('allowUpdate', b('allowUpdate'));
  }
  return new JObject(f);
}

const CONSTRAINT_FIELDS = params(
  'nullable:b', 'notNullConstraintName', 'primaryKey:b', 'primaryKeyName', 'primaryKeyTablespace', 'references',
  'referencedTableCatalogName', 'referencedTableSchemaName', 'referencedTableName', 'referencedColumnNames', 'unique:b',
  'uniqueConstraintName', 'checkConstraint', 'deleteCascade:b', 'foreignKeyName', 'initiallyDeferred:b', 'deferrable:b',
  'validateNullable:b', 'validateUnique:b', 'validatePrimaryKey:b', 'validateForeignKey:b',
);

function loadConstraints(node: RawValue): JObject {
  const f = new Map<string, JValue | undefined>();
  for (const spec of CONSTRAINT_FIELDS) f.set(spec.name, loadScalarParam(node, { ...spec, direct: false }));
  return new JObject(f);
}

/**
 * AbstractChange.load for a List<ColumnConfig> parameter: the `columns` entries then the `column` entries; each
 * holds `column` children (one column each) or is itself one column.
 */
function loadColumns(node: RawValue, kind: ColumnClass, parameter: string): JObject[] {
  const out: JObject[] = [];
  for (const child of [...node.children(parameter), ...node.children('column')]) {
    const columnChildren = child.entries().filter(([k]) => k.toLowerCase() === 'column').map(([, v]) => v);
    if (columnChildren.length > 0) for (const c of columnChildren) out.push(loadColumn(c, kind));
    else out.push(loadColumn(child, kind));
  }
  return out;
}

/**
 * The change as Liquibase loads it. With `wanted`, only the parameters it names are loaded (a setter changes only its
 * own parameter, so they come out as in the whole load): a change's description or one parameter does not load its
 * columns.
 */
function loadChange(change: Change, options: SourceOptions, wanted?: (name: string) => boolean): LoadedChange {
  const node = new RawValue(change.raw, lazySource(change, options));
  if (change.type === 'customChange') return loadCustomChange(node);
  const spec = SPECS[change.type];
  const fields = new Map<string, JValue | undefined>();
  if (!spec) {
    // a change type Liquibase 4.28 OSS does not define (e.g. the Pro-only addCheckConstraint): its scalar parameters
    for (const [k, v] of node.entries()) if (v.scalar() !== undefined) fields.set(k, v.asString());
    return { name: change.type, fields };
  }
  for (const p of spec.params) {
    if (wanted && !wanted(p.name)) continue;
    const value = loadScalarParam(node, p);
    const setter = spec.setters?.[p.name];
    fields.set(p.name, value === undefined ? spec.initial?.[p.name] : setter ? setter(value) : value);
  }
  if (spec.columns && (!wanted || wanted('columns'))) fields.set('columns', loadColumns(node, spec.columns, 'columns'));
  // update/delete: `where` is a parameter; `whereParams` has no setter, so it is no parameter and never serialised
  if (spec.where && (!wanted || wanted('where'))) fields.set('where', node.child('where')?.asString());
  customLoadLogic(change.type, node, fields);
  for (const [name, value] of Object.entries(spec.getterDefaults ?? {})) if (fields.get(name) === undefined) fields.set(name, value);
  return { name: change.type, fields };
}

/** what happens after the parameters are loaded: side effects between setters, customLoadLogic */
function customLoadLogic(type: string, node: RawValue, fields: Map<string, JValue | undefined>): void {
  switch (type) {
    case 'addForeignKeyConstraint': {
      // setDeleteCascade runs after setOnDelete (ChangeMetaData's HashMap order): true sets CASCADE only when no
      // onDelete was given, and otherwise (and when false) clears onDelete
      const cascade = node.child('deleteCascade')?.asBoolean();
      if (cascade !== undefined) fields.set('onDelete', cascade === 'true' && fields.get('onDelete') === undefined ? 'CASCADE' : undefined);
      break;
    }
    case 'stop':
      if (typeof node.value === 'string') fields.set('message', trimToNull(node.value));
      break;
  }
}

function loadCustomChange(node: RawValue): LoadedChange {
  const params = new Map<string, string>();
  const paramsNode = node.child('params') ?? node;
  for (const [k, v] of paramsNode.entries()) {
    if (k.toLowerCase() !== 'param') continue;
    const name = v.child('name')?.asString();
    if (name === undefined) continue;
    params.set(name, v.scalar() !== undefined && !v.child('value') ? (v.asString() ?? '') : (v.child('value')?.asString() ?? 'null'));
  }
  const fields = new Map<string, JValue | undefined>([
    ['class', node.child('class')?.asString()],
    ['param', new JMap(params)],
  ]);
  return { name: 'customChange', fields };
}

/** the YAML source is read only when `raw` holds a value whose spelling it lost (a number or a timestamp) */
function lazySource(change: Change, options: SourceOptions): SourceNode | undefined {
  if (!options.file || !needsSource(change.raw, 0)) return undefined;
  return changeSourceNode(change, options);
}

function needsSource(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (typeof value === 'number' || value instanceof Date) return true;
  if (Array.isArray(value)) return value.some((v) => needsSource(v, depth + 1));
  if (isPlainObject(value)) {
    const values = Object.values(value);
    return values.length === 0 || values.some((v) => needsSource(v, depth + 1));
  }
  return false;
}

// ---- what the serialiser writes -----------------------------------------------------------------------------

/**
 * StringChangeLogSerializer's text for a change (what AbstractChange.generateCheckSum hashes), for the given
 * checksum version. For sql, sqlFile, createView and createProcedure this is only part of the checksum (see
 * checksum.ts); loadData hashes its CSV instead.
 */
export function serialiseChange(change: Change, options: SerialiseOptions = {}): string {
  const version = options.version ?? 9;
  const legacy = version <= 8;
  const loaded = loadChange(change, options);
  const spec = SPECS[change.type];
  const fields = new Map(loaded.fields);
  for (const name of spec?.excluded?.(legacy) ?? []) fields.delete(name);
  switch (change.type) {
    case 'createIndex': {
      // CreateIndexChange.getSerializableFieldValue clears these on every column
      const stripped = ['type', 'autoIncrement', 'constraints', 'defaultValue', 'value', 'startWith', 'incrementBy', 'encoding', 'remarks'];
      const columns = (fields.get('columns') as JObject[] | undefined) ?? [];
      fields.set('columns', columns.map((c) => new JObject(new Map([...c.fields].map(([k, v]) => [k, stripped.includes(k) ? undefined : v])))));
      break;
    }
    case 'dropColumn':
      if (((fields.get('columns') as JObject[] | undefined) ?? []).length === 0) fields.set('columns', undefined);
      break;
    case 'output':
      if (fields.get('target') === '') fields.set('target', undefined);
      break;
    case 'createProcedure':
      // with checksum version 8 the text is the DIRECT_VALUE property `procedureBody`; with 1–7 and 9 it is `procedureText`
      if (version === 8) {
        fields.set('procedureBody', fields.get('procedureText'));
        fields.delete('procedureText');
      }
      break;
  }
  return `${loaded.name}:` + writeObject(new JObject(fields), 1);
}

/**
 * The change's parameters as the Java getters return them (toString), for DESCRIPTION: scalar parameters only,
 * nulls left out.
 */
export function changeParameters(change: Change, options: SourceOptions = {}, wanted?: (name: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  if (change.type === 'customChange') return out;
  for (const [name, value] of loadChange(change, options, wanted).fields) if (typeof value === 'string' && (!wanted || wanted(name))) out.set(name, value);
  return out;
}

/** the Java value of one scalar parameter of the change (its getter), e.g. loadData's `file` or `tableName` */
export function changeParameter(change: Change, name: string, options: SourceOptions = {}): string | undefined {
  return changeParameters(change, options, (n) => n === name).get(name);
}

/** CheckSum.compute(String): LF line endings, U+FFFD removed, NFC, UTF-8 */
export function normaliseForChecksum(text: string): string {
  return standardiseLineEndings(text).replace(/\uFFFD/g, '').normalize('NFC');
}
