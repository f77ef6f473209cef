// The extension tests' entry: VS Code's extension host loads this module (extensionTestsPath) and awaits run().
// A rejected promise makes the workbench report a non-zero exit code to the launcher.
import { join } from 'node:path';
import Mocha from 'mocha';

// In the order they run: they share one workspace and one VS Code window, and later files start from the
// state earlier ones leave (local environment rolled back to empty, changelog unedited); more-commands runs
// last because it leaves local fully applied and adds environments and a changelog while it runs.
export const SUITE_FILES = ['diagnostics.test.js', 'local-environment.test.js', 'postgres-environment.test.js', 'protected-environment.test.js', 'more-commands.test.js'];

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 90_000, grep: process.env.PGCS_E2E_GREP });
  for (const file of SUITE_FILES) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} e2e test(s) failed`)) : resolve()));
  });
}
