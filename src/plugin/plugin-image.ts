import { BaseImage, PinnedImage } from './base-image';
import { IMAGE_NAME, imageNameProblem, PATH_COMPONENT } from '../core/docker-reference';
import { DEFAULT_PLATFORMS } from '../core/platforms';
import { GoBuild } from './go-build';
import { checkGoModule, GoModuleFacts } from './go-module';
import { imageIn, IRegistry } from '../registries/registry';
import { hasExpression } from '../github/expressions';
import { OptionChecker } from '../core/validation';

/** Platforms the builder stage can cross-compile to with CGO disabled. */
export const SUPPORTED_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64'] as const;
export type Platform = (typeof SUPPORTED_PLATFORMS)[number];

export interface PluginImageOptions {
  /** Plugin and binary name; also the image name under each registry (a lowercase Docker path component). */
  readonly name: string;
  /** One-line description for the OCI `description` label (at most 256 printable characters). */
  readonly description: string;
  /** Facts read from go.mod (see `readGoModule`). */
  readonly goModule: GoModuleFacts;
  /** SPDX license expression for the OCI `licenses` label, e.g. `Apache-2.0`. */
  readonly license: string;
  /**
   * The package, relative to the module root, whose `Version` variable the build stamps.
   * @default 'plugin' (CloudQuery's own plugins use 'resources/plugin')
   */
  readonly versionPackage?: string;
  /**
   * Go build tags.
   * @default ['grpcnotrace']
   */
  readonly buildTags?: string[];
  /**
   * The port the container serves gRPC on.
   * @default 7777 (what the CloudQuery CLI expects of a container plugin)
   */
  readonly port?: number;
  /**
   * The platforms the image is built for.
   * @default DEFAULT_PLATFORMS (linux/amd64, linux/arm64)
   */
  readonly platforms?: Platform[];
  /**
   * The final stage's base image.
   * @default { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot' } (not pinned)
   */
  readonly runtimeBase?: BaseImage;
  /**
   * The builder stage's image. Its tag must be the Go version go.mod asks for (optionally with a
   * variant suffix, `1.26.8-trixie`), so go.mod and the pin are updated together.
   * @default { image: 'golang', tag: <the Go version from go.mod> } (not pinned)
   */
  readonly builderBase?: BaseImage;
  /**
   * The Dockerfile frontend of the `# syntax=` directive.
   * @default { image: 'docker/dockerfile', tag: '1' } (not pinned)
   */
  readonly dockerfileSyntax?: BaseImage;
  /**
   * Where releases are published; the release workflow needs at least one.
   * @default []
   */
  readonly registries?: IRegistry[];
  /**
   * Repository URL for the OCI `source` label.
   * @default - https:// + the module path
   */
  readonly sourceUrl?: string;
}

