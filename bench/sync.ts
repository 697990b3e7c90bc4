/*
 * Sync throughput and plugin peak RSS at three dataset sizes, over gRPC against moto.
 * The dataset is N/FILE_ROWS objects of FILE_ROWS rows (default 100,000; one generated file, one row group, uploaded under many
 * keys) in one table; concurrency is fixed at 4 so memory reflects streaming, not fan-out.
 */
import * as fs from 'node:fs';
import { Float64, Int64, Table, TimestampMicrosecond, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { binaryPath, buildBinaries, startPlugin } from '../test/e2e/plugin-process';
import { startS3, uploadAll } from '../test/e2e/s3-emulator';
import { initSync, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/esm';

initSync({ module: fs.readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });

const FILE_ROWS = Number(process.env.FILE_ROWS ?? 100_000);
const SIZES = (process.env.SIZES ?? '100000,1000000,10000000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function fileBytes(): Uint8Array {
  const ids = Array.from({ length: FILE_ROWS }, (_, i) => BigInt(i));
  const t = new Table({
    id: vectorFromArray(ids, new Int64()),
    at: vectorFromArray(ids.map((i) => Date.UTC(2024, 0, 1) + Number(i) * 1000), new TimestampMicrosecond('UTC')),
    value: vectorFromArray(ids.map((i) => Number(i) / 3), new Float64()),
    name: vectorFromArray(ids.map((i) => `name-${i % 1000n}`), new Utf8()),
  });
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(t, 'stream')), new WriterPropertiesBuilder().setMaxRowGroupSize(FILE_ROWS).build());
}

/** User + system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function peakRssMiB(pid: number): number {
  const kb = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)![1]);
  return Math.round(kb / 1024);
}

async function main() {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  if (!fs.existsSync(binaryPath('amd64'))) buildBinaries();
  const s3 = await startS3();
  const body = fileBytes();
  console.log(`one object: ${FILE_ROWS} rows, ${body.length} bytes (Parquet, 4 columns)`);
  const results: { rows: number; seconds: number; rss: number; cpu: number }[] = [];
  try {
    for (const rows of SIZES) {
      const bucket = `bench-${rows}`;
      const objects = new Map(Array.from({ length: rows / FILE_ROWS }, (_, i) => [`events/part-${String(i).padStart(4, '0')}.parquet`, body] as const));
      await uploadAll(s3, bucket, objects);
      const seconds: number[] = [];
      const rss: number[] = [];
      const cpu: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const plugin = await startPlugin({ arch: 'amd64' });
        const cpuBefore = cpuSeconds(plugin.pid!);
        const started = process.hrtime.bigint();
        await plugin.client.init({ bucket, region: 'us-east-1', endpoint: s3.pluginUrl, path_style: true, concurrency: 4 });
        const result = await plugin.client.sync(['*'], { keepRecords: false });
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        const synced = result.rows.get('events') ?? 0;
        if (synced !== rows) throw new Error(`synced ${synced} rows, expected ${rows}`);
        seconds.push(elapsed);
        rss.push(peakRssMiB(plugin.pid!));
        cpu.push(cpuSeconds(plugin.pid!) - cpuBefore);
        await plugin.stop();
      }
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
