import { releaseBuildStep, reproduceBuildStep } from '../image-builds';
import { WorkflowJob } from '../../github/pinned-workflow';
import { grantRegistryAccess, registryLoginSteps } from '../registry-access';
import { environmentFor, readsTaggedCommit, ReleaseContext, stagingRegistry, taggedCommitGrant } from './context';
import { checkout, NO_CACHE, setupBuildx, setupNode } from '../../github/steps';
import { verifySteps } from '../workflow-settings';
import { packageBin } from '../../core/package-bin';

/** Where the release workflow is written (its service images are checked for pins). */
export const RELEASE_WORKFLOW_FILE = '.github/workflows/release.yml';

/** Output of the build job: the index digest (`sha256:…`) every later job works on. */
export const BUILD_DIGEST = '${{ needs.build.outputs.digest }}';

/**
 * prepare: every registry's configuration is set, and the tag passes the image-tag rules (the
 * `image-tags` bin, the tag one argument: never through a projen task, which would re-parse it
 * as shell). Outputs the version, whether it is a prerelease, and SOURCE_DATE_EPOCH (the commit time).
 */
export function prepareJob(c: ReleaseContext): WorkflowJob {
  const configuration = [...c.image.registries, ...(c.release.stagingIsPublished ? [] : [c.release.staging])];
  return {
    ...readsTaggedCommit(c, 'Validate the tag and the publishing configuration', [], c.settings.timeouts.prepare),
    outputs: {
      version: { stepId: 'tags', outputName: 'version' },
      prerelease: { stepId: 'tags', outputName: 'prerelease' },
      source_date_epoch: { stepId: 'epoch', outputName: 'source_date_epoch' },
    },
    steps: [
      ...configuration.flatMap((r) => r.configurationCheckSteps()),
      checkout({ fetchAllTags: true }),
      ...setupNode(c.settings.nodeVersion, NO_CACHE),
      { name: 'Commit time (SOURCE_DATE_EPOCH)', id: 'epoch', run: 'echo "source_date_epoch=$(git log -1 --format=%ct)" >> "$GITHUB_OUTPUT"' },
      { name: 'The tag passes the image-tag rules', id: 'tags', run: packageBin('image-tags', '--tag="$GITHUB_REF_NAME" --sha="$GITHUB_SHA" --github-output') },
      { name: 'Every base image, the Dockerfile frontend and every service image is pinned by digest', run: packageBin('check-pins', `--dockerfile=Dockerfile --workflow=${RELEASE_WORKFLOW_FILE}`) },
    ],
  };
}

/**
 * reproduce: a second build of the same commit, independent of the first (another runner, a
 * fresh builder, no cache), must give the same index digest before anything is signed or promoted.
 */
export function reproduceJob(c: ReleaseContext): WorkflowJob {
  return {
    ...readsTaggedCommit(c, `Rebuild ${c.image.platforms.join(', ')} independently: the digest must match the build's`, ['prepare', 'build'], c.settings.timeouts.image),
    steps: [
      checkout(),
      setupBuildx(),
      reproduceBuildStep(c.image.platforms),
      {
        name: 'The rebuild has the build\'s digest',
        env: { BUILT: BUILD_DIGEST, REBUILT: '${{ steps.rebuild.outputs.digest }}' },
        run: [
          'echo "built:   $BUILT"',
          'echo "rebuilt: $REBUILT"',
          'if [ -z "$REBUILT" ] || [ "$REBUILT" != "$BUILT" ]; then echo "::error::the independent rebuild gave ${REBUILT:-no digest}, not $BUILT: the build is not reproducible, nothing is signed or promoted"; exit 1; fi',
          'echo "### Reproduced: \\`$BUILT\\`" >> "$GITHUB_STEP_SUMMARY"',
        ].join('\n'),
      },
    ],
  };
}

/** test: the generated files and the project's checks, on the tagged commit (no caches: this workflow publishes). */
export function testJob(c: ReleaseContext): WorkflowJob {
  return {
    ...readsTaggedCommit(c, 'Generated files and checks', ['prepare'], c.settings.timeouts.checks),
    steps: verifySteps(c.settings, NO_CACHE),
  };
}

/**
 * build: one buildx build of every platform, cross-compiled (no QEMU), pushed by digest only to
 * the staging repository: nothing is tagged anywhere before every end-to-end leg has passed.
 */
export function buildJob(c: ReleaseContext): WorkflowJob {
  const staging = [stagingRegistry(c, 'push')];
  return {
    name: `Build ${c.image.platforms.join(', ')} once, push by digest to staging`,
    needs: ['prepare', 'test'],
    ...c.settings.runsOn,
    ...environmentFor(c, staging),
    grants: grantRegistryAccess(taggedCommitGrant(), staging),
    timeoutMinutes: c.settings.timeouts.image,
    outputs: { digest: { stepId: 'build', outputName: 'digest' } },
    steps: [
      checkout(),
      setupBuildx(),
      ...registryLoginSteps(c.check, staging),
      releaseBuildStep(c.release.stagingImage, c.image.platforms),
      {
        name: 'The build pushed an index by digest',
        env: { DIGEST: '${{ steps.build.outputs.digest }}', STAGING: c.release.stagingImage, PLATFORMS: c.image.platforms.join(',') },
        run: [
          'if ! [[ "$DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]]; then echo "::error::the build reported no index digest (\\"$DIGEST\\")"; exit 1; fi',
          '{',
          '  echo "### Built $GITHUB_REF_NAME once: $PLATFORMS"',
          '  echo "- Staged, untagged: \\`$STAGING@$DIGEST\\`"',
          '} >> "$GITHUB_STEP_SUMMARY"',
        ].join('\n'),
      },
    ],
  };
}
