import { DocumentLink } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { allChanges } from '../changelog/load';
import type { ChangelogFile } from '../changelog/model';

/** Clickable `sqlFile` paths, `include` files and `includeAll` folders. */
export function documentLinks(file: ChangelogFile): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const include of file.includes) {
    if (!include.resolvedPath) continue;
    links.push({ range: include.pathRange, target: URI.file(include.resolvedPath).toString(), tooltip: include.resolvedPath });
  }
  for (const changeset of file.changesets) {
    for (const change of allChanges(changeset)) {
      if (change.resolvedPath && change.pathRange) {
        links.push({ range: change.pathRange, target: URI.file(change.resolvedPath).toString(), tooltip: change.resolvedPath });
      }
    }
  }
  return links;
}
