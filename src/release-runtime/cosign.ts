import { digestRef, requireDigest, requireRepository } from './refs';

/** The issuer of GitHub Actions OIDC tokens, which keyless signatures from a workflow carry. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** How the images are signed and verified. */
export type SigningIdentity =
  /** Sigstore keyless (GitHub Actions OIDC): the certificate names the workflow run's identity. */
  | { readonly kind: 'keyless'; readonly certificateIdentity: string; readonly certificateOidcIssuer?: string }
  /** A cosign key pair (COSIGN_PASSWORD in the environment), with no transparency log: for offline tests. */
  | { readonly kind: 'key'; readonly privateKey?: string; readonly publicKey?: string };

export interface CosignCommandOptions {
  /** Target repositories, one per registry. */
  readonly images: readonly string[];
  /** The index digest to sign and verify, `sha256:<64 hex>`; every command addresses `image@digest`, never a tag. */
  readonly digest: string;
  /** Keyless (the workflow's OIDC identity) or a key pair. */
  readonly identity: SigningIdentity;
  /**
   * Plain-HTTP registries (a registry on loopback).
   * @default false
   */
  readonly insecureRegistry?: boolean;
  /**
   * An SPDX JSON SBOM to attest (`cosign attest --type spdxjson`) beside the signature, and to verify.
   * @default - no SBOM attestation
   */
  readonly sbom?: string;
  /**
   * The cosign program.
   * @default 'cosign' (on PATH)
   */
  readonly cosign?: string;
}

/**
 * The certificate identity of a keyless signature made by `workflowPath` of `repository` for
 * `ref`: `https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/tags/v1.2.3`.
 */
export function githubWorkflowIdentity(repository: string, workflowPath: string, ref: string): string {
  return `https://github.com/${repository}/${workflowPath}@${ref}`;
}

function common(o: CosignCommandOptions): { bin: string; refs: string[]; insecure: string[] } {
  const digest = requireDigest(o.digest);
  return {
    bin: o.cosign ?? 'cosign',
    refs: o.images.map((i) => digestRef(requireRepository(i), digest)),
    insecure: o.insecureRegistry ? ['--allow-insecure-registry', '--allow-http-registry'] : [],
  };
}

/** One `cosign sign` argument vector per image, always by digest (`image@sha256:…`), never by tag. */
export function cosignSignCommands(o: CosignCommandOptions): string[][] {
  const { bin, refs, insecure } = common(o);
  const id = o.identity;
  // Keyless: cosign v3's defaults (Fulcio certificate, Rekor entry, signing config from Sigstore's TUF root).
  // Key: no transparency log and no signing config, so it works with no network but the registry.
  if (id.kind === 'key' && !id.privateKey) throw new Error('signing with a key pair needs the private key (--key)');
  const how = id.kind === 'keyless' ? [] : ['--key', id.privateKey!, '--use-signing-config=false', '--tlog-upload=false'];
  const attest = o.sbom === undefined ? [] : ['--type', 'spdxjson', '--predicate', o.sbom];
  return refs.flatMap((ref) => [
    [bin, 'sign', '--yes', ...how, ...insecure, ref],
    ...(o.sbom === undefined ? [] : [[bin, 'attest', '--yes', ...how, ...attest, ...insecure, ref]]),
  ]);
}

/** One `cosign verify` argument vector per image, by digest. */
export function cosignVerifyCommands(o: CosignCommandOptions): string[][] {
  const { bin, refs, insecure } = common(o);
  const id = o.identity;
  if (id.kind === 'key' && !id.publicKey) throw new Error('verifying with a key pair needs the public key (--public-key)');
  const how = id.kind === 'keyless'
    ? ['--certificate-identity', id.certificateIdentity, '--certificate-oidc-issuer', id.certificateOidcIssuer ?? GITHUB_OIDC_ISSUER]
    : ['--key', id.publicKey!, '--insecure-ignore-tlog=true'];
  return refs.flatMap((ref) => [
    [bin, 'verify', ...how, ...insecure, ref],
    ...(o.sbom === undefined ? [] : [[bin, 'verify-attestation', '--type', 'spdxjson', ...how, ...insecure, ref]]),
  ]);
}
