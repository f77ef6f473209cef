// Liquibase's two other sources of settings, so that `pgcs update` works wherever `liquibase update` does: the
// defaults file (liquibase.properties in the working folder, or --defaults-file / LIQUIBASE_DEFAULTS_FILE) and the
// LIQUIBASE_COMMAND_* / LIQUIBASE_* environment variables. As in Liquibase 4.28 (checked against it): a flag on the
// command line wins over the environment, which wins over the file; the file's keys may be camelCase, kebab-case or
// prefixed (changeLogFile, changelog-file, liquibase.command.changelogFile, liquibase.command.update.contexts), and
// parameter.<name> sets a changelog parameter as -D<name> does. Keys Liquibase has and pgcs does not (driver,
// classpath, logLevel, …) are skipped, as Liquibase skips keys it does not know.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

export const DEFAULTS_FILE_NAME = 'liquibase.properties';

/** A defaults file pgcs was told to read and cannot, or cannot parse: file and line, for a one-line error. */
export class DefaultsFileError extends Error {}

/**
 * The settings a defaults file or the environment may give, by the name of pgcs's flag: whether Liquibase holds it
 * as a global (its variable is then LIQUIBASE_<NAME>, else LIQUIBASE_COMMAND_<NAME>; none for pgcs's own), and the
 * other names Liquibase takes for it.
 */
const SETTINGS: ReadonlyMap<string, { global?: boolean; pgcsOnly?: boolean; aliases?: string[] }> = new Map([
  ['changelog-file', {}],
  ['url', {}],
  ['username', {}],
  ['password', {}],
  ['contexts', { aliases: ['context-filter'] }],
  ['label-filter', { aliases: ['labels'] }],
  ['default-schema-name', {}],
  ['search-path', { global: true }],
  ['liquibase-schema-name', { global: true }],
  ['database-changelog-table-name', { global: true }],
  ['database-changelog-lock-table-name', { global: true }],
  // pgcs's own: a team may keep them beside Liquibase's (Liquibase skips them)
  ['lock-wait', { pgcsOnly: true }],
  ['lock-timeout', { pgcsOnly: true }],
  ['lock-retries', { pgcsOnly: true }],
  ['statement-timeout', { pgcsOnly: true }],
]);

/** the name pgcs knows a setting by, for each of its names (--context-filter is --contexts) */
export const SETTING_ALIASES: ReadonlyMap<string, string> = new Map([...SETTINGS].flatMap(([name, { aliases = [] }]) => aliases.map((alias) => [alias, name])));

/**
 * Liquibase settings pgcs cannot honour and must not skip: a run that went on without them would make its tracking
 * tables other than Liquibase makes them.
 */
const UNSUPPORTED_SETTINGS: ReadonlyMap<string, string> = new Map([
  ['liquibase-tablespace-name', 'pgcs creates the tracking tables in the default tablespace only'],
]);

/** Liquibase's global flags that change nothing pgcs does (logging, banner, JDBC driver and classpath): taken, then set aside. */
export const IGNORED_LIQUIBASE_FLAGS: ReadonlySet<string> = new Set([
  'classpath', 'driver', 'driver-properties-file', 'log-level', 'log-file', 'log-format', 'log-channels', 'show-banner', 'headless',
  'hub-mode', 'mirror-console-messages-to-log', 'license-key', 'liquibase-catalog-name',
]);

/** Why pgcs refuses a setting (flag name), or undefined when it does not. */
export function unsupportedSetting(name: string): string | undefined {
  const why = UNSUPPORTED_SETTINGS.get(name);
  return why && `--${name} is not supported: ${why}`;
}

/** a name as Liquibase matches it: case and word separators aside (changeLogFile = changelog-file = CHANGELOG_FILE) */
const squashed = (name: string) => name.replace(/[-_.]/g, '').toLowerCase();
const SETTING_BY_SQUASHED = new Map([...SETTINGS].flatMap(([name, { aliases = [] }]) => [name, ...aliases].map((n) => [squashed(n), name])));

/** One `key=value` of a .properties file, with the line its logical line starts on (1-based). */
export interface PropertyLine {
  key: string;
  value: string;
  line: number;
}

/**
 * Reads a .properties file as java.util.Properties.load does (Liquibase reads its defaults file with it): `=`, `:`
 * or white space between key and value, `#` and `!` comments, a line ending in an odd number of backslashes going on
 * in the next, and the escapes \t \n \r \f \uXXXX (any other escaped character stands for itself).
 */
export function parseProperties(text: string, file: string): PropertyLine[] {
  const physical = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  const out: PropertyLine[] = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    let logical = physical[i].replace(/^[ \t\f]+/, '');
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    while (endsInEscape(logical) && i + 1 < physical.length) logical = logical.slice(0, -1) + physical[++i].replace(/^[ \t\f]+/, '');
    if (endsInEscape(logical)) logical = logical.slice(0, -1); // a continuation at the end of the file: dropped
    let k = 0;
    while (k < logical.length && !'=: \t\f'.includes(logical[k])) k += logical[k] === '\\' ? 2 : 1;
    const rawKey = logical.slice(0, Math.min(k, logical.length));
    let v = k;
    while (v < logical.length && ' \t\f'.includes(logical[v])) v++;
    if (v < logical.length && (logical[v] === '=' || logical[v] === ':')) v++;
    while (v < logical.length && ' \t\f'.includes(logical[v])) v++;
    const line = start + 1;
    out.push({ key: unescape(rawKey, file, line), value: unescape(logical.slice(v), file, line), line });
  }
  return out;
}

