import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../synth';

/** A clone with a bare origin, so pushes are real but local. */
function repoWithOrigin(tags: string[]) {
  const origin = tempDir('origin-');
  const work = tempDir('work-');
  const git = (cwd: string, ...a: string[]) => spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { cwd, encoding: 'utf8' });
  git(origin, 'init', '-q', '--bare');
  git(work, 'init', '-q');
  git(work, 'commit', '-q', '--allow-empty', '-m', 'x');
  git(work, 'remote', 'add', 'origin', origin);
  for (const t of tags) git(work, 'tag', t);
  const run = (args: string[]) => spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/tag-release.ts'), ...args], {
    cwd: work, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  });
  const remoteTags = () => git(origin, 'tag', '--list').stdout.trim().split('\n').filter(Boolean);
  const localTags = () => git(work, 'tag', '--list').stdout.trim().split('\n').filter(Boolean);
  const tagType = (t: string) => git(work, 'cat-file', '-t', t).stdout.trim();
  return { run, remoteTags, localTags, tagType };
}

describe('tag-release', () => {
  it('creates and pushes an annotated tag higher than every release tag', () => {
    const repo = repoWithOrigin(['v1.2.3', 'v1.3.0-rc.1']);
    const r = repo.run(['v1.3.0']);
    expect(r.status, r.stderr).toBe(0);
    expect(repo.remoteTags()).toEqual(['v1.3.0']);
    expect(repo.tagType('v1.3.0')).toBe('tag');
    expect(r.stdout).toMatch(/the release publishes image tags v1\.3\.0-[0-9a-f]{7}, v1\.3\.0, v1\.3, latest/);
  });

  it('allows a hotfix below the highest release: it is published without latest', () => {
    const repo = repoWithOrigin(['v1.2.3', 'v1.4.0']);
    const r = repo.run(['v1.2.4']);
    expect(r.status, r.stderr).toBe(0);
    expect(repo.remoteTags()).toEqual(['v1.2.4']);
    expect(r.stdout).toMatch(/image tags v1\.2\.4-[0-9a-f]{7}, v1\.2\.4, v1\.2\n/);
  });

  it('removes the local tag again when the push fails, so nothing is half-published', () => {
    const repo = repoWithOrigin(['v1.2.3']);
    const r = repo.run(['v1.2.4', '--remote', 'no-such-remote']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/tag-release: git push no-such-remote refs\/tags\/v1\.2\.4 failed/);
    expect(repo.localTags()).toEqual(['v1.2.3']);
  });

  const tooLong = `v1.2.3-${'a'.repeat(118)}`; // 125 characters: with "-<sha7>" the image tag would be 133 > 128
  it.each([
    [['v1.2'], /tag "v1\.2" is not a release tag/],
    [['v1.2.3'], /tag "v1\.2\.3" already exists/],
    [[tooLong], /image tag "v1\.2\.3-a+-[0-9a-f]{7}" breaks the Docker tag grammar .*: the release tag is too long for Docker/],
    [['v1.2.3-$(touch${IFS}pwned)'], /tag "v1\.2\.3-\$\(touch\$\{IFS\}pwned\)" is not a release tag/],
    [['v4.0.0 other'], /tag "v4\.0\.0 other" is not a release tag/],
    [['v4.0.0', 'other'], /expected one tag, got 2 arguments \["v4\.0\.0","other"\]/],
    [['v4.0.0', '--remote=--upload-pack=touch pwned'], /--remote "--upload-pack=touch pwned" is not a git remote name/],
    [[], /usage: tag-release vX\.Y\.Z/],
  ])('refuses %j with one line and pushes nothing', (args, message) => {
    expect(tooLong).toHaveLength(125);
    const repo = repoWithOrigin(['v1.2.3']);
    const r = repo.run(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(repo.remoteTags()).toEqual([]);
    expect(repo.localTags()).toEqual(['v1.2.3']);
  });
});
