// What `pgcs update` reads of a SQL parse, kept between runs beside the parsed-file store: where each statement and
// each execution chunk is, whether the parser understood each statement, PostgreSQL's syntax errors (not the parse
// trees, which running does not read). An update of SQL it has run before (on another database; a CI machine that
// keeps the cache folder) then loads no parser and parses nothing. One file per root changelog and build of pgcs
// (a new build may parse differently), holding the texts of the last run that learnt something.
import { crypto } from '../node-builtins';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { SqlText } from '../changelog/model';
import { parsedSql } from './analyse';
import type { ParsedSql } from './statements';

const keptForRun = new WeakMap<SqlText, ParsedSql>();

/** A change's SQL split and checked for running it: the model's own parse, else the kept one, else parsed now. */
export function executionParse(sql: SqlText): ParsedSql {
  return sql.parsed ?? keptForRun.get(sql) ?? parsedSql(sql);
}

/** Whether executionParse has the parse of `sql` without the parser. */
export function parsedForRun(sql: SqlText): boolean {
  return sql.parsed !== undefined || keptForRun.has(sql);
}

export class KeptParses {
  private readonly kept: Map<string, ParsedSql>;
  private readonly used = new Map<string, ParsedSql>();
  private readonly missing: [string, SqlText][] = [];

  /** @param file where they are kept; undefined: nowhere (nothing is read or written) */
  constructor(private readonly file: string | undefined) {
    this.kept = new Map(Object.entries(readJson(file) ?? {}));
  }

  /** The parses kept for this root changelog under `folder` (the CLI's cache folder, if any) by this build. */
  static forRoot(folder: string | undefined, build: string, root: string): KeptParses {
    if (folder === undefined) return new KeptParses(undefined);
    return new KeptParses(nodePath.join(folder, `${crypto().createHash('sha256').update(`${build}\0${root}`).digest('hex')}.parses.json`));
  }

  /** Whether any parse is kept (none: the first update of this changelog, or no cache folder). */
  any(): boolean {
    return this.kept.size > 0;
  }

  /** Gives each of `texts` its kept parse (executionParse then finds it); the texts that have none. */
  take(texts: SqlText[]): SqlText[] {
    const missing: SqlText[] = [];
    for (const sql of texts) {
      if (parsedForRun(sql)) continue;
      const key = keyOf(sql);
      const kept = this.kept.get(key);
      if (kept) {
        keptForRun.set(sql, kept);
        this.used.set(key, kept);
      } else {
        missing.push(sql);
        this.missing.push([key, sql]);
      }
    }
    return missing;
  }

  /**
   * Keeps the parses made in this run of texts that had none, with those used in this run (texts no longer in the
   * changelog go). Best effort: a folder that cannot be written only costs the parse next time.
   */
  save(): void {
    if (this.file === undefined) return;
    let learnt = false;
    for (const [key, sql] of this.missing) {
      if (!sql.parsed) continue;
      this.used.set(key, forRunning(sql.parsed));
      learnt = true;
    }
    this.missing.length = 0;
    if (!learnt) return;
    try {
      fs.mkdirSync(nodePath.dirname(this.file), { recursive: true });
      const aside = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(aside, JSON.stringify(Object.fromEntries(this.used)));
      fs.renameSync(aside, this.file);
    } catch {
      // read-only or full: parsed again next time
    }
  }
}

/** the text and every option that changes how it is split */
function keyOf(sql: SqlText): string {
  return crypto().createHash('md5')
    .update(`${sql.splitStatements ? 1 : 0}${sql.stripComments ? 1 : 0}${sql.endDelimiter ?? ''}\0`)
    .update(sql.text)
    .digest('base64');
}

/** the parse without its trees: what executionParse's readers read */
function forRunning(parsed: ParsedSql): ParsedSql {
  return { ...parsed, statements: parsed.statements.map(({ node: _node, ...statement }) => statement) };
}

function readJson(file: string | undefined): Record<string, ParsedSql> | undefined {
  if (file === undefined) return undefined;
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined; // none yet, or damaged: parsed again
  }
}
