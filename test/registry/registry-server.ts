import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FaultProxy } from './fault-proxy';
import { tool } from './tools';
import { freePort, waitFor } from '../e2e/process';

/**
 * A CNCF distribution registry (`registry serve`) on a free loopback port, with its storage in a
 * temp dir, behind a {@link FaultProxy}: clients use `host` (the proxy), the test can take it
 * down, and restart the registry read-only to prove that a run writes nothing.
 */
export class LoopbackRegistry {
  private proc?: ChildProcess;
  private output = '';

  private constructor(public readonly name: string, private readonly root: string, private readonly upstreamPort: number, public readonly proxy: FaultProxy) {}

  static async start(name: string): Promise<LoopbackRegistry> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `registry-${name}-`));
    const upstreamPort = await freePort();
    const registry = new LoopbackRegistry(name, root, upstreamPort, await FaultProxy.start(upstreamPort));
    await registry.serve({ readOnly: false });
    return registry;
  }

  /** `127.0.0.1:PORT`, the address clients use. */
  get host(): string {
    return `127.0.0.1:${this.proxy.port}`;
  }

  /** Restarts the registry process on the same storage and port; read-only refuses every write. */
  async restart(options: { readOnly: boolean }): Promise<void> {
    await this.stopProcess();
    await this.serve(options);
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.stopProcess();
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  logs(): string {
    return this.output;
  }

  private async serve(options: { readOnly: boolean }): Promise<void> {
    const config = path.join(this.root, 'config.yml');
    fs.writeFileSync(config, [
      'version: 0.1',
      'log: { level: warn, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${path.join(this.root, 'data')} }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false }, readonly: { enabled: ${options.readOnly} } } }`,
      `http: { addr: "127.0.0.1:${this.upstreamPort}", secret: loopback-test-secret }`,
      '',
    ].join('\n'));
    this.output = '';
    const proc = spawn(tool('registry'), ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d) => { this.output += d; });
    proc.stderr!.on('data', (d) => { this.output += d; });
    this.proc = proc;
    await waitFor(`registry ${this.name} on 127.0.0.1:${this.upstreamPort}`, 20_000, async () => {
      if (proc.exitCode !== null) throw new Error(`registry ${this.name} exited with ${proc.exitCode}: ${this.output}`);
      const res = await fetch(`http://127.0.0.1:${this.upstreamPort}/v2/`);
      return res.status === 200;
    });
  }

  private async stopProcess(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}
