import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXTERNAL, pluginChecks, useFixtureBucket, WRAPPED_READINESS_BUDGET_MS } from './checks';
import { livenessChecks } from './liveness';
import { binaryPath, startPlugin } from './plugin-process';
import { which } from './process';

const SMOKE_ONLY = process.env.E2E_SUBSET === 'smoke';
const QEMU = which('qemu-aarch64-static');

useFixtureBucket({ buildPlugin: true });

describe(EXTERNAL ? `plugin at ${process.env.PLUGIN_ADDRESS}` : 'native plugin (linux/amd64)', () => {
  pluginChecks(EXTERNAL ? 'external' : 'native amd64', () => startPlugin({ arch: 'amd64' }), !SMOKE_ONLY);
});

describe.skipIf(SMOKE_ONLY)('liveness against @grpc/grpc-js clients that cancel at once or stop reading', () => {
  livenessChecks(() => startPlugin({ arch: 'amd64' }));
});

const arm64Skip = EXTERNAL ? 'PLUGIN_ADDRESS is set (the external plugin is tested instead)' : !QEMU ? 'qemu-aarch64-static not found (install Debian qemu-user-static, or run "npx projen setup")' : undefined;
if (arm64Skip) {
  process.stdout.write(`\n*** SKIPPED: linux/arm64 smoke test under QEMU: ${arm64Skip} ***\n\n`);
}
describe.skipIf(!!arm64Skip)('linux/arm64 binary under qemu-aarch64-static (smoke)', () => {
  it('is a static aarch64 executable', () => {
    const out = spawnSync('file', ['-L', binaryPath('arm64')], { encoding: 'utf8' }).stdout;
    expect(out).toMatch(/ARM aarch64/);
    expect(out).toMatch(/statically linked/);
  });
  pluginChecks('arm64 under qemu', () => startPlugin({ arch: 'arm64', emulator: QEMU }), false, WRAPPED_READINESS_BUDGET_MS);
});
