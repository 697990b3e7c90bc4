import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Storage outside the repository, so the build context never walks it. */
export const STORAGE_ROOT = process.env.IMAGE_VERIFY_STORAGE ?? '/var/tmp/cq-source-s3-buildah';
const storageArgs = (root: string) => ['--root', path.join(root, 'root'), '--runroot', path.join(root, 'run'), '--storage-driver', 'vfs'];
let GLOBAL = storageArgs(STORAGE_ROOT);

/** Points every buildah call of this module at another storage (another suite's, so the two never share image names). */
export function useStorage(root: string): void {
  GLOBAL = storageArgs(root);
}

/** Runs buildah with this check's storage; throws with its stderr on failure. */
export function buildah(args: string[], options: { quiet?: boolean } = {}): string {
  const r = spawnSync('buildah', [...GLOBAL, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`buildah could not run (${r.error.message}): run "npx projen setup" (Debian package buildah)`);
  if (r.status !== 0) throw new Error(`buildah ${args.slice(0, 2).join(' ')} failed (exit ${r.status}):\n${(r.stderr || r.stdout).slice(-4000)}`);
  if (!options.quiet && r.stderr) process.stdout.write(r.stderr);
  return r.stdout.trim();
}

export function buildahArgs(): string[] {
  return GLOBAL;
}

export function imageExists(name: string): boolean {
  return spawnSync('buildah', [...GLOBAL, 'inspect', '--type', 'image', name], { stdio: 'ignore' }).status === 0;
}

export function manifestListExists(name: string): boolean {
  return spawnSync('buildah', [...GLOBAL, 'manifest', 'inspect', name], { stdio: 'ignore' }).status === 0;
}

/** Mounts an image's filesystem, runs `fn` on the mount point, then cleans up. */
export function withImageFilesystem<T>(image: string, fn: (root: string) => T): T {
  const ctr = buildah(['from', '--pull=never', image]);
  try {
    return fn(buildah(['mount', ctr]));
  } finally {
    buildah(['rm', ctr], { quiet: true });
  }
}

export function copyInto(ctr: string, hostPath: string, dest: string): void {
  if (!fs.existsSync(hostPath)) throw new Error(`stand-in input ${hostPath} is missing on this machine`);
  buildah(['copy', ctr, hostPath, dest], { quiet: true });
}

export function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).trim();
}
