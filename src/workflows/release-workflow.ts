import { github } from 'projen';
import { checkEndToEndJob, EndToEndJob, serviceContainers } from './end-to-end';
import { PinnedWorkflow } from './pinned-workflow';
import { buildImage, checkout, imageVersionCheck, pluginLogs, setupBuildx, setupToolchains, startPluginContainer, uniqueSteps, verifySteps } from './steps';
import { WorkflowSettings } from './workflow-settings';
import { packageBin } from '../package-bin';
import { PluginImage } from '../plugin-image';
import { imageIn, IRegistry } from '../registries/registry';
import { OptionChecker } from '../validation';

const { JobPermission } = github.workflows;

export interface ReleaseWorkflowOptions {
  /** The validated image description; it needs at least one registry. */
  readonly image: PluginImage;
  /** Runners, Node version and the checks, resolved from the project (see `WorkflowOptions`). */
  readonly settings: WorkflowSettings;
  /**
   * The end-to-end suite's job for release.yml, run against the built image.
   * @default - none: the e2e job only checks that the image reports the release version
   */
  readonly e2e?: EndToEndJob;
}

/** Release tags: stable and prerelease semver with a `v` prefix. Nothing else publishes. */
export const RELEASE_TAG_PATTERNS = ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'];

/** Outputs of the prepare job that every release computes. */
const TAG_OUTPUTS = ['version', 'short_sha', 'prerelease', 'primary_tag', 'tags', 'refs'];

/**
 * release.yml: prepare (configuration, tags) → test → e2e (the built image) → publish
 * (multi-arch, every registry) → GitHub Release. Each job is gated on the previous ones, and
 * each is composed from small step builders; registries contribute their own steps.
 */
export class ReleaseWorkflow extends PinnedWorkflow {
  public static readonly JOB_ORDER = ['prepare', 'test', 'e2e', 'publish', 'release'];

