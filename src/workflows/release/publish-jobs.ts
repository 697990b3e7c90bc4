import * as github from 'projen/lib/github';
import { ACTIONS, uses } from '../../github/actions';
import { Grants } from '../../github/grants';
import { WorkflowJob } from '../../github/pinned-workflow';
import { grantRegistryAccess, registryLoginSteps } from '../registry-access';
import { BUILD_DIGEST } from './build-jobs';
import { environmentFor, imageArgs, imageEnv, publishingRegistries, ReleaseContext, stagingRegistry } from './context';
import { CRANE_FROM_TOOLS, downloadReleaseTools, releaseTool, releaseToolsSteps, SYFT_FROM_TOOLS } from './bundle-job';
import { gitTokenAuth } from '../../github/steps';
import { COSIGN_VERSION } from '../../github/tools';

const { JobPermission } = github.workflows;

/** The concurrency group of every promotion of the repository: one at a time, whatever the tag. */
export const PROMOTION_CONCURRENCY_GROUP = 'release-promote';

/** Outputs of the promote job (what the `promote` program writes with `--github-output`). */
export const PROMOTE_OUTPUTS = ['digest', 'version', 'prerelease', 'latest', 'latest_release', 'tags', 'floating_tags', 'unpublished', 'refs'];

/** The artifact of the sbom job. */
const SBOM_ARTIFACT = 'sbom';
const SBOM_DIR = '${{ runner.temp }}/sbom';
const SBOM_FILE = 'sbom.spdx.json';

/** The certificate identity of this workflow's keyless signatures, as a script line. */
const IDENTITY = 'identity="$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF"';

function installCosign(): github.workflows.JobStep {
  return { name: `Install cosign ${COSIGN_VERSION}`, uses: uses(ACTIONS.cosignInstaller), with: { 'cosign-release': COSIGN_VERSION } };
}

/**
 * sbom: an SPDX SBOM of the staged image, written by the syft the bundle job built (hash-checked),
 * in a job that can only read the staging repository; its SHA-256 goes to the sign job with it.
 */
export function sbomJob(c: ReleaseContext): WorkflowJob {
  const staging = [stagingRegistry(c, 'pull')];
  return {
    name: 'SBOM of the staged image (syft, no write permission)',
    needs: ['bundle', 'build'],
    ...c.settings.runsOn,
    ...environmentFor(c, staging),
    grants: grantRegistryAccess(new Grants(), staging),
    timeoutMinutes: c.settings.timeouts.sign,
    outputs: { sha256: { stepId: 'sbom', outputName: 'sha256' } },
    steps: [
      ...downloadReleaseTools(),
      ...registryLoginSteps(c.check, staging),
      {
        name: 'SPDX SBOM of the staged digest',
        id: 'sbom',
        env: { IMAGE: `${c.release.stagingImage}@${BUILD_DIGEST}`, SYFT: SYFT_FROM_TOOLS, OUT: `${SBOM_DIR}/${SBOM_FILE}`, PLATFORM: c.image.platforms[0] },
        run: [
          'mkdir -p "$(dirname "$OUT")"',
          '"$SYFT" scan "registry:$IMAGE" --platform "$PLATFORM" --output "spdx-json=$OUT"',
          'echo "sha256=$(sha256sum "$OUT" | cut -d\' \' -f1)" >> "$GITHUB_OUTPUT"',
        ].join('\n'),
      },
      { name: 'Upload the SBOM', uses: uses(ACTIONS.uploadArtifact), with: { 'name': SBOM_ARTIFACT, 'path': SBOM_DIR, 'if-no-files-found': 'error', 'retention-days': 1 } },
    ],
  };
}

/**
 * sign: before anything is public, sign the staged digest keylessly (the certificate names this
 * workflow at this tag), attest its SPDX SBOM, verify both, and attest its GitHub build
 * provenance — all in the staging repository, from where promote copies them with the image.
 * It holds the Sigstore identity and the staging push, never a publishing registry's credentials.
 */
export function signJob(c: ReleaseContext): WorkflowJob {
  const staging = [stagingRegistry(c, 'push')];
  return {
    name: 'Sign and attest the staged digest (before anything is public)',
    needs: ['bundle', 'build', 'e2e', 'reproduce', 'sbom'],
    ...c.settings.runsOn,
    environment: c.release.environment,
    grants: grantRegistryAccess(new Grants()
      .grant('idToken', JobPermission.WRITE, 'keyless signing and attestation: Sigstore certificate for this workflow')
      .grant('attestations', JobPermission.WRITE, 'store the build provenance attestation'), staging),
    timeoutMinutes: c.settings.timeouts.sign,
    steps: [
      ...releaseToolsSteps(c.settings.nodeVersion),
      { name: 'Download the SBOM', uses: uses(ACTIONS.downloadArtifact), with: { name: SBOM_ARTIFACT, path: SBOM_DIR } },
      {
        name: 'The SBOM is the file the sbom job wrote (SHA-256)',
        env: { DIR: SBOM_DIR, SBOM_SHA256: '${{ needs.sbom.outputs.sha256 }}' },
        run: `cd "$DIR"\nprintf '%s  %s\\n' "$SBOM_SHA256" ${SBOM_FILE} | sha256sum --strict --check -`,
      },
      installCosign(),
      ...registryLoginSteps(c.check, staging),
      {
        name: 'Sign the staged image@digest and attest its SBOM (keyless), then verify with this workflow\'s identity',
        env: { DIGEST: BUILD_DIGEST, STAGING: c.release.stagingImage, SBOM: `${SBOM_DIR}/${SBOM_FILE}` },
        run: [IDENTITY, releaseTool('sign-image', '--digest="$DIGEST" --image="$STAGING" --identity="$identity" --sbom="$SBOM"')].join('\n'),
      },
      {
        name: 'Attest build provenance of the staged digest',
        uses: uses(ACTIONS.attestBuildProvenance),
        with: { 'subject-name': c.release.stagingImage, 'subject-digest': BUILD_DIGEST, 'push-to-registry': true },
      },
    ],
  };
}

