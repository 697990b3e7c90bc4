import { describe, expect, it } from 'vitest';
import { DIGEST, GCR, GHCR, REPO, identity, rel } from './release-fixtures';
import { cosignVerifyCommands } from '../../../src/release-runtime/cosign';
import { planGitHubRelease } from '../../../src/release-runtime/github-release';
import { releaseNotes } from '../../../src/release-runtime/release-notes';

describe('the release notes body', () => {
  const body = releaseNotes({ digest: DIGEST, tags: ['v1.2.3-abc1234', 'v1.2.3', 'v1.2', 'latest'], images: [GCR, GHCR], platforms: ['linux/amd64', 'linux/arm64'], identity, repository: REPO, sbom: true });

  it('names the digest, platforms and tags, and the pull commands by tag and digest for every registry', () => {
    expect(body).toContain(`Digest: \`${DIGEST}\` — platforms: linux/amd64, linux/arm64\n\nTags: \`v1.2.3-abc1234\`, \`v1.2.3\`, \`v1.2\`, \`latest\`\n`);
    expect(body).toContain(`### ${GCR}\n\`\`\`sh\ndocker pull ${GCR}:v1.2.3-abc1234\ndocker pull ${GCR}:v1.2.3\ndocker pull ${GCR}:v1.2\ndocker pull ${GCR}:latest\ndocker pull ${GCR}@${DIGEST}\n\`\`\``);
  });

  it('gives the exact verify commands for every registry: the same cosign verification promote ran there', () => {
    const verify = body.slice(body.indexOf('## Verify')).split('```sh\n')[1].split('\n```')[0].split('\n');
    expect(verify).toEqual([
      `cosign verify ${GCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `cosign verify-attestation --type spdxjson ${GCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `gh attestation verify oci://${GCR}@${DIGEST} --repo ${REPO}`,
      `cosign verify ${GHCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `cosign verify-attestation --type spdxjson ${GHCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `gh attestation verify oci://${GHCR}@${DIGEST} --repo ${REPO}`,
    ]);
    const library = cosignVerifyCommands({ images: [GCR, GHCR], digest: DIGEST, identity: { kind: 'keyless', certificateIdentity: identity }, sbom: 'x' });
    expect(verify.filter((l) => l.startsWith('cosign ')).map((l) => l.split(' ').sort())).toEqual(library.map((c) => [...c].sort()));
  });

  it.each([
    [{ digest: 'latest' }, /--digest "latest"/],
    [{ tags: ['v1.2.3`rm -rf`'] }, /tag "v1\.2\.3`rm -rf`" is not a Docker tag/],
    [{ repository: 'o/r\n## Injected' }, /repository "o\/r\\n## Injected" is not OWNER\/REPO/],
    [{ identity: 'file:///x' }, /identity "file:\/\/\/x" is not an https URL/],
    [{ images: ['ghcr.io/o/n:latest'] }, /is not a repository/],
  ])('refuses a value that could change the page: %j', (over, message) => {
    expect(() => releaseNotes({ digest: DIGEST, tags: ['v1.2.3'], images: [GHCR], platforms: ['linux/amd64'], identity, repository: REPO, ...over })).toThrow(message);
  });
});

describe('GitHub\'s Latest follows the registries, decided in the lane', () => {
  it.each([
    ['the first release', 'v1.0.0', 'v1.0.0', [], { exists: false, latest: true, moveLatestTo: undefined }],
    ['a newer release', 'v1.1.0', 'v1.1.0', [rel('v1.0.0', true)], { exists: false, latest: true, moveLatestTo: undefined }],
    ['a hotfix below the highest', 'v1.0.1', 'v1.1.0', [rel('v1.0.0'), rel('v1.1.0', true)], { exists: false, latest: false, moveLatestTo: undefined }],
    ['a re-run of an old tag after the badge went backwards', 'v1.0.0', 'v1.1.0', [rel('v1.0.0', true), rel('v1.1.0')], { exists: true, latest: false, moveLatestTo: 'v1.1.0' }],
    ['a re-run of the highest', 'v1.1.0', 'v1.1.0', [rel('v1.0.0'), rel('v1.1.0', true)], { exists: true, latest: true, moveLatestTo: undefined }],
    ['a prerelease', 'v2.0.0-rc.1', 'v1.1.0', [rel('v1.1.0', true)], { exists: false, latest: false, moveLatestTo: undefined }],
  ] as const)('%s', (_, tag, latestRelease, releases, expected) => {
    expect(planGitHubRelease(tag, latestRelease, releases)).toMatchObject({ ...expected, warnings: [] });
  });

  it('warns when the highest release in the registries has no GitHub Release (its run stopped after promote)', () => {
    const plan = planGitHubRelease('v1.0.1', 'v1.1.0', [rel('v1.0.0', true)]);
    expect(plan.moveLatestTo).toBeUndefined();
    expect(plan.warnings).toEqual(['v1.1.0 is the highest release in the registries but has no published GitHub Release: re-run its release workflow to create it (GitHub\'s Latest stays v1.0.0)']);
  });

  it('never moves the badge to a draft', () => {
    expect(planGitHubRelease('v1.0.0', 'v1.1.0', [rel('v1.0.0', true), rel('v1.1.0', false, { isDraft: true })]).moveLatestTo).toBeUndefined();
  });
});
