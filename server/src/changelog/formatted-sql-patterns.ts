// The line patterns of Liquibase 4.28's formatted SQL changelog parser, rewritten as JavaScript regular
// expressions that accept exactly the same lines.
//
// Liquibase tests every pattern with Java's `Matcher.matches()` (the whole line must match) and the
// CASE_INSENSITIVE flag (ASCII case folding only, which is also what a JavaScript `i` regexp without `u` does).
// Java's `\s`, `\S` and `.` differ from JavaScript's, so they are spelled out below:
//   Java `\s` is [ \t\n\x0B\f\r] only (no NBSP, no Unicode spaces),
//   Java `.`  excludes \n, \r, U+0085, U+2028 and U+2029.
// Lines come from a line reader, so they never contain \n or \r.

/** Java's `\s` */
const S = '[ \\t\\n\\x0B\\f\\r]';
/** Java's `\S` */
const NS = '[^ \\t\\n\\x0B\\f\\r]';
/** Java's `.` (without DOTALL) */
const D = '[^\\n\\r\\u0085\\u2028\\u2029]';

/** anchored at both ends, like `Matcher.matches()`; `d` adds group indices */
function whole(source: string, indices = false): RegExp {
  return new RegExp(`^(?:${source})$`, indices ? 'id' : 'i');
}

/** `.*name:<group>.*`: the attribute anywhere in the line; the greedy prefix makes the last occurrence win */
function anywhere(name: string, group: string): RegExp {
  return whole(`${D}*${name}:${group}${D}*`, true);
}

// ---- line kinds ---------------------------------------------------------------------------------------------

/** `--liquibase formatted …`: the first line of a formatted changelog; any later such line is re-read for logicalFilePath */
export const FIRST_LINE = whole(`${S}*--${S}*liquibase${S}*formatted${D}*`);

const PROPERTY_START = new RegExp(`^${S}*--${S}*property(?=${S})`, 'i');
/** a line terminator Java's `.` does not match but a line reader leaves in the line */
const NOT_DOT = /[\u0085\u2028\u2029]/;

/**
 * `--property name:… value:…`, Liquibase's `\s*--\s*property\s+(.*:.*)\s+(.*:.*).*`: after the keyword and a
 * blank, a colon, later a blank, later another colon. Tested without a regexp, which would take quadratic time on
 * long lines.
 */
export function isPropertyLine(line: string): boolean {
  const start = PROPERTY_START.exec(line);
  if (!start) return false;
  const rest = line.slice(start[0].length + 1);
  if (NOT_DOT.test(rest)) return false;
  const colon = rest.indexOf(':');
  if (colon < 0) return false;
  for (let j = colon + 1; j < rest.length; j++) {
    if (isJavaSpace(rest.charCodeAt(j))) return rest.indexOf(':', j + 1) >= 0;
  }
  return false;
}
/** any other line of dashes followed by the word `property` and a blank: rejected */
export const ALT_PROPERTY = whole(`${S}*?-+${S}*property${S}${D}*`);

/**
 * `--changeset author:id …`: author is a quoted string or text up to the first colon; id is quoted or up to a blank.
 * Java takes as many blanks after the keyword as it can and gives one back only when the author cannot start
 * otherwise; the blanks are matched atomically here (a lookahead and a back reference), which gives the same
 * result in linear time, and CHANGE_SET_BLANK_AUTHOR covers the case where Java gives one back.
 * Groups: 2 = author, 3 = id.
 */
export const CHANGE_SET = whole(`${S}*--${S}*changeset(?=(${S}+))\\1("[^"]+"|[^:]+):${S}*("[^"]+"|${NS}+)${D}*`, true);
/** `--changeset   :id`: the blanks run into the colon, so the author is the last blank. Groups: 2 = author, 3 = id */
export const CHANGE_SET_BLANK_AUTHOR = whole(`${S}*--${S}*changeset(${S}+)(${S}):${S}*("[^"]+"|${NS}+)${D}*`, true);
/** `-changeset …` with a single dash at the very start of the line: rejected */
export const ALT_CHANGE_SET_ONE_DASH = whole(`-${S}*changeset${S}${D}*`);
/** anything else that starts with `--changeset` (even `--changesets`): rejected */
export const ALT_CHANGE_SET_OTHER = whole(`${S}*--${S}*changeset${D}*`); // Java's `[\s]*.*`; \s adds nothing to . in a line

