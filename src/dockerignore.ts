import { FileBase, IResolver } from 'projen';
import { IConstruct } from 'constructs';
import { PluginImage } from './plugin-image';

export interface DockerIgnoreOptions {
  readonly image: PluginImage;
}

/** An allowlist: everything is ignored, then only what the Go build reads is let back in. */
export class DockerIgnore extends FileBase {
  public readonly allowed: string[];

  constructor(scope: IConstruct, options: DockerIgnoreOptions) {
    super(scope, '.dockerignore');
    this.allowed = options.image.goSourcePaths;
  }

  protected synthesizeContent(_: IResolver): string {
    return [
      `# ${this.marker}`,
      '# Allowlist: ignore everything, then re-include what `go build` needs.',
      '*',
      ...this.allowed.map((p) => `!${p}`),
      '# Never needed by the build, even inside allowed directories.',
      '**/*_test.go',
      '**/testdata',
      '',
    ].join('\n');
  }
}
