import * as github from 'projen/lib/github';
import { EndToEndJob, EndToEndJobs, serviceContainers } from './end-to-end';
import { Grants } from '../github/grants';
import { checksBuildStep, loadBuiltImageStep } from './image-builds';
import { PinnedWorkflow, WorkflowJob } from '../github/pinned-workflow';
import { pushJob, SelfMutation, synthJob } from './self-mutation';
import { checkout, imageVersionCheck, pluginLogs, setupBuildx, setupNode, startPluginContainer, WITH_CACHE } from '../github/steps';
import { verifySteps, WorkflowSettings } from './workflow-settings';
import { UNRELEASED_VERSION } from '../plugin/go-build';
import { PluginImage } from '../plugin/plugin-image';
import { packageBin } from '../core/package-bin';

const { JobPermission } = github.workflows;

export interface BuildWorkflowOptions {
  /** Runners, Node version, default branch, checks and timeouts, resolved from the project (see `WorkflowOptions`). */
  readonly settings: WorkflowSettings;
  /**
   * The image: with it, an `image` job builds every platform (never pushed) and runs the linux/amd64 image.
   * @default - no image job
   */
  readonly image?: PluginImage;
  /**
   * The end-to-end suite's validated jobs: `checkout` runs after the checks, `buildImage` against the linux/amd64 image (no secrets in either).
   * @default - none: the image job only checks that the image runs and reports its version
   */
  readonly e2e?: EndToEndJobs;
  /**
   * Self-mutation: the `synth` and `self-mutation` jobs regenerate the files of an update bot's
   * pull request and push them to its branch.
   * @default - no self-mutation jobs
   */
  readonly selfMutation?: SelfMutation;
}

/** The platform build.yml runs: the hosted runners' own. */
const RUN_PLATFORM = 'linux/amd64';

/**
 * build.yml: pull requests and pushes to the default branch. Read-only, no secrets. Jobs:
 * `build` (generated files, the checks, the end-to-end suite on the checkout) and `image` (every
 * platform built from the Dockerfile, never pushed; the layer cache written on the default branch
 * only; the linux/amd64 image run, and the end-to-end suite against it); with `selfMutation`,
 * `synth` and `self-mutation` (an update bot's pull request gets its regenerated files pushed
 * back); `pipeline-review` (pull requests: what the change does to the release's trust boundary,
 * in the job summary). More jobs: `addJob`.
 */
export class BuildWorkflow extends PinnedWorkflow {
  constructor(gh: github.GitHub, options: BuildWorkflowOptions) {
    super(gh, { name: 'build', concurrency: { group: 'build-${{ github.ref }}', cancelInProgress: true } });
    const { settings } = options;
    const e2e = options.e2e?.checkout;
    const imageE2e = options.e2e?.buildImage;
    this.on({ pullRequest: {}, push: { branches: [settings.defaultBranch] } });

    this.addJob('build', {
      name: e2e ? 'Generated files, checks and end-to-end tests' : 'Generated files and checks',
      ...settings.runsOn,
      grants: new Grants().grant('contents', JobPermission.READ, 'check out the change'),
      timeoutMinutes: settings.timeouts.checks,
      ...serviceContainers(e2e),
      steps: [...verifySteps(settings, WITH_CACHE), ...(e2e?.steps ?? [])],
    });
    this.setServiceOptions('build', e2e?.services);

    if (options.image) {
      this.addJob('image', imageJob(options.image, settings, imageE2e));
      if (options.image.platforms.includes(RUN_PLATFORM)) this.setServiceOptions('image', imageE2e?.services);
    }

    this.addJob('pipeline-review', pipelineReviewJob(settings));

    if (options.selfMutation) {
      this.addJob('synth', synthJob(options.selfMutation, settings));
      this.addJob('self-mutation', pushJob(options.selfMutation, settings));
    }
  }
}

/** build.yml's image job: every platform once (not pushed), then the linux/amd64 image runs, with the suite against it. */
function imageJob(image: PluginImage, settings: WorkflowSettings, suite: EndToEndJob | undefined): WorkflowJob {
  const runs = image.platforms.includes(RUN_PLATFORM);
  const local = `${image.name}:ci`;
  const run = runs ? [
    loadBuiltImageStep(RUN_PLATFORM, local),
    imageVersionCheck(local, UNRELEASED_VERSION),
    ...(suite ? [...setupNode(settings.nodeVersion, WITH_CACHE), startPluginContainer(local, suite.containerEnv ?? {}), ...suite.steps, pluginLogs] : []),
  ] : [];
  return {
    name: runs ? `Image: build ${image.platforms.join(', ')}, run ${RUN_PLATFORM}${suite ? ' end-to-end' : ''}` : `Image: build ${image.platforms.join(', ')}`,
    ...settings.runsOn,
    grants: new Grants().grant('contents', JobPermission.READ, 'check out the change'),
    timeoutMinutes: settings.timeouts.image,
    ...(runs ? serviceContainers(suite) : {}),
    ...(runs && suite ? { env: { PLUGIN_ADDRESS: `127.0.0.1:${image.port}`, PLUGIN_VERSION: UNRELEASED_VERSION } } : {}),
    steps: [checkout(), setupBuildx(), checksBuildStep(image.platforms, settings.defaultBranch), ...run],
  };
}

/**
 * build.yml's pipeline-review job (pull requests only, read-only): `review-pipeline` compares the
 * generated workflows and Dockerfile at the pull request's base with its head and writes the
 * Markdown to the job summary; each widening of the trust boundary is a `- widens:` line.
 */
function pipelineReviewJob(settings: WorkflowSettings): WorkflowJob {
  return {
    name: 'Pipeline review: what the change does to the release\'s trust boundary',
    if: "github.event_name == 'pull_request'",
    ...settings.runsOn,
    grants: new Grants().grant('contents', JobPermission.READ, 'check out the change and its base'),
    timeoutMinutes: settings.timeouts.prepare,
    steps: [
      checkout({ fetchAllTags: true }),
      ...setupNode(settings.nodeVersion, WITH_CACHE),
      {
        name: 'Review the generated pipeline against the pull request\'s base',
        env: { BASE_SHA: '${{ github.event.pull_request.base.sha }}' },
        run: `${packageBin('review-pipeline', '--base="$BASE_SHA"')} >> "$GITHUB_STEP_SUMMARY"`,
      },
    ],
  };
}
