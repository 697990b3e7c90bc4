import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../cli/harness';
import { REPO_ROOT } from '../e2e/process';
import { uploadAll } from '../e2e/s3-emulator';
import { startSuite, Suite, typesFile } from './harness';
import { Canonical, RULES, ValueRule } from './values';

/** How each column of internal/testkit/pgtypes' types file compares (docs/using.md's type map says why). */
const RULE_OF: Record<string, ValueRule> = {
  id: RULES.exact, i8: RULES.exact, i16: RULES.exact, i32: RULES.exact, i64: RULES.exact,
  u8: RULES.exact, u16: RULES.exact, u32: RULES.exact, u64: RULES.exact,
  f32: RULES.float32, f64: RULES.float64, dec128: RULES.exact, dec256: RULES.exact,
  str: RULES.text, large_str: RULES.text, bin: RULES.bytea, fsb: RULES.base64, bool: RULES.bool,
  date32: RULES.exact, date64: RULES.exact,
  time32s: RULES.time, time32ms: RULES.time, time64us: RULES.time, time64ns: RULES.time,
  ts_s: RULES.timestamp, ts_ms: RULES.timestamp, ts_us: RULES.timestamp, ts_ns: RULES.timestamp,
  ts_us_utc: RULES.timestamp, ts_ns_utc: RULES.timestamp, ts_ms_new_york: RULES.timestamp, ts_s_plus0530: RULES.timestamp,
  dur_s: RULES.exact, dur_ms: RULES.exact, dur_us: RULES.exact, dur_ns: RULES.exact,
  list_i32: RULES.intArray, list_str: RULES.textArray, list_f64: RULES.floatArray, large_list_i64: RULES.intArray, fsl_i32: RULES.intArray,
  list_list_i32: RULES.nestedListJSON,
  struct: RULES.jsonText((at) => at[0] === 'a'),
  map: RULES.jsonText((at) => at[1] === 'value'),
  uuid: RULES.exact, json: RULES.jsonb, dict: RULES.exact, nothing: RULES.nothing,
};

/** docs/using.md's type map: Arrow type as written → [CloudQuery type, PostgreSQL type]. */
function documentedTypeMap(): Map<string, { cq: string; pg: string }> {
  const using = fs.readFileSync(path.join(REPO_ROOT, 'docs/using.md'), 'utf8');
  const section = using.split('<!-- type map: checked by test/postgres/types.test.ts -->')[1];
  if (!section) throw new Error('docs/using.md has no type map (the marker <!-- type map: checked by test/postgres/types.test.ts -->)');
  const rows = new Map<string, { cq: string; pg: string }>();
  for (const line of section.split('\n').slice(1)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    const code = (c: string) => /^`(.*)`$/.exec(c)?.[1];
    const arrow = code(cells[0]);
    if (!arrow) continue; // the header and its rule
    rows.set(arrow, { cq: code(cells[1]) ?? cells[1], pg: code(cells[2]) ?? cells[2] });
  }
  return rows;
}

let suite: Suite;
let db: string;
let columns: ReturnType<typeof typesFile>['columns'];
beforeAll(async () => {
  suite = await startSuite('pg-types');
  const file = typesFile(suite.work);
  columns = file.columns;
  await uploadAll(suite.s3, suite.bucket, new Map([[`${suite.prefix}types/part-0.parquet`, file.parquet]]));
  db = suite.database('types');
  await suite.sync(db);
});
afterAll(async () => { await suite?.stop(); });

/** The table the README's path_prefix exports/ and the directory types/ make. */
const TABLE = 'exports_types';

describe('every type through the README configuration (CLI v6.30.0, this plugin, PostgreSQL destination v8.16.0, PostgreSQL 15)', () => {
  it('the types file covers every rule and every rule a column of the file', () => {
    expect(columns.map((c) => c.name).sort()).toEqual(Object.keys(RULE_OF).sort());
  });

  it('every value in PostgreSQL is the file\'s (arrow-go\'s reading), exactly or by the documented loss', () => {
    const select = columns.map((c) => `"${c.name}"::text as "${c.name}"`).join(', ');
    const rows = suite.pg.rows(db, `select ${select} from ${TABLE} order by ${TABLE}.id`);
    expect(rows.length).toBe(columns[0].values.length);
    const mismatches: string[] = [];
    for (const c of columns) {
      const rule = RULE_OF[c.name];
      c.values.forEach((v, row) => {
        const want = rule.expect(v as Canonical);
        const got = rows[row][c.name];
        const ok = typeof want === 'function' ? want(got) : got === want;
        if (!ok) mismatches.push(`${c.name} row ${row}: PostgreSQL has ${JSON.stringify(got)}, the file ${JSON.stringify(v)}${typeof want === 'function' ? '' : ` (expected ${JSON.stringify(want)})`}`);
      });
    }
    expect(mismatches).toEqual([]);
  });

  it('docs/using.md\'s type map is what the plugin emits and what PostgreSQL creates, row for row', async () => {
    const docs = path.join(suite.work, 'docs');
    const r = await suite.cli(db, 'tables', undefined, ['--output-dir', docs]);
    expect(r.status, explain(r)).toBe(0);
    const tables = JSON.parse(fs.readFileSync(path.join(docs, 's3/__tables.json'), 'utf8')) as { name: string; columns: { name: string; type: string }[] }[];
    const cqType = new Map(tables.find((t) => t.name === TABLE)!.columns.map((c) => [c.name, c.type]));
    const pgType = new Map(suite.pg.sql(db, `select attname || '|' || format_type(atttypid, atttypmod) from pg_attribute where attrelid = '${TABLE}'::regclass and attnum > 0`).trim().split('\n').map((l) => l.split('|') as [string, string]));
    const observed = new Map(columns.map((c) => [c.written, { cq: cqType.get(c.name), pg: pgType.get(c.name) }]));
    const map = documentedTypeMap();
    expect(Object.fromEntries(map), 'docs/using.md\'s type map (every row is a type the suite syncs)').toEqual(Object.fromEntries(observed));
  });
});
