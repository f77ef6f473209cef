import type { Driver } from './driver';

export const LIQUIBASE_VERSION = '4.28.0';

export type ExecType = 'EXECUTED' | 'RERAN' | 'MARK_RAN' | 'FAILED' | 'SKIPPED';

/** One DATABASECHANGELOG row, with the column names PostgreSQL stores (Liquibase creates them unquoted). */
export interface AppliedRow {
  id: string;
  author: string;
  filename: string;
  /** as stored: the wall-clock time of the writing session's zone, e.g. 2026-01-31 12:00:00.123456 (the drivers return timestamps as text) */
  dateexecuted: string;
  orderexecuted: number;
  exectype: string;
  md5sum: string | null;
  description: string | null;
  comments: string | null;
  tag: string | null;
  liquibase: string | null;
  contexts: string | null;
  labels: string | null;
  deployment_id: string | null;
}

export interface NewRow {
  id: string;
  author: string;
  filename: string;
  md5sum: string;
  description: string;
  comments: string;
  exectype: ExecType;
  contexts: string | null;
  labels: string | null;
  deploymentId: string;
  tag?: string;
}

/** the session's prepared INSERT of a changeset's row (TrackingTables.prepareRecording) */
const RECORD_STATEMENT = 'pgcs_record_changeset';
const DUPLICATE_PREPARED_STATEMENT = '42P05';

/** the tracking tables' names (Liquibase's --database-changelog-table-name and --database-changelog-lock-table-name) */
export interface TrackingNames {
  changelog: string;
  lock: string;
}

export const DEFAULT_TRACKING_NAMES: TrackingNames = { changelog: 'databasechangelog', lock: 'databasechangeloglock' };

/**
 * A tracking table's name as Liquibase writes it into SQL on PostgreSQL: unquoted, so PostgreSQL keeps it in lower
 * case (App_Changelog is app_changelog). Undefined for a name that would need quotes: Liquibase quotes those and pgcs
 * does not follow it there.
 */
export function trackingTableName(name: string): string | undefined {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && name.length <= 63 ? name.toLowerCase() : undefined;
}

export function identityOf(row: { filename: string; id: string; author: string }): string {
  return `${row.filename}::${row.id}::${row.author}`;
}

/** DEPLOYMENT_ID: the last 10 digits of the epoch milliseconds when the command started, as Liquibase makes it. */
export function newDeploymentId(now = Date.now()): string {
  return String(now).slice(-10);
}

/**
 * DATABASECHANGELOG and DATABASECHANGELOGLOCK exactly as Liquibase 4.28 creates and fills them, so a database
 * can be migrated by either tool. Names are written unquoted, so PostgreSQL keeps them in lower case.
 */
export class TrackingTables {
  readonly changelogTable: string;
  readonly lockTable: string;
  private recordPrepared = false;

  constructor(private readonly driver: Driver, readonly schema: string, readonly names: TrackingNames = DEFAULT_TRACKING_NAMES) {
    const prefix = quoteSchemaIfNeeded(schema);
    this.changelogTable = `${prefix}.${names.changelog}`;
    this.lockTable = `${prefix}.${names.lock}`;
  }

  async changelogTableExists(): Promise<boolean> {
    return this.tableExists(this.names.changelog);
  }

  async lockTableExists(): Promise<boolean> {
    return this.tableExists(this.names.lock);
  }

