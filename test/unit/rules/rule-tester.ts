// Table tests for rules, in the spirit of ESLint's RuleTester: `valid` changelogs must stay silent, `invalid` ones
// must give exactly the findings marked in their text. Mark each expected finding's range with ⟦ and ⟧ in the
// file text (the markers are removed before loading); `messages` lists a substring or pattern per finding, in
// file order. A case is one changelog (YAML, or formatted SQL when it starts with `--liquibase formatted sql`),
// or several files whose first is the root.
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog, type SourceReader } from '../../../server/src/changelog/load';
import type { Finding, Range } from '../../../server/src/changelog/model';
import type { Rule, RulesConfig } from '../../../server/src/rules/rule';
import { lintChangelog } from '../../../server/src/rules/run';
import type { EnvironmentRecord } from '../../../server/src/rules/rule';
import { initSqlParser } from '../../../server/src/sql/statements';

export type Files = Record<string, string>;

export interface ValidCase {
  name: string;
  /** one changelog's text, or files by relative path (the first is the root changelog) */
  code: string | Files;
  config?: Partial<RulesConfig>;
  environments?: EnvironmentRecord[];
}

export interface InvalidCase extends ValidCase {
  /** per marked range, in file order: a substring of the message, or a pattern */
  messages: (string | RegExp)[];
  /** the text of each changed file after applying the fix of this title (or the preferred fix) of the first finding */
  fix?: { title?: string | RegExp; output: string | Files };
}

const ROOT = '/rule-test';
const OPEN = '⟦';
const CLOSE = '⟧';

export function ruleTester(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    beforeAll(() => initSqlParser());
    for (const c of cases.valid) {
      it(`stays silent: ${c.name}`, () => {
        const { findings } = lintCase(rule, c);
        expect(findings.map(describeFinding)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`flags: ${c.name}`, () => {
        const { findings, expected } = lintCase(rule, c);
        expect(findings.map((f) => `${nodePath.basename(f.file)} ${rangeText(f.range)}`)).toEqual(expected.map((e) => `${nodePath.basename(e.file)} ${rangeText(e.range)}`));
        expect(findings.length).toBe(c.messages.length);
        findings.forEach((f, i) => {
          const want = c.messages[i];
          if (typeof want === 'string') expect(f.message).toContain(want);
          else expect(f.message).toMatch(want);
        });
        if (c.fix) {
          const first = findings[0];
          const fix = first.fixes?.find((x) => (c.fix!.title === undefined ? x.preferred ?? true : typeof c.fix!.title === 'string' ? x.title.includes(c.fix!.title) : c.fix!.title.test(x.title)));
          expect(fix, `a fix on the first finding; it has: ${first.fixes?.map((x) => x.title).join(', ') || 'none'}`).toBeDefined();
          const texts = new Map(Object.entries(stripMarkers(asFiles(c.code)).texts).map(([rel, text]) => [nodePath.join(ROOT, rel), text]));
          for (const [file, edits] of groupBy(fix!.edits, (e) => e.file)) texts.set(file, applyEdits(texts.get(file) ?? '', edits));
          const wanted = asFiles(c.fix.output);
          for (const [rel, text] of Object.entries(wanted)) expect(texts.get(nodePath.join(ROOT, rel))).toBe(text);
        }
      });
    }
  });
}

/** Runs one rule on the case's changelog; findings sorted by file and position. */
export function lintCase(rule: Rule, c: ValidCase): { findings: Finding[]; expected: { file: string; range: Range }[] } {
  const { texts, marks } = stripMarkers(asFiles(c.code));
  const files = new Map(Object.entries(texts).map(([rel, text]) => [nodePath.join(ROOT, rel), text]));
  const changelog = loadChangelog(nodePath.join(ROOT, Object.keys(texts)[0]), { reader: memoryReader(files), searchPath: [ROOT] });
  const problems = changelog.findings.filter((f) => f.severity === 'error');
  if (problems.length) throw new Error(`the test changelog itself has errors: ${problems.map(describeFinding).join('; ')}`);
  const findings = lintChangelog(changelog, { rules: [rule], config: c.config, environments: c.environments }).filter((f) => f.rule === rule.meta.id || f.rule === 'unused-ignore');
  findings.sort(byPlace);
  const expected = marks.map((m) => ({ file: nodePath.join(ROOT, m.file), range: m.range })).sort(byPlace);
  return { findings, expected };
}

function asFiles(code: string | Files): Files {
  if (typeof code !== 'string') return code;
  return { [/^\s*--\s*liquibase\s+formatted\s+sql/i.test(code.replace(/[⟦⟧]/g, '')) ? 'changelog.sql' : 'changelog.yaml']: code };
}

function stripMarkers(files: Files): { texts: Files; marks: { file: string; range: Range }[] } {
  const texts: Files = {};
  const marks: { file: string; range: Range }[] = [];
  for (const [file, raw] of Object.entries(files)) {
    let text = '';
    const open: { line: number; character: number }[] = [];
    let line = 0;
    let character = 0;
    for (const ch of raw) {
      if (ch === OPEN) {
        open.push({ line, character });
        continue;
      }
      if (ch === CLOSE) {
        const start = open.pop();
        if (!start) throw new Error(`unbalanced ${CLOSE} in ${file}`);
        marks.push({ file, range: { start, end: { line, character } } });
        continue;
      }
      text += ch;
      if (ch === '\n') {
        line++;
        character = 0;
      } else character += ch.length;
    }
    texts[file] = text;
  }
  return { texts, marks };
}

function memoryReader(files: Map<string, string>): SourceReader {
  return {
    readFile: (path) => files.get(path),
    isDirectory: (path) => [...files.keys()].some((f) => f.startsWith(path.endsWith('/') ? path : path + '/')),
    listDirectory: (path) => {
      const prefix = path.endsWith('/') ? path : path + '/';
      const names = new Set<string>();
      for (const f of files.keys()) if (f.startsWith(prefix)) names.add(f.slice(prefix.length).split('/')[0]);
      return names.size ? [...names] : undefined;
    },
  };
}

function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const offsetOf = (p: { line: number; character: number }) => {
    let offset = 0;
    for (let l = 0; l < p.line; l++) offset = text.indexOf('\n', offset) + 1;
    return offset + p.character;
  };
  // LSP forbids overlapping edits in one file (editors reject the whole fix); inserts at one position are fine
  const ascending = [...edits].sort((a, b) => offsetOf(a.range.start) - offsetOf(b.range.start) || offsetOf(a.range.end) - offsetOf(b.range.end));
  for (let i = 1; i < ascending.length; i++) {
    if (offsetOf(ascending[i].range.start) < offsetOf(ascending[i - 1].range.end)) throw new Error(`the fix has overlapping edits: ${JSON.stringify(ascending[i - 1].range)} and ${JSON.stringify(ascending[i].range)}`);
  }
  // applied from the end; inserts at one position appear in the order of the array, as LSP's WorkspaceEdit says
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => offsetOf(b.e.range.start) - offsetOf(a.e.range.start) || b.i - a.i).map((x) => x.e);
  for (const e of sorted) text = text.slice(0, offsetOf(e.range.start)) + e.newText + text.slice(offsetOf(e.range.end));
  return text;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

function byPlace(a: { file: string; range: Range }, b: { file: string; range: Range }): number {
  return a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

function rangeText(r: Range): string {
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

function describeFinding(f: Finding): string {
  return `${nodePath.basename(f.file)}:${rangeText(f.range)} ${f.rule}: ${f.message}`;
}
