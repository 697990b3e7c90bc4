import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../synth';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

/** The tarball `npx projen package` packed (test:package runs it first). */
export function packedTarball(): string {
  const file = path.join(REPO_ROOT, 'dist/js', `${pkg.name}-${pkg.version}.tgz`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npx projen test:package" (it packs the library first)`);
  return file;
}

export const PACKAGE_NAME: string = pkg.name;
export const PACKAGE_BINS: Record<string, string> = pkg.bin;

/** The installed version of a root dev dependency, so the other repository installs exactly it (from npm's cache). */
export function installedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program with an argument vector (no shell); throws with its output unless `allowFailure`. */
export function run(cmd: string, args: string[], options: SpawnSyncOptions & { allowFailure?: boolean } = {}): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  const out = { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
  if (!options.allowFailure && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${(out.stdout + out.stderr).slice(-4000)}`);
  }
  return out;
}
