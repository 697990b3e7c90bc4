/**
 * `cloudquery sync --shard NUM/TOTAL` through the real CLI: four shards over one bucket of
 * 1,000 objects in four tables deliver, together, exactly what one unsharded sync delivers;
 * every shard declares every table alike; bad shards are clear errors (the CLI's, and the
 * plugin's for any other gRPC client); incremental state is per shard.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationMessage, destinationMessages, destinationTable, destinationTables } from './destination';
import { cloudquery, CliResult, explain, shardOf, startCliSuite, TestBinaries, writeConfig } from './harness';
import { FixtureFile, METRIC_COLUMNS, ORDER_COLUMNS, parquetBytes, plainRows, Row } from '../e2e/fixtures';
import { serveArgs, spawnPlugin } from '../e2e/plugin-process';
import { freePort } from '../e2e/process';
import { S3Endpoint, uploadAll } from '../e2e/s3-emulator';

const BUCKET = 'cli-shard';
const INC_BUCKET = 'cli-shard-incremental';
const ONE_OBJECT_BUCKET = 'cli-shard-one-object';
const ROWS = 2;
/** Four tables, 1,000 objects: one table of a single object, which three of four shards own none of. */
const TABLES: { table: string; count: number; key: (i: number) => string; columns: FixtureFile['columns'] }[] = [
  { table: 'events', count: 560, key: (i) => `events/part-${String(i).padStart(4, '0')}.parquet`, columns: METRIC_COLUMNS },
  { table: 'orders_2024', count: 300, key: (i) => `orders/2024/part-${String(i).padStart(4, '0')}.parquet`, columns: ORDER_COLUMNS },
  { table: 'logs_app', count: 139, key: (i) => `logs/app/x-${String(i).padStart(3, '0')}.parquet`, columns: METRIC_COLUMNS },
  { table: 'lookup', count: 1, key: () => 'lookup.parquet', columns: METRIC_COLUMNS },
];
const FILES: FixtureFile[] = TABLES.flatMap((t) => Array.from({ length: t.count }, (_, i) => ({ key: t.key(i), columns: t.columns, firstId: i * ROWS, rows: ROWS })));
const TABLE_NAMES = TABLES.map((t) => t.table).sort();
const SHARDS = 4;

let s3: S3Endpoint;
let bins: TestBinaries;
let work: string;

beforeAll(async () => {
  ({ work, bins, s3 } = await startCliSuite('shard'));
  await uploadAll(s3, BUCKET, new Map(FILES.map((f) => [f.key, parquetBytes(f)])));
  await uploadAll(s3, INC_BUCKET, new Map(incFiles().map((f) => [f.key, parquetBytes(f)])));
  await uploadAll(s3, ONE_OBJECT_BUCKET, new Map(FILES.filter((f) => f.key === 'lookup.parquet').map((f) => [f.key, parquetBytes(f)])));
});

