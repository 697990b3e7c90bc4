/** How a shell refers to the version being built (e.g. `${VERSION}` in a Dockerfile, `$(VERSION)` in make). */
export type VersionRef = string;

export interface GoBuildOptions {
  /** Go module path; the version is set on `<module>/plugin.Version`. */
  readonly modulePath: string;
  /** @default ['grpcnotrace'] */
  readonly tags?: string[];
}

/**
 * The one definition of how the plugin binary is compiled: CloudQuery's own packaging flags
 * (static, trimmed, stripped, version stamped). The Dockerfile, the Makefile and the
 * build:binaries task all render their command from here.
 */
export class GoBuild {
  public readonly env: Readonly<Record<string, string>> = { CGO_ENABLED: '0' };
  public readonly tags: string[];
  public readonly versionVariable: string;

  constructor(options: GoBuildOptions) {
    this.tags = options.tags ?? ['grpcnotrace'];
    this.versionVariable = `${options.modulePath}/plugin.Version`;
  }

  /** `-trimpath -buildvcs=false -tags … -ldflags "-s -w -X …=<version>"` */
  public flags(version: VersionRef): string {
    return `-trimpath -buildvcs=false -tags ${this.tags.join(',')} -ldflags "-s -w -X ${this.versionVariable}=${version}"`;
  }

  /** The full command, with the target OS/arch given as shell references or literals. */
  public command(opts: { version: VersionRef; output: string; goos?: string; goarch?: string }): string {
    const target = opts.goos && opts.goarch ? ` GOOS=${opts.goos} GOARCH=${opts.goarch}` : '';
    const env = Object.entries(this.env).map(([k, v]) => `${k}=${v}`).join(' ');
    return `${env}${target} go build ${this.flags(opts.version)} -o ${opts.output} .`;
  }
}
