import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSignImage } from './promote-cli';
import { ReleaseWorld } from './release-world';
import { runOk } from './run-async';
import { tool } from './tools';
import { tempDir } from '../synth';

let world: ReleaseWorld;
let images: string[];
const home = tempDir('cosign-home-');
/** cosign keeps its TUF cache and config under HOME; keep them out of the real one. */
const env = { HOME: home, TUF_ROOT: path.join(home, 'tuf'), COSIGN_PASSWORD: 'registry-test' };

async function keyPair(name: string): Promise<{ key: string; pub: string }> {
  const dir = tempDir(`cosign-${name}-`);
  await runOk(tool('cosign'), ['generate-key-pair', '--output-key-prefix', path.join(dir, name)], { env: { ...process.env, ...env } });
  return { key: path.join(dir, `${name}.key`), pub: path.join(dir, `${name}.pub`) };
}

beforeAll(async () => {
  world = await ReleaseWorld.start();
  images = await world.promoted('v2.0.0');
});
afterAll(async () => {
  await world?.stop();
});

describe('sign-image: cosign signs and verifies the promoted image@digest in every registry', () => {
  it('signs by digest with a generated key (no transparency log), then verifies in both registries', async () => {
    const k = await keyPair('release');
    const r = await runSignImage(['--digest', world.digest, ...images.flatMap((i) => ['--image', i]), '--key', k.key, '--public-key', k.pub, '--insecure-registry'], env);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    for (const image of images) {
      expect(r.stdout).toContain(`signing ${image}@${world.digest}`);
      expect(r.stdout).toContain(`verifying ${image}@${world.digest}`);
    }
    expect(r.stdout).toMatch(/signed and verified 2 image\(s\)/);

    const again = await runSignImage(['--verify-only', '--digest', world.digest, ...images.flatMap((i) => ['--image', i]), '--key', k.key, '--public-key', k.pub, '--insecure-registry'], env);
    expect(again.status, again.stderr).toBe(0);
  });

  it('verification fails for a key that did not sign (the check can fail)', async () => {
    const other = await keyPair('other');
    const r = await runSignImage(['--verify-only', '--digest', world.digest, '--image', images[0], '--key', other.key, '--public-key', other.pub, '--insecure-registry'], env);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`sign-image: cosign verify ${images[0]}@${world.digest} failed`);
  });

  it('verification fails for an unsigned digest in the same repository', async () => {
    const k = await keyPair('unsigned');
    const unsigned = await world.build('v9.9.9-unsigned');
    const r = await runSignImage(['--verify-only', '--digest', unsigned, '--image', world.staging, '--key', k.key, '--public-key', k.pub, '--insecure-registry'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cosign verify ${world.staging}@${unsigned} failed`);
  });
});
