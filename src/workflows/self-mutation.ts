import * as github from 'projen/lib/github';
import { ACTIONS, uses } from '../github/actions';
import { configName, secretRef } from '../github/expressions';
import { Grants } from '../github/grants';
import { ENVIRONMENT_NAME } from '../github/names';
import { WorkflowJob } from '../github/pinned-workflow';
import { checkout, gitTokenAuth, NO_CACHE, setupNode } from '../github/steps';
import { WorkflowSettings } from './workflow-settings';
import { OptionChecker } from '../core/validation';

const { JobPermission } = github.workflows;

/** Who the regenerating commit is by. */
export interface CommitAuthor {
  /** The author's name. */
  readonly name: string;
  /** The author's e-mail (Renovate ignores its commits: `gitIgnoredAuthors`). */
  readonly email: string;
}

/**
 * projen-style self-mutation in build.yml: on a pull request from a branch of this repository
 * (an update bot's), `synth` runs `npx projen` on the pull request's head and, when files change,
 * hands the patch to `self-mutation`, which commits it and pushes it to the branch. The job that
 * runs the pull request's code holds no secret and cannot write; the job that can push runs
 * none of it (only git). Never on pull requests from forks.
 */
export interface SelfMutationOptions {
  /**
   * Head branches whose pull requests are regenerated (prefixes).
   * @default ['renovate/']
   */
  readonly branchPrefixes?: string[];
  /**
   * Secret holding the token the push uses: it must write contents AND workflows (a fine-grained
   * token or a GitHub App's). The workflow's GITHUB_TOKEN cannot: GitHub refuses its pushes that
   * change `.github/workflows/`, and its pushes start no new workflow run.
   * @default 'PROJEN_GITHUB_TOKEN'
   */
  readonly tokenSecret?: string;
  /**
   * The environment that holds the secret (the push job runs in it).
   * @default 'self-mutation'
   */
  readonly environment?: string;
  /**
   * The author of the regenerating commits.
   * @default { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }
   */
  readonly author?: CommitAuthor;
}

/** Where synth leaves the patch, and the artifact that carries it to the push job. */
const PATCH = '${{ runner.temp }}/self-mutation.patch';
const ARTIFACT = 'self-mutation-patch';
/** The pull request's head commit: what synth regenerates and the push builds on. */
const PR_HEAD = '${{ github.event.pull_request.head.sha }}';
const BRANCH_PREFIX = /^(?![-/])[A-Za-z0-9._/-]{1,100}$/;

/** The validated self-mutation options. */
export class SelfMutation {
  public static of(check: OptionChecker, options: SelfMutationOptions): SelfMutation {
    const prefixes = check.list('selfMutation.branchPrefixes', options.branchPrefixes ?? ['renovate/'], { min: 1 });
    for (const p of prefixes) check.match('selfMutation.branchPrefixes', p, BRANCH_PREFIX, 'must be branch name prefixes (letters, digits, ., _, / and -)');
    const tokenSecret = configName(check, 'selfMutation.tokenSecret', options.tokenSecret ?? 'PROJEN_GITHUB_TOKEN');
    const environment = check.match('selfMutation.environment', options.environment ?? 'self-mutation', ENVIRONMENT_NAME, 'must be a GitHub environment name (letters, digits, ., _ and -)');
    const author = options.author ?? { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };
    check.match('selfMutation.author.name', author.name, /^[^\x00-\x1f\x7f<>]{1,100}$/, 'must be one line without < or >');
    check.match('selfMutation.author.email', author.email, /^[^\s@<>]+@[^\s@<>]+$/, 'must be an e-mail address');
    return new SelfMutation(prefixes, tokenSecret, environment, author);
  }

  private constructor(
    /** Head branch prefixes whose pull requests are regenerated. */
    public readonly branchPrefixes: readonly string[],
    /** The secret holding the push token. */
    public readonly tokenSecret: string,
    /** The environment of the push job. */
    public readonly environment: string,
    /** The author of the regenerating commits. */
    public readonly author: CommitAuthor,
  ) {}

  /** The `if:` of both jobs: a pull request from one of this repository's branches with a matching prefix. */
  public get condition(): string {
    const branches = this.branchPrefixes.map((p) => `startsWith(github.head_ref, '${p}')`).join(' || ');
    return `github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository && (${branches})`;
  }
}