/** `--rollback <sql>`: exactly one space after the keyword */
export const ROLLBACK = whole(`${S}*--${S}*rollback (${D}*)`, true);
export const ALT_ROLLBACK_ONE_DASH = whole(`${S}*-${S}*rollback${S}${D}*`);

/** a line that is only `/* liquibase rollback`; the block runs to the next line ending in `*\/` */
export const ROLLBACK_BLOCK_START = whole(`${S}*/\\*${S}*liquibase${S}*rollback${S}*`);
export const ROLLBACK_BLOCK_END = whole(`${D}*\\*/${S}*`); // Java's `.*\s*\*\/\s*$`; \s* adds nothing to .* in a line
/** what Liquibase splits the block's last line at: the final `*\/` and the blanks after it */
export const ROLLBACK_BLOCK_END_SPLIT = new RegExp(`\\*/${S}*$`);

/** `--preconditions <attributes>` */
export const PRECONDITIONS = whole(`${S}*--${S}*preconditions(${D}*)`, true);
export const ALT_PRECONDITIONS_ONE_DASH = whole(`${S}*-${S}*preconditions${S}${D}*`);
/** `--precondition-<name> <parameters>` */
export const PRECONDITION = whole(`${S}*--${S}*precondition-([a-zA-Z0-9-]+) (${D}*)`, true);
/** `--precondition-<name>` with nothing after it */
export const PRECONDITION_WITHOUT_PARAMETERS = whole(`${S}*--${S}*precondition-([a-zA-Z0-9-]+)`);
export const ALT_PRECONDITION_ONE_DASH = whole(`${S}*-${S}*precondition(${D}*)`);

/** `--comment <text>` or `--comment: <text>`; no leading blanks, and a single space is required before the text */
export const COMMENT = whole(`--${S}*comment:? (${D}*)`, true);
export const ALT_COMMENT_PLURAL = whole(`--${S}*comments:? (${D}*)`);
export const ALT_COMMENT_ONE_DASH = whole(`-${S}*comment:? (${D}*)`);

/** `--validCheckSum <sum>` or `--validCheckSum: <sum>` */
export const VALID_CHECK_SUM = whole(`--${S}*validCheckSum:? (${D}*)`, true);
export const ALT_VALID_CHECK_SUM_ONE_DASH = whole(`-${S}*validCheckSum(${D}*)`);

/** `--ignoreLines:<n>`, `--ignoreLines:start`, `--ignoreLines:end`: nothing else on the line */
export const IGNORE_LINES = whole(`--${S}*ignoreLines:(\\w+)`);
export const ALT_IGNORE_LINES_ONE_DASH = whole(`-${S}*?ignoreLines:(\\w+)${D}*`);
export const ALT_IGNORE = whole(`--${S}*ignore:(\\w+)`);

// ---- attributes, searched anywhere in the line ----------------------------------------------------------------

export const RUN_WITH = anywhere('runWith', '([\\w$\\{\\}]+)');
export const RUN_WITH_SPOOL_FILE = anywhere('runWithSpoolFile', `(${D}*)`);
export const RUN_ON_CHANGE = anywhere('runOnChange', '(\\w+)');
export const RUN_ALWAYS = anywhere('runAlways', '(\\w+)');
export const CONTEXT = anywhere('context', `("${D}*?"|${NS}*)`);
export const CONTEXT_FILTER = anywhere('contextFilter', `("${D}*?"|${NS}*)`);
export const LOGICAL_FILE_PATH = anywhere('logicalFilePath', `(${NS}*)`);
export const LABELS = anywhere('labels', `("${D}*?"|${NS}*)`);
export const RUN_IN_TRANSACTION = anywhere('runInTransaction', '(\\w+)');
export const DBMS = anywhere('dbms', '([^,][\\w!,]+)');
export const IGNORE = anywhere('ignore', '(\\w*)');
export const FAIL_ON_ERROR = anywhere('failOnError', '(\\w+)');
export const SPLIT_STATEMENTS = anywhere('splitStatements', '(\\w+)');
export const STRIP_COMMENTS = anywhere('stripComments', '(\\w+)');
export const END_DELIMITER = anywhere('endDelimiter', `(${NS}*)`);
export const ROLLBACK_SPLIT_STATEMENTS = anywhere('rollbackSplitStatements', '(\\w+)');
export const ROLLBACK_END_DELIMITER = anywhere('rollbackEndDelimiter', `(${NS}*)`);

