import { defineConfig } from 'vitest/config';

// One run for the whole workspace. Tests live next to the code they test (packages/*/test).
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here and in CI: run files two at a time so heavy suites do not starve each other.
    maxWorkers: 2,
    pool: 'forks',
  },
});
