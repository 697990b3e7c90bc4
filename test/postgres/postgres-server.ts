import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor } from '../e2e/process';

/** Debian's PostgreSQL (`npx projen setup` installs the `postgresql` package: 15 on Debian 12): the newest installed. */
export const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin/initdb'))) : [];
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0] ?? '15', 'bin');
})();

export interface PostgresServer {
  readonly port: number;
  /** The postmaster's process id (its children are the backends). */
  readonly pid: number;
  /** A connection string for database `db` (user postgres, no password, loopback only). */
  url(db: string): string;
  /** Runs SQL in database `db` and returns psql's unaligned, tuples-only output. */
  sql(db: string, statement: string): string;
  /** The rows of a query as JSON objects (every value as PostgreSQL's text of it, or null). */
  rows(db: string, query: string): Record<string, string | null>[];
  stop(): Promise<void>;
}

/** Fails loudly (never skips) when PostgreSQL is not installed. */
export function requirePostgres(): void {
  for (const tool of ['initdb', 'postgres', 'pg_ctl', 'psql']) {
    if (!fs.existsSync(path.join(PG_BIN, tool))) {
      throw new Error(`${path.join(PG_BIN, tool)} not found: install Debian's postgresql (npx projen setup does)`);
    }
  }
}

/** Runs a PostgreSQL binary as the postgres user when we are root (the server refuses root). */
function asPostgres(tool: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, tool), ...args]] : [path.join(PG_BIN, tool), args];
}

/**
 * A throw-away server: its own data directory (owned by postgres), a free loopback port, its
 * socket in that directory, fsync off. stop() shuts it down and removes the directory.
 */
export async function startPostgres(): Promise<PostgresServer> {
  requirePostgres();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-pg-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    fs.chownSync(dir, id('-u'), id('-g'));
    fs.chownSync(data, id('-u'), id('-g'));
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, full] = asPostgres(tool, args);
    const r = spawnSync(cmd, full, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.error}`);
    return r.stdout;
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const [cmd, args] = asPostgres('postgres', ['-D', data, '-c', 'listen_addresses=127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'full_page_writes=off']);
  const proc: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d) => { log = (log + d).slice(-4000); });
  const psql = (db: string, statement: string) => spawnSync(path.join(PG_BIN, 'psql'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' });
  await waitFor(`PostgreSQL on 127.0.0.1:${port}`, 60_000, async () => {
    if (proc.exitCode !== null) throw new Error(`postgres exited with ${proc.exitCode}: ${log}`);
    return psql('postgres', 'select 1').status === 0;
  }, 200);
  const server: PostgresServer = {
    port,
    pid: Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    url: (db) => `postgresql://postgres@127.0.0.1:${port}/${db}?sslmode=disable`,
    sql(db, statement) {
      const r = psql(db, statement);
      if (r.status !== 0) throw new Error(`psql: ${statement}\n${r.stderr}`);
      return r.stdout;
    },
    rows(db, query) {
      const out = server.sql(db, `select coalesce(json_agg(row_to_json(q)), '[]') from (${query}) q`);
      return JSON.parse(out) as Record<string, string | null>[];
    },
    async stop() {
      if (proc.exitCode === null) {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        await new Promise((r) => (proc.exitCode === null ? proc.once('exit', r) : r(undefined)));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
