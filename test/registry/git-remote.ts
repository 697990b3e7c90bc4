import { execFileSync } from 'node:child_process';
import { tempDir } from '../synth';

/** A bare git repository standing in for the GitHub remote, whose tags the promotion reads with ls-remote. */
export class GitRemote {
  /** Path of the bare repository: what `promote --remote` gets. */
  public readonly url = tempDir('remote-');
  private readonly work = tempDir('work-');
  /** The commit every release tag points to. */
  public readonly sha: string;

  constructor() {
    this.git(this.url, 'init', '-q', '--bare');
    this.git(this.work, 'init', '-q');
    this.git(this.work, 'commit', '-q', '--allow-empty', '-m', 'release');
    this.git(this.work, 'remote', 'add', 'origin', this.url);
    this.sha = this.git(this.work, 'rev-parse', 'HEAD');
  }

  /** Creates annotated tags at the release commit and pushes them. */
  pushTags(...tags: string[]): void {
    for (const t of tags) this.git(this.work, 'tag', '-a', t, '-m', t);
    this.git(this.work, 'push', '-q', 'origin', ...tags.map((t) => `refs/tags/${t}`));
  }

  private git(cwd: string, ...args: string[]): string {
    return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();
  }
}
