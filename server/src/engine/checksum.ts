// MD5SUM exactly as Liquibase 4.28 computes it (CheckSum, ChangeSet.generateCheckSum, AbstractSQLChange,
// SQLFileChange, CreateViewChange, CreateProcedureChange, LoadDataChange, AbstractChange at tag v4.28.0), for the
// current checksum version 9 and for the older versions a DATABASECHANGELOG may still hold (8, and 1–7, which 4.28
// computes with the version-8 rules).
//
//   change checksum  "N:" + md5(…):
//     sql, formatted SQL, sqlFile   v9: the SQL text with every ' ', \t, \r, \n deleted
//                                   v8: "<endDelimiter>:<splitStatements>:<stripComments>:" + the text with each
//                                       whitespace run made one space, leading and trailing whitespace dropped
//                                   inline sql is the YAML string (after ${}) trimmed; sqlFile is the file as
//                                   written (no ${} expansion; v9 without its BOM, v8 with it)
//     createView, createProcedure   the serialised change and the SQL (or file) checksum, hashed together
//     loadData, loadUpdateData      tableName + the CSV file without blank and comment lines
//     anything else                 StringChangeLogSerializer text, LF line ends, U+FFFD removed, NFC
//   changeset checksum  "N:" + md5(NFC(concat of "<change checksum>:", then "<modifySql visitor checksum>;")); v9 skips
//                       changes whose dbms excludes postgresql (a changeset left with no change gets md5 of "").

import { crypto } from '../node-builtins';
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { Change, Changeset } from '../changelog/model';
import { changeParameter, javaTrim, normaliseForChecksum, serialiseChange, type SourceOptions, sqlVisitorTexts } from './serialise';

export const LATEST_CHECKSUM_VERSION = 9;

export interface ChecksumOptions {
  /** reads changelog, SQL and CSV files; defaults to the disk (pass the editor's texts when they differ) */
  readFile?: (path: string) => string | undefined;
  /** Liquibase's search path, to find a loadData `file` that is not relative to the changelog */
  searchPath?: string[];
}

export interface ChangeChecksumOptions extends ChecksumOptions {
  /** the changelog file that holds the change (the changeset's `file`); needed for loadData and for number spellings */
  file?: string;
}

/** A DATABASECHANGELOG.MD5SUM value as CheckSum.parse reads it. */
export interface StoredChecksum {
  /** the algorithm version: the digits before the first `:`; 1 when there is no `N:` prefix */
  version: number;
  /** what follows the prefix (for version 1, the whole value) */
  hex: string;
}

function md5(data: string | Uint8Array): string {
  return crypto().createHash('md5').update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest('hex');
}

/** CheckSum.compute(String): the text normalised (LF, no U+FFFD, NFC) and hashed as UTF-8 */
function computeFromString(text: string, version: number): string {
  return `${version}:${md5(normaliseForChecksum(text))}`;
}

/** AbstractSQLChange.NormalizingStream (v9): every space, tab, CR and LF deleted, nothing else touched */
export function deleteSqlWhitespace(text: string): string {
  return text.replace(/[ \t\r\n]/g, '');
}

/** NormalizingStreamV8: a header with the statement options, then the text with whitespace runs collapsed */
function normaliseV8(endDelimiter: string | undefined, splitStatements: boolean, stripComments: boolean, text: string): string {
  const body = text.replace(/[ \t\r\n]+/g, ' ').replace(/^ /, '').replace(/ $/, '');
  return `${endDelimiter ?? 'null'}:${splitStatements}:${stripComments}:${body}`;
}

function diskRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function diskBytes(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function sourceOptions(options: ChangeChecksumOptions): SourceOptions {
  return { file: options.file, readFile: options.readFile };
}

/** the SQL a sql / sqlFile change hashes with checksum version 9 (inline SQL trimmed, a file as written without BOM) */
function sqlTextOf(change: Change, options: ChangeChecksumOptions): string {
  if (change.type === 'sql') {
    const text = change.sql ? (change.sql.checksumText ?? change.sql.text) : (changeParameter(change, 'sql', sourceOptions(options)) ?? '');
    return javaTrim(text);
  }
  return change.sql ? (change.sql.checksumText ?? change.sql.text) : '';
}

/** the bytes a file-reading change streams for version 8: the file as written, BOM included */
function rawFileText(change: Change): string {
  if (!change.sql) return '';
  const bom = change.resolvedPath && change.sql.baseOffset === 1 ? '\uFEFF' : '';
  return bom + (change.sql.checksumText ?? change.sql.text);
}

function sqlOptionsOf(change: Change, options: ChangeChecksumOptions): { endDelimiter?: string; splitStatements: boolean; stripComments: boolean } {
  if (change.sql) return { endDelimiter: change.sql.endDelimiter, splitStatements: change.sql.splitStatements, stripComments: change.sql.stripComments };
  const param = (name: string) => changeParameter(change, name, sourceOptions(options));
  return {
    endDelimiter: param('endDelimiter'),
    splitStatements: param('splitStatements') !== 'false',
    stripComments: param('stripComments') === 'true',
  };
}

/** The checksum of one change, `N:hex`, for checksum version N (default 9). */
export function changeChecksum(change: Change, options: ChangeChecksumOptions & { version?: number } = {}): string {
  const version = options.version ?? LATEST_CHECKSUM_VERSION;
  const legacy = version <= 8;
  switch (change.type) {
    case 'sql':
    case 'sqlFile': {
      if (!legacy) return `${version}:${md5(deleteSqlWhitespace(sqlTextOf(change, options)))}`;
      const sql = sqlOptionsOf(change, options);
      const text = change.type === 'sql' ? sqlTextOf(change, options) : rawFileText(change);
      return `${version}:${md5(normaliseV8(sql.endDelimiter, sql.splitStatements, sql.stripComments, text))}`;
    }
    case 'createView':
    case 'createProcedure': {
      const serialised = computeFromString(serialiseChange(change, { ...sourceOptions(options), version }), version);
      const path = changeParameter(change, 'path', sourceOptions(options));
      const inline = changeParameter(change, change.type === 'createView' ? 'selectQuery' : 'procedureText', sourceOptions(options));
      let sqlChecksum: string;
      if (!legacy) {
        // the inline text as written, or the file as read (BOM removed) with ${} expanded
        const text = path === undefined ? (inline ?? '') : (change.sql?.text ?? '');
        sqlChecksum = `${version}:${md5(deleteSqlWhitespace(text))}`;
      } else {
        if (path === undefined) return serialised;
        sqlChecksum = `${version}:${md5(normaliseV8(';', false, false, inline ?? rawFileText(change)))}`;
      }
      return computeFromString(`${serialised}:${sqlChecksum}`, version);
    }
    case 'loadData':
    case 'loadUpdateData':
      return loadDataChecksum(change, version, options);
    default:
      return computeFromString(serialiseChange(change, { ...sourceOptions(options), version }), version);
  }
}

/**
 * What goes into the MD5 of one change with checksum version 9, as `checksum-inputs.json` records it: the SQL with
 * whitespace deleted for sql/sqlFile, the serialised change otherwise (createView/createProcedure/loadData hash
 * more than this).
 */
export function changeChecksumInput(change: Change, options: ChangeChecksumOptions = {}): string {
  if (change.type === 'sql' || change.type === 'sqlFile') return deleteSqlWhitespace(sqlTextOf(change, options));
  return serialiseChange(change, sourceOptions(options));
}

/** LoadDataChange.generateCheckSum: tableName + ":" + the checksum of the CSV bytes (blank and comment lines dropped) */
function loadDataChecksum(change: Change, version: number, options: ChangeChecksumOptions): string {
  const param = (name: string) => changeParameter(change, name, sourceOptions(options));
  const file = param('file');
  const path = file === undefined ? undefined : resolveDataFile(file, param('relativeToChangelogFile') === 'true', options);
  // the bytes as on disk; through readFile (the editor's text) as UTF-8. Liquibase fails when the file cannot be
  // read; the checksum of an empty file stands in for it here.
  const data = path === undefined ? undefined : options.readFile ? options.readFile(path) : diskBytes(path);
  const bytes = skipBlankAndCommentLines(typeof data === 'string' ? Buffer.from(data, 'utf8') : (data ?? new Uint8Array()), param('commentLineStartsWith'));
  return computeFromString(`${param('tableName') ?? 'null'}:${version}:${md5(bytes)}`, version);
}

export function resolveDataFile(file: string, relative: boolean, options: ChangeChecksumOptions): string | undefined {
  const read = options.readFile ?? diskRead;
  const clean = file.replace(/^classpath\*?:/, '');
  const candidates: string[] = [];
  if (relative && options.file) candidates.push(nodePath.resolve(nodePath.dirname(options.file), clean));
  else {
    if (nodePath.isAbsolute(clean)) candidates.push(clean);
    for (const root of options.searchPath ?? []) candidates.push(nodePath.resolve(root, clean.replace(/^\/+/, '')));
    if (options.file) {
      for (let d = nodePath.dirname(options.file), i = 0; i < 8; i++, d = nodePath.dirname(d)) {
        candidates.push(nodePath.resolve(d, clean));
        if (nodePath.dirname(d) === d) break;
      }
    }
  }
  return candidates.find((c) => read(c) !== undefined);
}

/**
 * EmptyLineAndCommentSkippingInputStream, byte for byte: CRs dropped, blank lines and lines starting with the
 * comment marker skipped, no leading and no final newline. Its look-ahead uses the stream's single mark, which a
 * nested look-ahead moves; that is reproduced too.
 */
export function skipBlankAndCommentLines(bytes: Uint8Array, comment: string | undefined): Uint8Array {
  const marker = comment ? comment.charCodeAt(0) : -2;
  let pos = 0;
  let mark = 0;
  let last = -1;
  const next = () => (pos < bytes.length ? bytes[pos++] : -1);
  const read = (lastRead: number, lookAhead: boolean): number => {
    let c = next();
    if (c === marker && (lastRead === 10 || lastRead < 0)) {
      while ((c = next()) !== 10 && c !== 13 && c > 0) {
        // skip the comment line
      }
    }
    if (c < 0) return c;
    if (c === 13) return read(last, false);
    if (c === 10 && lastRead === 10) return read(last, false);
    if (c === 10) {
      if (lastRead < 0) return read(last, false);
      mark = pos;
      if (read(10, true) < 0) return -1;
      pos = mark;
    }
    if (!lookAhead) last = c;
    return c;
  };
  const out: number[] = [];
  for (let c = read(last, false); c >= 0; c = read(last, false)) out.push(c);
  return Uint8Array.from(out);
}

/** DbmsTargetedChange (sql, sqlFile, createProcedure, insert) whose dbms does not match postgresql (DatabaseList.definitionMatches) */
function excludedByDbms(change: Change, options: ChangeChecksumOptions): boolean {
  if (!['sql', 'sqlFile', 'createProcedure', 'insert'].includes(change.type)) return false;
  const definition = changeParameter(change, 'dbms', sourceOptions(options)) ?? change.dbms;
  const trimmed = definition === undefined ? '' : javaTrim(definition);
  if (!trimmed) return false;
  const names = trimmed.split(',').map((n) => javaTrim(n));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  if (names.length === 0) return false;
  if (names.includes('all')) return false;
  if (names.includes('none')) return true;
  if (names.includes('!postgresql')) return true;
  const supported = names.filter((n) => !n.startsWith('!'));
  return supported.length > 0 && !supported.includes('postgresql');
}

/** The MD5SUM of a changeset for checksum version N (1–9). Throws for versions Liquibase 4.28 does not know. */
export function changesetChecksumForVersion(changeset: Changeset, version: number, options: ChecksumOptions = {}): string {
  if (!Number.isInteger(version) || version < 1 || version > LATEST_CHECKSUM_VERSION) {
    throw new Error(`Unsupported checksum version ${version}`);
  }
  // a plan asks for the same changeset's checksum more than once (its MD5SUM, then the comparison with the stored
  // value): remember it per changeset object, when everything it hashes is in the model (no editor texts, no CSV)
  if (!memoisable(changeset, options)) return computeChangesetChecksum(changeset, version, options);
  let memo = checksumMemo.get(changeset);
  // the loader attaches a new SqlText to a cached change when its SQL file changed: that invalidates the memo
  const texts = changeset.changes.map((c) => c.sql);
  if (!memo || memo.texts.length !== texts.length || memo.texts.some((t, i) => t !== texts[i])) {
    memo = { texts, sums: new Map() };
    checksumMemo.set(changeset, memo);
  }
  let sum = memo.sums.get(version);
  if (sum === undefined) memo.sums.set(version, (sum = computeChangesetChecksum(changeset, version, options)));
  return sum;
}

const checksumMemo = new WeakMap<Changeset, { texts: (Change['sql'] | undefined)[]; sums: Map<number, string> }>();

function memoisable(changeset: Changeset, options: ChecksumOptions): boolean {
  return options.readFile === undefined && options.searchPath === undefined && !changeset.changes.some((c) => c.type === 'loadData' || c.type === 'loadUpdateData');
}

function computeChangesetChecksum(changeset: Changeset, version: number, options: ChecksumOptions): string {
  const changeOptions: ChangeChecksumOptions = { ...options, file: changeset.file };
  let input = '';
  for (const change of changeset.changes) {
    // checksum version 9 leaves out changes for other databases; 8 and older count them
    if (version > 8 && excludedByDbms(change, changeOptions)) continue;
    input += changeChecksum(change, { ...changeOptions, version }) + ':';
  }
  // then each modifySql visitor's checksum and ';' (ChangeSet.generateCheckSum)
  if (changeset.kind === 'yaml' && changeset.hasModifySql) for (const text of sqlVisitorTexts(changeset, { readFile: options.readFile, version })) input += computeFromString(text, version) + ';';
  return computeFromString(input, version);
}

/** DATABASECHANGELOG.MD5SUM as Liquibase 4.28 writes it: `9:` + 32 hex digits. */
export function changesetChecksum(changeset: Changeset, options: ChecksumOptions = {}): string {
  return changesetChecksumForVersion(changeset, LATEST_CHECKSUM_VERSION, options);
}

/** The checksum-version-8 MD5SUM (what Liquibase 3.5–4.21 stored), to validate `8:` values. */
export function checksumV8(changeset: Changeset, options: ChecksumOptions = {}): string {
  return changesetChecksumForVersion(changeset, 8, options);
}

/** CheckSum.parse: `N:hex` (N = the leading digits), or version 1 for a value without a prefix. */
export function parseStoredChecksum(stored: string): StoredChecksum {
  const m = /^(\d+):([a-zA-Z0-9]+)/.exec(stored);
  if (m) return { version: Number(m[1]), hex: m[2] };
  return { version: 1, hex: stored };
}

function checksumString(c: StoredChecksum): string {
  return `${c.version}:${c.hex}`;
}

export interface ChecksumVerdict {
  ok: boolean;
  /** the stored value as Liquibase prints it ("was:"), e.g. `1:0123…` for a value without prefix */
  stored?: string;
  /** the changeset's checksum computed with the stored value's version ("is now:"); absent when not computed */
  current?: string;
  /** why it is accepted without comparing */
  reason?: 'no-stored-checksum' | 'valid-checksum-any';
}

/**
 * ChangeSet.isCheckSumValid: a validCheckSum of ANY/ALL/* (any case) accepts everything; a NULL/empty MD5SUM is
 * accepted; otherwise the checksum is computed with the stored value's version and compared (case-sensitively),
 * and a validCheckSum equal to either the stored or the computed value also accepts.
 */
export function verifyChecksum(changeset: Changeset, stored: string | null | undefined, options: ChecksumOptions = {}): ChecksumVerdict {
  const valid = changeset.attributes.validCheckSum.filter((v) => v !== '').map((v) => checksumString(parseStoredChecksum(v)));
  if (valid.some((v) => ['1:any', '1:all', '1:*'].includes(v.toLowerCase()))) return { ok: true, reason: 'valid-checksum-any' };
  if (stored === null || stored === undefined || stored === '') return { ok: true, reason: 'no-stored-checksum' };
  const parsed = parseStoredChecksum(stored);
  const storedText = checksumString(parsed);
  let current: string;
  try {
    current = changesetChecksumForVersion(changeset, parsed.version, options);
  } catch {
    return { ok: false, stored: storedText };
  }
  const ok = current === storedText || valid.includes(current) || valid.includes(storedText);
  return { ok, stored: storedText, current };
}

/** Whether a stored MD5SUM still matches the changeset (see verifyChecksum). */
export function checksumMatches(changeset: Changeset, stored: string | null | undefined, options: ChecksumOptions = {}): boolean {
  return verifyChecksum(changeset, stored, options).ok;
}
