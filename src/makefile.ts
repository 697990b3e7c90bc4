import { FileBase, IResolver } from 'projen';
import { IConstruct } from 'constructs';
import { PluginImage } from './plugin-image';

export interface MakefileTarget {
  readonly name: string;
  /** Shown by `make help`. */
  readonly help: string;
  readonly recipe: string[];
  readonly prerequisites?: string[];
}

export interface PluginMakefileOptions {
  readonly image: PluginImage;
}

/** The engine check every docker target runs first: one clear line instead of a client stack trace. */
export const DOCKER_ENGINE_CHECK =
  '@command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || { echo "error: no Docker engine reachable (docker info failed): start Docker, or use \'npx projen build:binaries\' to build the binaries without one" >&2; exit 1; }';

/** Makefile with `##` help text on every target; `make help` is the default goal. */
export class PluginMakefile extends FileBase {
  public readonly image: PluginImage;
  private readonly targets: MakefileTarget[] = [];

  constructor(scope: IConstruct, options: PluginMakefileOptions) {
    super(scope, 'Makefile');
    this.image = options.image;
    const img = options.image;
    const buildArgs = '--build-arg VERSION=$(VERSION) --build-arg REVISION=$(GIT_HASH)';
    this.addTarget({ name: 'help', help: 'List the targets (default)', recipe: ['@awk \'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-24s %s\\n", $$1, $$2}\' $(MAKEFILE_LIST)'] });
    this.addTarget({ name: 'build', help: `Build the native ${img.name} binary into dist/`, recipe: [img.goBuild.command({ version: '$(VERSION)', output: `dist/${img.name}` })] });
    this.addTarget({ name: 'test', help: 'Run every test: vitest unit, Go and end-to-end', recipe: ['npx projen test'] });
    this.addTarget({ name: 'e2e', help: 'Run the end-to-end suite against the plugin binary and an S3 emulator', recipe: ['npx projen e2e'] });
    this.addTarget({ name: 'docker-build', help: 'Build the image for the current platform and load it as $(IMAGE):$(VERSION)', prerequisites: ['docker-engine'], recipe: [`docker buildx build --load ${buildArgs} -t $(IMAGE):$(VERSION) .`] });
    this.addTarget({ name: 'docker-build-multiarch', help: 'Build the image for $(PLATFORMS) (kept in the build cache)', prerequisites: ['docker-engine'], recipe: [`docker buildx build --platform $(PLATFORMS) ${buildArgs} -t $(IMAGE):$(VERSION) .`] });
    this.addTarget({ name: 'docker-push', help: 'Build for $(PLATFORMS) and push $(IMAGE):$(VERSION)', prerequisites: ['docker-engine'], recipe: [`docker buildx build --platform $(PLATFORMS) --push ${buildArgs} -t $(IMAGE):$(VERSION) .`] });
    this.addTarget({ name: 'tag-release', help: 'Create and push an annotated release tag: make tag-release TAG=vX.Y.Z', recipe: ['@test -n "$(TAG)" || { echo "error: TAG is required: make tag-release TAG=vX.Y.Z" >&2; exit 1; }', 'npx tsx src/cli/tag-release.ts $(TAG)'] });
  }

  public addTarget(target: MakefileTarget): this {
    if (this.targets.some((t) => t.name === target.name)) {
      throw new Error(`Makefile target "${target.name}" is defined twice`);
    }
    this.targets.push(target);
    return this;
  }

  public get targetNames(): string[] {
    return this.targets.map((t) => t.name);
  }

  protected synthesizeContent(_: IResolver): string {
    const img = this.image;
    const defaultImage = img.images.find((i) => !i.includes('${{')) ?? img.name;
    const lines = [
      `# ${this.marker}`,
      '',
      'VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo development)',
      'GIT_HASH ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)',
      `IMAGE ?= ${defaultImage}`,
      `PLATFORMS ?= ${img.platforms.join(',')}`,
      '',
      '.DEFAULT_GOAL := help',
      `.PHONY: ${[...this.targetNames, 'docker-engine'].join(' ')}`,
      '',
    ];
    for (const t of this.targets) {
      lines.push(`${t.name}:${t.prerequisites ? ` ${t.prerequisites.join(' ')}` : ''} ## ${t.help}`);
      lines.push(...t.recipe.map((r) => `\t${r}`), '');
    }
    lines.push('docker-engine:', `\t${DOCKER_ENGINE_CHECK}`, '');
    return lines.join('\n');
  }
}
