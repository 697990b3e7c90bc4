import { FileBase, IResolver } from 'projen/lib/file';
import { IConstruct } from 'constructs';
import { UNRELEASED_VERSION } from './go-build';
import { PluginImage } from './plugin-image';

export interface DockerfileOptions {
  /** The validated image description the file renders. */
  readonly image: PluginImage;
}

/**
 * Multi-stage, multi-arch Dockerfile: the builder runs on the build platform and
 * cross-compiles a static binary; the final stage only copies it onto distroless,
 * so no step needs emulation.
 */
export class Dockerfile extends FileBase {
  public readonly image: PluginImage;
  /** Where the builder stage writes the binary. */
  public readonly builderOutput: string;

  constructor(scope: IConstruct, options: DockerfileOptions) {
    super(scope, 'Dockerfile');
    this.image = options.image;
    this.builderOutput = `/out/${options.image.name}`;
  }

  protected synthesizeContent(_: IResolver): string {
    const img = this.image;
    const build = img.goBuild.command({ version: '${VERSION}', output: this.builderOutput, goos: '$TARGETOS', goarch: '$TARGETARCH' });
    // Docker expands $VAR inside LABEL values, even quoted: literal values escape backslash, quote and $.
    const labels: [string, string][] = [
      ['title', dockerfileString(img.name)],
      ['description', dockerfileString(img.description)],
      ['source', dockerfileString(img.sourceUrl)],
      ['licenses', dockerfileString(img.license)],
      ['version', '"${VERSION}"'],
      ['revision', '"${REVISION}"'],
    ];
    const unpinned = img.baseImages.filter((b) => !b.pinned).map((b) => b.tagged);
    return [
      `# syntax=${img.dockerfileSyntax.reference}`,
      `# ${this.marker}`,
      ...(unpinned.length > 0 ? [`# Not pinned by digest yet (the update bot's first run pins them): ${unpinned.join(', ')}`] : []),
      '',
      '# Builder: runs on the build platform and cross-compiles, so no stage needs QEMU.',
      `FROM --platform=$BUILDPLATFORM ${img.builderBase.reference} AS builder`,
      'WORKDIR /src',
      `COPY ${img.goSourcePaths.includes('go.sum') ? 'go.mod go.sum' : 'go.mod'} ./`,
      'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
      '# .dockerignore is an allowlist: only the Go sources reach the context.',
      'COPY . .',
      'ARG TARGETOS',
      'ARG TARGETARCH',
      `ARG VERSION=${UNRELEASED_VERSION}`,
      'RUN --mount=type=cache,target=/go/pkg/mod \\',
      '    --mount=type=cache,target=/root/.cache/go-build \\',
      `    ${build}`,
      '',
      `FROM ${img.runtimeBase.reference}`,
      `ARG VERSION=${UNRELEASED_VERSION}`,
      'ARG REVISION=unknown',
      `LABEL ${labels.map(([k, v]) => `org.opencontainers.image.${k}=${v}`).join(' \\\n      ')}`,
      `COPY --from=builder ${this.builderOutput} ${img.binaryPath}`,
      `USER ${img.user}`,
      `EXPOSE ${img.port}`,
      `ENTRYPOINT ${JSON.stringify([img.binaryPath])}`,
      `CMD ${JSON.stringify(img.defaultCommand).replace(/","/g, '", "')}`,
      '',
    ].join('\n');
  }
}

/** A double-quoted Dockerfile word whose value is taken literally: no variable expansion, no escapes. */
export function dockerfileString(value: string): string {
  return `"${value.replace(/[\\"$]/g, '\\$&')}"`;
}
