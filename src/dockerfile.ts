import { FileBase, IResolver } from 'projen';
import { IConstruct } from 'constructs';
import { PluginImage } from './plugin-image';

export interface DockerfileOptions {
  readonly image: PluginImage;
  /** @default 'Dockerfile' */
  readonly path?: string;
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
    super(scope, options.path ?? 'Dockerfile');
    this.image = options.image;
    this.builderOutput = `/out/${options.image.name}`;
  }

  protected synthesizeContent(_: IResolver): string {
    const img = this.image;
    const build = img.goBuild.command({ version: '${VERSION}', output: this.builderOutput, goos: '$TARGETOS', goarch: '$TARGETARCH' });
    const labels: [string, string][] = [
      ['title', img.name],
      ['description', img.description],
      ['source', img.sourceUrl],
      ['licenses', img.license],
      ['version', '${VERSION}'],
      ['revision', '${REVISION}'],
    ];
    return [
      '# syntax=docker/dockerfile:1',
      `# ${this.marker}`,
      '',
      '# Builder: runs on the build platform and cross-compiles, so no stage needs QEMU.',
      `FROM --platform=$BUILDPLATFORM ${img.builderBase} AS builder`,
      'WORKDIR /src',
      'COPY go.mod go.sum ./',
      'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
      '# .dockerignore is an allowlist: only the Go sources reach the context.',
      'COPY . .',
      'ARG TARGETOS',
      'ARG TARGETARCH',
      'ARG VERSION=development',
      'RUN --mount=type=cache,target=/go/pkg/mod \\',
      '    --mount=type=cache,target=/root/.cache/go-build \\',
      `    ${build}`,
      '',
      `FROM ${img.runtimeBase}`,
      'ARG VERSION=development',
      'ARG REVISION=unknown',
      `LABEL ${labels.map(([k, v]) => `org.opencontainers.image.${k}=${JSON.stringify(v)}`).join(' \\\n      ')}`,
      `COPY --from=builder ${this.builderOutput} ${img.binaryPath}`,
      `USER ${img.user}`,
      `EXPOSE ${img.port}`,
      `ENTRYPOINT ${JSON.stringify([img.binaryPath])}`,
      `CMD ${JSON.stringify(img.defaultCommand).replace(/","/g, '", "')}`,
      '',
    ].join('\n');
  }
}
