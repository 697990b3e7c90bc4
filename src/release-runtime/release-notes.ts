import { GITHUB_OIDC_ISSUER } from './cosign';
import { requireDigest, requireRepository } from './refs';

export interface ReleaseNotesInput {
  /** The index digest, `sha256:…`. */
  readonly digest: string;
  /** The image tags the release set (immutable first, then floating). */
  readonly tags: readonly string[];
  /** One repository per registry. */
  readonly images: readonly string[];
  /** The image's platforms, e.g. `linux/amd64`. */
  readonly platforms: readonly string[];
  /** The certificate identity of the keyless signature (`https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/tags/vX.Y.Z`). */
  readonly identity: string;
  /** `OWNER/REPO`, for `gh attestation verify --repo`. */
  readonly repository: string;
  /**
   * Whether an SPDX SBOM is attested beside the signature.
   * @default false
   */
  readonly sbom?: boolean;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * The Markdown body of the GitHub Release: per registry the pull commands by tag and by digest,
 * then the exact commands that verify the signature, the provenance and the SBOM in each registry.
 * Every value is checked first, so nothing else can reach the page.
 */
export function releaseNotes(i: ReleaseNotesInput): string {
  requireDigest(i.digest);
  i.images.forEach((image) => requireRepository(image));
  for (const t of i.tags) if (!TAG.test(t)) throw new Error(`tag ${JSON.stringify(t)} is not a Docker tag`);
  if (!REPOSITORY.test(i.repository)) throw new Error(`repository ${JSON.stringify(i.repository)} is not OWNER/REPO`);
  if (!/^https:\/\/\S+$/.test(i.identity)) throw new Error(`identity ${JSON.stringify(i.identity)} is not an https URL`);
  const fence = (lines: string[]) => ['```sh', ...lines, '```'];
  const verifyFlags = `--certificate-identity ${i.identity} --certificate-oidc-issuer ${GITHUB_OIDC_ISSUER}`;
  return [
    '## Container image',
    '',
    `Digest: \`${i.digest}\` — platforms: ${i.platforms.join(', ')}`,
    '',
    `Tags: ${i.tags.map((t) => `\`${t}\``).join(', ')}`,
    ...i.images.flatMap((image) => ['', `### ${image}`, ...fence([...i.tags.map((t) => `docker pull ${image}:${t}`), `docker pull ${image}@${i.digest}`])]),
    '',
    '## Verify',
    '',
    `The digest was signed keylessly by this release workflow (Sigstore), has a GitHub build provenance attestation${i.sbom ? ' and an SPDX SBOM attestation' : ''}, and each was verified in every registry before any tag was set:`,
    '',
    ...fence(i.images.flatMap((image) => [
      `cosign verify ${image}@${i.digest} ${verifyFlags}`,
      ...(i.sbom ? [`cosign verify-attestation --type spdxjson ${image}@${i.digest} ${verifyFlags}`] : []),
      `gh attestation verify oci://${image}@${i.digest} --repo ${i.repository}`,
    ])),
    '',
  ].join('\n');
}
