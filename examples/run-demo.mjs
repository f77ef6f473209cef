// `npm run demo`: the main job on the embedded database. Lints the example changelog, applies it to a
// fresh PGlite database in .pgcs/demo (no server needed), shows status and history, rolls the last
// changeset back and shows what is pending again.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const database = ['--url', 'pglite:.pgcs/demo'];
const changelog = ['--changelog-file', 'examples/changelog.yaml'];
rmSync(join(root, '.pgcs', 'demo'), { recursive: true, force: true });

function step(title, args, okCodes = [0]) {
  process.stdout.write(`\n\x1b[1m$ pgcs ${args.join(' ')}\x1b[0m   # ${title}\n`);
  const { status } = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (!okCodes.includes(status)) {
    process.stderr.write(`demo: 'pgcs ${args[0]}' exited ${status}\n`);
    process.exit(1);
  }
}

step('what the checks find in the example changelog', ['lint', 'examples/changelog.yaml'], [0, 1]);
step('the SQL an update would run (nothing is written)', ['update-sql', ...changelog, ...database]);
step('apply every changeset to the embedded PostgreSQL (PGlite)', ['update', ...changelog, ...database]);
step('nothing left to apply', ['status', '--verbose', ...changelog, ...database]);
step('what ran, as DATABASECHANGELOG records it', ['history', ...changelog, ...database]);
step('undo the last changeset with its rollback', ['rollback-count', '--count', '1', ...changelog, ...database]);
step('it is pending again', ['status', '--verbose', ...changelog, ...database]);
