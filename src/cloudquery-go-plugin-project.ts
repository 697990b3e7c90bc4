import * as javascript from 'projen/lib/javascript';
import { CloudQueryGoPlugin, CloudQueryGoPluginOptions } from './cloudquery-go-plugin';
import { PACKAGE_NAME } from './core/package-bin';

/**
 * A Go CloudQuery plugin's repository: projen's Node project (the home of .projenrc.ts and its
 * npm dependencies) with the plugin's build and release. The plugin's options and projen's sit
 * side by side; `name`, `description` and `license` serve both (the package and the image).
 */
export interface CloudQueryGoPluginProjectOptions extends Omit<javascript.NodeProjectOptions, 'defaultReleaseBranch' | keyof CloudQueryGoPluginOptions>, CloudQueryGoPluginOptions {
  /**
   * The branch releases are cut from (projen's option; build.yml checks pushes to `defaultBranch`).
   * @default 'main'
   */
  readonly defaultReleaseBranch?: string;
}

/**
 * A projen project type for a Go CloudQuery plugin whose defaults are already right: the
 * plugin's own build.yml and release.yml (projen's build, release, upgrade and pull-request
 * workflows are off), no Jest, npm, and a `.projenrc.ts` run with tsx. An adopter's whole
 * `.projenrc.ts`:
 *
 * ```ts
 * new CloudQueryGoPluginProject({
 *   name: 'cq-source-foo',
 *   description: 'CloudQuery source plugin for Foo',
 *   registries: [Registry.ghcr({ owner: 'acme' })],
 * }).synth();
 * ```
 */
export class CloudQueryGoPluginProject extends javascript.NodeProject {
  /** The Dockerfile, .dockerignore, Makefile, tasks, workflows and renovate.json5 of the plugin. */
  public readonly plugin: CloudQueryGoPlugin;

  constructor(options: CloudQueryGoPluginProjectOptions) {
    super({
      defaultReleaseBranch: 'main',
      packageManager: javascript.NodePackageManager.NPM,
      projenrcJs: false,
      jest: false,
      release: false,
      depsUpgrade: false,
      pullRequestTemplate: false,
      ...options,
      githubOptions: { mergify: false, pullRequestLint: false, ...options.githubOptions },
      // The plugin's build.yml replaces projen's build workflow; `buildWorkflow` is the plugin's option.
      buildWorkflow: false,
      devDeps: [PACKAGE_NAME, 'tsx', ...(options.devDeps ?? [])],
    });
    this.defaultTask!.reset('node --require tsx/cjs .projenrc.ts');
    this.plugin = new CloudQueryGoPlugin(this, options);
  }
}
