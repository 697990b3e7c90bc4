/**
 * What promotion needs from a registry. Every method addresses one reference and either
 * answers or throws a {@link RegistryError} naming that reference.
 */
export interface RegistryClient {
  /** The digest `ref` (`repo:tag` or `repo@digest`) resolves to, or undefined when the registry says it does not exist. */
  resolve(ref: string): Promise<string | undefined>;
  /** Copies the image or index at `source` (`repo@digest`) to `destination` (`repo@digest`), keeping its digest. */
  copy(source: string, destination: string): Promise<void>;
  /** Points `tag` of the repository of `ref` (`repo@digest`) at that digest. */
  tag(ref: string, tag: string): Promise<void>;
  /** The raw manifest (or index) JSON at `ref`. */
  manifest(ref: string): Promise<string>;
  /** The repository's tags; empty when the repository does not exist yet. */
  listTags(repository: string): Promise<string[]>;
}

/** A registry operation that failed; `message` is one line and names the reference. */
export class RegistryError extends Error {
  constructor(public readonly ref: string, public readonly operation: string, cause: string) {
    super(`${operation} ${ref}: ${cause}`);
    this.name = 'RegistryError';
  }
}
