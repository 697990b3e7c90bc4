/**
 * Incremental sync with CloudQuery state (backend_options), through the real CLI, with the test
 * destination as the state backend: what the cursor reads, and what it leaves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationMessages, destinationTable, destinationTables } from './destination';
import { startFaultProxy } from './fault-proxy';
import { buildTestBinaries, cloudquery, CliResult, explain, pluginSyncMs, requireCli, tempDir, TestBinaries, writeConfig } from './harness';
import { FixtureFile, METRIC_COLUMNS, parquetBytes, plainRows } from '../e2e/fixtures';
import { S3Endpoint, startS3, uploadAll } from '../e2e/s3-emulator';

const BUCKET = 'cli-incremental';
const OBJECTS = 100;
const ROWS = 1_000;
const STATE_TABLE = 'cq_state_s3';

let s3: S3Endpoint;
let bins: TestBinaries;
let work: string;
let dir: string;
let destDir: string;
let firstSyncMs: number;
let firstSyncWallMs: number;

const file = (key: string, firstId: number, rows: number): FixtureFile => ({ key, columns: METRIC_COLUMNS, firstId, rows });
const put = (f: FixtureFile) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: f.key, Body: parquetBytes(f) }));

beforeAll(async () => {
  requireCli();
  work = tempDir('incremental');
  bins = buildTestBinaries(work);
  s3 = await startS3();
  const objects = new Map<string, Uint8Array>();
  for (let i = 0; i < OBJECTS; i++) {
    const f = file(`events/part-${String(i).padStart(4, '0')}.parquet`, i * ROWS, ROWS);
    objects.set(f.key, parquetBytes(f));
  }
  await uploadAll(s3, BUCKET, objects);
  dir = path.join(work, 'state');
  destDir = path.join(dir, 'dest');
  fs.mkdirSync(dir, { recursive: true });
});

afterAll(async () => {
  await s3?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function config(endpoint: string, extra: Record<string, unknown> = {}): string {
  return writeConfig(dir, {
    registry: 'local',
    path: bins.plugin,
    tables: ['events'],
    backendTable: STATE_TABLE,
    spec: { bucket: BUCKET, region: 'us-east-1', endpoint, path_style: true, ...extra },
  }, { path: bins.destination, dir: destDir });
}

/** The events table's cursor in the state backend (the JSON the plugin stores), or undefined. */
function storedCursor(): string | undefined {
  if (!destinationTables(destDir).includes(STATE_TABLE)) return undefined;
  const row = plainRows(destinationTable(destDir, STATE_TABLE)).find((r) => r.key === `s3/${BUCKET}/events/cursor`);
  return row ? String(row.value) : undefined;
}

/** Runs a sync and returns it with the rows inserted into `events` by this sync alone. */
async function sync(endpoint = s3.pluginUrl): Promise<{ r: CliResult; inserted: number; insertedIds: string[] }> {
  const before = destinationMessages(destDir).length;
  const idsBefore = new Set(eventIds());
  const r = await cloudquery(dir, ['sync', config(endpoint)]);
  expect(r.status, explain(r)).toBe(0);
  const inserted = destinationMessages(destDir).slice(before).filter((m) => m.type === 'insert' && m.table === 'events').reduce((n, m) => n + (m.rows ?? 0), 0);
  return { r, inserted, insertedIds: eventIds().filter((id) => !idsBefore.has(id)) };
}

function eventIds(): string[] {
  if (!destinationTables(destDir).includes('events')) return [];
  return plainRows(destinationTable(destDir, 'events')).map((row) => String(row.id));
}

