import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { asUsage, commandOptions, requireOptions, UsageError } from './command';
import { requireReleaseTag } from '../release-runtime/image-tags';
import { GitHubReleaseEntry, planGitHubRelease } from '../release-runtime/github-release';
import { releaseNotes } from '../release-runtime/release-notes';

const USAGE = 'usage: release-notes --tag vX.Y.Z --digest sha256:<hex> --image <repo> [--image <repo>...] --tags <tag,tag|newline-separated> '
  + '--platforms linux/amd64,linux/arm64 --prerelease true|false [--latest-release vX.Y.Z] --identity <certificate identity> --repository OWNER/REPO [--sbom] [--print]';

const list = (v: string | undefined) => (v ?? '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean);

/** Runs gh with an argument vector (never a shell); throws one line naming the command. */
function gh(args: string[]): string {
  try {
    return execFileSync(process.env.GH || 'gh', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new Error('gh is not installed (GitHub\'s runners have it; elsewhere install the GitHub CLI or set GH)');
    throw new Error(`gh ${args.slice(0, 2).join(' ')} failed: ${(err.stderr ?? err.message).trim().split('\n').pop()}`);
  }
}

function releases(repository: string): GitHubReleaseEntry[] {
  return JSON.parse(gh(['release', 'list', '--repo', repository, '--limit', '1000', '--json', 'tagName,isLatest,isDraft,isPrerelease'])) as GitHubReleaseEntry[];
}

/**
 * `release-notes`: writes the release body, creates the GitHub Release of the tag (or edits it on
 * a re-run), and leaves GitHub's "Latest" on the highest release the registries show. Runs in the
 * promotion lane right after promote, so it decides from what GitHub and the registries show now.
 */
export async function releaseNotesCommand(argv: string[]): Promise<void> {
  const v = commandOptions(argv, {
    'tag': { type: 'string' },
    'digest': { type: 'string' },
    'image': { type: 'string', multiple: true },
    'tags': { type: 'string' },
    'platforms': { type: 'string' },
    'prerelease': { type: 'string' },
    'latest-release': { type: 'string' },
    'identity': { type: 'string' },
    'repository': { type: 'string' },
    'sbom': { type: 'boolean', default: false },
    'print': { type: 'boolean', default: false },
  }, USAGE);
  if (!v) return;
  requireOptions(v, ['tag', 'digest', 'tags', 'platforms', 'prerelease', 'identity', 'repository', 'image'], USAGE);
  if (v.prerelease !== 'true' && v.prerelease !== 'false') throw new UsageError(`--prerelease ${JSON.stringify(v.prerelease)} must be true or false`);
  const latestRelease = v['latest-release'] || undefined;
  const body = asUsage(() => {
    requireReleaseTag(v.tag!);
    if (latestRelease) requireReleaseTag(latestRelease);
    return releaseNotes({ digest: v.digest!, tags: list(v.tags), images: v.image!, platforms: list(v.platforms), identity: v.identity!, repository: v.repository!, sbom: v.sbom });
  });
  if (v.print) {
    process.stdout.write(body);
    return;
  }
  const repo = v.repository!;
  const tag = v.tag!;
  const plan = planGitHubRelease(tag, latestRelease, releases(repo));
  const notes = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'release-notes-')), 'body.md');
  fs.writeFileSync(notes, body);
  const flags = ['--title', tag, '--notes-file', notes, `--prerelease=${v.prerelease}`];
  if (plan.exists) {
    gh(['release', 'edit', tag, '--repo', repo, ...flags, ...(plan.latest ? ['--latest=true'] : [])]);
    process.stdout.write(`edited the GitHub Release ${tag}${plan.latest ? ' (Latest)' : ''}\n`);
  } else {
    gh(['release', 'create', tag, '--repo', repo, '--verify-tag', '--generate-notes', ...flags, `--latest=${plan.latest}`]);
    process.stdout.write(`created the GitHub Release ${tag}${plan.latest ? ' (Latest)' : ''}\n`);
  }
  if (plan.moveLatestTo) {
    gh(['release', 'edit', plan.moveLatestTo, '--repo', repo, '--latest=true']);
    process.stdout.write(`GitHub's Latest moved to ${plan.moveLatestTo}, the highest release in the registries\n`);
  }
  for (const w of plan.warnings) process.stdout.write(`::warning::${w}\n`);
}
