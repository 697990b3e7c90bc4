import { OptionChecker } from '../core/validation';

/** A GitHub Action pinned to the commit its release tag points to. */
export interface PinnedAction {
  /** `owner/repo` of the action. */
  readonly repo: string;
  /** The release tag, shown as a comment after the pin. */
  readonly tag: string;
  /** The 40-hex commit the tag points to. */
  readonly sha: string;
}

/**
 * Tag → commit pins, each commit checked to be the one its release tag points to. One
 * `{ repo, tag, sha }` per line: Renovate's custom manager (renovate.json5) updates the tag and
 * the commit together.
 */
export const ACTIONS = {
  checkout: { repo: 'actions/checkout', tag: 'v7.0.1', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1' },
  setupGo: { repo: 'actions/setup-go', tag: 'v7.0.0', sha: 'b7ad1dad31e06c5925ef5d2fc7ad053ef454303e' },
  setupNode: { repo: 'actions/setup-node', tag: 'v7.0.0', sha: '820762786026740c76f36085b0efc47a31fe5020' },
  setupBuildx: { repo: 'docker/setup-buildx-action', tag: 'v4.3.0', sha: '37fe631027851001ddb9b187196cc803df7f5f0e' },
  login: { repo: 'docker/login-action', tag: 'v4.1.0', sha: '4907a6ddec9925e35a0a9e82d7399ccc52663121' },
  buildPush: { repo: 'docker/build-push-action', tag: 'v7.3.0', sha: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a' },
  googleAuth: { repo: 'google-github-actions/auth', tag: 'v3.0.0', sha: '7c6bc770dae815cd3e89ee6cdf493a5fab2cc093' },
  awsCredentials: { repo: 'aws-actions/configure-aws-credentials', tag: 'v6.2.3', sha: 'e6de054238d6b7531b4efff3b6587d9aade6a06c' },
  ecrLogin: { repo: 'aws-actions/amazon-ecr-login', tag: 'v2.1.7', sha: '03f1aad4c6c7ffd436567f42f9384779290529bd' },
  cosignInstaller: { repo: 'sigstore/cosign-installer', tag: 'v4.1.2', sha: '6f9f17788090df1f26f669e9d70d6ae9567deba6' },
  attestBuildProvenance: { repo: 'actions/attest-build-provenance', tag: 'v4.1.0', sha: 'a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32' },
  uploadArtifact: { repo: 'actions/upload-artifact', tag: 'v7.0.0', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f' },
  downloadArtifact: { repo: 'actions/download-artifact', tag: 'v8.0.1', sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c' },
} as const satisfies Record<string, PinnedAction>;

/**
 * `owner/repo@<sha>`; the version comment is added to the rendered YAML by `pinComments`. A pin
 * that an update wrote wrong (not a 40-hex commit, not a version tag) fails here, at construction.
 */
export function uses(action: PinnedAction): string {
  const check = new OptionChecker('PinnedAction');
  check.match('repo', action.repo, /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name of a GitHub repository');
  check.match(`${action.repo}.sha`, action.sha, /^[0-9a-f]{40}$/, 'must be the full 40-hex commit SHA the tag points to');
  check.match(`${action.repo}.tag`, action.tag, /^v[0-9][A-Za-z0-9_.-]*$/, 'must be the release tag (vX.Y.Z) the SHA points to');
  return `${action.repo}@${action.sha}`;
}

/** Appends `# <tag>` to every pinned `uses:` line, so reviewers see the version. */
export function pinComments(yaml: string): string {
  const bySha = new Map<string, string>(Object.values(ACTIONS).map((a) => [a.sha, a.tag]));
  return yaml.replace(/^(\s*(?:- )?uses: \S+@([0-9a-f]{40}))$/gm, (line, _all, sha: string) => {
    const tag = bySha.get(sha);
    return tag ? `${line} # ${tag}` : line;
  });
}