describe('incremental sync with backend_options', () => {
  it('first sync delivers every row and keeps a cursor for the table in the state backend', async () => {
    const { r, inserted } = await sync();
    firstSyncMs = pluginSyncMs(r);
    firstSyncWallMs = r.ms;
    expect(inserted).toBe(OBJECTS * ROWS);
    expect(destinationTables(destDir)).toContain(STATE_TABLE);
    const keys = plainRows(destinationTable(destDir, STATE_TABLE)).map((row) => String(row.key));
    expect(keys, 'one key per table').toEqual([`s3/${BUCKET}/events/cursor`]);
    const cursor = JSON.parse(storedCursor()!);
    expect(cursor).toMatchObject({ v: 1, last_modified: expect.any(String), window_start: expect.any(String) });
    expect(Date.parse(cursor.last_modified) - Date.parse(cursor.window_start), 'the default lookback').toBe(3_600_000);
    expect(Object.keys(cursor.seen).length, 'every object was uploaded within the lookback').toBe(OBJECTS);
  });

  it('second sync with no new uploads inserts 0 rows, in < 10% of the first sync\'s time, and deletes nothing', async () => {
    // Up to three such syncs, each inserting nothing; the fastest is measured, so one
    // scheduling hiccup of a shared machine (a few ms against a sync of a few hundred) does not decide.
    const times: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < 3 && !(Math.min(...times) < firstSyncMs * 0.1); i++) {
      const { r, inserted } = await sync();
      expect(inserted).toBe(0);
      expect(r.log, 'the plugin read no object').toContain(`"objects_unchanged":${OBJECTS}`);
      times.push(pluginSyncMs(r));
      wall.push(r.ms);
    }
    // The Sync phase is what the cursor shortens; the CLI's wall time also holds both processes'
    // start-up and Init's listing and footer reads (BENCHMARKS.md, "Incremental sync").
    process.stdout.write(`incremental: first sync ${firstSyncMs} ms, second ${times.join(' / ')} ms (plugin summary durations); `
      + `cloudquery sync wall time ${firstSyncWallMs} ms, then ${wall.join(' / ')} ms\n`);
    expect(Math.min(...times)).toBeLessThan(firstSyncMs * 0.1);
    expect(eventIds().length, 'rows of earlier syncs stay').toBe(OBJECTS * ROWS);
    expect(destinationMessages(destDir).filter((m) => m.type === 'delete_stale'), 'with backend_options the CLI sends no DELETESTALE for an incremental table').toEqual([]);
  });

  it('after one new object, only its rows arrive', async () => {
    await put(file('events/part-new.parquet', 10_000_000, 37));
    const { inserted, insertedIds } = await sync();
    expect(inserted).toBe(37);
    expect(insertedIds.sort()).toEqual(Array.from({ length: 37 }, (_, i) => String(10_000_000 + i)).sort());
  });

  it('an overwritten object is read again', async () => {
    await put(file('events/part-0000.parquet', 20_000_000, 5));
    const { inserted, insertedIds } = await sync();
    expect(inserted).toBe(5);
    expect(insertedIds.sort()).toEqual(Array.from({ length: 5 }, (_, i) => String(20_000_000 + i)).sort());
  });

  it('a late upload whose LastModified is older than the cursor is still picked up (s3fault rewrites LastModified)', async () => {
    const proxy = await startFaultProxy(s3.url, work);
    try {
      const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'events/' }));
      const newest = Math.max(...(listed.Contents ?? []).map((o) => o.LastModified!.getTime()));
      await put(file('events/late.parquet', 30_000_000, 11));
      // As a multipart upload begun before the last sync listed the bucket would look.
      await proxy.addRules([{ op: 'list', key: 'events/late.parquet', fault: 'last_modified', last_modified: new Date(newest - 30_000).toISOString() }]);
      const { inserted, insertedIds } = await sync(proxy.s3);
      expect(inserted).toBe(11);
      expect(insertedIds.sort()).toEqual(Array.from({ length: 11 }, (_, i) => String(30_000_000 + i)).sort());
    } finally {
      await proxy.stop();
    }
  });

  it('a sync that fails midway leaves the cursor where it was, and the next sync reads those objects again', async () => {
    const ok = file('events/retry-a.parquet', 40_000_000, 13);
    const failing = file('events/retry-b.parquet', 40_000_100, 7);
    await put(ok);
    await put(failing);
    const before = storedCursor();
    const proxy = await startFaultProxy(s3.url, work);
    try {
      // Every request for the object after the first (Init's footer read): it fails during the Sync.
      await proxy.addRules([{ key: failing.key, skip: 1, fault: 'status', status: 500, code: 'InternalError' }]);
      // One object at a time, in key order: retry-a is delivered, then retry-b fails.
      const r = await cloudquery(dir, ['sync', config(proxy.s3, { max_attempts: 1, concurrency: 1 })]);
      expect(r.status, 'the sync fails').not.toBe(0);
      const summary = r.log.split('\n').find((l) => l.includes('"message":"sync summary"') && l.includes('"module":"cq-source-s3-source"')) ?? '';
      for (const part of ['"result":"failed"', '"objects_synced":1', failing.key]) {
        expect(summary, `the Sync itself failed midway (after Init and one object), naming the object: ${explain(r)}`).toContain(part);
      }
    } finally {
      await proxy.stop();
    }
    expect(storedCursor(), 'the cursor did not move').toBe(before);

    const { inserted } = await sync();
    expect(inserted, 'both objects are read again').toBe(ok.rows + failing.rows);
    const ids = eventIds();
    expect(new Set(ids).size, 'no row twice: rows the failed sync delivered were upserted by _cq_id').toBe(ids.length);
    const want = [...Array.from({ length: ok.rows }, (_, i) => String(40_000_000 + i)), ...Array.from({ length: failing.rows }, (_, i) => String(40_000_100 + i))];
    expect(want.filter((id) => !ids.includes(id)), 'every row of both objects is in the table').toEqual([]);
    expect(storedCursor()).not.toBe(before);
  });
});
