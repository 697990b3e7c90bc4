/* The sync benchmark's dataset and measurements, shared by bench/sync.ts and bench/sync-compare.ts. */
import * as fs from 'node:fs';
import { Float64, Int64, Table, TimestampMicrosecond, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { initSync, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/esm';
import { RunningPlugin } from '../test/e2e/plugin-process';
import { S3Endpoint, uploadAll } from '../test/e2e/s3-emulator';

initSync({ module: fs.readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One Parquet object of `rows` rows (4 columns: int64, timestamp[us, UTC], float64, utf8), one row group. */
export function fileBytes(rows: number): Uint8Array {
  const ids = Array.from({ length: rows }, (_, i) => BigInt(i));
  const t = new Table({
    id: vectorFromArray(ids, new Int64()),
    at: vectorFromArray(ids.map((i) => Date.UTC(2024, 0, 1) + Number(i) * 1000), new TimestampMicrosecond('UTC')),
    value: vectorFromArray(ids.map((i) => Number(i) / 3), new Float64()),
    name: vectorFromArray(ids.map((i) => `name-${i % 1000n}`), new Utf8()),
  });
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(t, 'stream')), new WriterPropertiesBuilder().setMaxRowGroupSize(rows).build());
}

/** Uploads rows/fileRows copies of body as one table, `events`, in a bucket named for the size. */
export async function uploadDataset(s3: S3Endpoint, rows: number, fileRows: number, body: Uint8Array): Promise<string> {
  const bucket = `bench-${rows}`;
  const objects = new Map(Array.from({ length: rows / fileRows }, (_, i) => [`events/part-${String(i).padStart(4, '0')}.parquet`, body] as const));
  await uploadAll(s3, bucket, objects);
  return bucket;
}

/** User + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export function peakRssMiB(pid: number): number {
  const kb = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)![1]);
  return Math.round(kb / 1024);
}

export interface SyncRun {
  readonly seconds: number;
  readonly cpu: number;
  readonly rss: number;
}

/** Init (concurrency 4) + Sync(["*"]) of one fresh plugin process, counting rows only; stops the plugin. */
export async function measureSync(plugin: RunningPlugin, s3: S3Endpoint, bucket: string, rows: number): Promise<SyncRun> {
  try {
    const cpuBefore = cpuSeconds(plugin.pid!);
    const started = process.hrtime.bigint();
    await plugin.client.init({ bucket, region: 'us-east-1', endpoint: s3.pluginUrl, path_style: true, concurrency: 4 });
    const result = await plugin.client.sync(['*'], { keepRecords: false });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const synced = result.rows.get('events') ?? 0;
    if (synced !== rows) throw new Error(`synced ${synced} rows, expected ${rows}`);
    return { seconds, cpu: cpuSeconds(plugin.pid!) - cpuBefore, rss: peakRssMiB(plugin.pid!) };
  } finally {
    await plugin.stop();
  }
}
