import * as github from 'projen/lib/github';
import { ACTIONS, uses } from './actions';

/* Small step builders the workflows are composed from. */

/** Checks out without keeping the token in .git/config; `ref` another commit than the event's (e.g. a pull request's head). */
export function checkout(options: { fetchAllTags?: boolean; ref?: string } = {}): github.workflows.JobStep {
  return {
    name: 'Check out',
    uses: uses(ACTIONS.checkout),
    with: {
      'persist-credentials': false,
      ...(options.fetchAllTags ? { 'fetch-depth': 0, 'fetch-tags': true } : {}),
      ...(options.ref ? { ref: options.ref } : {}),
    },
  };
}

/**
 * Whether setup actions may restore caches. Never in a workflow that publishes: a poisoned
 * cache entry would end up in what it ships (zizmor's `cache-poisoning` audit).
 */
export interface ToolchainCache {
  /** Restore and save the Go module/build cache and the npm cache. */
  readonly cache: boolean;
}

/** For jobs that build, sign or publish what is released: nothing restored from a cache. */
export const NO_CACHE: ToolchainCache = { cache: false };
/** For checks of a change (build.yml): caches speed them up and nothing they make is shipped. */
export const WITH_CACHE: ToolchainCache = { cache: true };

/** Go, at the version go.mod asks for. Only for jobs that compile Go. */
export function setupGo(options: ToolchainCache): github.workflows.JobStep {
  return {
    name: 'Set up Go (version from go.mod)',
    uses: uses(ACTIONS.setupGo),
    with: options.cache ? { 'go-version-file': 'go.mod', 'cache-dependency-path': 'go.sum' } : { 'go-version-file': 'go.mod', 'cache': false },
  };
}

/** Node, then the npm dependencies (which include this package and its bins). */
export function setupNode(nodeVersion: string, options: ToolchainCache): github.workflows.JobStep[] {
  return [
    {
      name: 'Set up Node',
      uses: uses(ACTIONS.setupNode),
      with: options.cache ? { 'node-version': nodeVersion, 'cache': 'npm' } : { 'node-version': nodeVersion, 'package-manager-cache': false },
    },
    { name: 'Install npm dependencies', run: 'npm ci --no-audit --no-fund' },
  ];
}

/** Go from go.mod, Node, and the npm dependencies. */
export function setupToolchains(nodeVersion: string, options: ToolchainCache): github.workflows.JobStep[] {
  return [setupGo(options), ...setupNode(nodeVersion, options)];
}

/**
 * Script lines that make git send `$<tokenVar>` to the GitHub server as an http.extraheader,
 * through GIT_CONFIG_* variables: never written to disk (.git/config) nor passed as an argument.
 */
export function gitTokenAuth(tokenVar: string): string[] {
  return [
    'export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$GITHUB_SERVER_URL/.extraheader"',
    `GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$${tokenVar}" | base64 -w0)"`,
    'export GIT_CONFIG_VALUE_0',
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

export function setupBuildx(name = 'Set up Buildx (the builder cross-compiles: no QEMU)'): github.workflows.JobStep {
  return { name, uses: uses(ACTIONS.setupBuildx) };
}

/** Runs the image with `--version` and fails unless it reports `version` (the release tag, by default). */
export function imageVersionCheck(image: string, version = '${{ github.ref_name }}'): github.workflows.JobStep {
  return {
    name: 'The image reports the version it was built with',
    env: { IMAGE: image, VERSION: version },
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
