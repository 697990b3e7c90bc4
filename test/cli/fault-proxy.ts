import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../e2e/process';
import { hostBuild } from '../host-build';

/**
 * The fault-injecting S3 proxy of the exact-or-fail issue (#9), internal/testkit/s3fault/cmd/s3fault: it
 * prints {"s3": URL, "control": URL} once listening; POST /rules on the control URL adds rules,
 * e.g. {"op": "list", "key": "<glob>", "fault": "last_modified", "last_modified": "<RFC 3339>"}
 * rewrites <LastModified> of the matching keys in listings.
 */
export interface FaultProxy {
  readonly s3: string;
  readonly control: string;
  addRules(rules: object[]): Promise<void>;
  stop(): Promise<void>;
}

const PROXY_PACKAGE = './internal/testkit/s3fault/cmd/s3fault';

export async function startFaultProxy(upstream: string, workdir: string): Promise<FaultProxy> {
  if (!fs.existsSync(path.join(REPO_ROOT, PROXY_PACKAGE))) {
    throw new Error(`${PROXY_PACKAGE} is not on this branch: the fault-injecting S3 proxy lands with the exact-or-fail issue (#9)`);
  }
  const bin = path.join(workdir, 's3fault');
  hostBuild(PROXY_PACKAGE, bin);
  const proc: ChildProcess = spawn(bin, ['-upstream', upstream], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += d; });
  const urls = await new Promise<{ s3: string; control: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`s3fault printed no address within 30 s: ${stderr}`)), 30_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line));
        } catch (e) {
          reject(new Error(`s3fault printed ${line}: ${String(e)}`));
        }
      }
    });
    proc.on('exit', (code) => reject(new Error(`s3fault exited with ${code}: ${stderr}`)));
  });
  return {
    ...urls,
    async addRules(rules) {
      const res = await fetch(`${urls.control}/rules`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(rules) });
      if (!res.ok) throw new Error(`s3fault rejected ${JSON.stringify(rules)}: ${await res.text()}`);
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
    },
  };
}
