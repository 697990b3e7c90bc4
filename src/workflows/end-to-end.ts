import * as github from 'projen/lib/github';
import { checkEnv, checkExpressions, checkPinnedImage, checkSteps } from '../github/job-checks';
import { OptionChecker } from '../core/validation';

/** Which workflow an end-to-end job is for. */
export type EndToEndWorkflow = 'build' | 'release';

/** What an end-to-end job runs against. */
export type EndToEndTarget = 'checkout' | 'image';

/** What the suite is told about the job it runs in. */
export interface EndToEndContext {
  /**
   * `build`: build.yml, on pull requests and the default branch, read-only and without secrets.
   * `release`: release.yml, on a release tag; the job may read secrets.
   */
  readonly workflow: EndToEndWorkflow;
  /**
   * `checkout`: build.yml's checks job, after the checks; the suite runs against what the
   * checkout builds (e.g. `npx projen build:binaries`).
   * `image`: a container of the plugin's image serves at `$PLUGIN_ADDRESS` (host network) and
   * must report `$PLUGIN_VERSION`: build.yml's image job (the linux/amd64 image of the change)
   * and each leg of release.yml's end-to-end matrix (the staged image, pulled by digest, on a
   * runner of its own architecture).
   */
  readonly target: EndToEndTarget;
}

/** A service container beside the job, e.g. an emulator the plugin syncs from. */
export interface ServiceContainer {
  /** The image, pinned to a version tag or a digest. */
  readonly image: string;
  /**
   * Container ports to publish; GitHub maps each to a free host port, readable as
   * `${{ job.services.<id>.ports['<port>'] }}`.
   * @default []
   */
  readonly ports?: number[];
  /**
   * Environment of the service container.
   * @default {}
   */
  readonly env?: Record<string, string>;
  /**
   * More `docker create` options, one string (e.g. a `--health-cmd`).
   * @default - none
   */
  readonly options?: string;
}

/** The services, environment and steps of an end-to-end job. */
export interface EndToEndJob {
  /**
   * Service containers by id.
   * @default {}
   */
  readonly services?: Record<string, ServiceContainer>;
  /**
   * Environment of the plugin container in release.yml (passed as `docker run -e NAME`).
   * @default {}
   */
  readonly containerEnv?: Record<string, string>;
  /**
   * Steps that run the suite: after checkout, Go, Node, `npm ci` and the checks for the
   * `checkout` target; after checkout, Node, `npm ci` and the plugin container started for the
   * `image` target (no Go there: a suite that compiles sets up its own toolchain).
   */
  readonly steps: github.workflows.JobStep[];
}

/** A plugin's end-to-end suite: the job it needs in each workflow. */
export interface IEndToEndSuite {
  /** The job for one workflow. Called once per workflow at construction, so a bad job fails before anything is written. */
  job(context: EndToEndContext): EndToEndJob;
}

const SERVICE_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Validates a suite's job for one workflow; build.yml jobs must see no secrets. */
function checkEndToEndJob(check: OptionChecker, job: EndToEndJob, context: EndToEndContext): EndToEndJob {
  const option = `e2e.job(${context.workflow}${context.workflow === 'build' && context.target === 'image' ? ', image' : ''})`;
  for (const [id, service] of Object.entries(job.services ?? {})) {
    check.match(`${option}.services`, id, SERVICE_ID, 'must be a service id (letters, digits, _ and -, starting with a letter or _)');
    checkPinnedImage(check, `${option}.services.${id}.image`, service.image);
    for (const port of service.ports ?? []) check.integer(`${option}.services.${id}.ports`, port, 1, 65535);
    checkEnv(check, `${option}.services.${id}.env`, service.env);
    if (service.options !== undefined) {
      check.line(`${option}.services.${id}.options`, service.options, 1000);
      checkExpressions(check, `${option}.services.${id}.options`, service.options);
    }
  }
  checkEnv(check, `${option}.containerEnv`, job.containerEnv);
  checkSteps(check, `${option}.steps`, job.steps, 1);
  if (context.workflow === 'build') {
    const secret = /secrets\.[A-Za-z0-9_]+/.exec(JSON.stringify(job));
    if (secret) check.fail(option, secret[0], 'is used in build.yml, which runs on pull requests and must see no secrets (use it only for the release workflow)');
  }
  return job;
}

/** The suite's job for each place it runs, each validated once, before anything is written. */
export class EndToEndJobs {
  /** Asks the suite for its job in each workflow and validates each; no suite: no jobs. */
  public static of(check: OptionChecker, suite: IEndToEndSuite | undefined): EndToEndJobs {
    if (!suite) return new EndToEndJobs();
    const job = (context: EndToEndContext) => checkEndToEndJob(check, suite.job(context), context);
    return new EndToEndJobs(
      job({ workflow: 'build', target: 'checkout' }),
      job({ workflow: 'build', target: 'image' }),
      job({ workflow: 'release', target: 'image' }),
    );
  }

  private constructor(
    /** build.yml's checks job, against the checkout. */
    public readonly checkout?: EndToEndJob,
    /** build.yml's image job, against the linux/amd64 image. */
    public readonly buildImage?: EndToEndJob,
    /** Each leg of release.yml's end-to-end matrix, against the staged image. */
    public readonly release?: EndToEndJob,
  ) {}
}

/** The job's service containers in projen's model (`options`, one string for GitHub, is set by `PinnedWorkflow.setServiceOptions`). */
export function serviceContainers(job: EndToEndJob | undefined): { services?: Record<string, github.workflows.ContainerOptions> } {
  const services = Object.entries(job?.services ?? {});
  if (services.length === 0) return {};
  return {
    services: Object.fromEntries(services.map(([id, s]) => [id, {
      image: s.image,
      ...(s.ports?.length ? { ports: s.ports } : {}),
      ...(s.env && Object.keys(s.env).length ? { env: s.env } : {}),
    }])),
  };
}
