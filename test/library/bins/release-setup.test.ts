import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { releaseSetupCommands } from '../../../src/release-runtime/setup';
import { REPO_ROOT, tempDir } from '../../synth';

const REPO = 'cq-source-s3/cq-source-s3';
const ARGS = ['--repository', REPO, '--plugin', 'cq-source-s3', '--gcr-host', 'gcr.io', '--environment', 'release'];
const SA = 'cq-source-s3-release@my-project.iam.gserviceaccount.com';
const CONDITION = `assertion.repository == '${REPO}' && assertion.environment == 'release'`;

/**
 * Stub `gcloud` and `gh`: each records its argument vector (one JSON line per call in calls.jsonl)
 * and answers from answers.json (the arguments joined by spaces → { status, stdout }); anything
 * else exits `DEFAULT_STATUS` (0 when running the script, 1 for --check: not there).
 */
const STUB = `#!/usr/bin/env node
const fs = require('fs'); const path = require('path');
const dir = path.dirname(process.argv[1]); const tool = path.basename(process.argv[1]);
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify([tool, ...args]) + '\\n');
if (args.includes('--input')) fs.appendFileSync(path.join(dir, 'inputs.jsonl'), fs.readFileSync(0, 'utf8').trim() + '\\n');
const answers = JSON.parse(fs.readFileSync(path.join(dir, 'answers.json'), 'utf8'));
const a = answers[tool + ' ' + args.join(' ')];
if (a) { process.stdout.write(a.stdout || ''); process.exit(a.status || 0); }
process.exit(Number(process.env.DEFAULT_STATUS || 0));
`;

function stubs(answers: Record<string, { status?: number; stdout?: string }>, tools: ('gcloud' | 'gh')[] = ['gcloud', 'gh']) {
  const dir = tempDir('setup-stubs-');
  for (const t of tools) fs.writeFileSync(path.join(dir, t), STUB, { mode: 0o755 });
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(answers));
  const calls = () => fs.existsSync(path.join(dir, 'calls.jsonl')) ? fs.readFileSync(path.join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
  const inputs = () => fs.readFileSync(path.join(dir, 'inputs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  // Only the stubs and node on PATH (this machine has a real gcloud beside node in /usr/bin): it is never called.
  const env = { PATH: dir, HOME: dir };
  return { dir, calls, inputs, env };
}

/** release-setup with `env` alone: PATH is the stubs' directory (or one with node only). */
const setup = (args: string[], env: Record<string, string>) =>
  spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/release-setup.ts'), ...ARGS, ...args], { encoding: 'utf8', env: env.PATH ? env : { ...env, ...stubs({}, []).env } });

describe('release:setup prints the one-time commands for this repository', () => {
  it('the task passes this repository\'s settings', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, '.projen/tasks.json'), 'utf8')).tasks;
    expect(tasks['release:setup'].steps[0].exec).toBe(`tsx src/cli/release-setup.ts ${ARGS.join(' ')}`);
  });

  it('the script runs, and calls gcloud and gh with exactly the generated commands (stubs record them)', () => {
    const printed = setup([], { PATH: '' });
    expect(printed.status, printed.stderr).toBe(0);
    const s = stubs({ 'gcloud projects describe my-project --format=value(projectNumber)': { stdout: '123456789\n' } });
    const script = path.join(s.dir, 'setup.sh');
    fs.writeFileSync(script, printed.stdout);
    const r = spawnSync('/bin/bash', [script], { encoding: 'utf8', env: { ...s.env, GCP_PROJECT_ID: 'my-project' } });
    expect(r.status, r.stderr).toBe(0);
    const expected = releaseSetupCommands({ repository: REPO, plugin: 'cq-source-s3', project: 'my-project' })
      .map((c) => [c.tool, ...c.args.map((a) => a.replace('$PROJECT_NUMBER', '123456789'))]);
    expect(s.calls()).toEqual([['gcloud', 'projects', 'describe', 'my-project', '--format=value(projectNumber)'], ...expected]);
    expect(s.calls().map((c) => c.join(' ')).join('\n')).not.toContain('$');
    expect(s.inputs()).toEqual([
      { deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } },
      { name: 'release tags', target: 'tag', enforcement: 'active', conditions: { ref_name: { include: ['refs/tags/v*'], exclude: [] } }, rules: [{ type: 'deletion' }, { type: 'update' }, { type: 'non_fast_forward' }] },
    ]);
  });

  it('sets up what the issue lists: the gcr.io repository in us, public read, WIF with the repository condition, the roles, the APIs, the environment, its tag rule, a ruleset, the variables', () => {
    const lines = releaseSetupCommands({ repository: REPO, plugin: 'cq-source-s3', project: 'my-project' }).map((c) => [c.tool, ...c.args].join(' '));
    for (const expected of [
      'gcloud services enable artifactregistry.googleapis.com iamcredentials.googleapis.com sts.googleapis.com iam.googleapis.com --project my-project',
      'gcloud artifacts repositories create gcr.io --repository-format=docker --location=us --project my-project --description=cq-source-s3 release images',
      'gcloud artifacts repositories add-iam-policy-binding gcr.io --location=us --project my-project --member=allUsers --role=roles/artifactregistry.reader',
      `gcloud artifacts repositories add-iam-policy-binding gcr.io --location=us --project my-project --member=serviceAccount:${SA} --role=roles/artifactregistry.writer`,
      `--attribute-condition=${CONDITION}`,
      `gcloud iam service-accounts add-iam-policy-binding ${SA} --project my-project --role=roles/iam.workloadIdentityUser --member=principalSet://iam.googleapis.com/projects/$PROJECT_NUMBER/locations/global/workloadIdentityPools/github/attribute.repository/${REPO}`,
      `gh api --method POST repos/${REPO}/environments/release/deployment-branch-policies -f name=v* -f type=tag`,
      `gh variable set GCP_WORKLOAD_IDENTITY_PROVIDER --repo ${REPO} --body projects/$PROJECT_NUMBER/locations/global/workloadIdentityPools/github/providers/cq-source-s3`,
    ]) expect(lines.join('\n')).toContain(expected);
  });

  it.each([
    [['--repository', 'not a repo'], '--repository "not a repo" is not OWNER/REPO'],
    [['--project', 'X'], '--project "X" is not a Google Cloud project id'],
    [['--gcr-host', 'quay.io'], '--gcr-host "quay.io" must be one of gcr.io, us.gcr.io, eu.gcr.io, asia.gcr.io'],
  ])('refuses %j with one line, exit 2', (args, message) => {
    const r = setup(args, { PATH: '' });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.startsWith(`release-setup: ${message}`)).toBe(true);
  });
});

