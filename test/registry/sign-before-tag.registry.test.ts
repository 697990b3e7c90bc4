import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPromote, runSignImage } from './promote-cli';
import { ReleaseWorld } from './release-world';
import { tagsOf } from './registry-state';
import { runOk } from './run-async';
import { tool } from './tools';
import { tempDir } from '../synth';

let world: ReleaseWorld;
const home = tempDir('cosign-home-');
/** cosign keeps its TUF cache and config under HOME; keep them out of the real one. */
const env = { HOME: home, TUF_ROOT: path.join(home, 'tuf'), COSIGN_PASSWORD: 'registry-test' };
let key: { key: string; pub: string };
/** A small SPDX document standing in for syft's. */
const sbom = path.join(tempDir('sbom-'), 'sbom.spdx.json');

beforeAll(async () => {
  world = await ReleaseWorld.start();
  const dir = tempDir('cosign-release-');
  await runOk(tool('cosign'), ['generate-key-pair', '--output-key-prefix', path.join(dir, 'release')], { env: { ...process.env, ...env } });
  key = { key: path.join(dir, 'release.key'), pub: path.join(dir, 'release.pub') };
  fs.writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'cq-source-s3', documentNamespace: 'https://example.invalid/sbom', creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: test'] }, packages: [] }));
});
afterAll(async () => {
  await world?.stop();
});

/** What the sign job does: sign-image on the staged digest, a key pair standing in for keyless. */
const signStaged = (digest: string, extra: NodeJS.ProcessEnv = {}) =>
  runSignImage(['--digest', digest, '--image', world.staging, '--key', key.key, '--public-key', key.pub, '--sbom', sbom, '--insecure-registry'], { ...env, ...extra });
/** The promote job's signature check with the public key. */
const SIGNED = () => ['--public-key', key.pub, '--sbom', '--insecure'];

describe('signed and attested before anything is public (two loopback registries, real cosign)', () => {
  it('sign in staging, then promote copies the signature and the SBOM attestation to every registry, verifies each there, and only then tags', async () => {
    const t = world.fresh();
    t.remote.pushTags('v4.0.0');
    const digest = await world.build('v4.0.0');
    const signed = await signStaged(digest);
    expect(signed.status, `${signed.stdout}\n${signed.stderr}`).toBe(0);
    expect(signed.stdout).toContain(`attesting the SBOM of ${world.staging}@${digest}`);

    const r = await runPromote(world.promoteArgs('v4.0.0', digest, t.images, t.remote, SIGNED()), env);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = r.stdout;
    // Order: the source verified, copies, each registry verified, then the first tag.
    const firstTag = out.indexOf('      tagged ');
    for (const image of t.images) {
      const verified = out.indexOf(`verifying ${image}@${digest}`);
      const attested = out.indexOf(`verifying the SBOM attestation of ${image}@${digest}`);
      expect(verified, out).toBeGreaterThan(out.indexOf(`copied to ${image}@${digest}`));
      expect(attested).toBeGreaterThan(verified);
      expect(firstTag).toBeGreaterThan(attested);
    }
    expect(out.indexOf(`verifying ${world.staging}@${digest}`)).toBeLessThan(out.indexOf('copied to'));

    // Independently: cosign verifies the signature and the SBOM attestation in each registry.
    for (const image of t.images) {
      const again = await runSignImage(['--verify-only', '--digest', digest, '--image', image, '--public-key', key.pub, '--sbom', sbom, '--insecure-registry'], env);
      expect(again.status, again.stderr).toBe(0);
      expect(await tagsOf(image)).toMatchObject({ 'v4.0.0': digest, 'latest': digest });
    }
  });

  it('signing fails: promote refuses before copying, and no registry has a tag', async () => {
    const t = world.fresh();
    t.remote.pushTags('v5.0.0');
    const digest = await world.build('v5.0.0');
    const failed = await signStaged(digest, { COSIGN_PASSWORD: 'not-the-password' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`^sign-image: cosign sign ${world.staging.replace(/[.]/g, '\\.')}@${digest} failed: `));

    const r = await runPromote(world.promoteArgs('v5.0.0', digest, t.images, t.remote, SIGNED()), env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^promote: cosign verify .* failed: .* — nothing was copied or tagged/);
    for (const image of t.images) expect(await tagsOf(image)).toEqual({});
  });

  it('a signature by another key is not accepted: nothing is tagged', async () => {
    const t = world.fresh();
    t.remote.pushTags('v6.0.0');
    const digest = await world.build('v6.0.0');
    expect((await signStaged(digest)).status).toBe(0);
    const dir = tempDir('cosign-other-');
    await runOk(tool('cosign'), ['generate-key-pair', '--output-key-prefix', path.join(dir, 'other')], { env: { ...process.env, ...env } });
    const r = await runPromote(world.promoteArgs('v6.0.0', digest, t.images, t.remote, ['--public-key', path.join(dir, 'other.pub'), '--insecure']), env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^promote: cosign verify ${world.staging.replace(/[.]/g, '\\.')}@${digest} failed: .* — nothing was copied or tagged`));
    for (const image of t.images) expect(await tagsOf(image)).toEqual({});
  });
});
