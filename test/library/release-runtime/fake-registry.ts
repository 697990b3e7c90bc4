import { RegistryClient, RegistryError } from '../../../src/release-runtime/registry-client';

/** The shape of the two-platform index the build pushes. */
export const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 1, platform: { os: 'linux', architecture: 'arm64' } },
  ],
});

/**
 * An in-memory registry set for unit tests of the promotion's order and decisions: repositories
 * hold digests and tags; every write is recorded; `failWhen` makes one operation fail like a
 * registry that went away.
 */
export class FakeRegistries implements RegistryClient {
  /** repository → tag → digest */
  readonly tags = new Map<string, Map<string, string>>();
  /** repository → digests present */
  readonly blobs = new Map<string, Set<string>>();
  readonly manifests = new Map<string, string>();
  readonly writes: string[] = [];
  failWhen?: (op: 'copy' | 'tag' | 'resolve' | 'listTags', ref: string) => boolean;

  put(repository: string, digest: string, manifest = INDEX, ...tags: string[]): void {
    this.manifests.set(digest, manifest);
    this.repo(repository).add(digest);
    for (const t of tags) this.tagMap(repository).set(t, digest);
  }

  async resolve(ref: string): Promise<string | undefined> {
    this.check('resolve', ref);
    const [repository, id, byDigest] = split(ref);
    if (byDigest) return this.repo(repository).has(id) ? id : undefined;
    return this.tagMap(repository).get(id);
  }

  async copy(source: string, destination: string): Promise<void> {
    this.check('copy', destination);
    const [from, id, byDigest] = split(source);
    const digest = byDigest ? id : this.tagMap(from).get(id)!;
    const [repository, to, toDigest] = split(destination);
    this.repo(repository).add(digest);
    if (!toDigest) this.tagMap(repository).set(to, digest);
    this.writes.push(`copy ${destination}`);
  }

  async tag(ref: string, tag: string): Promise<void> {
    const [repository, digest] = split(ref);
    this.check('tag', `${repository}:${tag}`);
    this.tagMap(repository).set(tag, digest);
    this.writes.push(`tag ${repository}:${tag}`);
  }

  async manifest(ref: string): Promise<string> {
    const [, digest] = split(ref);
    return this.manifests.get(digest) ?? '{}';
  }

  async listTags(repository: string): Promise<string[]> {
    this.check('listTags', repository);
    return [...this.tagMap(repository).keys()];
  }

  private check(op: 'copy' | 'tag' | 'resolve' | 'listTags', ref: string): void {
    if (this.failWhen?.(op, ref)) throw new RegistryError(ref, op, 'dial tcp: connect: connection refused');
  }

  private repo(r: string): Set<string> {
    if (!this.blobs.has(r)) this.blobs.set(r, new Set());
    return this.blobs.get(r)!;
  }

  private tagMap(r: string): Map<string, string> {
    if (!this.tags.has(r)) this.tags.set(r, new Map());
    return this.tags.get(r)!;
  }
}

function split(ref: string): [string, string, boolean] {
  const at = ref.indexOf('@');
  if (at >= 0) return [ref.slice(0, at), ref.slice(at + 1), true];
  const colon = ref.lastIndexOf(':');
  return [ref.slice(0, colon), ref.slice(colon + 1), false];
}
