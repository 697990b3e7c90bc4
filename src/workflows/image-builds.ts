import * as github from 'projen/lib/github';
import { ACTIONS, uses } from '../github/actions';

/**
 * What every image build shares. BuildKit's own SBOM and provenance attestations are off: they
 * are unsigned, add an `unknown/unknown` entry per platform to the index, and carry build-time
 * metadata that gives every build a new index digest. The release signs the promoted digest and
 * attaches a signed GitHub provenance attestation instead.
 */
const SHARED_INPUTS = { context: '.', provenance: false, sbom: false };

/** build.yml's builds read the layer cache (its default branch writes it); a release build never does. */
const CHECKS_CACHE = { 'cache-from': 'type=gha' };

/** The release build's inputs (also its independent rebuild's): commit time, version, every platform, no cache of any kind. */
function releaseInputs(platforms: readonly string[]): Record<string, unknown> {
  return {
    ...SHARED_INPUTS,
    'no-cache': true,
    'platforms': platforms.join(','),
    'build-args': 'VERSION=${{ github.ref_name }}\nREVISION=${{ github.sha }}\nSOURCE_DATE_EPOCH=${{ needs.prepare.outputs.source_date_epoch }}',
  };
}

/** A string literal inside a GitHub expression: single quotes, a quote doubled. */
function expressionString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * release.yml's one build of every platform, pushed by digest only (no tag) to the staging
 * repository. File timestamps are rewritten to SOURCE_DATE_EPOCH (the commit time), so a rebuild of
 * the same commit gives the same bytes; no cache is read or written (another workflow's cache
 * could carry a poisoned layer). Its `digest` output is the index digest the e2e jobs pull and promote copies.
 */
export function releaseBuildStep(stagingImage: string, platforms: readonly string[]): github.workflows.JobStep {
  return {
    name: `Build ${platforms.join(', ')} once and push by digest, without a tag, to the staging repository`,
    id: 'build',
    uses: uses(ACTIONS.buildPush),
    with: { ...releaseInputs(platforms), outputs: `type=image,name=${stagingImage},push-by-digest=true,name-canonical=true,push=true,rewrite-timestamp=true` },
  };
}

/** release.yml's independent rebuild: the same inputs on another runner, exported to a file (never pushed); its `digest` must equal the build's. */
export function reproduceBuildStep(platforms: readonly string[]): github.workflows.JobStep {
  return {
    name: `Rebuild ${platforms.join(', ')} from scratch on this runner (not pushed)`,
    id: 'rebuild',
    uses: uses(ACTIONS.buildPush),
    with: { ...releaseInputs(platforms), outputs: 'type=oci,dest=${{ runner.temp }}/rebuild.oci.tar,rewrite-timestamp=true' },
  };
}

/**
 * build.yml's image build: every platform, never pushed; the layer cache is written only by
 * pushes to the default branch, so release builds (which only read it) start warm and a pull
 * request can never write what a release reads.
 */
export function checksBuildStep(platforms: readonly string[], defaultBranch: string): github.workflows.JobStep {
  return {
    name: `Build ${platforms.join(', ')} (not pushed; the layer cache is written on ${defaultBranch} only)`,
    uses: uses(ACTIONS.buildPush),
    with: {
      ...SHARED_INPUTS,
      ...CHECKS_CACHE,
      'platforms': platforms.join(','),
      'build-args': 'REVISION=${{ github.sha }}',
      'cache-to': `\${{ github.ref == ${expressionString(`refs/heads/${defaultBranch}`)} && 'type=gha,mode=max' || '' }}`,
      'push': false,
    },
  };
}

/** build.yml: the `platform` image of the same build (from the builder's local cache), loaded into docker as `tag`. */
export function loadBuiltImageStep(platform: string, tag: string): github.workflows.JobStep {
  return {
    name: `Load the ${platform} image into docker`,
    uses: uses(ACTIONS.buildPush),
    with: { ...SHARED_INPUTS, ...CHECKS_CACHE, 'platforms': platform, 'build-args': 'REVISION=${{ github.sha }}', 'load': true, 'push': false, 'tags': tag },
  };
}
