import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Int64, TimestampMicrosecond, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetOf } from '../cli/fixtures';
import { CLOUDQUERY, explain } from '../cli/harness';
import { REPO_ROOT } from '../e2e/process';
import { uploadAll } from '../e2e/s3-emulator';
import { DESTINATION, pluginSummary, startSuite, Suite } from './harness';
import { localReadmeConfig, readmeConfig, Spec } from './readme-config';

let suite: Suite;
beforeAll(async () => { suite = await startSuite('pg-sync'); });
afterAll(async () => { await suite?.stop(); });

/** A file of rows `first … first+n-1`: id, and name = `name-<id>`. */
const idsFile = (first: number, n: number) => parquetOf([
  { name: 'id', type: new Int64(), nullable: false, values: Array.from({ length: n }, (_, i) => BigInt(first + i)) },
  { name: 'name', type: new Utf8(), nullable: true, values: Array.from({ length: n }, (_, i) => `name-${first + i}`) },
]);

/** The README's configuration reading bucket `bucket` instead of its own (one bucket per test). */
const inBucket = (bucket: string, more?: (source: Spec, destination: Spec) => void) => (source: Spec, destination: Spec) => {
  source.spec.spec.bucket = bucket;
  more?.(source, destination);
};
const withoutState = (source: Spec) => { delete source.spec.backend_options; };

const key = (rest: string) => `${suite.prefix}${rest}`;
const put = (bucket: string, k: string, body: Uint8Array) => suite.s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: body }));
const ids = (db: string, table: string) => suite.pg.rows(db, `select id::text as id from ${table} order by ${table}.id`).map((r) => Number(r.id));
const range = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);
const STATE_TABLE = () => readmeConfig().source.spec.backend_options.table_name as string;

