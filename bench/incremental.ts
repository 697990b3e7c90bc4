/*
 * Incremental sync through the real CloudQuery CLI, as a user sees it: the wall time of a first
 * `cloudquery sync` (every object) against syncs with nothing new (the cursor in the state
 * backend leaves every object out), with the test destination as destination and state backend.
 *
 *   OBJECTS=20 FILE_ROWS=100000 RUNS=5 npx tsx bench/incremental.ts
 *
 * Reported: the CLI's wall time (process start to exit: CLI and plugin start-up, Init's listing
 * and footer reads, the Sync, the destination's writes) and the plugin's own Sync duration (its
 * "sync summary" line). Each run starts from an empty destination and state: a first sync, then
 * one with nothing new. Medians of RUNS.
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
    // Each run starts from an empty destination and state backend: a first sync (every object),
    // then a sync with nothing new — interleaved, so both medians see the same machine load.
    const runs: { first: CliResult; again: CliResult }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const destDir = path.join(work, `dest-${i}`);
      fs.mkdirSync(destDir);
      const config = writeConfig(work, {
        registry: 'local', path: bins.plugin, tables: ['events'], backendTable: 'cq_state_s3',
        spec: { bucket, region: 'us-east-1', endpoint: s3.pluginUrl, path_style: true },
      }, { path: bins.destination, dir: destDir }, `config-${i}.yml`);
      const sync = async (expected: number, what: string): Promise<CliResult> => {
        const before = destinationMessages(destDir).length;
        const r = await cloudquery(work, ['sync', config], {}, 1_800_000);
        if (r.status !== 0) throw new Error(`cloudquery sync failed\n${explain(r)}`);
        const inserted = destinationMessages(destDir).slice(before).filter((m) => m.type === 'insert' && m.table === 'events').reduce((n, m) => n + (m.rows ?? 0), 0);
        if (inserted !== expected) throw new Error(`${what} inserted ${inserted} rows, expected ${expected}`);
        return r;
      };
      const first = await sync(rows, 'the first sync');
      const again = await sync(0, 'a sync with nothing new');
      runs.push({ first, again });
      fs.rmSync(destDir, { recursive: true, force: true });
      process.stderr.write(`run ${i + 1}/${RUNS}: first ${first.ms} ms, nothing new ${again.ms} ms\n`);
    }
    const list = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(', ');
    const firstWall = runs.map((r) => r.first.ms);
    const againWall = runs.map((r) => r.again.ms);
    const firstPlugin = runs.map((r) => pluginSyncMs(r.first));
    const againPlugin = runs.map((r) => pluginSyncMs(r.again));
    console.log(`${OBJECTS} objects × ${FILE_ROWS.toLocaleString('en-US')} rows (${rows.toLocaleString('en-US')} rows), ${RUNS} runs`);
    console.log(`first sync: wall ${list(firstWall)} ms; plugin Sync ${list(firstPlugin)} ms`);
    console.log(`nothing new: wall ${list(againWall)} ms; plugin Sync ${list(againPlugin, 1)} ms\n`);
    console.log('| measure | first sync (median) | nothing new (median) | ratio |');
    console.log('|---|---:|---:|---:|');
    console.log(`| \`cloudquery sync\` wall time | ${median(firstWall)} ms | ${median(againWall)} ms | **${(median(againWall) / median(firstWall)).toFixed(3)}×** |`);
    console.log(`| the plugin's Sync ("sync summary" duration) | ${median(firstPlugin).toFixed(0)} ms | ${median(againPlugin).toFixed(1)} ms | ${(median(againPlugin) / median(firstPlugin)).toFixed(4)}× |`);
  } finally {
    await s3.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