/**
 * The `promote` program with an argument vector, every value from the environment. `git
 * ls-remote` reads the remote's tags with the job's token from the environment (an
 * http.extraheader in GIT_CONFIG_*), so it is never written to disk nor passed as an argument.
 */
function promoteStep(c: ReleaseContext): github.workflows.JobStep {
  return {
    name: 'Promote: verify the signatures, copy them with the image, verify in every registry, then tags (floating last)',
    id: 'promote',
    env: {
      SOURCE: c.release.stagingImage,
      DIGEST: BUILD_DIGEST,
      PLATFORMS: c.image.platforms.join(','),
      ...imageEnv(c),
      CRANE: CRANE_FROM_TOOLS,
      REMOTE_TOKEN: '${{ github.token }}',
    },
    run: [
      ...gitTokenAuth('REMOTE_TOKEN'),
      IDENTITY,
      releaseTool('promote', `--source="$SOURCE" --digest="$DIGEST" --tag="$GITHUB_REF_NAME" --sha="$GITHUB_SHA" ${imageArgs(c, 'image')} `
        + '--identity="$identity" --sbom --platforms="$PLATFORMS" --remote="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git" --github-output'),
    ].join('\n'),
  };
}

/** The GitHub Release of the tag, and GitHub's "Latest" on the highest release the registries show (decided now, in the lane). */
function releaseStep(c: ReleaseContext): github.workflows.JobStep {
  return {
    name: 'GitHub Release (created, or edited on a re-run); Latest follows the registries',
    env: {
      GH_TOKEN: '${{ github.token }}',
      DIGEST: '${{ steps.promote.outputs.digest }}',
      TAGS: '${{ steps.promote.outputs.tags }}',
      PRERELEASE: '${{ steps.promote.outputs.prerelease }}',
      LATEST_RELEASE: '${{ steps.promote.outputs.latest_release }}',
      PLATFORMS: c.image.platforms.join(','),
      ...imageEnv(c),
    },
    run: [
      IDENTITY,
      releaseTool('release-notes', `--tag="$GITHUB_REF_NAME" --digest="$DIGEST" ${imageArgs(c, 'image')} --tags="$TAGS" --platforms="$PLATFORMS" `
        + '--prerelease="$PRERELEASE" --latest-release="$LATEST_RELEASE" --identity="$identity" --repository="$GITHUB_REPOSITORY" --sbom'),
    ].join('\n'),
  };
}

function promoteSummary(): github.workflows.JobStep {
  return {
    name: 'Summary',
    env: { DIGEST: '${{ steps.promote.outputs.digest }}', LATEST: '${{ steps.promote.outputs.latest }}', REFS: '${{ steps.promote.outputs.refs }}', UNPUBLISHED: '${{ steps.promote.outputs.unpublished }}' },
    run: [
      '{',
      '  echo "### Promoted $GITHUB_REF_NAME"',
      '  echo "- Digest: \\`$DIGEST\\` (latest: $LATEST)"',
      '  while read -r ref; do echo "- \\`$ref\\`"; done <<< "$REFS"',
      '  if [ -n "$UNPUBLISHED" ]; then echo "- **Tagged but not published (re-run their release):** $UNPUBLISHED"; fi',
      '} >> "$GITHUB_STEP_SUMMARY"',
    ].join('\n'),
  };
}

/**
 * promote — the one lane: a repository-wide concurrency group that never cancels a running
 * promotion. Everything that moves a public pointer happens here, decided from what the
 * registries and GitHub show at that moment: the signed digest is verified in staging, copied
 * with its signatures and attestations to every registry and verified there, then tagged
 * (floating tags last, from the releases the registries show), then the GitHub Release is
 * created and "Latest" left on the highest release. A run GitHub cancelled while queued is
 * named by the next run (tagged but not published).
 */
export function promoteJob(c: ReleaseContext): WorkflowJob {
  // Staging in a publishing registry: its push login covers the pull.
  const registries = [...(c.release.stagingIsPublished ? [] : [stagingRegistry(c, 'pull')]), ...publishingRegistries(c)];
  return {
    name: 'Promote the signed digest to every registry, then the GitHub Release (one promotion at a time)',
    needs: ['bundle', 'build', 'sign'],
    ...c.settings.runsOn,
    environment: c.release.environment,
    concurrency: { 'group': PROMOTION_CONCURRENCY_GROUP, 'cancel-in-progress': false },
    grants: grantRegistryAccess(new Grants().grant('contents', JobPermission.WRITE, 'read the remote\'s tags; create or edit the GitHub Release'), registries),
    timeoutMinutes: c.settings.timeouts.promote,
    outputs: Object.fromEntries(PROMOTE_OUTPUTS.map((o) => [o, { stepId: 'promote', outputName: o }])),
    steps: [
      ...releaseToolsSteps(c.settings.nodeVersion),
      installCosign(),
      ...registryLoginSteps(c.check, registries),
      promoteStep(c),
      releaseStep(c),
      promoteSummary(),
    ],
  };
}
