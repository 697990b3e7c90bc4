import * as github from 'projen/lib/github';
import { EndToEndJobs } from '../end-to-end';
import { PinnedWorkflow } from '../../github/pinned-workflow';
import { buildJob, prepareJob, reproduceJob, testJob } from './build-jobs';
import { ReleaseContext } from './context';
import { e2eJob } from './e2e-job';
import { promoteJob, sbomJob, signJob } from './publish-jobs';
import { bundleJob } from './bundle-job';
import { ReleaseSettings } from './settings';
import { WorkflowSettings } from '../workflow-settings';
import { PluginImage } from '../../plugin/plugin-image';
import { OptionChecker } from '../../core/validation';

export interface ReleaseWorkflowOptions {
  /** The validated image description; it needs at least one registry. */
  readonly image: PluginImage;
  /** Runners, Node version, checks and timeouts, resolved from the project (see `WorkflowOptions`). */
  readonly settings: WorkflowSettings;
  /** Staging repository, environment and end-to-end legs, validated against the image (`ReleaseSettings.of`). */
  readonly release: ReleaseSettings;
  /**
   * The end-to-end suite's validated jobs; `release` runs on each leg of the matrix against the staged image.
   * @default - none: each leg only checks that the image runs and reports the release version
   */
  readonly e2e?: EndToEndJobs;
}

/** Release tags: stable and prerelease semver with a `v` prefix. Nothing else publishes. */
export const RELEASE_TAG_PATTERNS = ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'];

/**
 * release.yml: build once, reproduce, test those bytes on every architecture, sign, then publish.
 * prepare (tag, configuration, pins) → test (checks) → bundle (the release tools and crane, with no
 * credential) → build (every platform once, pushed by digest to staging, no tag, no cache) →
 * reproduce (an independent rebuild must give the same digest) and e2e (one native leg per
 * platform) and sbom (syft) → sign (keyless signature, SBOM and provenance attestations of the
 * staged digest) → promote (the one lane: copy with the signatures, verify in every registry,
 * tags, floating tags last, the GitHub Release and its Latest badge). The privileged jobs run the
 * bundle with node alone, after checking its hash; each job is gated on the ones before.
 */
export class ReleaseWorkflow extends PinnedWorkflow {
  public static readonly JOB_ORDER = ['prepare', 'test', 'bundle', 'build', 'reproduce', 'e2e', 'sbom', 'sign', 'promote'];

  /** The validated release options: staging repository, environment, end-to-end legs. */
  public readonly release: ReleaseSettings;

  constructor(gh: github.GitHub, options: ReleaseWorkflowOptions) {
    super(gh, { name: 'release', concurrency: { group: 'release-${{ github.ref_name }}', cancelInProgress: false } });
    const check = new OptionChecker('ReleaseWorkflow');
    this.release = options.release;
    const suite = options.e2e?.release;
    const context: ReleaseContext = { check, image: options.image, settings: options.settings, release: this.release };

    this.on({ push: { tags: RELEASE_TAG_PATTERNS } });
    this.addJob('prepare', prepareJob(context));
    this.addJob('test', testJob(context));
    this.addJob('bundle', bundleJob(context));
    this.addJob('build', buildJob(context));
    this.addJob('reproduce', reproduceJob(context));
    this.addJob('e2e', e2eJob(context, suite));
    this.addJob('sbom', sbomJob(context));
    this.addJob('sign', signJob(context));
    this.addJob('promote', promoteJob(context));
    this.setServiceOptions('e2e', suite?.services);
  }
}