describe('release:setup --check reports what is missing (stub gcloud and gh)', () => {
  const P = '--project my-project';
  const everything: Record<string, { status?: number; stdout?: string }> = {
    [`gcloud services list --enabled ${P} --format=value(config.name)`]: { stdout: 'artifactregistry.googleapis.com\niamcredentials.googleapis.com\nsts.googleapis.com\niam.googleapis.com\ncompute.googleapis.com\n' },
    'gcloud version': {},
    [`gcloud artifacts repositories describe gcr.io --location=us ${P} --format=value(name)`]: { stdout: 'gcr.io\n' },
    [`gcloud artifacts repositories get-iam-policy gcr.io --location=us ${P} --format=json`]: { stdout: JSON.stringify({ bindings: [{ role: 'roles/artifactregistry.reader', members: ['allUsers'] }, { role: 'roles/artifactregistry.writer', members: [`serviceAccount:${SA}`] }] }) },
    [`gcloud iam workload-identity-pools providers describe cq-source-s3 --location=global --workload-identity-pool=github ${P} --format=json`]: { stdout: JSON.stringify({ attributeCondition: CONDITION }) },
    'gcloud projects describe my-project --format=value(projectNumber)': { stdout: '42\n' },
    [`gcloud iam service-accounts get-iam-policy ${SA} ${P} --format=json`]: { stdout: JSON.stringify({ bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [`principalSet://iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/github/attribute.repository/${REPO}`] }] }) },
    'gh --version': {},
    [`gh api repos/${REPO} --jq .visibility`]: { stdout: 'public\n' },
    [`gh api repos/${REPO}/environments/release`]: { stdout: JSON.stringify({ deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } }) },
    [`gh api repos/${REPO}/environments/release/deployment-branch-policies`]: { stdout: JSON.stringify({ branch_policies: [{ name: 'v*', type: 'tag' }] }) },
    [`gh api repos/${REPO}/rulesets`]: { stdout: JSON.stringify([{ name: 'release tags', target: 'tag', enforcement: 'active' }]) },
    [`gh variable list --repo ${REPO} --json name`]: { stdout: JSON.stringify([{ name: 'GCP_PROJECT_ID' }, { name: 'GCP_WORKLOAD_IDENTITY_PROVIDER' }, { name: 'GCP_SERVICE_ACCOUNT' }]) },
  };

  it('everything set up: every line ok, exit 0, read-only calls only', () => {
    const s = stubs(everything);
    const r = setup(['--check', '--project', 'my-project'], { ...s.env, DEFAULT_STATUS: '1' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(16);
    expect(lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
    const verbs = s.calls().map((c) => c.slice(1).find((a) => /^(?:list|describe|get-iam-policy|version|--version|api|variable)$/.test(a)));
    expect(verbs.every(Boolean)).toBe(true);
    expect(s.calls().some((c) => /^(?:create|enable|set|add-iam-policy-binding)$/.test(c[2] ?? '') || c.includes('--method'))).toBe(false);
  });

  it.each([
    ['the STS API is off', (a: any) => { a[`gcloud services list --enabled ${P} --format=value(config.name)`].stdout = 'artifactregistry.googleapis.com\niamcredentials.googleapis.com\niam.googleapis.com\n'; }, 'MISSING gcloud: API sts.googleapis.com enabled — fix: gcloud services enable'],
    ['no gcr.io repository', (a: any) => { delete a[`gcloud artifacts repositories describe gcr.io --location=us ${P} --format=value(name)`]; }, 'MISSING gcloud: Artifact Registry repository gcr.io in us — fix: gcloud artifacts repositories create gcr.io'],
    ['not public', (a: any) => { a[`gcloud artifacts repositories get-iam-policy gcr.io --location=us ${P} --format=json`].stdout = JSON.stringify({ bindings: [{ role: 'roles/artifactregistry.writer', members: [`serviceAccount:${SA}`] }] }); }, 'MISSING gcloud: public read on gcr.io (allUsers: roles/artifactregistry.reader)'],
    ['a provider open to every repository', (a: any) => { a[`gcloud iam workload-identity-pools providers describe cq-source-s3 --location=global --workload-identity-pool=github ${P} --format=json`].stdout = '{}'; }, 'MISSING gcloud: WIF provider github/cq-source-s3 accepting only cq-source-s3/cq-source-s3 (release)'],
    ['the binding names another repository', (a: any) => { a[`gcloud iam service-accounts get-iam-policy ${SA} ${P} --format=json`].stdout = JSON.stringify({ bindings: [{ role: 'roles/iam.workloadIdentityUser', members: ['principalSet://iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/github/attribute.repository/someone/else'] }] }); }, `MISSING gcloud: cq-source-s3/cq-source-s3 may act as ${SA}`],
    ['no environment', (a: any) => { delete a[`gh api repos/${REPO}/environments/release`]; }, 'MISSING gh: environment release with custom deployment rules — fix: gh api --method PUT'],
    ['branches may deploy', (a: any) => { a[`gh api repos/${REPO}/environments/release/deployment-branch-policies`].stdout = JSON.stringify({ branch_policies: [{ name: 'main', type: 'branch' }] }); }, 'MISSING gh: only v* tags deploy to release'],
    ['no tag ruleset', (a: any) => { a[`gh api repos/${REPO}/rulesets`].stdout = '[]'; }, 'MISSING gh: an active tag ruleset'],
    ['a variable missing', (a: any) => { a[`gh variable list --repo ${REPO} --json name`].stdout = JSON.stringify([{ name: 'GCP_PROJECT_ID' }]); }, 'MISSING gh: repository variable GCP_SERVICE_ACCOUNT — fix: gh variable set GCP_SERVICE_ACCOUNT'],
  ])('%s: one MISSING line with the command that fixes it, exit 1', (_, mutate, line) => {
    const answers = JSON.parse(JSON.stringify(everything));
    mutate(answers);
    const s = stubs(answers);
    const r = setup(['--check', '--project', 'my-project'], { ...s.env, DEFAULT_STATUS: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(line);
    expect(r.stderr).toMatch(/^release-setup: \d+ item\(s\) of the release setup are missing/);
  });

  it('a private repository is a warning that says what it needs', () => {
    const answers = JSON.parse(JSON.stringify(everything));
    answers[`gh api repos/${REPO} --jq .visibility`].stdout = 'private\n';
    const s = stubs(answers);
    const r = setup(['--check', '--project', 'my-project'], { ...s.env, DEFAULT_STATUS: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('warn    gh: repository is private — ubuntu-24.04-arm runners are free for public repositories only');
  });

  it('without gcloud, or without a project, the Google Cloud checks are skipped and said so; gh still checks', () => {
    const s = stubs(everything, ['gh']);
    const r = setup(['--check', '--project', 'my-project'], { ...s.env, DEFAULT_STATUS: '1' });
    expect(r.stdout).toContain('skipped gcloud: Google Cloud — gcloud is not installed here');
    expect(r.stdout).toContain('ok      gh: repository variable GCP_PROJECT_ID');
    const noProject = setup(['--check'], { ...stubs(everything).env, DEFAULT_STATUS: '1' });
    expect(noProject.stdout).toContain('skipped gcloud: Google Cloud — no project: give --project (or GCP_PROJECT_ID) to check it');
  });
});
