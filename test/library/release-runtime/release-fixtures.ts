import { githubWorkflowIdentity } from '../../../src/release-runtime/cosign';
import { GitHubReleaseEntry } from '../../../src/release-runtime/github-release';

/** One release's facts, shared by the release-notes tests of the library and of its CLI. */
export const DIGEST = `sha256:${'d'.repeat(64)}`;
export const GCR = 'gcr.io/my-project/cq-source-s3';
export const GHCR = 'ghcr.io/cq-source-s3/cq-source-s3';
export const REPO = 'cq-source-s3/cq-source-s3';
export const identity = githubWorkflowIdentity(REPO, '.github/workflows/release.yml', 'refs/tags/v1.2.3');
export const rel = (tagName: string, isLatest = false, extra: Partial<GitHubReleaseEntry> = {}): GitHubReleaseEntry => ({ tagName, isLatest, isDraft: false, isPrerelease: false, ...extra });
