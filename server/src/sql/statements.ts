// CONTRACT (to be implemented): the SQL layer works on plain strings; mapping to file positions is the model's job.
// All offsets are JS string (UTF-16) indices into the `sql` text given.

export interface Span {
  start: number;
  end: number;
}

export interface SqlSyntaxError {
  /** PostgreSQL's message, e.g. `syntax error at or near "FROM"` */
  message: string;
  /** the offending token (or a zero/one-width span at end of input) */
  start: number;
  end: number;
}

export interface ParsedStatement extends Span {
  /** libpg-query's node for this statement: `{ CreateStmt: {...} }` etc.; undefined on syntax error or empty */
  node?: Record<string, any>;
  /** the statement node's kind, e.g. 'CreateStmt', 'AlterTableStmt' */
  kind?: string;
  error?: SqlSyntaxError;
}

export interface ParsedSql {
  /** one entry per SQL statement (analysis granularity: each is exactly one statement of PostgreSQL's grammar) */
  statements: ParsedStatement[];
  /** what the engine sends to the server, one per Liquibase split (dollar-quoted bodies are never cut) */
  executionChunks: Span[];
  /**
   * where Liquibase 4.28's own splitter (which ignores dollar quoting) would cut inside a dollar-quoted body:
   * the span of the delimiter it would cut at. Empty when splitStatements is false.
   */
  liquibaseCuts: Span[];
}

export interface SqlOptions {
  splitStatements: boolean;
  stripComments: boolean;
  /** Liquibase endDelimiter as the user wrote it after YAML decoding (e.g. `@@`, `;;`, `\nGO`); undefined = default */
  endDelimiter?: string;
}

export declare function initSqlParser(): Promise<void>;
export declare function parseSql(sql: string, options: SqlOptions): ParsedSql;
