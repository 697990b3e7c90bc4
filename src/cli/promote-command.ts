#!/usr/bin/env node
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Crane } from '../release/crane';
import { checkPromoteInput, DEFAULT_PLATFORMS, promote, PromoteOptions } from '../release/promote';
import { readRemoteTags } from '../release/remote-tags';

const USAGE = 'usage: promote --source <repo> --digest sha256:<hex> --tag vX.Y.Z --sha <commit> --image <repo> [--image <repo>...] '
  + '[--remote <git remote or URL> (default origin) | --existing <tag,tag,...>] [--platforms linux/amd64,linux/arm64] [--insecure] [--github-output]';

/** Input errors: exit 2 before any registry or remote is contacted. */
class UsageError extends Error {}

function options(argv: string[]): { opts: Omit<PromoteOptions, 'client' | 'releaseTags' | 'log'>; remote?: string; existing?: string[]; insecure: boolean; githubOutput?: string } | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'source': { type: 'string' },
        'digest': { type: 'string' },
        'tag': { type: 'string' },
        'sha': { type: 'string' },
        'image': { type: 'string', multiple: true },
        'remote': { type: 'string' },
        'existing': { type: 'string' },
        'platforms': { type: 'string' },
        'insecure': { type: 'boolean', default: false },
        'github-output': { type: 'boolean', default: false },
        'help': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (${USAGE})`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  for (const name of ['source', 'digest', 'tag', 'sha'] as const) {
    if (!values[name]) throw new UsageError(`--${name} is required (${USAGE})`);
  }
  if (values.remote !== undefined && values.existing !== undefined) throw new UsageError('--remote and --existing exclude each other: give one');
  const githubOutput = values['github-output'] ? process.env.GITHUB_OUTPUT : undefined;
  if (values['github-output'] && !githubOutput) throw new UsageError('--github-output needs the GITHUB_OUTPUT environment variable (set by GitHub Actions)');
  const opts = {
    source: values.source!,
    digest: values.digest!,
    gitTag: values.tag!,
    sha: values.sha!,
    images: values.image ?? [],
    platforms: values.platforms !== undefined ? values.platforms.split(',').map((p) => p.trim()).filter(Boolean) : DEFAULT_PLATFORMS,
  };
  try {
    checkPromoteInput(opts);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const existing = values.existing?.split(',').map((t) => t.trim()).filter(Boolean);
  return { opts, remote: existing ? undefined : (values.remote ?? 'origin'), existing, insecure: values.insecure, githubOutput };
}

async function main(argv: string[]): Promise<void> {
  const o = options(argv);
  if (!o) return;
  const result = await promote({
    ...o.opts,
    client: new Crane({ bin: process.env.CRANE || 'crane', insecure: o.insecure }),
    releaseTags: o.existing ? async () => ({ tags: o.existing! }) : () => readRemoteTags(o.remote!),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`digest=${result.digest}\nlatest=${result.latest}\n`);
  if (o.githubOutput) {
    const multiline = (name: string, lines: string[]) => `${name}<<__PROMOTE__\n${lines.join('\n')}\n__PROMOTE__\n`;
    fs.appendFileSync(o.githubOutput, [
      `digest=${result.digest}\n`,
      `version=${result.version}\n`,
      `prerelease=${result.prerelease}\n`,
      `latest=${result.latest}\n`,
      multiline('tags', [...result.immutableTags, ...result.floatingTags]),
      multiline('floating_tags', result.floatingTags),
      multiline('refs', result.refs),
    ].join(''));
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`promote: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
