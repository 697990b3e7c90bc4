import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GitHubReleaseEntry } from '../../../src/release-runtime/github-release';
import { REPO_ROOT, tempDir } from '../../synth';
import { DIGEST, GCR, GHCR, REPO, identity, rel } from '../release-runtime/release-fixtures';

/**
 * A stub `gh` with a release list in `releases.json`: `release list` prints it, `create` and
 * `edit` change it as GitHub does (one Latest), every call is recorded in `gh-calls.json`.
 */
const STUB_GH = `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
const dir = process.env.GH_STATE;
const calls = fs.existsSync(dir + '/gh-calls.json') ? JSON.parse(fs.readFileSync(dir + '/gh-calls.json', 'utf8')) : [];
calls.push(args);
fs.writeFileSync(dir + '/gh-calls.json', JSON.stringify(calls));
const releases = JSON.parse(fs.readFileSync(dir + '/releases.json', 'utf8'));
const save = () => fs.writeFileSync(dir + '/releases.json', JSON.stringify(releases));
const flag = (name) => { const a = args.find((x) => x.startsWith('--' + name + '=')); return a === undefined ? undefined : a.split('=')[1]; };
if (args[0] === 'release' && args[1] === 'list') { process.stdout.write(JSON.stringify(releases)); process.exit(0); }
if (args[0] === 'release' && (args[1] === 'create' || args[1] === 'edit')) {
  let r = releases.find((x) => x.tagName === args[2]);
  if (args[1] === 'create') { if (r) { console.error('release already exists'); process.exit(1); } r = { tagName: args[2], isLatest: false, isDraft: false, isPrerelease: false }; releases.push(r); }
  if (!r) { console.error('release not found'); process.exit(1); }
  if (flag('prerelease') !== undefined) r.isPrerelease = flag('prerelease') === 'true';
  if (flag('latest') === 'true') for (const x of releases) x.isLatest = x === r;
  const notes = args.indexOf('--notes-file');
  if (notes >= 0) fs.copyFileSync(args[notes + 1], dir + '/body-' + args[2] + '.md');
  save(); process.exit(0);
}
console.error('unexpected gh ' + args.join(' ')); process.exit(3);
`;

describe('release-notes: creates or edits the GitHub Release with a stub gh that records its calls', () => {
  function world(releases: GitHubReleaseEntry[]) {
    const dir = tempDir('gh-');
    fs.writeFileSync(path.join(dir, 'gh'), STUB_GH, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'releases.json'), JSON.stringify(releases));
    const run = (tag: string, latestRelease: string, prerelease = 'false') => spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/release-notes.ts'),
      '--tag', tag, '--digest', DIGEST, '--image', GCR, '--image', GHCR, '--tags', `${tag}\n${tag}-abc1234`, '--platforms', 'linux/amd64,linux/arm64',
      '--prerelease', prerelease, '--latest-release', latestRelease, '--identity', identity, '--repository', REPO, '--sbom'], { encoding: 'utf8', env: { ...process.env, GH: path.join(dir, 'gh'), GH_STATE: dir } });
    const state = () => JSON.parse(fs.readFileSync(path.join(dir, 'releases.json'), 'utf8')) as GitHubReleaseEntry[];
    const calls = () => (JSON.parse(fs.readFileSync(path.join(dir, 'gh-calls.json'), 'utf8')) as string[][]).map((c) => c.filter((a) => !a.includes('/body.md')));
    const latest = () => state().filter((r) => r.isLatest).map((r) => r.tagName);
    return { dir, run, state, calls, latest };
  }

  it('creates the release with --verify-tag, the body, and Latest when it is the highest', () => {
    const w = world([rel('v1.0.0', true)]);
    const r = w.run('v1.1.0', 'v1.1.0');
    expect(r.status, r.stderr).toBe(0);
    expect(w.calls()).toEqual([
      ['release', 'list', '--repo', REPO, '--limit', '1000', '--json', 'tagName,isLatest,isDraft,isPrerelease'],
      ['release', 'create', 'v1.1.0', '--repo', REPO, '--verify-tag', '--generate-notes', '--title', 'v1.1.0', '--notes-file', '--prerelease=false', '--latest=true'],
    ]);
    expect(w.latest()).toEqual(['v1.1.0']);
    expect(fs.readFileSync(path.join(w.dir, 'body-v1.1.0.md'), 'utf8')).toContain(`cosign verify ${GHCR}@${DIGEST}`);
  });

  it('two tags in either order, a re-run of the old one, three in a row: the highest ends up Latest', () => {
    for (const order of [['v1.1.0', 'v1.2.0'], ['v1.2.0', 'v1.1.0'], ['v1.1.0', 'v1.2.0', 'v1.1.0'], ['v1.3.0', 'v1.1.0', 'v1.2.0']]) {
      const w = world([rel('v1.0.0', true)]);
      const published: string[] = ['v1.0.0'];
      for (const tag of order) {
        published.push(tag);
        // What promote decides in the lane: the highest release the registries show now.
        const highest = [...published].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop()!;
        const r = w.run(tag, highest);
        expect(r.status, r.stderr).toBe(0);
      }
      expect(w.latest(), order.join(' → ')).toEqual([[...order].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop()]);
    }
  }, 600_000); // eleven runs of the program: generous on a busy machine

  it('a re-run of an old tag puts a backwards badge back on the highest release', () => {
    const w = world([rel('v1.0.0', true), rel('v1.1.0')]);
    const r = w.run('v1.0.0', 'v1.1.0');
    expect(r.status, r.stderr).toBe(0);
    expect(w.calls().slice(1)).toEqual([
      ['release', 'edit', 'v1.0.0', '--repo', REPO, '--title', 'v1.0.0', '--notes-file', '--prerelease=false'],
      ['release', 'edit', 'v1.1.0', '--repo', REPO, '--latest=true'],
    ]);
    expect(w.latest()).toEqual(['v1.1.0']);
    expect(r.stdout).toContain('GitHub\'s Latest moved to v1.1.0, the highest release in the registries');
  });

  it('a prerelease is marked so and never takes Latest', () => {
    const w = world([rel('v1.0.0', true)]);
    expect(w.run('v2.0.0-rc.1', 'v1.0.0', 'true').status).toBe(0);
    expect(w.state().find((r) => r.tagName === 'v2.0.0-rc.1')).toMatchObject({ isPrerelease: true, isLatest: false });
    expect(w.latest()).toEqual(['v1.0.0']);
  });

  it('a gh failure is one line naming the command, exit 1', () => {
    const w = world([]);
    fs.writeFileSync(path.join(w.dir, 'gh'), '#!/bin/sh\necho "HTTP 403: Resource not accessible by integration" >&2\nexit 1\n', { mode: 0o755 });
    const r = w.run('v1.0.0', 'v1.0.0');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('release-notes: gh release list failed: HTTP 403: Resource not accessible by integration\n');
  });
});
