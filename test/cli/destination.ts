import * as fs from 'node:fs';
import * as path from 'node:path';
import { Table, tableFromIPC } from 'apache-arrow';
import { plainRows, Row } from '../e2e/fixtures';

/** One line of the test destination's messages.jsonl (internal/testkit/cqdest/message_log.go). */
export interface DestinationMessage {
  readonly type: 'migrate_table' | 'insert' | 'delete_stale' | 'delete_record';
  readonly table: string;
  readonly action?: string;
  readonly columns?: { name: string; type: string; not_null?: boolean; primary_key?: boolean }[];
  readonly rows?: number;
  readonly source_name?: string;
  readonly sync_time?: string;
  readonly deleted?: number;
  readonly error?: string;
}

/** The messages the destination in `dir` received, in order. */
export function destinationMessages(dir: string): DestinationMessage[] {
  const file = path.join(dir, 'messages.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as DestinationMessage);
}

/** Names of the tables the destination in `dir` holds, sorted. */
export function destinationTables(dir: string): string[] {
  const tables = path.join(dir, 'tables');
  if (!fs.existsSync(tables)) return [];
  return fs.readdirSync(tables).filter((f) => f.endsWith('.arrows')).map((f) => f.slice(0, -'.arrows'.length)).sort();
}

/** A destination table as Arrow (schema with the CloudQuery columns, then every row). */
export function destinationTable(dir: string, table: string): Table {
  const file = path.join(dir, 'tables', `${table}.arrows`);
  if (!fs.existsSync(file)) throw new Error(`the destination has no table ${table} (tables: ${destinationTables(dir).join(', ') || 'none'})`);
  return tableFromIPC(fs.readFileSync(file));
}

export const CQ_COLUMNS = ['_cq_sync_time', '_cq_source_name'];

/**
 * A destination table's rows without CloudQuery's own columns (the CLI's _cq_sync_time and
 * _cq_source_name, and the plugin's _cq_id), and the CLI's values apart.
 */
export function splitRows(t: Table): { rows: Row[]; syncTimes: Set<string>; sourceNames: Set<string> } {
  const all = plainRows(t);
  const syncTimes = new Set<string>();
  const sourceNames = new Set<string>();
  const rows = all.map((r) => {
    const { _cq_sync_time: syncTime, _cq_source_name: sourceName, _cq_id: _, ...rest } = r;
    syncTimes.add(String(syncTime));
    sourceNames.add(String(sourceName));
    return rest;
  });
  return { rows, syncTimes, sourceNames };
}

/** Column name → Arrow type string of a destination table. */
export function columnTypes(t: Table): Record<string, string> {
  return Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
}
