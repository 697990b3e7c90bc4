#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandOptions, runBin, UsageError } from './command';
import { githubOutputText } from './github-output';
import { bundleReleaseTools } from '../release-runtime/bundle';

const USAGE = 'usage: bundle-release-tools --out <file.cjs> [--github-output]';

/** `bundle-release-tools`: one self-contained file of the release tools, its SHA-256 printed (and written to $GITHUB_OUTPUT as sha256). */
runBin('bundle-release-tools', async (argv) => {
  const values = commandOptions(argv, { 'out': { type: 'string' }, 'github-output': { type: 'boolean', default: false } }, USAGE);
  if (!values) return;
  if (!values.out) throw new UsageError(`--out is required (${USAGE})`);
  const githubOutput = values['github-output'] ? process.env.GITHUB_OUTPUT : undefined;
  if (values['github-output'] && !githubOutput) throw new UsageError('--github-output needs the GITHUB_OUTPUT environment variable (set by GitHub Actions)');
  // Beside this file: lib/cli/release-tools.js when installed or compiled, src/cli/release-tools.ts under tsx.
  const entry = [path.join(__dirname, 'release-tools.js'), path.join(__dirname, 'release-tools.ts')].find((f) => fs.existsSync(f)) ?? path.join(__dirname, 'release-tools.js');
  const b = bundleReleaseTools(entry, values.out);
  process.stdout.write(`${b.file}: ${b.bytes} bytes, sha256 ${b.sha256}\n`);
  if (githubOutput) fs.appendFileSync(githubOutput, githubOutputText({ sha256: b.sha256 }));
});
