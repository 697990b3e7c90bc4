const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

interface IndexJson {
  mediaType?: string;
  manifests?: { platform?: { os?: string; architecture?: string; variant?: string } }[];
}

/**
 * The platforms (`linux/amd64`, `linux/arm64/v8`) an index lists, in order. Attestation entries
 * (`unknown/unknown`, which BuildKit adds for SBOM and provenance) are left out.
 * Throws when `manifestJson` is not an index.
 */
export function indexPlatforms(manifestJson: string, ref: string): string[] {
  let index: IndexJson;
  try {
    index = JSON.parse(manifestJson) as IndexJson;
  } catch {
    throw new Error(`${ref}: the manifest is not JSON`);
  }
  if (!index.manifests || (index.mediaType !== undefined && !INDEX_TYPES.includes(index.mediaType))) {
    throw new Error(`${ref} is a single-platform manifest (${index.mediaType ?? 'no mediaType'}), not a multi-platform index`);
  }
  return index.manifests
    .map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/'))
    .filter((p) => p !== '' && p !== 'unknown/unknown');
}

/** Required platforms the index does not list; `linux/arm64` is satisfied by `linux/arm64/v8`. */
export function missingPlatforms(required: readonly string[], listed: readonly string[]): string[] {
  return required.filter((r) => !listed.some((p) => p === r || p.startsWith(`${r}/`)));
}
