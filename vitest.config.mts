import { configDefaults, defineConfig } from 'vitest/config';

// Two projects: `core` (unit, lsp, corpus) starts nothing; `db` gets one PostgreSQL server per run from
// test/db/postgres.ts (globalSetup runs only when a db test is selected). `vitest run` runs both;
// `vitest run --project core` or `--project db` runs one.
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
          exclude: [...configDefaults.exclude, 'test/db/**', 'test/interop/**'],
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
    ],
  },
});