export const ON_FAIL = anywhere('onFail', '(\\w+)');
export const ON_ERROR = anywhere('onError', '(\\w+)');
export const ON_UPDATE_SQL = anywhere('onUpdateSQL', '(\\w+)');
export const ON_SQL_OUTPUT = anywhere('onSqlOutput', '(\\w+)');

export const ROLLBACK_CHANGESET_ID = anywhere('changeSetId', `(${NS}+)`);
export const ROLLBACK_CHANGESET_AUTHOR = anywhere('changesetAuthor', `(${NS}+)`);
export const ROLLBACK_CHANGESET_PATH = anywhere('changesetPath', `(${NS}+)`);

export const PROPERTY_NAME = whole(`${D}*name:${S}*(${NS}+)${D}*`, true);
export const PROPERTY_VALUE = whole(`${D}*value:${S}*(${NS}+)${D}*`, true);
export const PROPERTY_GLOBAL = anywhere('global', `(${NS}+)`);

export const TABLE_NAME = anywhere('table', '(\\w+)');
export const VIEW_NAME = anywhere('view', '(\\w+)');
export const SCHEMA_NAME = anywhere('schema', '(\\w+)');

/** sql-check parameters: `[expectedResult:]<word> <sql>`, then the single- and double-quoted result forms */
export const SQL_CHECK_FORMS = [
  whole(`(?:expectedResult:)?(\\w+) (${D}*)`, true),
  whole(`(?:expectedResult:)?'([^']+)' (${D}*)`, true),
  whole(`(?:expectedResult:)?"([^"]+)" (${D}*)`, true),
];

/** `^not required.*` and `^empty.*` on the trimmed, lower-cased rollback text (`.` stops at line breaks) */
export const ROLLBACK_NOT_REQUIRED = new RegExp(`^not required${D}*$`, 'i');
export const ROLLBACK_EMPTY = new RegExp(`^empty${D}*$`, 'i');

// ---- Java string helpers ------------------------------------------------------------------------------------

/** Java's `\s` as a predicate */
export function isJavaSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** `String.trim()`: strips every char <= U+0020 from both ends */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** `StringUtil.stripEnclosingQuotes`: one pair of matching ' or " around the whole value */
export function stripEnclosingQuotes(s: string): string {
  if (s.length > 1 && (s[0] === '"' || s[0] === "'") && s[0] === s[s.length - 1]) return s.slice(1, -1);
  return s;
}

/** `Boolean.parseBoolean` */
export function javaParseBoolean(s: string | undefined): boolean {
  return s !== undefined && s.toLowerCase() === 'true';
}

/** `Character.isWhitespace` for every char (what `StringUtils.isWhitespace` checks) */
export function isJavaWhitespaceOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20)) continue;
    if (c === 0x1680 || (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200a)) continue;
    if (c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000) continue;
    return false;
  }
  return true;
}

/**
 * `DatabaseChangeLog.normalizePath`, what Liquibase stores as a changeset's file path: no `classpath:`, forward
 * slashes, no drive letter, no leading slash, `.` and `..` segments resolved.
 */
export function normalizeLiquibasePath(path: string): string {
  let p = path;
  if (p.startsWith('classpath:')) p = p.slice('classpath:'.length);
  p = p.replace(/\\/g, '/');
  if (p.indexOf(':') === 1) p = p.replace(/^[a-zA-Z]:/, '');
  if (p.startsWith('/')) p = p.slice(1);
  const out: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}
