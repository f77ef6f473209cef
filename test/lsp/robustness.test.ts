// Robustness: one language server, 10,000 deterministically mutated documents (truncations, odd characters,
// deep nesting, 1 MB lines, unterminated quotes, alias bombs, property references, garbage headers, …) sent as
// didOpen/didChange to a small changelog tree. The server must not exit, must answer every request within 10 s,
// must stay under 1.5 GB, must publish well-formed diagnostics that match what a fresh analysis of the same texts
// gives (an in-process oracle without caches), and must still be exactly right once the valid texts come back.
//
// The workspace and the mutation kinds are in fixtures/robustness/mutations.ts. Every document is made from its own
// seed (printed with any failure) and the base text of its target, so any one can be made again:
//   ROBUSTNESS_SEED=<n>    base seed (default below)        ROBUSTNESS_COUNT=<n>  number of documents (10,000)
//   ROBUSTNESS_ONLY=i,j,…  send only these document indices  ROBUSTNESS_SKIP=a,b  leave out mutation kinds
// The texts of the documents behind a failure are written to <tmp>/pgcs-robustness-<seed>/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { URI } from 'vscode-uri';
import { diskReader, overlayReader } from '../../server/src/changelog/load';
import type { Finding } from '../../server/src/changelog/model';
import { Project } from '../../server/src/changelog/project';
import { mergeConfig } from '../../server/src/rules/config';
import { lintChangelog } from '../../server/src/rules/run';
import { initSqlParser } from '../../server/src/sql/statements';
import { makeProject, removeProject, startServer } from './helpers';
import {
  BAD_BYTES, BASES, describeDoc, documentMaker, FORMATTED_BASE, hex, rng, TARGET_FILES, TARGET_KEYS, YAML_BASE, SQLFILE_BASE,
  type Doc, type Rng, type TargetKey,
} from './fixtures/robustness/mutations';
import type { LspClient } from './lsp-client';

const COUNT = Number(process.env.ROBUSTNESS_COUNT ?? 10_000);
const BASE_SEED = Number(process.env.ROBUSTNESS_SEED ?? 0x5eed_cafe) >>> 0;
const ONLY = process.env.ROBUSTNESS_ONLY ? new Set(process.env.ROBUSTNESS_ONLY.split(',').map(Number)) : undefined;
const SKIP = new Set((process.env.ROBUSTNESS_SKIP ?? '').split(',').filter(Boolean));

const BURST = 20; // documents sent back to back before one round trip
const CHECK_EVERY = 100; // documents between two rounds of documentSymbol/hover/documentLink/workspace/symbol
const ANSWER_WITHIN_MS = 10_000;
const RECOVERY_MS = 60_000; // how long a late answer is still awaited before the server is declared hung (and the run ends)
const SEND_BUDGET_MS = 300_000; // stop sending after this, so the final checks still run within the test timeout
const MAX_RSS_BYTES = 1.5 * 1024 ** 3;
/** LSP errors a request may legitimately end with: RequestCancelled, ContentModified, ServerCancelled */
const DOCUMENTED_ERRORS = new Set([-32800, -32801, -32802]);

// ---- checks ----------------------------------------------------------------------------------------------------

interface Position {
  line: number;
  character: number;
}
interface LspRange {
  start: Position;
  end: Position;
}

/** line lengths of a text as LSP counts lines (\n, \r\n, \r) */
function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.length);
}

