import * as github from 'projen/lib/github';
import * as javascript from 'projen/lib/javascript';
import * as release from 'projen/lib/release';
import { RunsOnConfig } from 'projen/lib/runner-options';
import { checkSteps } from '../github/job-checks';
import { RUNNER_LABEL } from '../github/names';
import { checkout, driftCheck, setupToolchains, ToolchainCache } from '../github/steps';
import { OptionChecker } from '../core/validation';

/** Deadlines of the generated jobs, in minutes (GitHub's default, six hours, is far too long for a stuck job). */
export interface JobTimeouts {
  /**
   * release.yml's prepare job, and its bundle job (the release tools and crane, built with no credential).
   * @default 10
   */
  readonly prepare?: number;
  /**
   * The checks: build.yml's checks job and release.yml's test job.
   * @default 30
   */
  readonly checks?: number;
  /**
   * The image build: release.yml's build job and its independent rebuild (reproduce), and build.yml's image job with its end-to-end run.
   * @default 30
   */
  readonly image?: number;
  /**
   * Each leg of release.yml's end-to-end matrix.
   * @default 20
   */
  readonly e2e?: number;
  /**
   * release.yml's promote job (copy, verify and tag in every registry, then the GitHub Release).
   * @default 20
   */
  readonly promote?: number;
  /**
   * release.yml's sign job, and its SBOM job.
   * @default 15
   */
  readonly sign?: number;
  /**
  /**
   * Each of build.yml's self-mutation jobs (synth, and the push).
   * @default 15
   */
  readonly selfMutation?: number;
}

/** The job timeouts when none are given. */
export const DEFAULT_TIMEOUTS: Required<JobTimeouts> = { prepare: 10, checks: 30, image: 30, e2e: 20, promote: 20, sign: 15, selfMutation: 15 };

/** Settings every generated workflow shares. */
export interface WorkflowOptions {
  /**
   * The Node.js version the workflows set up (Node 20 and older are end-of-life).
   * @default - the project's workflow Node version (projen's `workflowNodeVersion`, else its `minNodeVersion`), else '24'
   */
  readonly nodeVersion?: string;
  /**
   * The branch whose pushes build.yml checks.
   * @default - the project's release branch when projen releases it, else 'main'
   */
  readonly defaultBranch?: string;
  /**
   * Runner labels for every job.
   * @default - the project's runner selection (projen's `workflowRunsOn` / `workflowRunsOnGroup`), else ['ubuntu-latest']
   */
  readonly runsOn?: string[];
  /**
   * Steps after `npm ci` that prepare the runner for the checks (e.g. installing test tools).
   * @default []
   */
  readonly setupSteps?: github.workflows.JobStep[];
  /**
   * The checks every change passes, after the generated-files drift check, in build.yml and before a release.
   * @default [{ name: 'Tests', run: 'npx projen test' }]
   */
  readonly checkSteps?: github.workflows.JobStep[];
  /**
   * Job deadlines in minutes; the ones not given keep their defaults.
   * @default DEFAULT_TIMEOUTS
   */
  readonly timeoutMinutes?: JobTimeouts;
}

