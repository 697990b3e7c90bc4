import { describe, expect, it } from 'vitest';
import { FakeRegistries, INDEX } from './fake-registry';
import { promote, PromoteOptions } from '../../../src/release-runtime/promote';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const SOURCE = 'staging.example/cq/cq-source-s3';
const GCR = 'gcr.io/p/cq-source-s3';
const GHCR = 'ghcr.io/o/cq-source-s3';

function setup(remoteTags: string[][] | string[], digest = D1) {
  const reg = new FakeRegistries();
  reg.put(SOURCE, digest);
  const reads = (Array.isArray(remoteTags[0]) ? remoteTags : [remoteTags]) as string[][];
  let n = 0;
  const log: string[] = [];
  const options: PromoteOptions = {
    source: SOURCE, digest, gitTag: 'v1.5.0', sha: SHA, images: [GCR, GHCR], client: reg,
    releaseTags: async () => ({ tags: reads[Math.min(n++, reads.length - 1)] }),
    log: (l) => log.push(l),
  };
  return { reg, options, log, reads: () => n };
}

describe('promote (order and decisions, in memory)', () => {
  it('copies first, then immutable tags in every registry, then floating tags', async () => {
    const { reg, options } = setup(['v1.4.0', 'v1.5.0']);
    const result = await promote(options);
    expect(reg.writes).toEqual([
      `copy ${GCR}@${D1}`, `copy ${GHCR}@${D1}`,
      `tag ${GCR}:v1.5.0-0123456`, `tag ${GHCR}:v1.5.0-0123456`, `tag ${GCR}:v1.5.0`, `tag ${GHCR}:v1.5.0`,
      `tag ${GCR}:v1.5`, `tag ${GHCR}:v1.5`, `tag ${GCR}:latest`, `tag ${GHCR}:latest`,
    ]);
    expect(result).toMatchObject({ latest: true, immutableTags: ['v1.5.0-0123456', 'v1.5.0'], floatingTags: ['v1.5', 'latest'] });
    expect(result.refs).toHaveLength(10);
  });

  it('decides the floating tags from the releases the registries show now, not from the remote\'s tags; names a tag no registry shows', async () => {
    // v1.5.1 is tagged but its run never published (GitHub cancelled it while it waited in the lane).
    const { reg, options, reads, log } = setup(['v1.5.0', 'v1.5.1']);
    reg.put(GHCR, D2, INDEX, 'v1.4.0', 'latest');
    const result = await promote(options);
    expect(reads()).toBe(2);
    expect(result).toMatchObject({ latest: true, floatingTags: ['v1.5', 'latest'], latestRelease: 'v1.5.0', unpublished: ['v1.5.1'] });
    expect(reg.tags.get(GHCR)!.get('latest')).toBe(D1);
    expect(log).toContain('::warning::v1.5.1 is tagged but no registry shows it: its release run was cancelled (GitHub keeps one run waiting per lane) or failed — re-run it');
  });

  it('counts versions already published in a registry as releases (a higher one there keeps latest)', async () => {
    const { reg, options } = setup(['v1.5.0']);
    reg.put(GHCR, D2, INDEX, 'v1.6.0', 'latest');
    const result = await promote(options);
    expect(result.latest).toBe(false);
    expect(result.floatingTags).toEqual(['v1.5']);
    expect(result.latestRelease).toBe('v1.6.0');
    expect(reg.tags.get(GHCR)!.get('latest')).toBe(D2);
    expect(reg.tags.get(GCR)!.get('latest')).toBeUndefined();
  });

  describe('signatures: verified in the source before anything is copied, copied with the image, verified in every registry before any tag', () => {
    const SIG = `sha256-${'1'.repeat(64)}`;

    it('copies the signature and attestation tags with the image, verifies each registry, then tags', async () => {
      const { reg, options } = setup(['v1.5.0']);
      reg.put(SOURCE, D2, '{}', `${SIG}.sig`, `${SIG}.att`, SIG, `sha256-${'9'.repeat(64)}.sig`);
      const verified: string[] = [];
      const result = await promote({ ...options, verifySignatures: async (image) => { verified.push(`${image} after ${reg.writes.length} writes`); } });
      expect(verified).toEqual([`${SOURCE} after 0 writes`, `${GCR} after 8 writes`, `${GHCR} after 8 writes`]);
      expect(reg.writes.slice(0, 8)).toEqual([
        `copy ${GCR}@${D1}`, `copy ${GCR}:${SIG}`, `copy ${GCR}:${SIG}.att`, `copy ${GCR}:${SIG}.sig`,
        `copy ${GHCR}@${D1}`, `copy ${GHCR}:${SIG}`, `copy ${GHCR}:${SIG}.att`, `copy ${GHCR}:${SIG}.sig`,
      ]);
      expect(reg.writes.slice(8).every((w) => w.startsWith('tag '))).toBe(true);
      expect(reg.tags.get(GHCR)!.get(`${SIG}.sig`)).toBe(D2);
      expect(reg.tags.get(GHCR)!.has(`sha256-${'9'.repeat(64)}.sig`)).toBe(false);
      expect(result.latest).toBe(true);
    });

    it('an unsigned source: nothing is copied or tagged anywhere', async () => {
      const { reg, options } = setup(['v1.5.0']);
      const verifySignatures = async (image: string) => { throw new Error(`cosign verify ${image}@${D1} failed: no signatures found`); };
      await expect(promote({ ...options, verifySignatures })).rejects.toThrow(`cosign verify ${SOURCE}@${D1} failed: no signatures found — nothing was copied or tagged`);
      expect(reg.writes).toEqual([]);
    });

    it('a signature that does not verify in one registry: no tag is set in any', async () => {
      const { reg, options } = setup(['v1.5.0']);
      const verifySignatures = async (image: string) => { if (image === GHCR) throw new Error(`cosign verify ${GHCR}@${D1} failed: no matching signatures`); };
      await expect(promote({ ...options, verifySignatures })).rejects.toThrow(`cosign verify ${GHCR}@${D1} failed: no matching signatures — no floating tag was moved`);
      expect(reg.writes.filter((w) => w.startsWith('tag '))).toEqual([]);
    });
  });

  it('a registry failing before the floating step: error names the ref and says no floating tag moved', async () => {
    const { reg, options } = setup(['v1.5.0']);
    reg.failWhen = (op, ref) => op === 'tag' && ref === `${GHCR}:v1.5.0`;
    await expect(promote(options)).rejects.toThrow(`tag ${GHCR}:v1.5.0: dial tcp: connect: connection refused — no floating tag was moved`);
    expect(reg.writes.some((w) => /:(v1\.5|latest)$/.test(w))).toBe(false);
  });

  it('copies when a registry cannot say whether the digest is there (GHCR: DENIED for a new package)', async () => {
    const { reg, options } = setup(['v1.5.0']);
    reg.failWhen = (op, ref) => op === 'resolve' && ref === `${GHCR}@${D1}` && !reg.writes.includes(`copy ${GHCR}@${D1}`);
    const result = await promote(options);
    expect(reg.writes).toContain(`copy ${GHCR}@${D1}`);
    expect(result.latest).toBe(true);
  });

  it('refuses an immutable tag that points elsewhere before tagging anything', async () => {
    const { reg, options } = setup(['v1.5.0']);
    reg.put(GHCR, D2, INDEX, 'v1.5.0');
    await expect(promote(options)).rejects.toThrow(`${GHCR}:v1.5.0 already points to ${D2}, not ${D1}: immutable tags never move`);
    expect(reg.writes.filter((w) => w.startsWith('tag'))).toEqual([]);
  });

  it('a re-run writes nothing', async () => {
    const { reg, options } = setup(['v1.5.0']);
    await promote(options);
    const writes = reg.writes.length;
    const again = await promote(options);
    expect(reg.writes).toHaveLength(writes);
    expect(again.latest).toBe(true);
  });

  it('a prerelease gets its immutable tags only and latest=false', async () => {
    const { reg, options } = setup(['v2.0.0-rc.1']);
    const result = await promote({ ...options, gitTag: 'v2.0.0-rc.1' });
    expect(result).toMatchObject({ latest: false, floatingTags: [], immutableTags: ['v2.0.0-rc.1-0123456', 'v2.0.0-rc.1'] });
    expect(reg.writes.filter((w) => w.startsWith('tag'))).toHaveLength(4);
  });

  it('refuses when the remote tag points to another commit', async () => {
    const { options } = setup(['v1.5.0']);
    const commits = new Map([['v1.5.0', 'f'.repeat(40)]]);
    await expect(promote({ ...options, releaseTags: async () => ({ tags: ['v1.5.0'], commits }) })).rejects.toThrow(`tag "v1.5.0" on the remote points to ${'f'.repeat(40)}, not --sha ${SHA}`);
  });

  it('refuses a source index that lacks a required platform, before copying', async () => {
    const { reg, options } = setup(['v1.5.0']);
    reg.manifests.set(D1, JSON.stringify({ mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ platform: { os: 'linux', architecture: 'amd64' } }, { platform: { os: 'unknown', architecture: 'unknown' } }] }));
    await expect(promote(options)).rejects.toThrow(`${SOURCE}@${D1} lists linux/amd64, not linux/arm64`);
    expect(reg.writes).toEqual([]);
  });
});
