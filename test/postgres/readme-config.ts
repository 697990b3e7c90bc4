import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../e2e/process';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Spec = Record<string, any>;

/** The README's complete configuration: the first yaml block of "A configuration". */
export function readmeConfigText(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## A configuration$/m)[1];
  const block = section && /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no yaml block under "## A configuration"');
  return block[1];
}

/** The README's source and destination documents, parsed. */
export function readmeConfig(): { source: Spec; destination: Spec } {
  const docs = parseAllDocuments(readmeConfigText()).map((d) => d.toJS() as Spec);
  const source = docs.find((d) => d.kind === 'source');
  const destination = docs.find((d) => d.kind === 'destination');
  if (docs.length !== 2 || !source || !destination) throw new Error('README.md: the configuration must be one source and one destination document');
  return { source, destination };
}

export interface Local {
  /** This plugin's binary (registry: local replaces the README's docker image). */
  readonly plugin: string;
  /** CloudQuery's PostgreSQL destination's binary (registry: local replaces registry: cloudquery). */
  readonly destination: string;
  /** The S3 emulator's endpoint (the README talks to AWS). */
  readonly endpoint: string;
  /** The test server's connection string. */
  readonly connection: string;
}

/**
 * The README's configuration with only what cannot run here substituted: both plugins run as
 * local binaries, the source talks to the emulator (path-style), the destination to the test
 * server. Everything else — names, tables, backend_options, bucket, region, path_prefix,
 * write_mode — is the README's. `change` may then adjust a copy for one test.
 */
export function localReadmeConfig(local: Local, change?: (source: Spec, destination: Spec) => void): string {
  const { source, destination } = readmeConfig();
  source.spec.registry = 'local';
  source.spec.path = local.plugin;
  source.spec.spec = { ...source.spec.spec, endpoint: local.endpoint, path_style: true };
  destination.spec.registry = 'local';
  destination.spec.path = local.destination;
  delete destination.spec.version;
  destination.spec.spec = { ...destination.spec.spec, connection_string: local.connection };
  change?.(source, destination);
  return [source, destination].map((d) => stringify(d)).join('---\n');
}
