import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationMessages, destinationTables } from './destination';
import { FOUR_TABLES, fourTableObjects } from './fixtures';
import { buildTestBinaries, cloudquery, explain, requireCli, tempDir, TestBinaries, writeConfig } from './harness';
import { motoAuth, userWhoCannotList } from './moto-iam';
import { METRIC_COLUMNS, ORDER_COLUMNS } from '../e2e/fixtures';
import { freePort } from '../e2e/process';
import { S3Endpoint, startS3, uploadAll } from '../e2e/s3-emulator';

let s3: S3Endpoint;
let bins: TestBinaries;
let work: string;
const bucket = 'cli-commands';

beforeAll(async () => {
  requireCli();
  work = tempDir('commands');
  bins = buildTestBinaries(work);
  s3 = await startS3({ moto: true }); // moto: the access-denied and bad-credential cases need its IAM emulation
  await uploadAll(s3, bucket, fourTableObjects());
});

afterAll(async () => {
  await s3?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const spec = (over: Record<string, unknown> = {}) => ({ bucket, region: 'us-east-1', endpoint: s3.url, path_style: true, ...over });

/** A fresh directory per test, with a config of the source and the test destination (the CLI requires one). */
function setup(name: string, sourceSpec: Record<string, unknown>) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const destDir = path.join(dir, 'dest');
  const config = writeConfig(dir, { registry: 'local', path: bins.plugin, spec: sourceSpec }, { path: bins.destination, dir: destDir });
  return { dir, destDir, config };
}

async function closedEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

describe('cloudquery tables', () => {
  it('lists exactly datafile_0, data_2024, data_2024_01_14, data_2024_02_14_14_15 with their columns', async () => {
    const { dir, config } = setup('tables', spec());
    const r = await cloudquery(dir, ['tables', config, '--output-dir', path.join(dir, 'docs')]);
    expect(r.status, explain(r)).toBe(0);
    const tables = JSON.parse(fs.readFileSync(path.join(dir, 'docs/s3/__tables.json'), 'utf8')) as { name: string; columns: { name: string; type: string; is_primary_key?: boolean }[] }[];
    expect(tables.map((t) => t.name).sort()).toEqual(FOUR_TABLES);
    const columns = (name: string) => tables.find((t) => t.name === name)!.columns.map((c) => c.name);
    expect(columns('data_2024'), 'the plugin\'s _cq_id, then the files\' columns').toEqual(['_cq_id', ...Object.keys(METRIC_COLUMNS)]);
    expect(columns('datafile_0')).toEqual(['_cq_id', ...Object.keys(ORDER_COLUMNS)]);
    expect(tables.map((t) => t.columns[0]), '_cq_id is the primary key').toEqual(FOUR_TABLES.map(() => ({ name: '_cq_id', type: 'uuid', is_primary_key: true })));
  });

  it('fails naming the cause, instead of writing [], when the bucket cannot be read', async () => {
    const { dir, config } = setup('tables-unreachable', spec({ endpoint: await closedEndpoint() }));
    const r = await cloudquery(dir, ['tables', config, '--output-dir', path.join(dir, 'docs')]);
    expect(r.status, explain(r)).not.toBe(0);
    expect(r.stdout + r.stderr + r.log).toMatch(/cannot list this source's tables without reading the bucket.*connection refused/);
    expect(fs.existsSync(path.join(dir, 'docs/s3/__tables.json')), 'no table documentation may be written').toBe(false);
  });
});

describe('cloudquery migrate', () => {
  it('creates the four tables in the destination, with the columns the CLI adds', async () => {
    const { dir, destDir, config } = setup('migrate', spec());
    const r = await cloudquery(dir, ['migrate', config]);
    expect(r.status, explain(r)).toBe(0);
    expect(destinationTables(destDir)).toEqual(FOUR_TABLES);
    const migrations = destinationMessages(destDir).filter((m) => m.type === 'migrate_table');
    expect(migrations.map((m) => m.table).sort()).toEqual(FOUR_TABLES);
    const metrics = migrations.find((m) => m.table === 'data_2024')!;
    expect(metrics.columns!.map((c) => c.name)).toEqual(['_cq_sync_time', '_cq_source_name', '_cq_id', ...Object.keys(METRIC_COLUMNS)]);
    expect(metrics.columns![2]).toMatchObject({ name: '_cq_id', primary_key: true, not_null: true });
    expect(destinationMessages(destDir).filter((m) => m.type !== 'migrate_table'), 'migrate writes no rows').toEqual([]);
  });

  it('fails, creating nothing, when the bucket is missing', async () => {
    const { dir, destDir, config } = setup('migrate-missing', spec({ bucket: 'no-such-bucket' }));
    const r = await cloudquery(dir, ['migrate', config]);
    expect(r.status, explain(r)).not.toBe(0);
    expect(r.stdout + r.stderr + r.log).toContain('bucket no-such-bucket not found');
    expect(destinationTables(destDir)).toEqual([]);
  });
});

describe('cloudquery validate-config', () => {
  it('accepts the spec', async () => {
    const { dir, config } = setup('validate-ok', spec());
    const r = await cloudquery(dir, ['validate-config', config]);
    expect(r.status, explain(r)).toBe(0);
  });

  it.each([
    ['rows_per_record', { rows_per_record: 0 }, /rows_per_record/],
    ['an unknown field', { bukcet: 'x' }, /bukcet/],
    ['filetype', { filetype: 'csv' }, /filetype/],
  ])('rejects a bad spec naming the field (%s)', async (_, bad, names) => {
    const { dir, config } = setup(`validate-bad-${Object.keys(bad)[0]}`, spec(bad));
    const r = await cloudquery(dir, ['validate-config', config]);
    expect(r.status, explain(r)).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(names);
  });
});

describe('cloudquery test-connection', () => {
  const failureLine = (out: string) => out.split('\n').find((l) => l.startsWith('source') && l.includes('Failure:')) ?? '';

  it('succeeds with one list call against a reachable bucket', async () => {
    const { dir, config } = setup('tc-ok', spec());
    const r = await cloudquery(dir, ['test-connection', config]);
    expect(r.status, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/source\s+s3 .*Success/);
    expect(r.stdout).toMatch(/destination\s+cqdest .*Success/);
  });

  it('UNREACHABLE_ENDPOINT when nothing listens at spec.endpoint', async () => {
    const endpoint = await closedEndpoint();
    const { dir, config } = setup('tc-unreachable', spec({ endpoint }));
    const r = await cloudquery(dir, ['test-connection', config]);
    expect(r.status, explain(r)).not.toBe(0);
    expect(failureLine(r.stdout)).toMatch(new RegExp(`Failure: UNREACHABLE_ENDPOINT\\s+cannot reach spec.endpoint ${endpoint}: .*connection refused`));
  });

  it('BUCKET_NOT_FOUND when the bucket does not exist', async () => {
    const { dir, config } = setup('tc-missing', spec({ bucket: 'no-such-bucket' }));
    const r = await cloudquery(dir, ['test-connection', config]);
    expect(r.status, explain(r)).not.toBe(0);
    expect(failureLine(r.stdout)).toMatch(/Failure: BUCKET_NOT_FOUND\s+bucket no-such-bucket not found/);
  });

  it('INVALID_CREDENTIALS for an unknown access key, ACCESS_DENIED for a user who may not list the bucket (moto IAM)', async () => {
    const reader = await userWhoCannotList(s3.url, bucket);
    const { dir, config } = setup('tc-auth', spec());
    await motoAuth(s3.url, true);
    try {
      const unknown = await cloudquery(dir, ['test-connection', config], { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000', AWS_SECRET_ACCESS_KEY: 'wrong' });
      expect(unknown.status, explain(unknown)).not.toBe(0);
      expect(failureLine(unknown.stdout)).toMatch(/Failure: INVALID_CREDENTIALS\s+.*rejected the credentials \(InvalidAccessKeyId\)/);

      const denied = await cloudquery(dir, ['test-connection', config], { AWS_ACCESS_KEY_ID: reader.accessKeyId, AWS_SECRET_ACCESS_KEY: reader.secretAccessKey });
      expect(denied.status, explain(denied)).not.toBe(0);
      expect(failureLine(denied.stdout)).toMatch(new RegExp(`Failure: ACCESS_DENIED\\s+the credentials may not list bucket ${bucket} \\(AccessDenied\\): grant s3:ListBucket`));
    } finally {
      await motoAuth(s3.url, false);
    }
  });

  it('INVALID_SPEC naming the field when the spec is wrong', async () => {
    const { dir, config } = setup('tc-spec', spec({ rows_per_record: 0 }));
    const r = await cloudquery(dir, ['test-connection', config]);
    expect(r.status, explain(r)).not.toBe(0);
    expect(failureLine(r.stdout)).toMatch(/Failure: INVALID_SPEC\s+spec.rows_per_record must be >= 1/);
  });
});
