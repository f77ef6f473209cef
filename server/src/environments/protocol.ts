// The contract between the VS Code client and the language server for environments (databases the workspace's
// changelogs are applied to). The client only sends names and settings and draws the answers; the server owns
// the changelog model and the engine. Types only, plus the method names: the client imports this file.

/** One entry of the `pgChangesets.environments` setting. */
export interface EnvironmentSetting {
  name: string;
  /** postgres://user@host:port/db (no password: it comes from SecretStorage), jdbc:postgresql://…, or pglite:<dir> */
  url?: string;
  /** a PGlite data folder (relative to the first workspace folder), instead of `url` */
  pglite?: string;
  /** Liquibase --contexts for this environment (comma separated or a list) */
  contexts?: string | string[];
  /** Liquibase --label-filter for this environment */
  labels?: string;
  /** the role(s) the application connects as (kept for the safety rules; the engine does not use them) */
  applicationRoles?: string[];
  /** changes need the environment's name typed first (the client asks) */
  protected?: boolean;
  /** no changes at all: status, preview and verify only (the server refuses the rest) */
  readOnly?: boolean;
}

/** client → server notification: the environments from the settings, and where the default `local` PGlite lives */
export const SetEnvironments = 'pgChangesets/setEnvironments';
export interface SetEnvironmentsParams {
  environments: EnvironmentSetting[];
  /** the extension's workspace storage (context.storageUri): `local` is PGlite in <storageFolder>/local */
  storageFolder?: string;
  /** the environment the status bar shows: CodeLens offers to apply to it */
  current?: string;
}

/** client → server request: the environments, `local` included (it is there when no setting names it) */
export const ListEnvironments = 'pgChangesets/environments';
export interface EnvironmentInfo {
  name: string;
  kind: 'postgresql' | 'pglite';
  /** where it connects, never with a password */
  description: string;
  protected: boolean;
  readOnly: boolean;
  contexts: string[];
  labels?: string;
  /** the URL or folder cannot be understood: one line */
  error?: string;
}

/** client → server request: the root changelogs of the workspace (absolute paths); empty when there is none */
export const ChangelogsRequest = 'pgChangesets/changelogs';

/** server → client request: the password of an environment (the client keeps it in SecretStorage), or null */
export const PasswordRequest = 'pgChangesets/password';
export interface PasswordParams {
  environment: string;
  /** user@host:port/database, for the prompt */
  description: string;
}

/** server → client notification: an environment's status changed (after a run, a refresh or a failure) */
export const StatusChanged = 'pgChangesets/statusChanged';
export interface StatusChangedParams {
  environment: string;
}

/** How the client names a changeset: `file` is the file it is written in (absolute or workspace-relative) or its DATABASECHANGELOG FILENAME. */
export interface ChangesetRef {
  file: string;
  id: string;
  author: string;
}

/** client → server request: every changeset of the workspace's changelogs against one environment */
export const StatusRequest = 'pgChangesets/status';
export interface StatusParams {
  environment: string;
  /** read DATABASECHANGELOG again (otherwise the rows read last are used with the changelogs as they are now) */
  refresh?: boolean;
}

export type ChangesetState =
  /** recorded in DATABASECHANGELOG with the checksum it has now */
  | 'applied'
  /** not recorded: update runs it */
  | 'pending'
  /** recorded, but edited since (the checksum differs): update refuses until it is resolved */
  | 'drifted'
  /** recorded in the database, but no changelog of the workspace has it */
  | 'in-database-only'
  /** recorded as FAILED, or the last attempt from this editor failed */
  | 'failed';

export interface ChangesetStatus {
  state: ChangesetState;
  id: string;
  author: string;
  /** DATABASECHANGELOG FILENAME */
  logicalPath: string;
  /** file::id::author as Liquibase prints it */
  identity: string;
  /** absolute path of the file the changeset is written in (absent for in-database-only) */
  file?: string;
  /** 0-based line of the changeset's header */
  line?: number;
  /** the environment's contexts and labels select it (update runs only selected changesets) */
  selected: boolean;
  dateExecuted?: string;
  orderExecuted?: number;
  execType?: string;
  deploymentId?: string;
  tag?: string;
  /** runOnChange/runAlways: update runs it again */
  reruns?: boolean;
  /** failed: the one-line error */
  error?: string;
  /** drifted: the stored and current checksums */
  storedChecksum?: string;
  currentChecksum?: string;
}

export interface EnvironmentStatus {
  environment: string;
  description: string;
  /** the root changelogs the status covers (absolute paths) */
  changelogs: string[];
  /** changelog order, then the in-database-only rows in the order they ran */
  changesets: ChangesetStatus[];
  /** when DATABASECHANGELOG was read (ISO), absent when it never was */
  readAt?: string;
  /** the database could not be read: one line, no stack */
  error?: string;
}

export type ChangeAction = 'apply' | 'update' | 'rollback' | 'rollbackLast' | 'rollbackToTag';
export type RunAction = ChangeAction | 'tag' | 'verify' | 'releaseLock';

/** client → server request: the exact SQL a change would send (update-sql / rollback-sql), nothing is run */
export const PreviewRequest = 'pgChangesets/preview';
export interface PreviewParams {
  environment: string;
  action: ChangeAction;
  /** apply, rollback: the changeset */
  changeset?: ChangesetRef;
  /** rollbackToTag */
  tag?: string;
}
export interface Preview {
  ok: boolean;
  /** the SQL, or the one-line reason there is none */
  sql: string;
  /** a heading for the preview, e.g. "Apply 001-create-customers to local" */
  title: string;
  /** the changesets it would run or undo (identities), in order */
  changesets: string[];
  error?: string;
  /** not ok only because there is nothing to do (already applied, up to date, nothing to roll back) */
  nothing?: boolean;
}

/** client → server request with LSP work-done progress (`workDoneToken`) and cancellation ($/cancelRequest) */
export const RunRequest = 'pgChangesets/run';
export interface RunParams extends Omit<PreviewParams, 'action'> {
  action: RunAction;
  workDoneToken?: string | number;
}
export interface RunOutcome {
  ok: boolean;
  /** one line for a notification: what happened, or the error with its file and line */
  message: string;
  /** identities run, rolled back (or verified), in order */
  changesets: string[];
  /** verify: one line per changeset that does not roll back cleanly */
  problems?: string[];
  cancelled?: boolean;
}
