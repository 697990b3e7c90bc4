import { publishedReleases } from './promotion-plan';

/** One release as `gh release list --json tagName,isLatest,isDraft,isPrerelease` shows it. */
export interface GitHubReleaseEntry {
  /** The release's tag. */
  readonly tagName: string;
  /** Whether GitHub shows it as Latest. */
  readonly isLatest: boolean;
  /** Whether it is a draft (never made Latest). */
  readonly isDraft: boolean;
  /** Whether it is marked a prerelease (never made Latest). */
  readonly isPrerelease: boolean;
}

export interface GitHubReleasePlan {
  /** Whether the release of the tag exists (then it is edited, else created). */
  readonly exists: boolean;
  /** `--latest=true` for this release; false never takes the badge from another. */
  readonly latest: boolean;
  /**
   * Another release to mark Latest afterwards (the badge is elsewhere, e.g. moved back by an old run).
   * @default - the badge stays where it is
   */
  readonly moveLatestTo?: string;
  /** What the maintainer must know, one line each. */
  readonly warnings: string[];
}

/**
 * What to do with GitHub's releases, decided from what GitHub shows now and from the highest
 * release the registries show (`latestRelease`, from promote in the same lane): the "Latest"
 * badge follows the registries' `latest`, never the order in which runs finish.
 */
export function planGitHubRelease(tag: string, latestRelease: string | undefined, releases: readonly GitHubReleaseEntry[]): GitHubReleasePlan {
  const exists = releases.some((r) => r.tagName === tag);
  const latest = latestRelease === tag;
  const warnings: string[] = [];
  const current = releases.find((r) => r.isLatest)?.tagName;
  let moveLatestTo: string | undefined;
  if (!latest && latestRelease !== undefined && current !== latestRelease) {
    const target = releases.find((r) => r.tagName === latestRelease);
    if (target && !target.isDraft && !target.isPrerelease) moveLatestTo = latestRelease;
    else warnings.push(`${latestRelease} is the highest release in the registries but has no published GitHub Release: re-run its release workflow to create it (GitHub's Latest stays ${current ?? 'unset'})`);
  }
  const unknown = releases.map((r) => r.tagName).filter((t) => publishedReleases([t]).length === 0);
  if (unknown.length > 0) warnings.push(`GitHub releases whose tags are not release versions are ignored: ${unknown.slice(0, 5).join(', ')}`);
  return { exists, latest, moveLatestTo, warnings };
}
