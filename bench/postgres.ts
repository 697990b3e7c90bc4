/*
 * End-to-end throughput into PostgreSQL: `cloudquery sync` of ROWS rows (ROWS/FILE_ROWS objects of
 * bench/sync-lib's 4-column file) with the README's configuration — the CLI v6.30.0, CloudQuery's
 * PostgreSQL destination v8.16.0, a throw-away PostgreSQL 15, moto — for this plugin and, in the
 * same run, the plugin it replaces (infobloxopen/cq-source-s3, a binary given as REPLACED, built
 * from its public source; left out when unset). Runs alternate between the plugins, each into a
 * fresh database, without backend_options (full syncs). Reports the medians of wall time, rows/s
 * and the CPU seconds of the plugin, the CLI, the destination and PostgreSQL.
 *
 *   REPLACED=/tmp/infoblox-cq-source-s3 ROWS=1000000 FILE_ROWS=100000 RUNS=3 [WRITE_MODE=append] npx tsx bench/postgres.ts
 *
 * CPU: the plugin's and the destination's from /proc, sampled every 100 ms until they exit (the
 * last sample is at most 100 ms old); the CLI's is /usr/bin/time's total for the CLI and its
 * children minus those two; PostgreSQL's is the postmaster's own and its exited backends'.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLOUDQUERY, tempDir } from '../test/cli/harness';
import { startS3 } from '../test/e2e/s3-emulator';
import { hostBuild } from '../test/host-build';
import { DESTINATION, requireDestination } from '../test/postgres/harness';
import { startPostgres } from '../test/postgres/postgres-server';
import { localReadmeConfig } from '../test/postgres/readme-config';
import { fileBytes, median, uploadDataset } from './sync-lib';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const FILE_ROWS = Number(process.env.FILE_ROWS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 3);
const REPLACED = process.env.REPLACED;
/** The destination's write_mode (default: the README's). */
const WRITE_MODE = process.env.WRITE_MODE;

/** utime + stime + cutime + cstime of a process, in seconds. */
function cpuWithChildren(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

/** Samples the CPU seconds of every process running one of `binaries`, by binary, until stopped. */
function sampleCpu(binaries: string[]): { stop(): Record<string, number> } {
  const last = new Map<number, { bin: string; cpu: number }>();
  const tick = () => {
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const exe = fs.readlinkSync(`/proc/${d}/exe`);
        const bin = binaries.find((b) => exe === b);
        if (!bin) continue;
        const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ');
        last.set(Number(d), { bin, cpu: (Number(f[11]) + Number(f[12])) / 100 });
      } catch { /* gone */ }
    }
  };
  const timer = setInterval(tick, 100);
  return {
    stop() {
      clearInterval(timer);
      const out: Record<string, number> = {};
      for (const { bin, cpu } of last.values()) out[bin] = (out[bin] ?? 0) + cpu;
      return out;
    },
  };
}

interface Run { wall: number; rowsPerSecond: number; plugin: number; cli: number; destination: number; postgres: number }

async function main() {
  requireDestination();
  const work = tempDir('bench-pg');
  const ours = path.join(work, 'cq-source-s3');
  hostBuild('.', ours, 'v0.0.0-bench');
  const plugins: Record<string, string> = { 'cq-source-s3 (this)': ours };
  const destination = fs.realpathSync(DESTINATION); // (/proc/PID/exe names the real path: .tools may be a symlink)
  if (REPLACED) plugins['infobloxopen/cq-source-s3'] = fs.realpathSync(REPLACED);
  const s3 = await startS3();
  const pg = await startPostgres();
  try {
    const bucket = await uploadDataset(s3, ROWS, FILE_ROWS, fileBytes(FILE_ROWS));
    const runs: Record<string, Run[]> = Object.fromEntries(Object.keys(plugins).map((k) => [k, []]));
    let n = 0;
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? Object.keys(plugins) : Object.keys(plugins).reverse();
      for (const name of order) {
        const db = `bench_${++n}`;
        pg.sql('postgres', `create database ${db}`);
        const dir = path.join(work, db);
        fs.mkdirSync(dir);
        const config = path.join(dir, 'config.yml');
        fs.writeFileSync(config, localReadmeConfig({ plugin: plugins[name], destination: DESTINATION, endpoint: s3.pluginUrl, connection: pg.url(db) }, (source) => {
          source.spec.spec = { bucket, region: 'us-east-1', endpoint: s3.pluginUrl, path_style: true };
          delete source.spec.backend_options;
        }));
        const pgBefore = cpuWithChildren(pg.pid);
        const sampler = sampleCpu([plugins[name], destination]);
        const timeFile = path.join(dir, 'time.txt');
        const started = process.hrtime.bigint();
        const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, CLOUDQUERY, 'sync', config, '--telemetry-level', 'none', '--cq-dir', path.join(dir, '.cq'), '--log-file-name', path.join(dir, 'cloudquery.log')],
          { cwd: dir, stdio: 'ignore', env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' } });
        const code = await new Promise<number | null>((res) => child.on('close', res));
        const wall = Number(process.hrtime.bigint() - started) / 1e9;
        const cpu = sampler.stop();
        if (code !== 0) throw new Error(`${name}: cloudquery sync exited ${code}:\n${fs.readFileSync(path.join(dir, 'cloudquery.log'), 'utf8').slice(-3000)}`);
        const tables = pg.sql(db, "select tablename from pg_tables where schemaname = 'public' and tablename not like 'cq_%'").trim().split('\n');
        const synced = tables.reduce((sum, t) => sum + Number(pg.sql(db, `select count(*) from "${t}"`).trim()), 0);
        if (synced !== ROWS) throw new Error(`${name}: PostgreSQL holds ${synced} rows in ${tables.join(', ')}, expected ${ROWS}`);
        const [user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
        const plugin = cpu[plugins[name]] ?? 0;
        const destinationCpu = cpu[destination] ?? 0;
        const run = { wall, rowsPerSecond: ROWS / wall, plugin, destination: destinationCpu, cli: user + sys - plugin - destinationCpu, postgres: cpuWithChildren(pg.pid) - pgBefore };
        runs[name].push(run);
        console.log(`${name} run ${r + 1}: ${wall.toFixed(1)} s, ${Math.round(run.rowsPerSecond)} rows/s; CPU s: plugin ${plugin.toFixed(1)}, CLI ${run.cli.toFixed(1)}, destination ${destinationCpu.toFixed(1)}, PostgreSQL ${run.postgres.toFixed(1)}`);
        pg.sql('postgres', `drop database ${db}`);
      }
    }
    console.log(`\n${ROWS} rows, ${ROWS / FILE_ROWS} objects, ${RUNS} runs each (medians)\n`);
    console.log('| plugin | wall | rows/s | CPU plugin | CPU CLI | CPU destination | CPU PostgreSQL | runs (wall s) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const [name, rs] of Object.entries(runs)) {
      const m = (k: keyof Run) => median(rs.map((x) => x[k]));
      console.log(`| ${name} | ${m('wall').toFixed(1)} s | ${Math.round(m('rowsPerSecond')).toLocaleString('en')} | ${m('plugin').toFixed(1)} s | ${m('cli').toFixed(1)} s | ${m('destination').toFixed(1)} s | ${m('postgres').toFixed(1)} s | ${rs.map((x) => x.wall.toFixed(1)).join(', ')} |`);
    }
  } finally {
    await s3.stop();
    await pg.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
