import { GitRemote } from './git-remote';
import { buildMultiArchIndex, pushIndex, releaseVariant } from './multi-arch-index';
import { runPromote } from './promote-cli';
import { LoopbackRegistry } from './registry-server';

let built: Promise<void> | undefined;

/** Builds the multi-arch index once per vitest worker (the registry project runs its files in one, unisolated). */
export function builtIndex(): Promise<void> {
  built ??= Promise.resolve().then(buildMultiArchIndex);
  return built;
}

/**
 * Two loopback registries standing in for gcr.io and ghcr.io, the built index pushed to a
 * staging repository on the first, and helpers to give each test fresh target repositories.
 */
export class ReleaseWorld {
  private count = 0;
  private readonly variants = new Map<string, Promise<string>>();

  private constructor(public readonly gcr: LoopbackRegistry, public readonly ghcr: LoopbackRegistry, public readonly staging: string, public readonly digest: string) {}

  static async start(): Promise<ReleaseWorld> {
    await builtIndex();
    const gcr = await LoopbackRegistry.start('gcr');
    const ghcr = await LoopbackRegistry.start('ghcr');
    const staging = `${gcr.host}/staging/cq-source-s3`;
    const digest = await pushIndex(`${staging}:unpromoted-build`);
    return new ReleaseWorld(gcr, ghcr, staging, digest);
  }

  /** Fresh target repositories (one per registry) and a fresh git remote for one test. */
  fresh(): { images: [string, string]; remote: GitRemote } {
    const n = ++this.count;
    return { images: [`${this.gcr.host}/t${n}/cq-source-s3`, `${this.ghcr.host}/t${n}/cq-source-s3`], remote: new GitRemote() };
  }

  /** A distinct index (new digest, same platforms) standing for the build of `version`. */
  build(version: string): Promise<string> {
    if (!this.variants.has(version)) this.variants.set(version, releaseVariant(this.staging, this.digest, version));
    return this.variants.get(version)!;
  }

  /** Fresh target repositories with the built index promoted as `version`; throws when promote fails. */
  async promoted(version: string): Promise<string[]> {
    const t = this.fresh();
    t.remote.pushTags(version);
    const r = await runPromote(this.promoteArgs(version, this.digest, t.images, t.remote));
    if (r.status !== 0) throw new Error(`promote ${version} failed: ${r.stderr}`);
    return t.images;
  }

  /**
   * The promote arguments the workflow passes; `signatures` are the signature-check flags
   * (the workflow's `--identity … --sbom`; a public key here), `--unsigned` for tests of tagging alone.
   */
  promoteArgs(version: string, digest: string, images: readonly string[], remote: GitRemote, signatures: readonly string[] = ['--unsigned']): string[] {
    return ['--source', this.staging, '--digest', digest, '--tag', version, '--sha', remote.sha, ...images.flatMap((i) => ['--image', i]), '--remote', remote.url, ...signatures];
  }

  async stop(): Promise<void> {
    await this.gcr.stop();
    await this.ghcr.stop();
  }
}
