// The one Changelog model that YAML and formatted SQL changelogs both become. Every node knows its
// file and exact LSP range, so findings from any layer can be shown where the user wrote the thing.

export interface Position {
  /** 0-based line */
  line: number;
  /** 0-based UTF-16 code unit offset in the line (LSP's default encoding) */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** One problem found anywhere: parsing, SQL syntax, structure or a rule. The CLI prints these, the server publishes them. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** absolute path */
  file: string;
  range: Range;
  changeset?: { id: string; author: string };
  /** safe rewrites the editor offers as quick fixes */
  fixes?: Fix[];
}

/** A replacement of `range` in `file` by `newText` (an insertion when the range is empty). */
export interface FileEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  /** what the code action is called in the editor: "Create the index CONCURRENTLY" */
  title: string;
  edits: FileEdit[];
  /** the fix the editor offers first */
  preferred?: boolean;
}

export type ChangelogKind = 'yaml' | 'formatted-sql' | 'raw-sql';

/** A `${name}` property definition (changelog `property` entries and `-D` values). */
export interface PropertyDefinition {
  name: string;
  value: string;
  context?: string;
  labels?: string;
  dbms?: string;
  global: boolean;
  /** undefined for -D / settings values */
  file?: string;
  range?: Range;
}

export interface Precondition {
  /** and, or, not, sqlCheck, tableExists, columnExists, changeSetExecuted, … */
  type: string;
  params: Record<string, string>;
  /** for sqlCheck: the SQL to run */
  sql?: SqlText;
  nested: Precondition[];
  range: Range;
}

export interface Preconditions {
  onFail?: string;
  onError?: string;
  onFailMessage?: string;
  onErrorMessage?: string;
  onSqlOutput?: string;
  conditions: Precondition[];
  range: Range;
}

/** A scalar parameter of a change (tableName, path, …) with where its value is written. */
export interface ParamValue {
  value: unknown;
  range: Range;
}

/** Where the text of SQL came from, so offsets in `text` map back to the file. */
export interface SqlText {
  /** the SQL as Liquibase executes it: after ${property} expansion, BOM removed */
  text: string;
  /** what Liquibase hashes for MD5SUM when it differs from `text` (sqlFile: the file before ${property} expansion) */
  checksumText?: string;
  /** the file that holds the SQL (a changelog for inline SQL, the .sql file for sqlFile) */
  file: string;
  /**
   * baseOffset + offsets[i] = UTF-16 offset in the file text of text[i]; offsets[text.length]: just after the last
   * character. Absent when text is a verbatim slice of the file starting at `baseOffset`. Relative to baseOffset, so
   * that moving the text in its file (an edit above it) changes one number.
   */
  offsets?: Int32Array;
  baseOffset: number;
  splitStatements: boolean;
  stripComments: boolean;
  endDelimiter?: string;
  /** filled by the SQL layer */
  parsed?: import('../sql/statements').ParsedSql;
}

export interface Change {
  /** Liquibase change name: sql, sqlFile, createTable, … */
  type: string;
  /** range of the whole change entry */
  range: Range;
  /** range of the change name (the YAML key, or the --changeset line for formatted SQL) */
  typeRange: Range;
  /** scalar parameters; nested structures (columns, where, …) stay in `raw` */
  params: Record<string, ParamValue>;
  /** the change's value as plain JS (after alias resolution and property substitution) */
  raw: unknown;
  /** sql, sqlFile, createView's selectQuery, sqlCheck: the SQL to parse */
  sql?: SqlText;
  /** sqlFile: the resolved absolute path, or undefined when it does not exist */
  resolvedPath?: string;
  /** range of the path value, for document links */
  pathRange?: Range;
  dbms?: string;
}

export type Rollback =
  | { kind: 'none' }
  | { kind: 'empty'; range: Range }
  | { kind: 'not-required'; range: Range }
  | { kind: 'changes'; changes: Change[]; range: Range }
  /** rollback by referring to another changeset (changeSetId/changeSetAuthor/changeSetPath) */
  | { kind: 'reference'; id: string; author: string; path?: string; range: Range };

export interface ChangesetAttributes {
  runOnChange?: boolean;
  runAlways?: boolean;
  context?: string;
  labels?: string;
  dbms?: string;
  failOnError?: boolean;
  runInTransaction?: boolean;
  validCheckSum: string[];
  logicalFilePath?: string;
  comment?: string;
  created?: string;
  ignore?: boolean;
  runOrder?: string;
  objectQuotingStrategy?: string;
}

export interface Changeset {
  id: string;
  author: string;
  /** absolute path of the file that holds it */
  file: string;
  /** what Liquibase writes to DATABASECHANGELOG.FILENAME: the path relative to the search path, or logicalFilePath */
  logicalPath: string;
  kind: ChangelogKind;
  /** whole changeset, from its `- changeSet:` / `--changeset` line to its last line */
  range: Range;
  /** the `changeSet:` key, or the `--changeset …` line: where hover and symbols point */
  headerRange: Range;
  idRange?: Range;
  authorRange?: Range;
  attributes: ChangesetAttributes;
  /** contexts and labels inherited from include/includeAll, outermost first */
  inheritedContexts: string[];
  inheritedLabels: string[];
  preconditions?: Preconditions;
  changes: Change[];
  rollback: Rollback;
  /** position in execution order across the whole include tree (0-based) */
  index: number;
  /** a YAML changeset with a `modifySql` key: its visitors are read from its source when its SQL or checksum is made */
  hasModifySql?: true;
}

export interface Include {
  kind: 'include' | 'includeAll';
  /** as written */
  path: string;
  range: Range;
  pathRange: Range;
  relativeToChangelogFile: boolean;
  context?: string;
  labels?: string;
  /** include: the resolved file; includeAll: the folder */
  resolvedPath?: string;
  /** includeAll: the files it includes, in Liquibase's order */
  files?: string[];
  errorIfMissing: boolean;
}

export interface ChangelogFile {
  /** absolute path */
  path: string;
  kind: ChangelogKind;
  text: string;
  changesets: Changeset[];
  includes: Include[];
  properties: PropertyDefinition[];
  preconditions?: Preconditions;
  findings: Finding[];
}

export interface Changelog {
  /** absolute path of the root changelog */
  root: string;
  /** every file read while walking the include tree, by absolute path (SQL files referenced by sqlFile included) */
  files: Map<string, ChangelogFile>;
  /** sqlFile targets: absolute path → the changes that reference it */
  sqlFiles: Map<string, Change[]>;
  /** every changeset in execution order */
  changesets: Changeset[];
  /** every finding from loading (structural, YAML, SQL syntax) across the tree */
  findings: Finding[];
}
