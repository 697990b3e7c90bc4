import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cosignVerifyCommands, githubWorkflowIdentity } from '../../../src/release-runtime/cosign';
import { GitHubReleaseEntry, planGitHubRelease } from '../../../src/release-runtime/github-release';
import { releaseNotes } from '../../../src/release-runtime/release-notes';
import { REPO_ROOT, tempDir } from '../../synth';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const GCR = 'gcr.io/my-project/cq-source-s3';
const GHCR = 'ghcr.io/cq-source-s3/cq-source-s3';
const REPO = 'cq-source-s3/cq-source-s3';
const identity = githubWorkflowIdentity(REPO, '.github/workflows/release.yml', 'refs/tags/v1.2.3');
const rel = (tagName: string, isLatest = false, extra: Partial<GitHubReleaseEntry> = {}): GitHubReleaseEntry => ({ tagName, isLatest, isDraft: false, isPrerelease: false, ...extra });

describe('the release notes body', () => {
  const body = releaseNotes({ digest: DIGEST, tags: ['v1.2.3-abc1234', 'v1.2.3', 'v1.2', 'latest'], images: [GCR, GHCR], platforms: ['linux/amd64', 'linux/arm64'], identity, repository: REPO, sbom: true });

  it('names the digest, platforms and tags, and the pull commands by tag and digest for every registry', () => {
    expect(body).toContain(`Digest: \`${DIGEST}\` — platforms: linux/amd64, linux/arm64\n\nTags: \`v1.2.3-abc1234\`, \`v1.2.3\`, \`v1.2\`, \`latest\`\n`);
    expect(body).toContain(`### ${GCR}\n\`\`\`sh\ndocker pull ${GCR}:v1.2.3-abc1234\ndocker pull ${GCR}:v1.2.3\ndocker pull ${GCR}:v1.2\ndocker pull ${GCR}:latest\ndocker pull ${GCR}@${DIGEST}\n\`\`\``);
  });

  it('gives the exact verify commands for every registry: the same cosign verification promote ran there', () => {
    const verify = body.slice(body.indexOf('## Verify')).split('```sh\n')[1].split('\n```')[0].split('\n');
    expect(verify).toEqual([
      `cosign verify ${GCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `cosign verify-attestation --type spdxjson ${GCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `gh attestation verify oci://${GCR}@${DIGEST} --repo ${REPO}`,
      `cosign verify ${GHCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `cosign verify-attestation --type spdxjson ${GHCR}@${DIGEST} --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
      `gh attestation verify oci://${GHCR}@${DIGEST} --repo ${REPO}`,
    ]);
    const library = cosignVerifyCommands({ images: [GCR, GHCR], digest: DIGEST, identity: { kind: 'keyless', certificateIdentity: identity }, sbom: 'x' });
    expect(verify.filter((l) => l.startsWith('cosign ')).map((l) => l.split(' ').sort())).toEqual(library.map((c) => [...c].sort()));
  });

  it.each([
    [{ digest: 'latest' }, /--digest "latest"/],
    [{ tags: ['v1.2.3`rm -rf`'] }, /tag "v1\.2\.3`rm -rf`" is not a Docker tag/],
    [{ repository: 'o/r\n## Injected' }, /repository "o\/r\\n## Injected" is not OWNER\/REPO/],
    [{ identity: 'file:///x' }, /identity "file:\/\/\/x" is not an https URL/],
    [{ images: ['ghcr.io/o/n:latest'] }, /is not a repository/],
  ])('refuses a value that could change the page: %j', (over, message) => {
    expect(() => releaseNotes({ digest: DIGEST, tags: ['v1.2.3'], images: [GHCR], platforms: ['linux/amd64'], identity, repository: REPO, ...over })).toThrow(message);
  });
});

describe('GitHub\'s Latest follows the registries, decided in the lane', () => {
  it.each([
    ['the first release', 'v1.0.0', 'v1.0.0', [], { exists: false, latest: true, moveLatestTo: undefined }],
    ['a newer release', 'v1.1.0', 'v1.1.0', [rel('v1.0.0', true)], { exists: false, latest: true, moveLatestTo: undefined }],
    ['a hotfix below the highest', 'v1.0.1', 'v1.1.0', [rel('v1.0.0'), rel('v1.1.0', true)], { exists: false, latest: false, moveLatestTo: undefined }],
    ['a re-run of an old tag after the badge went backwards', 'v1.0.0', 'v1.1.0', [rel('v1.0.0', true), rel('v1.1.0')], { exists: true, latest: false, moveLatestTo: 'v1.1.0' }],
    ['a re-run of the highest', 'v1.1.0', 'v1.1.0', [rel('v1.0.0'), rel('v1.1.0', true)], { exists: true, latest: true, moveLatestTo: undefined }],
    ['a prerelease', 'v2.0.0-rc.1', 'v1.1.0', [rel('v1.1.0', true)], { exists: false, latest: false, moveLatestTo: undefined }],
  ] as const)('%s', (_, tag, latestRelease, releases, expected) => {
    expect(planGitHubRelease(tag, latestRelease, releases)).toMatchObject({ ...expected, warnings: [] });
  });

  it('warns when the highest release in the registries has no GitHub Release (its run stopped after promote)', () => {
    const plan = planGitHubRelease('v1.0.1', 'v1.1.0', [rel('v1.0.0', true)]);
    expect(plan.moveLatestTo).toBeUndefined();
    expect(plan.warnings).toEqual(['v1.1.0 is the highest release in the registries but has no published GitHub Release: re-run its release workflow to create it (GitHub\'s Latest stays v1.0.0)']);
  });

  it('never moves the badge to a draft', () => {
    expect(planGitHubRelease('v1.0.0', 'v1.1.0', [rel('v1.0.0', true), rel('v1.1.0', false, { isDraft: true })]).moveLatestTo).toBeUndefined();
  });
});

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
