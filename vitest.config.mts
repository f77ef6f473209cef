import { configDefaults, defineConfig } from 'vitest/config';

// Three projects: `core` (unit, lsp, corpus) starts nothing; `db` gets one PostgreSQL server per run from
// test/db/postgres.ts (globalSetup runs only when a db test is selected); `e2e` runs the extension in a real
// VS Code (test/e2e/vscode.test.ts), after the other two (groupOrder) so that code-server, Chromium and the
// extension host do not compete with them for the 2 cores. `vitest run` runs all three;
// `vitest run --project core` (or db, e2e) runs one.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/db/**', 'test/interop/**', 'test/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['test/db/**/*.test.ts', 'test/interop/**/*.test.ts'],
          globalSetup: ['test/db/postgres.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // only the launcher: test/e2e/suite/ is mocha code that runs inside VS Code
          include: ['test/e2e/*.test.ts'],
          globalSetup: ['test/db/postgres.ts'],
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
        },
      },
    ],
  },
});
