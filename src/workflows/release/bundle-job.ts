import * as github from 'projen/lib/github';
import { ACTIONS, uses } from '../../github/actions';
import { WorkflowJob } from '../../github/pinned-workflow';
import { readsTaggedCommit, ReleaseContext } from './context';
import { checkout, NO_CACHE, setupGo, setupNode } from '../../github/steps';
import { CRANE, GoTool, SYFT } from '../../github/tools';
import { packageBin } from '../../core/package-bin';

/** The artifact the bundle job uploads: the release tools' bundle, crane and syft, nothing else. */
export const RELEASE_TOOLS_ARTIFACT = 'release-tools';
/** Where the privileged jobs put that artifact. */
const TOOLS_DIR = '${{ runner.temp }}/release-tools';
/** The bundle's file name inside the artifact. */
const BUNDLE = 'release-tools.cjs';

/** A Go tool built from the Go module proxy (checksum-verified) into `$GOBIN`, its SHA-256 written as the step's `sha256` output. */
export function goInstallStep(tool: GoTool, id: string, gobin: string): github.workflows.JobStep {
  const name = tool.package.split('/').pop()!;
  return {
    name: `Build ${name} ${tool.version} (Go module proxy, checksum-verified)`,
    id,
    env: { GOBIN: gobin },
    run: [
      `go install -trimpath ${tool.package}@${tool.version}`,
      `echo "sha256=$(sha256sum "$GOBIN/${name}" | cut -d' ' -f1)" >> "$GITHUB_OUTPUT"`,
    ].join('\n'),
  };
}

/**
 * bundle: the only job that installs packages for the publishing jobs, and it holds no
 * credential. It bundles the release tools (promote, sign-image, release-notes) into one file
 * with the pinned esbuild, builds crane and syft from the Go module proxy, and outputs the SHA-256 of each:
 * the jobs that use them download the artifact, check every hash, and run the bundle with `node`
 * alone — no npm, no npx, no install scripts, no node_modules beside a credential.
 */
export function bundleJob(c: ReleaseContext): WorkflowJob {
  return {
    ...readsTaggedCommit(c, 'Bundle the release tools, build crane and syft (no credential)', ['prepare'], c.settings.timeouts.prepare),
    outputs: {
      bundle_sha256: { stepId: 'bundle', outputName: 'sha256' },
      crane_sha256: { stepId: 'crane', outputName: 'sha256' },
      syft_sha256: { stepId: 'syft', outputName: 'sha256' },
    },
    steps: [
      checkout(),
      setupGo(NO_CACHE),
      ...setupNode(c.settings.nodeVersion, NO_CACHE),
      { name: 'Bundle the release tools (esbuild, pinned)', id: 'bundle', env: { OUT: `${TOOLS_DIR}/${BUNDLE}` }, run: packageBin('bundle-release-tools', '--out="$OUT" --github-output') },
      goInstallStep(CRANE, 'crane', TOOLS_DIR),
      goInstallStep(SYFT, 'syft', TOOLS_DIR),
      {
        name: 'Upload the release tools',
        uses: uses(ACTIONS.uploadArtifact),
        with: { 'name': RELEASE_TOOLS_ARTIFACT, 'path': TOOLS_DIR, 'if-no-files-found': 'error', 'retention-days': 1 },
      },
    ],
  };
}

/** The bundle job's artifact, and a check of every file against the SHA-256 the bundle job output: nothing runs unless they match. */
export function downloadReleaseTools(): github.workflows.JobStep[] {
  return [
    { name: 'Download the release tools', uses: uses(ACTIONS.downloadArtifact), with: { name: RELEASE_TOOLS_ARTIFACT, path: TOOLS_DIR } },
    {
      name: 'The release tools are the files the bundle job built (SHA-256)',
      env: {
        DIR: TOOLS_DIR,
        BUNDLE_SHA256: '${{ needs.bundle.outputs.bundle_sha256 }}',
        CRANE_SHA256: '${{ needs.bundle.outputs.crane_sha256 }}',
        SYFT_SHA256: '${{ needs.bundle.outputs.syft_sha256 }}',
      },
      run: [
        'cd "$DIR"',
        `printf '%s  %s\\n' "$BUNDLE_SHA256" ${BUNDLE} "$CRANE_SHA256" crane "$SYFT_SHA256" syft | sha256sum --strict --check -`,
        'chmod +x crane syft',
      ].join('\n'),
    },
  ];
}

/** A privileged job's first steps: Node (no package is installed), then the checked release tools. */
export function releaseToolsSteps(nodeVersion: string): github.workflows.JobStep[] {
  return [
    { name: 'Set up Node (no package is installed in this job)', uses: uses(ACTIONS.setupNode), with: { 'node-version': nodeVersion, 'package-manager-cache': false } },
    ...downloadReleaseTools(),
  ];
}

/** The shell command that runs one program of the bundle with node alone. */
export function releaseTool(command: string, args: string): string {
  return `node "$RUNNER_TEMP/release-tools/${BUNDLE}" ${command} ${args}`;
}

/** crane from the verified artifact, for the promote program (`CRANE`). */
export const CRANE_FROM_TOOLS = `${TOOLS_DIR}/crane`;
/** syft from the verified artifact, for the sbom job. */
export const SYFT_FROM_TOOLS = `${TOOLS_DIR}/syft`;
