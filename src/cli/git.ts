import { execFileSync } from 'node:child_process';
import { oneLineMessage } from './command';

/** Runs git and returns trimmed stdout; throws one line naming the command on failure. */
export function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim().split('\n')[0] ?? String(e);
    throw new Error(`git ${args.join(' ')} failed: ${stderr}`);
  }
}

/** The repository's `v*` tags. */
export function releaseTags(): string[] {
  return git('tag', '--list', 'v*').split('\n').filter(Boolean);
}

/** Prints `<program>: <message>` on exactly one line (control characters escaped) and exits 2. */
export function fail(program: string, err: unknown): never {
  process.stderr.write(`${program}: ${oneLineMessage(err)}\n`);
  process.exit(2);
}
