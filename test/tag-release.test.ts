import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './synth';

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
  const run = (tag?: string, remote?: string) => spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/tag-release.ts'), ...(tag ? [tag] : []), ...(remote ? [remote] : [])], {
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
    const r = repo.run('v1.3.0');
    expect(r.status, r.stderr).toBe(0);
    expect(repo.remoteTags()).toEqual(['v1.3.0']);
    expect(repo.tagType('v1.3.0')).toBe('tag');
  });

  it('removes the local tag again when the push fails, so nothing is half-published', () => {
    const repo = repoWithOrigin(['v1.2.3']);
    const r = repo.run('v1.2.4', 'no-such-remote');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/tag-release: git push no-such-remote refs\/tags\/v1\.2\.4 failed/);
    expect(repo.localTags()).toEqual(['v1.2.3']);
  });

  it.each([
    ['v1.2', /tag "v1\.2" is not a release tag/],
    ['v1.2.3', /tag "v1\.2\.3" is not higher than existing release tag\(s\) v1\.2\.3/],
    ['v1.1.9', /not higher than existing release tag\(s\) v1\.2\.3/],
    [undefined, /usage: tag-release vX\.Y\.Z/],
  ])('refuses %s with one line and pushes nothing', (tag, message) => {
    const repo = repoWithOrigin(['v1.2.3']);
    const r = repo.run(tag);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(repo.remoteTags()).toEqual([]);
    expect(repo.localTags()).toEqual(['v1.2.3']);
  });
});
