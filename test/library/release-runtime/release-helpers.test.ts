import { describe, expect, it } from 'vitest';
import { cosignSignCommands, cosignVerifyCommands, githubWorkflowIdentity } from '../../../src/release-runtime/cosign';
import { craneError } from '../../../src/release-runtime/crane';
import { indexPlatforms, missingPlatforms } from '../../../src/release-runtime/platforms';
import { planTags, publishedReleases } from '../../../src/release-runtime/promotion-plan';
import { requireDigest, requireRepository } from '../../../src/release-runtime/refs';
import { parseLsRemoteTags } from '../../../src/release-runtime/remote-tags';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const DIGEST = `sha256:${'c'.repeat(64)}`;

describe('planTags: the image-tags rule split into immutable and floating tags', () => {
  it.each([
    ['first release', 'v1.0.0', ['v1.0.0'], ['v1.0', 'latest'], true],
    ['highest overall', 'v1.5.1', ['v1.5.0', 'v1.5.1'], ['v1.5', 'latest'], true],
    ['hotfix below the highest: its line only', 'v1.3.9', ['v1.3.8', 'v1.4.0'], ['v1.3'], false],
    ['hotfix below the highest of its line', 'v1.3.9', ['v1.3.10'], [], false],
    ['prerelease never floats', 'v2.0.0-rc.1', [], [], false],
    ['a prerelease of a higher version does not block', 'v1.5.0', ['v2.0.0-rc.1'], ['v1.5', 'latest'], true],
  ])('%s', (_why, tag, known, floating, latest) => {
    const plan = planTags(tag, SHA, known);
    expect(plan.immutable).toEqual([`${tag}-0123456`, tag]);
    expect(plan.floating).toEqual(floating);
    expect(plan.latest).toBe(latest);
  });

  it('publishedReleases keeps the tags that parse as release versions (prereleases never make a release lower)', () => {
    expect(publishedReleases(['latest', 'v1.5', 'v1.5.0', 'v1.5.0-0123456', 'sha256-abc', 'v2.0.0-rc.1'])).toEqual(['v1.5.0', 'v2.0.0-rc.1']);
  });
});

describe('parseLsRemoteTags', () => {
  it('takes the peeled commit of annotated tags and the direct one of lightweight tags', () => {
    const out = [
      `${'a'.repeat(40)}\trefs/tags/v1.0.0`,
      `${'b'.repeat(40)}\trefs/tags/v1.0.0^{}`,
      `${'c'.repeat(40)}\trefs/tags/v1.1.0`,
      `${'d'.repeat(40)}\trefs/heads/main`,
    ].join('\n');
    const r = parseLsRemoteTags(out);
    expect(r.tags).toEqual(['v1.0.0', 'v1.1.0']);
    expect(r.commits.get('v1.0.0')).toBe('b'.repeat(40));
    expect(r.commits.get('v1.1.0')).toBe('c'.repeat(40));
  });
});

describe('indexPlatforms', () => {
  it('lists os/arch[/variant] and leaves out attestation entries', () => {
    const index = JSON.stringify({ mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [
      { platform: { os: 'linux', architecture: 'amd64' } }, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }, { platform: { os: 'unknown', architecture: 'unknown' } },
    ] });
    const listed = indexPlatforms(index, 'r@d');
    expect(listed).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(missingPlatforms(['linux/amd64', 'linux/arm64'], listed)).toEqual([]);
    expect(missingPlatforms(['linux/amd64', 'linux/s390x'], listed)).toEqual(['linux/s390x']);
  });

  it('refuses a single-platform manifest', () => {
    expect(() => indexPlatforms(JSON.stringify({ mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] }), 'r@d')).toThrow('r@d is a single-platform manifest');
  });
});

describe('refs', () => {
  it.each(['ghcr.io/o/n', 'gcr.io/p/n', 'us-docker.pkg.dev/p/r/n', '127.0.0.1:5000/a/b', 'localhost/n'])('accepts %s', (r) => {
    expect(requireRepository(r)).toBe(r);
  });
  it.each(['ghcr.io/o/n:v1', 'ghcr.io/o/n@sha256:x', 'n', 'o/n', 'ghcr.io/O/N', 'ghcr.io/o/n;echo'])('refuses %s naming the option', (r) => {
    expect(() => requireRepository(r, '--image')).toThrow(`--image "${r}" is not a repository`);
  });
  it('requires sha256 and 64 lowercase hex digits', () => {
    expect(requireDigest(DIGEST)).toBe(DIGEST);
    expect(() => requireDigest('sha256:abc')).toThrow('--digest "sha256:abc" is not a digest');
  });
});

describe('craneError', () => {
  it('keeps crane\'s own Error line', () => {
    expect(craneError('2026/01/01 HEAD request failed, falling back on GET: 404\nError: GET http://r/v2/x/manifests/y: MANIFEST_UNKNOWN: manifest unknown\n'))
      .toBe('GET http://r/v2/x/manifests/y: MANIFEST_UNKNOWN: manifest unknown');
  });
});

describe('cosign commands: one argument vector per registry, always image@digest', () => {
  const images = ['gcr.io/p/cq-source-s3', 'ghcr.io/o/cq-source-s3'];
  it('keyless (GitHub Actions OIDC): sign --yes, verify with the workflow identity and issuer', () => {
    const identity = githubWorkflowIdentity('o/cq-source-s3', '.github/workflows/release.yml', 'refs/tags/v1.2.3');
    expect(identity).toBe('https://github.com/o/cq-source-s3/.github/workflows/release.yml@refs/tags/v1.2.3');
    const o = { images, digest: DIGEST, identity: { kind: 'keyless' as const, certificateIdentity: identity } };
    expect(cosignSignCommands(o)).toEqual(images.map((i) => ['cosign', 'sign', '--yes', `${i}@${DIGEST}`]));
    expect(cosignVerifyCommands(o)).toEqual(images.map((i) => ['cosign', 'verify', '--certificate-identity', identity, '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com', `${i}@${DIGEST}`]));
  });

  it('key pair (offline tests): no transparency log, insecure registry flags only when asked', () => {
    const o = { images: images.slice(0, 1), digest: DIGEST, identity: { kind: 'key' as const, privateKey: 'k.key', publicKey: 'k.pub' }, insecureRegistry: true, cosign: '/t/cosign' };
    expect(cosignSignCommands(o)).toEqual([['/t/cosign', 'sign', '--yes', '--key', 'k.key', '--use-signing-config=false', '--tlog-upload=false', '--allow-insecure-registry', '--allow-http-registry', `${images[0]}@${DIGEST}`]]);
    expect(cosignVerifyCommands(o)).toEqual([['/t/cosign', 'verify', '--key', 'k.pub', '--insecure-ignore-tlog=true', '--allow-insecure-registry', '--allow-http-registry', `${images[0]}@${DIGEST}`]]);
  });

  it('refuses a tag reference or a malformed digest', () => {
    const identity = { kind: 'keyless' as const, certificateIdentity: 'x' };
    expect(() => cosignSignCommands({ images: ['ghcr.io/o/n:latest'], digest: DIGEST, identity })).toThrow('--image "ghcr.io/o/n:latest" is not a repository');
    expect(() => cosignSignCommands({ images, digest: 'latest', identity })).toThrow('--digest "latest" is not a digest');
  });
});
