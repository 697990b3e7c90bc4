#!/usr/bin/env node
import { commandArguments } from './command';
import { fail, git, releaseTags } from './git';
import { computeImageTags } from '../release-runtime/image-tags';

const USAGE = 'usage: tag-release vX.Y.Z[-PRERELEASE] [--remote <name>]  (make tag-release TAG=vX.Y.Z)';

/**
 * Creates and pushes an annotated release tag, after checking it with the release workflow's
 * own rules (semver grammar, Docker tag length with the commit suffix) so a tag is never pushed
 * that the workflow would reject. A tag below the highest release is a hotfix: it is allowed,
 * and simply gets no floating tags.
 */
function main(argv: string[]): void {
  const args = commandArguments(argv, { remote: { type: 'string', default: 'origin' } }, USAGE);
  if (!args) return;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? USAGE : `expected one tag, got ${positionals.length} arguments ${JSON.stringify(positionals)} (${USAGE})`);
  const [tag] = positionals;
  const remote = values.remote!;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote)) throw new Error(`--remote ${JSON.stringify(remote)} is not a git remote name`);
  const existing = releaseTags();
  const head = git('rev-parse', 'HEAD');
  const { tags } = computeImageTags({ gitTag: tag, sha: head, existingTags: existing });
  if (existing.includes(tag)) throw new Error(`tag ${JSON.stringify(tag)} already exists`);
  if (git('status', '--porcelain', '--untracked-files=no') !== '') {
    throw new Error('the work tree has uncommitted changes: commit or stash them before tagging a release');
  }
  process.stdout.write(`tagging ${head.slice(0, 7)} as ${tag}; the release publishes image tags ${tags.join(', ')}\n`);
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
