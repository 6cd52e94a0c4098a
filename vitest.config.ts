import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e tests share one lab; files run one at a time to keep the 2-core machine honest
    fileParallelism: false,
  },
});
