#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { commandOptions, runBin, UsageError } from './command';
import { checkReleaseSetup, setupReport } from '../release-runtime/setup-check';
import { releaseSetupNames, releaseSetupScript, ReleaseSetupOptions } from '../release-runtime/setup';

const USAGE = 'usage: release-setup --repository OWNER/REPO --plugin <name> [--project <gcp project id>] [--gcr-host gcr.io] [--environment release] [--tag-pattern v*] [--pool github] [--check]';

/** `release-setup`: prints the one-time gcloud and gh commands for this repository's release, or (--check) what is missing. */
runBin('release-setup', async (argv) => {
  const values = commandOptions(argv, {
    'repository': { type: 'string' }, 'plugin': { type: 'string' }, 'project': { type: 'string' }, 'gcr-host': { type: 'string' },
    'environment': { type: 'string' }, 'tag-pattern': { type: 'string' }, 'pool': { type: 'string' }, 'check': { type: 'boolean', default: false },
  }, USAGE);
  if (!values) return;
  if (!values.repository || !values.plugin) throw new UsageError(`--repository and --plugin are required (${USAGE})`);
  const o: ReleaseSetupOptions = {
    repository: values.repository, plugin: values.plugin, project: values.project || process.env.GCP_PROJECT_ID || undefined,
    gcrHost: values['gcr-host'], environment: values.environment, tagPattern: values['tag-pattern'], pool: values.pool,
  };
  try {
    releaseSetupNames(o);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!values.check) {
    process.stdout.write(releaseSetupScript(o));
    return;
  }
  const findings = checkReleaseSetup(o, (tool, args) => {
    const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
    return { status: r.status ?? 1, stdout: r.stdout ?? '' };
  });
  process.stdout.write(setupReport(findings));
  const missing = findings.filter((f) => f.state === 'missing').length;
  if (missing > 0) throw new Error(`${missing} item(s) of the release setup are missing (fix lines above)`);
});
