// The Java values Liquibase 4.28 works with when it turns a change into SQL, modelled in TypeScript.
//
// A change's `raw` is the plain JS of its YAML value. Liquibase reads the same YAML with SnakeYAML (YAML 1.1) and then
// converts each value to the Java type of the property it sets (`ParsedNode.convertObject`): String, Boolean,
// BigInteger, java.util.Date, … Several generators then branch on the Java class of a value (String is quoted,
// a number is written as typed, a java.sql.Date becomes a date literal), so the class is kept here.

/** Thrown when Liquibase itself would refuse the change (validation error, unparseable value, unsupported change). */
export class GenerateError extends Error {}

/** A java.lang.Number: the text is what `toString()` gives. */
export class JNumber {
  constructor(
    readonly text: string,
    /** the Java class; `ValueNumeric` is ColumnConfig.ValueNumeric, whose toString() is the text as written */
    readonly cls: 'ValueNumeric' | 'Integer' | 'Long' | 'Double' | 'BigInteger' | 'BigDecimal',
    /** for ValueNumeric: the class of the parsed number it wraps */
    readonly delegate?: 'Long' | 'Double',
  ) {}
  toString(): string {
    return this.text;
  }
}

/** liquibase.statement.DatabaseFunction and its sequence subclasses. */
export class JFunction {
  constructor(
    readonly value: string | null,
    readonly kind: 'function' | 'sequenceNext' | 'sequenceCurrent' = 'function',
    public schemaName: string | null = null,
  ) {}
  toString(): string {
    return (this.schemaName == null ? '' : this.schemaName + '.') + this.value;
  }
}

export type JDateClass = 'java.sql.Date' | 'java.sql.Time' | 'java.sql.Timestamp' | 'java.util.Date';

/** A java.util.Date or one of its java.sql subclasses, in the JVM's zone (UTC in the golden runs). */
export class JDate {
  constructor(
    readonly cls: JDateClass,
    /** milliseconds since the epoch, UTC, whole seconds for Timestamps (the fraction is in nanos) */
    readonly epochMs: number,
    readonly nanos = 0,
  ) {}
  private get d(): Date {
    return new Date(this.epochMs);
  }
  /** ISODateFormat.format: yyyy-MM-dd, HH:mm:ss, or yyyy-MM-dd'T'HH:mm:ss[.fraction] */
  isoFormat(): string {
    const d = this.d;
    const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
    const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    if (this.cls === 'java.sql.Date') return date;
    if (this.cls === 'java.sql.Time') return time;
    const nanos = this.cls === 'java.util.Date' ? d.getUTCMilliseconds() * 1_000_000 : this.nanos;
    let out = `${date}T${time}`;
    if (nanos !== 0) out += '.' + String(nanos).padStart(9, '0').replace(/0+$/, '');
    return out;
  }
  /** Java's toString() of the object */
  toString(): string {
    const d = this.d;
    const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
    const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    switch (this.cls) {
      case 'java.sql.Date':
        return date;
      case 'java.sql.Time':
        return time;
      case 'java.sql.Timestamp':
        return `${date} ${time}.${this.nanos === 0 ? '0' : String(this.nanos).padStart(9, '0').replace(/0+$/, '')}`;
      default:
        return javaUtilDateToString(d);
    }
  }
}

/** A value as Liquibase holds it: String, Boolean, Number, DatabaseFunction, Date, or null. */
export type JValue = string | boolean | JNumber | JFunction | JDate | null;

export function jToString(value: Exclude<JValue, null>): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value.toString();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date.toString() in a UTC JVM: `Mon Jan 01 00:00:00 UTC 2024` */
function javaUtilDateToString(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} UTC ${d.getUTCFullYear()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Java string helpers

/** String.trim(): removes every char <= U+0020 at both ends (not Unicode spaces) */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** StringUtil.trimToNull */
export function trimToNull(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = javaTrim(s);
  return t === '' ? null : t;
}

/** String.split(regex) for a literal separator: trailing empty strings are dropped */
export function javaSplit(s: string, separator: string | RegExp): string[] {
  const parts = s.split(separator);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '' && s !== '') return [];
  return parts;
}

