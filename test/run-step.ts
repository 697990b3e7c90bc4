import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './synth';

/** Runs a generated step's `run:` script with bash in a temp dir, as a runner would. */
export function runStep(step: { run: string }, env: Record<string, string>, stubs: Record<string, string> = {}, options: { gitRepo?: boolean } = {}) {
  const dir = tempDir('step-');
  for (const [name, script] of Object.entries(stubs)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  if (options.gitRepo) spawnSync('git', ['init', '-q', dir]);
  // stdin from /dev/null: bash run with a socket as stdin reads ~/.bashrc.
  const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: dir, env: { PATH: `${dir}:${process.env.PATH}`, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ...r, dir, read: (f: string) => fs.readFileSync(path.join(dir, f), 'utf8') };
}
