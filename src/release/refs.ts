/** An image content digest as registries and `docker buildx` print it. */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** `host[:port]/path[/path...]`: a fully qualified repository, with no tag and no digest. */
const REPOSITORY = new RegExp(`^([A-Za-z0-9.-]+(?::[0-9]{1,5})?)/(${COMPONENT}(?:/${COMPONENT})*)$`);

/** Throws one line naming the option if `digest` is not `sha256:<64 hex>`. */
export function requireDigest(digest: string, option = '--digest'): string {
  if (!DIGEST.test(digest)) {
    throw new Error(`${option} "${digest}" is not an image digest: expected sha256: followed by 64 lowercase hex digits`);
  }
  return digest;
}

/**
 * Throws one line naming the option unless `repository` is a fully qualified repository name
 * (`gcr.io/project/name`, `127.0.0.1:5000/name`) without a tag or digest.
 */
export function requireRepository(repository: string, option = '--image'): string {
  const m = REPOSITORY.exec(repository);
  const host = m?.[1] ?? '';
  if (!m || !(host.includes('.') || host.includes(':') || host === 'localhost')) {
    throw new Error(`${option} "${repository}" is not a repository: expected host[:port]/path in lowercase, without a tag or digest (e.g. ghcr.io/owner/name)`);
  }
  return repository;
}

/** `repo@sha256:…` */
export function digestRef(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}

/** `repo:tag` */
export function tagRef(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}
