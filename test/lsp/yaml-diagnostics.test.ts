// Structural diagnostics of YAML changelogs, as a client sees them: syntax, unknown keys and change types,
// missing identity, duplicate identities across the include tree, missing files, swallowed changesets.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brief, makeProject, messageOf, nonEmpty, range, removeProject, Severity, startServer, textAt } from './helpers';
import type { LspClient } from './lsp-client';

const files: Record<string, string> = {
  'syntax/bad-indent.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: indent-1',
    '      author: alice',
    '     changes:',
    '        - sql: SELECT 1',
    '',
  ].join('\n'),
  'syntax/unclosed-flow.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: flow-1',
    '      author: alice',
    '      labels: [core, api',
    '      changes:',
    '        - sql: SELECT 1',
    '',
  ].join('\n'),
  'typos.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: typos-1',
    '      author: alice',
    '      runOnChnage: true',
    '      changes:',
    '        - createTable:',
    '            tableNmae: customers',
    '            columns:',
    '              - column:',
    '                  name: id',
    '                  type: int',
    '        - createTabel:',
    '            tableName: orders',
    '            columns:',
    '              - column:',
    '                  name: id',
    '                  type: int',
    '',
  ].join('\n'),
  'identity.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      author: alice',
    '      changes:',
    '        - sql: SELECT 1',
    '  - changeSet:',
    '      id: no-author',
    '      changes:',
    '        - sql: SELECT 2',
    '',
  ].join('\n'),
  // two files with the same id/author are two changesets; the same file included twice is the same one twice
  'dup/root.yaml': [
    'databaseChangeLog:',
    '  - include:',
    '      file: v1/changes.yaml',
    '      relativeToChangelogFile: true',
    '  - include:',
    '      file: v2/changes.yaml',
    '      relativeToChangelogFile: true',
    '',
  ].join('\n'),
  'dup/v1/changes.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: "1"\n      author: alice\n      changes:\n        - sql: SELECT 1\n',
  'dup/v2/changes.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: "1"\n      author: alice\n      changes:\n        - sql: SELECT 1\n',
  'dup-twice/root.yaml': [
    'databaseChangeLog:',
    '  - include:',
    '      file: part.yaml',
    '      relativeToChangelogFile: true',
    '  - include:',
    '      file: ./part.yaml',
    '      relativeToChangelogFile: true',
    '',
  ].join('\n'),
  'dup-twice/part.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: p1\n      author: alice\n      changes:\n        - sql: SELECT 1\n',
  'dup-logical/root.yaml': [
    'databaseChangeLog:',
    '  - include:',
    '      file: a.yaml',
    '      relativeToChangelogFile: true',
    '  - include:',
    '      file: b.yaml',
    '      relativeToChangelogFile: true',
    '',
  ].join('\n'),
  'dup-logical/a.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: same\n      author: alice\n      logicalFilePath: shared.yaml\n      changes:\n        - sql: SELECT 1\n',
  'dup-logical/b.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: same\n      author: alice\n      logicalFilePath: shared.yaml\n      changes:\n        - sql: SELECT 2\n',
  // the same, with the changelog-level `- logicalFilePath:` entry
  'dup-file-logical/root.yaml': [
    'databaseChangeLog:',
    '  - include:',
    '      file: a.yaml',
    '      relativeToChangelogFile: true',
    '  - include:',
    '      file: b.yaml',
    '      relativeToChangelogFile: true',
    '',
  ].join('\n'),
  'dup-file-logical/a.yaml': 'databaseChangeLog:\n  - logicalFilePath: shared.yaml\n  - changeSet:\n      id: same\n      author: alice\n      changes:\n        - sql: SELECT 1\n',
  'dup-file-logical/b.yaml': 'databaseChangeLog:\n  - logicalFilePath: shared.yaml\n  - changeSet:\n      id: same\n      author: alice\n      changes:\n        - sql: SELECT 2\n',
  'dup-one-file.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: twice',
    '      author: alice',
    '      changes:',
    '        - sql: SELECT 1',
    '  - changeSet:',
    '      id: twice',
    '      author: alice',
    '      changes:',
    '        - sql: SELECT 2',
    '  - changeSet:',
    '      id: twice',
    '      author: bob',
    '      changes:',
    '        - sql: SELECT 3',
    '',
  ].join('\n'),
  'missing-files.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: m1',
    '      author: alice',
    '      changes:',
    '        - sqlFile:',
    '            path: sql/no-such-file-4711.sql',
    '            relativeToChangelogFile: true',
    '  - include:',
    '      file: no-such-changelog-4711.yaml',
    '',
  ].join('\n'),
  'swallowed.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: s1',
    '      author: alice',
    '      changes:',
    '        - sql:',
    '            sql: |',
    '              CREATE TABLE a (id int);',
    '              - changeSet:',
    '                  id: s2',
    '                  author: alice',
    '                  changes:',
    '                    - sql: CREATE TABLE b (id int);',
    '',
  ].join('\n'),
  'clean.yaml': [
    'databaseChangeLog:',
    '  - changeSet:',
    '      id: clean-1',
    '      author: alice',
    '      changes:',
    '        - createTable:',
    '            tableName: t',
    '            columns:',
    '              - column:',
    '                  name: id',
    '                  type: int',
    '',
  ].join('\n'),
};

