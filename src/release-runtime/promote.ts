import * as semver from 'semver';
import { parseReleaseTag } from './image-tags';
import { DEFAULT_PLATFORMS } from '../core/platforms';
import { indexPlatforms, missingPlatforms } from './platforms';
import { planTags, publishedReleases, TagPlan } from './promotion-plan';
import { digestRef, requireDigest, requireRepository, tagRef } from './refs';
import { RegistryClient } from './registry-client';
import { verifyPromotion } from './verify';

/** The platforms a release index must list. */

/** Release tags as read from the git remote (commits, when known, are checked against `sha`). */
export interface ReleaseTagList {
  /** Every tag name of the remote (release tags and others; the tag rule picks the releases). */
  readonly tags: readonly string[];
  /**
   * Tag → commit; when given, the release tag must be there and point at `sha`.
   * @default - unknown: the tag's commit is not checked (`promote --existing`)
   */
  readonly commits?: ReadonlyMap<string, string>;
}

export interface PromoteOptions {
  /** The repository the build pushed the index to, by digest (no tag needed). */
  readonly source: string;
  /** The index digest the build produced and the e2e jobs tested. */
  readonly digest: string;
  /** The release tag, `vX.Y.Z[-PRE]`. */
  readonly gitTag: string;
  /** The commit the tag points to. */
  readonly sha: string;
  /** Target repositories, one per registry; each gets the same digest and tags. */
  readonly images: readonly string[];
  /**
   * Platforms the index must list, `os/arch[/variant]`.
   * @default DEFAULT_PLATFORMS (linux/amd64, linux/arm64)
   */
  readonly platforms?: readonly string[];
  /** Reads the remote's release tags now; called at the start (the tag's commit) and at the end (releases no registry shows). */
  readonly releaseTags: () => Promise<ReleaseTagList>;
  /**
   * Verifies the signatures and attestations of `image@digest` (e.g. `cosign verify`); throws when
   * they are missing or wrong. Called for the source before anything is copied, and for every
   * image after the copy, before any tag is set.
   * @default - signatures are not checked
   */
  readonly verifySignatures?: (image: string) => Promise<void>;
  /** Reads and writes the registries (e.g. {@link Crane}). */
  readonly client: RegistryClient;
  /**
   * Progress, one line per step.
   * @default - no output
   */
  readonly log?: (line: string) => void;
}

export interface PromotionResult {
  /** The promoted index digest, the same in every registry. */
  readonly digest: string;
  /** The release version without the `v`, e.g. `1.2.3`. */
  readonly version: string;
  /** Whether the tag is a prerelease (`v1.2.3-rc.1`); prereleases never float. */
  readonly prerelease: boolean;
  /** `vX.Y.Z-<sha7>` and `vX.Y.Z`, set in every registry and never moved. */
  readonly immutableTags: string[];
  /** Floating tags that point at this digest after the promotion. */
  readonly floatingTags: string[];
  /** Whether this release holds `latest`: the value for `gh release create --latest=…`. */
  readonly latest: boolean;
  /**
   * The highest stable release the registries show after this promotion: the GitHub Release that should be "Latest".
   * @default - none: only prereleases are published
   */
  readonly latestRelease?: string;
  /** Release tags of the remote that no registry shows (their runs were cancelled or failed), lowest first. */
  readonly unpublished: string[];
  /** Every verified ref, `image@digest` and `image:tag`. */
  readonly refs: string[];
}

const NOTHING_PUBLIC = 'nothing was copied or tagged; re-run promote once the cause is fixed';
const NO_FLOATING_MOVED = 'no floating tag was moved; re-run promote once the cause is fixed (it skips what is already done)';

/** The source's tags that hold what cosign and attestations store for `digest` (`sha256-<hex>`, `sha256-<hex>.sig`, `.att`, `.sbom`: cosign's tags and the OCI referrers fallback tag). */
export function signatureTags(tags: readonly string[], digest: string): string[] {
  const prefix = digest.replace(':', '-');
  return tags.filter((t) => t === prefix || (t.startsWith(`${prefix}.`) && /^[a-z]+$/.test(t.slice(prefix.length + 1)))).sort();
}

/**
 * Promotes a built, signed index to every registry: check it and its signatures in the source,
 * copy it by digest with its signatures and attestations, verify the signatures in every
 * registry, set the immutable tags, then the floating tags (from the releases the registries show
 * now), then verify. Nothing is tagged before every registry verified. Idempotent: a re-run of a
 * finished promotion writes nothing.
 */
