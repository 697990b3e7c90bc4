import { github } from 'projen';
import { ACTIONS, uses } from './actions';
import { DEFAULT_LOCALSTACK_IMAGE, LOCALSTACK_ENDPOINT, LOCALSTACK_HEALTH_OPTIONS, localstackService, validateLocalstackImage } from './localstack';
import { PinnedWorkflow } from './pinned-workflow';
import { checkout, setupToolchains, verifySteps } from './steps';
import { PluginImage } from '../plugin-image';
import { RegistryLogin } from '../registries';

type Job = github.workflows.Job;
const { JobPermission } = github.workflows;

export interface GoogleAuthOptions {
  /** @default '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}' */
  readonly workloadIdentityProvider?: string;
  /** @default '${{ vars.GCP_SERVICE_ACCOUNT }}' */
  readonly serviceAccount?: string;
}

export interface ReleaseWorkflowOptions {
  readonly image: PluginImage;
  /** @default 'localstack/localstack:4.14.0' (the last version that starts without a token) */
  readonly localstackImage?: string;
  /** Secret passed to LocalStack as LOCALSTACK_AUTH_TOKEN when set. @default 'LOCALSTACK_AUTH_TOKEN' */
  readonly localstackTokenSecret?: string;
  readonly googleAuth?: GoogleAuthOptions;
  /** @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** @default '20' */
  readonly nodeVersion?: string;
}

/** Release tags: stable and prerelease semver with a `v` prefix. Nothing else publishes. */
export const RELEASE_TAG_PATTERNS = ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'];

/**
 * release.yml: prepare (tags) → test → e2e (the built image against LocalStack) → publish
 * (multi-arch, every registry) → GitHub Release. Each job is gated on the previous ones.
 */
export class ReleaseWorkflow extends PinnedWorkflow {
  public static readonly JOB_ORDER = ['prepare', 'test', 'e2e', 'publish', 'release'];

