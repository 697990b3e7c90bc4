import { IResolver } from 'projen/lib/file';
import { Makefile } from 'projen/lib/makefile';
import { Project } from 'projen/lib/project';
import { packageBin } from '../core/package-bin';
import { UNRELEASED_VERSION } from './go-build';
import { PluginImage } from './plugin-image';
import { OptionChecker } from '../core/validation';

/** A Makefile target with the line `make help` shows for it. */
export interface MakefileTarget {
  /** Target name (letters, digits, `_`, `-`, `.`, `:`). */
  readonly name: string;
  /** One line shown by `make help`. */
  readonly help: string;
  /** Recipe lines (make syntax: write `$$VAR` for a shell variable). */
  readonly recipe: string[];
  /**
   * Targets that run first.
   * @default []
   */
  readonly prerequisites?: string[];
}

export interface PluginMakefileOptions {
  /** The validated image description (name, platforms, registries, build flags). */
  readonly image: PluginImage;
}

/** The engine check every docker target runs first: one clear line instead of a client stack trace. */
export const DOCKER_ENGINE_CHECK =
  '@command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || { echo "error: no Docker engine reachable (docker info failed): start Docker, or use \'npx projen build:binaries\' to build the binaries without one" >&2; exit 1; }';

const TARGET_NAME = /^[A-Za-z0-9_.:-]+$/;

/**
 * TAG exactly as given on the command line, as one single-quoted shell word: `$(value)` reads it
 * without make expanding `$(...)` in it, and `unexport TAG` keeps make from expanding it for the
 * recipe environment either. Git tags may contain `$`, `(`, `;` and spaces.
 */
const TAG_WORD = "'$(subst ','\\'',$(value TAG))'";

/**
 * projen's `Makefile`, with the variables the targets share (exported, so recipes read them as
 * quoted shell variables and a value can never become make or shell syntax) and a `help`
 * target, the default goal, that lists every target added with `addTarget`.
 */
export class PluginMakefile extends Makefile {
  public readonly image: PluginImage;
  private readonly helpLines: string[];
  private readonly targetHelp = new Map<string, string>();

  constructor(project: Project, options: PluginMakefileOptions) {
    super(project, 'Makefile', { all: ['help'] });
    this.image = options.image;
    const img = options.image;
    this.helpLines = [];
    this.addRule({ targets: ['help'], phony: true, recipe: this.helpLines });
    this.targetHelp.set('help', 'List the targets (the default goal)');
    const buildArgs = '--build-arg "VERSION=$$VERSION" --build-arg "REVISION=$$GIT_HASH"';
    this.addTarget({ name: 'build', help: `Build the native ${img.name} binary into dist/`, recipe: [img.goBuild.command({ version: '$$VERSION', output: `dist/${img.name}` })] });
    this.addTarget({ name: 'test', help: 'Run every test (npx projen test)', recipe: ['npx projen test'] });
    this.addTarget({ name: 'docker-build', help: 'Build the image for this platform and load it as $IMAGE:$VERSION', prerequisites: ['docker-engine'], recipe: [`docker buildx build --load ${buildArgs} -t "$$IMAGE:$$VERSION" .`] });
    this.addTarget({ name: 'docker-build-multiarch', help: 'Build the image for $PLATFORMS (kept in the build cache)', prerequisites: ['docker-engine'], recipe: [`docker buildx build --platform "$$PLATFORMS" ${buildArgs} -t "$$IMAGE:$$VERSION" .`] });
    this.addTarget({ name: 'docker-push', help: 'Build for $PLATFORMS and push $IMAGE:$VERSION', prerequisites: ['docker-engine'], recipe: [`docker buildx build --platform "$$PLATFORMS" --push ${buildArgs} -t "$$IMAGE:$$VERSION" .`] });
    this.addTarget({
      name: 'tag-release',
      help: 'Check and push an annotated release tag: make tag-release TAG=vX.Y.Z',
      recipe: [
        `@test -n ${TAG_WORD} || { echo "error: TAG is required: make tag-release TAG=vX.Y.Z" >&2; exit 1; }`,
        // `--` again: a tag starting with - is the tag, not an option of tag-release.
        packageBin('tag-release', `-- ${TAG_WORD}`),
      ],
    });
    this.addRule({ targets: ['docker-engine'], phony: true, recipe: [DOCKER_ENGINE_CHECK] });
  }

  /** Adds a phony target that `make help` lists. */
  public addTarget(target: MakefileTarget): this {
    const check = new OptionChecker('PluginMakefile.addTarget');
    check.match('name', target.name, TARGET_NAME, 'must be a make target name (letters, digits, _, -, . and :)');
    if (this.targetHelp.has(target.name)) check.fail('name', target.name, 'is already a target of this Makefile');
    check.line('help', target.help, 200);
    for (const line of target.recipe) check.match('recipe', line, /^[^\n]*$/, 'must be single lines (one list entry per recipe line)');
    this.targetHelp.set(target.name, target.help);
    this.addRule({ targets: [target.name], prerequisites: target.prerequisites, phony: true, recipe: target.recipe });
    return this;
  }

  /** The targets `make help` lists, in order. */
  public get targetNames(): string[] {
    return [...this.targetHelp.keys()];
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    const img = this.image;
    const defaultImage = img.images.find((i) => !i.includes('${{')) ?? img.name;
    this.helpLines.splice(0, this.helpLines.length,
      ...[...this.targetHelp].map(([name, help]) => `@printf '  %-24s %s\\n' ${shellWord(name)} ${shellWord(help)}`));
    return [
      `# ${this.marker}`,
      '',
      '# Exported: recipes use them as "$$VAR", so a value is never parsed as make or shell syntax.',
      `export VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo ${UNRELEASED_VERSION})`,
      'export GIT_HASH ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)',
      `export IMAGE ?= ${defaultImage}`,
      `export PLATFORMS ?= ${img.platforms.join(',')}`,
      '# TAG (make tag-release TAG=vX.Y.Z) is read verbatim with $(value TAG), never expanded.',
      'unexport TAG',
      '',
      super.synthesizeContent(resolver),
    ].join('\n');
  }
}

/** A single-quoted shell word inside a make recipe (`$` doubled for make). */
function shellWord(value: string): string {
  return `'${value.replace(/'/g, "'\\''").replace(/\$/g, '$$$$')}'`;
}