/** synth's script: regenerate, then the staged difference as a binary patch; `changed` says whether there is one. */
export const SYNTH_SCRIPT = [
  'npx projen',
  'git add --all',
  'if git diff --cached --quiet; then',
  '  echo "the generated files are current: nothing to push"',
  '  echo "changed=false" >> "$GITHUB_OUTPUT"',
  '  exit 0',
  'fi',
  'git diff --cached --stat',
  'git diff --cached --binary > "$PATCH"',
  'echo "changed=true" >> "$GITHUB_OUTPUT"',
].join('\n');

/** The push job's script: apply the patch, commit it, push it to the pull request's branch (fast-forward only). */
export const PUSH_SCRIPT = [
  'if [ -z "$PUSH_TOKEN" ]; then',
  '  echo "::error::the secret $TOKEN_SECRET is not set in the $ENVIRONMENT environment: it needs a token that can write contents and workflows"',
  '  exit 1',
  'fi',
  'if [ "$(git log -1 --format=%ae)" = "$AUTHOR_EMAIL" ]; then',
  '  echo "::error::the last commit of $HEAD_REF is already a self-mutation, and regenerating still changes files: generation is not deterministic"',
  '  git apply --stat "$PATCH"',
  '  exit 1',
  'fi',
  'git apply --index "$PATCH"',
  'git -c user.name="$AUTHOR_NAME" -c user.email="$AUTHOR_EMAIL" commit --quiet -m "chore: regenerate the generated files (npx projen)"',
  ...gitTokenAuth('PUSH_TOKEN'),
  'git push origin "HEAD:refs/heads/$HEAD_REF"',
].join('\n');

/** synth: `npx projen` on the pull request's head; read-only, no secret; the patch as an artifact. */
export function synthJob(s: SelfMutation, settings: WorkflowSettings): WorkflowJob {
  return {
    name: 'Self-mutation: regenerate the files of an update pull request',
    if: s.condition,
    ...settings.runsOn,
    grants: new Grants().grant('contents', JobPermission.READ, 'check out the pull request\'s head'),
    timeoutMinutes: settings.timeouts.selfMutation,
    outputs: { changed: { stepId: 'synth', outputName: 'changed' } },
    steps: [
      checkout({ ref: PR_HEAD }),
      ...setupNode(settings.nodeVersion, NO_CACHE),
      {
        name: 'npx projen, and the files it changed as a patch',
        id: 'synth',
        // Not CI: projen's post-synthesis then runs npm install (updating package-lock.json for a
        // dependency changed in the configuration) instead of npm ci, which would refuse the change.
        env: { CI: 'false', PATCH },
        run: SYNTH_SCRIPT,
      },
      {
        name: 'Hand the patch to the push job',
        if: 'steps.synth.outputs.changed == \'true\'',
        uses: uses(ACTIONS.uploadArtifact),
        with: { 'name': ARTIFACT, 'path': PATCH, 'retention-days': 1, 'if-no-files-found': 'error' },
      },
    ],
  };
}

/** self-mutation: commits synth's patch and pushes it with the environment's token; runs no code of the pull request. */
export function pushJob(s: SelfMutation, settings: WorkflowSettings): WorkflowJob {
  return {
    name: 'Self-mutation: push the regenerated files to the pull request',
    needs: ['synth'],
    if: `${s.condition} && needs.synth.outputs.changed == 'true'`,
    ...settings.runsOn,
    environment: s.environment,
    grants: new Grants().grant('contents', JobPermission.READ, 'check out the pull request\'s head (the push uses the environment\'s token)'),
    timeoutMinutes: settings.timeouts.selfMutation,
    steps: [
      checkout({ ref: PR_HEAD }),
      { name: 'The patch from synth', uses: uses(ACTIONS.downloadArtifact), with: { name: ARTIFACT, path: '${{ runner.temp }}' } },
      {
        name: 'Commit the regenerated files and push them to the pull request\'s branch',
        env: {
          PATCH,
          HEAD_REF: '${{ github.head_ref }}',
          PUSH_TOKEN: secretRef(s.tokenSecret),
          TOKEN_SECRET: s.tokenSecret,
          ENVIRONMENT: s.environment,
          AUTHOR_NAME: s.author.name,
          AUTHOR_EMAIL: s.author.email,
        },
        run: PUSH_SCRIPT,
      },
    ],
  };
}
