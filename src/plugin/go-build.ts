import { MODULE_PATH } from './go-module';
import { OptionChecker } from '../core/validation';

/** How a shell refers to the version being built (e.g. `${VERSION}` in a Dockerfile, `$VERSION` in make recipes). */
export type VersionRef = string;

/** The version a binary or image built outside a release reports (the plugin's `Version` default, the Dockerfile's `VERSION`). */
export const UNRELEASED_VERSION = 'development';

export interface GoBuildOptions {
  /** Go module path. */
  readonly modulePath: string;
  /**
   * The package, relative to the module root, whose `Version` variable the build stamps:
   * `-X <module>/<versionPackage>.Version=<version>`.
   * @default 'plugin' (CloudQuery's own plugins use 'resources/plugin')
   */
  readonly versionPackage?: string;
  /**
   * Go build tags.
   * @default ['grpcnotrace']
   */
  readonly buildTags?: string[];
}

/** A package path relative to the module root: slash-separated Go path elements, no `.` or `..`. */
const PACKAGE_PATH = /^(?!\.)[A-Za-z0-9_][A-Za-z0-9_.-]*(\/(?!\.)[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
/** A build tag: letters, digits, `_` and `.` (what `//go:build` expressions accept). */
const BUILD_TAG = /^[A-Za-z0-9_.]+$/;

/**
 * The one definition of how the plugin binary is compiled: CloudQuery's own packaging flags
 * (static, trimmed, stripped, version stamped). The Dockerfile, the Makefile and the
 * build:binaries task all render their command from here.
 */
export class GoBuild {
  public readonly env: Readonly<Record<string, string>> = { CGO_ENABLED: '0' };
  public readonly tags: readonly string[];
  /** `<module>/<versionPackage>.Version`, what `-X` sets. */
  public readonly versionVariable: string;
  public readonly versionPackage: string;

  constructor(options: GoBuildOptions, check = new OptionChecker('GoBuild')) {
    this.versionPackage = check.match('versionPackage', options.versionPackage ?? 'plugin', PACKAGE_PATH,
      'must be a package path relative to the module root, such as plugin or resources/plugin');
    this.tags = check.list('buildTags', options.buildTags ?? ['grpcnotrace']);
    for (const tag of this.tags) check.match('buildTags', tag, BUILD_TAG, 'must be a Go build tag (letters, digits, _ and .)');
    check.match('modulePath', options.modulePath, MODULE_PATH, 'must be a Go module path such as github.com/owner/repo');
    this.versionVariable = `${options.modulePath}/${this.versionPackage}.Version`;
  }

  /** `-trimpath -buildvcs=false [-tags …] -ldflags "-s -w -X …=<version>"` */
  public flags(version: VersionRef): string {
    return `-trimpath -buildvcs=false${this.tagFlag()} -ldflags "-s -w -X ${this.versionVariable}=${version}"`;
  }

  /**
   * `go vet ./...` with the build's environment, tags and -trimpath: it checks the code as it
   * ships, and the dependencies it compiles are the ones a native build then reuses.
   */
  public vetCommand(): string {
    return `${this.envPrefix()} go vet -trimpath${this.tagFlag()} ./...`;
  }

  /**
   * The full command, with the target OS/arch given as shell references or literals; `pkg` is
   * the package to build (default `.`, the plugin's main package).
   */
  public command(opts: { version: VersionRef; output: string; goos?: string; goarch?: string; pkg?: string }): string {
    const target = opts.goos && opts.goarch ? ` GOOS=${opts.goos} GOARCH=${opts.goarch}` : '';
    return `${this.envPrefix()}${target} go build ${this.flags(opts.version)} -o ${opts.output} ${opts.pkg ?? '.'}`;
  }

  private tagFlag(): string {
    return this.tags.length > 0 ? ` -tags ${this.tags.join(',')}` : '';
  }

  private envPrefix(): string {
    return Object.entries(this.env).map(([k, v]) => `${k}=${v}`).join(' ');
  }
}
