import { Component } from 'projen/lib/component';
import { FileBase } from 'projen/lib/file';
import { JsonFile } from 'projen/lib/json';
import { Project } from 'projen/lib/project';
import { baseImageManager, checkFilePattern, checkRegexManager, projenDepsManagers, RenovateRegexManager } from './custom-managers';
import { OptionChecker } from '../core/validation';

export interface RenovateOptions {
  /**
   * The projen configuration's files: where its `BaseImage` literals, `'name@version'`
   * dependencies and `typescriptVersion`/`projenVersion` are written (`/<regex>/` or globs).
   * @default ['.projenrc.ts']
   */
  readonly configFiles?: string[];
  /**
   * More regex managers, e.g. `actionPinManager([...])` or `goToolManager([...])` for pins in
   * your own TypeScript.
   * @default []
   */
  readonly customManagers?: RenovateRegexManager[];
  /**
   * Built-in Renovate managers to run besides the custom ones (`go.mod`, and the lock file of the
   * generated package.json).
   * @default ['gomod', 'npm']
   */
  readonly managers?: string[];
  /**
   * Settings of the built-in managers, by manager (e.g. `{ pip_requirements: { managerFilePatterns: [...] } }`).
   * @default {}
   */
  readonly managerSettings?: Record<string, Record<string, unknown>>;
  /**
   * More package rules, after the generated ones.
   * @default []
   */
  readonly packageRules?: Record<string, unknown>[];
  /**
   * Paths Renovate never reads, besides the generated files and node_modules.
   * @default []
   */
  readonly ignorePaths?: string[];
  /**
   * When Renovate may open pull requests.
   * @default ['before 6am on monday']
   */
  readonly schedule?: string[];
  /**
   * How old a release must be before Renovate proposes it (a pulled release is then never proposed).
   * @default '3 days'
   */
  readonly minimumReleaseAge?: string;
  /**
   * Commit authors Renovate ignores when it decides whether someone else edited its branch
   * (the self-mutation commits), so it keeps rebasing its pull requests.
   * @default []
   */
  readonly gitIgnoredAuthors?: string[];
}

/** The file Renovate reads its repository configuration from. */
export const RENOVATE_CONFIG_FILE = 'renovate.json5';

/** Every update type of a dependency (Renovate's `matchUpdateTypes`), lock file maintenance aside. */
const DEPENDENCY_UPDATES = ['major', 'minor', 'patch', 'pin', 'pinDigest', 'digest', 'bump', 'rollback', 'replacement'];

/**
 * renovate.json5 for a projen repository whose pins live in TypeScript: custom managers find
 * them in the source (base image digests, npm dependencies of the projen configuration, and
 * whatever `customManagers` add); every file projen generates is ignored, so an update PR
 * changes only the source and the self-mutation job regenerates the rest. package.json is
 * read for its lock file only (lock file maintenance), never edited.
 *
 * projen's own `Renovatebot` component is not used: it ignores exactly these pins (every
 * dependency with a version in the configuration, every action of the workflows), leaving them
 * to projen's upgrade workflow.
 */
export class RenovateConfig extends Component {
  /** The custom managers, as written to renovate.json5. */
  public readonly customManagers: readonly RenovateRegexManager[];
  /** The generated file. */
  public readonly file: JsonFile;

  constructor(project: Project, options: RenovateOptions = {}) {
    super(project);
    const check = new OptionChecker('RenovateConfig');
    const configFiles = check.list('configFiles', options.configFiles ?? ['.projenrc.ts'], { min: 1 });
    configFiles.forEach((f, i) => checkFilePattern(check, `configFiles[${i}]`, f));
    const own = (options.customManagers ?? []).map((m, i) => checkRegexManager(check, `customManagers[${i}]`, m));
    // The built-in managers vary only by their files, so a problem there is one of configFiles.
    this.customManagers = [baseImageManager([...configFiles]), ...projenDepsManagers([...configFiles])].map((m) => checkRegexManager(check, 'configFiles', m)).concat(own);
    const managers = check.list('managers', options.managers ?? ['gomod', 'npm']);
    for (const m of managers) check.match('managers', m, /^[a-z][a-z0-9_-]*$/, 'must be Renovate manager names such as gomod or npm');
    const schedule = check.list('schedule', options.schedule ?? ['before 6am on monday'], { min: 1 });
    const minimumReleaseAge = check.match('minimumReleaseAge', options.minimumReleaseAge ?? '3 days', /^[0-9]+ (?:minutes?|hours?|days?|weeks?)$/, 'must be a duration such as 3 days');
    const extraIgnores = check.list('ignorePaths', options.ignorePaths ?? []);
    const ignoredAuthors = check.list('gitIgnoredAuthors', options.gitIgnoredAuthors ?? []);
    for (const a of ignoredAuthors) check.match('gitIgnoredAuthors', a, /^[^\s@]+@[^\s@]+$/, 'must be e-mail addresses');

    this.file = new JsonFile(project, RENOVATE_CONFIG_FILE, {
      allowComments: true,
      obj: () => ({
        $schema: 'https://docs.renovatebot.com/renovate-schema.json',
        extends: ['config:recommended'],
        enabledManagers: ['custom.regex', ...managers],
        ignorePaths: ['**/node_modules/**', ...this.generatedFiles(), ...extraIgnores],
        schedule,
        minimumReleaseAge,
        // Registries that give no release time (most Docker registries) still get updates.
        minimumReleaseAgeBehaviour: 'timestamp-optional',
        lockFileMaintenance: { enabled: true, schedule },
        postUpdateOptions: ['gomodTidy'],
        ...(ignoredAuthors.length > 0 ? { gitIgnoredAuthors: ignoredAuthors } : {}),
        ...(options.managerSettings ?? {}),
        customManagers: this.customManagers.map((m) => ({ customType: 'regex', ...m })),
        packageRules: [
          {
            description: 'package.json is generated from the projen configuration, where its dependencies are pinned and updated: here only the lock file is maintained',
            matchManagers: ['npm'],
            matchFileNames: ['package.json'],
            matchUpdateTypes: DEPENDENCY_UPDATES,
            enabled: false,
          },
          { description: 'Base images: pin the digest, and keep tag and digest current', matchManagers: ['custom.regex'], matchDatasources: ['docker'], pinDigests: true },
          { description: 'The go directive of go.mod follows the Go releases', matchDatasources: ['golang-version'], rangeStrategy: 'bump' },
          { description: 'go.mod\'s Go version and the golang builder image move together (the builder\'s tag must be go.mod\'s version)', matchDepNames: ['go', 'golang'], groupName: 'Go toolchain' },
          ...(options.packageRules ?? []),
        ],
      }),
    });
  }

  /** The files projen writes (package.json aside, whose lock file Renovate maintains), sorted. */
  private generatedFiles(): string[] {
    return this.project.files
      .filter((f): f is FileBase => f instanceof FileBase && f.path !== 'package.json' && f !== this.file)
      .map((f) => f.path)
      .sort();
  }
}
