import { IgnoreFile } from 'projen/lib/ignore-file';
import { Project } from 'projen/lib/project';
import { PluginImage } from './plugin-image';

export interface DockerIgnoreOptions {
  /** The validated image description; its Go source paths are let in. */
  readonly image: PluginImage;
}

/**
 * `.dockerignore` as an allowlist: everything is ignored, then only what the Go build reads is
 * let back in. A projen `IgnoreFile`, so `addPatterns` adds more.
 */
export class DockerIgnore extends IgnoreFile {
  /** The paths let into the build context. */
  public readonly allowed: readonly string[];

  constructor(project: Project, options: DockerIgnoreOptions) {
    super(project, '.dockerignore', { filterCommentLines: false });
    this.allowed = options.image.goSourcePaths;
    this.addPatterns(
      '# Allowlist: ignore everything, then re-include what `go build` needs.',
      '*',
      ...this.allowed.map((p) => `!${p}`),
      '# Never needed by the build, even inside allowed directories.',
      '**/*_test.go',
      '**/testdata',
    );
  }
}
