import { ENVIRONMENT_NAME } from '../github/names';

/** This repository's release settings, from which the one-time setup commands are derived. */
export interface ReleaseSetupOptions {
  /** `OWNER/REPO` on GitHub. */
  readonly repository: string;
  /** The plugin's name: names the service account and the WIF provider. */
  readonly plugin: string;
  /**
   * The Google Cloud project id; when absent the script reads it from `$GCP_PROJECT_ID`.
   * @default - "$PROJECT_ID", set from the environment
   */
  readonly project?: string;
  /**
   * The gcr.io host the images are pushed to; its Artifact Registry repository has the host's name, in its multi-region.
   * @default 'gcr.io'
   */
  readonly gcrHost?: string;
  /**
   * The GitHub environment of the publishing jobs.
   * @default 'release'
   */
  readonly environment?: string;
  /**
   * The tag pattern of releases (the environment's deployment rule and the tag ruleset).
   * @default 'v*'
   */
  readonly tagPattern?: string;
  /**
   * The workload identity pool.
   * @default 'github'
   */
  readonly pool?: string;
}

/** One command of the setup, as an argument vector, with what it is for. */
export interface SetupCommand {
  /** The program. */
  readonly tool: 'gcloud' | 'gh';
  /** Its arguments (`$PROJECT_ID` and `$PROJECT_NUMBER` are set by the script). */
  readonly args: readonly string[];
  /** What it sets up, one line. */
  readonly why: string;
  /**
   * JSON for `--input -` (gh api), when the request needs typed fields.
   * @default - no input
   */
  readonly input?: unknown;
}

const AR_LOCATIONS: Record<string, string> = { 'gcr.io': 'us', 'us.gcr.io': 'us', 'eu.gcr.io': 'europe', 'asia.gcr.io': 'asia' };
/** The APIs the release uses: Artifact Registry, and the two that exchange GitHub's OIDC token for a service account's. */
export const REQUIRED_APIS = ['artifactregistry.googleapis.com', 'iamcredentials.googleapis.com', 'sts.googleapis.com', 'iam.googleapis.com'];
/** The repository variables the release workflow reads (prepare checks them). */
export const RELEASE_VARIABLES = ['GCP_PROJECT_ID', 'GCP_WORKLOAD_IDENTITY_PROVIDER', 'GCP_SERVICE_ACCOUNT'];

/** Every derived name, validated. */
export interface ReleaseSetupNames {
  /** `OWNER/REPO`. */
  readonly repository: string;
  /** The project id, or `$PROJECT_ID` (set by the script). */
  readonly project: string;
  /** The Artifact Registry location of the gcr.io host (`us` for gcr.io). */
  readonly location: string;
  /** The Artifact Registry repository: the gcr.io host's name. */
  readonly arRepository: string;
  /** The service account's email. */
  readonly serviceAccount: string;
  /** The workload identity pool id. */
  readonly pool: string;
  /** The OIDC provider id. */
  readonly provider: string;
  /** The provider's resource name, for GCP_WORKLOAD_IDENTITY_PROVIDER. */
  readonly providerResource: string;
  /** The GitHub environment. */
  readonly environment: string;
  /** The release tag pattern. */
  readonly tagPattern: string;
  /** The provider's attribute condition: this repository's environment only. */
  readonly attributeCondition: string;
  /** The principal set that may act as the service account. */
  readonly principalSet: string;
}

