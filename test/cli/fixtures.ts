import { DataType, Field, Schema, Table, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/esm';
import { expectedRows, FixtureFile, METRIC_COLUMNS, ORDER_COLUMNS, parquetBytes, Row } from '../e2e/fixtures';

/**
 * The layout the plugin we replace documents: one object at the root and three directory
 * depths, which `cloudquery tables` must list as exactly these four tables.
 */
export const FOUR_TABLE_FILES: FixtureFile[] = [
  { key: 'datafile_0.parquet', columns: ORDER_COLUMNS, firstId: 0, rows: 1_200 },
  { key: 'data/2024/datafile_1.parquet', columns: METRIC_COLUMNS, firstId: 0, rows: 40 },
  { key: 'data/2024/datafile_2.parquet', columns: METRIC_COLUMNS, firstId: 40, rows: 25 },
  { key: 'data/2024/01/14/datafile_3.parquet', columns: ORDER_COLUMNS, firstId: 5_000, rows: 30 },
  { key: 'data/2024/02/14/14/15/datafile_4.parquet', columns: METRIC_COLUMNS, firstId: 900, rows: 7 },
];
export const FOUR_TABLES = ['data_2024', 'data_2024_01_14', 'data_2024_02_14_14_15', 'datafile_0'];
export const TABLE_OF: Record<string, string> = {
  'datafile_0.parquet': 'datafile_0',
  'data/2024/datafile_1.parquet': 'data_2024',
  'data/2024/datafile_2.parquet': 'data_2024',
  'data/2024/01/14/datafile_3.parquet': 'data_2024_01_14',
  'data/2024/02/14/14/15/datafile_4.parquet': 'data_2024_02_14_14_15',
};

export function fourTableObjects(): Map<string, Uint8Array> {
  return new Map(FOUR_TABLE_FILES.map((f) => [f.key, parquetBytes(f)]));
}

/** The rows a table must hold after a sync of the four-table bucket, sorted by id. */
export function expectedTable(table: string): { rows: Row[]; types: Record<string, string> } {
  const files = FOUR_TABLE_FILES.filter((f) => TABLE_OF[f.key] === table);
  const rows = files.flatMap(expectedRows).sort(byId);
  const types = Object.fromEntries(Object.entries(files[0].columns).map(([name, c]) => [name, String(c.type)]));
  return { rows, types };
}

export const byId = (a: Row, b: Row) => (BigInt(a.id as string | number) < BigInt(b.id as string | number) ? -1 : 1);

/** One column of a hand-made Parquet file: Arrow type, Parquet REQUIRED (nullable false) or OPTIONAL, values. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly values: unknown[];
}

/** A Parquet file (written by arrow-rs through parquet-wasm, with its Arrow schema stored). */
export function parquetOf(columns: ColumnSpec[]): Uint8Array {
  const schema = new Schema(columns.map((c) => new Field(c.name, c.type, c.nullable)));
  const data = Object.fromEntries(columns.map((c) => [c.name, vectorFromArray(c.values, c.type)]));
  const table = new Table(schema, data);
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')));
}
