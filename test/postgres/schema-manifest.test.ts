import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Int64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColumnSpec, parquetOf } from '../cli/fixtures';
import { CliResult, pluginLine, shardOf } from '../cli/harness';
import { uploadAll } from '../e2e/s3-emulator';
import { pluginSummary, startSuite, Suite } from './harness';
import { readmeConfig, Spec } from './readme-config';

// Issue #29, goal 2, through the real CLI with the README's backend_options (the state in
// PostgreSQL, written by CloudQuery's PostgreSQL destination): with schema: sample, each
// table's schema manifest (client/schema_manifest.go) is shared by the shards, so a repeated
// sync of an unchanged bucket reads no footer and no object, one with k new objects reads
// those k, and a rewritten sample is read again. The tests run in order on one bucket.

let suite: Suite;
beforeAll(async () => { suite = await startSuite('pg-manifest'); });
afterAll(async () => { await suite?.stop(); });

const BUCKET = 'pg-manifest';
const TOTAL = 3;
const SHARDS = Array.from({ length: TOTAL }, (_, i) => `${i + 1}/${TOTAL}`);
/** Two tables of nine objects, and one of a single object (its sample) that a test rewrites. */
const DIRS = { t0: 9, t1: 9, solo: 1 };
const TABLES = Object.keys(DIRS).map((d) => `exports_${d}`);
const ROWS = 10;
const SOLO = () => `${suite.prefix}solo/only.parquet`;
const STATE_TABLE = () => readmeConfig().source.spec.backend_options.table_name as string;

const idColumns = (first: number, n: number): ColumnSpec[] => [
  { name: 'id', type: new Int64(), nullable: false, values: Array.from({ length: n }, (_, i) => BigInt(first + i)) },
  { name: 'name', type: new Utf8(), nullable: true, values: Array.from({ length: n }, (_, i) => `name-${first + i}`) },
];

const sample = (source: Spec) => {
  source.spec.spec.bucket = BUCKET;
  source.spec.spec.schema = 'sample';
};

/** A table's rows as JSON text, without _cq_sync_time and _cq_source_name (which differ between the runs: `s3_1_3` names a shard), in _cq_id order. */
const rows = (db: string, table: string) => suite.pg.rows(db, `select (to_jsonb(t) - '_cq_sync_time' - '_cq_source_name')::text as row from ${table} t order by t._cq_id`).map((r) => r.row);
const columns = (db: string, table: string) => suite.pg.rows(db, `select column_name as c, data_type as t, is_nullable as n from information_schema.columns where table_name = '${table}' order by ordinal_position`);

/** The "discovery finished" and "sync summary" numbers of one shard's sync. */
function counts(r: CliResult) {
  const d = pluginLine(r, 'discovery finished');
  const s = pluginSummary(r);
  return { footers: Number(d.footers_read), fromState: Number(d.samples_from_state), listed: Number(d.objects_listed), synced: Number(s.objects_synced), unchanged: Number(s.objects_unchanged) };
}

/** The state table's schema manifests: table → the object version it describes. */
function manifests(db: string): Map<string, { key: string; etag: string }> {
  const stored = suite.pg.rows(db, `select key, value from ${STATE_TABLE()} where key like '%/schema' order by key`);
  return new Map(stored.map((r) => {
    const m = JSON.parse(r.value!);
    return [r.key!, { key: m.key, etag: m.etag }];
  }));
}

