import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts one database server for the whole run (building FerretDB on a fresh machine).
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // CI machines have two cores; more workers only queue behind the database.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // CI also keeps a machine-readable summary, from which .ci/run prints its closing line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.local/test-results.json' }]]
      : ['default'],
  },
});