afterAll(async () => {
  await s3?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const spec = (bucket: string) => ({ bucket, region: 'us-east-1', endpoint: s3.pluginUrl, path_style: true });

/** One CLI sync of BUCKET into a fresh destination `name`, with extra CLI arguments. */
async function syncInto(name: string, args: string[] = []): Promise<{ r: CliResult; destDir: string }> {
  const dir = path.join(work, name);
  const destDir = path.join(dir, 'dest');
  fs.mkdirSync(dir, { recursive: true });
  const config = writeConfig(dir, { registry: 'local', path: bins.plugin, spec: spec(BUCKET) }, { path: bins.destination, dir: destDir });
  return { r: await cloudquery(dir, ['sync', config, ...args]), destDir };
}

/** The plugin's own log lines with `message`, from the CLI's log (registry: local). */
function pluginLines(r: CliResult, message: string): Record<string, unknown>[] {
  return r.log.split('\n').filter((l) => l.includes('"module":"cq-source-s3-source"') && l.includes(`"message":"${message}"`)).map((l) => JSON.parse(l));
}

interface Output {
  /** Table → its rows without the CLI's _cq_sync_time and _cq_source_name, keyed by _cq_id. */
  readonly rows: Map<string, Map<string, Row>>;
  readonly sourceNames: Set<string>;
  readonly migrations: DestinationMessage[];
}

function output(destDir: string): Output {
  const rows = new Map<string, Map<string, Row>>();
  const sourceNames = new Set<string>();
  for (const table of destinationTables(destDir)) {
    const byId = new Map<string, Row>();
    for (const { _cq_sync_time: _, _cq_source_name: source, ...row } of plainRows(destinationTable(destDir, table))) {
      sourceNames.add(String(source));
      byId.set(String(row._cq_id), row);
    }
    rows.set(table, byId);
  }
  return { rows, sourceNames, migrations: destinationMessages(destDir).filter((m) => m.type === 'migrate_table') };
}

const rowCount = (o: Output) => [...o.rows.values()].reduce((n, t) => n + t.size, 0);

describe('cloudquery sync --shard', () => {
  let unsharded: Output;
  const shards: Output[] = [];
  const summaries: Record<string, unknown>[] = [];

  let oneOfOne: Output;

  it(`4 shards of ${FILES.length} objects in 4 tables: together exactly the rows of one unsharded sync, none twice`, async () => {
    // Six jobs at once, each its own CLI, plugin and destination: unsharded, 1/1, and four shards.
    const [all, one, ...runs] = await Promise.all([
      syncInto('unsharded'),
      syncInto('shard-1-of-1', ['--shard', '1/1']),
      ...Array.from({ length: SHARDS }, (_, i) => syncInto(`shard-${i + 1}`, ['--shard', `${i + 1}/${SHARDS}`])),
    ]);
    expect(all.r.status, explain(all.r)).toBe(0);
    unsharded = output(all.destDir);
    expect([...unsharded.rows.keys()].sort()).toEqual(TABLE_NAMES);
    expect(rowCount(unsharded)).toBe(FILES.length * ROWS);
    expect(one.r.status, explain(one.r)).toBe(0);
    oneOfOne = output(one.destDir);
    for (const [i, { r, destDir }] of runs.entries()) {
      expect(r.status, explain(r)).toBe(0);
      shards.push(output(destDir));
      const summary = pluginLines(r, 'sync summary');
      expect(summary, 'one summary line per shard').toHaveLength(1);
      summaries.push(summary[0]);
      expect(summary[0]).toMatchObject({ result: 'ok', shard: `${i + 1}/${SHARDS}`, objects_skipped: 0, objects_failed: 0 });
    }
    for (const table of TABLE_NAMES) {
      const union = new Map<string, Row>();
      for (const [i, shard] of shards.entries()) {
        for (const [id, row] of shard.rows.get(table) ?? new Map()) {
          expect(union.has(id), `${table} row ${id} delivered by shard ${i + 1} and an earlier one`).toBe(false);
          union.set(id, row);
        }
      }
      const want = unsharded.rows.get(table)!;
      expect(union.size, `${table}: rows of the 4 shards`).toBe(want.size);
      for (const [id, row] of want) expect(union.get(id), `${table} row ${id}, value by value`).toEqual(row);
    }
  });

  it('each shard holds 25% ± 5% of the objects, exactly those the partition gives it, with its own _cq_source_name', () => {
    for (const [i, shard] of shards.entries()) {
      const num = i + 1;
      const owned = FILES.filter((f) => shardOf(f.key, SHARDS) === num);
      expect(summaries[i].objects_synced, `shard ${num}: objects synced`).toBe(owned.length);
      expect(rowCount(shard)).toBe(owned.length * ROWS);
      const share = owned.length / FILES.length;
      process.stdout.write(`shard ${num}/${SHARDS}: ${owned.length} of ${FILES.length} objects (${(100 * share).toFixed(1)}%)\n`);
      expect(share).toBeGreaterThanOrEqual(0.2);
      expect(share).toBeLessThanOrEqual(0.3);
      // The CLI names a shard's rows <source>_<num>_<total>: overwrite-delete-stale then deletes only that shard's stale rows.
      expect([...shard.sourceNames]).toEqual([`s3_${num}_${SHARDS}`]);
    }
    expect([...unsharded.sourceNames]).toEqual(['s3']);
  });

  it('every shard declares every table with the same columns, also a table it owns no object of', () => {
    const columnsOf = (o: Output) => Object.fromEntries(o.migrations.map((m) => [m.table, m.columns]));
    const want = columnsOf(unsharded);
    const owners = new Set(FILES.filter((f) => f.key === 'lookup.parquet').map((f) => shardOf(f.key, SHARDS)));
    expect(owners.size).toBe(1);
    for (const [i, shard] of shards.entries()) {
      expect(columnsOf(shard), `shard ${i + 1}`).toEqual(want);
      expect(shard.rows.has('lookup') ? shard.rows.get('lookup')!.size : 0).toBe(owners.has(i + 1) ? ROWS : 0);
    }
  });

  it('--shard 1/1 delivers what the unsharded sync delivers', () => {
    expect(oneOfOne.rows).toEqual(unsharded.rows);
    expect([...oneOfOne.sourceNames]).toEqual(['s3_1_1']);
  });

  it.each([
    ['0/4', 'Shard num and total shards should be greater than 0'],
    ['5/4', 'Shard num should be less than or equal to total shards'],
    ['1/0', 'Shard num and total shards should be greater than 0'],
  ])('--shard %s is a clear error, and nothing is written', async (shard, message) => {
    const { r, destDir } = await syncInto(`bad-${shard.replace('/', '-')}`, ['--shard', shard]);
    expect(r.status).not.toBe(0);
    expect(`${r.stderr}${r.log}`).toContain(`invalid shard format: ${shard}. ${message}`);
    expect(destinationMessages(destDir)).toEqual([]);
  });

  it('a gRPC client sending shard 0/4, 5/4 or 1/0 gets the plugin\'s own error, naming it; a valid shard then syncs', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const plugin = await spawnPlugin('shard plugin', [bins.plugin, ...serveArgs(address)], address, bins.version);
    try {
      await plugin.client.init(spec(ONE_OBJECT_BUCKET));
      for (const [num, total] of [[0, 4], [5, 4], [1, 0]]) {
        await expect(plugin.client.sync(['*'], { shard: { num, total } })).rejects.toThrow(`invalid shard ${num}/${total}: the shard`);
      }
      const owner = shardOf('lookup.parquet', SHARDS);
      const res = await plugin.client.sync(['*'], { shard: { num: owner, total: SHARDS } });
      expect(res.rows.get('lookup')).toBe(ROWS);
    } finally {
      await plugin.stop();
    }
  });
});

const INC_OBJECTS = 120;
const STATE_TABLE = 'cq_state_s3';
function incFiles(): FixtureFile[] {
  return Array.from({ length: INC_OBJECTS }, (_, i) => ({ key: `events/part-${String(i).padStart(4, '0')}.parquet`, columns: METRIC_COLUMNS, firstId: i * ROWS, rows: ROWS }));
}

describe('incremental sync in shards (backend_options)', () => {
  const dir = () => path.join(work, 'incremental');
  const destDir = () => path.join(dir(), 'dest');

  /** Runs the shards of `total` one after another, as N jobs sharing one destination and state backend; returns what each inserted. */
  async function runShards(total: number, nums = Array.from({ length: total }, (_, i) => i + 1)): Promise<{ num: number; inserted: number; r: CliResult }[]> {
    fs.mkdirSync(dir(), { recursive: true });
    const config = writeConfig(dir(), { registry: 'local', path: bins.plugin, tables: ['events'], backendTable: STATE_TABLE, spec: spec(INC_BUCKET) }, { path: bins.destination, dir: destDir() });
    const out = [];
    for (const num of nums) {
      const before = destinationMessages(destDir()).length;
      const r = await cloudquery(dir(), ['sync', config, '--shard', `${num}/${total}`]);
      expect(r.status, explain(r)).toBe(0);
      const inserted = destinationMessages(destDir()).slice(before).filter((m) => m.type === 'insert' && m.table === 'events').reduce((n, m) => n + (m.rows ?? 0), 0);
      out.push({ num, inserted, r });
    }
    return out;
  }

  const owned = (total: number, num: number, files = incFiles()) => files.filter((f) => shardOf(f.key, total) === num).length;

  it('first run: each shard inserts exactly its objects and keeps its own cursor', async () => {
    const runs = await runShards(SHARDS);
    for (const { num, inserted } of runs) expect(inserted, `shard ${num}`).toBe(owned(SHARDS, num) * ROWS);
    const state = new Map(plainRows(destinationTable(destDir(), STATE_TABLE)).map((row) => [String(row.key), String(row.value)]));
    const shardsValue = state.get(`s3/${INC_BUCKET}/events/shards`);
    expect(shardsValue).toMatch(/^4:[0-9a-f]{16}$/);
    expect([...state.keys()].sort()).toEqual([...Array.from({ length: SHARDS }, (_, i) => `s3/${INC_BUCKET}/events/shard/${i + 1}-of-${SHARDS}/cursor`), `s3/${INC_BUCKET}/events/shards`].sort());
    for (let num = 1; num <= SHARDS; num++) {
      const cursor = JSON.parse(state.get(`s3/${INC_BUCKET}/events/shard/${num}-of-${SHARDS}/cursor`)!);
      expect(Object.keys(cursor.seen).length, `shard ${num}'s cursor holds its objects only`).toBe(owned(SHARDS, num));
      expect(cursor.shards).toBe(shardsValue);
    }
  });

  it('second run of all shards inserts nothing', async () => {
    for (const { num, inserted, r } of await runShards(SHARDS)) {
      expect(inserted, `shard ${num}`).toBe(0);
      expect(pluginLines(r, 'sync summary')[0]).toMatchObject({ objects_synced: 0, objects_unchanged: owned(SHARDS, num) });
    }
  });

  it('a new object arrives in exactly one shard: the one that owns it', async () => {
    const extra: FixtureFile = { key: 'events/late-arrival.parquet', columns: METRIC_COLUMNS, firstId: 1_000_000, rows: 3 };
    await s3.client.send(new PutObjectCommand({ Bucket: INC_BUCKET, Key: extra.key, Body: parquetBytes(extra) }));
    const runs = await runShards(SHARDS);
    expect(runs.map((r) => r.inserted)).toEqual(runs.map(({ num }) => (num === shardOf(extra.key, SHARDS) ? extra.rows : 0)));
  });

  it('changing the shard total: the first shard to run says so, and each shard reads all it owns', async () => {
    const files = [...incFiles(), { key: 'events/late-arrival.parquet', columns: METRIC_COLUMNS, firstId: 1_000_000, rows: 3 }];
    const runs = await runShards(2);
    for (const { num, inserted } of runs) {
      const rows = files.filter((f) => shardOf(f.key, 2) === num).reduce((n, f) => n + f.rows, 0);
      expect(inserted, `shard ${num}/2`).toBe(rows);
    }
    const warnings = (num: number) => runs[num - 1].r.log.split('\n').filter((l) => l.includes('"module":"cq-source-s3-source"') && l.includes('the shard total changed')).map((l) => JSON.parse(l));
    const warning = warnings(1);
    expect(warning, explain(runs[0].r)).toHaveLength(1);
    expect(warning[0].message).toContain('the shard total changed from 4 to 2');
    expect(warnings(2), 'shard 2/2 runs after 1/2 stored the new total: it just has no cursor yet').toEqual([]);
    expect(warning[0]).toMatchObject({ level: 'warn', table: 'events', shard: '1/2', previous_shard_total: 4 });
    const ids = plainRows(destinationTable(destDir(), 'events')).map((row) => String(row._cq_id));
    expect(new Set(ids).size, 'rows read again were upserted, not duplicated').toBe(ids.length);
  });
});
