// The project's rule configuration: `pgcs.config.json` in the workspace folder (or next to the changelog, or any
// folder above it), overridden by VS Code settings or CLI flags. Bad config is a finding at its line, never a crash.

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { Finding, Severity } from '../changelog/model';
import { LineIndex } from '../changelog/line-index';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from './rule';

export const CONFIG_FILE = 'pgcs.config.json';

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);
const KEYS = new Set(['$schema', 'rules', 'applicationRoles', 'postgresVersion', 'requireLockTimeout']);

export interface LoadedConfig {
  config: Partial<RulesConfig>;
  /** the file read, when one was found */
  file?: string;
  findings: Finding[];
}

/** The nearest pgcs.config.json at or above `start` (a folder or a file), up to the file system root. */
export function findConfigFile(start: string): string | undefined {
  let dir = fs.existsSync(start) && fs.statSync(start).isDirectory() ? start : nodePath.dirname(start);
  for (;;) {
    const candidate = nodePath.join(dir, CONFIG_FILE);
    if (fs.existsSync(candidate)) return candidate;
    const parent = nodePath.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readConfigFile(file: string, knownRules: Set<string>): LoadedConfig {
  const text = fs.readFileSync(file, 'utf8');
  return parseConfig(text, file, knownRules);
}

export function parseConfig(text: string, file: string, knownRules: Set<string>): LoadedConfig {
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const problem = (message: string, needle?: string) => {
    const at = needle ? Math.max(0, text.indexOf(needle)) : 0;
    findings.push({ rule: 'config', severity: 'error', message, file, range: lines.range(at, at + (needle?.length ?? 1)) });
  };
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const position = /position (\d+)/.exec(String((e as Error).message));
    const at = position ? Number(position[1]) : 0;
    findings.push({ rule: 'config', severity: 'error', message: `${CONFIG_FILE} is not valid JSON: ${(e as Error).message}`, file, range: lines.range(at, at + 1) });
    return { config: {}, file, findings };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problem(`${CONFIG_FILE} must hold a JSON object`);
    return { config: {}, file, findings };
  }
  const config: Partial<RulesConfig> = {};
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) problem(`Unknown setting '${key}' (known: rules, applicationRoles, postgresVersion, requireLockTimeout)`, `"${key}"`);
  if (raw.rules !== undefined) {
    if (typeof raw.rules !== 'object' || Array.isArray(raw.rules)) problem('"rules" must map rule ids to error, warning, info, hint or off', '"rules"');
    else {
      const severities: Record<string, Severity | 'off'> = {};
      for (const [id, value] of Object.entries(raw.rules)) {
        if (!knownRules.has(id) && id !== 'unused-ignore') problem(`Unknown rule '${id}'`, `"${id}"`);
        else if (typeof value !== 'string' || !SEVERITIES.has(value)) problem(`Rule '${id}': the severity must be error, warning, info, hint or off`, `"${id}"`);
        else severities[id] = value as Severity | 'off';
      }
      config.severities = severities;
    }
  }
  if (raw.applicationRoles !== undefined) {
    if (!Array.isArray(raw.applicationRoles) || raw.applicationRoles.some((r: unknown) => typeof r !== 'string')) problem('"applicationRoles" must be a list of role names', '"applicationRoles"');
    else config.applicationRoles = raw.applicationRoles.map((r: string) => r.toLowerCase());
  }
  if (raw.postgresVersion !== undefined) {
    if (!Number.isInteger(raw.postgresVersion) || raw.postgresVersion < 9 || raw.postgresVersion > 99) problem('"postgresVersion" must be a major version such as 16', '"postgresVersion"');
    else config.postgresVersion = raw.postgresVersion;
  }
  if (raw.requireLockTimeout !== undefined) {
    if (typeof raw.requireLockTimeout !== 'boolean') problem('"requireLockTimeout" must be true or false', '"requireLockTimeout"');
    else config.requireLockTimeout = raw.requireLockTimeout;
  }
  return { config, file, findings };
}

/** Later layers win; severities merge rule by rule. */
export function mergeConfig(...layers: (Partial<RulesConfig> | undefined)[]): RulesConfig {
  const out: RulesConfig = { ...DEFAULT_RULES_CONFIG, severities: {} };
  for (const layer of layers) {
    if (!layer) continue;
    const { severities, ...rest } = layer;
    // an empty list (a setting left at its default) does not replace a list from an earlier layer
    for (const [k, v] of Object.entries(rest)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) (out as any)[k] = v;
    if (severities) out.severities = { ...out.severities, ...severities };
  }
  return out;
}
