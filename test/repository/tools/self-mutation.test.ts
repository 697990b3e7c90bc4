import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RE2 } from 're2-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, synthRepository, tempDir } from '../../synth';
import { PIN_FILES } from '../../../projenrc/upkeep';
import { ACTIONS } from '../../../src/github/actions';
import { RENOVATE_CONFIG_FILE, RenovateRegexManager } from '../../../src/renovate';

/*
 * build.yml's self-mutation, run for real against a local bare repository standing in for
 * GitHub: a Renovate-like commit changes one pin in the TypeScript source and is pushed to a
 * renovate/ branch; the synth job's script regenerates the files in a checkout of it (the real
 * `npx projen`), the push job's script commits the patch in another checkout and pushes it.
 */

const out = synthRepository();
const build = parse(out.read('.github/workflows/build.yml'));
const synthStep = build.jobs.synth.steps.find((s: any) => s.id === 'synth');
const pushStep = build.jobs['self-mutation'].steps.find((s: any) => /^Commit the regenerated/.test(s.name));
const renovate = JSON.parse(out.read(RENOVATE_CONFIG_FILE).split('\n').slice(1).join('\n'));
const manager = (datasource: string): RenovateRegexManager => renovate.customManagers.find((m: RenovateRegexManager) => m.datasourceTemplate === datasource);

const AUTHOR = out.plugin.selfMutation!.author;
const NEW_SHA = 'feedfacecafebeef0123456789abcdef01234567';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** A bare repository holding this working tree's tracked files as `main`. */
function seedRemote(): string {
  const remote = tempDir('self-mutation-remote-');
  git(remote, 'init', '-q', '--bare');
  const seed = tempDir('self-mutation-seed-');
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && fs.existsSync(path.join(REPO_ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(seed, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, f), path.join(seed, f));
  }
  git(seed, 'init', '-q');
  git(seed, 'add', '--all');
  git(seed, 'commit', '-q', '-m', 'main');
  git(seed, 'push', '-q', remote, 'HEAD:refs/heads/main');
  return remote;
}

/** A checkout of `branch`, as actions/checkout leaves it (origin = the remote), with this repository's node_modules. */
function checkout(remote: string, branch: string): string {
  const dir = tempDir('self-mutation-checkout-');
  git(dir, 'clone', '-q', '--branch', branch, remote, '.');
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.appendFileSync(path.join(dir, '.git/info/exclude'), 'node_modules\n');
  return dir;
}

/**
 * What Renovate does with a custom manager's match: the captured value (and digest) replaced
 * in place, or the whole match by autoReplaceStringTemplate; committed by the bot and pushed.
 */
