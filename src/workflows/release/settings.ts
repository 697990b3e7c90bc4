import { ENVIRONMENT_NAME, RUNNER_LABEL } from '../../github/names';
import { PluginImage } from '../../plugin/plugin-image';
import { imageIn, IRegistry } from '../../registries/registry';
import { OptionChecker } from '../../core/validation';

/** How release.yml builds once, tests what it built on every architecture, and publishes it. */
export interface ReleaseOptions {
  /**
   * Where the release build pushes the image by digest, without a tag, for the end-to-end jobs
   * to pull and `promote` to copy from. A dedicated repository (e.g.
   * `Registry.ghcr({ owner, namespace: 'staging' })`) keeps the build and end-to-end jobs away
   * from the publishing credentials; one of `registries` makes the promotion's copy there a no-op,
   * and then those jobs log in there too, inside the release environment.
   * @default - the first of `registries`
   */
  readonly staging?: IRegistry;
  /**
   * The protected GitHub environment of every job that holds a publishing registry's
   * credentials (promote, sign; build and end-to-end too when `staging` is a publishing
   * registry). Restrict it to `v*` tags in the repository settings.
   * @default 'release'
   */
  readonly releaseEnvironment?: string;
  /**
   * The runner that executes each platform's image natively in release.yml's end-to-end matrix,
   * one leg per entry (no emulation). A platform without a runner is built and published but
   * never executed before it is published.
   * @default { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' } (the image's platforms among them)
   */
  readonly nativeRunners?: Record<string, string>;
}

/** GitHub's hosted runners that execute each architecture natively. */
export const DEFAULT_NATIVE_RUNNERS: Readonly<Record<string, string>> = { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' };

/** One leg of the end-to-end matrix. */
export interface EndToEndLeg {
  /** `os/arch`, one of the image's platforms. */
  readonly platform: string;
  /** The runner label that runs it natively. */
  readonly runner: string;
}


/** The validated release options. */
export class ReleaseSettings {
  /** Validates `options` against the image; throws one message naming the option. */
  public static of(check: OptionChecker, options: ReleaseOptions, image: PluginImage): ReleaseSettings {
    if (image.registries.length === 0) check.fail('image.registries', [], 'must list at least one registry to publish to');
    const staging = options.staging ?? image.registries[0];
    if (typeof staging?.loginSteps !== 'function' || typeof staging.prefix !== 'string') check.fail('staging', staging, 'must be a registry (an IRegistry such as Registry.ghcr({ owner, namespace: \'staging\' }))');
    const published = image.registries.find((r) => r === staging || r.prefix === staging.prefix);
    if (!published && image.registries.some((r) => r.id === staging.id)) {
      check.fail('staging', staging.id, 'has the id of one of the registries but another prefix: give it its own id');
    }
    const environment = check.match('releaseEnvironment', options.releaseEnvironment ?? 'release', ENVIRONMENT_NAME, 'must be a GitHub environment name (letters, digits, ., _ and -)');

    const runners = options.nativeRunners ?? Object.fromEntries(Object.entries(DEFAULT_NATIVE_RUNNERS).filter(([p]) => image.platforms.includes(p as never)));
    const legs = Object.entries(runners).map(([platform, runner]) => {
      check.oneOf('nativeRunners', platform, image.platforms);
      check.match(`nativeRunners.${platform}`, runner, RUNNER_LABEL, 'must be a runner label such as ubuntu-24.04-arm (letters, digits, ., _ and -)');
      return { platform, runner };
    });
    if (legs.length === 0) check.fail('nativeRunners', runners, `must name a runner for at least one of the image's platforms (${image.platforms.join(', ')}): the release runs the image before it publishes it`);
    return new ReleaseSettings(staging, imageIn(staging, image.name), published !== undefined, environment, legs);
  }

  private constructor(
    /** The registry the build pushes to by digest. */
    public readonly staging: IRegistry,
    /** `<staging prefix>/<plugin name>`. */
    public readonly stagingImage: string,
    /** Whether the staging registry is one of the publishing registries (then its jobs run in the environment). */
    public readonly stagingIsPublished: boolean,
    /** The protected environment of the jobs that hold publishing credentials. */
    public readonly environment: string,
    /** The end-to-end matrix: one native leg per platform. */
    public readonly legs: readonly EndToEndLeg[],
  ) {}
}
