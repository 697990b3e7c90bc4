import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './e2e/process';
import { synthRepository } from './synth';
import { GoBuild, UNRELEASED_VERSION } from '../src/plugin/go-build';

let goBuild: GoBuild | undefined;

/**
 * `go build` of a package of this module for this machine with the release build's environment
 * and flags (GoBuild). Built any other way, the plugin's dependencies (arrow-go, the SDKs) would
 * be compiled again for another configuration, minutes on two cores, although `build:binaries`
 * has compiled them already.
 */
export function hostBuild(pkg: string, out: string, version = UNRELEASED_VERSION): void {
  goBuild ??= synthRepository().image.goBuild;
  process.stdout.write(`go build -o ${out} ${pkg}\n`);
  const r = spawnSync('sh', ['-c', goBuild.command({ version: '"$0"', output: '"$1"', pkg: '"$2"' }), version, out, pkg], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go build ${pkg} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}
