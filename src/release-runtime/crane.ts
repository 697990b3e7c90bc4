import { execFile } from 'node:child_process';
import { RegistryClient, RegistryError } from './registry-client';

export interface CraneOptions {
  /** The crane program. @default 'crane' (on PATH) */
  readonly bin?: string;
  /** Pass `--insecure` (plain-HTTP or self-signed registries, e.g. a registry on loopback). @default false */
  readonly insecure?: boolean;
  /** Deadline for one crane call that moves no blobs. @default 60_000 */
  readonly timeoutMs?: number;
  /** Deadline for one copy. @default 600_000 */
  readonly copyTimeoutMs?: number;
}

/** What a registry says when a repository or a manifest does not exist. */
const NOT_FOUND = /MANIFEST_UNKNOWN|NAME_UNKNOWN|unexpected status code 404/;

/** The last `Error: …` line crane printed (its own summary of the failure), else the last line. */
export function craneError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = [...lines].reverse().find((l) => l.startsWith('Error: '));
  return (error ?? lines[lines.length - 1] ?? 'no output').replace(/^Error: /, '');
}

/**
 * {@link RegistryClient} over go-containerregistry's `crane`, run as a program with an argument
 * vector (never through a shell). Credentials come from the Docker config that `docker login`
 * and docker/login-action write.
 */
export class Crane implements RegistryClient {
  private readonly bin: string;
  private readonly global: string[];
  private readonly timeoutMs: number;
  private readonly copyTimeoutMs: number;

  constructor(options: CraneOptions = {}) {
    this.bin = options.bin ?? 'crane';
    this.global = options.insecure ? ['--insecure'] : [];
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.copyTimeoutMs = options.copyTimeoutMs ?? 600_000;
  }

  async resolve(ref: string): Promise<string | undefined> {
    const r = await this.run(['digest', ref]);
    if (r.ok) return r.stdout.trim();
    if (NOT_FOUND.test(craneError(r.stderr))) return undefined;
    throw new RegistryError(ref, 'resolve', craneError(r.stderr));
  }

  async copy(source: string, destination: string): Promise<void> {
    const r = await this.run(['copy', source, destination], this.copyTimeoutMs);
    if (!r.ok) throw new RegistryError(destination, 'copy to', craneError(r.stderr));
  }

  async tag(ref: string, tag: string): Promise<void> {
    const r = await this.run(['tag', ref, tag]);
    if (!r.ok) throw new RegistryError(`${ref.split('@')[0]}:${tag}`, 'tag', craneError(r.stderr));
  }

  async manifest(ref: string): Promise<string> {
    const r = await this.run(['manifest', ref]);
    if (!r.ok) throw new RegistryError(ref, 'read manifest', craneError(r.stderr));
    return r.stdout;
  }

  async listTags(repository: string): Promise<string[]> {
    const r = await this.run(['ls', repository]);
    if (r.ok) return r.stdout.split('\n').map((t) => t.trim()).filter(Boolean);
    if (NOT_FOUND.test(craneError(r.stderr))) return [];
    throw new RegistryError(repository, 'list tags of', craneError(r.stderr));
  }

  private run(args: string[], timeoutMs = this.timeoutMs): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(this.bin, [...this.global, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          resolve({ ok: false, stdout: '', stderr: `Error: ${this.bin} is not installed (install go-containerregistry's crane, or set CRANE to its path)` });
        } else if (err?.killed) {
          resolve({ ok: false, stdout, stderr: `Error: crane ${args[0]} did not finish within ${timeoutMs / 1000} s` });
        } else {
          resolve({ ok: !err, stdout, stderr });
        }
      });
    });
  }
}