/** Validates the options and derives every name; throws one line naming the option. */
export function releaseSetupNames(o: ReleaseSetupOptions): ReleaseSetupNames {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(o.repository)) throw new Error(`--repository ${JSON.stringify(o.repository)} is not OWNER/REPO`);
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(o.plugin)) throw new Error(`--plugin ${JSON.stringify(o.plugin)} is not a plugin name (lowercase letters, digits and -)`);
  if (o.project !== undefined && !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(o.project)) throw new Error(`--project ${JSON.stringify(o.project)} is not a Google Cloud project id (6 to 30 lowercase letters, digits and dashes)`);
  const host = o.gcrHost ?? 'gcr.io';
  const location = AR_LOCATIONS[host];
  if (!location) throw new Error(`--gcr-host ${JSON.stringify(host)} must be one of ${Object.keys(AR_LOCATIONS).join(', ')}`);
  const environment = o.environment ?? 'release';
  if (!ENVIRONMENT_NAME.test(environment)) throw new Error(`--environment ${JSON.stringify(environment)} is not a GitHub environment name`);
  const tagPattern = o.tagPattern ?? 'v*';
  if (!/^[A-Za-z0-9_.*/-]+$/.test(tagPattern)) throw new Error(`--tag-pattern ${JSON.stringify(tagPattern)} is not a tag pattern`);
  const pool = o.pool ?? 'github';
  if (!/^[a-z][a-z0-9-]{3,31}$/.test(pool)) throw new Error(`--pool ${JSON.stringify(pool)} is not a workload identity pool id (4 to 32 lowercase letters, digits and -)`);
  const project = o.project ?? '$PROJECT_ID';
  const provider = o.plugin.slice(0, 32).padEnd(4, '-');
  const serviceAccountId = `${o.plugin}-release`.slice(0, 30);
  return {
    repository: o.repository,
    project,
    location,
    arRepository: host,
    serviceAccount: `${serviceAccountId}@${project}.iam.gserviceaccount.com`,
    pool,
    provider,
    providerResource: `projects/$PROJECT_NUMBER/locations/global/workloadIdentityPools/${pool}/providers/${provider}`,
    environment,
    tagPattern,
    // Only this repository's release environment may use the identity.
    attributeCondition: `assertion.repository == '${o.repository}' && assertion.environment == '${environment}'`,
    principalSet: `principalSet://iam.googleapis.com/projects/$PROJECT_NUMBER/locations/global/workloadIdentityPools/${pool}/attribute.repository/${o.repository}`,
  };
}

