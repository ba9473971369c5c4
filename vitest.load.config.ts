import { defineConfig } from 'vitest/config';

// The load test: its own project so `npm test` stays fast (`npm run test:load`; .ci/run runs both).
export default defineConfig({
  test: {
    include: ['test/load/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
