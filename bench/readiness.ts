/* Median time from process start to the first successful GetName, native and under qemu-aarch64-static. */
import * as fs from 'node:fs';
import { binaryPath, startPlugin } from '../test/e2e/plugin-process';
import { which } from '../test/e2e/process';

const RUNS = Number(process.env.RUNS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label: string, arch: 'amd64' | 'arm64', emulator?: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const p = await startPlugin({ arch, emulator });
    times.push(p.readinessMs);
    await p.stop();
  }
  console.log(`${label}: median ${median(times)} ms over ${RUNS} starts (${times.join(', ')})`);
}

async function main() {
  for (const arch of ['amd64', 'arm64'] as const) {
    if (!fs.existsSync(binaryPath(arch))) throw new Error(`${binaryPath(arch)} missing: run "npx projen build:binaries" first`);
  }
  await measure('native linux/amd64', 'amd64');
  const qemu = which('qemu-aarch64-static');
  if (qemu) await measure('linux/arm64 under qemu-aarch64-static', 'arm64', qemu);
  else console.log('SKIPPED linux/arm64: qemu-aarch64-static not installed');
}

main().catch((e) => {
  console.error(`bench/readiness: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