const etagOf = async (key: string) => (await suite.s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ETag;
const manifestKey = (table: string) => `s3/${BUCKET}/${table}/schema`;

describe('schema: sample with the state in PostgreSQL: the shards share each table\'s schema manifest', () => {
  const keys: string[] = [];
  let whole = '';
  let sharded = '';

  /** Syncs `whole` unsharded, then every shard into `sharded` (at the same time or one after another), and compares the tables. */
  async function syncBoth(together: boolean): Promise<CliResult[]> {
    await suite.sync(whole, sample);
    const runs: CliResult[] = [];
    if (together) runs.push(...await suite.syncShardsTogether(sharded, TOTAL, sample));
    else for (const s of SHARDS) runs.push(await suite.sync(sharded, sample, ['--shard', s]));
    for (const table of TABLES) {
      expect(columns(sharded, table), `${table}: the shards' migrations left the table the unsharded sync created`).toEqual(columns(whole, table));
      expect(rows(sharded, table), `${table}: the shards delivered the unsharded sync's rows, each once`).toEqual(rows(whole, table));
    }
    return runs;
  }

  const owned = (num: number, among = keys) => among.filter((k) => shardOf(k, TOTAL) === num).length;

  it('run at the same time on a fresh bucket, then one after another: the second round reads no footer and no object', async () => {
    const objects = new Map<string, Uint8Array>();
    for (const [dir, n] of Object.entries(DIRS)) {
      for (let i = 0; i < n; i++) objects.set(dir === 'solo' ? SOLO() : `${suite.prefix}${dir}/part-${i}.parquet`, parquetOf(idColumns(objects.size * ROWS, ROWS)));
    }
    keys.push(...objects.keys());
    await uploadAll(suite.s3, BUCKET, objects);
    whole = suite.database('manifest_whole');
    sharded = suite.database('manifest_sharded');

    const first = (await syncBoth(true)).map(counts);
    expect(rows(whole, 'exports_t0').length, 'the unsharded sync delivered every row of exports_t0').toBe(DIRS.t0 * ROWS);
    expect(first.map((c) => c.synced), 'at the same time, on a fresh state: each shard synced the objects it owns').toEqual(SHARDS.map((_, i) => owned(i + 1)));
    first.forEach((c, i) => {
      expect(c.listed, `shard ${SHARDS[i]} listed every object`).toBe(keys.length);
      expect(c.footers + c.fromState, `shard ${SHARDS[i]}: each table's sample from its footer or from the state, once`).toBe(TABLES.length);
    });
    const stored = manifests(sharded);
    expect([...stored.keys()], `one schema manifest per table in ${STATE_TABLE()}`).toEqual(TABLES.map(manifestKey).sort());
    for (const [stateKey, m] of stored) {
      const dir = stateKey.split('/')[2].replace(/^exports_/, '');
      expect(m.key.startsWith(`${suite.prefix}${dir}/`), `${stateKey} describes an object of its table, not ${m.key}`).toBe(true);
      expect(m.etag, `${stateKey} holds the ETag S3 has for ${m.key}`).toBe(await etagOf(m.key));
    }

    const second = (await syncBoth(false)).map(counts);
    second.forEach((c, i) => {
      expect(c.footers, `shard ${SHARDS[i]} of an unchanged bucket read a footer: the schema manifests in ${STATE_TABLE()} were not used`).toBe(0);
      expect(c.fromState, `shard ${SHARDS[i]} took every table's sample from the state`).toBe(TABLES.length);
      expect(c.synced, `shard ${SHARDS[i]} of an unchanged bucket read objects: its cursors did not hold`).toBe(0);
      expect(c.unchanged, `shard ${SHARDS[i]} counted its objects unchanged`).toBe(owned(i + 1));
    });
  });

  it('after k new objects, each shard reads only its new ones and no footer', async () => {
    const added = new Map<string, Uint8Array>();
    for (let i = 0; i < 6; i++) added.set(`${suite.prefix}t${i % 2}/new-${i}.parquet`, parquetOf(idColumns(10_000 + i * ROWS, ROWS)));
    await uploadAll(suite.s3, BUCKET, added);
    keys.push(...added.keys());

    const runs = (await syncBoth(true)).map(counts);
    expect(runs.map((c) => c.synced), `each shard synced only its share of the ${added.size} new objects`).toEqual(SHARDS.map((_, i) => owned(i + 1, [...added.keys()])));
    runs.forEach((c, i) => {
      expect(c.footers, `shard ${SHARDS[i]} read a footer though every table's sample is unchanged`).toBe(0);
      expect(c.fromState, `shard ${SHARDS[i]} took every table's sample from the state`).toBe(TABLES.length);
    });
  });

  it('after its sample is rewritten (same key, new content), the table\'s footer is read again, once, and its new rows arrive', async () => {
    const before = manifests(sharded).get(manifestKey('exports_solo'));
    const note: ColumnSpec = { name: 'note', type: new Utf8(), nullable: true, values: Array.from({ length: ROWS }, () => 'rewritten') };
    await suite.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: SOLO(), Body: parquetOf([...idColumns(90_000, ROWS), note]) }));
    const etag = await etagOf(SOLO());
    expect(etag, 'the rewrite changed the ETag').not.toBe(before?.etag);

    const runs = (await syncBoth(false)).map(counts);
    expect(runs.map((c) => c.footers), 'the first shard read the rewritten sample\'s footer; the next ones took it from the manifest the first one stored').toEqual([1, 0, 0]);
    expect(runs.map((c) => c.fromState), 'the other tables\' samples came from the state').toEqual([TABLES.length - 1, TABLES.length, TABLES.length]);
    expect(runs.map((c) => c.synced), 'only the rewritten object was read, by the shard that owns it').toEqual(SHARDS.map((_, i) => owned(i + 1, [SOLO()])));
    expect(manifests(sharded).get(manifestKey('exports_solo')), 'the manifest describes the new version').toEqual({ key: SOLO(), etag });
    expect(manifests(whole).get(manifestKey('exports_solo')), 'the unsharded sync\'s manifest too').toEqual({ key: SOLO(), etag });
    expect(columns(sharded, 'exports_solo').map((c) => c.c), 'the rewritten sample\'s new column was declared').toContain('note');
    const notes = suite.pg.rows(sharded, 'select id::text as id, note from exports_solo where note is not null order by id');
    expect(notes, 'the new version\'s rows, with its new column').toEqual(Array.from({ length: ROWS }, (_, i) => ({ id: String(90_000 + i), note: 'rewritten' })));
  });
});

