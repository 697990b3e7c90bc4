import { github } from 'projen';
import { ACTIONS, uses } from './actions';
import { WorkflowSettings } from './workflow-settings';

/* Small step builders the workflows are composed from. */

export function checkout(options: { fetchAllTags?: boolean } = {}): github.workflows.JobStep {
  return {
    name: 'Check out',
    uses: uses(ACTIONS.checkout),
    with: { 'persist-credentials': false, ...(options.fetchAllTags ? { 'fetch-depth': 0, 'fetch-tags': true } : {}) },
  };
}

/** Go from go.mod, Node, and the npm dependencies (which include this package and its bins). */
export function setupToolchains(nodeVersion: string): github.workflows.JobStep[] {
  return [
    { name: 'Set up Go (version from go.mod)', uses: uses(ACTIONS.setupGo), with: { 'go-version-file': 'go.mod', 'cache-dependency-path': 'go.sum' } },
    { name: 'Set up Node', uses: uses(ACTIONS.setupNode), with: { 'node-version': nodeVersion, 'cache': 'npm' } },
    { name: 'Install npm dependencies', run: 'npm ci --no-audit --no-fund' },
  ];
}

/** Re-synthesises and fails on any difference, printing the patch for the reviewer. */
export const driftCheck: github.workflows.JobStep = {
  name: 'Generated files match .projenrc.ts',
  run: [
    'npx projen --no-post',
    'if ! git diff --exit-code; then',
    '  echo "::error::Generated files differ from what .projenrc.ts produces (patch above). Edit .projenrc.ts, run npx projen, commit the result."',
    '  exit 1',
    'fi',
  ].join('\n'),
};

/** Everything a change must pass before anything is built from it: the generated files, then the project's checks. */
export function verifySteps(settings: WorkflowSettings): github.workflows.JobStep[] {
  return [checkout(), ...setupToolchains(settings.nodeVersion), ...settings.setupSteps, driftCheck, ...settings.checkSteps];
}

export function setupBuildx(name = 'Set up Buildx (the builder cross-compiles: no QEMU)'): github.workflows.JobStep {
  return { name, uses: uses(ACTIONS.setupBuildx) };
}

/** The build-push inputs the tested and the published build share, so e2e tests what publish pushes. */
export interface ImageBuild {
  /** The build context directory. */
  readonly 'context': string;
  /** `NAME=value` lines passed as `--build-arg`. */
  readonly 'build-args': string;
  /** Where BuildKit reads cached layers. */
  readonly 'cache-from': string;
  /** Where BuildKit writes cached layers. */
  readonly 'cache-to': string;
}

/** Version and revision from the tag, and SOURCE_DATE_EPOCH (the commit time) so BuildKit stamps no build time. */
export const RELEASE_BUILD: ImageBuild = {
  'context': '.',
  'build-args': 'VERSION=${{ github.ref_name }}\nREVISION=${{ github.sha }}\nSOURCE_DATE_EPOCH=${{ needs.prepare.outputs.source_date_epoch }}',
  'cache-from': 'type=gha',
  'cache-to': 'type=gha,mode=max',
};

export function buildImage(name: string, inputs: Record<string, string | boolean>, id?: string): github.workflows.JobStep {
  return { name, ...(id ? { id } : {}), uses: uses(ACTIONS.buildPush), with: { ...RELEASE_BUILD, ...inputs } };
}

/** Runs the image with `--version` and fails unless it reports the version it was built with. */
export function imageVersionCheck(image: string): github.workflows.JobStep {
  return {
    name: 'The image reports the release version',
    env: { IMAGE: image, VERSION: '${{ github.ref_name }}' },
    run: [
      'out=$(docker run --rm "$IMAGE" --version)',
      'echo "$out"',
      'if [ "${out##* }" != "$VERSION" ]; then echo "::error::the image reports \\"$out\\", not version $VERSION"; exit 1; fi',
    ].join('\n'),
  };
}

/** Starts the image as `plugin` on the host network, passing the named variables from the step's environment. */
export function startPluginContainer(image: string, containerEnv: Record<string, string>): github.workflows.JobStep {
  const flags = Object.keys(containerEnv).map((k) => `-e ${k} `).join('');
  return {
    name: 'Start the plugin container',
    env: { ...containerEnv, IMAGE: image },
    run: `docker run -d --name plugin --network host ${flags}"$IMAGE"`,
  };
}

export const pluginLogs: github.workflows.JobStep = { name: 'Plugin logs', if: 'always()', run: 'docker logs plugin || true' };

/** Steps in order, each distinct one once; two different steps with one id are an error. */
export function uniqueSteps(steps: github.workflows.JobStep[], onConflict: (id: string) => never): github.workflows.JobStep[] {
  const seen = new Map<string, string>();
  const out: github.workflows.JobStep[] = [];
  for (const step of steps) {
    const text = JSON.stringify(step);
    if ([...seen.values()].includes(text)) continue;
    if (step.id !== undefined && seen.has(step.id)) onConflict(step.id);
    seen.set(step.id ?? `#${out.length}`, text);
    out.push(step);
  }
  return out;
}
