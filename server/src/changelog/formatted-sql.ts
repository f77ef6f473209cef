// Liquibase "formatted SQL" changelogs (`--liquibase formatted sql`), read the way Liquibase 4.28.0 reads them:
// the same line patterns (see formatted-sql-patterns.ts), the same order of tests, the same quirks. Where
// Liquibase would refuse the whole changelog, the reader reports an error finding and carries on, so the editor
// still gets every changeset it can recognise.

import { suggestion as didYouMean } from './did-you-mean';
import * as P from './formatted-sql-patterns';
import { MappedText, OffsetPool, type Piece } from './formatted-sql-text';
import { LineIndex } from './line-index';
import type {
  Change, ChangelogFile, Changeset, ChangesetAttributes, Finding, ParamValue, Precondition, Preconditions,
  PropertyDefinition, Range, Rollback, Severity,
} from './model';

export interface FormattedSqlOptions {
  /** DATABASECHANGELOG.FILENAME for this file (a changeset's or the header's logicalFilePath overrides it) */
  logicalPath: string;
  /** expands `${name}` references; called only for texts that contain `${` */
  properties?: (text: string) => string;
}

/** Is the first non-blank line (after a BOM) `--liquibase formatted …`, which is how Liquibase picks this parser? */
export function isFormattedSql(text: string): boolean {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    let end = i;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    const line = text.slice(i, end);
    if (P.javaTrim(line) !== '') return P.FIRST_LINE.test(line);
    i = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  return false;
}

/** Parses one formatted SQL changelog into the model. Never throws: problems become findings. */
export function parseFormattedSql(path: string, text: string, options: FormattedSqlOptions): ChangelogFile {
  return new FormattedSqlReader(path, text, options).read();
}

/** the changeset attributes Liquibase 4.28 reads from a `--changeset` line */
const HEADER_ATTRIBUTES = [
  'runOnChange', 'runAlways', 'context', 'contextFilter', 'labels', 'dbms', 'failOnError', 'runInTransaction',
  'logicalFilePath', 'ignore', 'splitStatements', 'stripComments', 'endDelimiter', 'rollbackSplitStatements',
  'rollbackEndDelimiter', 'runWith', 'runWithSpoolFile',
];
const HEADER_ATTRIBUTE_NAMES = new Map(HEADER_ATTRIBUTES.map((a) => [a.toLowerCase(), a]));
/** boolean attributes and the value Liquibase uses when the attribute is absent */
const BOOLEAN_DEFAULTS: Record<string, boolean> = {
  runOnChange: false, runAlways: false, failOnError: true, runInTransaction: true, ignore: false,
  splitStatements: true, stripComments: true, rollbackSplitStatements: true,
};
/** attributes of XML/YAML changesets that the formatted SQL parser does not read */
const NOT_READ_IN_FORMATTED_SQL = new Set([
  'created', 'runorder', 'objectquotingstrategy', 'comment', 'onvalidationfail', 'id', 'author', 'alwaysrun',
  'filepath', 'description',
]);
const PRECONDITIONS_ATTRIBUTES = ['onFail', 'onError', 'onSqlOutput', 'onUpdateSQL'];
const PRECONDITIONS_ATTRIBUTE_NAMES = new Map(PRECONDITIONS_ATTRIBUTES.map((a) => [a.toLowerCase(), a]));
const PRECONDITION_TYPES = ['sql-check', 'table-exists', 'view-exists'];
const FAIL_OPTIONS = ['HALT', 'CONTINUE', 'MARK_RAN', 'WARN'];
const SQL_OUTPUT_OPTIONS = ['IGNORE', 'TEST', 'FAIL'];
const DIRECTIVE_WORDS = ['rollback', 'comment', 'validCheckSum', 'preconditions', 'ignoreLines'];

const REJECTED = 'Liquibase 4.28 rejects the whole changelog at this line';

