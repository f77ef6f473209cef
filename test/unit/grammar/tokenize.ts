/**
 * Tokenizes text with the same engine VS Code uses (vscode-textmate + the
 * Oniguruma WebAssembly build), so the tests see exactly the scopes the
 * editor would produce for syntaxes/liquibase-sql.tmLanguage.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const requireFromHere = createRequire(__filename);

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const GRAMMAR_PATH = path.join(REPO_ROOT, 'syntaxes', 'liquibase-sql.tmLanguage.json');
export const LANGUAGE_CONFIGURATION_PATH = path.join(REPO_ROOT, 'syntaxes', 'language-configuration.json');

export const LIQUIBASE_SCOPE = 'source.sql.liquibase';

/** Language ids as VS Code would hand them to vscode-textmate (any distinct numbers do). */
export const LANGUAGE_ID = { liquibaseSql: 1, sql: 2 } as const;

/**
 * A small stand-in for VS Code's SQL grammar (scope `source.sql`): keywords,
 * strings, numbers, `--` line comments and block comments. Its `--` comment
 * rule is built like VS Code's (a zero-width begin that can fire at the very
 * start of a line), so it competes with the directive rules exactly as the
 * real one does.
 */
export const STUB_SQL_GRAMMAR = {
  scopeName: 'source.sql',
  name: 'SQL (test stub)',
  patterns: [
    { include: '#comments' },
    { include: '#strings' },
    {
      match:
        '(?i)\\b(select|insert|into|values|update|set|delete|from|where|and|or|in|is|not|null|create|replace|table|view|index|' +
        'concurrently|drop|alter|add|column|comment|on|function|returns|trigger|language|begin|end|declare|return|before|after|' +
        'for|each|row|execute|as|primary|key|unique|references|count)\\b',
      name: 'keyword.other.sql',
    },
    { match: '\\b[0-9]+\\b', name: 'constant.numeric.sql' },
  ],
  repository: {
    comments: {
      patterns: [
        {
          begin: '(^[ \\t]+)?(?=--)',
          beginCaptures: { 1: { name: 'punctuation.whitespace.comment.leading.sql' } },
          end: '(?!\\G)',
          patterns: [
            {
              begin: '--',
              beginCaptures: { 0: { name: 'punctuation.definition.comment.sql' } },
              end: '\\n',
              name: 'comment.line.double-dash.sql',
            },
          ],
        },
        {
          begin: '/\\*',
          end: '\\*/',
          captures: { 0: { name: 'punctuation.definition.comment.sql' } },
          name: 'comment.block.c',
        },
      ],
    },
    strings: {
      patterns: [
        {
          begin: "'",
          end: "'",
          name: 'string.quoted.single.sql',
          patterns: [{ match: "''", name: 'constant.character.escape.sql' }],
        },
      ],
    },
  },
};

/** VS Code's own SQL grammar (extensions/sql/syntaxes/sql.tmLanguage.json), as shipped in the `tm-grammars` package. */
export function vscodeSqlGrammar(): object {
  return JSON.parse(readFileSync(requireFromHere.resolve('tm-grammars/grammars/sql.json'), 'utf8'));
}

let onigLib: Promise<vsctm.IOnigLib> | undefined;

export function loadOnigLib(): Promise<vsctm.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = readFileSync(requireFromHere.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(new Uint8Array(wasm).buffer);
    return {
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    };
  })();
  return onigLib;
}

export interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

export interface TokenizedLine {
  text: string;
  tokens: Token[];
  /** VS Code's per-token language ids (from tokenizeLine2), start offset -> language id */
  languages: { start: number; languageId: number }[];
}

export interface Tokenizer {
  tokenize(text: string): TokenizedLine[];
}

/** Loads the Liquibase grammar with the given grammar for `source.sql` behind it. */
export async function createTokenizer(sqlGrammar: object): Promise<Tokenizer> {
  const registry = new vsctm.Registry({
    onigLib: loadOnigLib(),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === LIQUIBASE_SCOPE) {
        return vsctm.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
      }
      if (scopeName === 'source.sql') {
        return vsctm.parseRawGrammar(JSON.stringify(sqlGrammar), 'sql.json');
      }
      return null;
    },
  });
  // the same embeddedLanguages mapping package.json contributes
  const grammar = await registry.loadGrammarWithConfiguration(LIQUIBASE_SCOPE, LANGUAGE_ID.liquibaseSql, {
    embeddedLanguages: { 'meta.embedded.sql': LANGUAGE_ID.sql },
  });
  if (!grammar) throw new Error(`grammar ${LIQUIBASE_SCOPE} did not load`);

  return {
    tokenize(text: string): TokenizedLine[] {
      let state = vsctm.INITIAL;
      let state2 = vsctm.INITIAL;
      const out: TokenizedLine[] = [];
      for (const line of text.split(/\r?\n/)) {
        const r = grammar.tokenizeLine(line, state);
        const r2 = grammar.tokenizeLine2(line, state2);
        state = r.ruleStack;
        state2 = r2.ruleStack;
        const languages: { start: number; languageId: number }[] = [];
        for (let i = 0; i < r2.tokens.length; i += 2) {
          // bits 0-7 of the encoded metadata are the language id (vscode-textmate's EncodedTokenAttributes)
          languages.push({ start: r2.tokens[i], languageId: r2.tokens[i + 1] & 0xff });
        }
        out.push({
          text: line,
          tokens: r.tokens.map((t) => ({
            text: line.slice(t.startIndex, t.endIndex),
            start: t.startIndex,
            end: t.endIndex,
            scopes: t.scopes,
          })),
          languages,
        });
      }
      return out;
    },
  };
}

/** The token that starts where `needle` first occurs (after `from`) in the line. */
export function tokenAt(line: TokenizedLine, needle: string, from = 0): Token {
  const at = line.text.indexOf(needle, from);
  if (at < 0) throw new Error(`"${needle}" not in line: ${line.text}`);
  const tok = line.tokens.find((t) => t.start <= at && at < t.end);
  if (!tok) throw new Error(`no token at ${at} in line: ${line.text}`);
  return tok;
}

/** Language id VS Code would report at the first character of `needle`. */
export function languageAt(line: TokenizedLine, needle: string): number {
  const at = line.text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" not in line: ${line.text}`);
  let id = 0;
  for (const l of line.languages) if (l.start <= at) id = l.languageId;
  return id;
}

export function allScopes(line: TokenizedLine): string[] {
  return line.tokens.flatMap((t) => t.scopes);
}

/** Every regex (match/begin/end/while) in a grammar, with the JSON path it sits at. */
export function grammarRegexes(node: unknown, at = '$'): { path: string; source: string }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => grammarRegexes(n, `${at}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const out: { path: string; source: string }[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (['match', 'begin', 'end', 'while'].includes(k) && typeof v === 'string') out.push({ path: `${at}.${k}`, source: v });
    else out.push(...grammarRegexes(v, `${at}.${k}`));
  }
  return out;
}

export function compileOniguruma(source: string): void {
  const scanner = new oniguruma.OnigScanner([source]);
  scanner.dispose();
}
