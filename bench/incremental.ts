/*
 * Incremental sync through the real CloudQuery CLI, as a user sees it: the wall time of a first
 * `cloudquery sync` (every object) against syncs with nothing new (the cursor in the state
 * backend leaves every object out), with the test destination as destination and state backend.
 *
 *   OBJECTS=20 FILE_ROWS=100000 RUNS=5 npx tsx bench/incremental.ts
 *
 * Reported: the CLI's wall time (process start to exit: CLI and plugin start-up, Init's listing
 * and footer reads, the Sync, the destination's writes) and the plugin's own Sync duration (its
 * "sync summary" line), the first sync once, the no-op syncs as medians of RUNS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { destinationMessages } from '../test/cli/destination';
import { buildTestBinaries, cloudquery, CliResult, explain, pluginSyncMs, requireCli, tempDir, writeConfig } from '../test/cli/harness';
import { startS3 } from '../test/e2e/s3-emulator';
import { fileBytes, median, uploadDataset } from './sync-lib';

const OBJECTS = Number(process.env.OBJECTS ?? 20);
const FILE_ROWS = Number(process.env.FILE_ROWS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);

async function main() {
  requireCli();
  const work = tempDir('bench-incremental');
  const s3 = await startS3();
  try {
    const bins = buildTestBinaries(work);
    const rows = OBJECTS * FILE_ROWS;
    const bucket = await uploadDataset(s3, rows, FILE_ROWS, fileBytes(FILE_ROWS));
    const destDir = path.join(work, 'dest');
    fs.mkdirSync(destDir);
    const config = writeConfig(work, {
      registry: 'local', path: bins.plugin, tables: ['events'], backendTable: 'cq_state_s3',
      spec: { bucket, region: 'us-east-1', endpoint: s3.pluginUrl, path_style: true },
    }, { path: bins.destination, dir: destDir });
    const sync = async (): Promise<{ r: CliResult; inserted: number }> => {
      const before = destinationMessages(destDir).length;
      const r = await cloudquery(work, ['sync', config], {}, 1_800_000);
      if (r.status !== 0) throw new Error(`cloudquery sync failed\n${explain(r)}`);
      const inserted = destinationMessages(destDir).slice(before).filter((m) => m.type === 'insert' && m.table === 'events').reduce((n, m) => n + (m.rows ?? 0), 0);
      return { r, inserted };
    };
    const first = await sync();
    if (first.inserted !== rows) throw new Error(`the first sync inserted ${first.inserted} rows, expected ${rows}`);
    const again: { wall: number; plugin: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { r, inserted } = await sync();
      if (inserted !== 0) throw new Error(`a sync with nothing new inserted ${inserted} rows`);
      again.push({ wall: r.ms, plugin: pluginSyncMs(r) });
    }
    const wall = median(again.map((a) => a.wall));
    const plugin = median(again.map((a) => a.plugin));
    console.log(`${OBJECTS} objects × ${FILE_ROWS.toLocaleString('en-US')} rows; no-op syncs: wall ${again.map((a) => a.wall).join(', ')} ms; plugin Sync ${again.map((a) => a.plugin.toFixed(1)).join(', ')} ms\n`);
    console.log('| measure | first sync | nothing new (median) | ratio |');
    console.log('|---|---:|---:|---:|');
    console.log(`| \`cloudquery sync\` wall time | ${first.r.ms} ms | ${wall} ms | **${(wall / first.r.ms).toFixed(3)}×** |`);
    console.log(`| the plugin's Sync ("sync summary" duration) | ${pluginSyncMs(first.r).toFixed(0)} ms | ${plugin.toFixed(1)} ms | ${(plugin / pluginSyncMs(first.r)).toFixed(4)}× |`);
  } finally {
    await s3.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
