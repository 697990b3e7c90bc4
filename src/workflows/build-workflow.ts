import { github } from 'projen';
import { DEFAULT_LOCALSTACK_IMAGE, LOCALSTACK_ENDPOINT, LOCALSTACK_HEALTH_OPTIONS, localstackService, validateLocalstackImage } from './localstack';
import { PinnedWorkflow } from './pinned-workflow';
import { verifySteps } from './steps';

export interface BuildWorkflowOptions {
  /** @default 'localstack/localstack:4.14.0' (starts without a token: this workflow sees no secrets) */
  readonly localstackImage?: string;
  /** @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** @default '20' */
  readonly nodeVersion?: string;
  /** @default 'main' */
  readonly defaultBranch?: string;
}

/** build.yml: pull requests and pushes to main. Read-only, no secrets. */
export class BuildWorkflow extends PinnedWorkflow {
  constructor(gh: github.GitHub, options: BuildWorkflowOptions = {}) {
    super(gh, { name: 'build', concurrency: { group: 'build-${{ github.ref }}', cancelInProgress: true } });
    const localstackImage = options.localstackImage ?? DEFAULT_LOCALSTACK_IMAGE;
    validateLocalstackImage(localstackImage);
    this.workflow.on({ pullRequest: {}, push: { branches: [options.defaultBranch ?? 'main'] } });
    this.workflow.addJobs({
      build: {
        name: 'Generated files, unit, Go and end-to-end tests',
        runsOn: [options.runsOn ?? 'ubuntu-24.04'],
        permissions: { contents: github.workflows.JobPermission.READ },
        services: { localstack: localstackService(localstackImage) },
        steps: [
          ...verifySteps(options.nodeVersion ?? '20'),
          { name: 'End-to-end suite (native binary, LocalStack)', env: { S3_ENDPOINT: LOCALSTACK_ENDPOINT }, run: 'npx projen e2e' },
        ],
      },
    });
    this.override('jobs.build.services.localstack.options', LOCALSTACK_HEALTH_OPTIONS);
  }
}
