import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog, overlayReader } from '../../../server/src/changelog/load';
import type { Change, Changeset } from '../../../server/src/changelog/model';
import { changeClassName, GenerateError, generateSql, StopChangeError } from '../../../server/src/engine/generate';
import { initSqlParser } from '../../../server/src/sql/statements';

const fixture = join(__dirname, '../../fixtures/golden/03-yaml-builtin-changes');
const context = { defaultSchema: 'public' };

/** `-- Changeset <file>::<id>::<author>` → the statements Liquibase printed for it (without `;`) */
function goldenStatements(updateSql: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const blocks = updateSql.split(/^-- Changeset /m).slice(1);
  for (const block of blocks) {
    const key = block.slice(0, block.indexOf('\n'));
    const body = block.slice(block.indexOf('\n') + 1, block.indexOf('INSERT INTO public.databasechangelog '));
    const statements = body
      .split(/;\n\n/)
      .map((s) => s.replace(/^(--[^\n]*\n)+/, '').trim())
      .filter((s) => s !== '' && !s.startsWith('SET SEARCH_PATH TO '));
    out.set(key, statements);
  }
  return out;
}

function sqlOf(changeset: Changeset): string[] {
  return changeset.changes.flatMap((change) => generateSql(change, context));
}

let changesets: Changeset[];
const golden = goldenStatements(readFileSync(join(fixture, 'update-sql.txt'), 'utf8'));

beforeAll(async () => {
  await initSqlParser();
  changesets = loadChangelog(join(fixture, 'changelog.yaml'), { searchPath: [fixture] }).changesets;
});

describe('generated SQL equals what Liquibase 4.28 printed in update-sql for 03-yaml-builtin-changes', () => {
  it('finds the eight changesets in update-sql.txt', () => {
    expect([...golden.keys()]).toEqual(changesets.map((c) => `${c.logicalPath}::${c.id}::${c.author}`));
  });
  for (const key of golden.keys()) {
    it(`generates exactly the statements of changeset ${key}`, () => {
      const changeset = changesets.find((c) => `${c.logicalPath}::${c.id}::${c.author}` === key);
      expect(changeset).toBeDefined();
      expect(sqlOf(changeset as Changeset)).toEqual(golden.get(key));
    });
  }
  it('generates the explicit rollback block of changeset 7 as rollback-sql --tag printed it', () => {
    const changeset = changesets.find((c) => c.id === '7') as Changeset;
    expect(changeset.rollback.kind).toBe('changes');
    const changes = changeset.rollback.kind === 'changes' ? changeset.rollback.changes : [];
    expect(changes.flatMap((c) => generateSql(c, context))).toEqual(['CREATE UNIQUE INDEX customer_display_name_uidx ON public.customer(display_name)']);
  });
});

/** the text update-sql printed for each changeset: after its SET SEARCH_PATH, up to its DATABASECHANGELOG insert */
function printedBlocks(updateSql: string): Map<string, string> {
  const out = new Map<string, string>();
  const setPath = 'SET SEARCH_PATH TO public, "$user","public";\n\n';
  for (const block of updateSql.split(/^-- Changeset /m).slice(1)) {
    const key = block.slice(0, block.indexOf('\n'));
    out.set(key, block.slice(block.indexOf(setPath) + setPath.length, block.indexOf('INSERT INTO public.databasechangelog ')).trim());
  }
  return out;
}

/** what update-sql prints for a changeset: each statement and its delimiter (unless it already ends with it) */
function printed(changeset: Changeset): string {
  return changeset.changes
    .flatMap((change) => {
      const delimiter = (change.sql?.endDelimiter ?? ';').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      return generateSql(change, context).map((s) => (s.endsWith(delimiter) ? s : s + delimiter));
    })
    .join('\n\n');
}

