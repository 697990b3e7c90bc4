import { spawn } from 'node:child_process';

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program without blocking the event loop: the registries' fault proxies live in this
 * process, so a synchronous call that talks to them would wait for itself forever.
 */
export function runAsync(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    proc.on('error', (e) => { clearTimeout(timer); reject(new Error(`${command} could not run: ${e.message}`)); });
    proc.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

/** Like {@link runAsync}, but throws with the output when the program fails; returns stdout. */
export async function runOk(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await runAsync(command, args, options);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}):\n${(r.stderr || r.stdout).slice(-3000)}`);
  return r.stdout;
}
