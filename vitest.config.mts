import { defineConfig } from 'vitest/config';

const UNIT_EXCLUDE = ['test/e2e/**', 'test/image/**', 'test/package/**', 'test/registry/**', 'test/cli/**', 'test/postgres/**', 'node_modules/**'];
// The unit files that run other programs (actionlint, zizmor, hadolint, Renovate's validator, git
// with a second synthesis, the package's CLIs as processes): seconds each, so test:quick leaves
// them to test:unit.
const REPOSITORY_CHECKS = [
  'test/workflows.test.ts', 'test/zizmor.test.ts', 'test/hadolint.test.ts', 'test/renovate.test.ts',
  'test/self-mutation.test.ts', 'test/image-tags.test.ts', 'test/tag-release.test.ts', 'test/release/promote-cli.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: UNIT_EXCLUDE, testTimeout: 60_000 } },
      { test: { name: 'unit-quick', include: ['test/**/*.test.ts'], exclude: [...UNIT_EXCLUDE, ...REPOSITORY_CHECKS], testTimeout: 60_000 } },
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
