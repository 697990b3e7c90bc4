import { digestProblem, imageNameProblem, tagProblem } from '../core/docker-reference';
import { OptionChecker } from '../core/validation';

/**
 * An image a build starts from, by name and tag, pinned to a digest once the update bot has
 * looked it up: rendered `image:tag@sha256:…`, or `image:tag` while `digest` is not set.
 *
 * Write it on one line, in this order — `{ image: '…', tag: '…', digest: 'sha256:…' }` — so the
 * `RenovateConfig` custom manager finds it in the TypeScript source and can add or update the digest.
 */
export interface BaseImage {
  /**
   * Image name, without tag or digest.
   * @default - the option's default image
   */
  readonly image?: string;
  /**
   * Image tag.
   * @default - the option's default tag
   */
  readonly tag?: string;
  /**
   * `sha256:<64 lowercase hex>`: the exact image. Left unset, the image is used by tag until
   * the update bot's first run pins it.
   * @default - not pinned
   */
  readonly digest?: string;
}

/** A validated {@link BaseImage}. */
export class PinnedImage {
  /** Validates `value` (the option named `option`), filling in the image and tag `defaults` (not a digest); throws one message naming the field. */
  public static of(check: OptionChecker, option: string, value: BaseImage | undefined, defaults: BaseImage = {}): PinnedImage {
    const v = value ?? {};
    if (typeof v !== 'object' || v === null) check.fail(option, v, 'must be an object { image, tag, digest }');
    const image = v.image ?? defaults.image;
    const nameProblem = typeof image === 'string' ? imageNameProblem(image) : 'must be set: an image name';
    if (nameProblem) check.fail(`${option}.image`, image, nameProblem);
    const tag = v.tag ?? defaults.tag;
    const badTag = typeof tag === 'string' ? tagProblem(tag) : 'must be set: an image tag';
    if (badTag) check.fail(`${option}.tag`, tag, badTag);
    if (v.digest !== undefined) {
      const badDigest = typeof v.digest === 'string' ? digestProblem(v.digest) : 'must be a string';
      if (badDigest) check.fail(`${option}.digest`, v.digest, badDigest);
    }
    return new PinnedImage(image!, tag!, v.digest);
  }

  private constructor(
    /** Image name. */
    public readonly image: string,
    /** Image tag. */
    public readonly tag: string,
    /** The pinned digest, if the image is pinned. */
    public readonly digest: string | undefined,
  ) {}

  /** Whether a digest pins the image. */
  public get pinned(): boolean {
    return this.digest !== undefined;
  }

  /** `image:tag`. */
  public get tagged(): string {
    return `${this.image}:${this.tag}`;
  }

  /** What a Dockerfile or workflow uses: `image:tag@sha256:…`, or `image:tag` while unpinned. */
  public get reference(): string {
    return this.digest ? `${this.tagged}@${this.digest}` : this.tagged;
  }
}
