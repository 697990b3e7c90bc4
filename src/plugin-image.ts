import { GoBuild } from './go-build';
import { GoModuleFacts } from './go-module';
import { Registry } from './registries';

/** Platforms the builder stage can cross-compile to with CGO disabled. */
export const SUPPORTED_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64'] as const;
export type Platform = (typeof SUPPORTED_PLATFORMS)[number];

export interface RuntimeBaseImage {
  /** @default 'gcr.io/distroless/static-debian12' */
  readonly image?: string;
  /** @default 'nonroot' */
  readonly tag?: string;
  /** `sha256:<64 hex>` to pin the exact base image. @default - not pinned */
  readonly digest?: string;
}

export interface PluginImageOptions {
  /** Plugin and binary name; also the image name under each registry. */
  readonly name: string;
  /** One-line description for the OCI labels. */
  readonly description: string;
  /** Facts read from go.mod (see `readGoModule`). */
  readonly goModule: GoModuleFacts;
  /** SPDX license id for the OCI labels. */
  readonly license: string;
  /** @default 7777 (what the CloudQuery CLI expects of a container plugin) */
  readonly port?: number;
  /** @default ['linux/amd64', 'linux/arm64'] */
  readonly platforms?: Platform[];
  /** @default distroless static-debian12:nonroot, not pinned */
  readonly runtimeBase?: RuntimeBaseImage;
  /** @default [] */
  readonly registries?: Registry[];
  /** Repository URL for the `source` label. @default - https:// + the module path */
  readonly sourceUrl?: string;
}

const IMAGE_NAME = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const IMAGE_REF = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

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
  public readonly goSourcePaths: string[];
  public readonly port: number;
  public readonly platforms: Platform[];
  public readonly registries: Registry[];
  public readonly sourceUrl: string;
  public readonly goBuild: GoBuild;
  /** Absolute path of the binary inside the image. */
  public readonly binaryPath: string;
  /** distroless `nonroot`. */
  public readonly user = '65532:65532';
  public readonly runtimeBase: string;
  public readonly builderBase: string;

  constructor(options: PluginImageOptions) {
    if (!IMAGE_NAME.test(options.name)) {
      throw new Error(`PluginImage option "name" is invalid: "${options.name}" must be lowercase letters and digits separated by ".", "_" or "-"`);
    }
    const port = options.port ?? 7777;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`PluginImage option "port" is invalid: ${port} must be an integer from 1 to 65535`);
    }
    const platforms = options.platforms ?? ['linux/amd64', 'linux/arm64'];
    if (platforms.length === 0) {
      throw new Error('PluginImage option "platforms" is invalid: it must list at least one platform');
    }
    for (const p of platforms) {
      if (!(SUPPORTED_PLATFORMS as readonly string[]).includes(p)) {
        throw new Error(`PluginImage option "platforms" is invalid: "${p}" is not one of ${SUPPORTED_PLATFORMS.join(', ')}`);
      }
    }
    if (new Set(platforms).size !== platforms.length) {
      throw new Error(`PluginImage option "platforms" is invalid: ${platforms.join(', ')} lists a platform twice`);
    }
    this.runtimeBase = renderBase(options.runtimeBase ?? {});
    this.name = options.name;
    this.description = options.description;
    this.license = options.license;
    this.modulePath = options.goModule.modulePath;
    this.goVersion = options.goModule.goVersion;
    this.goSourcePaths = options.goModule.sourcePaths;
    this.port = port;
    this.platforms = platforms;
    this.registries = options.registries ?? [];
    this.sourceUrl = options.sourceUrl ?? `https://${this.modulePath}`;
    this.goBuild = new GoBuild({ modulePath: this.modulePath });
    this.binaryPath = `/${this.name}`;
    this.builderBase = `golang:${this.goVersion}`;
  }

  /** Full image names, one per registry. */
  public get images(): string[] {
    return this.registries.map((r) => r.image(this.name));
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

function renderBase(base: RuntimeBaseImage): string {
  const image = base.image ?? 'gcr.io/distroless/static-debian12';
  const tag = base.tag ?? 'nonroot';
  if (!IMAGE_REF.test(image)) {
    throw new Error(`PluginImage option "runtimeBase.image" is invalid: "${image}" is not a lowercase image reference`);
  }
  if (!TAG.test(tag)) {
    throw new Error(`PluginImage option "runtimeBase.tag" is invalid: "${tag}" breaks the Docker tag grammar`);
  }
  if (base.digest !== undefined && !DIGEST.test(base.digest)) {
    throw new Error(`PluginImage option "runtimeBase.digest" is invalid: "${base.digest}" must be sha256: followed by 64 lowercase hex digits`);
  }
  return `${image}:${tag}${base.digest ? `@${base.digest}` : ''}`;
}
