import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cloudquery, CliResult, explain, pluginLine, requireCli, tempDir } from '../cli/harness';
import { REPO_ROOT } from '../e2e/process';
import { S3Endpoint, startS3 } from '../e2e/s3-emulator';
import { hostBuild } from '../host-build';
import { PostgresServer, startPostgres } from './postgres-server';
import { localReadmeConfig, readmeConfig, Spec } from './readme-config';

/** CloudQuery's PostgreSQL destination, built by `npx projen setup` (scripts/setup-postgres.sh). */
export const DESTINATION = path.join(REPO_ROOT, '.tools/bin/cq-destination-postgresql');

/** Fails loudly (never skips) when the destination is missing. */
export function requireDestination(): void {
  if (!fs.existsSync(DESTINATION)) {
    throw new Error(`CloudQuery's PostgreSQL destination not found at ${DESTINATION}: run "npx projen setup" (scripts/setup-postgres.sh builds it from shared/third_party)`);
  }
}

export interface Suite {
  readonly work: string;
  readonly plugin: string;
  readonly s3: S3Endpoint;
  readonly pg: PostgresServer;
  /** The README's bucket. */
  readonly bucket: string;
  /** The README's path_prefix. */
  readonly prefix: string;
  /** A fresh database for one test. */
  database(name: string): string;
  /** Runs the CLI on the README's configuration (changed by `change`) against database `db`. */
  cli(db: string, command: 'sync' | 'tables' | 'migrate' | 'test-connection', change?: (source: Spec, destination: Spec) => void, extra?: string[]): Promise<CliResult>;
  /** As cli('sync'), failing with everything the CLI said unless it exits 0. */
  sync(db: string, change?: (source: Spec, destination: Spec) => void, extra?: string[]): Promise<CliResult>;
  /**
   * As sync() for shards 1/total … total/total, all started at once, after `cloudquery migrate`
   * created the synced tables (see CREATE_TABLE_RACE). A shard that still loses the race, on
   * backend_options' state table, fails before it reads or commits anything and is run once
   * more after the others finished; any other failure fails.
   */
  syncShardsTogether(db: string, total: number, change?: (source: Spec, destination: Spec) => void): Promise<CliResult[]>;
  stop(): Promise<void>;
}

/**
 * CloudQuery's PostgreSQL destination creates each table (the synced ones and backend_options'
 * state table) with CREATE TABLE IF NOT EXISTS, which PostgreSQL does not make safe between
 * sessions: when shards started at the same time create one table in a new database, one may
 * fail with one of these SQLSTATEs (seen here: 2 of 6 runs of 3 shards; none of 6 once
 * `cloudquery migrate` had created the tables). Such a shard must not simply be run again:
 * the source had sent all its rows when the destination failed, so its cursors were committed
 * and its rows are never delivered (seen here with backend_options).
 */
export const CREATE_TABLE_RACE = /\(SQLSTATE (?:23505|42710|42P07)\)\s*CREATE TABLE IF NOT EXISTS \\?"([^"\\]+)/;

/** The CLI, the destination and PostgreSQL checked; the plugin built; moto and PostgreSQL started. */
export async function startSuite(prefix: string): Promise<Suite> {
  requireCli();
  requireDestination();
  const work = tempDir(prefix);
  const plugin = path.join(work, 'cq-source-s3');
  hostBuild('.', plugin, 'v0.0.0-postgres');
  const s3 = await startS3();
  const pg = await startPostgres();
  const { source } = readmeConfig();
  const stateTable: string = source.spec.backend_options.table_name;
  let runs = 0;
  const suite: Suite = {
    work, plugin, s3, pg,
    bucket: source.spec.spec.bucket,
    prefix: source.spec.spec.path_prefix,
    database(name) {
      pg.sql('postgres', `create database ${name}`);
      return name;
    },
    async cli(db, command, change, extra = []) {
      const dir = path.join(work, `run-${++runs}`);
      fs.mkdirSync(dir);
      const config = path.join(dir, 'config.yml');
      fs.writeFileSync(config, localReadmeConfig({ plugin, destination: DESTINATION, endpoint: s3.pluginUrl, connection: pg.url(db) }, change));
      return cloudquery(dir, [command, config, ...extra]);
    },
    async sync(db, change, extra) {
      const r = await suite.cli(db, 'sync', change, extra);
      if (r.status !== 0) throw new Error(`cloudquery sync failed\n${explain(r)}`);
      return r;
    },
    async syncShardsTogether(db, total, change) {
      const migrate = await suite.cli(db, 'migrate', change);
      if (migrate.status !== 0) throw new Error(`cloudquery migrate failed\n${explain(migrate)}`);
      const shards = Array.from({ length: total }, (_, i) => ['--shard', `${i + 1}/${total}`]);
      const first = await Promise.all(shards.map((shard) => suite.cli(db, 'sync', change, shard)));
      const runs: CliResult[] = [];
      for (const [i, r] of first.entries()) {
        if (r.status === 0) runs.push(r);
        else if (CREATE_TABLE_RACE.exec(r.stderr + r.log)?.[1] === stateTable) { // the CLI may say only "EOF", the destination's error being in the log
          console.warn(`shard ${i + 1}/${total} lost the race to create ${stateTable} (run again)`);
          runs.push(await suite.sync(db, change, shards[i]));
        } else throw new Error(`cloudquery sync --shard ${i + 1}/${total} failed\n${explain(r)}`);
      }
      return runs;
    },
    async stop() {
      await Promise.allSettled([s3.stop(), pg.stop()]);
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
  return suite;
}

/** Writes the types file and arrow-go's reading of it (internal/testkit/pgtypes) into `dir`. */
export function typesFile(dir: string): { parquet: Uint8Array; columns: { name: string; written: string; type: string; values: unknown[] }[] } {
  const r = spawnSync('go', ['run', './internal/testkit/pgtypes/cmd/pgtypes', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go run ./internal/testkit/pgtypes/cmd/pgtypes failed: ${r.stderr}`);
  return {
    parquet: fs.readFileSync(path.join(dir, 'types.parquet')),
    columns: JSON.parse(fs.readFileSync(path.join(dir, 'types.json'), 'utf8')),
  };
}

/** The plugin's summary line from a CLI run's log. */
export const pluginSummary = (r: CliResult): Record<string, unknown> => pluginLine(r, 'sync summary');
