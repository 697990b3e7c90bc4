import { computeImageTags, parseReleaseTag } from './image-tags';

/** The tags one release gets, split by whether they may ever move. */
export interface TagPlan {
  /** `1.2.3` */
  readonly version: string;
  /** Whether the tag is a prerelease (`v1.2.3-rc.1`); a prerelease never floats. */
  readonly prerelease: boolean;
  /** `vX.Y.Z-<sha7>`, `vX.Y.Z`: set once, never moved. */
  readonly immutable: string[];
  /** `vX.Y` and/or `latest`, when this release is the highest by the tag rule; may be empty. */
  readonly floating: string[];
  /** Whether this release takes `latest`: the value for `gh release create --latest=…`. */
  readonly latest: boolean;
}

/**
 * The tag rule of {@link computeImageTags}, split into immutable and floating tags.
 * `knownReleases` are every release tag known anywhere (the git remote's tags and the versions
 * already published in the registries); the release is only "highest" against all of them.
 */
export function planTags(gitTag: string, sha: string, knownReleases: readonly string[]): TagPlan {
  const t = computeImageTags({ gitTag, sha, existingTags: knownReleases });
  const [primary, version, ...floating] = t.tags;
  return { version: t.version, prerelease: t.prerelease, immutable: [primary, version], floating, latest: floating.includes('latest') };
}

/** Registry tags that name a release version (`vX.Y.Z`, `vX.Y.Z-rc.1`), i.e. releases already published there. */
export function publishedReleases(registryTags: readonly string[]): string[] {
  return registryTags.filter((t) => parseReleaseTag(t) !== undefined);
}
