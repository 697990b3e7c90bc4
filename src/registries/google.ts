import * as github from 'projen/lib/github';
import { ContainerRegistry } from './registry';
import { ACTIONS, uses } from '../github/actions';
import { literalOrConfiguration } from '../github/expressions';
import { OptionChecker } from '../core/validation';

/** Hosts of the legacy gcr.io names, now served by Artifact Registry repositories of the gcr.io kind. */
export const GCR_HOSTS = ['gcr.io', 'us.gcr.io', 'eu.gcr.io', 'asia.gcr.io'] as const;
export type GcrHost = (typeof GCR_HOSTS)[number];

/** Keyless Google authentication (Workload Identity Federation). */
export interface GoogleAuthOptions {
  /**
   * The workload identity provider,
   * `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`, or a `${{ vars.NAME }}` expression.
   * @default '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}'
   */
  readonly workloadIdentityProvider?: string;
  /**
   * The service account to impersonate (`name@project.iam.gserviceaccount.com`), or a `${{ vars.NAME }}` expression.
   * @default '${{ vars.GCP_SERVICE_ACCOUNT }}'
   */
  readonly serviceAccount?: string;
}

export interface GcrOptions {
  /**
   * The gcr.io host (each maps to an Artifact Registry multi-region).
   * @default 'gcr.io'
   */
  readonly host?: GcrHost;
  /** GCP project id, or a `${{ vars.NAME }}` expression such as `${{ vars.GCP_PROJECT_ID }}`. */
  readonly project: string;
  /**
   * How the jobs that push or pull here authenticate to Google.
   * @default - the GCP_WORKLOAD_IDENTITY_PROVIDER and GCP_SERVICE_ACCOUNT repository variables
   */
  readonly auth?: GoogleAuthOptions;
  /**
   * Key for workflow outputs (`refs_<id>`).
   * @default - derived from the prefix, e.g. `gcr_io_gcp_project_id`
   */
  readonly id?: string;
}

export interface ArtifactRegistryOptions {
  /** Artifact Registry location: a region such as `europe-west1`, or a multi-region `us`, `europe`, `asia`. */
  readonly location: string;
  /** GCP project id, or a `${{ vars.NAME }}` expression. */
  readonly project: string;
  /** Artifact Registry repository name (lowercase letters, digits and dashes). */
  readonly repository: string;
  /**
   * How the jobs that push or pull here authenticate to Google.
   * @default - the GCP_WORKLOAD_IDENTITY_PROVIDER and GCP_SERVICE_ACCOUNT repository variables
   */
  readonly auth?: GoogleAuthOptions;
  /**
   * Key for workflow outputs (`refs_<id>`).
   * @default - derived from the prefix, e.g. `europe_west1_docker_pkg_dev_my_project_plugins`
   */
  readonly id?: string;
}

const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const AR_LOCATION = /^(?:us|europe|asia|[a-z]+-[a-z]+[0-9]+)$/;
const AR_REPOSITORY = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const WIF_PROVIDER = /^projects\/[0-9]+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}\/providers\/[a-z0-9-]{4,32}$/;
const SERVICE_ACCOUNT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;

/** The step id of the Google authentication; its access token logs docker in. */
export const GOOGLE_AUTH_STEP_ID = 'gcp_auth';

/** A Google registry: Artifact Registry, including the gcr.io names it serves since 2025-03-18. */
export class GoogleRegistry extends ContainerRegistry {
  /** `gcr.io/PROJECT`, served by an Artifact Registry repository of the gcr.io kind. */
  public static gcr(options: GcrOptions): GoogleRegistry {
    const check = new OptionChecker('Registry.gcr');
    const host = check.oneOf('host', options.host ?? 'gcr.io', GCR_HOSTS);
    const project = literalOrConfiguration(check, 'project', options.project, GCP_PROJECT, 'must be a GCP project id (6 to 30 lowercase letters, digits and dashes)');
    return new GoogleRegistry(check, host, `${host}/${project}`, project, options.auth ?? {}, options.id);
  }

  /** `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY`. */
  public static artifactRegistry(options: ArtifactRegistryOptions): GoogleRegistry {
    const check = new OptionChecker('Registry.artifactRegistry');
    const location = check.match('location', options.location, AR_LOCATION, 'is not an Artifact Registry location (a region such as europe-west1, or us, europe, asia)');
    const project = literalOrConfiguration(check, 'project', options.project, GCP_PROJECT, 'must be a GCP project id (6 to 30 lowercase letters, digits and dashes)');
    const repository = check.match('repository', options.repository, AR_REPOSITORY, 'must be an Artifact Registry repository name (lowercase letters, digits and dashes, starting with a letter)');
    const host = `${location}-docker.pkg.dev`;
    return new GoogleRegistry(check, host, `${host}/${project}/${repository}`, project, options.auth ?? {}, options.id);
  }

  public readonly permissions: github.workflows.JobPermissions = { idToken: github.workflows.JobPermission.WRITE };
  public readonly workloadIdentityProvider: string;
  public readonly serviceAccount: string;

  private constructor(check: OptionChecker, host: string, prefix: string, project: string, auth: GoogleAuthOptions, id?: string) {
    const workloadIdentityProvider = literalOrConfiguration(check, 'auth.workloadIdentityProvider', auth.workloadIdentityProvider ?? '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
      WIF_PROVIDER, 'must be projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>');
    const serviceAccount = literalOrConfiguration(check, 'auth.serviceAccount', auth.serviceAccount ?? '${{ vars.GCP_SERVICE_ACCOUNT }}',
      SERVICE_ACCOUNT, 'must be a service account email, name@project.iam.gserviceaccount.com');
    super(check, host, prefix, [project, workloadIdentityProvider, serviceAccount], id);
    this.workloadIdentityProvider = workloadIdentityProvider;
    this.serviceAccount = serviceAccount;
  }

  public loginSteps(): github.workflows.JobStep[] {
    return [
      {
        name: 'Authenticate to Google Cloud (Workload Identity Federation)',
        id: GOOGLE_AUTH_STEP_ID,
        uses: uses(ACTIONS.googleAuth),
        with: { workload_identity_provider: this.workloadIdentityProvider, service_account: this.serviceAccount, token_format: 'access_token' },
      },
      {
        name: `Log in to ${this.host}`,
        uses: uses(ACTIONS.login),
        with: { registry: this.host, username: 'oauth2accesstoken', password: `\${{ steps.${GOOGLE_AUTH_STEP_ID}.outputs.access_token }}` },
      },
    ];
  }
}
