// The real-world corpus: 30 public Liquibase/PostgreSQL projects, each run through the real Liquibase 4.28 CLI
// (see ../shared/corpus/realworld/MANIFEST.tsv and ERRORS.md). Every tree must load into exactly the changesets its
// files hold, every file must go through the SQL layer without an exception, and the trees Liquibase applied
// cleanly must show no error findings except the genuine ones listed below.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChangelog } from '../../server/src/changelog/load';
import type { Changelog, Finding } from '../../server/src/changelog/model';
import { initSqlParser, parseSql } from '../../server/src/sql/statements';

const corpus = path.resolve(__dirname, '../../../shared/corpus/realworld');
const manifestPath = path.join(corpus, 'MANIFEST.tsv');

interface Row {
  repo: string;
  master: string;
  kind: string;
  changesets: number;
  liquibaseUpdate: string;
  searchPath: string;
  properties: Record<string, string>;
}

function readManifest(): Row[] {
  const [header, ...lines] = readFileSync(manifestPath, 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const columns = header.split('\t');
  const col = (cells: string[], name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`MANIFEST.tsv has no column ${name}`);
    return cells[i] ?? '';
  };
  return lines.map((line) => {
    const cells = line.split('\t');
    const properties: Record<string, string> = {};
    for (const match of col(cells, 'lb_extra_args').matchAll(/(?:^|\s)-D([^=\s]+)=(\S*)/g)) properties[match[1]] = match[2];
    return {
      repo: col(cells, 'repo'),
      master: col(cells, 'master'),
      kind: col(cells, 'kind'),
      changesets: Number(col(cells, 'changesets')),
      liquibaseUpdate: col(cells, 'liquibase_update'),
      searchPath: col(cells, 'search_path'),
      properties,
    };
  });
}

/**
 * Error findings that are genuine on trees Liquibase applied cleanly (`update` never runs rollbacks), as
 * `<path inside the tree>:<line>` per rule. Anything else at error level on an 'ok' tree is a false positive.
 */
const GENUINE_ERRORS_ON_OK_TREES: Record<string, Record<string, string[]>> = {
  'HedvigInsurance/underwriter': {
    // --rollback SQL that would fail if it were ever run: `ALTER TABLE ADD CONSTRAINT` (no table name),
    // `DROP COLUMN x text`, a missing comma between DROP COLUMNs, and several --rollback lines without `;`
    'sql-syntax': [
      'migrations/20200205-0930-support-for-norwegian-quotes.sql:46',
      'migrations/20201006-1030-add-danish-data-table.sql:26',
      'migrations/20201007-1100-add-columns-to-danish-home-contents.sql:17',
      'migrations/20201117-1030-add-danish-accident-and-travel-table.sql:110',
      'migrations/20201215-1418-add-phonenumber-to-quote.sql:23',
      'migrations/20201215-1418-add-phonenumber-to-quote.sql:24',
      'migrations/20201215-1418-add-phonenumber-to-quote.sql:25',
      'migrations/20201215-1418-add-phonenumber-to-quote.sql:26',
      'migrations/20201215-1418-add-phonenumber-to-quote.sql:27',
      'migrations/20201215-1418-add-phonenumber-to-quote.sql:28',
      'migrations/20210226-1054-add-phonenumber-to-quote-danish-travel.sql:8',
      'migrations/20210503-1023-add-address-fields-for-danish-accident-and-travel.sql:34',
      'migrations/20210512-1557-add-indexes.sql:15',
      'migrations/20210520-1557-add-missing-fk-indexes.sql:17',
    ],
  },
};

/** For failed trees whose cause can be seen without a database: the error finding(s) that name it. */
const EXPECTED_ERRORS_ON_FAILED_TREES: Record<string, Record<string, string[]>> = {
  // trailing comma in CREATE TABLE currencies
  'KurunovE/finance-service': { 'sql-syntax': ['dbscripts/26_07_06_v1_create_table_currencies.sql:6'] },
  // `--changeset:siewer:165`: Liquibase rejects the whole changelog at this line
  'Mixeway/MixewayBackend': { 'malformed-changeset-header': ['db.changelog-master.sql:857'] },
  // validation: 1 duplicate identifier in db.changelog-v0.7.0.yaml, 3 in db.changelog-v0.16.0-data.sql
  'DiPA-Projekt/dipa-hub': {
    'duplicate-changeset': [
      'db.changelog-v0.7.0.yaml:288',
      'db.changelog-v0.16.0-data.sql:10',
      'db.changelog-v0.16.0-data.sql:25',
      'db.changelog-v0.16.0-data.sql:38',
    ],
  },
};

