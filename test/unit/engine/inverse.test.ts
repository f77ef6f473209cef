import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog, overlayReader } from '../../../server/src/changelog/load';
import type { Change, Changeset } from '../../../server/src/changelog/model';
import { changeClassName, generateSql } from '../../../server/src/engine/generate';
import { inverseOf } from '../../../server/src/engine/inverse';
import { initSqlParser } from '../../../server/src/sql/statements';

const fixture = join(__dirname, '../../fixtures/golden/03-yaml-builtin-changes');
const context = { defaultSchema: 'public' };
const commands = readFileSync(join(fixture, 'commands.txt'), 'utf8');

/** the statements a `-- Rolling Back ChangeSet: <key>` section of commands.txt printed, up to the DATABASECHANGELOG delete */
function rolledBack(key: string, section: string): string[] {
  const start = commands.indexOf(section);
  const header = commands.indexOf(`-- Rolling Back ChangeSet: ${key}\n`, start);
  const body = commands.slice(commands.indexOf('\n', header) + 1, commands.indexOf('DELETE FROM public.databasechangelog ', header));
  return body
    .split(/;\n\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** what Liquibase runs for a changeset without a rollback block: each change's inverse, last change first */
function derivedRollback(changeset: Changeset): string[] | string {
  const out: string[] = [];
  for (const change of [...changeset.changes].reverse()) {
    const inverse = inverseOf(change);
    if (inverse === undefined) return `No inverse to liquibase.change.core.${changeClassName(change.type)} created`;
    for (const undo of inverse) out.push(...generateSql(undo, context));
  }
  return out;
}

let changesets: Changeset[];

beforeAll(async () => {
  await initSqlParser();
  changesets = loadChangelog(join(fixture, 'changelog.yaml'), { searchPath: [fixture] }).changesets;
});

describe('derived rollbacks equal what Liquibase 4.28 did in 03-yaml-builtin-changes', () => {
  it('rolls back changeset 8 with DROP INDEX then DROP COLUMN, as rollback-count-sql printed', () => {
    const expected = rolledBack('changelog.yaml::8::dave', '### rollback-count-sql 1');
    expect(expected).toEqual(['DROP INDEX public.orders_note_idx', 'ALTER TABLE public.orders DROP COLUMN note']);
    expect(derivedRollback(changesets.find((c) => c.id === '8') as Changeset)).toEqual(expected);
  });

  it('cannot roll back changeset 6 because insert has no inverse, with Liquibase\'s exact message', () => {
    const reason = /Exception Primary Reason: {2}(.*)/.exec(commands)?.[1];
    expect(reason).toBe('No inverse to liquibase.change.core.InsertDataChange created');
    expect(derivedRollback(changesets.find((c) => c.id === '6') as Changeset)).toBe(reason);
  });

  it('derives an inverse for every other changeset except the one holding sql and the ones dropping things', () => {
    const results = changesets.map((c) => (c.rollback.kind === 'none' ? derivedRollback(c) : 'has a rollback block'));
    expect(results).toEqual([
      ['DROP TABLE public.customer'],
      ['DROP TABLE public.orders'],
      'No inverse to liquibase.change.core.DropColumnChange created',
      ['DROP INDEX public.customer_display_name_uidx', 'DROP INDEX public.orders_customer_status_idx'],
      ['ALTER TABLE public.customer ALTER COLUMN  display_name DROP NOT NULL'],
      'No inverse to liquibase.change.core.InsertDataChange created',
      'has a rollback block',
      ['DROP INDEX public.orders_note_idx', 'ALTER TABLE public.orders DROP COLUMN note'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

function changeOf(yamlChange: string): Change {
  const file = '/virtual/changelog.yaml';
  const text = `databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: t\n      changes:\n${yamlChange
    .trim()
    .split('\n')
    .map((l) => '        ' + l)
    .join('\n')}\n`;
  return loadChangelog(file, { searchPath: ['/virtual'], reader: overlayReader(new Map([[file, text]])) }).changesets[0].changes[0];
}

function undo(yamlChange: string): string[] | undefined {
  const inverse = inverseOf(changeOf(yamlChange));
  return inverse?.flatMap((c) => generateSql(c, context));
}

const inverses: [string, string, string[]][] = [
  ['createTable is undone by dropTable', `- createTable: {schemaName: s, tableName: t, columns: [{column: {name: a, type: int}}]}`, ['DROP TABLE s.t']],
  [
    'addColumn drops the defaults it added, then the columns',
    `- addColumn: {tableName: t, columns: [{column: {name: a, type: int, defaultValueNumeric: 1}}, {column: {name: b, type: int}}]}`,
    ['ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT', 'ALTER TABLE public.t DROP COLUMN a', 'ALTER TABLE public.t DROP COLUMN b'],
  ],
  ['renameColumn is renamed back', `- renameColumn: {tableName: t, oldColumnName: a, newColumnName: b}`, ['ALTER TABLE public.t RENAME COLUMN b TO a']],
  ['renameTable is renamed back', `- renameTable: {oldTableName: a, newTableName: b}`, ['ALTER TABLE public.b RENAME TO a']],
  ['renameView is renamed back, without its schema', `- renameView: {schemaName: s, oldViewName: a, newViewName: b}`, ['ALTER TABLE public.b RENAME TO a']],
  ['renameSequence is renamed back', `- renameSequence: {schemaName: s, oldSequenceName: a, newSequenceName: b}`, ['ALTER SEQUENCE s.b RENAME TO a']],
  ['createIndex is undone by dropIndex', `- createIndex: {tableName: t, indexName: i, columns: [{column: {name: a}}]}`, ['DROP INDEX public.i']],
  [
    'addForeignKeyConstraint is undone by dropForeignKeyConstraint',
    `- addForeignKeyConstraint: {baseTableName: c, baseColumnNames: p_id, referencedTableName: p, referencedColumnNames: id, constraintName: fk}`,
    ['ALTER TABLE public.c DROP CONSTRAINT fk'],
  ],
  ['addUniqueConstraint is undone by dropUniqueConstraint', `- addUniqueConstraint: {tableName: t, columnNames: a, constraintName: uq}`, ['ALTER TABLE public.t DROP CONSTRAINT uq']],
  ['addPrimaryKey is undone by dropPrimaryKey', `- addPrimaryKey: {tableName: t, columnNames: a, constraintName: pk}`, ['ALTER TABLE public.t DROP CONSTRAINT pk']],
  ['createView is undone by dropView', `- createView: {viewName: v, selectQuery: SELECT 1}`, ['DROP VIEW public.v']],
  ['createSequence is undone by dropSequence', `- createSequence: {sequenceName: s}`, ['DROP SEQUENCE public.s CASCADE']],
  ['addNotNullConstraint is undone by dropNotNullConstraint', `- addNotNullConstraint: {tableName: t, columnName: a, defaultNullValue: x}`, ['ALTER TABLE public.t ALTER COLUMN  a DROP NOT NULL']],
  ['dropNotNullConstraint is undone by addNotNullConstraint', `- dropNotNullConstraint: {tableName: t, columnName: a}`, ['ALTER TABLE public.t ALTER COLUMN  a SET NOT NULL']],
  ['addDefaultValue is undone by dropDefaultValue', `- addDefaultValue: {tableName: t, columnName: a, defaultValue: x}`, ['ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT']],
  [
    'addLookupTable drops the foreign key, then the lookup table',
    `- addLookupTable: {existingTableName: address, existingColumnName: state, newTableName: state, newColumnName: code}`,
    ['ALTER TABLE public.address DROP CONSTRAINT FK_ADDRESS_STATE', 'DROP TABLE public.state'],
  ],
  ['tagDatabase rolls back with nothing to run', `- tagDatabase: {tag: v1}`, []],
  ['output rolls back with nothing to run', `- output: {message: hi}`, []],
  ['empty rolls back with nothing to run', `- empty: {}`, []],
];

describe('inverses follow Liquibase 4.28 createInverses', () => {
  for (const [name, yaml, expected] of inverses) {
    it(name, () => {
      expect(undo(yaml)).toEqual(expected);
    });
  }

  const none: [string, string][] = [
    ['sql', `- sql: SELECT 1`],
    ['insert', `- insert: {tableName: t, columns: [{column: {name: a, value: x}}]}`],
    ['update', `- update: {tableName: t, columns: [{column: {name: a, value: x}}]}`],
    ['delete', `- delete: {tableName: t}`],
    ['dropTable', `- dropTable: {tableName: t}`],
    ['dropColumn', `- dropColumn: {tableName: t, columnName: a}`],
    ['dropIndex', `- dropIndex: {indexName: i}`],
    ['modifyDataType', `- modifyDataType: {tableName: t, columnName: a, newDataType: int}`],
    ['dropDefaultValue', `- dropDefaultValue: {tableName: t, columnName: a}`],
    ['addAutoIncrement', `- addAutoIncrement: {tableName: t, columnName: a}`],
    ['mergeColumns', `- mergeColumns: {tableName: t, column1Name: a, column2Name: b, finalColumnName: c, finalColumnType: text}`],
  ];
  for (const [type, yaml] of none) {
    it(`has no inverse for ${type}, so the rollback fails with "No inverse to liquibase.change.core.${changeClassName(type)} created"`, () => {
      const change = changeOf(yaml);
      expect(change.type).toBe(type);
      expect(inverseOf(change)).toBeUndefined();
    });
  }

  it('keeps the original change positions on the inverse changes', () => {
    const change = changeOf(`- createIndex: {tableName: t, indexName: i, columns: [{column: {name: a}}]}`);
    const [inverse] = inverseOf(change) ?? [];
    expect(inverse.type).toBe('dropIndex');
    expect(inverse.range).toEqual(change.range);
    expect(Object.keys(inverse.params).sort()).toEqual(['indexName', 'tableName']);
  });
});