describe('the README configuration, run for real', () => {
  it('incremental with the state in PostgreSQL: new objects only; the state row deleted → a full re-read, upserted by _cq_id', async () => {
    const bucket = 'pg-incremental';
    await uploadAll(suite.s3, bucket, new Map([[key('events/a.parquet'), idsFile(0, 50)], [key('events/b.parquet'), idsFile(50, 50)]]));
    const db = suite.database('incremental');
    const first = await suite.sync(db, inBucket(bucket));
    expect(pluginSummary(first)).toMatchObject({ result: 'ok', objects_synced: 2, objects_unchanged: 0 });
    expect(ids(db, 'exports_events')).toEqual(range(0, 100));
    const state = suite.pg.rows(db, `select * from ${STATE_TABLE()}`);
    expect(state.map((r) => r.key), 'one cursor, in the README\'s backend table').toEqual([`s3/${bucket}/exports_events/cursor`]);

    await put(bucket, key('events/c.parquet'), idsFile(100, 10));
    const second = await suite.sync(db, inBucket(bucket));
    expect(pluginSummary(second)).toMatchObject({ objects_synced: 1, objects_unchanged: 2, objects_too_late: 0, rows: 10 });
    expect(ids(db, 'exports_events')).toEqual(range(0, 110));
    const times = suite.pg.rows(db, 'select _cq_sync_time::text as t, count(*)::text as n from exports_events group by 1 order by 1');
    expect(times.map((r) => r.n), 'the first sync\'s rows stay as they were (no DELETESTALE in incremental syncs)').toEqual(['100', '10']);

    suite.pg.sql(db, `delete from ${STATE_TABLE()}`);
    const third = await suite.sync(db, inBucket(bucket));
    expect(pluginSummary(third)).toMatchObject({ objects_synced: 3, objects_unchanged: 0, rows: 110 });
    expect(ids(db, 'exports_events'), 'every row once: upserted by its _cq_id, the primary key').toEqual(range(0, 110));
    expect(primaryKey(db, 'exports_events')).toEqual(['_cq_id']);
  });

  it('a sync the destination fails after the source sent every row still advances the cursor; deleting the table\'s cursor row delivers the rows', async () => {
    const bucket = 'pg-destination-fails';
    await uploadAll(suite.s3, bucket, new Map([[key('events/a.parquet'), idsFile(0, 50)]]));
    const db = suite.database('destination_fails');
    await suite.sync(db, inBucket(bucket));
    await put(bucket, key('events/b.parquet'), idsFile(50, 10));
    suite.pg.sql(db, 'alter table exports_events add constraint refuse_new check (id < 50)');
    const failed = await suite.cli(db, 'sync', inBucket(bucket));
    expect(failed.status, explain(failed)).not.toBe(0);
    expect(failed.stderr, 'the destination failed the sync').toContain('violates check constraint "refuse_new"');
    expect(pluginSummary(failed), 'the source had sent every row: its part succeeded').toMatchObject({ result: 'ok', objects_synced: 1 });

    suite.pg.sql(db, 'alter table exports_events drop constraint refuse_new');
    const next = await suite.sync(db, inBucket(bucket));
    expect(pluginSummary(next).objects_synced, 'the failed sync committed its cursor, so the next one reads nothing (the CLI tells a source nothing of its destinations; if this changed, docs/using.md\'s "Incremental sync" must say so)').toBe(0);
    expect(ids(db, 'exports_events'), 'the refused rows are not there').toEqual(range(0, 50));
    suite.pg.sql(db, `delete from ${STATE_TABLE()} where key = 's3/${bucket}/exports_events/cursor'`);
    await suite.sync(db, inBucket(bucket));
    expect(ids(db, 'exports_events'), 'with the cursor row deleted, every row once (upserted by _cq_id)').toEqual(range(0, 60));
  });

  it('write_mode: append keeps _cq_id as a plain column: new objects only, but a full re-read inserts the rows again', async () => {
    const bucket = 'pg-append';
    await uploadAll(suite.s3, bucket, new Map([[key('events/a.parquet'), idsFile(0, 20)]]));
    const db = suite.database('append');
    const append = inBucket(bucket, (_, d) => { d.spec.write_mode = 'append'; });
    await suite.sync(db, append);
    await put(bucket, key('events/b.parquet'), idsFile(20, 5));
    expect(pluginSummary(await suite.sync(db, append))).toMatchObject({ objects_synced: 1, objects_unchanged: 1 });
    expect(ids(db, 'exports_events')).toEqual(range(0, 25));
    expect(primaryKey(db, 'exports_events'), 'no primary key in append mode').toEqual([]);
    suite.pg.sql(db, `delete from ${STATE_TABLE()}`);
    await suite.sync(db, append);
    expect(ids(db, 'exports_events'), 'every row twice').toEqual(range(0, 25).flatMap((i) => [i, i]));
  });

  it('overwrite-delete-stale without backend_options: a deleted object\'s rows are deleted, the others upserted', async () => {
    const bucket = 'pg-delete-stale';
    await uploadAll(suite.s3, bucket, new Map([[key('events/a.parquet'), idsFile(0, 30)], [key('events/b.parquet'), idsFile(30, 30)]]));
    const db = suite.database('deletestale');
    await suite.sync(db, inBucket(bucket, withoutState));
    await suite.s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key('events/b.parquet') }));
    await suite.sync(db, inBucket(bucket, withoutState));
    expect(ids(db, 'exports_events')).toEqual(range(0, 30));
    expect(suite.pg.rows(db, 'select distinct _cq_sync_time::text as t from exports_events').length, 'every row carries the second sync\'s time').toBe(1);
  });

  it('three shards into one database hold exactly the rows of one unsharded sync, _cq_id included', async () => {
    const bucket = 'pg-shards';
    const objects = new Map<string, Uint8Array>();
    for (let i = 0; i < 24; i++) objects.set(key(`t${i % 3}/part-${String(i).padStart(2, '0')}.parquet`), idsFile(i * 10, 10));
    await uploadAll(suite.s3, bucket, objects);
    const whole = suite.database('unsharded');
    await suite.sync(whole, inBucket(bucket));
    const sharded = suite.database('sharded');
    const owned: number[] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const r = await suite.sync(sharded, inBucket(bucket), ['--shard', shard]);
      owned.push(Number(pluginSummary(r).objects_synced));
    }
    expect(owned.reduce((a, b) => a + b), `objects per shard ${owned.join(', ')}`).toBe(24);
    for (const table of ['exports_t0', 'exports_t1', 'exports_t2']) {
      const rows = (db: string) => suite.pg.rows(db, `select _cq_id::text as cq_id, id::text as id, name from ${table} order by ${table}.id`);
      expect(rows(sharded), table).toEqual(rows(whole));
      expect(rows(whole).length).toBe(80);
    }
  });

  it('CloudQuery\'s own Parquet exports (_cq_* columns) synced twice: nothing duplicated, nothing deleted, upstream ids as uuid', async () => {
    const bucket = 'pg-cq-export';
    const n = 25;
    const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    await uploadAll(suite.s3, bucket, new Map([[key('cq_export/part-0.parquet'), parquetOf([
      { name: '_cq_sync_time', type: new TimestampMicrosecond('UTC'), nullable: true, values: Array.from({ length: n }, () => Date.UTC(2023, 5, 1)) },
      { name: '_cq_source_name', type: new Utf8(), nullable: true, values: Array.from({ length: n }, () => 's3') },
      { name: '_cq_id', type: new Utf8(), nullable: false, values: Array.from({ length: n }, (_, i) => uuid(i)) },
      { name: '_cq_parent_id', type: new Utf8(), nullable: true, values: Array.from({ length: n }, (_, i) => (i % 2 ? uuid(1000 + i) : null)) },
      { name: 'id', type: new Int64(), nullable: false, values: Array.from({ length: n }, (_, i) => BigInt(i)) },
    ])]]));
    for (const [name, change] of [['cq_export_incremental', inBucket(bucket)], ['cq_export_full', inBucket(bucket, withoutState)]] as const) {
      const db = suite.database(name);
      await suite.sync(db, change);
      await suite.sync(db, change);
      const rows = suite.pg.rows(db, 'select id::text as id, upstream_cq_id::text as up, upstream_cq_parent_id::text as parent, _cq_source_name as src from exports_cq_export order by exports_cq_export.id');
      expect(rows, name).toEqual(Array.from({ length: n }, (_, i) => ({ id: String(i), up: uuid(i), parent: i % 2 ? uuid(1000 + i) : null, src: 's3' })));
      expect(columnType(db, 'exports_cq_export', 'upstream_cq_id')).toBe('uuid');
      expect(columnType(db, 'exports_cq_export', 'upstream_cq_parent_id')).toBe('uuid');
    }
  });

  it('column names equal up to case fail the sync naming the file and both columns; nothing is written', async () => {
    const bucket = 'pg-names';
    await uploadAll(suite.s3, bucket, new Map([[key('names/a.parquet'), parquetOf([
      { name: 'Id', type: new Int64(), nullable: false, values: [1n] },
      { name: 'id', type: new Int64(), nullable: false, values: [2n] },
    ])]]));
    const db = suite.database('names');
    const r = await suite.cli(db, 'sync', inBucket(bucket));
    expect(r.status, explain(r)).not.toBe(0);
    expect(r.log + r.stderr).toMatch(/exports\/names\/a\.parquet has columns \\?"Id\\?" and \\?"id\\?", whose names differ only in case/);
    expect(suite.pg.sql(db, "select count(*) from pg_tables where tablename = 'exports_names'").trim()).toBe('0');
  });

  it('docs/using.md\'s sample summary line has the fields the CLI logs (text format, registry: local)', async () => {
    const bucket = 'pg-log';
    await uploadAll(suite.s3, bucket, new Map([[key('events/a.parquet'), idsFile(0, 3)]]));
    const db = suite.database('log');
    const dir = path.join(suite.work, 'log');
    fs.mkdirSync(dir);
    const config = path.join(dir, 'config.yml');
    fs.writeFileSync(config, localReadmeConfig({ plugin: suite.plugin, destination: DESTINATION, endpoint: suite.s3.pluginUrl, connection: suite.pg.url(db) }, inBucket(bucket)));
    const log = path.join(dir, 'cloudquery.log');
    const r = spawnSync(CLOUDQUERY, ['sync', config, '--telemetry-level', 'none', '--cq-dir', path.join(dir, '.cq'), '--log-file-name', log], { cwd: dir, encoding: 'utf8', env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const real = fs.readFileSync(log, 'utf8').split('\n').find((l) => / INF sync summary /.test(l));
    expect(real, 'the CLI\'s text log holds the plugin\'s summary line').toBeDefined();
    const using = fs.readFileSync(path.join(REPO_ROOT, 'docs/using.md'), 'utf8');
    const sample = /```text\n(.* INF sync summary .*)\n```/.exec(using)?.[1];
    expect(sample, 'docs/using.md has a text sample of the summary line').toBeDefined();
    const fields = (line: string) => [...line.matchAll(/ ([a-z_]+)=/g)].map((m) => m[1]).sort();
    expect(fields(sample!)).toEqual(fields(real!));
  });
});

function primaryKey(db: string, table: string): string[] {
  return suite.pg.rows(db, `select a.attname as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = '${table}'::regclass and i.indisprimary`).map((r) => r.name!);
}

function columnType(db: string, table: string, column: string): string {
  return suite.pg.sql(db, `select format_type(atttypid, atttypmod) from pg_attribute where attrelid = '${table}'::regclass and attname = '${column}'`).trim();
}
