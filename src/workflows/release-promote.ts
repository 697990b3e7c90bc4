import * as github from 'projen/lib/github';
import { ACTIONS, uses } from './actions';
import { Grants } from './grants';
import { WorkflowJob } from './pinned-workflow';
import { grantRegistryAccess, registryLoginSteps } from './registry-access';
import { BUILD_DIGEST } from './release-build';
import { environmentFor, imageArgs, imageEnv, publishingRegistries, ReleaseContext, stagingRegistry } from './release-context';
import { checkout, gitTokenAuth, setupGo, setupNode } from './steps';
import { COSIGN_VERSION, CRANE } from './tools';
import { packageBin } from '../package-bin';
import { imageIn } from '../registries/registry';

const { JobPermission } = github.workflows;
const NO_CACHE = { cache: false };

/** The concurrency group of every promotion of the repository: one at a time, whatever the tag. */
export const PROMOTION_CONCURRENCY_GROUP = 'release-promote';

/** Outputs of the promote job (what the `promote` bin writes with `--github-output`). */
export const PROMOTE_OUTPUTS = ['digest', 'version', 'prerelease', 'latest', 'tags', 'floating_tags', 'refs'];

/** Where the crane the promote job builds is installed. */
const CRANE_BIN = '${{ runner.temp }}/bin/crane';

/** Builds crane from the Go module proxy (checksum-verified by the Go checksum database) into the runner's temp directory. */
function installCrane(): github.workflows.JobStep {
  return {
    name: `Install crane ${CRANE.version} (Go module proxy, checksum-verified)`,
    env: { GOBIN: '${{ runner.temp }}/bin' },
    run: `go install -trimpath ${CRANE.package}@${CRANE.version}`,
  };
}

/**
 * The `promote` bin with an argument vector, every value from the environment. `git ls-remote`
 * reads the remote's tags with the job's token from the environment (an http.extraheader in
 * GIT_CONFIG_*), so it is never written to disk nor passed as an argument.
 */
function promoteStep(c: ReleaseContext): github.workflows.JobStep {
  return {
    name: 'Promote: copy by digest, immutable tags, then floating tags if still the highest release',
    id: 'promote',
    env: {
      SOURCE: c.release.stagingImage,
      DIGEST: BUILD_DIGEST,
      PLATFORMS: c.image.platforms.join(','),
      ...imageEnv(c),
      CRANE: CRANE_BIN,
      REMOTE_TOKEN: '${{ github.token }}',
    },
    run: [
      ...gitTokenAuth('REMOTE_TOKEN'),
      packageBin('promote', `--source="$SOURCE" --digest="$DIGEST" --tag="$GITHUB_REF_NAME" --sha="$GITHUB_SHA" ${imageArgs(c, 'image')} `
        + '--platforms="$PLATFORMS" --remote="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git" --github-output'),
    ].join('\n'),
  };
}

function promoteSummary(): github.workflows.JobStep {
  return {
    name: 'Summary',
    env: { DIGEST: '${{ steps.promote.outputs.digest }}', LATEST: '${{ steps.promote.outputs.latest }}', REFS: '${{ steps.promote.outputs.refs }}' },
    run: [
      '{',
      '  echo "### Promoted $GITHUB_REF_NAME"',
      '  echo "- Digest: \\`$DIGEST\\` (latest: $LATEST)"',
      '  while read -r ref; do echo "- \\`$ref\\`"; done <<< "$REFS"',
      '} >> "$GITHUB_STEP_SUMMARY"',
    ].join('\n'),
  };
}

/**
 * promote: in one repository-wide concurrency group that never cancels a running promotion, so
 * promotions of different tags never interleave. The floating tags are computed from the
 * remote's tags and the registries' releases at promote time, so re-running an old release never
 * moves `latest` back. Its `latest` output is what the GitHub Release's "Latest" follows.
 */
export function promoteJob(c: ReleaseContext): WorkflowJob {
  // Staging in a publishing registry: its push login covers the pull.
  const registries = [...(c.release.stagingIsPublished ? [] : [stagingRegistry(c, 'pull')]), ...publishingRegistries(c)];
  return {
    name: 'Promote the tested digest to every registry (one promotion at a time)',
    needs: ['build', 'e2e'],
    ...c.settings.runsOn,
    ...environmentFor(c, registries),
    concurrency: { 'group': PROMOTION_CONCURRENCY_GROUP, 'cancel-in-progress': false },
    grants: grantRegistryAccess(new Grants().grant('contents', JobPermission.READ, 'check out; read the remote\'s tags'), registries),
    timeoutMinutes: c.settings.timeouts.promote,
    outputs: Object.fromEntries(PROMOTE_OUTPUTS.map((o) => [o, { stepId: 'promote', outputName: o }])),
    steps: [
      checkout(),
      setupGo(NO_CACHE),
      installCrane(),
      ...setupNode(c.settings.nodeVersion, NO_CACHE),
      ...registryLoginSteps(c.check, registries),
      promoteStep(c),
      promoteSummary(),
    ],
  };
}

/**
 * sign: cosign keyless (the certificate names this workflow at this tag) on `image@digest` in
 * every registry, verified with the same identity right after; then a GitHub build provenance
 * attestation of that digest per registry, stored with GitHub and pushed to the registry.
 */
export function signJob(c: ReleaseContext): WorkflowJob {
  const registries = publishingRegistries(c);
  const digest = '${{ needs.promote.outputs.digest }}';
  return {
    name: 'Sign and attest the promoted digest in every registry',
    needs: ['promote'],
    ...c.settings.runsOn,
    ...environmentFor(c, registries),
    grants: grantRegistryAccess(new Grants()
      .grant('contents', JobPermission.READ, 'check out the tagged commit')
      .grant('idToken', JobPermission.WRITE, 'keyless signing and attestation: Sigstore certificate for this workflow')
      .grant('attestations', JobPermission.WRITE, 'store the build provenance attestation'), registries),
    timeoutMinutes: c.settings.timeouts.sign,
    steps: [
      checkout(),
      ...setupNode(c.settings.nodeVersion, NO_CACHE),
      { name: `Install cosign ${COSIGN_VERSION}`, uses: uses(ACTIONS.cosignInstaller), with: { 'cosign-release': COSIGN_VERSION } },
      ...registryLoginSteps(c.check, registries),
      {
        name: 'Sign image@digest in every registry (keyless), then verify with this workflow\'s identity',
        env: { DIGEST: digest, ...imageEnv(c) },
        run: [
          'identity="$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF"',
          packageBin('sign-image', `--digest="$DIGEST" ${imageArgs(c, 'image')} --identity="$identity"`),
        ].join('\n'),
      },
      ...c.image.registries.map((r) => ({
        name: `Attest build provenance of ${r.id}`,
        uses: uses(ACTIONS.attestBuildProvenance),
        with: { 'subject-name': imageIn(r, c.image.name), 'subject-digest': digest, 'push-to-registry': true },
      })),
    ],
  };
}