export async function promote(o: PromoteOptions): Promise<PromotionResult> {
  checkPromoteInput(o);
  const log = o.log ?? (() => {});
  const client = o.client;
  const digest = o.digest;
  const source = o.source;
  const platforms = o.platforms ?? DEFAULT_PLATFORMS;

  const first = await o.releaseTags();
  const plan = planTags(o.gitTag, o.sha, first.tags);
  checkTagCommit(first, o.gitTag, o.sha);
  log(`promote ${o.gitTag} (${digest}) to ${o.images.join(', ')}`);
  log(`immutable tags: ${plan.immutable.join(', ')}; floating if the highest release published when they move: ${plan.prerelease ? 'none' : floatingCandidates(o.gitTag).join(', ')}`);

  const src = digestRef(source, digest);
  try {
    log(`[1/6] check the built index ${src}`);
    if ((await client.resolve(src)) !== digest) throw new Error(`${src} does not exist: the build must push the index there by digest first`);
    const listed = indexPlatforms(await client.manifest(src), src);
    const missing = missingPlatforms(platforms, listed);
    if (missing.length > 0) throw new Error(`${src} lists ${listed.join(', ') || 'no platform'}, not ${missing.join(', ')}`);
    log(`      ${src} lists ${listed.join(', ')}`);

    log(`[2/6] signatures of ${src}`);
    if (o.verifySignatures) await o.verifySignatures(source);
    else log('      not checked (no signature check given)');
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)} — ${NOTHING_PUBLIC}`);
  }

  try {
    const signatures = signatureTags(await client.listTags(source), digest);
    log(`[3/6] copy the index by digest${signatures.length ? ` and ${signatures.join(', ')}` : ''} to every registry`);
    for (const image of o.images) {
      const dst = digestRef(image, digest);
      if (await alreadyThere(client, dst, digest)) {
        log(`      ${dst} already there`);
      } else {
        await client.copy(src, dst);
        log(`      copied to ${dst}`);
      }
      for (const tag of signatures) {
        await client.copy(tagRef(source, tag), tagRef(image, tag));
        log(`      copied ${tagRef(image, tag)}`);
      }
    }
    log('[4/6] signatures in every registry, then the immutable tags there (none is set before every registry verified)');
    for (const image of o.images) {
      if (o.verifySignatures) await o.verifySignatures(image);
    }
    for (const tag of plan.immutable) {
      for (const image of o.images) await requireUnmovedImmutable(client, image, tag, digest);
    }

    log('[5/6] set the immutable tags in every registry');
    for (const tag of plan.immutable) {
      for (const image of o.images) {
        const current = await requireUnmovedImmutable(client, image, tag, digest);
        if (current === digest) {
          log(`      ${tagRef(image, tag)} already -> ${digest}`);
        } else {
          await client.tag(digestRef(image, digest), tag);
          log(`      tagged ${tagRef(image, tag)}`);
        }
      }
    }
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)} — ${NO_FLOATING_MOVED}`);
  }

  // Decided now, from what the registries show: every promotion runs in one lane, so the last one
  // to run sees every release published before it and the highest ends up holding latest.
  log('[6/6] floating tags: the releases every registry shows now');
  let final: TagPlan;
  let published: string[];
  try {
    published = await publishedAnywhere(client, o.images);
    final = planTags(o.gitTag, o.sha, published);
    if (final.prerelease) log('      none: a prerelease never floats');
    for (const tag of final.prerelease ? [] : floatingCandidates(o.gitTag)) {
      if (!final.floating.includes(tag)) log(`      ${tag} stays where it is: ${higherThan(o.gitTag, published, tag)}`);
    }
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)} — ${NO_FLOATING_MOVED}`);
  }
  try {
    for (const tag of final.floating) {
      for (const image of o.images) {
        const ref = tagRef(image, tag);
        const current = await client.resolve(ref);
        if (current === digest) {
          log(`      ${ref} already -> ${digest}`);
        } else {
          await client.tag(digestRef(image, digest), tag);
          log(`      moved ${ref}: ${current ?? '(new)'} -> ${digest}`);
        }
      }
    }
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)} — floating tags may now differ between registries; re-run promote to finish`);
  }

  log('verify: every ref resolves to the digest and the index lists every platform');
  const tags = [...final.immutable, ...final.floating];
  const refs = await verifyPromotion({ client, digest, images: o.images, tags, platforms, log: (l) => log(`      ${l}`) });
  const unpublished = unpublishedReleases((await o.releaseTags()).tags, [...published, o.gitTag]);
  for (const tag of unpublished) log(`::warning::${tag} is tagged but no registry shows it: its release run was cancelled (GitHub keeps one run waiting per lane) or failed — re-run it`);
  const latestRelease = highestStable([...published, o.gitTag]);
  log(`promoted ${o.gitTag}: ${refs.length} refs -> ${digest}; latest=${final.latest}; the highest release published is ${latestRelease ?? 'none (prereleases only)'}`);
  return { digest, version: final.version, prerelease: final.prerelease, immutableTags: final.immutable, floatingTags: final.floating, latest: final.latest, latestRelease, unpublished, refs };
}

