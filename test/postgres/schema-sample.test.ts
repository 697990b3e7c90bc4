import { Int64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetOf } from '../cli/fixtures';
import { explain, shardOf } from '../cli/harness';
import { uploadAll } from '../e2e/s3-emulator';
import { pluginSummary, startSuite, Suite } from './harness';
import { Spec } from './readme-config';

// Issue #29, goal 5, through the real CLI into PostgreSQL: a schema change that only one
// shard's objects carry. Every shard must create the same table, in both spec.schema modes,
// run one after another or at the same time; a type change fails only its owner's sync.

let suite: Suite;
beforeAll(async () => { suite = await startSuite('pg-schema'); });
afterAll(async () => { await suite?.stop(); });

const TOTAL = 3;
const ODD_SHARD = 2;

/** id NOT NULL (or as `idType`, nullable) and name, rows first … first+n-1. */
const file = (first: number, n: number, odd?: 'nullable' | 'text') => parquetOf([
  odd === 'text'
    ? { name: 'id', type: new Utf8(), nullable: true, values: Array.from({ length: n }, (_, i) => `x${first + i}`) }
    : { name: 'id', type: new Int64(), nullable: odd === 'nullable', values: Array.from({ length: n }, (_, i) => BigInt(first + i)) },
  { name: 'name', type: new Utf8(), nullable: true, values: Array.from({ length: n }, (_, i) => `name-${first + i}`) },
]);

/** Bucket `bucket`: table exports_m of 12 ordinary objects, and one odd object that shard 2/3 owns. */
async function oneShardDiffers(bucket: string, odd: 'nullable' | 'text'): Promise<string> {
  const objects = new Map<string, Uint8Array>();
  for (let i = 0; i < 12; i++) objects.set(`${suite.prefix}m/a-${String(i).padStart(2, '0')}.parquet`, file(i * 10, 10));
  let oddKey = '';
  for (let i = 0; !oddKey; i++) {
    const k = `${suite.prefix}m/z-${i}.parquet`;
    if (shardOf(k, TOTAL) === ODD_SHARD) oddKey = k;
  }
  objects.set(oddKey, file(1000, 5, odd));
  await uploadAll(suite.s3, bucket, objects);
  return oddKey;
}

const inBucket = (bucket: string, mode: string) => (source: Spec) => {
  source.spec.spec.bucket = bucket;
  source.spec.spec.schema = mode;
  delete source.spec.backend_options;
};

/** The table's columns as PostgreSQL holds them: name, type, NOT NULL. */
const columns = (db: string) => suite.pg.rows(db, 'select column_name as c, data_type as t, is_nullable as n from information_schema.columns where table_name = \'exports_m\' order by ordinal_position');
const rows = (db: string) => suite.pg.rows(db, 'select _cq_id::text as cq_id, id::text as id, name from exports_m order by exports_m.id');
const shards = Array.from({ length: TOTAL }, (_, i) => `${i + 1}/${TOTAL}`);

describe('a schema change only one shard\'s objects carry', () => {
  for (const mode of ['union', 'sample']) {
    it(`schema: ${mode}: shards one after another and at the same time create the table the unsharded sync creates, with its rows`, async () => {
      const bucket = `pg-nullable-${mode}`;
      await oneShardDiffers(bucket, 'nullable');
      const whole = suite.database(`whole_${mode}`);
      await suite.sync(whole, inBucket(bucket, mode));
      expect(rows(whole).length).toBe(12 * 10 + 5);
      expect(columns(whole).find((c) => c.c === 'id'), 'one object has id nullable: so has the table').toMatchObject({ t: 'bigint', n: 'YES' });

      const oneByOne = suite.database(`one_by_one_${mode}`);
      for (const shard of shards) await suite.sync(oneByOne, inBucket(bucket, mode), ['--shard', shard]);
      const together = suite.database(`together_${mode}`);
      const runs = await suite.syncShardsTogether(together, TOTAL, inBucket(bucket, mode));
      expect(runs.map((r) => Number(pluginSummary(r).objects_synced)).reduce((a, b) => a + b)).toBe(13);
      for (const db of [oneByOne, together]) {
        expect(columns(db), db).toEqual(columns(whole));
        expect(rows(db), db).toEqual(rows(whole));
      }
    });
  }

  it('schema: sample: a type change fails the sync of the shard that owns it, naming the table, the column and both types; the other shards succeed', async () => {
    const bucket = 'pg-text-sample';
    const oddKey = await oneShardDiffers(bucket, 'text');
    const db = suite.database('text_sample');
    for (const shard of shards) {
      const r = await suite.cli(db, 'sync', inBucket(bucket, 'sample'), ['--shard', shard]);
      if (shard !== `${ODD_SHARD}/${TOTAL}`) {
        expect(r.status, explain(r)).toBe(0);
        continue;
      }
      expect(r.status, explain(r)).not.toBe(0);
      const sample = `${suite.prefix}m/a-00.parquet`;
      expect(r.stdout + r.stderr + r.log, explain(r)).toContain(`table exports_m: s3://${bucket}/${oddKey}: column "id" is utf8 here but int64 in ${sample}, the sample table exports_m was declared from (schema: sample)`);
    }
    expect(columns(db).find((c) => c.c === 'id'), 'every shard created id as the sample has it').toMatchObject({ t: 'bigint', n: 'YES' });
    // the failing shard may have delivered some of its other objects before it failed
    const ids = new Set(rows(db).map((r) => Number(r.id)));
    for (let i = 0; i < 12; i++) {
      const owner = shardOf(`${suite.prefix}m/a-${String(i).padStart(2, '0')}.parquet`, TOTAL);
      if (owner !== ODD_SHARD) expect(ids.has(i * 10) && ids.has(i * 10 + 9), `rows of object ${i} (shard ${owner})`).toBe(true);
    }
    expect([...ids].every((id) => id < 120), 'no row of the odd object').toBe(true);
  });
});
