#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandOptions, runBin, UsageError } from './command';
import { git } from './git';
import { PipelineFiles, reviewMarkdown, reviewPipeline } from '../release-runtime/pipeline-review';

const USAGE = 'usage: review-pipeline --base <git ref> [--dir <repository>]';
const WORKFLOWS = '.github/workflows';

function atRef(dir: string, ref: string): PipelineFiles {
  const show = (file: string) => {
    try {
      return execFileSync('git', ['-C', dir, 'show', `${ref}:${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 });
    } catch {
      return undefined;
    }
  };
  let names: string[] = [];
  try {
    names = execFileSync('git', ['-C', dir, 'ls-tree', '--name-only', `${ref}:${WORKFLOWS}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((f) => /\.ya?ml$/.test(f));
  } catch {
    names = []; // no workflows at the base
  }
  return { workflows: Object.fromEntries(names.map((f) => [f, show(`${WORKFLOWS}/${f}`)!])), dockerfile: show('Dockerfile') };
}

function workingTree(dir: string): PipelineFiles {
  const wf = path.join(dir, WORKFLOWS);
  const names = fs.existsSync(wf) ? fs.readdirSync(wf).filter((f) => /\.ya?ml$/.test(f)) : [];
  const dockerfile = path.join(dir, 'Dockerfile');
  return {
    workflows: Object.fromEntries(names.map((f) => [f, fs.readFileSync(path.join(wf, f), 'utf8')])),
    dockerfile: fs.existsSync(dockerfile) ? fs.readFileSync(dockerfile, 'utf8') : undefined,
  };
}

/** `review-pipeline`: the generated workflows and Dockerfile at a git ref against the working tree, as Markdown; each widening is a `- widens:` line. */
runBin('review-pipeline', async (argv) => {
  const values = commandOptions(argv, { base: { type: 'string' }, dir: { type: 'string' } }, USAGE);
  if (!values) return;
  if (!values.base) throw new UsageError(`--base is required (${USAGE})`);
  const dir = values.dir ?? '.';
  try {
    git('-C', dir, 'rev-parse', '--verify', '--quiet', `${values.base}^{commit}`);
  } catch {
    throw new UsageError(`--base ${JSON.stringify(values.base)} is not a commit of ${path.resolve(dir)} (fetch it first)`);
  }
  process.stdout.write(reviewMarkdown(reviewPipeline(atRef(dir, values.base), workingTree(dir)), values.base));
});
