/*
 * Before/after sync throughput: the bench/sync.ts measurement (moto, one table of N/FILE_ROWS objects
 * of FILE_ROWS rows, concurrency 4, Init + Sync over gRPC) for two plugin binaries in the same run,
 * interleaved (A B, B A, …), each run on a fresh process; medians and the after/before ratio.
 *
 *   npx tsx bench/sync-compare.ts                      # before = the `main` branch, after = this work tree
 *   BEFORE_REF=<commit> [AFTER_REF=<commit>] SIZES=1000000,10000000 RUNS=7 npx tsx bench/sync-compare.ts
 *
 * Both binaries are built here the same way (the Dockerfile's flags, no version stamp): `before` from
 * `git archive $BEFORE_REF`, `after` from `git archive $AFTER_REF`, or from the work tree as it is.
 */
import { execFileSync, execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serveArgs, spawnPlugin } from '../test/e2e/plugin-process';
import { freePort, REPO_ROOT } from '../test/e2e/process';
import { startS3 } from '../test/e2e/s3-emulator';
import { fileBytes, measureSync, median, SyncRun, uploadDataset } from './sync-lib';

const BEFORE_REF = process.env.BEFORE_REF ?? 'main';
const AFTER_REF = process.env.AFTER_REF;
const FILE_ROWS = Number(process.env.FILE_ROWS ?? 100_000);
const SIZES = (process.env.SIZES ?? '1000000,10000000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 5);

function build(srcDir: string, out: string): void {
  execFileSync('go', ['build', '-trimpath', '-buildvcs=false', '-tags', 'grpcnotrace', '-ldflags', '-s -w', '-o', out, '.'], {
    cwd: srcDir, env: { ...process.env, CGO_ENABLED: '0' }, stdio: 'inherit',
  });
}

/** Extracts ref's tree into dir/name-src and builds it there. */
function buildRef(dir: string, name: string, ref: string): string {
  const src = path.join(dir, `${name}-src`);
  fs.mkdirSync(src);
  execSync(`git archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(src)}`, { cwd: REPO_ROOT, stdio: 'inherit' });
  build(src, path.join(dir, name));
  return path.join(dir, name);
}

function buildBoth(dir: string): Record<'before' | 'after', string> {
  const before = buildRef(dir, 'before', BEFORE_REF);
  if (AFTER_REF) return { before, after: buildRef(dir, 'after', AFTER_REF) };
  build(REPO_ROOT, path.join(dir, 'after'));
  return { before, after: path.join(dir, 'after') };
}

async function run(binary: string, label: string, s3: Awaited<ReturnType<typeof startS3>>, bucket: string, rows: number): Promise<SyncRun> {
  const address = `127.0.0.1:${await freePort()}`;
  return measureSync(await spawnPlugin(label, [binary, ...serveArgs(address)], address, 'development'), s3, bucket, rows);
}

async function main() {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-compare-'));
  const s3 = await startS3();
  try {
    const bins = buildBoth(dir);
    const short = (ref: string) => execSync(`git rev-parse --short ${JSON.stringify(ref)}`, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const after = AFTER_REF ? `${AFTER_REF} (${short(AFTER_REF)})` : `the work tree of ${REPO_ROOT}`;
    console.log(`before: ${BEFORE_REF} (${short(BEFORE_REF)}); after: ${after}; ${RUNS} interleaved runs per size`);
    const body = fileBytes(FILE_ROWS);
    const lines: string[] = [];
    for (const rows of SIZES) {
      const bucket = await uploadDataset(s3, rows, FILE_ROWS, body);
      const runs: Record<'before' | 'after', SyncRun[]> = { before: [], after: [] };
      for (let i = 0; i < RUNS; i++) {
        for (const which of (i % 2 === 0 ? ['before', 'after'] : ['after', 'before']) as ('before' | 'after')[]) {
          runs[which].push(await run(bins[which], which, s3, bucket, rows));
        }
      }
      const m = (which: 'before' | 'after', k: keyof SyncRun) => median(runs[which].map((r) => r[k]));
      console.log(`${rows} rows: before ${runs.before.map((r) => r.seconds.toFixed(2)).join(', ')} s; after ${runs.after.map((r) => r.seconds.toFixed(2)).join(', ')} s`);
      lines.push(`| ${rows.toLocaleString('en-US')} | ${m('before', 'seconds').toFixed(2)} | ${m('after', 'seconds').toFixed(2)} | **${(m('after', 'seconds') / m('before', 'seconds')).toFixed(2)}×** | `
        + `${Math.round(rows / m('before', 'seconds')).toLocaleString('en-US')} | ${Math.round(rows / m('after', 'seconds')).toLocaleString('en-US')} | `
        + `${m('before', 'cpu').toFixed(2)} | ${m('after', 'cpu').toFixed(2)} | ${m('before', 'rss')} | ${m('after', 'rss')} |`);
    }
    console.log('\n| rows | before s (median) | after s (median) | time after/before | before rows/s | after rows/s | before CPU s | after CPU s | before RSS MiB | after RSS MiB |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const l of lines) console.log(l);
  } finally {
    await s3.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/sync-compare: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
