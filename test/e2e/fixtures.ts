import { Bool, DataType, DateDay, Field, Float64, Int32, Int64, List, Table, TimestampMicrosecond, Type, Utf8, vectorFromArray, tableToIPC } from 'apache-arrow';
import * as fs from 'node:fs';
import { initSync, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/esm';

// The ESM build needs its WebAssembly module handed over explicitly under Node.
initSync({ module: fs.readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });

/** A row as plain JSON values: what a synced row must decode to. */
export type Row = Record<string, string | number | boolean | null | string[]>;

export interface Column {
  readonly type: DataType;
  /** The value of row i, as plain JSON (what the test expects back). */
  readonly value: (i: number) => Row[string];
  /** The same value as apache-arrow's builder takes it. */
  readonly toArrow?: (v: Row[string]) => unknown;
}

const DAY_MS = 86_400_000;
const EPOCH_2024 = Date.UTC(2024, 0, 1);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every column type family the plugin maps; some values are null so nullability is exercised. */
export const ORDER_COLUMNS: Record<string, Column> = {
  id: { type: new Int64(), value: (i) => String(i), toArrow: (v) => BigInt(v as string) },
  quantity: { type: new Int32(), value: (i) => (i * 7) % 100 },
  amount: { type: new Float64(), value: (i) => i * 0.25 },
  customer: { type: new Utf8(), value: (i) => (i % 11 === 0 ? null : `customer-${i % 37}`) },
  paid: { type: new Bool(), value: (i) => i % 3 === 0 },
  created_at: { type: new TimestampMicrosecond('UTC'), value: (i) => new Date(EPOCH_2024 + i * 60_000).toISOString(), toArrow: (v) => Date.parse(v as string) },
  order_day: { type: new DateDay(), value: (i) => (i % 13 === 0 ? null : isoDay(EPOCH_2024 + (i % 365) * DAY_MS)), toArrow: (v) => (v === null ? null : new Date(v as string)) },
  tags: { type: new List(new Field('item', new Utf8(), true)), value: (i) => Array.from({ length: i % 4 }, (_, k) => `tag-${(i + k) % 5}`) },
};

export const METRIC_COLUMNS: Record<string, Column> = {
  id: { type: new Int64(), value: (i) => String(i), toArrow: (v) => BigInt(v as string) },
  name: { type: new Utf8(), value: (i) => `metric-${i}` },
  value: { type: new Float64(), value: (i) => Math.round(Math.sin(i) * 1e6) / 1e6 },
};

export interface FixtureFile {
  readonly key: string;
  readonly columns: Record<string, Column>;
  readonly firstId: number;
  readonly rows: number;
}

/** The objects uploaded to the bucket, and the tables they must become. */
export const FIXTURE_FILES: FixtureFile[] = [
  // At the root: the table is named after the file. 2,500 rows, more than one 500-row record.
  { key: 'orders.parquet', columns: ORDER_COLUMNS, firstId: 0, rows: 2_500 },
  // Two files in one directory feed one table.
  { key: 'sales/2024/part-0.parquet', columns: ORDER_COLUMNS, firstId: 10_000, rows: 300 },
  { key: 'sales/2024/part-1.parquet', columns: ORDER_COLUMNS, firstId: 10_300, rows: 300 },
  // A deep key.
  { key: 'sales/2024/01/14/metrics.parquet', columns: METRIC_COLUMNS, firstId: 0, rows: 50 },
  // Odd characters normalise to an identifier.
  { key: 'Raw Data/EU-West/metrics.parquet', columns: METRIC_COLUMNS, firstId: 100, rows: 20 },
];

export const EXPECTED_TABLES = ['orders', 'raw_data_eu_west', 'sales_2024', 'sales_2024_01_14'];
export const TABLE_OF_KEY: Record<string, string> = {
  'orders.parquet': 'orders',
  'sales/2024/part-0.parquet': 'sales_2024',
  'sales/2024/part-1.parquet': 'sales_2024',
  'sales/2024/01/14/metrics.parquet': 'sales_2024_01_14',
  'Raw Data/EU-West/metrics.parquet': 'raw_data_eu_west',
};

/** More noise objects than one ListObjectsV2 page, sorting before every Parquet key. */
export const NOISE_OBJECTS = 1_050;

export function expectedRows(file: FixtureFile): Row[] {
  return Array.from({ length: file.rows }, (_, k) => {
    const i = file.firstId + k;
    return Object.fromEntries(Object.entries(file.columns).map(([name, c]) => [name, c.value(i)]));
  });
}

export function expectedTypes(file: FixtureFile): Record<string, string> {
  return Object.fromEntries(Object.entries(file.columns).map(([name, c]) => [name, String(c.type)]));
}

export function parquetBytes(file: FixtureFile): Uint8Array {
  const rows = expectedRows(file);
  const vectors = Object.fromEntries(Object.entries(file.columns).map(([name, c]) => {
    const values = rows.map((r) => (c.toArrow ? c.toArrow(r[name]) : r[name]));
    return [name, vectorFromArray(values, c.type)];
  }));
  const props = new WriterPropertiesBuilder().setMaxRowGroupSize(1_000).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(new Table(vectors), 'stream')), props);
}

/** Every object of the bucket: Parquet fixtures, noise, a non-Parquet file and a malformed Parquet file. */
export function bucketObjects(): Map<string, Uint8Array> {
  const objects = new Map<string, Uint8Array>();
  const text = (s: string) => new TextEncoder().encode(s);
  for (let i = 0; i < NOISE_OBJECTS; i++) objects.set(`a-noise/${String(i).padStart(5, '0')}.json`, text(`{"n":${i}}`));
  for (const f of FIXTURE_FILES) objects.set(f.key, parquetBytes(f));
  objects.set('sales/2024/README.txt', text('not Parquet: must be ignored'));
  objects.set('sales/2024/corrupt.parquet', text('PAR1 this is not a Parquet file PAR1'));
  return objects;
}

/** Decodes an Arrow table's rows into plain JSON values, the same shape as expectedRows. */
export function plainRows(t: Table): Row[] {
  const kinds = t.schema.fields.map((f) => [f.name, f.type.typeId] as const);
  return t.toArray().map((r) => {
    const json = r.toJSON() as Record<string, unknown>;
    return Object.fromEntries(kinds.map(([name, typeId]) => [name, plainValue(json[name], typeId)]));
  });
}

function plainValue(v: unknown, typeId: Type): Row[string] {
  if (v === null || v === undefined) return null;
  switch (typeId) {
    case Type.Int: return typeof v === 'bigint' ? String(v) : (v as number);
    case Type.Timestamp: return new Date(v as number).toISOString();
    case Type.Date: return isoDay(v as number);
    case Type.List: return [...(v as Iterable<string>)];
    default: return v as Row[string];
  }
}
