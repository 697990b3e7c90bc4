import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './synth';

/** The version scripts/lint-tools.txt pins for a package (`name==version`). */
export function pinnedVersion(pkg: string): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'scripts/lint-tools.txt'), 'utf8');
  const m = new RegExp(`^${pkg}==(\\S+) `, 'm').exec(text);
  if (!m) throw new Error(`scripts/lint-tools.txt pins no ${pkg}`);
  return m[1];
}

/** A linter from the project's .venv (installed by `npx projen setup`); a missing one fails loudly. */
export function venvTool(name: string): string {
  const bin = path.join(REPO_ROOT, '.venv/bin', name);
  if (!fs.existsSync(bin)) throw new Error(`${name} is not installed at ${bin}: run "npx projen setup" (scripts/lint-tools.txt)`);
  return bin;
}

/** Runs a program with no network credentials in its environment. */
export function runTool(bin: string, args: string[], cwd = REPO_ROOT) {
  const env = { ...process.env };
  for (const k of ['GH_TOKEN', 'GITHUB_TOKEN', 'ZIZMOR_GITHUB_TOKEN']) delete env[k];
  return spawnSync(bin, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
}
