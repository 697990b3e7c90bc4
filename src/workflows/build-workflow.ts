import { github } from 'projen';
import { checkEndToEndJob, EndToEndJob, serviceContainers } from './end-to-end';
import { OptionChecker } from '../validation';
import { PinnedWorkflow } from './pinned-workflow';
import { verifySteps } from './steps';
import { WorkflowSettings } from './workflow-settings';

export interface BuildWorkflowOptions {
  /** Runners, Node version, default branch and the checks, resolved from the project (see `WorkflowOptions`). */
  readonly settings: WorkflowSettings;
  /**
   * The end-to-end suite's job for build.yml (no secrets), run after the checks in the same job.
   * @default - none
   */
  readonly e2e?: EndToEndJob;
}

/** build.yml: pull requests and pushes to the default branch. Read-only, no secrets. */
export class BuildWorkflow extends PinnedWorkflow {
  constructor(gh: github.GitHub, options: BuildWorkflowOptions) {
    super(gh, { name: 'build', concurrency: { group: 'build-${{ github.ref }}', cancelInProgress: true } });
    const { settings } = options;
    const e2e = options.e2e && checkEndToEndJob(new OptionChecker('BuildWorkflow'), options.e2e, { workflow: 'build' });
    this.workflow.on({ pullRequest: {}, push: { branches: [settings.defaultBranch] } });
    this.workflow.addJobs({
      build: {
        name: e2e ? 'Generated files, checks and end-to-end tests' : 'Generated files and checks',
        ...settings.runsOn,
        permissions: { contents: github.workflows.JobPermission.READ },
        ...serviceContainers(e2e),
        steps: [...verifySteps(settings), ...(e2e?.steps ?? [])],
      },
    });
    this.setServiceOptions('build', e2e);
  }
}