let dir: string;
let client: LspClient;
const file = (name: string) => path.join(dir, name);
const diagnosticsOf = (name: string) => client.waitForDiagnostics(file(name), nonEmpty);

beforeAll(async () => {
  dir = makeProject(files);
  ({ client } = await startServer(dir));
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) removeProject(dir);
});

describe('YAML changelog diagnostics', () => {
  it('publishes an empty list for a valid changelog that nobody has opened', async () => {
    expect(await client.waitForDiagnostics(file('clean.yaml'))).toEqual([]);
  });

  it('reports a mis-indented mapping key on the line where the indentation goes wrong', async () => {
    const d = await diagnosticsOf('syntax/bad-indent.yaml');
    expect(d.map(brief)).toEqual([
      { range: range(4, 0, 4, 1), severity: Severity.Error, code: 'yaml-syntax', message: 'All mapping items must start at the same column' },
      // the parser recovers by reading `changes` as a sibling of `changeSet`, which the structure check then names
      {
        range: range(4, 5, 4, 12),
        severity: Severity.Warning,
        code: 'unknown-key',
        message: "Unknown changelog entry 'changes'; Liquibase ignores it. Did you mean 'changeSet'?",
      },
    ]);
  });

  it('reports an unclosed flow sequence where the next key shows it was never closed', async () => {
    const d = await diagnosticsOf('syntax/unclosed-flow.yaml');
    expect(d.map(brief)).toEqual([
      {
        range: range(5, 6, 5, 7),
        severity: Severity.Error,
        code: 'yaml-syntax',
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('underlines the misspelt changeSet attribute and change parameter with a did-you-mean', async () => {
    const d = await diagnosticsOf('typos.yaml');
    const text = files['typos.yaml'];
    const attribute = d.find((x) => messageOf(x).includes('runOnChnage'))!;
    expect(brief(attribute)).toEqual({
      range: range(4, 6, 4, 17),
      severity: Severity.Warning,
      code: 'unknown-key',
      message: "Unknown changeSet attribute 'runOnChnage'; Liquibase ignores it. Did you mean 'runOnChange'?",
    });
    expect(textAt(text, attribute.range)).toBe('runOnChnage');
    const parameter = d.find((x) => messageOf(x).includes('tableNmae'))!;
    expect(brief(parameter)).toEqual({
      range: range(7, 12, 7, 21),
      severity: Severity.Warning,
      code: 'unknown-key',
      message: "'tableNmae' is not a parameter of createTable; Liquibase ignores it. Did you mean 'tableName'?",
    });
    expect(textAt(text, parameter.range)).toBe('tableNmae');
  });

  it('says the createTable whose tableName is misspelt lacks its required tableName', async () => {
    const d = await diagnosticsOf('typos.yaml');
    const missing = d.filter((x) => x.code === 'missing-parameter');
    expect(missing.map(brief)).toEqual([
      { range: range(6, 10, 6, 21), severity: Severity.Error, code: 'missing-parameter', message: "createTable requires 'tableName'." },
    ]);
    expect(textAt(files['typos.yaml'], missing[0].range)).toBe('createTable');
  });

  it('underlines the misspelt change type with a did-you-mean', async () => {
    const d = await diagnosticsOf('typos.yaml');
    const unknown = d.filter((x) => x.code === 'unknown-change-type');
    expect(unknown.map(brief)).toEqual([
      { range: range(12, 10, 12, 21), severity: Severity.Error, code: 'unknown-change-type', message: "Unknown change type 'createTabel'. Did you mean 'createTable'?" },
    ]);
    expect(textAt(files['typos.yaml'], unknown[0].range)).toBe('createTabel');
    expect(d).toHaveLength(4);
  });

  it('reports a changeSet without id and one without author on their changeSet keys', async () => {
    const d = await diagnosticsOf('identity.yaml');
    expect(d.map(brief)).toEqual([
      { range: range(1, 4, 1, 13), severity: Severity.Error, code: 'missing-id', message: 'This changeSet has no `id`; Liquibase requires one.' },
      { range: range(5, 4, 5, 13), severity: Severity.Error, code: 'missing-author', message: 'This changeSet has no `author`; Liquibase requires one.' },
    ]);
  });

  it('does not call two changesets with the same id and author in two different included files duplicates', async () => {
    expect(await client.waitForDiagnostics(file('dup/root.yaml'))).toEqual([]);
    expect(await client.waitForDiagnostics(file('dup/v1/changes.yaml'))).toEqual([]);
    expect(await client.waitForDiagnostics(file('dup/v2/changes.yaml'))).toEqual([]);
  });

  it('reports a changeset reached twice when the same file is included twice under two spellings', async () => {
    const d = await diagnosticsOf('dup-twice/part.yaml');
    expect(d.map(brief)).toEqual([
      {
        range: range(2, 10, 2, 12),
        severity: Severity.Error,
        code: 'duplicate-changeset',
        message:
          'Duplicate changeset identity part.yaml::p1::alice: also defined at part.yaml:2. Liquibase refuses the changelog (validation failed: duplicate identifiers).',
      },
    ]);
  });

  it('reports two files whose changesets share a logicalFilePath, id and author, on the later one', async () => {
    const d = await diagnosticsOf('dup-logical/b.yaml');
    expect(d.map(brief)).toEqual([
      {
        range: range(2, 10, 2, 14),
        severity: Severity.Error,
        code: 'duplicate-changeset',
        message:
          'Duplicate changeset identity shared.yaml::same::alice: also defined at a.yaml:2. Liquibase refuses the changelog (validation failed: duplicate identifiers).',
      },
    ]);
    expect(await client.waitForDiagnostics(file('dup-logical/a.yaml'))).toEqual([]);
  });

  it('reports two files that declare the same changelog-level logicalFilePath and the same id and author', async () => {
    const d = await diagnosticsOf('dup-file-logical/b.yaml');
    expect(d.map(brief)).toEqual([
      {
        range: range(3, 10, 3, 14),
        severity: Severity.Error,
        code: 'duplicate-changeset',
        message:
          'Duplicate changeset identity shared.yaml::same::alice: also defined at a.yaml:3. Liquibase refuses the changelog (validation failed: duplicate identifiers).',
      },
    ]);
  });

  it('reports the same id and author twice in one file on the second id, and not the same id by another author', async () => {
    const d = await diagnosticsOf('dup-one-file.yaml');
    expect(d.map(brief)).toEqual([
      {
        range: range(7, 10, 7, 15),
        severity: Severity.Error,
        code: 'duplicate-changeset',
        message:
          'Duplicate changeset identity dup-one-file.yaml::twice::alice: also defined at dup-one-file.yaml:2. Liquibase refuses the changelog (validation failed: duplicate identifiers).',
      },
    ]);
  });

  it('underlines the path of a sqlFile and of an include whose file does not exist', async () => {
    const d = await diagnosticsOf('missing-files.yaml');
    const text = files['missing-files.yaml'];
    expect(d.map(brief)).toEqual([
      {
        range: range(6, 18, 6, 43),
        severity: Severity.Error,
        code: 'missing-file',
        message: "SQL file 'sql/no-such-file-4711.sql' not found next to missing-files.yaml.",
      },
      {
        range: range(9, 12, 9, 39),
        severity: Severity.Error,
        code: 'missing-file',
        message: "Included file 'no-such-changelog-4711.yaml' not found relative to the changelog or any folder above it.",
      },
    ]);
    expect(textAt(text, d[0].range)).toBe('sql/no-such-file-4711.sql');
    expect(textAt(text, d[1].range)).toBe('no-such-changelog-4711.yaml');
  });

  it('points at a `- changeSet:` that a `sql: |` block swallowed because of its indentation', async () => {
    const d = await diagnosticsOf('swallowed.yaml');
    const swallowed = d.filter((x) => x.code === 'yaml-swallowed-changeset' && messageOf(x).includes("'- changeSet:'"));
    expect(swallowed.map(brief)).toEqual([
      {
        range: range(8, 14, 8, 26),
        severity: Severity.Error,
        code: 'yaml-swallowed-changeset',
        message:
          "This '- changeSet:' is inside the SQL block above it (its indentation makes it part of the text), so Liquibase will run it as SQL instead of reading it as a changeSet. Indent it like the other entries.",
      },
    ]);
    expect(textAt(files['swallowed.yaml'], swallowed[0].range)).toBe('- changeSet:');
    // and the SQL it became does not parse, from its first character
    expect(d.filter((x) => x.code === 'sql-syntax').map(brief)).toEqual([
      { range: range(8, 14, 8, 15), severity: Severity.Error, code: 'sql-syntax', message: 'Syntax error at or near "-"' },
    ]);
  });

  // Known bug (server/src/changelog/yaml-scalar.ts): in a `|` block, the extra indentation of a more-indented line
  // is mapped to the first columns of the file line, so a finding that starts in it starts at column 0.
  it('points at a swallowed `- sql:` change from its dash, not from the start of the line', async () => {
    const d = await diagnosticsOf('swallowed.yaml');
    const inner = d.find((x) => x.code === 'yaml-swallowed-changeset' && messageOf(x).includes("'- sql:'"))!;
    expect(inner.range).toEqual(range(12, 20, 12, 51));
  });
});
