// How `pgcs lint` prints findings for machines: SARIF 2.1.0 (GitHub code scanning, Azure DevOps, IDEs) and GitHub
// Actions workflow commands (annotations on the pull request diff); which files changed since a git ref; and the
// findings of a tree as the parsed-file store keeps them between runs.

import { childProcess } from './node-builtins';
import * as nodePath from 'node:path';
import type { Finding, Severity } from './changelog/model';
import { RULES } from './rules/registry';

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0: one run, every rule described from its meta, paths relative to `base` (uriBaseId %SRCROOT%). */
export function sarifLog(findings: Finding[], base: string, version: string): object {
  const used = new Set(findings.map((f) => f.rule));
  const rules: { id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string }; defaultConfiguration: { level: string }; properties: { category: string } }[] = RULES.map((r) => ({
    id: r.meta.id,
    name: r.meta.id,
    shortDescription: { text: r.meta.title },
    fullDescription: { text: r.meta.docs.why },
    help: { text: `${r.meta.docs.why}\n\nInstead: ${r.meta.docs.instead}`, markdown: `${r.meta.docs.why}\n\n**Instead:** ${r.meta.docs.instead}` },
    defaultConfiguration: { level: SARIF_LEVEL[r.meta.severity] },
    properties: { category: r.meta.category },
  }));
  // structural and syntax findings (yaml-syntax, sql-syntax, …) are described too, so every result has its rule
  for (const id of [...used].sort()) if (!rules.some((r) => r.id === id)) rules.push({ id, name: id, shortDescription: { text: id }, fullDescription: { text: id }, help: { text: id, markdown: id }, defaultConfiguration: { level: 'error' }, properties: { category: 'changelog' } });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'pgcs', fullName: 'pg-changesets', version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileUri(base.endsWith('/') ? base : base + '/') } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(base, f.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
              },
            },
          ],
          ...(f.changeset ? { properties: { changeset: `${f.changeset.id}::${f.changeset.author}` } } : {}),
        })),
      },
    ],
  };
}

/** GitHub Actions workflow commands: `::error file=…,line=…::message`, one line per finding. */
export function githubAnnotations(findings: Finding[], base: string): string {
  const command: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
  return findings
    .map((f) => {
      const props = [
        `file=${escapeProperty(nodePath.relative(base, f.file) || f.file)}`,
        `line=${f.range.start.line + 1}`,
        `endLine=${f.range.end.line + 1}`,
        `col=${f.range.start.character + 1}`,
        `endColumn=${f.range.end.character + 1}`,
        `title=${escapeProperty(`pgcs ${f.rule}`)}`,
      ];
      return `::${command[f.severity]} ${props.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
}

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts: data escapes %, CR, LF; properties also : and ,
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function relativeUri(base: string, file: string): string {
  const relative = nodePath.relative(base, file);
  return relative.startsWith('..') || nodePath.isAbsolute(relative) ? pathToFileUri(file) : relative.split(nodePath.sep).map(encodeURIComponent).join('/');
}

function pathToFileUri(path: string): string {
  return 'file://' + path.split(nodePath.sep).map(encodeURIComponent).join('/');
}

export class GitError extends Error {}

/**
 * The absolute paths of the files that differ from `ref` in the working tree of the repository holding `cwd`:
 * committed since, staged, unstaged and untracked (not ignored), as a pull request's changes would show them.
 */
export function filesChangedSince(ref: string, cwd: string): Set<string> {
  const git = (...args: string[]) => {
    try {
      return childProcess().execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const stderr = String((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0];
      throw new GitError(`--changed-since ${ref}: ${stderr || 'git failed'}`);
    }
  };
  const top = git('rev-parse', '--show-toplevel').trim();
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new GitError(`--changed-since ${ref}: no such commit, branch or tag in ${top}`);
  }
  // diff names are relative to the top of the repository; ls-files names to the folder it runs in
  const names = [...git('diff', '--name-only', '-z', ref, '--').split('\0'), ...git('-C', top, 'ls-files', '--others', '--exclude-standard', '-z').split('\0')];
  return new Set(names.filter(Boolean).map((n) => nodePath.resolve(top, n)));
}

/**
 * Findings as the parsed-file store keeps a tree's lint: the parts the reports print, as arrays, each file named
 * once. Reading them back is most of a lint whose tree did not change, and this is half the JSON of the objects.
 */
export interface KeptFindings {
  files: string[];
  /** [file index, rule, severity, message, start line, start character, end line, end character, changeset?] */
  rows: (string | number | Finding['changeset'])[][];
}

export function keptFindings(findings: Finding[]): KeptFindings {
  const files: string[] = [];
  const index = new Map<string, number>();
  const rows = findings.map((f) => {
    let file = index.get(f.file);
    if (file === undefined) {
      index.set(f.file, (file = files.length));
      files.push(f.file);
    }
    const { start, end } = f.range;
    const row: KeptFindings['rows'][number] = [file, f.rule, f.severity, f.message, start.line, start.character, end.line, end.character];
    if (f.changeset) row.push(f.changeset);
    return row;
  });
  return { files, rows };
}

export function findingsFromKept(kept: KeptFindings): Finding[] {
  return kept.rows.map(([file, rule, severity, message, sl, sc, el, ec, changeset]) => {
    const finding: Finding = {
      rule: rule as string, severity: severity as Severity, message: message as string, file: kept.files[file as number],
      range: { start: { line: sl as number, character: sc as number }, end: { line: el as number, character: ec as number } },
    };
    if (changeset) finding.changeset = changeset as Finding['changeset'];
    return finding;
  });
}
