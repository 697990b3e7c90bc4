import * as path from 'node:path';
import { runAsync, RunResult } from './run-async';
import { tool } from './tools';
import { REPO_ROOT } from '../e2e/process';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');

/** Runs `promote` exactly as the workflow will (a program with an argument vector), with crane and cosign from .tools/bin. */
export function runPromote(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runAsync(TSX, [path.join(REPO_ROOT, 'src/cli/promote.ts'), ...args], { env: { ...process.env, CRANE: tool('crane'), COSIGN: tool('cosign'), ...env } });
}

/** Runs `sign-image` with cosign from .tools/bin. */
export function runSignImage(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runAsync(TSX, [path.join(REPO_ROOT, 'src/cli/sign-image.ts'), ...args], { env: { ...process.env, COSIGN: tool('cosign'), ...env } });
}