function rangeProblem(r: LspRange | undefined, lengths: number[] | undefined): string | undefined {
  if (!r || !r.start || !r.end) return 'missing range';
  for (const p of [r.start, r.end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `invalid position ${JSON.stringify(p)}`;
    if (lengths && (p.line >= lengths.length || p.character > lengths[p.line])) {
      return `position ${p.line}:${p.character} is outside the text (${lengths.length} lines${p.line < lengths.length ? `, line ${p.line} has ${lengths[p.line]} characters` : ''})`;
    }
  }
  if (before(r.end, r.start)) return `range ends before it starts ${JSON.stringify(r)}`;
  return undefined;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function contains(outer: LspRange, inner: LspRange): boolean {
  return !before(inner.start, outer.start) && !before(outer.end, inner.end);
}

function readRss(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/**
 * yaml reports a nesting deeper than the stack as RESOURCE_EXHAUSTION errors, as many and wherever the stack
 * happened to run out, and the errors after them move with it: that depends on the process and on what V8 has
 * optimised so far, so the oracle comparison skips a file that has them.
 */
const STACK_DEPENDENT = /Maximum call stack size exceeded/;

const diagnosticKey = (d: { range: LspRange; severity?: number; code?: unknown; message: unknown }) =>
  JSON.stringify([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity, d.code, typeof d.message === 'string' ? d.message : (d.message as { value: string }).value]);

const SEVERITIES = { error: 1, warning: 2, info: 3, hint: 4 } as const;

// ---- the test --------------------------------------------------------------------------------------------------

let dir: string;
let client: LspClient | undefined;
/** the base texts have changesets without rollbacks on purpose (sqlFile, functions): that one rule is off */
const RULES_CONFIG = mergeConfig({ severities: { 'missing-rollback': 'off' } });

beforeAll(async () => {
  await initSqlParser();
  dir = makeProject({ [TARGET_FILES.yaml]: YAML_BASE, [TARGET_FILES.formatted]: FORMATTED_BASE, [TARGET_FILES.sqlfile]: SQLFILE_BASE, 'pgcs.config.json': JSON.stringify({ rules: RULES_CONFIG.severities }) }, 'pgcs-robust-');
  fs.writeFileSync(path.join(dir, 'db/sql/bad-bytes.sql'), BAD_BYTES);
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

describe('language server robustness', () => {
  it(`stays alive and keeps answering through ${COUNT.toLocaleString('en')} mutated documents`, async () => {
    const started = Date.now();
    const file = (key: TargetKey) => path.join(dir, TARGET_FILES[key]);
    const badBytes = path.join(dir, 'db/sql/bad-bytes.sql');
    const uriOf = (p: string) => URI.file(p).toString();
    // with every safety rule on: rules must survive whatever the mutations make of the SQL, and stay exact
    ({ client } = await startServer(dir, {}, { safetyRules: true }));
    const c = client;
    const pid = c.process.pid!;
    const failures: string[] = [];
    /** one failure per category is enough to act on: keep the first three of each, count the rest */
    const failureCounts = new Map<string, number>();
    const fail = (category: string, message: () => string) => {
      const n = (failureCounts.get(category) ?? 0) + 1;
      failureCounts.set(category, n);
      if (n <= 3) failures.push(message());
    };
    const dumpDir = path.join(os.tmpdir(), `pgcs-robustness-${hex(BASE_SEED)}`);
    const dumped = new Set<number>();
    const dump = (docs: Doc[]) => {
      fs.mkdirSync(dumpDir, { recursive: true });
      for (const d of docs) {
        if (dumped.has(d.index)) continue;
        dumped.add(d.index);
        fs.writeFileSync(path.join(dumpDir, `${d.index}-${hex(d.seed)}-${path.basename(TARGET_FILES[d.target])}`), d.text);
      }
      return dumpDir;
    };
    const errorLogs: string[] = [];
    c.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) errorLogs.push(p.message);
    });
    let exit: string | undefined;
    c.process.on('exit', (code, signal) => (exit = `the server exited (code ${code}, signal ${signal})`));

    // memory, sampled while the documents go in; VmHWM is the kernel's own peak
    let maxRss = 0;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, readRss(pid).rss)), 200);

    // what the server has for each target, and which documents made it so
    const current: Record<TargetKey, string> = { ...BASES };
    const lastDoc: Partial<Record<TargetKey, Doc>> = {};
    const textOf = (p: string): string | undefined => {
      for (const key of TARGET_KEYS) if (file(key) === p) return current[key];
      if (p === badBytes) return BAD_BYTES.toString('utf8');
      try {
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    };
    const context = (docs: Doc[]) => {
      const last = TARGET_KEYS.flatMap((k) => (lastDoc[k] ? [lastDoc[k]!] : []));
      const involved = [...new Map([...docs, ...last].map((d) => [d.index, d])).values()];
      return `\n    documents: ${docs.map(describeDoc).join('\n               ')}\n    current texts: ${last.map(describeDoc).join('; ') || 'the bases'}\n    texts written to ${dump(involved)}\n    reproduce: ROBUSTNESS_SEED=${BASE_SEED}${SKIP.size ? ` ROBUSTNESS_SKIP=${[...SKIP].join(',')}` : ''} ROBUSTNESS_ONLY=${involved.map((d) => d.index).join(',')}\n    (a failure that depends on earlier documents: ROBUSTNESS_SEED=${BASE_SEED}${SKIP.size ? ` ROBUSTNESS_SKIP=${[...SKIP].join(',')}` : ''} ROBUSTNESS_COUNT=${Math.max(0, ...involved.map((d) => d.index)) + 1})`;
    };

    /**
     * Sends a request and requires an answer within 10 s. A late answer is a failure but still awaited (up to
     * RECOVERY_MS) so the run can go on; no answer at all ends the run.
     */
    let wedged = false;
    const ask = async <T>(method: string, params: object, docs: Doc[]): Promise<{ ok: boolean; result?: T; ms: number }> => {
      const t0 = Date.now();
      type Outcome = { result: T } | { error: unknown } | 'late' | 'hung';
      const answer: Promise<Outcome> = c.request<T>(method, params).then(
        (result) => ({ result }),
        (error) => ({ error }),
      );
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS)));
      let outcome: Outcome = await Promise.race([answer, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        const recovery = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve('hung'), RECOVERY_MS)));
        outcome = await Promise.race([answer, recovery]);
        clearTimeout(timer);
        const ms = Date.now() - t0;
        if (outcome === 'hung') {
          wedged = true;
          fail(`HANG ${method}`, () => `HANG: ${method} got no answer within ${ms} ms${exit ? ` (${exit})` : ''}${context(docs)}`);
          return { ok: false, ms };
        }
        fail(`SLOW ${method}`, () => `SLOW: ${method} answered after ${ms} ms (limit ${ANSWER_WITHIN_MS} ms)${context(docs)}`);
      }
      const ms = Date.now() - t0;
      if (typeof outcome === 'string') return { ok: false, ms };
      if ('error' in outcome) {
        const error = outcome.error as { code?: number; message?: string };
        if (!DOCUMENTED_ERRORS.has(error.code ?? 0)) {
          fail(`REJECTED ${method} ${error.code}`, () => `REJECTED: ${method} failed with ${error.code ?? ''} ${error.message ?? String(error)}${exit ? ` (${exit})` : ''}${context(docs)}`);
          if (exit) wedged = true;
        }
        return { ok: false, ms };
      }
      return { ok: true, result: outcome.result, ms };
    };
    /** a round trip: the server handles messages in order and analyses before the next one, so this waits for it */
    const sync = (docs: Doc[]) => ask('textDocument/documentSymbol', { textDocument: { uri: 'untitled:sync' } }, docs);

    const send = (d: Doc) => {
      const p = file(d.target);
      if (d.reopen) {
        c.close(p);
        c.open(p, d.text);
      } else c.change(p, d.text);
      current[d.target] = d.text;
      lastDoc[d.target] = d;
    };

    // every target opened with its base text; this is also the baseline of what is right
    for (const key of TARGET_KEYS) c.open(file(key), BASES[key]);
    expect((await sync([])).ok).toBe(true);
    const snapshot = () => new Map([...c.diagnostics].map(([uri, list]) => [uri, list.map(diagnosticKey).sort()]));
    const baseline = snapshot();
    for (const key of TARGET_KEYS) expect(baseline.get(uriOf(file(key))), `the ${key} base text is clean`).toEqual([]);
    expect(baseline.has(uriOf(badBytes)), 'the file with invalid UTF-8 bytes is analysed').toBe(true);

    /** a fresh analysis of the same texts in this process: what the server must publish if its caches are right */
    const oracle = (): Map<string, string[]> | string => {
      try {
        const open = new Map(TARGET_KEYS.map((k) => [file(k), current[k]]));
        // as a server started now would see them: the changelogs on disk, then the open documents over them
        const project = new Project({ folders: [dir] }, diskReader);
        project.setTreeAnalysis((tree) => lintChangelog(tree, { config: RULES_CONFIG }));
        project.discover();
        project.setReader(overlayReader(open));
        for (const [p, text] of open) project.addCandidate(p, text);
        project.reload();
        const out = new Map<string, string[]>();
        for (const [f, findings] of project.findingsByFile()) {
          out.set(uriOf(f), findings.map((x: Finding) => diagnosticKey({ range: x.range, severity: SEVERITIES[x.severity], code: x.rule, message: x.message })).sort());
        }
        return out;
      } catch (error) {
        return (error as Error).stack ?? String(error);
      }
    };

    /**
     * Every published range lies inside its file's text, and the diagnostics are those a fresh analysis gives.
     * A server that analyses after a delay gets three more round trips to catch up before a difference counts.
     */
    const checkDiagnostics = async (docs: Doc[]) => {
      const expected = oracle();
      if (typeof expected === 'string') {
        fail(`ANALYSIS THROWS ${expected.split('\n').slice(0, 2).join(' ')}`, () => `ANALYSIS THROWS (the server's reload fails the same way, and keeps stale diagnostics): ${expected.split('\n').slice(0, 8).join('\n      ')}${context(docs)}`);
      }
      let problem: { category: string; message: () => string } | undefined;
      for (let attempt = 0; attempt < 4; attempt++) {
        if (attempt > 0) {
          await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
          if (!(await sync(docs)).ok) return;
        }
        problem = undefined;
        for (const [uri, list] of c.diagnostics) {
          const p = URI.parse(uri).fsPath;
          const text = textOf(p);
          const lengths = text === undefined ? undefined : lineLengths(text);
          for (const d of list) {
            const what = rangeProblem(d.range, lengths) ?? (!d.message ? 'empty message' : undefined) ?? (![1, 2, 3, 4].includes(d.severity ?? 0) ? `severity ${d.severity}` : undefined);
            if (what) {
              problem = { category: `WRONG DIAGNOSTIC ${p} ${what.split(' ')[0]}`, message: () => `WRONG DIAGNOSTIC in ${path.relative(dir, p)}: ${what}: ${JSON.stringify(d).slice(0, 300)}${context(docs)}` };
              break;
            }
          }
          if (problem) break;
        }
        if (!problem && typeof expected !== 'string') {
          const got = snapshot();
          for (const uri of new Set([...expected.keys(), ...got.keys()])) {
            const want = expected.get(uri) ?? [];
            const have = got.get(uri) ?? [];
            if (JSON.stringify(want) === JSON.stringify(have)) continue;
            if ([...want, ...have].some((x) => STACK_DEPENDENT.test(x))) continue;
            const missing = want.filter((x) => !have.includes(x));
            const extra = have.filter((x) => !want.includes(x));
            problem = {
              category: `STALE ${uri}`,
              message: () =>
                `STALE/WRONG DIAGNOSTICS for ${path.relative(dir, URI.parse(uri).fsPath)}: a fresh analysis of the same texts differs` +
                `\n    missing: ${missing.slice(0, 3).join('\n             ') || '-'}\n    extra:   ${extra.slice(0, 3).join('\n             ') || '-'}${context(docs)}`,
            };
            break;
          }
        }
        if (!problem) return;
      }
      if (problem) fail(problem.category, problem.message);
    };

    /** documentSymbol, hover and documentLink on the target of the last document, and workspace/symbol */
    const checkRequests = async (r: Rng, docs: Doc[]) => {
      const key = docs.length ? docs[docs.length - 1].target : r.pick(TARGET_KEYS);
      const uri = uriOf(file(key));
      const text = current[key];
      const lengths = lineLengths(text);
      const bad = (what: string, detail: string) => fail(`WRONG ANSWER ${what} ${detail.replace(/[\d:]+/g, '').slice(0, 40)}`, () => `WRONG ANSWER to ${what} on ${TARGET_FILES[key]}: ${detail}${context(docs)}`);

      const symbols = await ask<any[]>('textDocument/documentSymbol', { textDocument: { uri } }, docs);
      if (symbols.ok) {
        if (!Array.isArray(symbols.result)) bad('documentSymbol', `not a list: ${JSON.stringify(symbols.result)?.slice(0, 200)}`);
        else {
          const walk = (list: any[], depth: number): string | undefined => {
            for (const s of list) {
              // VS Code throws away the whole outline for a nameless symbol or a selectionRange outside the range
              if (typeof s.name !== 'string' || !s.name.trim()) return `symbol without a name: ${JSON.stringify(s).slice(0, 200)}`;
              const problem = rangeProblem(s.range, lengths) ?? rangeProblem(s.selectionRange, lengths);
              if (problem) return `${s.name}: ${problem}`;
              if (!contains(s.range, s.selectionRange)) return `${s.name}: selectionRange ${JSON.stringify(s.selectionRange)} is not inside range ${JSON.stringify(s.range)}`;
              const inner = walk(s.children ?? [], depth + 1);
              if (inner) return inner;
            }
            return undefined;
          };
          const problem = walk(symbols.result, 0);
          if (problem) bad('documentSymbol', problem);
        }
      }

      // hover where it has something to say (a changeset header) or anywhere, even past the end of a line
      const headers = [...text.matchAll(/changeSet:|--changeset|id: |author: /g)];
      let position: Position;
      if (headers.length && r.chance(0.7)) {
        const at = r.pick(headers).index! + r.int(4);
        const lines = text.slice(0, at).split(/\r\n|\r|\n/);
        position = { line: lines.length - 1, character: lines[lines.length - 1].length };
      } else {
        const line = r.int(lengths.length + 1);
        position = { line, character: r.int((lengths[line] ?? 0) + 3) };
      }
      const hover = await ask<any>('textDocument/hover', { textDocument: { uri }, position }, docs);
      if (hover.ok && hover.result !== null) {
        const h = hover.result;
        if (!h || !h.contents) bad('hover', `no contents: ${JSON.stringify(h)?.slice(0, 200)}`);
        else if (h.range) {
          const problem = rangeProblem(h.range, lengths);
          if (problem) bad('hover', `${problem} at ${JSON.stringify(position)}`);
          else if (!contains(h.range, { start: position, end: position })) bad('hover', `range ${JSON.stringify(h.range)} does not hold the position ${JSON.stringify(position)}`);
        }
      }

      const links = await ask<any[]>('textDocument/documentLink', { textDocument: { uri } }, docs);
      if (links.ok) {
        if (!Array.isArray(links.result)) bad('documentLink', `not a list: ${JSON.stringify(links.result)?.slice(0, 200)}`);
        else {
          for (const l of links.result) {
            const problem = rangeProblem(l.range, lengths) ?? (typeof l.target !== 'string' || !l.target.startsWith('file:') ? `target ${JSON.stringify(l.target)}` : undefined);
            if (problem) {
              bad('documentLink', problem);
              break;
            }
          }
        }
      }

      const query = r.pick(['', 'robust', '1', 'bomb', '\ufffd', 'é😀', 'zzzz-nothing', '${', '\0']);
      const all = await ask<any[]>('workspace/symbol', { query }, docs);
      if (all.ok) {
        if (!Array.isArray(all.result)) bad('workspace/symbol', `not a list: ${JSON.stringify(all.result)?.slice(0, 200)}`);
        else {
          for (const s of all.result) {
            const symbolPath = s.location?.uri ? URI.parse(s.location.uri).fsPath : '';
            const t = textOf(symbolPath);
            const problem =
              (typeof s.name !== 'string' || !s.name ? 'symbol without a name' : undefined) ??
              (!s.location?.uri?.startsWith('file:') ? `location ${JSON.stringify(s.location)}` : undefined) ??
              rangeProblem(s.location.range, t === undefined ? undefined : lineLengths(t));
            if (problem) {
              bad('workspace/symbol', `${problem}: ${JSON.stringify(s).slice(0, 200)}`);
              break;
            }
          }
        }
      }
    };

    // ---- the run ----
    const makeDoc = documentMaker(BASE_SEED, SKIP);
    const indices = ONLY ? [...ONLY].sort((a, b) => a - b) : Array.from({ length: COUNT }, (_, i) => i);
    const kindsSeen = new Map<string, number>();
    const slowest: { ms: number; docs: string }[] = [];
    let sent = 0;
    let burst: Doc[] = [];
    let logsSeen = 0;
    /** RSS after every 1,000 documents: a plateau is fine, a steady climb is a leak */
    const rssTimeline: number[] = [];
    for (let n = 0; n < indices.length && !wedged; n++) {
      const d = makeDoc(indices[n]);
      for (const k of d.kinds) kindsSeen.set(k, (kindsSeen.get(k) ?? 0) + 1);
      send(d);
      burst.push(d);
      sent++;
      const last = n === indices.length - 1;
      if (burst.length < BURST && !last && !ONLY) continue;
      const round = await sync(burst);
      slowest.push({ ms: round.ms, docs: burst.map(describeDoc).join(', ') });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
      if (exit) {
        fail('CRASH', () => `CRASH: ${exit}\n    stderr: ${c.stderr.slice(-2000)}${context(burst)}`);
        break;
      }
      if (errorLogs.length > logsSeen) {
        fail(`ERROR LOGGED ${errorLogs[logsSeen].split('\n').slice(0, 2).join(' ')}`, () => `ERROR LOGGED by the server: ${errorLogs[logsSeen].split('\n').slice(0, 8).join('\n      ')}${context(burst)}`);
        logsSeen = errorLogs.length;
      }
      if (round.ok && (sent % CHECK_EVERY < BURST || ONLY || last)) {
        await checkDiagnostics(burst);
        await checkRequests(rng(d.seed ^ 0xc0ffee), burst);
      }
      burst = [];
      if (sent % 1000 === 0) rssTimeline.push(readRss(pid).rss);
      if (Date.now() - started > SEND_BUDGET_MS) {
        fail('TOO SLOW', () => `TOO SLOW: only ${sent} of ${indices.length} documents were analysed in ${SEND_BUDGET_MS / 1000} s`);
        break;
      }
    }

    // ---- still alive, and still right ----
    let finalMs = -1;
    if (!wedged && !exit) {
      for (const key of TARGET_KEYS) c.change(file(key), BASES[key]);
      const errorLine = FORMATTED_BASE.split('\n').length + 1; // the base ends with a line break, then a blank line and the header
      const withError = `${FORMATTED_BASE}\n--changeset robust:13\nSELEC 1;\n`;
      c.change(file('formatted'), withError);
      current.yaml = BASES.yaml;
      current.sqlfile = BASES.sqlfile;
      current.formatted = withError;
      const expectedError = { start: { line: errorLine, character: 0 }, end: { line: errorLine, character: 5 } };
      const round = await sync([]);
      finalMs = round.ms;
      if (round.ok) {
        const errors = (c.diagnostics.get(uriOf(file('formatted'))) ?? []).filter((x) => x.code === 'sql-syntax');
        if (errors.length !== 1 || JSON.stringify(errors[0].range) !== JSON.stringify(expectedError) || !/SELEC/.test(String(errors[0].message))) {
          fail('FINAL error', () => `FINAL: expected one sql-syntax error at ${JSON.stringify(expectedError)} about "SELEC", got ${JSON.stringify(errors)}`);
        }
        // the rest must be exactly what the server said before the run
        const now = snapshot();
        for (const [uri, want] of baseline) {
          const have = uri === uriOf(file('formatted')) ? (now.get(uri) ?? []).filter((x) => !x.includes('"sql-syntax"')) : now.get(uri) ?? [];
          if (JSON.stringify(have) !== JSON.stringify(want)) {
            fail(`FINAL ${uri}`, () => `FINAL: diagnostics of ${path.relative(dir, URI.parse(uri).fsPath)} differ from before the run\n    before: ${want.join('\n            ')}\n    after:  ${have.join('\n            ')}`);
          }
        }
        await checkDiagnostics([]);
        await checkRequests(rng(BASE_SEED), []);
        const symbols = await ask<any[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(file('yaml')) } }, []);
        const names = (symbols.result ?? []).map((s: any) => s.name);
        if (names.length !== 4) fail('FINAL outline', () => `FINAL: the YAML outline should list its 4 changesets, got ${JSON.stringify(names)}`);
      }
    }

    clearInterval(sampler);
    const { rss, hwm } = readRss(pid);
    maxRss = Math.max(maxRss, rss, hwm);
    const alive = c.process.exitCode === null && c.process.signalCode === null;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        `robustness: ${sent} documents (seed ${hex(BASE_SEED)}) in ${seconds} s (final valid document analysed in ${finalMs} ms); server max RSS ${(maxRss / 1024 ** 2).toFixed(0)} MB; alive: ${alive}`,
        `mutations: ${[...kindsSeen].map(([k, v]) => `${k} ${v}`).join(', ')}`,
        `server RSS every 1,000 documents (MB): ${rssTimeline.map((b) => (b / 1024 ** 2).toFixed(0)).join(', ')}`,
        `slowest bursts: ${slowest.map((s) => `${s.ms} ms`).join(', ')}`,
        ...slowest.slice(0, 2).map((s) => `  ${s.ms} ms: ${s.docs.slice(0, 600)}`),
        ...(failures.length ? [`${failures.length} failure(s) shown:`, ...failures.map((f) => `- ${f}`)] : []),
        ...[...failureCounts].filter(([, n]) => n > 3).map(([k, n]) => `(${n} failures of kind ${k.slice(0, 120)}, first 3 shown)`),
      ].join('\n'),
    );

    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(alive, exit ?? 'the server process is alive').toBe(true);
    expect(maxRss, 'the server stays under 1.5 GB').toBeLessThan(MAX_RSS_BYTES);
  }, 400_000);
});
