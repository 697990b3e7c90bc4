/*
 * Sync throughput and plugin peak RSS at three dataset sizes, over gRPC against moto.
 * The dataset is N/FILE_ROWS objects of FILE_ROWS rows (default 100,000; one generated file, one row group, uploaded under many
 * keys) in one table; concurrency is fixed at 4 so memory reflects streaming, not fan-out.
 */
import * as fs from 'node:fs';
import { binaryPath, buildBinaries, startPlugin } from '../test/e2e/plugin-process';
import { startS3 } from '../test/e2e/s3-emulator';
import { fileBytes, measureSync, median, uploadDataset } from './sync-lib';

const FILE_ROWS = Number(process.env.FILE_ROWS ?? 100_000);
const SIZES = (process.env.SIZES ?? '100000,1000000,10000000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);

async function main() {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  if (!fs.existsSync(binaryPath('amd64'))) buildBinaries();
  const s3 = await startS3();
  const body = fileBytes(FILE_ROWS);
  console.log(`one object: ${FILE_ROWS} rows, ${body.length} bytes (Parquet, 4 columns)`);
  const results: { rows: number; seconds: number; rss: number; cpu: number }[] = [];
  try {
    for (const rows of SIZES) {
      const bucket = await uploadDataset(s3, rows, FILE_ROWS, body);
      const runs = [];
      for (let run = 0; run < RUNS; run++) {
        runs.push(await measureSync(await startPlugin({ arch: 'amd64' }), s3, bucket, rows));
      }
      const [seconds, rss, cpu] = [runs.map((r) => r.seconds), runs.map((r) => r.rss), runs.map((r) => r.cpu)];
      const s = median(seconds);
      results.push({ rows, seconds: s, rss: median(rss), cpu: median(cpu) });
      console.log(`${rows} rows: median ${s.toFixed(2)} s (${seconds.map((x) => x.toFixed(2)).join(', ')}), ${Math.round(rows / s)} rows/s, plugin CPU median ${median(cpu).toFixed(2)} s, peak RSS median ${median(rss)} MiB (${rss.join(', ')})`);
    }
  } finally {
    await s3.stop();
  }
  const base = results[0];
  console.log('\n| rows | median seconds (Init + Sync) | rows/s | time ratio vs smallest | rows ratio | plugin CPU s | peak RSS MiB |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.rows.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(r.rows / r.seconds).toLocaleString('en-US')} | ${(r.seconds / base.seconds).toFixed(1)}× | ${r.rows / base.rows}× | ${r.cpu.toFixed(2)} | ${r.rss} |`);
  }
}

main().catch((e) => {
  console.error(`bench/sync: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
