import * as github from 'projen/lib/github';
import { EndToEndJob, serviceContainers } from '../end-to-end';
import { Grants } from '../../github/grants';
import { WorkflowJob } from '../../github/pinned-workflow';
import { grantRegistryAccess, registryLoginSteps } from '../registry-access';
import { BUILD_DIGEST } from './build-jobs';
import { environmentFor, ReleaseContext, stagingRegistry } from './context';
import { checkout, imageVersionCheck, NO_CACHE, pluginLogs, setupNode, startPluginContainer } from '../../github/steps';

const { JobPermission } = github.workflows;

/** Pulls `$IMAGE` (by digest) and fails unless docker picked the leg's platform from the index. */
export function pullStagedImage(image: string): github.workflows.JobStep {
  return {
    name: 'Pull the staged image by digest',
    env: { IMAGE: image, PLATFORM: '${{ matrix.platform }}' },
    run: [
      'docker pull "$IMAGE"',
      'got=$(docker image inspect --format \'{{.Os}}/{{.Architecture}}\' "$IMAGE")',
      'if [ "$got" != "$PLATFORM" ]; then echo "::error::pulled $got from $IMAGE, not $PLATFORM"; exit 1; fi',
    ].join('\n'),
  };
}

/**
 * e2e: one leg per platform, each on a runner of that architecture (no emulation): pull
 * `<staging>@<digest>` — the bytes promote will publish —, check it reports the release version,
 * run it, and run the suite against it. Every leg must pass before anything is tagged.
 */
export function e2eJob(c: ReleaseContext, suite: EndToEndJob | undefined): WorkflowJob {
  const staging = [stagingRegistry(c, 'pull')];
  const image = `${c.release.stagingImage}@${BUILD_DIGEST}`;
  return {
    name: `${suite ? 'End-to-end' : 'Run'} on \${{ matrix.platform }} (staged image, native runner)`,
    needs: ['build'],
    runsOn: ['${{ matrix.runner }}'],
    strategy: { failFast: false, matrix: { include: c.release.legs.map((l) => ({ platform: l.platform, runner: l.runner })) } },
    ...environmentFor(c, staging),
    grants: grantRegistryAccess(suite ? new Grants().grant('contents', JobPermission.READ, 'check out the tagged commit (the suite)') : new Grants(), staging),
    timeoutMinutes: c.settings.timeouts.e2e,
    ...serviceContainers(suite),
    ...(suite ? { env: { PLUGIN_ADDRESS: `127.0.0.1:${c.image.port}`, PLUGIN_VERSION: '${{ github.ref_name }}' } } : {}),
    steps: [
      ...(suite ? [checkout(), ...setupNode(c.settings.nodeVersion, NO_CACHE)] : []),
      ...registryLoginSteps(c.check, staging),
      pullStagedImage(image),
      imageVersionCheck(image),
      ...(suite ? [startPluginContainer(image, suite.containerEnv ?? {}), ...suite.steps, pluginLogs] : []),
    ],
  };
}
