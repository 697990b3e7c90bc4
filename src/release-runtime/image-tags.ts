import * as semver from 'semver';
import { tagProblem } from '../core/docker-reference';

const SHA = /^[0-9a-fA-F]{7,40}$/;

export interface ImageTagsInput {
  /** The pushed git tag, e.g. `v1.2.3` or `v2.0.0-rc.1`. */
  readonly gitTag: string;
  /** Commit SHA the tag points to (7–40 hex digits). */
  readonly sha: string;
  /**
   * The repository's release tags; tags that are not release-shaped (`v<digits>.<digits>.<digits>…`)
   * are ignored. A release-shaped tag that is not a valid version is an error (see {@link unparsableReleaseTags}).
   * The tag itself may be among them.
   */
  readonly existingTags: readonly string[];
}

export interface ImageTags {
  /** `1.2.3` (no `v`). */
  readonly version: string;
  /** The first 7 hex digits of the commit, lowercase. */
  readonly shortSha: string;
  /** Whether the tag has a prerelease part (then no floating tags). */
  readonly prerelease: boolean;
  /** Primary immutable tag first, then the version, then any floating tags. */
  readonly tags: string[];
}

/** Parses `vMAJOR.MINOR.PATCH[-PRERELEASE]`; returns undefined for anything else. */
export function parseReleaseTag(tag: string): semver.SemVer | undefined {
  if (!tag.startsWith('v')) return undefined;
  const v = semver.parse(tag.slice(1));
  return v && v.version === tag.slice(1) ? v : undefined;
}

/** Tags the release workflow's trigger matches (`v1.2.3`, `v1.2.3-…`): each must be a valid release tag. */
const RELEASE_SHAPED = /^v[0-9]+\.[0-9]+\.[0-9]+(?:-|$)/;

/**
 * Existing tags that look like releases but are not valid versions (`v99999999999999999999.0.0`:
 * a number beyond 2^53; `v01.2.3`: a leading zero). Choosing `latest` while ignoring them could
 * be wrong, so the release refuses until they are deleted.
 */
export function unparsableReleaseTags(tags: readonly string[]): string[] {
  return tags.filter((t) => RELEASE_SHAPED.test(t) && parseReleaseTag(t) === undefined);
}

/** Throws one clear message naming the value if `tag` is not a release tag. */
export function requireReleaseTag(tag: string): semver.SemVer {
  if (tag.includes('+')) {
    throw new Error(`tag ${JSON.stringify(tag)} has build metadata ("+..."), which Docker tags cannot carry`);
  }
  const v = parseReleaseTag(tag);
  if (!v) {
    throw new Error(`tag ${JSON.stringify(tag)} is not a release tag: expected vMAJOR.MINOR.PATCH or vMAJOR.MINOR.PATCH-PRERELEASE (semver with a "v" prefix, no leading zeros)`);
  }
  return v;
}

/**
 * Computes the image tags for a release:
 * stable `vX.Y.Z` → `vX.Y.Z-<sha7>`, `vX.Y.Z`, `vX.Y` (if highest in X.Y), `latest` (if highest stable);
 * prerelease → only `vX.Y.Z-pre-<sha7>` and `vX.Y.Z-pre`.
 */
export function computeImageTags(input: ImageTagsInput): ImageTags {
  const v = requireReleaseTag(input.gitTag);
  if (!SHA.test(input.sha)) {
    throw new Error(`sha ${JSON.stringify(input.sha)} is not a commit SHA: expected 7 to 40 hex digits`);
  }
  const shortSha = input.sha.slice(0, 7).toLowerCase();
  const prerelease = v.prerelease.length > 0;
  const tags = [`${input.gitTag}-${shortSha}`, input.gitTag];
  const unparsable = unparsableReleaseTags(input.existingTags);
  if (unparsable.length > 0) {
    throw new Error(`existing tag ${unparsable.slice(0, 3).map((t) => JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t)).join(', ')}${unparsable.length > 3 ? ` and ${unparsable.length - 3} more` : ''} looks like a release but is not a valid version (semver, numbers below 2^53, no leading zeros): delete it (git push --delete origin <tag>), or "latest" could not be chosen correctly`);
  }
  if (!prerelease) {
    const stable = input.existingTags
      .map(parseReleaseTag)
      .filter((e): e is semver.SemVer => e !== undefined && e.prerelease.length === 0);
    const sameMinor = stable.filter((e) => e.major === v.major && e.minor === v.minor);
    if (sameMinor.every((e) => semver.gte(v, e))) tags.push(`v${v.major}.${v.minor}`);
    if (stable.every((e) => semver.gte(v, e))) tags.push('latest');
  }
  for (const t of tags) {
    const problem = tagProblem(t);
    if (problem) throw new Error(`image tag ${JSON.stringify(t)} ${problem}: the release tag is too long for Docker`);
  }
  return { version: v.version, shortSha, prerelease, tags };
}