/** a comment opener and the first word after it, for lines that nearly are directives */
const COMMENT_WORD = /^[ \t\n\x0B\f\r]*(-+|\/\/|#|\/\*+)[ \t\n\x0B\f\r]*([A-Za-z][A-Za-z_-]*)([^]*)$/;
/** `author:id` after a misspelt changeset keyword */
const LOOKS_LIKE_AUTHOR_ID = /^[ \t]*("[^"]+"|[^\s:]+)[ \t]*:[ \t]*\S/;

interface Attribute {
  value: string;
  /** offsets in the line */
  start: number;
  end: number;
}

interface Token {
  /** undefined for a word without a colon */
  name?: string;
  nameStart: number;
  value: string;
  valueStart: number;
  end: number;
}

interface SqlOptions {
  splitStatements: boolean;
  stripComments: boolean;
  endDelimiter?: string;
}

/** a changeset while its lines are read */
interface Building {
  cs: Changeset;
  headerLine: number;
  /** the last non-blank line that belongs to the changeset */
  lastLine: number;
  options: SqlOptions;
  params: Record<string, ParamValue>;
  rollbackOptions: { splitStatements: boolean; endDelimiter?: string };
  rollbackParams: Record<string, ParamValue>;
  /** the SQL Liquibase gives the change when it creates it: the text collected before this header */
  provisional: MappedText | null;
  /** lines appended to the SQL (blank lines and comments included) */
  bodyLines: number;
  rollbackFirstLine: number;
  rollbackLastLine: number;
}

class FormattedSqlReader {
  private readonly lines: LineIndex;
  private readonly bom: number;
  private readonly lineTotal: number;
  private readonly findings: Finding[] = [];
  private readonly changesets: Changeset[] = [];
  private readonly properties: PropertyDefinition[] = [];
  private readonly pool = new OffsetPool();
  private cur: Building | null = null;
  /** Liquibase's currentSequence and currentRollbackSequence */
  private body: Piece[] = [];
  private rollback: Piece[] = [];
  /** logicalFilePath of the last `--liquibase formatted` line */
  private fileLogicalPath?: string;
  /** the line number Liquibase would report (it does not count the lines of rollback blocks) */
  private liquibaseLine = 0;
  /** SQL before the first changeset: the current run of lines, and the depth of open block comments */
  private outsideRun: { first: number; last: number } | null = null;
  private outsideCommentDepth = 0;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly options: FormattedSqlOptions,
  ) {
    this.lines = new LineIndex(text);
    this.bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    // a line reader does not return the empty "line" after a final line break
    let total = this.lines.lineCount;
    if (this.lineStartOf(total - 1) === this.lines.lineEnd(total - 1)) total--;
    this.lineTotal = total;
  }

  read(): ChangelogFile {
    const n = this.lineTotal;
    let next = 0;
    while (next < n) {
      const at = next++;
      this.liquibaseLine++;
      next = this.readLine(at, this.lineText(at), next, n);
      const cur = this.cur;
      if (cur && cur.headerLine !== at) {
        for (let j = next - 1; j >= at; j--) {
          if (!this.isBlankLine(j)) {
            cur.lastLine = Math.max(cur.lastLine, j);
            break;
          }
        }
      }
    }
    this.finishFile();
    return {
      path: this.path,
      kind: 'formatted-sql',
      text: this.text,
      changesets: this.changesets,
      includes: [],
      properties: this.properties,
      findings: this.findings,
    };
  }

  /** one line of Liquibase's parse loop; returns the next line to read (rollback blocks and ignoreLines read ahead) */
  private readLine(at: number, line: string, next: number, n: number): number {
    // Every directive pattern is dashes (or "/*" for rollback blocks), blanks, then one of a few keywords:
    // other lines are SQL, and skip the patterns.
    const keyword = directiveKeyword(line);
    if (keyword === undefined) {
      if (this.cur) {
        this.appendBody(at);
        if (mayBeComment(line)) this.nearMiss(at, line);
      } else {
        this.outsideLine(at, line);
      }
      return next;
    }

    // a pattern can only match a line whose keyword it names, so the others are skipped
    if (keyword === 'property' && P.isPropertyLine(line)) {
      this.property(at, line);
      return next;
    }
    if (keyword === 'property' && P.ALT_PROPERTY.test(line)) {
      this.reject(at, 'malformed-directive', "This is not a valid '--property' line: it needs 'name:<name> value:<value>'.");
      return next;
    }
    if (keyword === 'liquibase' && P.FIRST_LINE.test(line)) {
      // every `--liquibase formatted` line sets (or clears) the file's logicalFilePath
      this.fileLogicalPath = P.LOGICAL_FILE_PATH.exec(line)?.[1];
    }
    const ignore = keyword === 'ignore' ? P.IGNORE_LINES.exec(line) : null;
    if (ignore) return this.ignoreLines(at, ignore[1], next, n);
    if (keyword === 'ignore' && (P.ALT_IGNORE_LINES_ONE_DASH.test(line) || P.ALT_IGNORE.test(line))) {
      this.reject(at, 'malformed-directive', "This is not a valid ignore directive: write '--ignoreLines:<count>' or '--ignoreLines:start' … '--ignoreLines:end'.");
      return next;
    }
    if (keyword === 'changeset') {
      const header = P.CHANGE_SET.exec(line) ?? P.CHANGE_SET_BLANK_AUTHOR.exec(line);
      if (header) {
        this.startChangeset(at, line, header);
        return next;
      }
      if (P.ALT_CHANGE_SET_ONE_DASH.test(line) || P.ALT_CHANGE_SET_OTHER.test(line)) {
        this.malformedHeader(at, line);
        return next;
      }
    }
    if (this.cur) return this.changesetLine(at, line, keyword, next, n);
    if (keyword === 'comment' && P.COMMENT.test(line)) {
      this.reject(at, 'malformed-directive', "A '--comment' line must be inside a changeset (after its '--changeset' line).");
      return next;
    }
    this.outsideLine(at, line);
    return next;
  }

  // ---- changesets -------------------------------------------------------------------------------------------

  private startChangeset(at: number, line: string, match: RegExpExecArray): void {
    this.flushOutsideRun();
    // Liquibase completes the previous changeset when it meets the next header
    const sql = this.bodySql();
    const previous = this.cur;
    if (previous) {
      if (sql === null) {
        this.report(
          'empty-changeset', 'error',
          `Changeset '${ellipsis(previous.cs.id)}' has no SQL. ${REJECTED.replace('at this line', 'when it reaches the next --changeset line')}.`,
          previous.cs.headerRange, previous.cs,
        );
      }
      this.finishChangeset(previous, sql, true, false);
    }

    const start = this.lineStartOf(at);
    const headerRange = this.lines.range(start, this.lines.lineEnd(at));
    const [authorStart, authorEnd] = span(match, 2);
    const [idStart, idEnd] = span(match, 3);
    const authorToken = match[2];
    const idToken = match[3];
    const id = this.expand(P.stripEnclosingQuotes(idToken));
    const author = this.expand(P.stripEnclosingQuotes(authorToken));

    const lower = line.toLowerCase();
    const attr = (re: RegExp): Attribute | undefined => (lower.includes(attributeKey(re)) ? attribute(re, line) : undefined);
    const bool = (re: RegExp): boolean | undefined => {
      const a = attr(re);
      return a ? P.javaParseBoolean(a.value) : undefined;
    };
    const attributes: ChangesetAttributes = { validCheckSum: [] };
    const runOnChange = bool(P.RUN_ON_CHANGE);
    if (runOnChange !== undefined) attributes.runOnChange = runOnChange;
    const runAlways = bool(P.RUN_ALWAYS);
    if (runAlways !== undefined) attributes.runAlways = runAlways;
    const runInTransaction = bool(P.RUN_IN_TRANSACTION);
    if (runInTransaction !== undefined) attributes.runInTransaction = runInTransaction;
    const failOnError = bool(P.FAIL_ON_ERROR);
    if (failOnError !== undefined) attributes.failOnError = failOnError;
    let context = attr(P.CONTEXT_FILTER)?.value;
    if (!context) context = attr(P.CONTEXT)?.value;
    if (context !== undefined) attributes.context = this.expand(P.stripEnclosingQuotes(context));
    const labels = attr(P.LABELS)?.value;
    if (labels !== undefined) attributes.labels = this.expand(P.stripEnclosingQuotes(labels));
    const dbms = attr(P.DBMS)?.value;
    if (dbms !== undefined) attributes.dbms = this.expand(dbms);
    const ignore = attr(P.IGNORE)?.value;
    if (ignore !== undefined) attributes.ignore = P.javaParseBoolean(this.expand(ignore));
    const ownLogicalPath = attr(P.LOGICAL_FILE_PATH)?.value;
    if (ownLogicalPath) attributes.logicalFilePath = this.expand(ownLogicalPath);
    const effectivePath = ownLogicalPath || this.fileLogicalPath;
    const logicalPath = effectivePath ? P.normalizeLiquibasePath(this.expand(effectivePath)) : this.options.logicalPath;

    const split = attr(P.SPLIT_STATEMENTS);
    const strip = attr(P.STRIP_COMMENTS);
    const endDelimiter = attr(P.END_DELIMITER);
    const rollbackSplit = attr(P.ROLLBACK_SPLIT_STATEMENTS);
    const rollbackEndDelimiter = attr(P.ROLLBACK_END_DELIMITER);
    const params: Record<string, ParamValue> = {};
    const param = (a: Attribute, value: unknown): ParamValue => ({ value, range: this.lines.range(start + a.start, start + a.end) });
    if (split) params.splitStatements = param(split, P.javaParseBoolean(split.value));
    if (strip) params.stripComments = param(strip, P.javaParseBoolean(strip.value));
    if (endDelimiter) params.endDelimiter = param(endDelimiter, endDelimiter.value);
    const rollbackParams: Record<string, ParamValue> = {};
    if (rollbackSplit) rollbackParams.splitStatements = param(rollbackSplit, P.javaParseBoolean(rollbackSplit.value));
    if (rollbackEndDelimiter) rollbackParams.endDelimiter = param(rollbackEndDelimiter, rollbackEndDelimiter.value);

    const cs: Changeset = {
      id,
      author,
      file: this.path,
      logicalPath,
      kind: 'formatted-sql',
      range: headerRange,
      headerRange,
      idRange: this.lines.range(start + idStart, start + idEnd),
      authorRange: this.lines.range(start + authorStart, start + authorEnd),
      attributes,
      inheritedContexts: [],
      inheritedLabels: [],
      changes: [],
      rollback: { kind: 'none' },
      index: this.changesets.length,
    };
    this.changesets.push(cs);
    this.cur = {
      cs,
      headerLine: at,
      lastLine: at,
      options: {
        splitStatements: split ? P.javaParseBoolean(split.value) : true,
        stripComments: strip ? P.javaParseBoolean(strip.value) : true,
        endDelimiter: endDelimiter?.value,
      },
      params,
      rollbackOptions: {
        splitStatements: rollbackSplit ? P.javaParseBoolean(rollbackSplit.value) : true,
        endDelimiter: rollbackEndDelimiter?.value,
      },
      rollbackParams,
      provisional: sql,
      bodyLines: 0,
      rollbackFirstLine: -1,
      rollbackLastLine: -1,
    };
    this.body = [];
    this.rollback = [];

    if (idStart !== authorEnd + 1) {
      this.reject(at, 'malformed-changeset-header', "There must be no blank between ':' and the changeset id: write '--changeset <author>:<id>'.", this.lines.range(start + authorEnd, start + idStart));
    }
    if (id === '') this.report('missing-id', 'error', 'This changeset has an empty id; Liquibase fails validation with "ChangeSet Id is empty".', cs.idRange!);
    if (author === '') {
      this.report('missing-author', 'warning', 'This changeset has an empty author; Liquibase accepts it only when strict mode is off.', cs.authorRange!);
    } else if (author.trim() === '') {
      this.report('missing-author', 'warning', 'The author of this changeset is only blanks.', cs.authorRange!);
    } else if (author !== author.trim()) {
      this.report('malformed-changeset-header', 'warning', `The author '${ellipsis(author)}' has blanks around it; Liquibase keeps them, so DATABASECHANGELOG.AUTHOR will be '${ellipsis(author)}'.`, cs.authorRange!);
    }
    this.checkHeaderAttributes(at, line, idEnd, cs, { split, endDelimiter });
  }

  /** reports unknown attributes and values Liquibase does not read the way they look */
  private checkHeaderAttributes(at: number, line: string, from: number, cs: Changeset, effective: { split?: Attribute; endDelimiter?: Attribute }): void {
    const start = this.lineStartOf(at);
    const tokens = tokenize(line, from, MAX_CHECKED_TOKENS, 'runwithspoolfile');
    const range = (a: number, b: number) => this.lines.range(start + a, start + b);
    let bare: Token[] = [];
    const flushBare = () => {
      if (bare.length === 0) return;
      const words = ellipsis(bare.map((t) => t.value).join(' '));
      this.report('unknown-attribute', 'warning', `'${words}' is not an attribute (attributes are written name:value); Liquibase ignores it.`, range(bare[0].nameStart, bare[bare.length - 1].end));
      bare = [];
    };
    for (const token of tokens) {
      if (token.name === undefined) {
        bare.push(token);
        continue;
      }
      flushBare();
      const lower = token.name.toLowerCase();
      const known = HEADER_ATTRIBUTE_NAMES.get(lower);
      if (!known) {
        const message = lower === 'author' || lower === 'id'
          ? `Liquibase takes the author and id only from '<author>:<id>' right after --changeset (here author '${ellipsis(cs.author)}', id '${ellipsis(cs.id)}'); '${ellipsis(`${token.name}:${token.value}`)}' is ignored.`
          : NOT_READ_IN_FORMATTED_SQL.has(lower)
            ? `Liquibase's formatted SQL parser does not read '${ellipsis(token.name)}' on a --changeset line; it is ignored.`
            : `Unknown changeset attribute '${ellipsis(token.name)}'; Liquibase ignores it.${suggestion(token.name, HEADER_ATTRIBUTES)}`;
        this.report('unknown-attribute', 'warning', message, range(token.nameStart, token.end));
        continue;
      }
      if (known in BOOLEAN_DEFAULTS && !/^(true|false)$/i.test(token.value)) {
        const re = booleanPattern(known);
        const read = attribute(re, line);
        const outcome = read
          ? `reads it as ${P.javaParseBoolean(read.value)}`
          : `ignores it and uses the default, ${BOOLEAN_DEFAULTS[known]}`;
        const shown = token.value === '' ? 'An empty value' : `'${ellipsis(token.value)}'`;
        this.report('invalid-attribute-value', 'warning', `${shown} is not true or false; Liquibase ${outcome}.`, token.value === '' ? range(token.nameStart, token.end) : range(token.valueStart, token.end));
      }
    }
    flushBare();

    // `splitStatements:` and `endDelimiter:` also match inside `rollbackSplitStatements:` / `rollbackEndDelimiter:`
    const leaks: [Attribute | undefined, string, string, (v: string) => string][] = [
      [effective.split, 'splitstatements', 'rollbacksplitstatements', (v) => String(P.javaParseBoolean(v))],
      [effective.endDelimiter, 'enddelimiter', 'rollbackenddelimiter', (v) => `'${v}'`],
    ];
    for (const [read, own, rollbackName, show] of leaks) {
      if (!read) continue;
      const source = tokens.find((t) => t.name?.toLowerCase() === rollbackName && t.valueStart === read.start);
      if (!source) continue;
      const explicit = tokens.filter((t) => t.name?.toLowerCase() === own).pop();
      const label = own === 'splitstatements' ? 'splitStatements' : 'endDelimiter';
      const intended = explicit ? show(explicit.value) : label === 'splitStatements' ? 'true' : 'none';
      if (show(read.value) === intended) continue;
      this.report('attribute-quirk', 'info', `Liquibase 4.28 also reads this as the changeset's ${label} (its pattern matches inside '${source.name}'), so the SQL gets ${label} ${show(read.value)} instead of ${intended}.`, range(source.nameStart, source.end));
    }
  }

  /** a line inside a changeset: Liquibase's configureChangeSet */
  private changesetLine(at: number, line: string, keyword: string, next: number, n: number): number {
    const cur = this.cur!;
    const start = this.lineStartOf(at);
    let m: RegExpExecArray | null;
    switch (keyword) {
      case 'comment':
      case 'validchecksum':
      case 'rollback':
      case 'liquibase':
      case 'precondition':
        break;
      default:
        this.appendBody(at);
        this.nearMiss(at, line);
        return next;
    }
    if ((m = P.COMMENT.exec(line))) {
      cur.cs.attributes.comment = m[1];
      return next;
    }
    if (P.ALT_COMMENT_ONE_DASH.test(line) || P.ALT_COMMENT_PLURAL.test(line)) {
      this.reject(at, 'malformed-directive', "Liquibase reads this line as a malformed '--comment' directive (a single dash, or 'comments'): write '--comment <text>', or reword the SQL comment.");
      return next;
    }
    if ((m = P.VALID_CHECK_SUM.exec(line))) {
      if (m[1] === '') {
        this.report('invalid-attribute-value', 'error', 'This --validCheckSum has no checksum after it; Liquibase then fails when it validates the changeset.', this.lineRange(at));
      } else {
        cur.cs.attributes.validCheckSum.push(m[1]);
      }
      return next;
    }
    if (P.ALT_VALID_CHECK_SUM_ONE_DASH.test(line)) {
      this.reject(at, 'malformed-directive', "This is not a valid validCheckSum directive: write '--validCheckSum: <checksum>'.");
      return next;
    }
    if ((m = P.ROLLBACK.exec(line))) {
      const end = this.lines.lineEnd(at);
      this.rollback.push({ start: start + span(m, 1)[0], end, lineBreak: end });
      this.noteRollbackLines(at, at);
      return next;
    }
    if (P.ALT_ROLLBACK_ONE_DASH.test(line)) {
      this.reject(at, 'malformed-directive', "This is not a valid rollback directive: write '--rollback <SQL>' with two dashes.");
      return next;
    }
    if (P.ROLLBACK_BLOCK_START.test(line)) return this.rollbackBlock(at, next, n);
    if ((m = P.PRECONDITIONS.exec(line))) {
      this.preconditions(at, line, m);
      return next;
    }
    if (P.ALT_PRECONDITIONS_ONE_DASH.test(line)) {
      this.reject(at, 'malformed-directive', "This is not a valid preconditions directive: write '--preconditions onFail:<action> onError:<action>'.");
      return next;
    }
    if ((m = P.PRECONDITION.exec(line))) {
      this.precondition(at, m);
      return next;
    }
    if (P.ALT_PRECONDITION_ONE_DASH.test(line)) {
      this.reject(at, 'malformed-directive', "This is not a valid precondition directive: write '--precondition-sql-check expectedResult:<value> <SQL>' (or table-exists / view-exists).");
      return next;
    }
    if ((m = P.PRECONDITION_WITHOUT_PARAMETERS.exec(line))) {
      const name = m[1];
      if (PRECONDITION_TYPES.includes(name)) {
        const needs = name === 'sql-check' ? 'expectedResult:<value> <SQL>' : name === 'table-exists' ? 'table:<name> [schema:<name>]' : 'view:<name> [schema:<name>]';
        this.reject(at, 'malformed-precondition', `--precondition-${name} needs parameters: ${needs}.`);
      } else {
        this.unsupportedPrecondition(at, name);
      }
      return next;
    }
    this.appendBody(at);
    this.nearMiss(at, line);
    return next;
  }

  private appendBody(at: number): void {
    const end = this.lines.lineEnd(at);
    this.body.push({ start: this.lineStartOf(at), end, lineBreak: end });
    this.cur!.bodyLines++;
  }

  /** the collected SQL as Liquibase computes it at the next header or at the end: trimmed to null, then expanded */
  private bodySql(): MappedText | null {
    const cur = this.cur;
    const emptyAt = cur ? this.lines.lineEnd(cur.headerLine) : 0;
    const trimmed = MappedText.fromPieces(this.text, this.body, true, emptyAt, this.pool);
    if (trimmed.text === '') return null;
    return trimmed.expand(this.options.properties);
  }

  private finishChangeset(b: Building, sql: MappedText | null, own: boolean, atEnd: boolean): void {
    const cs = b.cs;
    const mapped = sql ? sql.trim() : null; // RawSQLChange.setSql trims
    if (!own) {
      const rollbackNote = b.rollbackFirstLine >= 0 ? ' Its rollback is dropped as well.' : '';
      const message = mapped && mapped.text !== ''
        ? `This last changeset has no SQL lines at all, so Liquibase 4.28 gives it the SQL of the changeset before it, which would run again.${rollbackNote} Add its SQL, or remove the changeset.`
        : `This changeset has no SQL; Liquibase fails validation ('sql' is required).${rollbackNote}`;
      this.report('empty-changeset', 'error', message, cs.headerRange, cs);
    } else if (atEnd && (!mapped || mapped.text === '')) {
      this.report('empty-changeset', 'error', "This changeset has no SQL; Liquibase fails validation ('sql' is required).", cs.headerRange, cs);
    }
    let endDelimiter = b.options.endDelimiter;
    // only for the changeset that ends the file: SQL ending in a "/" line gets "\n/$" as its delimiter
    if (atEnd && own && endDelimiter === undefined && mapped && P.javaTrim(mapped.text).endsWith('\n/')) endDelimiter = '\n/$';
    const text = mapped ?? MappedText.empty(this.lines.lineEnd(b.headerLine));
    const options: SqlOptions = { splitStatements: b.options.splitStatements, stripComments: b.options.stripComments, endDelimiter };
    const range = own && text.text !== '' ? this.lines.range(text.start, text.end) : cs.headerRange;
    const raw: Record<string, unknown> = { sql: text.text, splitStatements: options.splitStatements, stripComments: options.stripComments };
    if (endDelimiter !== undefined) raw.endDelimiter = endDelimiter;
    const change: Change = {
      type: 'sql',
      range,
      typeRange: cs.headerRange,
      params: { sql: { value: text.text, range }, ...b.params },
      raw,
      sql: text.toSqlText(this.path, options),
    };
    cs.changes.push(change);
    // Liquibase only reads the rollback of the last changeset when that changeset has lines of its own
    cs.rollback = own ? this.buildRollback(b) : { kind: 'none' };
    cs.range = this.lines.range(this.lineStartOf(b.headerLine), this.lines.lineEnd(b.lastLine));
  }

  private finishFile(): void {
    this.flushOutsideRun();
    const cur = this.cur;
    if (!cur) return;
    if (cur.bodyLines > 0) this.finishChangeset(cur, this.bodySql(), true, true);
    else this.finishChangeset(cur, cur.provisional, false, true);
    this.cur = null;
  }

  // ---- rollback ---------------------------------------------------------------------------------------------

  private noteRollbackLines(first: number, last: number): void {
    const cur = this.cur!;
    if (cur.rollbackFirstLine < 0) cur.rollbackFirstLine = first;
    cur.rollbackLastLine = Math.max(cur.rollbackLastLine, last);
  }

  /** `/* liquibase rollback` … `*\/`: the lines are appended without line breaks, as Liquibase does */
  private rollbackBlock(at: number, next: number, n: number): number {
    const pieces: Piece[] = [];
    let j = next;
    while (j < n) {
      const lineNo = j++;
      const line = this.lineText(lineNo);
      const start = this.lineStartOf(lineNo);
      if (P.ROLLBACK_BLOCK_END.test(line)) {
        const end = P.ROLLBACK_BLOCK_END_SPLIT.exec(line)!;
        const before = line.slice(0, end.index);
        if (before.length > 0 && !P.isJavaWhitespaceOnly(before)) pieces.push({ start, end: start + end.index, lineBreak: -1 });
        for (const piece of pieces) this.rollback.push(piece);
        this.noteRollbackLines(at, lineNo);
        this.checkGluedLines(pieces);
        return j;
      }
      pieces.push({ start, end: this.lines.lineEnd(lineNo), lineBreak: -1 });
    }
    for (const piece of pieces) this.rollback.push(piece);
    this.noteRollbackLines(at, Math.max(at, j - 1));
    this.report('unterminated-rollback-block', 'error', `This rollback block is never closed: no later line ends with '*/'. ${REJECTED.replace('at this line', '')}at the end of the file.`, this.lineRange(at));
    return j;
  }

  /** Liquibase joins the lines of a rollback block with nothing between them */
  private checkGluedLines(pieces: Piece[]): void {
    for (let i = 0; i + 1 < pieces.length; i++) {
      const a = this.text.slice(pieces[i].start, pieces[i].end);
      const b = this.text.slice(pieces[i + 1].start, pieces[i + 1].end);
      if (/^\s*$/.test(a) || /^\s*$/.test(b)) continue;
      const comment = /--/.test(a.replace(/'[^']*'/g, ''));
      const glued = /[\w$]$/.test(a) && /^[\w$]/.test(b);
      if (!comment && !glued) continue;
      const why = comment
        ? 'a -- comment in it comments out everything after it'
        : `'${a.slice(-12).trimStart()}' and '${b.slice(0, 12).trimEnd()}' run together`;
      this.report('rollback-block-line-join', 'warning', `Liquibase joins the lines of a /* liquibase rollback */ block without line breaks, so ${why}.`, this.lines.range(pieces[i].start, pieces[i + 1].end));
      return;
    }
  }

  private buildRollback(b: Building): Rollback {
    if (this.rollback.length === 0) return { kind: 'none' };
    const raw = MappedText.fromPieces(this.text, this.rollback, false, 0, this.pool);
    const trimmed = P.javaTrim(raw.text);
    if (trimmed === '') return { kind: 'none' };
    const range = this.lines.range(this.lineStartOf(b.rollbackFirstLine), this.lines.lineEnd(b.rollbackLastLine));
    if (P.ROLLBACK_NOT_REQUIRED.test(trimmed) || P.ROLLBACK_EMPTY.test(trimmed)) return { kind: 'not-required', range };
    if (/changesetid/i.test(trimmed)) return this.rollbackReference(b, raw.text, range);
    const sql = raw.expand(this.options.properties).trim();
    const options = { splitStatements: b.rollbackOptions.splitStatements, stripComments: false, endDelimiter: b.rollbackOptions.endDelimiter };
    const sqlRange = sql.text !== '' ? this.lines.range(sql.start, sql.end) : range;
    const rawValue: Record<string, unknown> = { sql: sql.text, splitStatements: options.splitStatements, stripComments: false };
    if (options.endDelimiter !== undefined) rawValue.endDelimiter = options.endDelimiter;
    const change: Change = {
      type: 'sql',
      range: sqlRange,
      typeRange: this.lineRange(b.rollbackFirstLine),
      params: { sql: { value: sql.text, range: sqlRange }, ...b.rollbackParams },
      raw: rawValue,
      sql: sql.toSqlText(this.path, options),
    };
    return { kind: 'changes', changes: [change], range };
  }

  /** `--rollback changesetId:<id> changesetAuthor:<author> [changesetPath:<path>]` */
  private rollbackReference(b: Building, text: string, range: Range): Rollback {
    const flat = text.replace(/[\r\n]/g, '');
    const id = P.ROLLBACK_CHANGESET_ID.exec(flat)?.[1];
    const author = P.ROLLBACK_CHANGESET_AUTHOR.exec(flat)?.[1];
    const path = P.ROLLBACK_CHANGESET_PATH.exec(flat)?.[1];
    if (!id || !author) {
      const missing = !id ? 'changesetId' : 'changesetAuthor';
      this.report('invalid-rollback-reference', 'error', `This rollback mentions changesetId, so Liquibase reads it as a reference to another changeset, but '${missing}:<value>' is missing; Liquibase rejects the changelog.`, range, b.cs);
      return { kind: 'none' };
    }
    const reference: Rollback = { kind: 'reference', id, author, range };
    if (path !== undefined) reference.path = path;
    else {
      // without a path Liquibase looks in this file, among the changesets read so far
      const here = P.normalizeLiquibasePath(this.options.logicalPath).toLowerCase();
      const found = this.changesets.some((c) =>
        c.id.toLowerCase() === id.toLowerCase() && c.author.toLowerCase() === author.toLowerCase() &&
        P.normalizeLiquibasePath(c.logicalPath).toLowerCase() === here);
      if (!found) {
        this.report('unknown-rollback-changeset', 'error', `There is no changeset ${ellipsis(id)} by ${ellipsis(author)} above this one in this file; Liquibase rejects the changelog. Add changesetPath:<file> to refer to another file.`, range, b.cs);
      }
    }
    return reference;
  }

  // ---- preconditions ----------------------------------------------------------------------------------------

  private preconditions(at: number, line: string, m: RegExpExecArray): void {
    const cur = this.cur!;
    const start = this.lineStartOf(at);
    const bodyStart = span(m, 1)[0];
    const body = m[1];
    const range = (a: number, b: number) => this.lines.range(start + bodyStart + a, start + bodyStart + b);
    const old = cur.cs.preconditions;
    if (old && old.conditions.length > 0) {
      this.report('discarded-preconditions', 'warning', 'This --preconditions line starts a new set of preconditions: Liquibase drops the --precondition-… lines above it. Put --preconditions first.', this.lineRange(at));
    }
    const result: Preconditions = { conditions: [], range: this.lineRange(at) };
    const option = (re: RegExp, allowed: string[]): string | undefined => {
      const a = attribute(re, body);
      if (!a) return undefined;
      if (!allowed.some((o) => o.toLowerCase() === a.value.toLowerCase())) {
        this.report('invalid-attribute-value', 'error', `'${ellipsis(a.value)}' is not one of ${allowed.join(', ')}; Liquibase rejects the changelog.${suggestion(a.value, allowed)}`, range(a.start, a.end));
      }
      return a.value;
    };
    const onFail = option(P.ON_FAIL, FAIL_OPTIONS);
    if (onFail !== undefined) result.onFail = onFail;
    const onError = option(P.ON_ERROR, FAIL_OPTIONS);
    if (onError !== undefined) result.onError = onError;
    const onSqlOutput = attribute(P.ON_SQL_OUTPUT, body);
    const onUpdateSql = attribute(P.ON_UPDATE_SQL, body);
    if (onSqlOutput && onUpdateSql) {
      this.report('invalid-attribute-value', 'error', 'Use either onSqlOutput or onUpdateSQL, not both; Liquibase rejects the changelog.', this.lineRange(at));
    }
    const output = option(onSqlOutput ? P.ON_SQL_OUTPUT : P.ON_UPDATE_SQL, SQL_OUTPUT_OPTIONS);
    if (output !== undefined) result.onSqlOutput = output;
    for (const token of tokenize(body, 0, MAX_CHECKED_TOKENS)) {
      if (token.name === undefined) {
        this.report('unknown-attribute', 'warning', `'${ellipsis(token.value)}' is not a preconditions attribute (write name:value); Liquibase ignores it.`, range(token.nameStart, token.end));
        continue;
      }
      if (PRECONDITIONS_ATTRIBUTE_NAMES.has(token.name.toLowerCase())) continue;
      const message = /^on(fail|error)message$/i.test(token.name)
        ? `Liquibase's formatted SQL parser does not read '${ellipsis(token.name)}'; it is ignored.`
        : `Unknown preconditions attribute '${ellipsis(token.name)}'; Liquibase ignores it.${suggestion(token.name, PRECONDITIONS_ATTRIBUTES)}`;
      this.report('unknown-attribute', 'warning', message, range(token.nameStart, token.end));
    }
    cur.cs.preconditions = result;
  }

  private precondition(at: number, m: RegExpExecArray): void {
    const cur = this.cur!;
    const start = this.lineStartOf(at);
    const lineRange = this.lineRange(at);
    const container = (cur.cs.preconditions ??= { conditions: [], range: lineRange });
    container.range = { start: container.range.start, end: lineRange.end };
    const name = m[1];
    const [bodyStart, bodyEnd] = span(m, 2);
    const trimmed = new MappedText(m[2], null, start + bodyStart).trim();
    const body = trimmed.text === '' ? null : trimmed.expand(this.options.properties);
    if (!PRECONDITION_TYPES.includes(name)) {
      this.unsupportedPrecondition(at, name);
      return;
    }
    const paramsRange = this.lines.range(start + bodyStart, start + bodyEnd);
    if (!body) {
      this.reject(at, 'malformed-precondition', `--precondition-${ellipsis(name)} has no parameters after it.`);
      return;
    }
    const condition: Precondition = { type: '', params: {}, nested: [], range: lineRange };
    if (name === 'sql-check') {
      for (const form of P.SQL_CHECK_FORMS) {
        const found = form.exec(body.text);
        if (!found) continue;
        const [sqlStart, sqlEnd] = span(found, 2);
        condition.type = 'sqlCheck';
        condition.params.expectedResult = found[1];
        condition.sql = body.slice(sqlStart, sqlEnd).toSqlText(this.path, { splitStatements: false, stripComments: false });
        container.conditions.push(condition);
        return;
      }
      this.report('malformed-precondition', 'error', `Liquibase cannot read this sql-check: write 'expectedResult:<value> <SQL>' (a quoted value may contain blanks). ${REJECTED}.`, paramsRange);
      return;
    }
    const table = name === 'table-exists';
    const object = attribute(table ? P.TABLE_NAME : P.VIEW_NAME, body.text);
    const key = table ? 'table' : 'view';
    if (!object) {
      const hint = new RegExp(`\\b${key}Name:`, 'i').test(body.text) ? ` Write '${key}:<name>', not '${key}Name:'.` : '';
      this.report('malformed-precondition', 'error', `--precondition-${name} needs '${key}:<name>'.${hint} ${REJECTED}.`, paramsRange);
      return;
    }
    condition.type = table ? 'tableExists' : 'viewExists';
    condition.params[table ? 'tableName' : 'viewName'] = object.value;
    const schema = attribute(P.SCHEMA_NAME, body.text);
    if (schema) condition.params.schemaName = schema.value;
    container.conditions.push(condition);
  }

  private unsupportedPrecondition(at: number, name: string): void {
    this.reject(at, 'unsupported-precondition', `Liquibase 4.28's formatted SQL supports only the sql-check, table-exists and view-exists preconditions, not '${ellipsis(name)}'.${suggestion(name, PRECONDITION_TYPES)}`);
  }

  // ---- other directives -------------------------------------------------------------------------------------

  private property(at: number, line: string): void {
    const name = attribute(P.PROPERTY_NAME, line)?.value;
    const value = attribute(P.PROPERTY_VALUE, line)?.value;
    if (name === undefined || value === undefined) {
      this.report('malformed-property', 'warning', `This --property line has no '${name === undefined ? 'name' : 'value'}:'; write '--property name:<name> value:<value>'. No usable property is defined.`, this.lineRange(at));
      return;
    }
    let context = attribute(P.CONTEXT_FILTER, line)?.value;
    if (!context) context = attribute(P.CONTEXT, line)?.value;
    const labels = attribute(P.LABELS, line)?.value;
    const dbms = attribute(P.DBMS, line)?.value;
    const global = attribute(P.PROPERTY_GLOBAL, line)?.value;
    const definition: PropertyDefinition = {
      name: this.expand(name),
      value: this.expand(value),
      global: global === undefined ? true : P.javaParseBoolean(global),
      file: this.path,
      range: this.lineRange(at),
    };
    if (context !== undefined) definition.context = this.expand(P.stripEnclosingQuotes(context));
    if (labels !== undefined) definition.labels = this.expand(P.stripEnclosingQuotes(labels));
    if (dbms !== undefined) definition.dbms = this.expand(dbms.trim());
    this.properties.push(definition);
  }

  private ignoreLines(at: number, word: string, next: number, n: number): number {
    if (word === 'start') {
      let j = next;
      while (j < n) {
        const lineNo = j++;
        this.liquibaseLine++;
        const line = this.lineText(lineNo);
        const m = P.IGNORE_LINES.exec(line);
        if (m) {
          if (m[1] === 'end') return j;
        } else if (P.ALT_IGNORE_LINES_ONE_DASH.test(line)) {
          this.reject(lineNo, 'malformed-directive', "This is not a valid '--ignoreLines:end' line.");
        }
      }
      this.report('unterminated-ignore-lines', 'warning', "No '--ignoreLines:end' follows, so Liquibase ignores every line to the end of the file.", this.lineRange(at));
      return j;
    }
    const digits = /^[0-9]+$/.test(word) ? word.replace(/^0+(?=.)/, '') : undefined;
    if (digits !== undefined && (digits.length < 19 || (digits.length === 19 && BigInt(digits) <= 9223372036854775807n))) {
      const skip = Math.min(n - next, Number(digits));
      this.liquibaseLine += skip;
      return next + skip;
    }
    const hint = word === 'end'
      ? " This '--ignoreLines:end' has no '--ignoreLines:start' before it."
      : /^(start|end)$/i.test(word) ? ` Write '${word.toLowerCase()}' in lower case.` : '';
    this.reject(at, 'malformed-directive', `Liquibase does not understand '--ignoreLines:${ellipsis(word)}': it takes a line count, or 'start' and later 'end'.${hint}`);
    return next;
  }

  private malformedHeader(at: number, line: string): void {
    const single = P.ALT_CHANGE_SET_ONE_DASH.test(line) && !P.ALT_CHANGE_SET_OTHER.test(line);
    const rest = /changeset(.*)$/i.exec(line)![1];
    let rule = 'malformed-changeset-header';
    let what: string;
    if (single) {
      what = "A changeset header starts with two dashes: '--changeset <author>:<id>'.";
    } else if (rest.startsWith(':')) {
      what = "Put a blank between 'changeset' and the author: '--changeset <author>:<id>'.";
    } else if (/^[A-Za-z0-9_]/.test(rest)) {
      what = "Liquibase takes any line that starts with '--changeset' for a changeset header, and this one is not valid. Write '--changeset <author>:<id>', or reword the comment.";
    } else {
      const t = P.javaTrim(rest);
      if (t === '') {
        what = "This changeset header has no author and id: write '--changeset <author>:<id>'.";
      } else if (/^[^ \t\n\x0B\f\r]/.test(rest)) {
        what = "Only spaces and tabs may follow 'changeset': write '--changeset <author>:<id>'.";
      } else if (t.startsWith(':')) {
        rule = 'missing-author';
        what = "This changeset header has no author before ':': write '--changeset <author>:<id>'.";
      } else if (!t.includes(':')) {
        what = `This changeset header has no ':' between author and id: write '--changeset <author>:<id>'.`;
      } else {
        rule = 'missing-id';
        what = "This changeset header has no id after ':': write '--changeset <author>:<id>'.";
      }
    }
    this.reject(at, rule, what);
  }

  /** a line before the first changeset: Liquibase ignores it */
  private outsideLine(at: number, line: string): void {
    if (P.ROLLBACK.test(line) || P.PRECONDITIONS.test(line) || P.PRECONDITION.test(line) || P.VALID_CHECK_SUM.test(line) || P.ROLLBACK_BLOCK_START.test(line)) {
      this.report('directive-outside-changeset', 'warning', 'This directive comes before the first --changeset line, so Liquibase ignores it.', this.lineRange(at));
    } else {
      this.nearMiss(at, line);
    }
    if (this.hasSql(line)) {
      if (this.outsideRun) this.outsideRun.last = at;
      else this.outsideRun = { first: at, last: at };
    } else {
      this.flushOutsideRun();
    }
  }

  private flushOutsideRun(): void {
    const run = this.outsideRun;
    if (!run) return;
    this.outsideRun = null;
    this.report('sql-outside-changeset', 'warning', 'This SQL is not in a changeset (it comes before the first --changeset line), so Liquibase ignores it.', this.lines.range(this.lineStartOf(run.first), this.lines.lineEnd(run.last)), null);
  }

  /** does the line hold anything but blanks and comments? (tracks block comments across lines) */
  private hasSql(line: string): boolean {
    let sql = false;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const d = line.charCodeAt(i + 1);
      if (c === 47 && d === 42) {
        this.outsideCommentDepth++;
        i++;
      } else if (this.outsideCommentDepth > 0) {
        if (c === 42 && d === 47) {
          this.outsideCommentDepth--;
          i++;
        }
      } else if (c === 45 && d === 45) {
        break;
      } else if (c > 32) {
        sql = true;
      }
    }
    return sql;
  }

  /** lines Liquibase keeps as plain comments although they look like directives */
  private nearMiss(at: number, line: string): void {
    const m = COMMENT_WORD.exec(line);
    if (!m) return;
    const [, opener, word, rest] = m;
    const lower = word.toLowerCase();
    const squashed = lower.replace(/[-_]/g, '');
    const fate = this.cur
      ? `it stays a comment in the SQL of changeset '${ellipsis(this.cur.cs.id)}'`
      : 'Liquibase ignores it';
    if ((squashed === 'changeset' || withinOneEdit(squashed, 'changeset')) && LOOKS_LIKE_AUTHOR_ID.test(rest)) {
      this.report('malformed-changeset-header', 'warning', `This looks like a changeset header, but Liquibase does not recognise it: ${fate}. Write '--changeset <author>:<id>'.`, this.lineRange(at));
      return;
    }
    if (lower === 'include' || lower === 'includeall') {
      this.report('unsupported-include', 'warning', `Liquibase 4.28's formatted SQL has no --${word} directive: ${fate}. Include this file from a YAML or XML changelog instead.`, this.lineRange(at));
      return;
    }
    if (opener !== '--' || !this.cur) return;
    if (lower === 'rollback') {
      if (rest === '') {
        this.report('unrecognized-directive', 'info', "A bare '--rollback' is not a rollback line (Liquibase needs '--rollback <SQL>'); it stays a comment in the changeset's SQL.", this.lineRange(at));
      } else {
        this.report('unrecognized-directive', 'warning', `Liquibase needs exactly one space after '--rollback'; ${fate}, and is not part of the rollback.`, this.lineRange(at));
      }
      return;
    }
    let intended: string | undefined;
    if (lower === 'comment') intended = "'--comment <text>' or '--comment: <text>' (with a space)";
    else if (lower === 'validchecksum') intended = "'--validCheckSum: <checksum>' (with a space)";
    else if (lower.startsWith('precondition')) intended = "'--precondition-<type> <parameters>'";
    else if (lower === 'ignorelines') intended = "'--ignoreLines:<count>' or '--ignoreLines:start', alone on the line";
    if (intended) {
      this.report('unrecognized-directive', 'warning', `Liquibase does not read this as a directive (expected ${intended}); ${fate}.`, this.lineRange(at));
      return;
    }
    if (lower.length >= 6 && DIRECTIVE_WORDS.some((w) => withinOneEdit(lower, w.toLowerCase()))) {
      this.report('unrecognized-directive', 'warning', `'--${word}' is not a directive, so ${fate}.${suggestion(word, DIRECTIVE_WORDS)}`, this.lineRange(at));
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  /** an error for a line Liquibase refuses: the whole changelog fails */
  private reject(at: number, rule: string, what: string, range?: Range): void {
    const reported = this.liquibaseLine !== at + 1 ? ` (it reports line ${this.liquibaseLine})` : '';
    this.report(rule, 'error', `${what} ${REJECTED}${reported}.`, range ?? this.lineRange(at));
  }

  private report(rule: string, severity: Severity, message: string, range: Range, changeset?: Changeset | null): void {
    const finding: Finding = { rule, severity, message, file: this.path, range };
    const cs = changeset === undefined ? this.cur?.cs : changeset ?? undefined;
    if (cs) finding.changeset = { id: cs.id, author: cs.author };
    this.findings.push(finding);
  }

  private expand(value: string): string {
    const expander = this.options.properties;
    return expander && value.includes('${') ? expander(value) : value;
  }

  /** where the line's text starts (after the BOM on the first line) */
  private lineStartOf(line: number): number {
    return line === 0 ? this.bom : this.lines.lineStart(line);
  }

  private lineText(line: number): string {
    return this.text.slice(this.lineStartOf(line), this.lines.lineEnd(line));
  }

  private lineRange(line: number): Range {
    return this.lines.range(this.lineStartOf(line), this.lines.lineEnd(line));
  }

  private isBlankLine(line: number): boolean {
    const end = this.lines.lineEnd(line);
    for (let i = this.lineStartOf(line); i < end; i++) if (this.text.charCodeAt(i) > 32) return false;
    return true;
  }
}

const DIRECTIVE_KEYWORDS = ['property', 'liquibase', 'ignore', 'changeset', 'comment', 'validchecksum', 'rollback', 'precondition'];

/**
 * The keyword of a line that any of Liquibase's directive patterns could match (a fast, conservative test): dashes
 * or "/*", blanks, then a word starting with one of DIRECTIVE_KEYWORDS. undefined for every other line.
 */
function directiveKeyword(line: string): string | undefined {
  let i = 0;
  const n = line.length;
  while (i < n && P.isJavaSpace(line.charCodeAt(i))) i++;
  const c = line.charCodeAt(i);
  if (c === 45 /* - */) {
    while (line.charCodeAt(i) === 45) i++;
  } else if (c === 47 /* / */ && line.charCodeAt(i + 1) === 42 /* * */) {
    i += 2;
  } else {
    return undefined;
  }
  while (i < n && P.isJavaSpace(line.charCodeAt(i))) i++;
  let j = i;
  while (j < n && isAsciiLetter(line.charCodeAt(j))) j++;
  if (j === i) return undefined;
  const word = line.slice(i, j).toLowerCase();
  return DIRECTIVE_KEYWORDS.find((k) => word.startsWith(k));
}

/** does the line start with a comment opener (for the near-miss checks)? */
function mayBeComment(line: string): boolean {
  let i = 0;
  while (i < line.length && P.isJavaSpace(line.charCodeAt(i))) i++;
  const c = line.charCodeAt(i);
  const d = line.charCodeAt(i + 1);
  return c === 45 || c === 35 || (c === 47 && (d === 47 || d === 42));
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** where a group of a match made with the `d` flag is */
function span(m: RegExpExecArray, group: number): [number, number] {
  return m.indices![group]!;
}

const ATTRIBUTE_KEYS = new Map<RegExp, string>();

/** the lower-case `name:` an attribute pattern needs, to skip patterns that cannot match */
function attributeKey(re: RegExp): string {
  let key = ATTRIBUTE_KEYS.get(re);
  if (key === undefined) {
    key = /([A-Za-z]+):/.exec(re.source)![1].toLowerCase() + ':';
    ATTRIBUTE_KEYS.set(re, key);
  }
  return key;
}

/** an attribute pattern's value and where it is in the line */
function attribute(re: RegExp, line: string): Attribute | undefined {
  const m = re.exec(line);
  if (!m) return undefined;
  const [start, end] = span(m, 1);
  return { value: m[1], start, end };
}

function booleanPattern(name: string): RegExp {
  switch (name) {
    case 'runOnChange': return P.RUN_ON_CHANGE;
    case 'runAlways': return P.RUN_ALWAYS;
    case 'failOnError': return P.FAIL_ON_ERROR;
    case 'runInTransaction': return P.RUN_IN_TRANSACTION;
    case 'ignore': return P.IGNORE;
    case 'splitStatements': return P.SPLIT_STATEMENTS;
    case 'stripComments': return P.STRIP_COMMENTS;
    default: return P.ROLLBACK_SPLIT_STATEMENTS;
  }
}

/** " Did you mean …?" for names of a plausible length */
function suggestion(word: string, known: Iterable<string>): string {
  return word.length <= 40 ? didYouMean(word, known) : '';
}

/** at most this many name:value tokens of a line are checked, so that a pathological line stays cheap */
const MAX_CHECKED_TOKENS = 64;

function ellipsis(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The first `limit` `name:value` tokens from `from` on (a value may be "quoted with blanks"); `restOfLine` names
 * an attribute whose value is the rest of the line.
 */
function tokenize(line: string, from: number, limit: number, restOfLine?: string): Token[] {
  const tokens: Token[] = [];
  const n = line.length;
  let i = from;
  while (i < n && tokens.length < limit) {
    while (i < n && P.isJavaSpace(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !P.isJavaSpace(line.charCodeAt(i)) && line[i] !== ':') i++;
    if (i < n && line[i] === ':' && i > start) {
      const name = line.slice(start, i);
      const valueStart = ++i;
      if (restOfLine && name.toLowerCase() === restOfLine) {
        i = n;
      } else if (line[i] === '"') {
        const close = line.indexOf('"', i + 1);
        if (close > 0) i = close + 1;
      }
      while (i < n && !P.isJavaSpace(line.charCodeAt(i))) i++;
      tokens.push({ name, nameStart: start, value: line.slice(valueStart, i), valueStart, end: i });
    } else {
      while (i < n && !P.isJavaSpace(line.charCodeAt(i))) i++;
      tokens.push({ nameStart: start, value: line.slice(start, i), valueStart: start, end: i });
    }
  }
  return tokens;
}

/** one insertion, deletion, substitution or swap of neighbours apart (and not equal) */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