const CHANGELOG_LIKE = /\.(ya?ml|json|sql)$/i;

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesBelow(full));
    else out.push(full);
  }
  return out;
}

/** `<path relative to the master's folder, or to the tree>:<1-based line>` */
function where(finding: Finding, tree: string, masterDir: string): string {
  const rel = finding.file.startsWith(masterDir + path.sep) ? path.relative(masterDir, finding.file) : path.relative(tree, finding.file);
  return `${rel.split(path.sep).join('/')}:${finding.range.start.line + 1}`;
}

function errorsByRule(changelog: Changelog, tree: string, masterDir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of changelog.findings) {
    if (f.severity !== 'error') continue;
    (out[f.rule] ??= []).push(where(f, tree, masterDir));
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

function summary(changelog: Changelog): string {
  const counts = new Map<string, number>();
  for (const f of changelog.findings) counts.set(`${f.severity} ${f.rule}`, (counts.get(`${f.severity} ${f.rule}`) ?? 0) + 1);
  const order = ['error', 'warning', 'info', 'hint'];
  const parts = [...counts].sort(([a], [b]) => order.indexOf(a.split(' ')[0]) - order.indexOf(b.split(' ')[0]) || a.localeCompare(b));
  return parts.length ? parts.map(([k, n]) => `${k} ×${n}`).join(', ') : 'no findings';
}

if (!existsSync(manifestPath)) {
  describe.skip('real-world corpus', () => {
    it.skip('…: ../shared/corpus/realworld is absent', () => undefined);
  });
} else {
  const rows = readManifest();
  const summaries: string[] = [];

  beforeAll(() => initSqlParser());
  afterAll(() => {
    if (summaries.length) console.log(`real-world corpus, findings by rule:\n${summaries.join('\n')}`);
  });

  describe('real-world corpus (../shared/corpus/realworld)', () => {
    for (const row of rows) {
      const tree = path.join(corpus, row.repo.replace('/', '__'));
      const master = path.join(tree, row.master);
      const masterDir = path.dirname(master);
      const options = { searchPath: [path.join(tree, row.searchPath)], properties: row.properties };

      describe(`${row.repo} (${row.kind}, Liquibase update: ${row.liquibaseUpdate})`, () => {
        let changelog: Changelog | undefined;

        it(`loads the ${row.changesets} changesets its files hold`, () => {
          expect(existsSync(master), `${master} exists`).toBe(true);
          expect(() => (changelog = loadChangelog(master, options))).not.toThrow();
          expect(changelog!.changesets.length).toBe(row.changesets);
          const files = changelog!.files.size;
          summaries.push(`  ${row.repo.padEnd(44)} ${String(row.changesets).padStart(4)} changesets, ${String(files).padStart(3)} files: ${summary(changelog!)}`);
        });

        it('reads every file of the tree through the SQL layer without an exception', () => {
          for (const file of filesBelow(tree).filter((f) => CHANGELOG_LIKE.test(f))) {
            // each file as a changelog of its own (YAML, formatted or plain SQL: all its SQL goes through the SQL layer)
            expect(() => loadChangelog(file, options), file).not.toThrow();
            if (/\.sql$/i.test(file)) {
              const text = readFileSync(file, 'utf8');
              for (const splitStatements of [true, false]) {
                expect(() => parseSql(text, { splitStatements, stripComments: false }), `${file} split=${splitStatements}`).not.toThrow();
              }
            }
          }
        });

        if (row.liquibaseUpdate === 'ok') {
          it('shows no error findings beyond the genuine ones (Liquibase applied it cleanly)', () => {
            changelog ??= loadChangelog(master, options);
            expect(errorsByRule(changelog, tree, masterDir)).toEqual(GENUINE_ERRORS_ON_OK_TREES[row.repo] ?? {});
          });
        } else if (EXPECTED_ERRORS_ON_FAILED_TREES[row.repo]) {
          it('reports the error Liquibase failed on', () => {
            changelog ??= loadChangelog(master, options);
            const actual = errorsByRule(changelog, tree, masterDir);
            for (const [rule, places] of Object.entries(EXPECTED_ERRORS_ON_FAILED_TREES[row.repo])) {
              expect(actual[rule] ?? [], rule).toEqual(expect.arrayContaining(places));
            }
          });
        }
      });
    }
  });
}
