import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtureSpec } from './checks';
import { FIXTURE_FILES, TABLE_OF_KEY } from './fixtures';
import { PluginClient } from './plugin-client';
import { RunningPlugin } from './plugin-process';

// Clients that misbehave (issue #28): whatever one does with its Sync stream, the plugin must
// be ready for the next Sync, from any client, soon after. A budget, not a race: the plugin
// must free itself within a second; the tests allow ten on a busy machine and print the time.
const READY_BUDGET_MS = 10_000;

/** Rows of every fixture table: what a complete Sync delivers. */
const ALL_ROWS = FIXTURE_FILES.filter((f) => TABLE_OF_KEY[f.key] !== undefined).reduce((n, f) => n + f.rows, 0);

/** Syncs everything on a new channel, retrying while the plugin says it is in use; returns the ms until the attempt that got in. */
async function syncOnNewChannel(address: string): Promise<{ waitedMs: number; rows: number }> {
  const client = new PluginClient(address);
  const started = Date.now();
  try {
    for (;;) {
      const attempt = Date.now();
      try {
        const r = await client.sync(['*'], { keepRecords: false });
        return { waitedMs: attempt - started, rows: [...r.rows.values()].reduce((a, b) => a + b, 0) };
      } catch (e) {
        if (!/already in use/.test(String(e)) || Date.now() - started > READY_BUDGET_MS) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    client.close();
  }
}

/** Checks with clients that misbehave; `start` starts a plugin of its own (the checks re-Init it). */
export function livenessChecks(start: () => Promise<RunningPlugin>): void {
  let plugin: RunningPlugin;
  beforeAll(async () => {
    plugin = await start();
  });
  afterAll(async () => {
    await plugin?.stop();
  });

  it('a Sync cancelled in the same tick it is opened leaves the plugin ready for the next Sync from another channel', async () => {
    await plugin.client.init(fixtureSpec());
    for (let i = 0; i < 6; i++) {
      // Half on the connected channel, half on a new one still connecting; the canceller stays connected.
      const canceller = i % 2 === 0 ? plugin.client : new PluginClient(plugin.client.address);
      const call = canceller.openSync();
      call.on('error', () => {}); // CANCELLED, as asked
      call.cancel();
      const next = await syncOnNewChannel(plugin.client.address);
      process.stdout.write(`same-tick cancel ${i} (${i % 2 === 0 ? 'connected' : 'new'} channel): next Sync got in after ${next.waitedMs} ms\n`);
      expect(next.rows).toBe(ALL_ROWS);
      if (canceller !== plugin.client) canceller.close();
    }
  });

  it('a client that stops reading without cancelling fails its Sync after send_timeout, and the next Sync works', async () => {
    // One row a record: many more messages than HTTP/2's flow-control windows hold.
    await plugin.client.init(fixtureSpec({ send_timeout: '1s', rows_per_record: 1 }));
    const stalled = new PluginClient(plugin.client.address);
    try {
      const call = stalled.openSync();
      call.on('error', () => {}); // the stream ends when the channel closes
      await new Promise<void>((resolve) => call.once('data', () => { call.pause(); resolve(); }));
      const next = await syncOnNewChannel(plugin.client.address);
      process.stdout.write(`stalled client: next Sync got in after ${next.waitedMs} ms\n`);
      expect(next.rows).toBe(ALL_ROWS);
      if (plugin.logs() !== '') expect(plugin.logs()).toMatch(/spec\.send_timeout/);
    } finally {
      stalled.close();
    }
  });
}
