/*
 * Docker's reference grammar (github.com/distribution/reference), one regular expression
 * per rule. Every name, tag, digest and reference check in this package uses these.
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component { "/" path-component }   (at most 255 characters)
 *   domain    := domain-component { "." domain-component } [ ":" port ]
 */

const PATH_COMPONENT_SOURCE = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT_SOURCE = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_SOURCE = `${DOMAIN_COMPONENT_SOURCE}(?:\\.${DOMAIN_COMPONENT_SOURCE})*(?::[0-9]+)?`;
const NAME_SOURCE = `(?:${DOMAIN_SOURCE}/)?${PATH_COMPONENT_SOURCE}(?:/${PATH_COMPONENT_SOURCE})*`;
const TAG_SOURCE = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST_SOURCE = 'sha256:[0-9a-f]{64}';

/** One repository path component: lowercase letters and digits, separated by `.`, `_`, `__` or dashes. */
export const PATH_COMPONENT = new RegExp(`^${PATH_COMPONENT_SOURCE}$`);
/** A registry host, optionally with a port (`ghcr.io`, `localhost:5000`). */
export const DOMAIN = new RegExp(`^${DOMAIN_SOURCE}$`);
/** An image name without tag or digest (`alpine`, `ghcr.io/owner/plugin`). */
export const IMAGE_NAME = new RegExp(`^${NAME_SOURCE}$`);
/** A tag: 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`. */
export const DOCKER_TAG = new RegExp(`^${TAG_SOURCE}$`);
/** A sha256 content digest. */
export const DIGEST = new RegExp(`^${DIGEST_SOURCE}$`);
/** A full reference: name, optional tag, optional digest. */
export const IMAGE_REFERENCE = new RegExp(`^(${NAME_SOURCE})(?::(${TAG_SOURCE}))?(?:@(${DIGEST_SOURCE}))?$`);

/** Docker refuses names longer than this. */
export const NAME_MAX_LENGTH = 255;

/** The rule an image name breaks, or undefined when it is valid. */
export function imageNameProblem(name: string): string | undefined {
  if (!IMAGE_NAME.test(name)) return 'is not a Docker image name ([registry/]path: lowercase letters and digits separated by ".", "_", "__" or "-", components joined by "/")';
  if (name.length > NAME_MAX_LENGTH) return `is longer than Docker's ${NAME_MAX_LENGTH}-character limit for image names`;
  return undefined;
}

/** The rule a tag breaks, or undefined when it is valid. */
export function tagProblem(tag: string): string | undefined {
  return DOCKER_TAG.test(tag) ? undefined : 'breaks the Docker tag grammar ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})';
}

/** The rule a digest breaks, or undefined when it is valid. */
export function digestProblem(digest: string): string | undefined {
  return DIGEST.test(digest) ? undefined : 'is not a digest: sha256: followed by 64 lowercase hex digits';
}

/** The parts of an image reference. */
export interface ImageReference {
  /** The image name, with its registry if it has one. */
  readonly name: string;
  /**
   * The tag.
   * @default - none
   */
  readonly tag?: string;
  /**
   * The content digest.
   * @default - none
   */
  readonly digest?: string;
}

/** Splits a reference into name, tag and digest; undefined when it breaks the grammar or the name is too long. */
export function parseImageReference(reference: string): ImageReference | undefined {
  const m = IMAGE_REFERENCE.exec(reference);
  if (!m || m[1].length > NAME_MAX_LENGTH) return undefined;
  return { name: m[1], ...(m[2] ? { tag: m[2] } : {}), ...(m[3] ? { digest: m[3] } : {}) };
}
