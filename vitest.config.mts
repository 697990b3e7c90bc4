import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', 'test/image/**', 'test/package/**', 'test/registry/**', 'test/cli/**', 'test/postgres/**', 'node_modules/**'], testTimeout: 60_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false } },
      { test: { name: 'cli', include: ['test/cli/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false } },
      { test: { name: 'postgres', include: ['test/postgres/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false } },
      // One unisolated worker: the files share one multi-arch build (test/registry/release-world.ts).
      { test: { name: 'registry', include: ['test/registry/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 1_200_000, fileParallelism: false, isolate: false } },
      { test: { name: 'image', include: ['test/image/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 1_200_000, fileParallelism: false, sequence: { concurrent: false } } },
      { test: { name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 1_200_000, fileParallelism: false, sequence: { concurrent: false } } },
    ],
  },
});
