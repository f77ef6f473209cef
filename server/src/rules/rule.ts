// What a rule is. A rule is a pure function over the Changelog model and the replayed schema: it never touches the
// LSP or a database. Its meta is the one source of its docs: the README table, hover text and each diagnostic's
// link are generated from it.

import type { Changelog, Changeset, Fix, Range, Severity } from '../changelog/model';

export type { FileEdit, Fix } from '../changelog/model';
import type { Schema } from '../schema/schema';
import type { ChangesetStatement } from '../schema/statements';

export type RuleCategory = 'compatibility' | 'locking' | 'rollback' | 'grants' | 'drift' | 'hygiene';

export interface RuleMeta {
  /** kebab-case, stable: users write it in `pgcs-ignore` comments and config files */
  id: string;
  category: RuleCategory;
  severity: Severity;
  /** one line, what the rule flags: "Renaming a column breaks the running application" */
  title: string;
  docs: {
    /** why it is dangerous (the PostgreSQL lock, what the running application sees) */
    why: string;
    /** the safe way to do it */
    instead: string;
    /** a changeset that the rule flags, and the same change written the safe way (YAML or SQL) */
    bad: string;
    good: string;
  };
  /** the rule can offer quick fixes */
  fixable?: boolean;
}

export interface RuleReport {
  message: string;
  range: Range;
  /** defaults to the statement's file (or the changeset's, for changeset-level reports) */
  file?: string;
  /** the statement the finding is about: its `pgcs-ignore` comments can silence it. Defaults to the statement being visited. */
  statement?: ChangesetStatement;
  /**
   * The quick fixes, or a function that builds them when asked: only the editor's code action reads them, and
   * building a fix (e.g. expand/contract) costs more than finding the problem, so costly fixes are deferred. The
   * function runs after the lint has moved on: it must not read `context.schema` (replayed further by then), only
   * what it captured and what does not change (the changelog, the changeset, its statements).
   */
  fixes?: Fix[] | (() => Fix[] | undefined);
}

/** One row of DATABASECHANGELOG as an environment recorded it (drift rules compare against these; engine/applied-rows.ts reads them). */
export type { AppliedChangeset } from '../engine/applied-rows';
import type { AppliedChangeset } from '../engine/applied-rows';

/** What the engine read from one environment's DATABASECHANGELOG (read by the server or CLI, never by a rule). */
export interface EnvironmentRecord {
  name: string;
  /** when the rows were read */
  readAt: Date;
  applied: AppliedChangeset[];
}

export interface RulesConfig {
  /** rule id → severity, or 'off' */
  severities: Record<string, Severity | 'off'>;
  /** the roles the application connects as; empty = the roles the changelog grants table privileges to */
  applicationRoles: string[];
  /** the PostgreSQL major version the changelog targets (decides e.g. whether ADD COLUMN … DEFAULT rewrites) */
  postgresVersion: number;
  /** a changeset that takes a strong lock on an existing table must SET lock_timeout first (default true) */
  requireLockTimeout: boolean;
}

export const DEFAULT_RULES_CONFIG: RulesConfig = {
  severities: {},
  applicationRoles: [],
  postgresVersion: 18,
  requireLockTimeout: true,
};

export interface ChangesetContext {
  changelog: Changelog;
  changeset: Changeset;
  /** every statement the changeset runs, in order (raw SQL, sqlFile, formatted SQL and built-in changes alike) */
  statements: ChangesetStatement[];
  /** while visiting a statement: the schema just before it; in `changeset()`: the schema after the whole changeset */
  schema: Schema;
  config: RulesConfig;
  /** the application roles: configured, else inferred from the changelog's grants */
  applicationRoles: string[];
  /** each role's first table GRANT: the changeset index (an inferred application role is checked from there on) */
  firstTableGrant: ReadonlyMap<string, number>;
  /** DATABASECHANGELOG rows of the environments the caller knows (empty in a plain lint) */
  environments: EnvironmentRecord[];
  /** true when the table was created by this changeset (so no running application can be using it) */
  isNewTable(name: string, schema?: string): boolean;
  report(report: RuleReport): void;
}

export interface Rule {
  meta: RuleMeta;
  /** called for each statement of each changeset, in execution order, with the schema as it is just before the statement */
  statement?(statement: ChangesetStatement, context: ChangesetContext): void;
  /** called once per changeset after its statements (changeset-level rules: missing rollback, lock_timeout, …) */
  changeset?(context: ChangesetContext): void;
  /** called once per changelog after every changeset (rules about the whole tree or the environments) */
  changelog?(context: Omit<ChangesetContext, 'changeset' | 'statements' | 'isNewTable' | 'report'> & { report(report: RuleReport & { file: string }): void }): void;
}
