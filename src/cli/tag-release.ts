#!/usr/bin/env node
import * as semver from 'semver';
import { fail, git, releaseTags } from './git';
import { parseReleaseTag, requireReleaseTag } from '../image-tags';

/** Creates and pushes an annotated release tag after checking it is valid and higher than every existing one. */
function main(argv: string[]): void {
  const [tag, remote = 'origin'] = argv;
  if (!tag) throw new Error('usage: tag-release vX.Y.Z[-PRERELEASE] [remote]  (make tag-release TAG=vX.Y.Z)');
  const v = requireReleaseTag(tag);
  const existing = releaseTags().map((t) => [t, parseReleaseTag(t)] as const).filter(([, p]) => p !== undefined);
  const higher = existing.filter(([, p]) => semver.gte(p!, v)).map(([t]) => t);
  if (higher.length > 0) {
    throw new Error(`tag "${tag}" is not higher than existing release tag(s) ${higher.join(', ')}`);
  }
  if (git('status', '--porcelain', '--untracked-files=no') !== '') {
    throw new Error('the work tree has uncommitted changes: commit or stash them before tagging a release');
  }
  const head = git('rev-parse', 'HEAD');
  process.stdout.write(`tagging ${head.slice(0, 7)} as ${tag}\n`);
  git('tag', '--annotate', tag, '--message', `Release ${tag}`);
  try {
    git('push', remote, `refs/tags/${tag}`);
  } catch (e) {
    git('tag', '--delete', tag); // leave nothing half-published
    throw e;
  }
  process.stdout.write(`pushed ${tag} to ${remote}: the release workflow builds, tests and publishes it\n`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  fail('tag-release', e);
}
