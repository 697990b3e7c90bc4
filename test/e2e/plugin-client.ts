import * as grpc from '@grpc/grpc-js';
import { pluginV3 } from '@cloudquery/plugin-pb-javascript';
import { Table, tableFromIPC } from 'apache-arrow';

const v3 = pluginV3.cloudquery.plugin.v3;
import V3 = pluginV3.cloudquery.plugin.v3;

/** What the CloudQuery CLI allows; a plugin may send records up to this size. */
const MAX_MESSAGE = 200 * 1024 * 1024;

export interface SyncResult {
  /** Table name → schema-only Arrow table sent in migrate_table. */
  readonly migrations: Map<string, Table>;
  /** Table name → the insert records, in arrival order (empty when records are not kept). */
  readonly inserts: Map<string, Table[]>;
  /** Table name → rows received. */
  readonly rows: Map<string, number>;
  readonly errors: string[];
}

/** A small promise-based client for the CloudQuery plugin v3 protocol. */
export class PluginClient {
  private readonly client: V3.PluginClient;

  constructor(public readonly address: string) {
    this.client = new v3.PluginClient(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE,
      'grpc.max_send_message_length': MAX_MESSAGE,
      'grpc.initial_reconnect_backoff_ms': 10,
      'grpc.max_reconnect_backoff_ms': 50,
    });
  }

  private unary<Res>(method: 'GetName' | 'GetVersion' | 'GetSpecSchema' | 'Init' | 'GetTables', req: object, timeoutMs = 30_000): Promise<Res> {
    const call = this.client[method] as unknown as (r: object, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void;
    return new Promise((resolve, reject) => {
      call.call(this.client, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res!)));
    });
  }

  async getName(timeoutMs?: number): Promise<string> {
    return (await this.unary<V3.GetName.Response>('GetName', new v3.GetName.Request(), timeoutMs)).name;
  }

  async getVersion(): Promise<string> {
    return (await this.unary<V3.GetVersion.Response>('GetVersion', new v3.GetVersion.Request())).version;
  }

  async getSpecSchema(): Promise<string> {
    return (await this.unary<V3.GetSpecSchema.Response>('GetSpecSchema', new v3.GetSpecSchema.Request())).json_schema;
  }

  async init(spec: object): Promise<void> {
    await this.unary<V3.Init.Response>('Init', new v3.Init.Request({ spec: new TextEncoder().encode(JSON.stringify(spec)) }), 120_000);
  }

  /** Table names from GetTables, sorted. */
  async getTables(): Promise<string[]> {
    const res = await this.unary<V3.GetTables.Response>('GetTables', new v3.GetTables.Request({ tables: ['*'] }));
    return res.tables.map((bytes) => tableName(tableFromIPC(bytes))).sort();
  }

  /** Opens a Sync stream and returns it as it is: the caller reads, pauses or cancels it. */
  openSync(tables: string[] = ['*']): grpc.ClientReadableStream<V3.Sync.Response> {
    return this.client.Sync(new v3.Sync.Request({ tables }));
  }

  /**
   * Runs a Sync; with `keepRecords: false` only row counts are kept (for large benchmark syncs);
   * `shard` is what `cloudquery sync --shard NUM/TOTAL` sends.
   */
  async sync(tables: string[] = ['*'], options: { keepRecords?: boolean; shard?: { num: number; total: number } } = {}): Promise<SyncResult> {
    const keep = options.keepRecords ?? true;
    const migrations = new Map<string, Table>();
    const inserts = new Map<string, Table[]>();
    const rows = new Map<string, number>();
    const errors: string[] = [];
    const shard = options.shard ? new v3.Sync.Request.Shard(options.shard) : undefined;
    const stream = this.client.Sync(new v3.Sync.Request({ tables, ...(shard ? { shard } : {}) }));
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (res: V3.Sync.Response) => {
        if (res.message === 'migrate_table') {
          const t = tableFromIPC(res.migrate_table.table);
          migrations.set(tableName(t), t);
        } else if (res.message === 'insert') {
          const t = tableFromIPC(res.insert.record);
          const name = tableName(t);
          rows.set(name, (rows.get(name) ?? 0) + t.numRows);
          if (keep) inserts.set(name, [...(inserts.get(name) ?? []), t]);
        } else if (res.message === 'error') {
          errors.push(`${res.error.table_name}: ${res.error.error}`);
        }
      });
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    return { migrations, inserts, rows, errors };
  }

  close(): void {
    this.client.close();
  }
}

export function tableName(t: Table): string {
  const name = t.schema.metadata.get('cq:table_name');
  if (!name) throw new Error('Arrow schema has no cq:table_name metadata');
  return name;
}
