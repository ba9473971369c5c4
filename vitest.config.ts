import { defineConfig } from 'vitest/config';

// Tests import `curfew` by name and run against the build in dist/ (npm test builds first).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/integrations/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: fork storms and 100-process trees from several files at once only measure contention.
    maxWorkers: 2,
  },
});
