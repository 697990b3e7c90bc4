import * as github from 'projen/lib/github';
import { Grants } from './grants';
import { WorkflowJob } from './pinned-workflow';
import { imageEnv, imageVar, ReleaseContext } from './release-context';
import { GITHUB_OIDC_ISSUER } from '../release/cosign';

const { JobPermission } = github.workflows;

/**
 * The script of the release job: writes `release-body.md` (per registry: the pull commands by
 * tag and by digest; then the exact `cosign verify` and `gh attestation verify` commands), then
 * creates the GitHub Release (`--verify-tag`: the tag must exist) or, on a re-run, edits it.
 * "Latest" and "prerelease" come from promote's outputs (our tag rule), never from GitHub's.
 */
function releaseScript(c: ReleaseContext): string {
  const images = c.image.registries.map((r) => `$${imageVar(r.id)}`);
  return [
    'for flag in "$LATEST" "$PRERELEASE"; do',
    '  case "$flag" in true|false) ;; *) echo "::error::promote gave latest=\\"$LATEST\\" prerelease=\\"$PRERELEASE\\", not true/false"; exit 1 ;; esac',
    'done',
    'identity="$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF"',
    '{',
    '  echo "## Container image"',
    '  echo',
    '  echo "Digest: \\`$DIGEST\\` — platforms: $PLATFORMS"',
    '  echo',
    '  line=""',
    '  while read -r tag; do line="${line:+$line, }\\`$tag\\`"; done <<< "$TAGS"',
    '  echo "Tags: $line"',
    ...images.flatMap((image) => [
      '  echo',
      `  echo "### ${image}"`,
      '  echo "\\`\\`\\`sh"',
      `  while read -r tag; do echo "docker pull ${image}:$tag"; done <<< "$TAGS"`,
      `  echo "docker pull ${image}@$DIGEST"`,
      '  echo "\\`\\`\\`"',
    ]),
    '  echo',
    '  echo "## Verify"',
    '  echo',
    '  echo "The digest is signed keylessly by this release workflow (Sigstore) and has a GitHub build provenance attestation, in every registry:"',
    '  echo',
    '  echo "\\`\\`\\`sh"',
    ...images.flatMap((image) => [
      `  echo "cosign verify ${image}@$DIGEST --certificate-identity $identity --certificate-oidc-issuer ${GITHUB_OIDC_ISSUER}"`,
      `  echo "gh attestation verify oci://${image}@$DIGEST --repo $GITHUB_REPOSITORY"`,
    ]),
    '  echo "\\`\\`\\`"',
    '} > release-body.md',
    'flags=(--title "$GITHUB_REF_NAME" --notes-file release-body.md --latest="$LATEST" --prerelease="$PRERELEASE")',
    'if gh release view "$GITHUB_REF_NAME" --repo "$GITHUB_REPOSITORY" > /dev/null 2>&1; then',
    '  gh release edit "$GITHUB_REF_NAME" --repo "$GITHUB_REPOSITORY" "${flags[@]}"',
    'else',
    '  gh release create "$GITHUB_REF_NAME" --repo "$GITHUB_REPOSITORY" --verify-tag --generate-notes "${flags[@]}"',
    'fi',
  ].join('\n');
}

/** release: the GitHub Release of the tag, for a signed and attested promotion only; re-runnable. */
export function releaseJob(c: ReleaseContext): WorkflowJob {
  return {
    name: 'GitHub Release',
    needs: ['promote', 'sign'],
    ...c.settings.runsOn,
    grants: new Grants().grant('contents', JobPermission.WRITE, 'create or edit the GitHub Release'),
    timeoutMinutes: c.settings.timeouts.release,
    steps: [{
      name: 'Create the release (or edit it on a re-run)',
      env: {
        GH_TOKEN: '${{ github.token }}',
        DIGEST: '${{ needs.promote.outputs.digest }}',
        TAGS: '${{ needs.promote.outputs.tags }}',
        LATEST: '${{ needs.promote.outputs.latest }}',
        PRERELEASE: '${{ needs.promote.outputs.prerelease }}',
        PLATFORMS: c.image.platforms.join(', '),
        ...imageEnv(c),
      },
      run: releaseScript(c),
    }],
  };
}