// The state client migrates its table itself, with key as the primary key, so CloudQuery's
// PostgreSQL destination upserts state values by key even under write_mode: append, which
// drops the synced tables' primary keys: a rewritten sample's manifest replaces the old one.
describe('schema: sample with write_mode: append', () => {
  it('a rewritten sample\'s manifest replaces the old one, with the next version; the shards read it', async () => {
    const bucket = 'pg-manifest-append';
    const solo = `${suite.prefix}solo/only.parquet`;
    await uploadAll(suite.s3, bucket, new Map([[solo, parquetOf(idColumns(0, ROWS))], [`${suite.prefix}t0/a.parquet`, parquetOf(idColumns(ROWS, ROWS))]]));
    const db = suite.database('manifest_append');
    const append = (source: Spec, destination: Spec) => {
      source.spec.spec.bucket = bucket;
      source.spec.spec.schema = 'sample';
      destination.spec.write_mode = 'append';
    };
    const oneAfterAnother = async () => {
      const runs: CliResult[] = [];
      for (const s of SHARDS) runs.push(await suite.sync(db, append, ['--shard', s]));
      return runs.map(counts);
    };
    const soloManifests = () => suite.pg.rows(db, `select version::text as v, value from ${STATE_TABLE()} where key = 's3/${bucket}/exports_solo/schema' order by version`)
      .map((r) => ({ version: Number(r.v), etag: JSON.parse(r.value!).etag }));

    expect((await oneAfterAnother()).map((c) => c.footers), 'the first shard read both samples\' footers, the next ones took them from the state').toEqual([2, 0, 0]);
    const first = await suite.s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: solo }));
    await suite.s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: solo, Body: parquetOf(idColumns(50_000, ROWS)) }));
    const second = await suite.s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: solo }));
    expect((await oneAfterAnother()).map((c) => c.footers), 'after the rewrite, the first shard read its footer, the next ones took the newer manifest').toEqual([1, 0, 0]);
    expect(first.ETag, 'the rewrite changed the ETag').not.toBe(second.ETag);
    expect(soloManifests(), 'one manifest of the table in the state table, the rewritten version\'s').toEqual([{ version: 2, etag: second.ETag }]);
    expect((await oneAfterAnother()).map((c) => c.footers), 'then no shard read a footer').toEqual([0, 0, 0]);
    expect(suite.pg.rows(db, 'select id::text as id from exports_solo where id >= 50000').length, 'the rewritten object\'s rows').toBe(ROWS);
  });
});
