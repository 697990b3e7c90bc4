import { indexPlatforms, missingPlatforms } from './platforms';
import { digestRef, tagRef } from './refs';
import { RegistryClient } from './registry-client';

export interface VerifyOptions {
  /** Reads the registries. */
  readonly client: RegistryClient;
  /** The digest every ref must resolve to. */
  readonly digest: string;
  /** Target repositories, one per registry. */
  readonly images: readonly string[];
  /** Tags that must resolve to `digest` in every image. */
  readonly tags: readonly string[];
  /** Platforms the index must list. */
  readonly platforms: readonly string[];
  /**
   * Progress, one line per verified ref.
   * @default - no output
   */
  readonly log?: (line: string) => void;
}

/**
 * Checks that `image@digest` and every `image:tag` resolve to `digest` in every image, and that
 * the index lists every required platform. Returns the verified refs; throws one line listing
 * every ref that is wrong.
 */
export async function verifyPromotion(o: VerifyOptions): Promise<string[]> {
  const log = o.log ?? (() => {});
  const problems: string[] = [];
  const verified: string[] = [];
  for (const image of o.images) {
    const atDigest = digestRef(image, o.digest);
    for (const ref of [atDigest, ...o.tags.map((t) => tagRef(image, t))]) {
      const got = await o.client.resolve(ref);
      if (got === o.digest) {
        verified.push(ref);
        log(`verified ${ref} -> ${o.digest}`);
      } else {
        problems.push(`${ref} resolves to ${got ?? 'nothing'}`);
      }
    }
    const listed = indexPlatforms(await o.client.manifest(atDigest), atDigest);
    const missing = missingPlatforms(o.platforms, listed);
    if (missing.length > 0) problems.push(`${atDigest} lists ${listed.join(', ') || 'no platform'}, not ${missing.join(', ')}`);
    else log(`verified ${atDigest} lists ${o.platforms.join(', ')}`);
  }
  if (problems.length > 0) throw new Error(`verification failed, expected ${o.digest}: ${problems.join('; ')}`);
  return verified;
}