/** Release versions any of the images shows as a tag (one registry is enough: a release half-published still counts, so latest never moves back in the registry that has it). */
async function publishedAnywhere(client: RegistryClient, images: readonly string[]): Promise<string[]> {
  const each = await Promise.all(images.map(async (i) => publishedReleases(await client.listTags(i))));
  return [...new Set(each.flat())].sort();
}

/** Release tags of the remote that are not published: a run that was cancelled or failed. */
export function unpublishedReleases(remoteTags: readonly string[], published: readonly string[]): string[] {
  return publishedReleases(remoteTags).filter((t) => !published.includes(t)).sort((a, b) => semver.compare(parseReleaseTag(a)!, parseReleaseTag(b)!));
}

/** The highest stable release among `tags`, or undefined. */
export function highestStable(tags: readonly string[]): string | undefined {
  const stable = publishedReleases(tags).filter((t) => parseReleaseTag(t)!.prerelease.length === 0);
  return stable.sort((a, b) => semver.compare(parseReleaseTag(b)!, parseReleaseTag(a)!))[0];
}

/** Validates every input that needs no registry or remote; throws one line naming the option. */
export function checkPromoteInput(o: Pick<PromoteOptions, 'source' | 'digest' | 'gitTag' | 'sha' | 'images' | 'platforms'>): void {
  requireDigest(o.digest);
  requireRepository(o.source, '--source');
  if (o.images.length === 0) throw new Error('--image is required: at least one target repository');
  o.images.forEach((i) => requireRepository(i));
  const dup = o.images.find((i, n) => o.images.indexOf(i) !== n);
  if (dup) throw new Error(`--image "${dup}" is given twice`);
  for (const p of o.platforms ?? DEFAULT_PLATFORMS) {
    if (!/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(p)) throw new Error(`--platforms entry "${p}" is not os/arch[/variant]`);
  }
  planTags(o.gitTag, o.sha, []); // the tag and SHA rules
}

/**
 * Whether `image@digest` exists. A registry that cannot say (GHCR answers DENIED, not 404, for a
 * package that does not exist yet) gets the copy, which creates it; a registry that is down fails the copy.
 */
async function alreadyThere(client: RegistryClient, ref: string, digest: string): Promise<boolean> {
  try {
    return (await client.resolve(ref)) === digest;
  } catch {
    return false;
  }
}

/** Returns what `image:tag` points to now; throws when it points anywhere but `digest`. */
async function requireUnmovedImmutable(client: RegistryClient, image: string, tag: string, digest: string): Promise<string | undefined> {
  const ref = tagRef(image, tag);
  const current = await client.resolve(ref);
  if (current !== undefined && current !== digest) {
    throw new Error(`${ref} already points to ${current}, not ${digest}: immutable tags never move, refusing to promote`);
  }
  return current;
}

function checkTagCommit(remote: ReleaseTagList, gitTag: string, sha: string): void {
  if (!remote.commits) return;
  const commit = remote.commits.get(gitTag);
  if (commit === undefined) throw new Error(`tag "${gitTag}" is not on the remote: push it before promoting`);
  if (!commit.toLowerCase().startsWith(sha.toLowerCase())) {
    throw new Error(`tag "${gitTag}" on the remote points to ${commit}, not --sha ${sha}: refusing to promote a build of another commit`);
  }
}

/** The floating tags a stable release can take. */
function floatingCandidates(gitTag: string): string[] {
  const v = parseReleaseTag(gitTag)!;
  return [`v${v.major}.${v.minor}`, 'latest'];
}

/** The releases that keep `gitTag` from taking `tag`, for the log. */
function higherThan(gitTag: string, known: readonly string[], tag: string): string {
  const v = parseReleaseTag(gitTag)!;
  const higher = [...new Set(known)].filter((t) => {
    const k = parseReleaseTag(t);
    return k !== undefined && k.prerelease.length === 0 && semver.gt(k, v) && (tag === 'latest' || (k.major === v.major && k.minor === v.minor));
  });
  higher.sort((a, b) => semver.compare(parseReleaseTag(b)!, parseReleaseTag(a)!));
  return `${higher.slice(0, 3).join(', ')} ${higher.length === 1 ? 'is' : 'are'} higher than ${gitTag}`;
}