describe('every changeset of the golden cases 01, 03 and 04 prints what Liquibase 4.28 printed', () => {
  const cases: [string, string][] = [
    ['01-yaml-sql', 'changelog.yaml'],
    ['03-yaml-builtin-changes', 'changelog.yaml'],
    ['04-include-includeall', 'db/changelog.yaml'],
  ];
  for (const [folder, root] of cases) {
    const dir = join(__dirname, '../../fixtures/golden', folder);
    const blocks = printedBlocks(readFileSync(join(dir, 'update-sql.txt'), 'utf8'));
    it(`prints each changeset of ${folder} as update-sql did`, () => {
      const loaded = loadChangelog(join(dir, root), { searchPath: [dir] }).changesets;
      expect(loaded.map((c) => `${c.logicalPath}::${c.id}::${c.author}`)).toEqual([...blocks.keys()]);
      for (const changeset of loaded) {
        expect({ changeset: changeset.id, sql: printed(changeset) }).toEqual({ changeset: changeset.id, sql: blocks.get(`${changeset.logicalPath}::${changeset.id}::${changeset.author}`) });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Own cases, expected SQL written from the Liquibase 4.28 generators' semantics

/** the changes of a one-changeset YAML changelog, loaded by the real loader */
function changesOf(yamlChanges: string): Change[] {
  const file = '/virtual/changelog.yaml';
  const text = `databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: t\n      changes:\n${yamlChanges
    .trim()
    .split('\n')
    .map((l) => '        ' + l)
    .join('\n')}\n`;
  const changelog = loadChangelog(file, { searchPath: ['/virtual'], reader: overlayReader(new Map([[file, text]])) });
  return changelog.changesets[0].changes;
}

function sql(yamlChanges: string, ctx: { defaultSchema?: string; objectQuotingStrategy?: string } = context): string[] {
  return changesOf(yamlChanges).flatMap((c) => generateSql(c, ctx));
}

const cases: [string, string, string[]][] = [
  // createTable
  [
    'createTable writes every column type through the PostgreSQL type mapping',
    `- createTable:
    tableName: t
    columns:
      - column: {name: a, type: int}
      - column: {name: b, type: integer}
      - column: {name: c, type: bigint}
      - column: {name: d, type: smallint}
      - column: {name: e, type: tinyint}
      - column: {name: f, type: boolean}
      - column: {name: g, type: datetime}
      - column: {name: h, type: timestamp}
      - column: {name: i, type: uuid}
      - column: {name: j, type: text}
      - column: {name: k, type: clob}
      - column: {name: l, type: blob}
      - column: {name: m, type: currency}
      - column: {name: nn, type: double}
      - column: {name: o, type: float}
      - column: {name: p, type: 'number(10,2)'}
      - column: {name: q, type: 'numeric(5)'}
      - column: {name: r, type: date}
      - column: {name: s, type: time}
      - column: {name: u, type: java.sql.Types.VARCHAR(40)}
      - column: {name: v, type: jsonb}
      - column: {name: w, type: 'varchar'}
      - column: {name: x, type: binary}
      - column: {name: yy, type: timestamptz}
      - column: {name: z, type: 'timestamp(3)'}`,
    [
      'CREATE TABLE public.t (a INTEGER, b INTEGER, c BIGINT, d SMALLINT, e SMALLINT, f BOOLEAN, g TIMESTAMP WITHOUT TIME ZONE, ' +
        'h TIMESTAMP WITHOUT TIME ZONE, i UUID, j TEXT, k TEXT, l OID, m DECIMAL, nn DOUBLE PRECISION, o FLOAT, p numeric(10, 2), ' +
        'q numeric(5), r date, s time WITHOUT TIME ZONE, u VARCHAR(40), v JSONB, w VARCHAR, x BYTEA, yy TIMESTAMP WITH TIME ZONE, ' +
        'z TIMESTAMP(3) WITHOUT TIME ZONE)',
    ],
  ],
  [
    'createTable gives each autoIncrement integer type an identity clause, with startWith and incrementBy',
    `- createTable:
    tableName: t
    columns:
      - column: {name: a, type: int, autoIncrement: true}
      - column: {name: b, type: smallint, autoIncrement: true, startWith: 100}
      - column: {name: c, type: bigint, autoIncrement: true, startWith: 5, incrementBy: 10}
      - column: {name: d, type: serial}
      - column: {name: e, type: bigint, autoIncrement: true, incrementBy: 2, generationType: ALWAYS}`,
    [
      'CREATE TABLE public.t (a INTEGER GENERATED BY DEFAULT AS IDENTITY, b SMALLINT GENERATED BY DEFAULT AS IDENTITY (START WITH 100), ' +
        'c BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 5 INCREMENT BY 10), d INTEGER GENERATED BY DEFAULT AS IDENTITY, ' +
        'e BIGINT GENERATED ALWAYS AS IDENTITY (INCREMENT BY 2))',
    ],
  ],
  [
    'createTable writes every defaultValue variant for its column type',
    `- createTable:
    tableName: t
    columns:
      - column: {name: a, type: varchar(10), defaultValue: "it's"}
      - column: {name: b, type: int, defaultValueNumeric: 42}
      - column: {name: c, type: 'decimal(5,2)', defaultValueNumeric: 1.50}
      - column: {name: d, type: boolean, defaultValueBoolean: false}
      - column: {name: e, type: date, defaultValueDate: '2024-02-29'}
      - column: {name: f, type: timestamp, defaultValueDate: '2024-02-29T10:11:12'}
      - column: {name: g, type: timestamp, defaultValueComputed: now()}
      - column: {name: h, type: bigint, defaultValueSequenceNext: seq_h}
      - column: {name: i, type: int, defaultValueNumeric: 'abs(-1)'}
      - column: {name: j, type: text, defaultValue: ''}`,
    [
      "CREATE TABLE public.t (a VARCHAR(10) DEFAULT 'it''s', b INTEGER DEFAULT 42, c DECIMAL(5, 2) DEFAULT 1.5, d BOOLEAN DEFAULT FALSE, " +
        "e date DEFAULT '2024-02-29', f TIMESTAMP WITHOUT TIME ZONE DEFAULT '2024-02-29 10:11:12', g TIMESTAMP WITHOUT TIME ZONE DEFAULT NOW(), " +
        "h BIGINT DEFAULT nextval('public.seq_h'), i INTEGER DEFAULT abs(-1), j TEXT DEFAULT '')",
    ],
  ],
  [
    'createTable names a primary key <table>_pkey, combines named unique constraints and writes FKs by referencedTableName',
    `- createTable:
    tableName: child
    tablespace: fast
    columns:
      - column: {name: a, type: int, constraints: {primaryKey: true}}
      - column: {name: b, type: int, constraints: {primaryKey: true}}
      - column: {name: c, type: int, constraints: {unique: true, uniqueConstraintName: uq_cd}}
      - column: {name: d, type: int, constraints: {unique: true, uniqueConstraintName: uq_cd}}
      - column: {name: e, type: int, constraints: {unique: true}}
      - column:
          name: f
          type: int
          constraints: {foreignKeyName: fk_f, referencedTableName: parent, referencedColumnNames: id, deleteCascade: true, deferrable: true, initiallyDeferred: true}`,
    [
      'CREATE TABLE public.child (a INTEGER NOT NULL, b INTEGER NOT NULL, c INTEGER, d INTEGER, e INTEGER, f INTEGER, ' +
        'CONSTRAINT child_pkey PRIMARY KEY (a, b), CONSTRAINT fk_f FOREIGN KEY (f) REFERENCES public.parent(id) ON DELETE CASCADE INITIALLY DEFERRED DEFERRABLE, ' +
        'UNIQUE (e), CONSTRAINT uq_cd UNIQUE (c, d)) TABLESPACE fast',
    ],
  ],
  [
    'createTable turns remarks into COMMENT ON statements, table first',
    `- createTable:
    tableName: t
    remarks: "  Bob's table "
    columns:
      - column: {name: a, type: int, remarks: first}
      - column: {name: b, type: int}
      - column: {name: c, type: int, remarks: third}`,
    [
      'CREATE TABLE public.t (a INTEGER, b INTEGER, c INTEGER)',
      "COMMENT ON TABLE public.t IS 'Bob''s table'",
      "COMMENT ON COLUMN public.t.a IS 'first'",
      "COMMENT ON COLUMN public.t.c IS 'third'",
    ],
  ],
  [
    'createTable quotes mixed-case, reserved and non-word names and keeps lower-case names bare',
    `- createTable:
    schemaName: App
    tableName: Order
    columns:
      - column: {name: user, type: int}
      - column: {name: camelCase, type: int}
      - column: {name: with space, type: int}
      - column: {name: 2nd, type: int}
      - column: {name: dash-name, type: int}
      - column: {name: UPPER, type: int}`,
    ['CREATE TABLE "App"."Order" ("user" INTEGER, "camelCase" INTEGER, "with space" INTEGER, "2nd" INTEGER, "dash-name" INTEGER, UPPER INTEGER)'],
  ],
  ['createTable leaves names unqualified when there is no default schema', `- createTable: {tableName: t, columns: [{column: {name: a, type: int}}]}`, []],
  [
    'createTable keeps the additional words of a timestamp type as written, as Liquibase does on PostgreSQL',
    `- createTable:
    tableName: t
    columns:
      - column: {name: a, type: timestamp with time zone}
      - column: {name: b, type: timestamp (3) with time zone}
      - column: {name: c, type: time with time zone}
      - column: {name: d, type: 'character varying(20)'}
      - column: {name: e, type: double precision}
      - column: {name: f, type: 'text[]'}
      - column: {name: g, type: java.sql.Types.TIMESTAMP_WITH_TIMEZONE}`,
    [
      'CREATE TABLE public.t (a TIMESTAMP with time zone, b TIMESTAMP(3) with time zone, c time WITH TIME ZONE, d VARCHAR(20), ' +
        'e DOUBLE PRECISION, f TEXT[], g TIMESTAMP WITH TIME ZONE)',
    ],
  ],
  // addColumn and friends
  [
    'addColumn adds each column with its constraints, then sets values, then comments',
    `- addColumn:
    tableName: t
    columns:
      - column: {name: a, type: int, defaultValueNumeric: 0, constraints: {nullable: false}}
      - column: {name: b, type: varchar(5), value: x, constraints: {nullable: false}}
      - column: {name: c, type: bigint, autoIncrement: true, constraints: {primaryKey: true}}
      - column: {name: d, type: int, remarks: dee, constraints: {unique: true, uniqueConstraintName: uq_d, references: other(id), foreignKeyName: fk_d, deleteCascade: true}}`,
    [
      'ALTER TABLE public.t ADD a INTEGER DEFAULT 0 NOT NULL',
      'ALTER TABLE public.t ADD b VARCHAR(5)',
      'ALTER TABLE public.t ADD c BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY',
      'ALTER TABLE public.t ADD d INTEGER',
      'ALTER TABLE public.t ADD CONSTRAINT uq_d UNIQUE (d)',
      'ALTER TABLE public.t ADD CONSTRAINT fk_d FOREIGN KEY (d) REFERENCES public.other (id) ON DELETE CASCADE',
      "UPDATE public.t SET b = 'x'",
      'ALTER TABLE public.t ALTER COLUMN  b SET NOT NULL',
      "COMMENT ON COLUMN public.t.d IS 'dee'",
    ],
  ],
  ['dropColumn drops one column', `- dropColumn: {tableName: t, columnName: a}`, ['ALTER TABLE public.t DROP COLUMN a']],
  [
    'dropColumn drops many columns, one statement each',
    `- dropColumn: {tableName: t, columns: [{column: {name: a}}, {column: {name: b}}]}`,
    ['ALTER TABLE public.t DROP COLUMN a', 'ALTER TABLE public.t DROP COLUMN b'],
  ],
  ['renameColumn renames in place', `- renameColumn: {schemaName: s, tableName: t, oldColumnName: a, newColumnName: b}`, ['ALTER TABLE s.t RENAME COLUMN a TO b']],
  ['renameTable keeps the new name unqualified', `- renameTable: {oldTableName: a, newTableName: b}`, ['ALTER TABLE public.a RENAME TO b']],
  ['dropTable adds CASCADE for cascadeConstraints', `- dropTable: {tableName: t, cascadeConstraints: true}`, ['DROP TABLE public.t CASCADE']],
  ['dropTable without cascadeConstraints', `- dropTable: {tableName: t}`, ['DROP TABLE public.t']],
  [
    'modifyDataType converts with a USING cast',
    `- modifyDataType: {tableName: t, columnName: a, newDataType: 'varchar(20)'}`,
    ['ALTER TABLE public.t ALTER COLUMN a TYPE VARCHAR(20) USING (a::VARCHAR(20))'],
  ],
  [
    'addNotNullConstraint without defaultNullValue only sets NOT NULL',
    `- addNotNullConstraint: {tableName: t, columnName: a}`,
    ['ALTER TABLE public.t ALTER COLUMN  a SET NOT NULL'],
  ],
  [
    'addNotNullConstraint on a boolean column fills nulls with the boolean literal as a string',
    `- addNotNullConstraint: {tableName: t, columnName: a, columnDataType: boolean, defaultNullValue: 'true'}`,
    ["UPDATE public.t SET a = 'TRUE' WHERE a IS NULL", 'ALTER TABLE public.t ALTER COLUMN  a SET NOT NULL'],
  ],
  ['dropNotNullConstraint drops NOT NULL', `- dropNotNullConstraint: {tableName: t, columnName: a}`, ['ALTER TABLE public.t ALTER COLUMN  a DROP NOT NULL']],
  ['addDefaultValue quotes a string default', `- addDefaultValue: {tableName: t, columnName: a, defaultValue: "o'k"}`, ["ALTER TABLE public.t ALTER COLUMN  a SET DEFAULT 'o''k'"]],
  ['addDefaultValue writes a numeric default as parsed', `- addDefaultValue: {tableName: t, columnName: a, defaultValueNumeric: '2.50'}`, ['ALTER TABLE public.t ALTER COLUMN  a SET DEFAULT 2.5']],
  ['addDefaultValue writes a boolean default', `- addDefaultValue: {tableName: t, columnName: a, defaultValueBoolean: true}`, ['ALTER TABLE public.t ALTER COLUMN  a SET DEFAULT TRUE']],
  [
    'addDefaultValue writes a date default as a literal',
    `- addDefaultValue: {tableName: t, columnName: a, defaultValueDate: '2024-01-02T03:04:05'}`,
    ["ALTER TABLE public.t ALTER COLUMN  a SET DEFAULT '2024-01-02 03:04:05'"],
  ],
  [
    'addDefaultValue maps CURRENT_TIMESTAMP to NOW()',
    `- addDefaultValue: {tableName: t, columnName: a, defaultValueComputed: CURRENT_TIMESTAMP}`,
    ['ALTER TABLE public.t ALTER COLUMN  a SET DEFAULT NOW()'],
  ],
  [
    'addDefaultValue with a sequence also makes the column own it',
    `- addDefaultValue: {tableName: t, columnName: id, defaultValueSequenceNext: t_seq}`,
    ["ALTER TABLE public.t ALTER COLUMN  id SET DEFAULT nextval('public.t_seq')", 'ALTER SEQUENCE public.t_seq OWNED BY public.t.id'],
  ],
  ['dropDefaultValue drops the default', `- dropDefaultValue: {tableName: t, columnName: a}`, ['ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT']],
  // indexes and constraints
  [
    'createIndex writes unique, descending and function columns, never schema-qualifying the index name',
    `- createIndex:
    tableName: t
    indexName: t_idx
    unique: true
    columns:
      - column: {name: a, descending: true}
      - column: {name: lower(b)}`,
    ['CREATE UNIQUE INDEX t_idx ON public.t(a DESC, lower(b))'],
  ],
  ['dropIndex qualifies the index with the schema', `- dropIndex: {tableName: t, indexName: t_idx}`, ['DROP INDEX public.t_idx']],
  [
    'addForeignKeyConstraint writes ON UPDATE, ON DELETE, DEFERRABLE, INITIALLY DEFERRED and NOT VALID',
    `- addForeignKeyConstraint:
    baseTableName: child
    baseColumnNames: a, b
    referencedTableName: parent
    referencedColumnNames: x, y
    constraintName: fk
    onUpdate: RESTRICT
    onDelete: SET NULL
    deferrable: true
    initiallyDeferred: true
    validate: false`,
    ['ALTER TABLE public.child ADD CONSTRAINT fk FOREIGN KEY (a, b) REFERENCES public.parent (x, y) ON UPDATE RESTRICT ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED NOT VALID'],
  ],
  [
    'addForeignKeyConstraint takes deleteCascade as ON DELETE CASCADE',
    `- addForeignKeyConstraint: {baseTableName: c, baseColumnNames: p_id, referencedTableName: p, referencedColumnNames: id, constraintName: fk, deleteCascade: true}`,
    ['ALTER TABLE public.c ADD CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES public.p (id) ON DELETE CASCADE'],
  ],
  ['dropForeignKeyConstraint drops the constraint', `- dropForeignKeyConstraint: {baseTableName: c, constraintName: fk}`, ['ALTER TABLE public.c DROP CONSTRAINT fk']],
  [
    'addUniqueConstraint writes DEFERRABLE, INITIALLY DEFERRED and the index tablespace',
    `- addUniqueConstraint: {tableName: t, columnNames: 'a, b', constraintName: uq, deferrable: true, initiallyDeferred: true, tablespace: ts}`,
    ['ALTER TABLE public.t ADD CONSTRAINT uq UNIQUE (a, b) DEFERRABLE INITIALLY DEFERRED USING INDEX TABLESPACE ts'],
  ],
  ['addUniqueConstraint without a name', `- addUniqueConstraint: {tableName: t, columnNames: a}`, ['ALTER TABLE public.t ADD UNIQUE (a)']],
  ['dropUniqueConstraint drops the constraint', `- dropUniqueConstraint: {tableName: t, constraintName: uq}`, ['ALTER TABLE public.t DROP CONSTRAINT uq']],
  ['addPrimaryKey with a name', `- addPrimaryKey: {tableName: t, columnNames: 'a,b', constraintName: pk_t}`, ['ALTER TABLE public.t ADD CONSTRAINT pk_t PRIMARY KEY (a, b)']],
  ['addPrimaryKey without a name', `- addPrimaryKey: {tableName: t, columnNames: a}`, ['ALTER TABLE public.t ADD PRIMARY KEY (a)']],
  ['dropPrimaryKey with a name', `- dropPrimaryKey: {tableName: t, constraintName: pk_t}`, ['ALTER TABLE public.t DROP CONSTRAINT pk_t']],
  [
    'dropPrimaryKey without a name looks the constraint up in a DO block',
    `- dropPrimaryKey: {tableName: Items}`,
    [
      'DO $$ DECLARE constraint_name varchar;\nBEGIN\n  SELECT tc.CONSTRAINT_NAME into strict constraint_name\n    FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc\n' +
        "    WHERE CONSTRAINT_TYPE = 'PRIMARY KEY'\n      AND TABLE_NAME = 'Items' AND TABLE_SCHEMA = 'public';\n" +
        `    EXECUTE 'alter table public."Items" drop constraint "' || constraint_name || '"';\nEND $$;`,
    ],
  ],
  // views and sequences
  ['createView prefixes CREATE VIEW … AS', `- createView: {viewName: v, selectQuery: '  SELECT 1 AS one  '}`, ['CREATE VIEW public.v AS SELECT 1 AS one']],
  [
    'createView with replaceIfExists uses CREATE OR REPLACE and comments the view',
    `- createView: {viewName: v, replaceIfExists: true, selectQuery: SELECT a FROM t, remarks: the view}`,
    ['CREATE OR REPLACE VIEW public.v AS SELECT a FROM t', "COMMENT ON VIEW public.v IS 'the view'"],
  ],
  [
    'createView with fullDefinition and replaceIfExists replaces the CREATE of the definition',
    `- createView: {viewName: v, fullDefinition: true, replaceIfExists: true, selectQuery: create view v as select 1}`,
    ['CREATE OR REPLACE view v as select 1'],
  ],
  ['dropView with ifExists', `- dropView: {viewName: v, ifExists: true}`, ['DROP VIEW IF EXISTS public.v']],
  ['dropView', `- dropView: {viewName: v}`, ['DROP VIEW public.v']],
  ['renameView renames through ALTER TABLE', `- renameView: {oldViewName: a, newViewName: b}`, ['ALTER TABLE public.a RENAME TO b']],
  [
    'createSequence writes IF NOT EXISTS (with Liquibase\'s double space) and each option',
    `- createSequence: {sequenceName: s, dataType: bigint, startValue: 10, incrementBy: 2, minValue: 1, maxValue: 1000, cacheSize: 5, cycle: true}`,
    ['CREATE SEQUENCE  IF NOT EXISTS public.s AS bigint START WITH 10 INCREMENT BY 2 MINVALUE 1 MAXVALUE 1000 CACHE 5 CYCLE'],
  ],
  ['createSequence with no options', `- createSequence: {sequenceName: s}`, ['CREATE SEQUENCE  IF NOT EXISTS public.s']],
  [
    'alterSequence writes each option',
    `- alterSequence: {sequenceName: s, incrementBy: 5, minValue: 0, maxValue: 99, cacheSize: 3, cycle: false}`,
    ['ALTER SEQUENCE public.s INCREMENT BY 5 MINVALUE 0 MAXVALUE 99 CACHE 3 NO CYCLE'],
  ],
  ['dropSequence cascades', `- dropSequence: {sequenceName: s}`, ['DROP SEQUENCE public.s CASCADE']],
  ['renameSequence', `- renameSequence: {oldSequenceName: a, newSequenceName: b}`, ['ALTER SEQUENCE public.a RENAME TO b']],
  // data
  [
    'insert writes every value kind',
    `- insert:
    tableName: t
    columns:
      - column: {name: s, value: "it's ✓"}
      - column: {name: num, valueNumeric: 12.5}
      - column: {name: b, valueBoolean: true}
      - column: {name: d, valueDate: '2024-05-06'}
      - column: {name: ts, valueDate: '2024-05-06T07:08:09.120'}
      - column: {name: c, valueComputed: upper('x')}
      - column: {name: q, valueSequenceNext: seq}
      - column: {name: z}
      - column: {name: now, value: now()}`,
    ["INSERT INTO public.t (s, num, b, d, ts, c, q, z, now) VALUES ('it''s ✓', 12.5, TRUE, '2024-05-06', '2024-05-06 07:08:09.12', upper('x'), nextval('public.seq'), NULL, now())"],
  ],
  [
    'update sets the columns and fills where placeholders from whereParams',
    `- update:
    tableName: t
    columns:
      - column: {name: a, value: x}
      - column: {name: b, valueNumeric: 3}
    where: ":name = :value AND c > ?"
    whereParams:
      - param: {name: id, valueNumeric: 7}
      - param: {value: "o'k"}`,
    ["UPDATE public.t SET a = 'x', b = 3 WHERE id = 7 AND c > 'o''k'"],
  ],
  [
    'insert and update write an unquoted YAML date (a java.util.Date) differently, as their generators do',
    `- insert: {tableName: t, columns: [{column: {name: d, valueDate: 2024-01-02}}, {column: {name: s, value: 2024-01-02}}]}
- update: {tableName: t, columns: [{column: {name: d, valueDate: 2024-01-02}}]}`,
    ["INSERT INTO public.t (d, s) VALUES ('2024-01-02 00:00:00', 'Tue Jan 02 00:00:00 UTC 2024')", "UPDATE public.t SET d = '2024-01-02'"],
  ],
  ['delete with a where clause', `- delete: {tableName: t, where: "  a = 1  "}`, ['DELETE FROM public.t WHERE a = 1']],
  ['delete without a where clause', `- delete: {tableName: t}`, ['DELETE FROM public.t']],
  // no SQL
  ['tagDatabase runs no SQL', `- tagDatabase: {tag: v1}`, []],
  ['output runs no SQL', `- output: {message: hi}`, []],
  ['empty runs no SQL', `- empty: {}`, []],
  // remarks, auto increment, lookup, merge
  ['setTableRemarks comments the table', `- setTableRemarks: {tableName: t, remarks: "x'y"}`, ["COMMENT ON TABLE public.t IS 'x''y'"]],
  ['setColumnRemarks comments the column', `- setColumnRemarks: {tableName: t, columnName: a, remarks: note}`, ["COMMENT ON COLUMN public.t.a IS 'note'"]],
  [
    'addAutoIncrement creates and attaches a sequence named after the column',
    `- addAutoIncrement: {tableName: Items, columnName: id, columnDataType: int, startWith: 10, incrementBy: 1}`,
    [
      'CREATE SEQUENCE  IF NOT EXISTS public."Items_id_seq" START WITH 10 INCREMENT BY 1',
      'ALTER TABLE public."Items" ALTER COLUMN  id SET NOT NULL',
      `ALTER TABLE public."Items" ALTER COLUMN  id SET DEFAULT nextval('public."Items_id_seq"')`,
      'ALTER SEQUENCE public."Items_id_seq" OWNED BY public."Items".id',
    ],
  ],
  [
    'addLookupTable creates, constrains and references the lookup table',
    `- addLookupTable: {existingTableName: address, existingColumnName: state, newTableName: state, newColumnName: code, newColumnDataType: 'char(2)'}`,
    [
      'CREATE TABLE public.state AS SELECT DISTINCT state AS code FROM public.address WHERE state IS NOT NULL',
      'ALTER TABLE public.state ALTER COLUMN  code SET NOT NULL',
      'ALTER TABLE public.state ADD PRIMARY KEY (code)',
      'ALTER TABLE public.address ADD CONSTRAINT FK_ADDRESS_STATE FOREIGN KEY (state) REFERENCES public.state (code)',
    ],
  ],
  [
    'mergeColumns adds, fills and drops',
    `- mergeColumns: {tableName: p, column1Name: first, column2Name: last, finalColumnName: full, finalColumnType: 'varchar(200)', joinString: ' '}`,
    [
      'ALTER TABLE public.p ADD "full" VARCHAR(200)',
      "UPDATE public.p SET \"full\" = first || ' ' || last",
      'ALTER TABLE public.p DROP COLUMN first',
      'ALTER TABLE public.p DROP COLUMN last',
    ],
  ],
  // Liquibase Pro change types, as plain PostgreSQL
  [
    'addCheckConstraint (Liquibase Pro) is written as plain PostgreSQL',
    `- addCheckConstraint: {tableName: t, constraintName: ck, constraintBody: a > 0, validate: false}`,
    ['ALTER TABLE public.t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID'],
  ],
  ['dropCheckConstraint (Liquibase Pro) is written as plain PostgreSQL', `- dropCheckConstraint: {tableName: t, constraintName: ck}`, ['ALTER TABLE public.t DROP CONSTRAINT ck']],
  // sql
  ['sql is split the way Liquibase splits it', `- sql: "SELECT 1; SELECT 2;"`, ['SELECT 1', 'SELECT 2']],
];

describe('generated SQL follows Liquibase 4.28 for each change type', () => {
  beforeAll(() => initSqlParser());
  for (const [name, yaml, expected] of cases) {
    if (name === 'createTable leaves names unqualified when there is no default schema') {
      it(name, () => {
        expect(sql(yaml, {})).toEqual(['CREATE TABLE t (a INTEGER)']);
      });
      continue;
    }
    it(name, () => {
      expect(sql(yaml)).toEqual(expected);
    });
  }

  it('quotes every name under QUOTE_ALL_OBJECTS', () => {
    expect(sql(`- createIndex: {tableName: t, indexName: i, columns: [{column: {name: a}}]}`, { defaultSchema: 'public', objectQuotingStrategy: 'QUOTE_ALL_OBJECTS' })).toEqual([
      'CREATE INDEX "i" ON "public"."t"("a")',
    ]);
  });

  it('skips a change whose dbms excludes postgresql', () => {
    expect(sql(`- sql: {sql: SELECT 1, dbms: h2}`)).toEqual([]);
  });

  it('refuses addColumn with afterColumn as Liquibase does on PostgreSQL', () => {
    expect(() => sql(`- addColumn: {tableName: t, columns: [{column: {name: a, type: int, afterColumn: b}}]}`)).toThrow('addAfterColumn is not allowed on postgresql');
  });

  it('refuses a timestamp precision above 6', () => {
    expect(() => sql(`- createTable: {tableName: t, columns: [{column: {name: a, type: 'timestamp(9)'}}]}`)).toThrow(GenerateError);
  });

  it('refuses createTable references without foreignKeyName', () => {
    expect(() => sql(`- createTable: {tableName: t, columns: [{column: {name: a, type: int, constraints: {references: p(id)}}}]}`)).toThrow(
      'createTable with references requires foreignKeyName',
    );
  });

  it('stops at a stop change with its message', () => {
    expect(() => sql(`- stop: {message: halt here}`)).toThrow(StopChangeError);
    expect(() => sql(`- stop: {message: halt here}`)).toThrow('halt here');
  });

  it('says which change types need Liquibase at run time', () => {
    expect(() => sql(`- loadData: {tableName: t, file: data.csv}`)).toThrow(/loadData: Liquibase builds this change from files or the live database/);
    expect(() => sql(`- dropAllForeignKeyConstraints: {baseTableName: t}`)).toThrow(GenerateError);
  });

  it('leaves an index that belongs to a constraint to that constraint', () => {
    expect(sql(`- dropIndex: {indexName: i, associatedWith: foreignKey}`)).toEqual([]);
    expect(sql(`- createIndex: {tableName: t, indexName: i, associatedWith: primaryKey, columns: [{column: {name: a}}]}`)).toEqual([]);
  });

  it('names each change class as Liquibase does', () => {
    expect(['insert', 'sql', 'sqlFile', 'createTable', 'mergeColumns', 'executeCommand', 'update', 'delete'].map(changeClassName)).toEqual([
      'InsertDataChange',
      'RawSQLChange',
      'SQLFileChange',
      'CreateTableChange',
      'MergeColumnChange',
      'ExecuteShellCommandChange',
      'UpdateDataChange',
      'DeleteDataChange',
    ]);
  });
});