  private async tableExists(name: string): Promise<boolean> {
    const { rows } = await this.driver.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS found`,
      [this.schema, name],
    );
    return rows[0]?.found === true;
  }

  lockTableDdl(): string[] {
    return [
      `CREATE TABLE ${this.lockTable} (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL, LOCKGRANTED TIMESTAMP WITHOUT TIME ZONE, LOCKEDBY VARCHAR(255), CONSTRAINT ${this.names.lock}_pkey PRIMARY KEY (ID))`,
      `DELETE FROM ${this.lockTable}`,
      `INSERT INTO ${this.lockTable} (ID, LOCKED) VALUES (1, FALSE)`,
    ];
  }

  changelogTableDdl(): string {
    return `CREATE TABLE ${this.changelogTable} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME VARCHAR(255) NOT NULL, DATEEXECUTED TIMESTAMP WITHOUT TIME ZONE NOT NULL, ORDEREXECUTED INTEGER NOT NULL, EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35), DESCRIPTION VARCHAR(255), COMMENTS VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20), CONTEXTS VARCHAR(255), LABELS VARCHAR(255), DEPLOYMENT_ID VARCHAR(10))`;
  }

  /** Creates the lock table (with its single row) when missing; safe against a concurrent creator. */
  async ensureLockTable(): Promise<void> {
    if (await this.lockTableExists()) {
      const { rows } = await this.driver.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.lockTable}`);
      if (Number(rows[0].n) === 0) await this.driver.execute(`INSERT INTO ${this.lockTable} (ID, LOCKED) VALUES (1, FALSE) ON CONFLICT DO NOTHING`);
      return;
    }
    await this.inTransaction(async () => {
      for (const sql of this.lockTableDdl()) await this.driver.execute(sql);
    }).catch(async (error) => {
      // another process created it between our check and our CREATE: that is fine
      if (!(await this.lockTableExists())) throw error;
    });
  }

  async ensureChangelogTable(): Promise<void> {
    if (await this.changelogTableExists()) return;
    await this.driver.execute(this.changelogTableDdl()).catch(async (error) => {
      if (!(await this.changelogTableExists())) throw error;
    });
  }

  /** The history in Liquibase's order. */
  async readApplied(): Promise<AppliedRow[]> {
    if (!(await this.changelogTableExists())) return [];
    const { rows } = await this.driver.query<AppliedRow>(`SELECT * FROM ${this.changelogTable} ORDER BY DATEEXECUTED ASC, ORDEREXECUTED ASC`);
    return rows;
  }

  async maxOrderExecuted(): Promise<number> {
    const { rows } = await this.driver.query<{ max: number | null }>(`SELECT MAX(ORDEREXECUTED) AS max FROM ${this.changelogTable}`);
    return Number(rows[0]?.max ?? 0);
  }

  /** how many rows this deployment wrote with ORDEREXECUTED from `first` to `last` */
  async countRecorded(deploymentId: string, first: number, last: number): Promise<number> {
    const { rows } = await this.driver.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${this.changelogTable} WHERE DEPLOYMENT_ID = $1 AND ORDEREXECUTED BETWEEN $2 AND $3`,
      [deploymentId, first, last],
    );
    return Number(rows[0]?.n ?? 0);
  }

  insertSql(row: NewRow, orderExecuted: number): { sql: string; params: unknown[] } {
    const params: unknown[] = [row.id, row.author, row.filename, orderExecuted, row.md5sum, row.description, row.comments, row.exectype, row.contexts, row.labels, LIQUIBASE_VERSION, row.deploymentId];
    if (row.tag !== undefined) params.push(row.tag);
    return { sql: this.insertText(row.tag !== undefined), params };
  }

  /** the INSERT of a row, its values $1… in insertSql's order */
  private insertText(withTag: boolean): string {
    // NOW() as Liquibase writes it: a wall-clock time in the session's TimeZone, which the drivers set to this
    // machine's zone as pgjdbc sets the JVM's (drivers/time-zone.ts), so both tools record the same local time
    const columns = 'ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, MD5SUM, DESCRIPTION, COMMENTS, EXECTYPE, CONTEXTS, LABELS, LIQUIBASE, DEPLOYMENT_ID';
    const values = '$1, $2, $3, NOW(), $4, $5, $6, $7, $8, $9, $10, $11, $12';
    return withTag ? `INSERT INTO ${this.changelogTable} (${columns}, TAG) VALUES (${values}, $13)` : `INSERT INTO ${this.changelogTable} (${columns}) VALUES (${values})`;
  }

  /** The literal form Liquibase prints in update-sql output. */
  insertSqlLiteral(row: NewRow, orderExecuted: number): string {
    const { sql, params } = this.insertSql(row, orderExecuted);
    return sql.replace(/\$(\d+)/g, (_, n) => literal(params[Number(n) - 1]));
  }

  async insert(row: NewRow, orderExecuted: number): Promise<void> {
    const { sql, params } = this.insertSql(row, orderExecuted);
    await this.driver.query(sql, params);
  }

  /**
   * A RERAN changeset updates its existing row instead of adding one, as Liquibase's MarkChangeSetRanGenerator
   * does: DATEEXECUTED, ORDEREXECUTED, MD5SUM, EXECTYPE, DEPLOYMENT_ID, COMMENTS, CONTEXTS, LABELS, and TAG
   * when the changeset has a tagDatabase. DESCRIPTION and LIQUIBASE keep the values of the first run.
   */
  async markReran(row: NewRow, orderExecuted: number): Promise<void> {
    const { sql, params } = this.markReranSql(row, orderExecuted);
    await this.driver.query(sql, params);
  }

  markReranSql(row: NewRow, orderExecuted: number): { sql: string; params: unknown[] } {
    const params: unknown[] = [orderExecuted, row.md5sum, row.exectype, row.deploymentId, row.comments, row.contexts, row.labels, row.id, row.author, row.filename];
    const tag = row.tag !== undefined ? `, TAG = $${params.push(row.tag)}` : '';
    return {
      sql: `UPDATE ${this.changelogTable} SET DATEEXECUTED = NOW(), ORDEREXECUTED = $1, MD5SUM = $2, EXECTYPE = $3, DEPLOYMENT_ID = $4, COMMENTS = $5, CONTEXTS = $6, LABELS = $7${tag} WHERE ID = $8 AND AUTHOR = $9 AND FILENAME = $10`,
      params,
    };
  }

  /**
   * Prepares the row's INSERT once for this session, for recordSqlInline. A thousand small changesets sent as text
   * then each EXECUTE it instead of each bringing an INSERT the server parses, analyses and plans again: that was
   * ~12% of the server's time for them (bench/update-vs-liquibase.mjs). Not for a session whose changesets
   * DEALLOCATE: they would take it away from under the rows after them.
   */
  async prepareRecording(): Promise<void> {
    if (this.recordPrepared) return;
    const prepare = `PREPARE ${RECORD_STATEMENT} AS ${this.insertText(false)}`;
    await this.driver.execute(prepare).catch(async (error) => {
      // an earlier run on this session (the language server keeps its connection) prepared it, maybe for another schema
      if ((error as { code?: string }).code !== DUPLICATE_PREPARED_STATEMENT) throw error;
      await this.driver.execute(`DEALLOCATE ${RECORD_STATEMENT}`);
      await this.driver.execute(prepare);
    });
    this.recordPrepared = true;
  }

  /**
   * The row's INSERT (or, rerun, its UPDATE) with the values written in, to travel in the same round trip as the
   * changeset's statements: the prepared INSERT's EXECUTE once prepareRecording has run (a row with a TAG has a
   * column more: its own INSERT). The values are the same as the parameters would send: strings are written as E''
   * literals when they hold a backslash, which reads the same whatever standard_conforming_strings says.
   */
  recordSqlInline(row: NewRow, orderExecuted: number, rerun: boolean): string {
    const { sql, params } = rerun ? this.markReranSql(row, orderExecuted) : this.insertSql(row, orderExecuted);
    if (this.recordPrepared && !rerun && row.tag === undefined) return `EXECUTE ${RECORD_STATEMENT}(${params.map(exactLiteral).join(', ')})`;
    // (not a `$` inside a name: a schema may be called a$1)
    return sql.replace(/(?<![\w$])\$(\d+)/g, (_, n) => exactLiteral(params[Number(n) - 1]));
  }

  async delete(row: { id: string; author: string; filename: string }): Promise<void> {
    await this.driver.query(`DELETE FROM ${this.changelogTable} WHERE ID = $1 AND AUTHOR = $2 AND FILENAME = $3`, [row.id, row.author, row.filename]);
  }

  deleteSqlLiteral(row: { id: string; author: string; filename: string }): string {
    return `DELETE FROM ${this.changelogTable} WHERE ID = ${literal(row.id)} AND AUTHOR = ${literal(row.author)} AND FILENAME = ${literal(row.filename)}`;
  }

  async updateChecksum(row: { id: string; author: string; filename: string }, md5sum: string | null): Promise<void> {
    await this.driver.query(`UPDATE ${this.changelogTable} SET MD5SUM = $1 WHERE ID = $2 AND AUTHOR = $3 AND FILENAME = $4`, [md5sum, row.id, row.author, row.filename]);
  }

  async clearChecksums(): Promise<void> {
    await this.driver.execute(`UPDATE ${this.changelogTable} SET MD5SUM = NULL`);
  }

  /** `tag`: sets TAG on the most recently executed row. */
  async tagLatest(tag: string): Promise<boolean> {
    const { rowCount } = await this.driver.query(
      `UPDATE ${this.changelogTable} SET TAG = $1 FROM (SELECT DATEEXECUTED, ORDEREXECUTED FROM ${this.changelogTable} ORDER BY DATEEXECUTED DESC, ORDEREXECUTED DESC LIMIT 1) latest
        WHERE ${this.changelogTable}.DATEEXECUTED = latest.DATEEXECUTED AND ${this.changelogTable}.ORDEREXECUTED = latest.ORDEREXECUTED`,
      [tag],
    );
    return rowCount > 0;
  }

  async tagExists(tag: string): Promise<boolean> {
    if (!(await this.changelogTableExists())) return false;
    const { rows } = await this.driver.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${this.changelogTable} WHERE TAG = $1`, [tag]);
    return Number(rows[0].n) > 0;
  }

  private async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.driver.execute('BEGIN');
    try {
      const result = await work();
      await this.driver.execute('COMMIT');
      return result;
    } catch (error) {
      await this.driver.execute('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  return `'${String(value).replace(/'/g, "''")}'`;
}

function exactLiteral(value: unknown): string {
  if (typeof value === 'string' && value.includes('\\')) return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return literal(value);
}

function quoteSchemaIfNeeded(schema: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(schema) ? schema : `"${schema.replace(/"/g, '""')}"`;
}
