import { Component } from 'projen/lib/component';
import * as javascript from 'projen/lib/javascript';
import { Dockerfile } from './plugin/dockerfile';
import { DockerIgnore } from './plugin/dockerignore';
import { GoModuleFacts, readGoModule } from './plugin/go-module';
import { PluginMakefile } from './plugin/makefile';
import { PluginImage, PluginImageOptions } from './plugin/plugin-image';
import { PluginTasks } from './plugin/plugin-tasks';
import { RenovateConfig, RenovateOptions } from './renovate/renovate-config';
import { BuildWorkflow } from './workflows/build-workflow';
import { EndToEndJobs, IEndToEndSuite } from './workflows/end-to-end';
import { ReleaseOptions, ReleaseSettings } from './workflows/release/settings';
import { ReleaseWorkflow } from './workflows/release/release-workflow';
import { SelfMutation, SelfMutationOptions } from './workflows/self-mutation';
import { WorkflowOptions, WorkflowSettings } from './workflows/workflow-settings';
import { OptionChecker } from './core/validation';

export interface CloudQueryGoPluginOptions extends Omit<PluginImageOptions, 'goModule' | 'license'>, WorkflowOptions, ReleaseOptions {
  /**
   * Facts about the Go module.
   * @default - read from go.mod and the Go sources in the project directory (`readGoModule(project.outdir)`)
   */
  readonly goModule?: GoModuleFacts;
  /**
   * SPDX license expression for the OCI `licenses` label.
   * @default - the project's license (package.json)
   */
  readonly license?: string;
  /**
   * The plugin's end-to-end suite: services, environment and steps for build.yml (against the
   * checkout, and against the linux/amd64 image) and release.yml (against the staged image, on
   * every architecture).
   * @default - none: build.yml runs the checks only, and the image jobs check that the image reports its version
   */
  readonly e2e?: IEndToEndSuite;
  /**
   * Whether to generate build.yml (checks on pull requests and pushes to the default branch).
   * @default true
   */
  readonly buildWorkflow?: boolean;
  /**
   * The update bot's configuration: renovate.json5, whose custom managers find the pins in the
   * projen configuration's TypeScript (base images, npm dependencies) and which ignores every
   * generated file. `false`: no renovate.json5.
   * @default {} (renovate.json5 for .projenrc.ts)
   */
  readonly renovate?: RenovateOptions | false;
  /**
   * build.yml's self-mutation jobs: an update bot's pull request (a branch of this repository)
   * gets `npx projen`'s regenerated files committed and pushed back. `false`: none (an update
   * pull request then fails the drift check until someone runs `npx projen`).
   * @default {} (branches renovate/*, token secret PROJEN_GITHUB_TOKEN in environment self-mutation)
   */
  readonly selfMutation?: SelfMutationOptions | false;
}

/**
 * Everything that builds and releases a Go CloudQuery plugin, from one validated description:
 * the multi-stage Dockerfile, the .dockerignore allowlist, the Makefile, the projen tasks, and
 * the release and build workflows. Every option is checked here, before anything is written.
 *
 * ```ts
 * new CloudQueryGoPlugin(project, {
 *   name: 'cq-source-foo',
 *   description: 'CloudQuery source plugin for Foo',
 *   registries: [Registry.ghcr({ owner: 'acme' })],
 * });
 * ```
 */
export class CloudQueryGoPlugin extends Component {
  /** The validated image description every file renders from. */
  public readonly image: PluginImage;
  /** Node version, default branch, runners and checks of the workflows, as resolved from the options and the project. */
  public readonly settings: WorkflowSettings;
  /** The multi-stage Dockerfile. */
  public readonly dockerfile: Dockerfile;
  /** A projen `IgnoreFile`: `addPatterns` lets more paths in or out. */
  public readonly dockerignore: DockerIgnore;
  /** `addTarget` adds a target that `make help` lists. */
  public readonly makefile: PluginMakefile;
  /** build:binaries, test:go, docker-build and docker-push. */
  public readonly tasks: PluginTasks;
  /** release.yml. */
  public readonly releaseWorkflow: ReleaseWorkflow;
  /** build.yml, unless `buildWorkflow: false`. */
  public readonly buildWorkflow?: BuildWorkflow;
  /** The validated self-mutation settings, unless `selfMutation: false` (or no build.yml). */
  public readonly selfMutation?: SelfMutation;
  /** renovate.json5, unless `renovate: false`. */
  public readonly renovate?: RenovateConfig;

  constructor(project: javascript.NodeProject, options: CloudQueryGoPluginOptions) {
    super(project);
    const check = new OptionChecker('CloudQueryGoPlugin');
    // Validate everything first: a bad option throws here, before any file is added to the project.
    if (!options.registries || options.registries.length === 0) check.fail('registries', options.registries ?? [], 'must list at least one registry to publish to');
    this.image = new PluginImage({
      ...options,
      goModule: options.goModule ?? readGoModule(project.outdir),
      license: options.license ?? project.package.license ?? '',
    }, check);
    this.settings = WorkflowSettings.of(project, options, check);
    const release = ReleaseSettings.of(check, options, this.image);
    const buildWorkflow = options.buildWorkflow ?? true;
    const selfMutation = buildWorkflow && options.selfMutation !== false ? SelfMutation.of(check, options.selfMutation ?? {}) : undefined;
    const e2e = EndToEndJobs.of(check, options.e2e);

    this.dockerfile = new Dockerfile(project, { image: this.image });
    this.dockerignore = new DockerIgnore(project, { image: this.image });
    this.makefile = new PluginMakefile(project, { image: this.image });
    this.tasks = new PluginTasks(project, { image: this.image });
    this.releaseWorkflow = new ReleaseWorkflow(this.settings.github, { image: this.image, settings: this.settings, release, e2e });
    if (buildWorkflow) {
      this.selfMutation = selfMutation;
      this.buildWorkflow = new BuildWorkflow(this.settings.github, { settings: this.settings, image: this.image, e2e, selfMutation });
    }
    if (options.renovate !== false) {
      const renovate = options.renovate ?? {};
      this.renovate = new RenovateConfig(project, {
        ...renovate,
        gitIgnoredAuthors: [...(selfMutation ? [selfMutation.author.email] : []), ...(renovate.gitIgnoredAuthors ?? [])],
      });
    }
  }
}
