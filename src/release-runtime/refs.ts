import { DOMAIN, digestProblem, PATH_COMPONENT } from '../core/docker-reference';

/** Throws one line naming the option if `digest` is not `sha256:<64 hex>`. */
export function requireDigest(digest: string, option = '--digest'): string {
  const problem = digestProblem(digest);
  if (problem) {
    throw new Error(`${option} "${digest}" ${problem}`);
  }
  return digest;
}

/**
 * Throws one line naming the option unless `repository` is a fully qualified repository name
 * (`gcr.io/project/name`, `127.0.0.1:5000/name`) without a tag or digest.
 */
export function requireRepository(repository: string, option = '--image'): string {
  const [host, ...path] = repository.split('/');
  const qualified = host.includes('.') || host.includes(':') || host === 'localhost';
  if (!qualified || !DOMAIN.test(host) || path.length === 0 || !path.every((c) => PATH_COMPONENT.test(c))) {
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