  constructor(gh: github.GitHub, options: ReleaseWorkflowOptions) {
    super(gh, { name: 'release', concurrency: { group: 'release-${{ github.ref_name }}', cancelInProgress: false } });
    const img = options.image;
    if (img.registries.length === 0) {
      throw new Error('ReleaseWorkflow option "image.registries" is invalid: a release needs at least one registry to publish to');
    }
    const localstackImage = options.localstackImage ?? DEFAULT_LOCALSTACK_IMAGE;
    validateLocalstackImage(localstackImage);
    const runsOn = [options.runsOn ?? 'ubuntu-24.04'];
    const node = options.nodeVersion ?? '20';
    const wif = options.googleAuth?.workloadIdentityProvider ?? '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}';
    const serviceAccount = options.googleAuth?.serviceAccount ?? '${{ vars.GCP_SERVICE_ACCOUNT }}';
    const needsGoogle = img.registries.some((r) => r.login === RegistryLogin.GOOGLE);
    const platforms = img.platforms.join(',');
    // SOURCE_DATE_EPOCH (the commit time) makes BuildKit stamp that instead of the build time.
    const buildArgs = 'VERSION=${{ github.ref_name }}\nREVISION=${{ github.sha }}\nSOURCE_DATE_EPOCH=${{ needs.prepare.outputs.source_date_epoch }}';
    const cache = { 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' };

    this.workflow.on({ push: { tags: RELEASE_TAG_PATTERNS } });

    const prepare: Job = {
      name: 'Compute and validate image tags',
      runsOn,
      permissions: { contents: JobPermission.READ },
      outputs: {
        ...Object.fromEntries(['version', 'short_sha', 'prerelease', 'primary_tag', 'tags', 'refs', ...img.registries.map((r) => `refs_${r.id}`)]
          .map((o) => [o, { stepId: 'tags', outputName: o }])),
        source_date_epoch: { stepId: 'epoch', outputName: 'source_date_epoch' },
      },
      steps: [
        checkout({ fetchAllTags: true }),
        ...setupToolchains(node),
        ...(needsGoogle ? [{
          name: 'Check the publishing configuration',
          env: { GCP_PROJECT_ID: '${{ vars.GCP_PROJECT_ID }}', WIF_PROVIDER: wif, SERVICE_ACCOUNT: serviceAccount },
          run: [
            'missing=""',
            'for v in GCP_PROJECT_ID WIF_PROVIDER SERVICE_ACCOUNT; do [ -n "${!v}" ] || missing="$missing $v"; done',
            'if [ -n "$missing" ]; then echo "::error::repository variables not set:$missing (see README, Releasing)"; exit 1; fi',
          ].join('\n'),
        }] : []),
        { name: 'Commit time (SOURCE_DATE_EPOCH)', id: 'epoch', run: 'echo "source_date_epoch=$(git log -1 --format=%ct)" >> "$GITHUB_OUTPUT"' },
        {
          name: 'Image tags for this release tag',
          id: 'tags',
          env: { IMAGES: img.registries.map((r) => `${r.id}=${r.image(img.name)}`).join(',') },
          run: 'npx projen image-tags --tag "$GITHUB_REF_NAME" --sha "$GITHUB_SHA" --images "$IMAGES" --github-output',
        },
      ],
    };

    const test: Job = {
      name: 'Unit, Go and generated-file checks',
      needs: ['prepare'],
      runsOn,
      permissions: { contents: JobPermission.READ },
      steps: verifySteps(node),
    };

    const e2eImage = `${img.name}:e2e`;
    const e2e: Job = {
      name: 'End-to-end on the built image (LocalStack)',
      needs: ['prepare', 'test'],
      runsOn,
      permissions: { contents: JobPermission.READ },
      services: { localstack: localstackService(localstackImage, options.localstackTokenSecret ?? 'LOCALSTACK_AUTH_TOKEN') },
      steps: [
        checkout(),
        ...setupToolchains(node),
        { name: 'Set up Buildx', uses: uses(ACTIONS.setupBuildx) },
        {
          name: 'Build the image (linux/amd64, same Dockerfile, args and cache as publish)',
          uses: uses(ACTIONS.buildPush),
          with: { 'context': '.', 'platforms': 'linux/amd64', 'load': true, 'push': false, 'tags': e2eImage, 'build-args': buildArgs, ...cache },
        },
        {
          name: 'Start the plugin container',
          env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', IMAGE: e2eImage },
          run: 'docker run -d --name plugin --network host -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_EC2_METADATA_DISABLED=true "$IMAGE"',
        },
        {
          name: 'End-to-end suite against the container',
          env: { PLUGIN_ADDRESS: `127.0.0.1:${img.port}`, PLUGIN_VERSION: '${{ github.ref_name }}', S3_ENDPOINT: LOCALSTACK_ENDPOINT },
          run: 'npx projen e2e',
        },
        { name: 'Plugin logs', if: 'always()', run: 'docker logs plugin || true' },
      ],
    };

    const logins: github.workflows.JobStep[] = [];
    if (needsGoogle) {
      logins.push({
        name: 'Authenticate to Google Cloud (Workload Identity Federation)',
        id: 'gcp',
        uses: uses(ACTIONS.googleAuth),
        with: { workload_identity_provider: wif, service_account: serviceAccount, token_format: 'access_token' },
      });
    }
    for (const host of [...new Set(img.registries.filter((r) => r.login === RegistryLogin.GOOGLE).map((r) => r.host))]) {
      logins.push({ name: `Log in to ${host}`, uses: uses(ACTIONS.login), with: { registry: host, username: 'oauth2accesstoken', password: '${{ steps.gcp.outputs.access_token }}' } });
    }
    if (img.registries.some((r) => r.login === RegistryLogin.GITHUB)) {
      logins.push({ name: 'Log in to ghcr.io', uses: uses(ACTIONS.login), with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' } });
    }

    const publish: Job = {
      name: `Build ${platforms} and push`,
      needs: ['prepare', 'test', 'e2e'],
      runsOn,
      permissions: { contents: JobPermission.READ, packages: JobPermission.WRITE, idToken: JobPermission.WRITE },
      outputs: { digest: { stepId: 'build', outputName: 'digest' } },
      steps: [
        checkout(),
        { name: 'Set up Buildx (the builder cross-compiles: no QEMU)', uses: uses(ACTIONS.setupBuildx) },
        ...logins,
        {
          name: 'Build and push',
          id: 'build',
          uses: uses(ACTIONS.buildPush),
          with: {
            'context': '.',
            'platforms': platforms,
            'push': true,
            'tags': '${{ needs.prepare.outputs.refs }}',
            'build-args': buildArgs,
            ...cache,
            'sbom': true,
            'provenance': 'mode=max',
          },
        },
        {
          name: 'Summary',
          env: { DIGEST: '${{ steps.build.outputs.digest }}', TAGS: '${{ needs.prepare.outputs.tags }}', REFS: '${{ needs.prepare.outputs.refs }}', PLATFORMS: platforms },
          run: [
            '{',
            '  echo "### Published $GITHUB_REF_NAME"',
            '  echo "- Digest: \\`$DIGEST\\`"',
            '  echo "- Platforms: $PLATFORMS"',
            '  echo "- Tags: $(echo "$TAGS" | paste -sd, -)"',
            '  while read -r ref; do echo "- \\`$ref\\`"; done <<< "$REFS"',
            '} >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
      ],
    };

    const perRegistry = img.registries.map((r) => ({ host: r.host, env: r.id.toUpperCase(), id: r.id, image: r.image(img.name) }));
    const release: Job = {
      name: 'GitHub Release',
      needs: ['prepare', 'publish'],
      runsOn,
      permissions: { contents: JobPermission.WRITE },
      steps: [{
        name: 'Create the release',
        env: {
          GH_TOKEN: '${{ github.token }}',
          DIGEST: '${{ needs.publish.outputs.digest }}',
          PRERELEASE: '${{ needs.prepare.outputs.prerelease }}',
          PLATFORMS: platforms,
          ...Object.fromEntries(perRegistry.flatMap((r) => [
            [`REFS_${r.env}`, `\${{ needs.prepare.outputs.refs_${r.id} }}`],
            [`IMAGE_${r.env}`, r.image],
          ])),
        },
        run: [
          '{',
          '  echo "## Container image"',
          '  echo',
          '  echo "Digest: \\`$DIGEST\\` — platforms: $PLATFORMS"',
          ...perRegistry.flatMap((r) => [
            '  echo',
            `  echo "### ${r.host}"`,
            '  echo "\\`\\`\\`sh"',
            `  while read -r ref; do echo "docker pull $ref"; done <<< "$REFS_${r.env}"`,
            `  echo "docker pull $IMAGE_${r.env}@$DIGEST"`,
            '  echo "\\`\\`\\`"',
          ]),
          '} > release-body.md',
          'flags=()',
          'if [ "$PRERELEASE" = "true" ]; then flags+=(--prerelease); fi',
          'gh release create "$GITHUB_REF_NAME" --repo "$GITHUB_REPOSITORY" --title "$GITHUB_REF_NAME" --generate-notes --notes-file release-body.md "${flags[@]}"',
        ].join('\n'),
      }],
    };

    this.workflow.addJobs({ prepare, test, e2e, publish, release });
    this.override('jobs.e2e.services.localstack.options', LOCALSTACK_HEALTH_OPTIONS);
  }
}
