import { defineConfig } from 'vitest/config';

/*
 * test/ by purpose:
 * - library/: the library's unit tests (projects synthesised in memory, the release runtime with
 *   fakes); library/bins/ runs its CLIs as processes.
 * - repository/: this repository's own checks (generated files, src/'s layers, the release
 *   policy); repository/tools/ runs other programs on them (actionlint, zizmor, hadolint,
 *   Renovate's validator, git with a second synthesis).
 * - e2e/, cli/, postgres/, registry/, image/, package/: the suites that build and drive the plugin.
 * The folders with processes take seconds a file, so test:quick (unit-quick) leaves them to test:unit.
 */
const LIBRARY = 'test/library';
const REPOSITORY = 'test/repository';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: [`${LIBRARY}/**/*.test.ts`, `${REPOSITORY}/**/*.test.ts`], testTimeout: 60_000 } },
      { test: { name: 'unit-quick', include: [`${LIBRARY}/*.test.ts`, `${LIBRARY}/release-runtime/*.test.ts`, `${REPOSITORY}/*.test.ts`], testTimeout: 60_000 } },
      // e2e: the setup hook builds both platforms' binaries (a cold arm64 build took over 10 minutes on a busy machine).
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 1_800_000, fileParallelism: false } },
      // cli: a file's setup builds the plugin and uploads up to 1,000 objects; on a busy machine with cold caches that took over 10 minutes.
      { test: { name: 'cli', include: ['test/cli/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 1_200_000, fileParallelism: false } },
      { test: { name: 'postgres', include: ['test/postgres/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 1_200_000, fileParallelism: false } },
      // One unisolated worker: the files share one multi-arch build (test/registry/release-world.ts).
      { test: { name: 'registry', include: ['test/registry/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 1_200_000, fileParallelism: false, isolate: false } },
      { test: { name: 'image', include: ['test/image/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 1_200_000, fileParallelism: false, sequence: { concurrent: false } } },
      { test: { name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 1_200_000, fileParallelism: false, sequence: { concurrent: false } } },
    ],
  },
});
