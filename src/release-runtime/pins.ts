/** An image a release build or test uses, and where. */
export interface ImageUse {
  /** `Dockerfile line 6 (FROM)`, `.github/workflows/release.yml line 180 (image)`. */
  readonly where: string;
  /** The reference as written. */
  readonly image: string;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** The Dockerfile frontend (`# syntax=`) and every `FROM` image that is not an earlier stage or `scratch`. */
export function dockerfileImages(dockerfile: string, file = 'Dockerfile'): ImageUse[] {
  const uses: ImageUse[] = [];
  const stages = new Set<string>();
  const lines = dockerfile.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const syntax = /^#\s*syntax\s*=\s*(\S+)/i.exec(line);
    if (syntax && uses.length === 0 && stages.size === 0) uses.push({ where: `${file} line ${i + 1} (# syntax, the Dockerfile frontend)`, image: syntax[1] });
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (!from) return;
    const image = from[1];
    if (!stages.has(image.toLowerCase()) && image.toLowerCase() !== 'scratch') uses.push({ where: `${file} line ${i + 1} (FROM)`, image });
    if (from[2]) stages.add(from[2].toLowerCase());
  });
  return uses;
}

/** Every `image:` of a workflow (service and job containers), by line. */
export function workflowImages(yaml: string, file: string): ImageUse[] {
  const uses: ImageUse[] = [];
  yaml.split('\n').forEach((line, i) => {
    const m = /^\s+(?:-\s+)?image:\s*["']?([^"'\s#]+)/.exec(line);
    if (m) uses.push({ where: `${file} line ${i + 1} (image)`, image: m[1] });
  });
  return uses;
}

/** The uses not pinned by digest (`name[:tag]@sha256:<64 hex>`); an expression or a build argument can never be checked, so it is not pinned. */
export function unpinned(uses: readonly ImageUse[]): ImageUse[] {
  return uses.filter((u) => !DIGEST.test(u.image) || /[$]/.test(u.image));
}

/** One message naming each unpinned image, or undefined when every image is pinned. */
export function unpinnedMessage(uses: readonly ImageUse[]): string | undefined {
  const bad = unpinned(uses);
  if (bad.length === 0) return undefined;
  return `${bad.length} image(s) not pinned by digest, so nobody could rebuild this release byte for byte: ${bad.map((u) => `${u.image} (${u.where})`).join('; ')} — merge the update bot's pin pull request (or pin them in .projenrc.ts), then tag again`;
}
