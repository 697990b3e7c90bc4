import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKER_TAG } from '../../../src/core/docker-reference';
import { computeImageTags } from '../../../src/release-runtime/image-tags';
import { REPO_ROOT, tempDir } from '../../synth';

const SHA = 'abc1234def5678abc1234def5678abc1234def56';

describe('image tag scheme', () => {
  it.each([
    // [git tag, existing tags, expected tags, why]
    ['v1.2.3', [], ['v1.2.3-abc1234', 'v1.2.3', 'v1.2', 'latest'], 'first release takes every floating tag'],
    ['v1.2.3', ['v1.2.3'], ['v1.2.3-abc1234', 'v1.2.3', 'v1.2', 'latest'], 'the tag itself may already be in the list'],
    ['v1.2.4', ['v1.2.3', 'v1.1.0'], ['v1.2.4-abc1234', 'v1.2.4', 'v1.2', 'latest'], 'newest patch moves v1.2 and latest'],
    ['v1.3.9', ['v1.4.0', 'v1.3.8'], ['v1.3.9-abc1234', 'v1.3.9', 'v1.3'], 'hotfix on an older minor keeps latest on v1.4.0'],
    ['v1.3.7', ['v1.3.8'], ['v1.3.7-abc1234', 'v1.3.7'], 'an older patch moves no floating tag'],
    ['v2.0.0', ['v1.9.9', 'v10.0.0'], ['v2.0.0-abc1234', 'v2.0.0', 'v2.0'], 'numeric, not lexical, ordering: v10 beats v2'],
    ['v10.0.0', ['v9.9.9', 'v2.0.0'], ['v10.0.0-abc1234', 'v10.0.0', 'v10.0', 'latest'], 'v10 is the highest'],
    ['v1.0.0', ['v1.0.0-rc.1', 'v1.0.0-rc.2'], ['v1.0.0-abc1234', 'v1.0.0', 'v1.0', 'latest'], 'prereleases of the same version do not block the release'],
    ['v1.0.0', ['v2.0.0-rc.1'], ['v1.0.0-abc1234', 'v1.0.0', 'v1.0', 'latest'], 'a higher prerelease never holds latest'],
    ['v1.2.3', ['release-1', 'v1.2', 'foo', 'v1.2', 'v1.2.x', 'vnext'], ['v1.2.3-abc1234', 'v1.2.3', 'v1.2', 'latest'], 'non-release tags in the repo are ignored'],
    ['v0.1.0', [], ['v0.1.0-abc1234', 'v0.1.0', 'v0.1', 'latest'], '0.x releases are stable releases too'],
    ['v2.0.0-rc.1', [], ['v2.0.0-rc.1-abc1234', 'v2.0.0-rc.1'], 'a prerelease gets no floating tags'],
    ['v2.0.0-rc.1', ['v1.0.0'], ['v2.0.0-rc.1-abc1234', 'v2.0.0-rc.1'], 'even when higher than every release'],
    ['v2.0.0-alpha', [], ['v2.0.0-alpha-abc1234', 'v2.0.0-alpha'], 'one-word prerelease'],
    ['v1.2.3-beta.2.x-y', [], ['v1.2.3-beta.2.x-y-abc1234', 'v1.2.3-beta.2.x-y'], 'dots and hyphens fit the Docker grammar'],
  ] as [string, string[], string[], string][])('%s with existing %j → %j (%s)', (gitTag, existingTags, expected) => {
    const result = computeImageTags({ gitTag, sha: SHA, existingTags });
    expect(result.tags).toEqual(expected);
    for (const t of result.tags) expect(t).toMatch(DOCKER_TAG);
  });

  it('uses a 7-character lowercase short SHA as the primary, immutable tag', () => {
    const r = computeImageTags({ gitTag: 'v1.0.0', sha: 'ABCDEF0123', existingTags: [] });
    expect(r.shortSha).toBe('abcdef0');
    expect(r.tags[0]).toBe('v1.0.0-abcdef0');
    expect(r.version).toBe('1.0.0');
    expect(r.prerelease).toBe(false);
  });

  it.each([
    ['v1.2', SHA, /tag "v1.2" is not a release tag/, 'missing patch'],
    ['1.2.3', SHA, /tag "1.2.3" is not a release tag/, 'missing v prefix'],
    ['v01.2.3', SHA, /tag "v01.2.3" is not a release tag/, 'leading zero'],
    ['v1.02.3', SHA, /tag "v1.02.3" is not a release tag/, 'leading zero in minor'],
    ['release-1', SHA, /tag "release-1" is not a release tag/, 'not semver'],
    ['V1.2.3', SHA, /tag "V1.2.3" is not a release tag/, 'capital V'],
    ['v1.2.3 ', SHA, /is not a release tag/, 'trailing space'],
    ['', SHA, /tag "" is not a release tag/, 'empty'],
    ['v1.2.3+build.5', SHA, /build metadata/, 'build metadata cannot be a Docker tag'],
    ['v1.2.3', 'abc123', /sha "abc123" is not a commit SHA: expected 7 to 40 hex digits/, 'SHA too short'],
    ['v1.2.3', 'g'.repeat(40), /is not a commit SHA/, 'SHA not hex'],
    ['v1.2.3', 'a'.repeat(41), /is not a commit SHA/, 'SHA too long'],
    [`v1.2.3-${'x'.repeat(120)}`, SHA, /image tag "v1\.2\.3-x+-abc1234" breaks the Docker tag grammar/, 'output longer than 128 characters'],
  ])('rejects tag %j sha %j (%s)', (gitTag, sha, message) => {
    expect(() => computeImageTags({ gitTag, sha, existingTags: [] })).toThrow(message);
  });

  it.each([
    ['v99999999999999999999.0.0', 'a number beyond 2^53 (it would be the highest: ignoring it would pick the wrong latest)'],
    ['v01.2.9', 'a leading zero'],
    ['v1.2.3-rc.01', 'a leading zero in a numeric prerelease part'],
  ])('refuses an existing release-shaped tag that is not a version: %s (%s)', (bad) => {
    expect(() => computeImageTags({ gitTag: 'v1.2.3', sha: SHA, existingTags: ['v1.0.0', bad] }))
      .toThrow(`existing tag ${JSON.stringify(bad)} looks like a release but is not a valid version (semver, numbers below 2^53, no leading zeros): delete it`);
  });

  it('names at most three bad tags, then how many more', () => {
    const bad = ['v01.0.0', 'v02.0.0', 'v03.0.0', 'v04.0.0', 'v05.0.0'];
    expect(() => computeImageTags({ gitTag: 'v1.2.3', sha: SHA, existingTags: bad })).toThrow('"v01.0.0", "v02.0.0", "v03.0.0" and 2 more looks like');
  });
});

