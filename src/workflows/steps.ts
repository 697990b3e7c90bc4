import { github } from 'projen';
import { ACTIONS, uses } from './actions';

type JobStep = github.workflows.JobStep;

/** The steps every job that touches the code starts with. */
export function checkout(options: { fetchAllTags?: boolean } = {}): JobStep {
  return {
    name: 'Check out',
    uses: uses(ACTIONS.checkout),
    with: { 'persist-credentials': false, ...(options.fetchAllTags ? { 'fetch-depth': 0, 'fetch-tags': true } : {}) },
  };
}

export function setupToolchains(nodeVersion: string): JobStep[] {
  return [
    { name: 'Set up Go (version from go.mod)', uses: uses(ACTIONS.setupGo), with: { 'go-version-file': 'go.mod', 'cache-dependency-path': 'go.sum' } },
    { name: 'Set up Node', uses: uses(ACTIONS.setupNode), with: { 'node-version': nodeVersion, 'cache': 'npm' } },
    { name: 'Install npm dependencies', run: 'npm ci --no-audit --no-fund' },
  ];
}

/** Installs the test prerequisites (shellcheck, actionlint, …) with the project's own setup task. */
const setupMachine: JobStep = { name: 'Install test prerequisites', run: 'npx projen setup' };

/** Everything a change must pass before anything is built from it: generated files, Go and unit tests. */
export function verifySteps(nodeVersion: string): JobStep[] {
  return [
    checkout(),
    ...setupToolchains(nodeVersion),
    setupMachine,
    driftCheck,
    { name: 'go vet, gofmt, go test -race', run: 'npx projen test:go' },
    { name: 'vitest unit suite', run: 'npx projen test:unit' },
  ];
}

/** Re-synthesises and fails on any difference, printing the patch for the reviewer. */
const driftCheck: JobStep = {
  name: 'Generated files match .projenrc.ts',
  run: [
    'npx projen --no-post',
    'if ! git diff --exit-code; then',
    '  echo "::error::Generated files differ from what .projenrc.ts produces (patch above). Edit .projenrc.ts, run npx projen, commit the result."',
    '  exit 1',
    'fi',
  ].join('\n'),
};