/** Node.js majors that no longer get security fixes. */
const NODE_VERSION = /^(?:lts\/\*|[0-9]+(?:\.[0-9]+){0,2})$/;
const OLDEST_SUPPORTED_NODE = 22;
/** git's ref-name rules: no control characters, spaces, ~ ^ : ? * [ \, "..", "@{", "//"; not starting with - or /; not ending with /, . or .lock. */
const BRANCH = /^(?![-/])(?!.*(?:\.\.|@\{|\/\/|\/\.))[^\x00-\x20\x7f~^:?*[\\]+(?<![/.]|\.lock)$/;

/** The resolved, validated settings. */
export class WorkflowSettings {
  /** Reads what the options leave open from the projen project, then validates everything. */
  public static of(project: javascript.NodeProject, options: WorkflowOptions, check: OptionChecker): WorkflowSettings {
    const gh = github.GitHub.of(project);
    if (!gh) check.fail('project', project.name, 'has no GitHub component: the workflows need one (projen option github: true)');

    const fromProject = projectNodeVersion(project);
    const nodeOption = options.nodeVersion !== undefined ? 'nodeVersion' : fromProject !== undefined ? 'nodeVersion (from the project\'s workflowNodeVersion/minNodeVersion)' : 'nodeVersion';
    const nodeVersion = check.match(nodeOption, options.nodeVersion ?? fromProject ?? '24', NODE_VERSION, 'must be a Node.js version such as 24 or 24.11.0, or lts/*');
    if (nodeVersion !== 'lts/*' && Number(nodeVersion.split('.')[0]) < OLDEST_SUPPORTED_NODE) {
      check.fail(nodeOption, nodeVersion, `is end-of-life (Node.js ${OLDEST_SUPPORTED_NODE - 2} reached end of life in April 2026): use 24, the current LTS`);
    }

    const branchOption = options.defaultBranch !== undefined ? 'defaultBranch' : 'defaultBranch (from the project\'s release branch)';
    const defaultBranch = check.match(branchOption, options.defaultBranch ?? release.Release.of(project)?.branches[0] ?? 'main', BRANCH, 'must be a git branch name (no spaces or ~^:?*[\\, no "..")');

    // A string would be spread into one label per character by `runs-on`, or dropped when empty.
    if (options.runsOn !== undefined && !Array.isArray(options.runsOn)) check.fail('runsOn', options.runsOn, 'must be a list of runner labels such as ["ubuntu-24.04"], not a string');
    const runsOn = gh.runsOnConfig(options.runsOn !== undefined ? { runsOn: options.runsOn } : undefined);
    const runsOnOption = options.runsOn !== undefined ? 'runsOn' : 'runsOn (from the project\'s workflowRunsOn)';
    if (runsOn.runsOn) {
      check.list(runsOnOption, runsOn.runsOn, { min: 1 });
      for (const label of runsOn.runsOn) check.match(runsOnOption, label, RUNNER_LABEL, 'must be runner labels such as ubuntu-24.04 (letters, digits, ., _ and -)');
    } else if (runsOn.runsOnGroup) {
      check.line('runsOnGroup (from the project\'s workflowRunsOnGroup)', runsOn.runsOnGroup.group, 100);
    }

    const setupSteps = checkSteps(check, 'setupSteps', options.setupSteps ?? []);
    const checks = checkSteps(check, 'checkSteps', options.checkSteps ?? [{ name: 'Tests', run: 'npx projen test' }], 1);
    const timeouts = { ...DEFAULT_TIMEOUTS };
    for (const [job, minutes] of Object.entries(options.timeoutMinutes ?? {})) {
      check.oneOf('timeoutMinutes', job, Object.keys(DEFAULT_TIMEOUTS));
      timeouts[job as keyof JobTimeouts] = check.integer(`timeoutMinutes.${job}`, minutes, 1, 360);
    }
    return new WorkflowSettings(gh, runsOn, nodeVersion, defaultBranch, setupSteps, checks, timeouts);
  }

  private constructor(
    public readonly github: github.GitHub,
    /** `runsOn` or `runsOnGroup`, spread into each job. */
    public readonly runsOn: RunsOnConfig,
    public readonly nodeVersion: string,
    public readonly defaultBranch: string,
    public readonly setupSteps: readonly github.workflows.JobStep[],
    public readonly checkSteps: readonly github.workflows.JobStep[],
    /** Every job's deadline in minutes. */
    public readonly timeouts: Readonly<Required<JobTimeouts>>,
  ) {}
}

/** The `node-version` projen's own workflows would set up (`workflowNodeVersion`, else `minNodeVersion`). */
function projectNodeVersion(project: javascript.NodeProject): string | undefined {
  const setupNode = project.renderWorkflowSetup().find((s) => s.uses?.startsWith('actions/setup-node@'));
  const version = setupNode?.with?.['node-version'];
  return typeof version === 'string' ? version : undefined;
}

/** Everything a change must pass before anything is built from it: the generated files, then the project's checks. */
export function verifySteps(settings: WorkflowSettings, options: ToolchainCache): github.workflows.JobStep[] {
  return [checkout(), ...setupToolchains(settings.nodeVersion, options), ...settings.setupSteps, driftCheck, ...settings.checkSteps];
}
