import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', 'test/image/**', 'test/package/**', 'node_modules/**'], testTimeout: 60_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false } },
      { test: { name: 'image', include: ['test/image/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 1_200_000, fileParallelism: false, sequence: { concurrent: false } } },
      { test: { name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 1_200_000, fileParallelism: false, sequence: { concurrent: false } } },
    ],
  },
});
