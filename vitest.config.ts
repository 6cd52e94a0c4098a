import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // One lab for the whole e2e run, brought up before the first file and down after the last.
          globalSetup: ['test/e2e/setup/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // e2e files share the lab's hosts and a 2-core machine: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
