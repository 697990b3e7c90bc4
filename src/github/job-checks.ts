import * as github from 'projen/lib/github';
import { parseImageReference } from '../core/docker-reference';
import { OptionChecker } from '../core/validation';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const PINNED_USES = /^(?:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+@[0-9a-f]{40}|\.\/[A-Za-z0-9_.\/-]+)$/;
const EXPRESSION = /\$\{\{(.*?)\}\}/g;
/** What an expression in an option may be: a context property path, e.g. `secrets.TOKEN`, `job.services.s3.ports['4566']`. */
const CONTEXT_PATH = /^ *(?:github|env|vars|secrets|job|steps|needs|runner|inputs|matrix|strategy)(?:\.[A-Za-z0-9_-]+|\['[A-Za-z0-9_.-]+'\])+ *$/;

/** Every `${{ … }}` in the text is a plain context path, and no `${{` is left unclosed. */
export function checkExpressions(check: OptionChecker, option: string, text: string): void {
  for (const m of text.matchAll(EXPRESSION)) {
    if (!CONTEXT_PATH.test(m[1])) check.fail(option, text, `has the expression ${JSON.stringify(m[0])}: expressions in options must be context paths such as \${{ secrets.NAME }}`);
  }
  if (text.replace(EXPRESSION, '').includes('${{')) check.fail(option, text, 'has an unclosed ${{ expression');
}

/** Environment variable names and values. */
export function checkEnv(check: OptionChecker, option: string, env: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(env ?? {})) {
    check.match(`${option}`, name, ENV_NAME, 'must be an environment variable name (letters, digits and _, not starting with a digit)');
    if (typeof value !== 'string') check.fail(`${option}.${name}`, value, 'must be a string');
    checkExpressions(check, `${option}.${name}`, value);
  }
}

/** A step someone else wrote: exactly one of `run` / `uses`, pinned actions, a one-line name, well-formed expressions. */
export function checkStep(check: OptionChecker, option: string, step: github.workflows.JobStep): void {
  if ((step.run === undefined) === (step.uses === undefined)) check.fail(option, step.name ?? step, 'must have exactly one of run and uses');
  if (step.name !== undefined) check.line(`${option}.name`, step.name, 200);
  if (step.id !== undefined) check.match(`${option}.id`, step.id, STEP_ID, 'must be a step id (letters, digits, _ and -, starting with a letter or _)');
  if (step.uses !== undefined) check.match(`${option}.uses`, step.uses, PINNED_USES, 'must be pinned to a full commit SHA (owner/repo@<40 hex>) or be a local ./action');
  if (step.run !== undefined) {
    if (typeof step.run !== 'string' || step.run.trim() === '') check.fail(`${option}.run`, step.run, 'must be a non-empty script');
    checkExpressions(check, `${option}.run`, step.run);
  }
  checkEnv(check, `${option}.env`, step.env);
}

export function checkSteps(check: OptionChecker, option: string, steps: readonly github.workflows.JobStep[] | undefined, min = 0): readonly github.workflows.JobStep[] {
  if (!Array.isArray(steps)) check.fail(option, steps, 'must be a list of steps');
  if (steps.length < min) check.fail(option, steps, `must list at least ${min} step${min === 1 ? '' : 's'}`);
  steps.forEach((s, i) => checkStep(check, `${option}[${i}]`, s));
  return steps;
}

/**
 * An image a workflow pulls by name every run must not move under it: a digest, or a version
 * tag (one with a digit, such as `4.14.0` or `RELEASE.2025-01-01`). `latest`, `LATEST`,
 * `stable`, `edge` all move.
 */
export function checkPinnedImage(check: OptionChecker, option: string, image: string): string {
  const ref = typeof image === 'string' ? parseImageReference(image) : undefined;
  if (!ref) check.fail(option, image, 'is not a Docker image reference (name[:tag][@sha256:digest], lowercase name)');
  if (!ref.digest && !(ref.tag && /[0-9]/.test(ref.tag) && !/latest/i.test(ref.tag))) {
    check.fail(option, image, 'must be pinned: a version tag (with a digit, e.g. 4.14.0) or an @sha256 digest, never a moving tag such as latest');
  }
  return image;
}
