import * as github from 'projen/lib/github';

/*
 * A workflow's YAML object from projen's typed job model, for PinnedWorkflow's own file: the same
 * shape GitHub reads (and projen writes), rendered here because projen's renderer is private.
 */

type Json = Record<string, unknown>;

/** `fooBar` → `foo-bar` (`sep` '-') or `foo_bar` (`sep` '_'), for the keys of GitHub's YAML. */
function decamelize(key: string, sep: '-' | '_'): string {
  return key.replace(/([a-z0-9])([A-Z])/g, `$1${sep}$2`).toLowerCase();
}

function renameKeys(obj: object | undefined, sep: '-' | '_', recursive: boolean): Json | undefined {
  if (obj === undefined) return undefined;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [
    decamelize(k, sep),
    recursive && v !== null && typeof v === 'object' && !Array.isArray(v) ? renameKeys(v, sep, recursive) : v,
  ]));
}

/** One value for a one-element list, as GitHub's `needs:` and `runs-on:` are usually written. */
function arrayOrScalar<T>(value: T[] | T | undefined): T[] | T | undefined {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function renderStep(step: github.workflows.JobStep, actions: github.GitHub['actions']): Json {
  return {
    'name': step.name,
    'id': step.id,
    'if': step.if,
    'uses': step.uses && actions.get(step.uses),
    'env': step.env,
    'run': step.run,
    'shell': step.shell,
    'with': step.with,
    'continue-on-error': step.continueOnError,
    'timeout-minutes': step.timeoutMinutes,
    'working-directory': step.workingDirectory,
  };
}

function renderStrategy(strategy: github.workflows.JobStrategy | undefined): Json | undefined {
  if (!strategy) return undefined;
  const matrix = strategy.matrix && { include: strategy.matrix.include, exclude: strategy.matrix.exclude, ...strategy.matrix.domain };
  return { 'max-parallel': strategy.maxParallel, 'fail-fast': strategy.failFast, matrix };
}

function renderJob(job: github.workflows.Job, actions: github.GitHub['actions']): Json {
  const outputs = job.outputs && Object.fromEntries(Object.entries(job.outputs).map(([name, o]) => [name, `\${{ steps.${o.stepId}.outputs.${o.outputName} }}`]));
  return {
    'name': job.name,
    'needs': arrayOrScalar(job.needs),
    'runs-on': arrayOrScalar(job.runsOnGroup) ?? arrayOrScalar(job.runsOn),
    'permissions': renameKeys(job.permissions, '-', false),
    'environment': job.environment,
    'concurrency': job.concurrency,
    outputs,
    'env': job.env,
    'defaults': renameKeys(job.defaults, '-', true),
    'if': job.if,
    'steps': job.steps.map((s) => renderStep(s, actions)),
    'timeout-minutes': job.timeoutMinutes,
    'strategy': renderStrategy(job.strategy),
    'continue-on-error': job.continueOnError,
    'container': job.container,
    'services': job.services,
  };
}

/** The workflow as GitHub reads it; `permissions` last, the workflow-level default of every job. */
export function renderWorkflow(workflow: github.GithubWorkflow, triggers: github.workflows.Triggers, permissions: Record<string, string>, actions: github.GitHub['actions']): Json {
  const jobs = Object.fromEntries(Object.entries(workflow.jobs).map(([id, job]) => {
    if ('uses' in job) throw new Error(`PinnedWorkflow ${workflow.name}: job ${id} calls a reusable workflow, which pinned workflows do not render`);
    return [id, renderJob(job, actions)];
  }));
  const concurrency = workflow.concurrency && { 'group': workflow.concurrency.group, 'cancel-in-progress': workflow.concurrency.cancelInProgress };
  return { name: workflow.name, on: renameKeys(triggers, '_', true), concurrency, env: workflow.env, jobs, permissions };
}