/** The one-time setup, in order: Google Cloud first (the variables need its names), then GitHub. */
export function releaseSetupCommands(o: ReleaseSetupOptions): SetupCommand[] {
  const n = releaseSetupNames(o);
  const p = ['--project', n.project];
  const saId = n.serviceAccount.split('@')[0];
  return [
    { tool: 'gcloud', args: ['services', 'enable', ...REQUIRED_APIS, ...p], why: 'the APIs: Artifact Registry, and the token exchange (IAM Credentials, STS) of Workload Identity Federation' },
    { tool: 'gcloud', args: ['artifacts', 'repositories', 'create', n.arRepository, '--repository-format=docker', `--location=${n.location}`, ...p, `--description=${o.plugin} release images`], why: `the Artifact Registry repository ${n.arRepository} in ${n.location}, which serves ${n.arRepository}/${n.project} (the service account cannot create it on push)` },
    { tool: 'gcloud', args: ['artifacts', 'repositories', 'add-iam-policy-binding', n.arRepository, `--location=${n.location}`, ...p, '--member=allUsers', '--role=roles/artifactregistry.reader'], why: 'public read: the release notes\' docker pull and cosign verify commands work without credentials' },
    { tool: 'gcloud', args: ['iam', 'service-accounts', 'create', saId, ...p, `--display-name=${o.plugin} release (GitHub Actions)`], why: 'the service account the promote job acts as' },
    { tool: 'gcloud', args: ['artifacts', 'repositories', 'add-iam-policy-binding', n.arRepository, `--location=${n.location}`, ...p, `--member=serviceAccount:${n.serviceAccount}`, '--role=roles/artifactregistry.writer'], why: 'it may push to that repository, and nothing else' },
    { tool: 'gcloud', args: ['iam', 'workload-identity-pools', 'create', n.pool, '--location=global', ...p, '--display-name=GitHub Actions'], why: 'the workload identity pool for GitHub\'s OIDC tokens' },
    {
      tool: 'gcloud',
      args: ['iam', 'workload-identity-pools', 'providers', 'create-oidc', n.provider, '--location=global', `--workload-identity-pool=${n.pool}`, ...p,
        '--issuer-uri=https://token.actions.githubusercontent.com',
        '--attribute-mapping=google.subject=assertion.sub,attribute.repository=assertion.repository,attribute.environment=assertion.environment,attribute.ref=assertion.ref',
        `--attribute-condition=${n.attributeCondition}`],
      why: `the provider: only tokens of ${n.repository}'s ${n.environment} environment are accepted`,
    },
    { tool: 'gcloud', args: ['iam', 'service-accounts', 'add-iam-policy-binding', n.serviceAccount, ...p, '--role=roles/iam.workloadIdentityUser', `--member=${n.principalSet}`], why: `${n.repository} may act as the service account` },
    {
      tool: 'gh', args: ['api', '--method', 'PUT', `repos/${n.repository}/environments/${n.environment}`, '--input', '-'],
      input: { deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } },
      why: `the ${n.environment} environment, limited to the deployment rules below`,
    },
    { tool: 'gh', args: ['api', '--method', 'POST', `repos/${n.repository}/environments/${n.environment}/deployment-branch-policies`, '-f', `name=${n.tagPattern}`, '-f', 'type=tag'], why: `only ${n.tagPattern} tags may deploy to ${n.environment}` },
    {
      tool: 'gh', args: ['api', '--method', 'POST', `repos/${n.repository}/rulesets`, '--input', '-'],
      input: { name: 'release tags', target: 'tag', enforcement: 'active', conditions: { ref_name: { include: [`refs/tags/${n.tagPattern}`], exclude: [] } }, rules: [{ type: 'deletion' }, { type: 'update' }, { type: 'non_fast_forward' }] },
      why: 'a release tag can be neither moved nor deleted',
    },
    { tool: 'gh', args: ['variable', 'set', 'GCP_PROJECT_ID', '--repo', n.repository, '--body', n.project], why: 'the project (repository variable: prepare checks it outside the environment)' },
    { tool: 'gh', args: ['variable', 'set', 'GCP_WORKLOAD_IDENTITY_PROVIDER', '--repo', n.repository, '--body', n.providerResource], why: 'the provider' },
    { tool: 'gh', args: ['variable', 'set', 'GCP_SERVICE_ACCOUNT', '--repo', n.repository, '--body', n.serviceAccount], why: 'the service account' },
  ];
}

/** Shell-quotes one argument; `$PROJECT_ID` and `$PROJECT_NUMBER` stay expandable. */
function quote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  if (/\$PROJECT_(?:ID|NUMBER)/.test(arg) && !/["\\`]|\$(?!PROJECT_(?:ID|NUMBER)\b)/.test(arg)) return `"${arg}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The setup as a bash script: set -euo pipefail, the project from the environment, each command with its reason. */
export function releaseSetupScript(o: ReleaseSetupOptions): string {
  const commands = releaseSetupCommands(o);
  const lines = [
    '#!/usr/bin/env bash',
    `# One-time release setup for ${o.repository} (generated by release-setup; --check reports what is missing).`,
    '# Needs: gcloud (logged in as a project owner) and gh (logged in as a repository admin).',
    'set -euo pipefail',
    o.project ? `PROJECT_ID=${o.project}` : 'PROJECT_ID="${GCP_PROJECT_ID:?set GCP_PROJECT_ID to the Google Cloud project id}"',
    'PROJECT_NUMBER="$(gcloud projects describe "$PROJECT_ID" --format=\'value(projectNumber)\')"',
  ];
  for (const c of commands) {
    lines.push('', `# ${c.why}`);
    const cmd = [c.tool, ...c.args].map(quote).join(' ');
    lines.push(c.input === undefined ? cmd : `${cmd} <<'JSON'\n${JSON.stringify(c.input)}\nJSON`);
  }
  return `${lines.join('\n')}\n`;
}
