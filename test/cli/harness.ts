import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../e2e/process';
import { S3Endpoint, startS3 } from '../e2e/s3-emulator';
import { hostBuild } from '../host-build';

/** The CloudQuery CLI that `npx projen setup` builds from tools/cloudquery. */
export const CLOUDQUERY = path.join(REPO_ROOT, '.tools/bin/cloudquery');

/** The CLI version tools/cloudquery/go.mod pins. */
export function pinnedCliVersion(): string {
  const gomod = fs.readFileSync(path.join(REPO_ROOT, 'tools/cloudquery/go.mod'), 'utf8');
  const m = /github\.com\/cloudquery\/cloudquery\/cli\/v6 (v\S+)/.exec(gomod);
  if (!m) throw new Error('tools/cloudquery/go.mod does not require github.com/cloudquery/cloudquery/cli/v6');
  return m[1];
}

/** Fails loudly (never skips) when the CLI is missing or another version. */
export function requireCli(): void {
  if (!fs.existsSync(CLOUDQUERY)) {
    throw new Error(`CloudQuery CLI not found at ${CLOUDQUERY}: run "npx projen setup" (it builds tools/cloudquery)`);
  }
  const version = spawnSync(CLOUDQUERY, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (version !== `cloudquery version ${pinnedCliVersion()}`) {
    throw new Error(`${CLOUDQUERY} reports "${version}", tools/cloudquery pins ${pinnedCliVersion()}: run "npx projen setup"`);
  }
}

export interface TestBinaries {
  /** This plugin, built from the working tree. */
  readonly plugin: string;
  /** The test destination (internal/testkit/cqdest). */
  readonly destination: string;
  /** The version stamped into the plugin. */
  readonly version: string;
}

/** Builds the plugin and the test destination for this host into `dir`. */
export function buildTestBinaries(dir: string): TestBinaries {
  const version = 'v0.0.0-cli';
  const bins = { plugin: path.join(dir, 'cq-source-s3'), destination: path.join(dir, 'cqdest'), version };
  hostBuild('.', bins.plugin, version);
  hostBuild('./internal/testkit/cqdest/cmd/cqdest', bins.destination);
  return bins;
}

/**
 * What a CLI suite starts with: the CLI checked, the plugin and test destination built into a
 * fresh temp directory, an S3 endpoint. The AWS variables are for plugins the suite serves
 * itself (registry: grpc); the CLI passes its own environment to local plugins.
 */
export async function startCliSuite(prefix: string): Promise<{ work: string; bins: TestBinaries; s3: S3Endpoint }> {
  requireCli();
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const work = tempDir(prefix);
  return { work, bins: buildTestBinaries(work), s3: await startS3() };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cq-cli-${prefix}-`));
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The CLI's log file (it holds the plugins' logs too). */
  readonly log: string;
  readonly ms: number;
}

/**
 * Runs the CLI in `workdir` with telemetry off, its own .cq directory and log file. The AWS
 * variables reach `registry: local` plugins, which inherit the CLI's environment.
 */
export async function cloudquery(workdir: string, args: string[], env: Record<string, string> = {}, timeoutMs = 240_000): Promise<CliResult> {
  const logFile = path.join(workdir, `cloudquery-${Date.now()}.log`);
  const full = [...args, '--telemetry-level', 'none', '--cq-dir', path.join(workdir, '.cq'), '--log-file-name', logFile, '--log-format', 'json'];
  const started = Date.now();
  const child = spawn(CLOUDQUERY, full, {
    cwd: workdir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  return { status, stdout, stderr, log, ms: Date.now() - started };
}

/**
 * The plugin's own measure of a sync: the duration on its end-of-sync summary line ("sync
 * summary"), which the CLI copies into its log for `registry: local` plugins.
 */
export function pluginSyncMs(r: CliResult): number {
  return goDurationMs(pluginLine(r, 'sync summary').duration as string);
}

/** The plugin's log lines with this message, parsed (the CLI copies a local plugin's JSON log into its own). */
export function pluginLines(r: CliResult, message: string): Record<string, unknown>[] {
  return r.log.split('\n')
    .filter((l) => l.includes(`"message":${JSON.stringify(message)}`) && l.includes('"module":"cq-source-s3-source"'))
    .map((l) => JSON.parse(l));
}

/** The plugin's one log line with this message, failing with everything the CLI said unless there is exactly one. */
export function pluginLine(r: CliResult, message: string): Record<string, unknown> {
  const lines = pluginLines(r, message);
  if (lines.length !== 1) throw new Error(`the plugin logged ${lines.length} "${message}" lines, not one\n${explain(r)}`);
  return lines[0];
}

/** The plugin's partition (client/shard.go): 1 + the first 8 bytes of SHA-256(key), big-endian, mod total. */
export function shardOf(key: string, total: number): number {
  return Number(createHash('sha256').update(key, 'utf8').digest().readBigUInt64BE(0) % BigInt(total)) + 1;
}

/** Milliseconds of a Go duration string such as "1m2.5s", "850ms" or "12µs". */
export function goDurationMs(d: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };
  let ms = 0;
  for (const [, n, unit] of d.matchAll(/([\d.]+)(h|ms|m|s|us|µs|ns)/g)) ms += Number(n) * units[unit];
  return ms;
}

/** Everything a failed CLI run said, for assertion messages. */
export function explain(r: CliResult): string {
  return `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n--- log (last 4000 chars)\n${r.log.slice(-4000)}`;
}

export interface SourceConfig {
  readonly name?: string;
  /** `local`: the CLI launches the binary at `path`; `grpc`: `path` is the host:port it serves on. */
  readonly registry: 'local' | 'grpc';
  readonly path: string;
  readonly spec: Record<string, unknown>;
  readonly tables?: string[];
  readonly destinations?: string[];
  /** Use the destination `cqdest` as the state backend, in this table. */
  readonly backendTable?: string;
}

export interface DestinationConfig {
  readonly name?: string;
  readonly path: string;
  readonly dir: string;
  readonly writeMode?: 'overwrite-delete-stale' | 'overwrite' | 'append';
  readonly pkMode?: 'default' | 'cq-id-only';
}

/** The source and destination documents of one CLI configuration file. */
export function writeConfig(workdir: string, source: SourceConfig, destination?: DestinationConfig, file = 'config.yml'): string {
  const docs: object[] = [{
    kind: 'source',
    spec: {
      name: source.name ?? 's3',
      registry: source.registry,
      path: source.path,
      tables: source.tables ?? ['*'],
      destinations: source.destinations ?? (destination ? [destination.name ?? 'cqdest'] : []),
      ...(source.backendTable ? { backend_options: { table_name: source.backendTable, connection: `@@plugins.${destination?.name ?? 'cqdest'}.connection` } } : {}),
      spec: source.spec,
    },
  }];
  if (destination) {
    docs.push({
      kind: 'destination',
      spec: {
        name: destination.name ?? 'cqdest',
        registry: 'local',
        path: destination.path,
        write_mode: destination.writeMode ?? 'overwrite-delete-stale',
        ...(destination.pkMode ? { pk_mode: destination.pkMode } : {}),
        spec: { dir: destination.dir },
      },
    });
  }
  const target = path.join(workdir, file);
  fs.writeFileSync(target, docs.map((d) => stringify(d)).join('---\n'));
  return target;
}
