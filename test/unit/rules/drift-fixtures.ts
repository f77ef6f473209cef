// Environments for the drift rules' table tests: DATABASECHANGELOG rows holding the checksums Liquibase records for
// a changeset as it was when it ran (the text before the edit), computed by the engine's checksum code.
import * as nodePath from 'node:path';
import { loadChangelog } from '../../../server/src/changelog/load';
import { changesetChecksum } from '../../../server/src/engine/checksum';
import type { AppliedChangeset, EnvironmentRecord } from '../../../server/src/rules/rule';

const ROOT = '/rule-test';

/** The rows an environment would hold after running every changeset of this changelog text (YAML or formatted SQL). */
export function appliedRowsOf(text: string, dateExecuted = '2026-11-20T09:30:00Z'): AppliedChangeset[] {
  const file = nodePath.join(ROOT, /^\s*--\s*liquibase\s+formatted\s+sql/i.test(text) ? 'changelog.sql' : 'changelog.yaml');
  const changelog = loadChangelog(file, {
    reader: { readFile: (p) => (p === file ? text : undefined), isDirectory: () => false, listDirectory: () => undefined },
    searchPath: [ROOT],
  });
  return changelog.changesets.map((c, i) => ({
    id: c.id,
    author: c.author,
    filename: c.logicalPath,
    md5sum: changesetChecksum(c, { readFile: (p) => (p === file ? text : undefined) }),
    dateExecuted: new Date(dateExecuted),
    orderExecuted: i + 1,
    execType: 'EXECUTED',
  }));
}

export function environment(name: string, applied: AppliedChangeset[]): EnvironmentRecord {
  return { name, readAt: new Date('2026-11-23T09:00:00Z'), applied };
}