describe('image-tags CLI', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/image-tags.ts'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

  it('prints one tag per line', () => {
    const r = cli(['--tag', 'v1.3.9', '--sha', SHA, '--existing', 'v1.4.0,v1.3.8']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('v1.3.9-abc1234\nv1.3.9\nv1.3\n');
  });

  it('writes version, short SHA, prerelease flag, tags and image refs to $GITHUB_OUTPUT', () => {
    const out = path.join(tempDir(), 'output');
    fs.writeFileSync(out, '');
    const r = cli(['--tag', 'v2.0.0-rc.1', '--sha', SHA, '--existing', '', '--images', 'ghcr_io=ghcr.io/o/p,gcr.io/x/p', '--github-output'], { GITHUB_OUTPUT: out });
    expect(r.status, r.stderr).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('version=2.0.0-rc.1\n');
    expect(text).toContain('short_sha=abc1234\n');
    expect(text).toContain('prerelease=true\n');
    expect(text).toContain('primary_tag=v2.0.0-rc.1-abc1234\n');
    expect(text).toContain('refs<<__IMAGE_TAGS__\nghcr.io/o/p:v2.0.0-rc.1-abc1234\nghcr.io/o/p:v2.0.0-rc.1\ngcr.io/x/p:v2.0.0-rc.1-abc1234\ngcr.io/x/p:v2.0.0-rc.1\n__IMAGE_TAGS__\n');
    expect(text).toContain('refs_ghcr_io<<__IMAGE_TAGS__\nghcr.io/o/p:v2.0.0-rc.1-abc1234\nghcr.io/o/p:v2.0.0-rc.1\n__IMAGE_TAGS__\n');
    expect(text).not.toContain('refs_gcr');
  });

  it.each([
    [['--tag', 'v1.2', '--sha', SHA, '--existing', ''], 'image-tags: tag "v1.2" is not a release tag'],
    [['--tag', 'v1.2.3', '--sha', 'xyz', '--existing', ''], 'image-tags: sha "xyz" is not a commit SHA'],
    [['--sha', SHA], 'image-tags: --tag is required'],
    [['--tag', 'v1.2.3', '--bogus'], "image-tags: Unknown option '--bogus'"],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'Bad Key=x/y'], 'image-tags: --images entry 1 key "Bad Key" must be lowercase letters, digits and _'],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'k=ghcr.io/o/p=x'], 'image-tags: --images entry 1 image "ghcr.io/o/p=x" is not a Docker image name'],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'k=ghcr.io/o/p\nrefs=evil'], 'image-tags: --images entry 1 image "ghcr.io/o/p\\nrefs=evil" is not a Docker image name'],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'k=ghcr.io/Octo/p'], 'image-tags: --images entry 1 image "ghcr.io/Octo/p" is not a Docker image name'],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'a=ghcr.io/o/p,a=gcr.io/x/p'], 'image-tags: --images key "a" is given twice'],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'a=ghcr.io/o/p,'], 'image-tags: --images entry 2 image "" is not a Docker image name'],
    [['--tag', 'v1.2.3\n', '--sha', SHA, '--existing', ''], 'image-tags: tag "v1.2.3\\n" is not a release tag'],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'k=ghcr.io/o/p', '--github-output'], 'image-tags: --github-output needs the GITHUB_OUTPUT environment variable'],
    [['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--github-output'], 'image-tags: --github-output needs the GITHUB_OUTPUT environment variable'],
  ])('rejects %j with exit code 2 and one line on stderr', (args, message) => {
    const r = cli(args, { GITHUB_OUTPUT: '' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it('a newline inside --images never reaches $GITHUB_OUTPUT', () => {
    const out = path.join(tempDir(), 'output');
    fs.writeFileSync(out, 'before\n');
    const r = cli(['--tag', 'v1.2.3', '--sha', SHA, '--existing', '', '--images', 'k=ghcr.io/o/p\n__IMAGE_TAGS__\nrefs=evil', '--github-output'], { GITHUB_OUTPUT: out });
    expect(r.status).toBe(2);
    expect(fs.readFileSync(out, 'utf8')).toBe('before\n');
  });

  it('reads existing tags from git when --existing is not given', () => {
    const repo = tempDir('tags-repo-');
    const git = (...a: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { encoding: 'utf8' });
    git('init', '-q');
    git('commit', '-q', '--allow-empty', '-m', 'x');
    git('tag', 'v1.4.0');
    const r = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/image-tags.ts'), '--tag', 'v1.3.9', '--sha', SHA], { cwd: repo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).not.toContain('latest');
  });
});