function renovateCommit(remote: string, branch: string, file: string, m: RenovateRegexManager, depName: string, update: (match: string) => string): void {
  const dir = checkout(remote, 'main');
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const re = new RE2(m.matchStrings[0], 'gmu');
  const matches: string[] = [];
  for (let g = re.exec(text); g; g = re.exec(text)) if (g.groups?.depName === depName) matches.push(g[0]!);
  expect(matches, `${depName} in ${file}`).toHaveLength(1);
  fs.writeFileSync(path.join(dir, file), text.replace(matches[0], update(matches[0])));
  git(dir, 'checkout', '-q', '-b', branch);
  execFileSync('git', ['-c', 'user.name=renovate[bot]', '-c', 'user.email=29139614+renovate[bot]@users.noreply.github.com', 'commit', '-q', '-am', `chore(deps): update ${depName}`], { cwd: dir });
  git(dir, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
}

/** Runs a generated step's script with bash -e in `cwd`, with the step's environment, as a runner does. */
function runIn(cwd: string, step: { run: string; env?: Record<string, string> }, env: Record<string, string>) {
  const runnerTemp = tempDir('runner-temp-');
  const output = path.join(runnerTemp, 'github-output');
  fs.writeFileSync(output, '');
  const stepEnv = Object.fromEntries(Object.entries<string>(step.env ?? {}).map(([k, v]) => [k, v.replace('${{ runner.temp }}', runnerTemp)]));
  const all = { PATH: process.env.PATH!, HOME: process.env.HOME!, GITHUB_SERVER_URL: 'https://github.com', GITHUB_OUTPUT: output, ...stepEnv, ...env };
  for (const [k, v] of Object.entries(all)) expect(v, `${k}: an expression the test does not provide`).not.toMatch(/\$\{\{/);
  const r = spawnSync('bash', ['-e', '-c', step.run], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: all });
  return { ...r, output: fs.readFileSync(output, 'utf8'), patch: path.join(runnerTemp, 'self-mutation.patch') };
}

/** The push step's environment as GitHub gives it for a pull request of `branch` (the secret: a made-up token). */
const pushEnv = (branch: string, patch: string, token = 'made-up-token') => ({ PATCH: patch, HEAD_REF: branch, PUSH_TOKEN: token });

const branchHead = (remote: string, branch: string) => git(remote, 'rev-parse', `refs/heads/${branch}`);

describe('self-mutation against a local git remote', () => {
  const BRANCH = 'renovate/actions-checkout-7.x';
  let remote: string;
  let renovateHead: string;
  let synth: ReturnType<typeof runIn>;

  beforeAll(() => {
    expect(synthStep.env.PATCH).toBe('${{ runner.temp }}/self-mutation.patch');
    expect(pushStep.env.PUSH_TOKEN).toBe('${{ secrets.PROJEN_GITHUB_TOKEN }}');
    remote = seedRemote();
    // Renovate bumps actions/checkout in src/github/actions.ts: the tag (the value) and the commit (the digest).
    const { repo, tag, sha } = ACTIONS.checkout;
    renovateCommit(remote, BRANCH, PIN_FILES.actions, manager('github-tags'), repo, (match) => match.replace(tag, 'v7.0.2').replace(sha, NEW_SHA));
    renovateHead = branchHead(remote, BRANCH);
    synth = runIn(checkout(remote, BRANCH), synthStep, {});
  }, 180_000);

  it('synth: npx projen on the pull request\'s head changes exactly the two workflows, handed on as a patch', () => {
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.output).toBe('changed=true\n');
    const files = execFileSync('git', ['apply', '--numstat', synth.patch], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t')[2]);
    expect(files).toEqual(['.github/workflows/build.yml', '.github/workflows/release.yml']);
  });

  it('the push job commits the patch on top of the bot\'s commit and pushes it to the branch; the token never reaches .git/config', () => {
    const dir = checkout(remote, BRANCH);
    const r = runIn(dir, pushStep, pushEnv(BRANCH, synth.patch));
    expect(r.status, r.stderr).toBe(0);
    const head = branchHead(remote, BRANCH);
    expect(head).not.toBe(renovateHead);
    expect(git(remote, 'rev-parse', `${head}^`)).toBe(renovateHead);
    expect(git(remote, 'log', '-1', '--format=%an <%ae>|%s', head)).toBe(`${AUTHOR.name} <${AUTHOR.email}>|chore: regenerate the generated files (npx projen)`);
    expect(git(remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', head).split('\n')).toEqual(['.github/workflows/build.yml', '.github/workflows/release.yml']);
    expect(fs.readFileSync(path.join(dir, '.git/config'), 'utf8')).not.toContain('made-up-token');
  });

  it('the pushed branch is complete and drift-free: every checkout uses the new pin, and npx projen --no-post changes nothing', () => {
    const dir = checkout(remote, BRANCH);
    const workflows = ['build.yml', 'release.yml'].map((f) => fs.readFileSync(path.join(dir, '.github/workflows', f), 'utf8')).join('\n');
    expect(workflows).toContain(`actions/checkout@${NEW_SHA} # v7.0.2`);
    expect(workflows).not.toContain(ACTIONS.checkout.sha);
    execFileSync('npx', ['projen', '--no-post'], { cwd: dir, stdio: 'pipe' });
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // The snapshots keep pins as placeholders: the bot's branch passes them without an update.
    const snapshots = spawnSync('npx', ['vitest', 'run', '--project', 'unit', 'test/repository/tools/workflows.test.ts', 'test/library/dockerfile.test.ts', '-t', 'matches the snapshot'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(snapshots.status, `${snapshots.stdout}\n${snapshots.stderr}`.slice(-3000)).toBe(0);
    expect(snapshots.stdout).toMatch(/Tests +3 passed/);
  }, 180_000);

  it('a second run changes nothing: synth hands on no patch, so nothing is pushed', () => {
    const before = branchHead(remote, BRANCH);
    const again = runIn(checkout(remote, BRANCH), synthStep, {});
    expect(again.status, again.stderr).toBe(0);
    expect(again.output).toBe('changed=false\n');
    expect(fs.existsSync(again.patch)).toBe(false);
    expect(build.jobs['self-mutation'].if).toContain("needs.synth.outputs.changed == 'true'");
    expect(branchHead(remote, BRANCH)).toBe(before);
  }, 120_000);

  it('the push job refuses to push on top of its own commit (generation that never settles cannot loop)', () => {
    const before = branchHead(remote, BRANCH);
    const r = runIn(checkout(remote, BRANCH), pushStep, pushEnv(BRANCH, synth.patch));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`::error::the last commit of ${BRANCH} is already a self-mutation`);
    expect(branchHead(remote, BRANCH)).toBe(before);
  });

  it('without the token secret the push job stops with a clear error and pushes nothing', () => {
    const branch = 'renovate/no-token';
    git(remote, 'branch', branch, renovateHead);
    const r = runIn(checkout(remote, branch), pushStep, pushEnv(branch, synth.patch, ''));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('::error::the secret PROJEN_GITHUB_TOKEN is not set in the self-mutation environment');
    expect(branchHead(remote, branch)).toBe(renovateHead);
  });

  it('a failing synth (an update go.mod does not match) hands on no patch: nothing is pushed, and the error names the option', () => {
    const branch = 'renovate/golang-1.x';
    const m = manager('docker');
    renovateCommit(remote, branch, 'projenrc/cq-source-s3.ts', m, 'golang', (match) => match.replace(/tag: '[^']+'/, "tag: '1.26.99'"));
    const before = branchHead(remote, branch);
    const r = runIn(checkout(remote, branch), synthStep, {});
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('CloudQueryGoPlugin option "builderBase.tag" is invalid: "1.26.99" must be the Go version go.mod asks for');
    expect(r.output).toBe('');
    expect(fs.existsSync(r.patch)).toBe(false);
    expect(branchHead(remote, branch)).toBe(before);
  }, 120_000);
});