/** StringUtil.splitAndTrim(s, ",") */
export function splitAndTrim(s: string): string[] {
  return javaSplit(s, ',').map(javaTrim);
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers

/** Double.toString */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : s + '.0';
  }
  const [mantissa, exponent] = d.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : mantissa + '.0'}E${Number(exponent)}`;
}

/**
 * NumberFormat.getInstance(Locale.US).parse(s): reads the longest numeric prefix (grouping commas allowed, `E`
 * exponent), gives a Long when the value is integral and fits, else a Double. undefined = ParseException.
 */
export function javaNumberFormatParse(s: string): { cls: 'Long' | 'Double'; text: string } | undefined {
  const m = /^(-?)([0-9,]*)(?:\.([0-9]*))?/.exec(s);
  if (!m) return undefined;
  const intDigits = m[2].replace(/,/g, '');
  const fracDigits = m[3] ?? '';
  if (intDigits === '' && fracDigits === '') return undefined;
  let exponent = 0;
  const rest = s.slice(m[0].length);
  const e = /^E(-?)([0-9]+)/.exec(rest);
  if (e) exponent = Number(e[1] + e[2]);
  const value = Number(`${m[1]}${intDigits || '0'}.${fracDigits || '0'}e${exponent}`);
  const negativeZero = m[1] === '-' && value === 0;
  if (Number.isInteger(value) && !negativeZero && Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    return { cls: 'Long', text: String(value) };
  }
  if (Number.isInteger(value) && !negativeZero && Math.abs(value) < 2 ** 63) {
    // integral and within a long, beyond double-exact range: keep the digits as written when we can
    const digits = `${m[1]}${intDigits}`.replace(/^(-?)0+(?=\d)/, '$1');
    if (!fracDigits.replace(/0/g, '') && exponent === 0) return { cls: 'Long', text: digits };
    return { cls: 'Long', text: BigInt(Math.round(value)).toString() };
  }
  return { cls: 'Double', text: javaDoubleToString(negativeZero ? -0 : value) };
}

// ---------------------------------------------------------------------------------------------------------------
// YAML values as SnakeYAML (with Liquibase's timestamp constructor) gives them, then converted like ParsedNode does

/** the SnakeYAML object for a raw JS value: its Java toString() */
export function yamlToString(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return yamlNumberToString(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) {
    const d = yamlDate(v);
    return typeof d === 'string' ? d : d.toString();
  }
  if (Array.isArray(v)) return '[' + v.map((x) => yamlToString(x)).join(', ') + ']';
  if (typeof v === 'object') {
    return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${yamlToString(x)}`).join(', ') + '}';
  }
  return String(v);
}

function yamlNumberToString(n: number): string {
  // SnakeYAML: integers are Integer/Long, anything written with a '.' is a Double
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return javaDoubleToString(n);
}

/**
 * A YAML timestamp: Liquibase's CustomConstructYamlTimestamp gives a java.util.Date for `yyyy-mm-dd` and a
 * `yyyy-MM-dd HH:mm:ss` String (JVM zone, fraction dropped) for a date-time. The JS Date cannot tell
 * `2024-01-01` from `2024-01-01T00:00:00`: a UTC midnight is taken as the date-only form.
 */
function yamlDate(d: Date): JDate | string {
  const ms = d.getTime();
  if (ms % 86_400_000 === 0) return new JDate('java.util.Date', ms);
  const s = new Date(ms - (ms % 1000 + 1000) % 1000);
  return `${pad(s.getUTCFullYear(), 4)}-${pad(s.getUTCMonth() + 1, 2)}-${pad(s.getUTCDate(), 2)} ${pad(s.getUTCHours(), 2)}:${pad(s.getUTCMinutes(), 2)}:${pad(s.getUTCSeconds(), 2)}`;
}

/** convertObject(value, Boolean.class) */
export function yamlToBoolean(v: unknown): boolean | null {
  if (v == null) return null;
  if (typeof v === 'boolean') return v;
  return (yamlToString(v) ?? '').toLowerCase() === 'true';
}