  constructor(gh: github.GitHub, options: ReleaseWorkflowOptions) {
    super(gh, { name: 'release', concurrency: { group: 'release-${{ github.ref_name }}', cancelInProgress: false } });
    const check = new OptionChecker('ReleaseWorkflow');
    const img = options.image;
    if (img.registries.length === 0) check.fail('image.registries', [], 'must list at least one registry to publish to');
    const runsOn = options.settings.runsOn;
    const node = options.settings.nodeVersion;
    const platforms = img.platforms.join(',');

    this.workflow.on({ push: { tags: RELEASE_TAG_PATTERNS } });

    const prepare: github.workflows.Job = {
      name: 'Check the configuration, compute and validate image tags',
      ...runsOn,
      permissions: { contents: JobPermission.READ },
      outputs: {
        ...Object.fromEntries([...TAG_OUTPUTS, ...img.registries.map((r) => `refs_${r.id}`)].map((o) => [o, { stepId: 'tags', outputName: o }])),
        source_date_epoch: { stepId: 'epoch', outputName: 'source_date_epoch' },
      },
      steps: [
        ...img.registries.flatMap((r) => r.configurationCheckSteps()),
        checkout({ fetchAllTags: true }),
        ...setupToolchains(node),
        { name: 'Commit time (SOURCE_DATE_EPOCH)', id: 'epoch', run: 'echo "source_date_epoch=$(git log -1 --format=%ct)" >> "$GITHUB_OUTPUT"' },
        {
          name: 'Image tags for this release tag',
          id: 'tags',
          env: { IMAGES: img.registries.map((r) => `${r.id}=${imageIn(r, img.name)}`).join(',') },
          // The bin from the npm package, with the tag as one argument: never through a projen task, which would re-parse it as shell.
          run: packageBin('image-tags', '--tag="$GITHUB_REF_NAME" --sha="$GITHUB_SHA" --images="$IMAGES" --github-output'),
        },
      ],
    };

    const test: github.workflows.Job = {
      name: 'Generated files and checks',
      needs: ['prepare'],
      ...runsOn,
      permissions: { contents: JobPermission.READ },
      steps: verifySteps(options.settings),
    };

    const e2eImage = `${img.name}:e2e`;
    const suite = options.e2e && checkEndToEndJob(check, options.e2e, { workflow: 'release' });
    const e2e: github.workflows.Job = {
      name: suite ? 'End-to-end on the built image' : 'The built image runs and reports its version',
      needs: ['prepare', 'test'],
      ...runsOn,
      permissions: { contents: JobPermission.READ },
      ...serviceContainers(suite),
      ...(suite ? { env: { PLUGIN_ADDRESS: `127.0.0.1:${img.port}`, PLUGIN_VERSION: '${{ github.ref_name }}' } } : {}),
      steps: [
        checkout(),
        ...(suite ? setupToolchains(node) : []),
        setupBuildx('Set up Buildx'),
        buildImage('Build the image (linux/amd64, same Dockerfile, args and cache as publish)', { platforms: 'linux/amd64', load: true, push: false, tags: e2eImage }),
        imageVersionCheck(e2eImage),
        ...(suite ? [startPluginContainer(e2eImage, suite.containerEnv ?? {}), ...suite.steps, pluginLogs] : []),
      ],
    };

    const publish: github.workflows.Job = {
      name: `Build ${platforms} and push`,
      needs: ['prepare', 'test', 'e2e'],
      ...runsOn,
      permissions: publishPermissions(img.registries),
      outputs: { digest: { stepId: 'build', outputName: 'digest' } },
      steps: [
        checkout(),
        setupBuildx(),
        ...loginSteps(check, img.registries),
        buildImage('Build and push', { 'platforms': platforms, 'push': true, 'tags': '${{ needs.prepare.outputs.refs }}', 'sbom': true, 'provenance': 'mode=max' }, 'build'),
        publishSummary(platforms),
      ],
    };

    const release: github.workflows.Job = {
      name: 'GitHub Release',
      needs: ['prepare', 'publish'],
      ...runsOn,
      permissions: { contents: JobPermission.WRITE },
      steps: [releaseStep(img, platforms)],
    };

    this.workflow.addJobs({ prepare, test, e2e, publish, release });
    this.setServiceOptions('e2e', suite);
  }
}

/** contents: read, plus what each registry asks for. */
function publishPermissions(registries: readonly IRegistry[]): github.workflows.JobPermissions {
  const merged: Record<string, github.workflows.JobPermission> = { contents: JobPermission.READ };
  for (const r of registries) {
    for (const [k, v] of Object.entries(r.permissions) as [string, github.workflows.JobPermission][]) {
      if (merged[k] !== JobPermission.WRITE) merged[k] = v;
    }
  }
  return merged as github.workflows.JobPermissions;
}

/** Each registry's login steps, shared ones once; two registries on one host must log in the same way. */
function loginSteps(check: OptionChecker, registries: readonly IRegistry[]): github.workflows.JobStep[] {
  registries.forEach((r, i) => {
    const j = registries.findIndex((o) => o.host === r.host);
    if (j !== i && JSON.stringify(registries[j].loginSteps()) !== JSON.stringify(r.loginSteps())) {
      check.fail(`image.registries[${i}]`, r.prefix, `logs in to ${r.host} differently from registries[${j}], and docker keeps one credential per host: use the same credentials for both`);
    }
  });
  return uniqueSteps(registries.flatMap((r) => r.loginSteps()), (id) =>
    check.fail('image.registries', registries.map((r) => r.id), `need different login steps with the same id "${id}" (e.g. two Google registries with different auth): one publish job authenticates once per kind`));
}

function publishSummary(platforms: string): github.workflows.JobStep {
  return {
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
  };
}

/** A release body with one section per registry (its image, every ref, the digest pull), then `gh release create`. */
function releaseStep(img: PluginImage, platforms: string): github.workflows.JobStep {
  const perRegistry = img.registries.map((r) => ({ env: r.id.toUpperCase(), id: r.id, image: imageIn(r, img.name) }));
  return {
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
        `  echo "### $IMAGE_${r.env}"`,
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
  };
}
