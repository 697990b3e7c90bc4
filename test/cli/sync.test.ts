import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { DateDay, DurationMillisecond, Int64, Null, TimestampMicrosecond, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnTypes, CQ_COLUMNS, destinationMessages, destinationTable, destinationTables, splitRows } from './destination';
import { byId, expectedTable, FOUR_TABLE_FILES, FOUR_TABLES, fourTableObjects, parquetOf, TABLE_OF } from './fixtures';
import { cloudquery, explain, startCliSuite, TestBinaries, writeConfig } from './harness';
import { firstDifference } from '../e2e/checks';
import { expectedRows, parquetBytes, plainRows } from '../e2e/fixtures';
import { serveArgs, spawnPlugin } from '../e2e/plugin-process';
import { freePort } from '../e2e/process';
import { S3Endpoint, uploadAll } from '../e2e/s3-emulator';

let s3: S3Endpoint;
let bins: TestBinaries;
let work: string;
const FOUR = 'cli-sync-four';
const CASES = 'cli-sync-cases';

/** The Parquet written by CloudQuery's file and S3 destinations: the columns the CLI added, then the data. */
const CQ_EXPORT_ROWS = 25;
const OLD_SYNC = Date.UTC(2023, 5, 1, 12, 0, 0);
const cqExport = () => parquetOf([
  { name: '_cq_sync_time', type: new TimestampMicrosecond('UTC'), nullable: true, values: Array.from({ length: CQ_EXPORT_ROWS }, () => OLD_SYNC) },
  { name: '_cq_source_name', type: new Utf8(), nullable: true, values: Array.from({ length: CQ_EXPORT_ROWS }, () => 's3') },
  { name: '_cq_id', type: new Utf8(), nullable: false, values: Array.from({ length: CQ_EXPORT_ROWS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) },
  { name: '_cq_parent_id', type: new Utf8(), nullable: true, values: Array.from({ length: CQ_EXPORT_ROWS }, () => null) },
  { name: 'id', type: new Int64(), nullable: false, values: Array.from({ length: CQ_EXPORT_ROWS }, (_, i) => BigInt(i)) },
  { name: 'name', type: new Utf8(), nullable: true, values: Array.from({ length: CQ_EXPORT_ROWS }, (_, i) => `name-${i}`) },
]);

beforeAll(async () => {
  ({ work, bins, s3 } = await startCliSuite('sync'));
  await uploadAll(s3, FOUR, fourTableObjects());
  await uploadAll(s3, CASES, new Map([
    // Nullability: id REQUIRED in one file, OPTIONAL with a null in the other.
    ['nullability/a.parquet', parquetOf([{ name: 'id', type: new Int64(), nullable: false, values: [1n, 2n] }])],
    ['nullability/b.parquet', parquetOf([{ name: 'id', type: new Int64(), nullable: true, values: [3n, null] }])],
    // Unifiable: a zero-row file whose column is null-typed (pandas' empty column) next to a utf8 one.
    ['unifiable/a-empty.parquet', parquetOf([{ name: 'id', type: new Int64(), nullable: true, values: [] }, { name: 'note', type: new Null(), nullable: true, values: [] }])],
    ['unifiable/b.parquet', parquetOf([{ name: 'id', type: new Int64(), nullable: true, values: [1n, 2n] }, { name: 'note', type: new Utf8(), nullable: true, values: ['x', null] }])],
    // Durations (Arrow duration[ms], INT64 in Parquet) arrive as int64 milliseconds.
    ['durations/a.parquet', parquetOf([{ name: 'elapsed', type: new DurationMillisecond(), nullable: true, values: [1500n, null] }, { name: 'day', type: new DateDay(), nullable: true, values: [new Date(Date.UTC(2024, 0, 14)), null] }])],
    ['cq_export/part-0.parquet', cqExport()],
  ]));
});

afterAll(async () => {
  await s3?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const spec = (bucket: string, over: Record<string, unknown> = {}) => ({ bucket, region: 'us-east-1', endpoint: s3.pluginUrl, path_style: true, ...over });

function workdir(name: string) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  return { dir, destDir: path.join(dir, 'dest') };
}

/** Every table of the four-table bucket, value by value, types included, with the CLI's own columns apart. */
function expectFourTablesDelivered(destDir: string) {
  expect(destinationTables(destDir)).toEqual(FOUR_TABLES);
  let syncTimes = new Set<string>();
  for (const table of FOUR_TABLES) {
    const t = destinationTable(destDir, table);
    const want = expectedTable(table);
    const { [CQ_COLUMNS[0]]: syncTimeType, [CQ_COLUMNS[1]]: sourceNameType, _cq_id: _, ...types } = columnTypes(t);
    expect(types, `column types of ${table}`).toEqual(want.types);
    expect([syncTimeType, sourceNameType]).toEqual(['Timestamp<MICROSECOND, UTC>', 'Utf8']);
    const { rows, sourceNames, syncTimes: times } = splitRows(t);
    expect(firstDifference(table, rows.sort(byId), want.rows)).toBeUndefined();
    expect([...sourceNames]).toEqual(['s3']);
    syncTimes = new Set([...syncTimes, ...times]);
  }
  expect(syncTimes.size, 'one sync time for every row of one sync').toBe(1);
}

const totalRows = FOUR_TABLE_FILES.reduce((n, f) => n + f.rows, 0);

describe('cloudquery sync', () => {
  it('registry: local — the CLI launches the plugin over a unix socket; every row arrives, value by value', async () => {
    const { dir, destDir } = workdir('local');
    const config = writeConfig(dir, { registry: 'local', path: bins.plugin, spec: spec(FOUR) }, { path: bins.destination, dir: destDir });
    const r = await cloudquery(dir, ['sync', config]);
    expect(r.status, explain(r)).toBe(0);
    expect(r.stdout).toContain(`Sync completed successfully. Resources: ${totalRows}, Errors: 0`);
    const listening = r.log.split('\n').filter((l) => l.includes('"message":"Plugin server listening"') && l.includes('"module":"cq-source-s3-source"'));
    expect(listening, 'the CLI launched the plugin on a unix socket').toEqual([expect.stringMatching(/"address":"[^"]+\.sock"/)]);
    expectFourTablesDelivered(destDir);
    const deleteStale = destinationMessages(destDir).filter((m) => m.type === 'delete_stale');
    expect(deleteStale.map((m) => m.table).sort()).toEqual(FOUR_TABLES);
    expect(deleteStale.every((m) => m.source_name === 's3' && m.deleted === 0)).toBe(true);
  });

  it('registry: grpc — the plugin serves on a free TCP port the config names; every row arrives, value by value', async () => {
    const { dir, destDir } = workdir('grpc');
    const address = `127.0.0.1:${await freePort()}`;
    const plugin = await spawnPlugin('grpc plugin', [bins.plugin, ...serveArgs(address)], address, bins.version);
    try {
      const config = writeConfig(dir, { registry: 'grpc', path: address, spec: spec(FOUR) }, { path: bins.destination, dir: destDir });
      const r = await cloudquery(dir, ['sync', config]);
      expect(r.status, explain(r)).toBe(0);
      expect(r.stdout).toContain(`Sync completed successfully. Resources: ${totalRows}, Errors: 0`);
      expectFourTablesDelivered(destDir);
    } finally {
      await plugin.stop();
    }
  });

  it('without backend_options every sync is a full sync: a second one upserts the same rows by _cq_id, and DELETESTALE removes the rows of a deleted object', async () => {
    const { dir, destDir } = workdir('twice');
    const bucket = 'cli-sync-twice';
    const files = FOUR_TABLE_FILES.filter((f) => TABLE_OF[f.key] === 'data_2024');
    await uploadAll(s3, bucket, new Map(files.map((f) => [f.key, parquetBytes(f)])));
    const config = writeConfig(dir, { registry: 'local', path: bins.plugin, spec: spec(bucket), tables: ['data_2024'] }, { path: bins.destination, dir: destDir });
    const sync = async () => {
      const r = await cloudquery(dir, ['sync', config]);
      expect(r.status, explain(r)).toBe(0);
      return destinationMessages(destDir).filter((m) => m.type === 'delete_stale').at(-1)!;
    };
    const all = expectedTable('data_2024').rows.length;
    await sync();
    const second = await sync();
    let { rows, syncTimes } = splitRows(destinationTable(destDir, 'data_2024'));
    expect(rows.length, 'the same rows, not twice').toBe(all);
    expect([...syncTimes], 'every row now carries the second sync\'s time').toEqual([new Date(Date.parse(second.sync_time!)).toISOString()]);
    expect(second.deleted, 'the first sync\'s rows were replaced in place (same _cq_id), none was left to delete').toBe(0);

    const gone = files[1];
    await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: gone.key }));
    const third = await sync();
    expect(third.deleted, `the rows of ${gone.key}, no longer in the bucket`).toBe(gone.rows);
    ({ rows } = splitRows(destinationTable(destDir, 'data_2024')));
    expect(firstDifference('data_2024', rows.sort(byId), expectedRows(files[0]).sort(byId))).toBeUndefined();
  });
});

describe('CloudQuery columns', () => {
  // Kept under their names, the file's _cq_source_name "s3" and old _cq_sync_time would be kept by
  // the CLI, and its DELETESTALE would delete every imported row: the plugin renames them.
  it('CloudQuery columns round trip: Parquet exported by CloudQuery syncs without duplicate columns, and overwrite-delete-stale deletes none of its rows', async () => {
    const { dir, destDir } = workdir('cq-export');
    const config = writeConfig(dir, { registry: 'local', path: bins.plugin, spec: spec(CASES), tables: ['cq_export'] }, { path: bins.destination, dir: destDir });
    const r = await cloudquery(dir, ['sync', config]);
    expect(r.status, explain(r)).toBe(0);
    const migrate = destinationMessages(destDir).find((m) => m.type === 'migrate_table' && m.table === 'cq_export')!;
    const names = migrate.columns!.map((c) => c.name);
    expect(names.length, `duplicate columns in ${names.join(', ')}`).toBe(new Set(names).size);
    expect(names, 'the CLI\'s columns, the plugin\'s _cq_id, then the file\'s columns with _cq_* renamed upstream_cq_*').toEqual([
      '_cq_sync_time', '_cq_source_name', '_cq_id',
      'upstream_cq_sync_time', 'upstream_cq_source_name', 'upstream_cq_id', 'upstream_cq_parent_id', 'id', 'name',
    ]);

    const stale = destinationMessages(destDir).find((m) => m.type === 'delete_stale' && m.table === 'cq_export')!;
    expect(stale.deleted, 'DELETESTALE must not delete imported rows').toBe(0);
    const t = destinationTable(destDir, 'cq_export');
    expect(t.numRows).toBe(CQ_EXPORT_ROWS);

    // The CLI's columns describe this sync, not the one that wrote the file.
    const rows = plainRows(t);
    expect(new Set(rows.map((row) => row._cq_sync_time))).toEqual(new Set([new Date(Date.parse(stale.sync_time!)).toISOString()]));
    expect(new Set(rows.map((row) => row._cq_source_name))).toEqual(new Set(['s3']));
    // The file's own values are kept, under another name, and the data is intact.
    // (upstream_cq_id is a uuid: the exports' text uuids, as 16 bytes)
    const uuidText = (b: unknown) => Buffer.from(b as Uint8Array).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    expect(rows.map((row) => uuidText(row.upstream_cq_id)).sort(), 'the exported _cq_id values are kept in a renamed column')
      .toEqual(Array.from({ length: CQ_EXPORT_ROWS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).sort());
    expect(rows.map((row) => row.name).sort()).toEqual(Array.from({ length: CQ_EXPORT_ROWS }, (_, i) => `name-${i}`).sort());
  });

  it('every row carries its own _cq_id (uuid, unique), so pk_mode: cq-id-only makes it the primary key', async () => {
    const { dir, destDir } = workdir('cq-id');
    const config = writeConfig(dir, { registry: 'local', path: bins.plugin, spec: spec(FOUR), tables: ['data_2024'] }, { path: bins.destination, dir: destDir, pkMode: 'cq-id-only' });
    const r = await cloudquery(dir, ['sync', config]);
    expect(r.status, explain(r)).toBe(0);
    const migrate = destinationMessages(destDir).find((m) => m.type === 'migrate_table' && m.table === 'data_2024')!;
    expect(migrate.columns!.find((c) => c.name === '_cq_id'), `columns: ${JSON.stringify(migrate.columns)}`).toMatchObject({ primary_key: true, not_null: true });
    const ids = plainRows(destinationTable(destDir, 'data_2024')).map((row) => row._cq_id);
    expect(ids.every((id) => id !== null)).toBe(true);
    expect(new Set(ids.map(String)).size).toBe(expectedTable('data_2024').rows.length);
  });
});

describe('schemas through the CLI', () => {
  async function syncTable(name: string, table: string) {
    const { dir, destDir } = workdir(name);
    const config = writeConfig(dir, { registry: 'local', path: bins.plugin, spec: spec(CASES), tables: [table] }, { path: bins.destination, dir: destDir });
    const r = await cloudquery(dir, ['sync', config]);
    return { r, destDir };
  }

  it('nullability: id REQUIRED in one file and OPTIONAL in another is a nullable column, and its null arrives', async () => {
    const { r, destDir } = await syncTable('nullability', 'nullability');
    expect(r.status, `the destination enforces NOT NULL, like a SQL database: ${explain(r)}`).toBe(0);
    const migrate = destinationMessages(destDir).find((m) => m.type === 'migrate_table' && m.table === 'nullability')!;
    expect(migrate.columns!.find((c) => c.name === 'id')!.not_null ?? false).toBe(false);
    expect(splitRows(destinationTable(destDir, 'nullability')).rows.map((row) => row.id).sort()).toEqual(['1', '2', '3', null].sort());
  });

  it('unifiable schemas: a zero-row file with a null-typed column joins the utf8 one', async () => {
    const { r, destDir } = await syncTable('unifiable', 'unifiable');
    expect(r.status, explain(r)).toBe(0);
    const t = destinationTable(destDir, 'unifiable');
    expect(columnTypes(t).note).toBe('Utf8');
    expect(splitRows(t).rows.sort(byId)).toEqual([{ id: '1', note: 'x' }, { id: '2', note: null }]);
  });

  it('durations arrive as int64 counts of their unit (milliseconds here)', async () => {
    const { r, destDir } = await syncTable('durations', 'durations');
    expect(r.status, explain(r)).toBe(0);
    const t = destinationTable(destDir, 'durations');
    expect(columnTypes(t).elapsed).toBe('Int64');
    expect(splitRows(t).rows).toEqual([{ elapsed: '1500', day: '2024-01-14' }, { elapsed: null, day: null }]);
  });
});
