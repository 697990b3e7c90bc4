import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, REPO_ROOT, waitFor } from './process';

export interface S3Endpoint {
  /** URL the tests upload through. */
  readonly url: string;
  /** URL the plugin is told to use (differs when the plugin runs elsewhere). */
  readonly pluginUrl: string;
  readonly client: S3Client;
  stop(): Promise<void>;
}

const MOTO = path.join(REPO_ROOT, '.venv/bin/moto_server');

/**
 * S3_ENDPOINT set → use it (LocalStack in GitHub Actions). Otherwise, or with `moto: true` (tests
 * that need moto's IAM emulation), start moto_server from the project venv on a free loopback
 * port and stop it afterwards.
 */
export async function startS3(options: { moto?: boolean } = {}): Promise<S3Endpoint> {
  let proc: ChildProcess | undefined;
  let url = options.moto ? undefined : process.env.S3_ENDPOINT;
  if (!url) {
    if (!fs.existsSync(MOTO)) {
      throw new Error(`S3 emulator not installed (${MOTO} missing): run "npx projen setup", or set S3_ENDPOINT`);
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    proc = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
    await waitFor(`moto_server on ${url}`, 30_000, async () => {
      if (proc!.exitCode !== null) throw new Error(`moto_server exited with ${proc!.exitCode}: ${stderr}`);
      return (await fetch(url!).catch(() => undefined))?.ok ?? false;
    });
  }
  const client = new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    url,
    pluginUrl: (options.moto ? undefined : process.env.PLUGIN_S3_ENDPOINT) ?? url,
    client,
    async stop() {
      client.destroy();
      if (proc && proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc!.once('exit', r));
      }
    },
  };
}

/** Creates the bucket and uploads objects with bounded parallelism. */
export async function uploadAll(s3: S3Endpoint, bucket: string, objects: Map<string, Uint8Array>): Promise<void> {
  await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
  const entries = [...objects];
  const workers = Array.from({ length: 16 }, async () => {
    for (let next = entries.shift(); next; next = entries.shift()) {
      await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: next[0], Body: next[1] }));
    }
  });
  await Promise.all(workers);
}
