import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO_ROOT, tempDir } from '../../synth';

const RELEASE = '.github/workflows/release.yml';
const BUILD = '.github/workflows/build.yml';

/** A git repository whose one commit holds this checkout's generated workflows and Dockerfile. */
function repository(): string {
  const dir = tempDir('review-');
  const git = (...args: string[]) => spawnSync('git', ['-C', dir, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
  fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
  for (const f of [RELEASE, BUILD, 'Dockerfile']) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('tag', 'base');
  return dir;
}

function review(dir: string, base = 'base') {
  return spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/review-pipeline.ts'), '--base', base, '--dir', dir], { encoding: 'utf8' });
}

/** Edits a workflow of the working tree as parsed YAML. */
function editWorkflow(dir: string, file: string, edit: (doc: any) => void): void {
  const doc = parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  edit(doc);
  fs.writeFileSync(path.join(dir, file), stringify(doc));
}

const widens = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('- widens:'));

describe('review-pipeline --base <ref>: what a pull request does to the trust boundary', () => {
  it('a no-op: no "- widens:" line', () => {
    const dir = repository();
    const r = review(dir);
    expect(r.status, r.stderr).toBe(0);
    expect(widens(r.stdout)).toEqual([]);
    expect(r.stdout).toBe('## Pipeline review against `base`\n\nThe generated workflows and Dockerfile do not widen the trust boundary.\n');
  });

  it('a change that widens nothing (a step renamed, YAML reformatted): no "- widens:" line', () => {
    const dir = repository();
    editWorkflow(dir, RELEASE, (d) => { d.jobs.test.steps[0].name = 'Check out the tagged commit'; d.jobs.sign['timeout-minutes'] = 20; });
    expect(widens(review(dir).stdout)).toEqual([]);
  });

  it.each([
    ['a job gains a write permission', (d: string) => editWorkflow(d, RELEASE, (w) => { w.jobs.e2e.permissions.packages = 'write'; }), 'release.yml: job e2e gains `packages: write`'],
    ['a job gains id-token', (d: string) => editWorkflow(d, RELEASE, (w) => { w.jobs.build.permissions['id-token'] = 'write'; }), 'release.yml: job build gains `id-token: write`'],
    ['a new job with a write permission', (d: string) => editWorkflow(d, BUILD, (w) => { w.jobs.deploy = { 'runs-on': 'ubuntu-24.04', 'permissions': { contents: 'write' }, 'steps': [{ run: 'true' }] }; }), 'build.yml: job deploy gains `contents: write` (new job)'],
    ['a new action', (d: string) => editWorkflow(d, RELEASE, (w) => { w.jobs.test.steps.push({ uses: 'someone/action@0123456789012345678901234567890123456789' }); }), 'release.yml: new action `someone/action@0123456789012345678901234567890123456789`'],
    ['a changed pin', (d: string) => editWorkflow(d, RELEASE, (w) => { w.jobs.sign.steps.find((s: any) => s.uses?.startsWith('sigstore/cosign-installer@')).uses = 'sigstore/cosign-installer@ffffffffffffffffffffffffffffffffffffffff'; }), 'release.yml: `sigstore/cosign-installer` pinned to ffffffffffffffffffffffffffffffffffffffff (was'],
    ['a new secret read', (d: string) => editWorkflow(d, BUILD, (w) => { w.jobs.build.env = { T: '${{ secrets.NPM_TOKEN }}' }; }), 'build.yml: reads secrets.NPM_TOKEN'],
    ['a new variable read', (d: string) => editWorkflow(d, RELEASE, (w) => { w.jobs.test.env = { R: '${{ vars.REGISTRY_MIRROR }}' }; }), 'release.yml: reads vars.REGISTRY_MIRROR'],
    ['a new trigger', (d: string) => editWorkflow(d, BUILD, (w) => { w.on.pull_request_target = {}; }), 'build.yml: new trigger `pull_request_target`'],
    ['a base image change', (d: string) => fs.writeFileSync(path.join(d, 'Dockerfile'), fs.readFileSync(path.join(d, 'Dockerfile'), 'utf8').replace(/golang:[0-9.]+/g, 'golang:9.9.9')), 'Dockerfile: base image `golang:9.9.9`'],
    ['a service image change', (d: string) => editWorkflow(d, RELEASE, (w) => { w.jobs.e2e.services.localstack.image = 'localstack/localstack:latest'; }), 'release.yml: job e2e service localstack image `localstack/localstack:latest` (was `localstack/localstack:4.14.0`)'],
    ['a package manager beside a credential', (d: string) => editWorkflow(d, RELEASE, (w) => { w.jobs.promote.steps.splice(1, 0, { name: 'deps', run: 'npm ci --no-audit' }); }), 'release.yml: job promote (holding contents: write, packages: write, id-token: write) runs a package manager: `npm ci --no-audit`'],
    ['a job leaves the release environment', (d: string) => editWorkflow(d, RELEASE, (w) => { delete w.jobs.sign.environment; }), 'release.yml: job sign leaves the `release` environment'],
    ['a new workflow', (d: string) => fs.writeFileSync(path.join(d, '.github/workflows/extra.yml'), 'on: workflow_dispatch\njobs: {}\n'), 'extra.yml: a new workflow (triggers: workflow_dispatch)'],
  ])('%s is flagged', (_, change, line) => {
    const dir = repository();
    change(dir);
    const r = review(dir);
    expect(r.status, r.stderr).toBe(0);
    expect(widens(r.stdout).join('\n')).toContain(`- widens: ${line}`);
  });

  it('a base that is not a commit: one line, exit 2', () => {
    const r = review(repository(), 'no-such-ref');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^review-pipeline: --base "no-such-ref" is not a commit of .* \(fetch it first\)\n$/);
  });
});
