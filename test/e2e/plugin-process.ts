import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PluginClient } from './plugin-client';
import { PLUGIN_NAME } from '../../projenrc/cq-source-s3';
import { freePort, REPO_ROOT, waitFor } from './process';

/** The version the suite builds the binaries with, and expects GetVersion to return. */
export const E2E_VERSION = 'v0.0.0-e2e';

export interface RunningPlugin {
  readonly client: PluginClient;
  /** Milliseconds from process start (or from connecting, for an external plugin) to the first successful GetName. */
  readonly readinessMs: number;
  /** The version the plugin must report. */
  readonly expectedVersion: string;
  /** Process id of the spawned plugin (undefined for an external one). */
  readonly pid?: number;
  /** The plugin's output, or '' when it runs elsewhere. */
  readonly logs: () => string;
  stop(): Promise<void>;
}

/** Builds every platform's binary with the Dockerfile's flags (the build:binaries task). */
export function buildBinaries(): void {
  process.stdout.write(`building plugin binaries (VERSION=${E2E_VERSION}) with "npx projen build:binaries"...\n`);
  const r = spawnSync('npx', ['projen', 'build:binaries'], { cwd: REPO_ROOT, env: { ...process.env, VERSION: E2E_VERSION }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx projen build:binaries failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export function binaryPath(arch: 'amd64' | 'arm64'): string {
  return path.join(REPO_ROOT, 'dist', `linux-${arch}`, PLUGIN_NAME);
}

/**
 * PLUGIN_ADDRESS set → connect to that running plugin (PLUGIN_VERSION says which version it must report).
 * Otherwise spawn the binary (optionally under an emulator) on a free loopback port.
 */
export async function startPlugin(opts: { arch: 'amd64' | 'arm64'; emulator?: string }): Promise<RunningPlugin> {
  const external = process.env.PLUGIN_ADDRESS;
  if (external) {
    const expectedVersion = process.env.PLUGIN_VERSION;
    if (!expectedVersion) throw new Error('PLUGIN_ADDRESS is set but PLUGIN_VERSION is not: say which version the running plugin must report');
    const client = new PluginClient(external);
    const started = Date.now();
    await waitFor(`GetName on ${external}`, 30_000, async () => (await client.getName(1000), true), 10);
    return { client, readinessMs: Date.now() - started, expectedVersion, logs: () => '', stop: async () => client.close() };
  }
  const binary = binaryPath(opts.arch);
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: buildBinaries() must run first`);
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [binary, ...serveArgs(address)];
  return spawnPlugin(`${opts.arch} plugin`, opts.emulator ? [opts.emulator, ...args] : args, address, E2E_VERSION);
}

/** What the CloudQuery CLI passes as CMD, on a given address. */
export function serveArgs(address: string): string[] {
  return ['serve', '--address', address, '--log-format', 'json', '--no-sentry'];
}

/** Spawns `command`, measures the time to the first successful GetName on `address`, and kills it on stop. */
export async function spawnPlugin(label: string, command: string[], address: string, expectedVersion: string, cleanup?: () => void): Promise<RunningPlugin> {
  const started = Date.now();
  const proc: ChildProcess = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CQ_TELEMETRY_LEVEL: 'none' } });
  let output = '';
  proc.stdout!.on('data', (d) => { output += d; });
  proc.stderr!.on('data', (d) => { output += d; });
  const client = new PluginClient(address);
  const stop = async () => {
    client.close();
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    cleanup?.();
  };
  try {
    await waitFor(`${label} GetName on ${address}`, 30_000, async () => {
      if (proc.exitCode !== null) throw new Error(`${label} exited with ${proc.exitCode}: ${output}`);
      await client.getName(1000);
      return true;
    }, 2);
  } catch (e) {
    await stop();
    throw e;
  }
  return { client, readinessMs: Date.now() - started, expectedVersion, pid: proc.pid, logs: () => output, stop };
}
