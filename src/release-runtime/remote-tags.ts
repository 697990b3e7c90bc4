import { execFile } from 'node:child_process';

/** A remote's tags and the commit each points to (annotated tags peeled). */
export interface RemoteTags {
  /** Every tag name on the remote, sorted. */
  readonly tags: string[];
  /** Tag name → commit SHA. */
  readonly commits: ReadonlyMap<string, string>;
}

/** Parses `git ls-remote --tags` output; a peeled `^{}` line gives an annotated tag's commit. */
export function parseLsRemoteTags(output: string): RemoteTags {
  const commits = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^([0-9a-f]{40,64})\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line.trim());
    if (!m) continue;
    (m[3] ? peeled : commits).set(m[2], m[1]);
  }
  for (const [tag, commit] of peeled) commits.set(tag, commit);
  return { tags: [...commits.keys()].sort(), commits };
}

/** Reads the tags of `remote` (a remote name or URL) with `git ls-remote --tags`, at the moment of the call. */
export function readRemoteTags(remote: string, timeoutMs = 60_000): Promise<RemoteTags> {
  return new Promise((resolve, reject) => {
    execFile('git', ['ls-remote', '--tags', '--', remote], { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = stderr.trim().split('\n').pop() || err.message.split('\n')[0];
        reject(new Error(`git ls-remote --tags ${remote} failed: ${why}`));
      } else {
        resolve(parseLsRemoteTags(stdout));
      }
    });
  });
}
