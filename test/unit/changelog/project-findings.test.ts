// Project.findingsByFile: a file shared by two trees reports each of its problems once, by what the finding says
// (file, rule, message) and where it starts. What a finding says is kept on the finding (the editor's lint hands
// back the same finding objects after an edit); a finding changed in place must be compared by what it says now.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../server/src/changelog/model';
import { Project } from '../../../server/src/changelog/project';
import { initSqlParser } from '../../../server/src/sql/statements';

let dir: string;
let shared: string;

beforeAll(() => initSqlParser());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgcs-project-findings-'));
  shared = join(dir, 'shared.yaml');
  writeFileSync(shared, 'databaseChangeLog:\n  - changeSet:\n      id: s\n      author: a\n      changes:\n        - sql:\n            sql: SELECT 1;\n');
  for (const root of ['a', 'b']) writeFileSync(join(dir, `${root}.changelog.yaml`), 'databaseChangeLog:\n  - include:\n      file: shared.yaml\n      relativeToChangelogFile: true\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (line: number, character = 0) => ({ start: { line, character }, end: { line, character: character + 1 } });
const finding = (message: string, line: number, character = 0): Finding => ({ rule: 'test-rule', severity: 'warning', message, file: shared, range: at(line, character) });

/** a project of the two trees, whose tree analysis gives the findings `perTree` makes for each tree */
function projectWith(perTree: () => Finding[]): Project {
  const project = new Project({ folders: [dir] });
  project.discover();
  project.setTreeAnalysis(() => perTree());
  project.reload();
  expect(project.allTrees()).toHaveLength(2);
  return project;
}

const messages = (project: Project) => (project.findingsByFile().get(shared) ?? []).map((f) => `${f.message}@${f.range.start.line}:${f.range.start.character}`);

describe('Project.findingsByFile', () => {
  it('reports a finding of a file shared by two trees once, and the same words said at other places at each', () => {
    const project = projectWith(() => [finding('once', 1), finding('thrice', 1), finding('thrice', 2), finding('thrice', 2, 4), finding('once', 1)]);
    expect(messages(project)).toEqual(['once@1:0', 'thrice@1:0', 'thrice@2:0', 'thrice@2:4']);
  });

  it('compares a finding changed in place by what it says now', () => {
    const moving = finding('first words', 3);
    const other = finding('second words', 3);
    const project = projectWith(() => [moving, other]);
    expect(messages(project)).toEqual(['first words@3:0', 'second words@3:0']);
    moving.message = 'second words';
    expect(messages(project)).toEqual(['second words@3:0']);
    moving.rule = 'another-rule';
    expect(messages(project)).toEqual(['second words@3:0', 'second words@3:0']);
  });
});