/** convertObject(value, BigInteger.class): the decimal digits, or a GenerateError like Liquibase's parse failure */
export function yamlToBigInteger(v: unknown, what: string, source?: string): string | null {
  if (v == null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
    // the YAML value was read as a JavaScript number and lost digits: use the text as written when known
    if (source !== undefined && /^[+-]?[0-9]+$/.test(source.trim())) return BigInt(source.trim()).toString();
    // Long.MAX_VALUE, the usual bigint sequence maximum, is the only value that makes sense in its rounding bucket
    if (v === 2 ** 63) return '9223372036854775807';
    if (v === -(2 ** 63)) return '-9223372036854775808';
    throw new GenerateError(`${what}: ${v} has more digits than a JavaScript number keeps; its exact value is unknown here`);
  }
  const s = yamlToString(v) ?? '';
  if (!/^[+-]?[0-9]+$/.test(s)) throw new GenerateError(`${what}: '${s}' is not an integer`);
  return BigInt(s).toString();
}

/** convertObject(value, Integer.class) */
export function yamlToInteger(v: unknown, what: string): number | null {
  if (v == null) return null;
  const s = yamlToString(v) ?? '';
  if (!/^[+-]?[0-9]+$/.test(s) || Math.abs(Number(s)) > 2 ** 31) throw new GenerateError(`${what}: '${s}' is not an integer`);
  return Number(s);
}

/**
 * convertObject(value, Date.class): a java.util.Date from YAML stays as it is, anything else goes through
 * ISODateFormat.parse. undefined when Liquibase's conversion throws (the callers then treat it as a function).
 */
export function yamlToDate(v: unknown): JDate | undefined {
  if (v instanceof Date) {
    const d = yamlDate(v);
    return typeof d === 'string' ? isoDateParse(d) : d;
  }
  const s = yamlToString(v);
  return s == null ? undefined : isoDateParse(s);
}

/** a lenient SimpleDateFormat-like parse of `pattern` fields at the start of s, in UTC */
function lenientUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

/** ISODateFormat.parse; undefined where it throws */
export function isoDateParse(s: string): JDate | undefined {
  const date = (text: string) => /^(\d+)-(\d+)-(\d+)/.exec(text);
  const time = (text: string) => /^(\d+):(\d+):(\d+)/.exec(text);
  const dateTime = (text: string, space: boolean) => (space ? /^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)/ : /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)/).exec(text);
  const fromTime = (m: RegExpExecArray) => lenientUtc(1970, 1, 1, +m[1], +m[2], +m[3]);
  const fromDateTime = (m: RegExpExecArray) => lenientUtc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
  switch (s.length) {
    case 8: {
      const m = time(s);
      return m ? new JDate('java.sql.Time', fromTime(m)) : undefined;
    }
    case 10: {
      const m = date(s);
      return m ? new JDate('java.sql.Date', lenientUtc(+m[1], +m[2], +m[3], 0, 0, 0)) : undefined;
    }
    case 19: {
      const m = dateTime(s, s.includes(' '));
      return m ? new JDate('java.sql.Timestamp', fromDateTime(m)) : undefined;
    }
    default: {
      if (s.includes(':') && !s.includes('-')) {
        if (s.includes('.')) return undefined;
        const m = time(s);
        return m ? new JDate('java.sql.Time', fromTime(m)) : undefined;
      }
      if (s.length < 19 || s.charAt(19) !== '.') return undefined;
      const m = dateTime(s.slice(0, 19), s.includes(' '));
      if (!m) return undefined;
      let nanos: number;
      const offset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d{1,9})(?:Z|[+-]\d{2}:\d{2}(?::\d{2})?)$/.exec(s);
      if (offset) {
        nanos = Number(offset[1].padEnd(9, '0'));
      } else {
        const fraction = s.slice(20);
        if (!/^[+-]?\d+$/.test(fraction) || Math.abs(Number(fraction)) > 2 ** 31 - 1) return undefined;
        nanos = Number(fraction);
        for (let length = s.length; length < 29; length++) nanos *= 10;
        if (nanos < 0 || nanos > 999_999_999) return undefined;
      }
      return new JDate('java.sql.Timestamp', fromDateTime(m), nanos);
    }
  }
}