function endsInEscape(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

const ESCAPED: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string, file: string, line: number): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new DefaultsFileError(`${file}:${line}: malformed \\uxxxx escape: \\u${hex}`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ESCAPED[next] ?? next;
    }
  }
  return out;
}

/**
 * What a defaults-file key sets for `command`: a setting (by its flag's name), a changelog parameter, or nothing
 * (a key pgcs has no use for, or one scoped to another command).
 */
export function settingOfKey(key: string, command: string | undefined): { setting: string } | { parameter: string } | { unsupported: string } | undefined {
  if (key.startsWith('parameter.') && key.length > 'parameter.'.length) return { parameter: key.slice('parameter.'.length) };
  let name = key;
  if (name.startsWith('liquibase.command.')) {
    name = name.slice('liquibase.command.'.length);
    // liquibase.command.<command>.<argument>: that command's only
    const dot = name.lastIndexOf('.');
    if (dot > 0) {
      if (command === undefined || squashed(name.slice(0, dot)) !== squashed(command)) return undefined;
      name = name.slice(dot + 1);
    }
  } else if (name.startsWith('liquibase.')) {
    name = name.slice('liquibase.'.length);
  }
  // (changeLogFile, Liquibase's older spelling, squashes to changelogfile too)
  const setting = SETTING_BY_SQUASHED.get(squashed(name));
  if (setting) return { setting };
  const unsupported = [...UNSUPPORTED_SETTINGS.keys()].find((n) => squashed(n) === squashed(name));
  return unsupported ? { unsupported } : undefined;
}

/** the environment variables Liquibase reads a setting from, its own name's first (none for pgcs's own settings) */
export function environmentVariablesOf(setting: string): string[] {
  const known = SETTINGS.get(setting);
  if (!known || known.pgcsOnly) return [];
  return [setting, ...(known.aliases ?? [])].map((name) => `${known.global ? 'LIQUIBASE_' : 'LIQUIBASE_COMMAND_'}${name.toUpperCase().replace(/-/g, '_')}`);
}

export interface LiquibaseDefaults {
  /** settings by flag name, from the environment, else the defaults file */
  options: Map<string, string>;
  /** changelog parameters from the defaults file's parameter.<name> keys */
  parameters: Record<string, string>;
  /** the defaults file read, when one was */
  file?: string;
}

/**
 * The settings the environment and the defaults file give for `command` (the caller lets its own flags win). The
 * defaults file is `defaultsFile` (--defaults-file), else LIQUIBASE_DEFAULTS_FILE, else liquibase.properties in `cwd`
 * when there is one. A file named either way that is missing is an error, where Liquibase goes on without it:
 * pgcs with no URL at all would update its embedded database instead of the one the file meant.
 */
export function liquibaseDefaults(command: string | undefined, defaultsFile: string | undefined, env: NodeJS.ProcessEnv, cwd: string): LiquibaseDefaults {
  const options = new Map<string, string>();
  const parameters: Record<string, string> = {};
  const named = defaultsFile ?? (env.LIQUIBASE_DEFAULTS_FILE || undefined);
  const path = nodePath.resolve(cwd, named ?? DEFAULTS_FILE_NAME);
  let text: string | undefined;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (named !== undefined || (code !== 'ENOENT' && code !== 'ENOTDIR')) {
      const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? (error as Error).message})`;
      throw new DefaultsFileError(`defaults file ${named ?? DEFAULTS_FILE_NAME} ${why}${named === undefined ? '' : defaultsFile !== undefined ? ' (--defaults-file)' : ' (LIQUIBASE_DEFAULTS_FILE)'}`);
    }
  }
  if (text !== undefined) {
    const shown = named ?? DEFAULTS_FILE_NAME;
    // a key given twice: the last one counts, as in java.util.Properties
    for (const { key, value, line } of parseProperties(text, shown)) {
      const target = settingOfKey(key, command);
      if (!target) continue;
      if ('unsupported' in target) throw new DefaultsFileError(`${shown}:${line}: ${key} is not supported: ${UNSUPPORTED_SETTINGS.get(target.unsupported)}`);
      if ('parameter' in target) parameters[target.parameter] = value;
      else options.set(target.setting, value);
    }
  }
  for (const setting of SETTINGS.keys()) {
    const value = environmentVariablesOf(setting).map((variable) => env[variable]).find((v) => v !== undefined && v !== '');
    if (value !== undefined) options.set(setting, value);
  }
  for (const [name, why] of UNSUPPORTED_SETTINGS) {
    const variable = `LIQUIBASE_${name.toUpperCase().replace(/-/g, '_')}`;
    if (env[variable]) throw new DefaultsFileError(`${variable} is not supported: ${why}`);
  }
  return { options, parameters, file: text === undefined ? undefined : path };
}
