/** Hosts of the legacy gcr.io names, now served by Artifact Registry repositories of the gcr.io kind. */
export const GCR_HOSTS = ['gcr.io', 'us.gcr.io', 'eu.gcr.io', 'asia.gcr.io'] as const;
export type GcrHost = (typeof GCR_HOSTS)[number];

/** How a workflow logs in to a registry. */
export enum RegistryLogin {
  /** Keyless Google auth (Workload Identity Federation), then `oauth2accesstoken`. */
  GOOGLE = 'google',
  /** `GITHUB_TOKEN` with `packages: write`. */
  GITHUB = 'github',
}

export interface GcrOptions {
  /** @default 'gcr.io' */
  readonly host?: GcrHost;
  /** GCP project id, or a GitHub expression such as `${{ vars.GCP_PROJECT_ID }}`. */
  readonly project: string;
}

export interface ArtifactRegistryOptions {
  /** Artifact Registry location, e.g. `europe-west1` or `us`. */
  readonly location: string;
  readonly project: string;
  readonly repository: string;
}

export interface GhcrOptions {
  /** GitHub user or organisation (lowercase), or a GitHub expression. */
  readonly owner: string;
}

const EXPRESSION = /^\$\{\{[^}]+\}\}$/;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const AR_LOCATION = /^[a-z]+(-[a-z]+[0-9]*)?$/;
const AR_REPOSITORY = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const GITHUB_OWNER = /^[a-z0-9]([a-z0-9-]{0,37}[a-z0-9])?$/;

function check(value: string, pattern: RegExp, option: string, rule: string): void {
  if (!EXPRESSION.test(value) && !pattern.test(value)) {
    throw new Error(`registry option "${option}" is invalid: "${value}" ${rule}`);
  }
}

/** A container registry repository prefix that images are pushed under. */
export class Registry {
  /** Legacy gcr.io names (served by Artifact Registry since 2025-03-18). */
  public static gcr(options: GcrOptions): Registry {
    const host = options.host ?? 'gcr.io';
    if (!(GCR_HOSTS as readonly string[]).includes(host)) {
      throw new Error(`registry option "host" is invalid: "${host}" is not a GCR host (use one of ${GCR_HOSTS.join(', ')}, or Registry.artifactRegistry)`);
    }
    check(options.project, GCP_PROJECT, 'project', 'is not a GCP project id');
    return new Registry(host, `${host}/${options.project}`, RegistryLogin.GOOGLE);
  }

  /** `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY`. */
  public static artifactRegistry(options: ArtifactRegistryOptions): Registry {
    check(options.location, AR_LOCATION, 'location', 'is not an Artifact Registry location');
    check(options.project, GCP_PROJECT, 'project', 'is not a GCP project id');
    check(options.repository, AR_REPOSITORY, 'repository', 'is not an Artifact Registry repository name');
    const host = `${options.location}-docker.pkg.dev`;
    return new Registry(host, `${host}/${options.project}/${options.repository}`, RegistryLogin.GOOGLE);
  }

  /** `ghcr.io/OWNER`. */
  public static ghcr(options: GhcrOptions): Registry {
    check(options.owner, GITHUB_OWNER, 'owner', 'is not a lowercase GitHub owner name');
    return new Registry('ghcr.io', `ghcr.io/${options.owner}`, RegistryLogin.GITHUB);
  }

  private constructor(
    /** Host to log in to. */
    public readonly host: string,
    /** Repository prefix; the image is `${prefix}/${name}`. */
    public readonly prefix: string,
    public readonly login: RegistryLogin,
  ) {}

  /** Output-safe key for this registry, e.g. `gcr_io`, `ghcr_io`, `europe_west1_docker_pkg_dev`. */
  public get id(): string {
    return this.host.replace(/[^a-z0-9]+/g, '_');
  }

  public image(name: string): string {
    return `${this.prefix}/${name}`;
  }
}
