import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_VERSION } from './multi-arch-index';
import { ReleaseWorld } from './release-world';
import { craneOk } from './registry-state';
import { serveArgs, spawnPlugin } from '../e2e/plugin-process';
import { freePort, which } from '../e2e/process';
import { PLUGIN_NAME } from '../../projenrc/cq-source-s3';
import { tempDir } from '../synth';

let world: ReleaseWorld;
let images: string[];

beforeAll(async () => {
  world = await ReleaseWorld.start();
  images = await world.promoted('v2.0.0');
});
afterAll(async () => {
  await world?.stop();
});

/** Pulls one platform's filesystem from the promoted ref (as `docker pull --platform` would) and extracts the plugin binary. */
async function extractBinary(ref: string, platform: string): Promise<string> {
  const dir = tempDir('arch-');
  const tar = path.join(dir, 'fs.tar');
  await craneOk('export', '--platform', platform, ref, tar);
  const r = spawnSync('tar', ['-xf', tar, '-C', dir, PLUGIN_NAME], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${PLUGIN_NAME} is not in the ${platform} image of ${ref}: ${r.stderr}`);
  return path.join(dir, PLUGIN_NAME);
}

describe('each platform of the promoted index runs and serves the plugin', () => {
  it.each([
    ['linux/amd64', /ELF 64-bit LSB executable, x86-64/, undefined],
    ['linux/arm64', /ELF 64-bit LSB executable, ARM aarch64/, 'qemu-aarch64-static'],
  ])('%s from ghcr (stand-in) answers GetName and GetVersion', async (platform, elf, emulatorName) => {
    const binary = await extractBinary(`${images[1]}:v2.0.0`, platform);
    const file = spawnSync('file', ['-L', binary], { encoding: 'utf8' }).stdout;
    expect(file).toMatch(elf);
    expect(file).toMatch(/statically linked/);
    const emulator = emulatorName ? which(emulatorName) : undefined;
    if (emulatorName && !emulator) throw new Error(`${emulatorName} is missing: run "npx projen setup" (Debian package qemu-user-static); the ${platform} image cannot be run without it`);
    fs.chmodSync(binary, 0o755);
    const address = `127.0.0.1:${await freePort()}`;
    const command = [...(emulator ? [emulator] : []), binary, ...serveArgs(address)];
    const plugin = await spawnPlugin(`${platform} plugin from the index`, command, address, INDEX_VERSION);
    try {
      expect(await plugin.client.getName()).toBe(PLUGIN_NAME);
      expect(await plugin.client.getVersion()).toBe(INDEX_VERSION);
    } finally {
      await plugin.stop();
    }
  });
});
