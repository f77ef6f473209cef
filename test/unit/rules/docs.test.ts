// The rules' meta is the one source of their docs: the README table and docs/rules/<id>.md are generated from it.
// `npm run docs` rewrites them (UPDATE_DOCS=1); this test fails when they are out of date.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { README_END, README_START, ruleDocMarkdown, ruleTableMarkdown } from '../../../server/src/rules/docs';
import { RULES } from '../../../server/src/rules/registry';

const repo = nodePath.resolve(__dirname, '../../..');
const update = process.env.UPDATE_DOCS === '1';

describe('rule docs', () => {
  it('every rule has a unique kebab-case id and complete docs', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { meta } of RULES) {
      expect(meta.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      for (const field of [meta.title, meta.docs.why, meta.docs.instead, meta.docs.bad, meta.docs.good]) expect(field.trim().length, meta.id).toBeGreaterThan(10);
    }
  });

  it('every rule has its table test beside the others', () => {
    for (const { meta } of RULES) expect(fs.existsSync(nodePath.join(__dirname, `${meta.id}.test.ts`)), `test/unit/rules/${meta.id}.test.ts`).toBe(true);
  });

  it("the README's rule table is generated from the meta", () => {
    const readmePath = nodePath.join(repo, 'README.md');
    const readme = fs.readFileSync(readmePath, 'utf8');
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    expect(start, 'README has the rules markers').toBeGreaterThanOrEqual(0);
    const generated = `${README_START}\n${ruleTableMarkdown()}\n${README_END}`;
    const current = readme.slice(start, end + README_END.length);
    if (update && current !== generated) fs.writeFileSync(readmePath, readme.slice(0, start) + generated + readme.slice(end + README_END.length));
    else expect(current, 'run `npm run docs`').toBe(generated);
  });

  it('docs/rules/<id>.md is generated from the meta, one page per rule and no stale pages', () => {
    const folder = nodePath.join(repo, 'docs', 'rules');
    if (update) {
      fs.mkdirSync(folder, { recursive: true });
      for (const name of fs.readdirSync(folder)) if (!RULES.some((r) => `${r.meta.id}.md` === name)) fs.rmSync(nodePath.join(folder, name));
      for (const rule of RULES) fs.writeFileSync(nodePath.join(folder, `${rule.meta.id}.md`), ruleDocMarkdown(rule));
    }
    expect(fs.readdirSync(folder).sort(), 'run `npm run docs`').toEqual(RULES.map((r) => `${r.meta.id}.md`).sort());
    for (const rule of RULES) expect(fs.readFileSync(nodePath.join(folder, `${rule.meta.id}.md`), 'utf8'), `docs/rules/${rule.meta.id}.md: run \`npm run docs\``).toBe(ruleDocMarkdown(rule));
  });
});