const SPDX_EXPRESSION = /^[A-Za-z0-9.+-]+(?: (?:AND|OR|WITH) [A-Za-z0-9.+-]+)*$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?(?:\/[^\s"'\\$`]*)?$/;

/**
 * The one validated description of the plugin image. Every generated artifact renders from
 * it, so the port, name, module, Go version, build flags and platforms are written once.
 */
export class PluginImage {
  public readonly name: string;
  public readonly description: string;
  public readonly license: string;
  public readonly modulePath: string;
  public readonly goVersion: string;
  public readonly goSourcePaths: readonly string[];
  public readonly port: number;
  public readonly platforms: readonly Platform[];
  public readonly registries: readonly IRegistry[];
  public readonly sourceUrl: string;
  public readonly goBuild: GoBuild;
  /** Absolute path of the binary inside the image. */
  public readonly binaryPath: string;
  /** distroless `nonroot`. */
  public readonly user = '65532:65532';
  /** The final stage's base image. */
  public readonly runtimeBase: PinnedImage;
  /** The builder stage's image. */
  public readonly builderBase: PinnedImage;
  /** The `# syntax=` frontend. */
  public readonly dockerfileSyntax: PinnedImage;

  constructor(options: PluginImageOptions, check = new OptionChecker('PluginImage')) {
    this.name = check.match('name', options.name, PATH_COMPONENT, 'must be lowercase letters and digits separated by ".", "_" or "-" (a Docker path component)');
    const nameProblem = imageNameProblem(this.name);
    if (nameProblem) check.fail('name', this.name, nameProblem);
    this.description = check.line('description', options.description, 256);
    this.license = check.match('license', options.license, SPDX_EXPRESSION, 'must be an SPDX license expression such as Apache-2.0 or MIT OR Apache-2.0');
    const goModule = checkGoModule(check, 'goModule', options.goModule);
    this.modulePath = goModule.modulePath;
    this.goVersion = goModule.goVersion;
    this.goSourcePaths = goModule.sourcePaths;
    this.goBuild = new GoBuild({ modulePath: this.modulePath, versionPackage: options.versionPackage, buildTags: options.buildTags }, check);
    if (goModule.versionPackages && !goModule.versionPackages.includes(this.goBuild.versionPackage)) {
      const found = goModule.versionPackages.length > 0 ? `the packages that do are ${goModule.versionPackages.join(', ')}` : 'no package does';
      check.fail('versionPackage', this.goBuild.versionPackage, `declares no Version variable in the Go module (${found}), so -X would set nothing`);
    }
    this.port = check.integer('port', options.port ?? 7777, 1, 65535);
    this.platforms = check.list('platforms', options.platforms ?? [...DEFAULT_PLATFORMS], { min: 1 });
    for (const p of this.platforms) check.oneOf('platforms', p, SUPPORTED_PLATFORMS);
    this.runtimeBase = PinnedImage.of(check, 'runtimeBase', options.runtimeBase, { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot' });
    this.builderBase = PinnedImage.of(check, 'builderBase', options.builderBase, { image: 'golang', tag: this.goVersion });
    const builderTag = this.builderBase.tag;
    if (builderTag !== this.goVersion && !builderTag.startsWith(`${this.goVersion}-`)) {
      check.fail('builderBase.tag', builderTag, `must be the Go version go.mod asks for (${this.goVersion}), optionally with a variant suffix such as ${this.goVersion}-trixie: update go.mod and the builder pin together`);
    }
    this.dockerfileSyntax = PinnedImage.of(check, 'dockerfileSyntax', options.dockerfileSyntax, { image: 'docker/dockerfile', tag: '1' });
    this.registries = checkRegistries(check, options.registries ?? [], this.name);
    this.sourceUrl = check.match('sourceUrl', options.sourceUrl ?? `https://${this.modulePath}`, HTTPS_URL, 'must be an https:// URL without spaces, quotes, backslashes or $');
    this.binaryPath = `/${this.name}`;
  }

  /** The images the Dockerfile starts from: frontend, builder, runtime base. */
  public get baseImages(): PinnedImage[] {
    return [this.dockerfileSyntax, this.builderBase, this.runtimeBase];
  }

  /** Full image names, one per registry. */
  public get images(): string[] {
    return this.registries.map((r) => imageIn(r, this.name));
  }

  /** Build targets, e.g. `{ os: 'linux', arch: 'amd64', dir: 'linux-amd64' }`. */
  public get targets(): { os: string; arch: string; dir: string }[] {
    return this.platforms.map((p) => {
      const [os, arch] = p.split('/');
      return { os, arch, dir: `${os}-${arch}` };
    });
  }

  /** Default container command: serve on every interface at the configured port, JSON logs. */
  public get defaultCommand(): string[] {
    return ['serve', '--address', `[::]:${this.port}`, '--log-format', 'json', '--log-level', 'info'];
  }
}

/** Unique ids and prefixes; literal image names must be valid Docker names. */
function checkRegistries(check: OptionChecker, registries: readonly IRegistry[], name: string): readonly IRegistry[] {
  registries.forEach((r, i) => {
    const option = `registries[${i}]`;
    const samePrefix = registries.findIndex((o) => o.prefix === r.prefix);
    if (samePrefix !== i) check.fail(option, r.prefix, `is the same registry as registries[${samePrefix}]`);
    const same = registries.findIndex((o) => o.id === r.id);
    if (same !== i) check.fail(`${option}.id`, r.id, `is also the id of registries[${same}] (${registries[same].prefix}): give one of them an explicit id`);
    const image = imageIn(r, name);
    if (!hasExpression(image)) {
      const problem = IMAGE_NAME.test(image) ? imageNameProblem(image) : `is not a Docker image name (from prefix ${JSON.stringify(r.prefix)})`;
      if (problem) check.fail(option, image, problem);
    }
  });
  return registries;
}
