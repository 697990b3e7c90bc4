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

/**
 * The environment for `buildah build`. Buildah keeps a Dockerfile's `RUN --mount=type=cache`
 * directories under $TMPDIR/buildah-cache/<target>; here the Go build cache's
 * (/root/.cache/go-build) is this machine's `go env GOCACHE`, so the Dockerfile's `go build
 * -trimpath` reuses what `build:binaries` compiled with the same flags, as on a runner whose
 * build cache is warm — instead of compiling arrow-go and the SDKs again (5–6 minutes per
 * platform on two cores). The module cache stays the builder's own: `go mod download` runs for real.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const tmp = `${STORAGE_ROOT}-tmp`;
  linkHostGoBuildCache(tmp);
  return { ...process.env, TMPDIR: tmp };
}

/** Points the Dockerfile's Go build cache mount of a buildah whose TMPDIR is `tmp` at this machine's `go env GOCACHE`. */
export function linkHostGoBuildCache(tmp: string): void {
  const link = path.join(tmp, 'buildah-cache/root/.cache/go-build');
  const gocache = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();
  if (!path.isAbsolute(gocache)) throw new Error(`go env GOCACHE is "${gocache}", not a directory buildah can mount`);
  const current = fs.lstatSync(link, { throwIfNoEntry: false }) ? fs.readlinkSync(link) : undefined;
  if (current !== gocache) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true });
    fs.symlinkSync(gocache, link);
  }
}

/** `buildah build --isolation chroot --pull=never <args>` with this check's storage and the Go build cache of `buildEnv`. */
export function buildahBuild(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('buildah', [...GLOBAL, 'build', '--isolation', 'chroot', '--pull=never', ...args], { env: buildEnv(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`buildah could not run (${r.error.message}): run "npx projen setup" (Debian package buildah)`);
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
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
