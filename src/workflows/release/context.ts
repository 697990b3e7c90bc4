import * as github from 'projen/lib/github';
import { RunsOnConfig } from 'projen/lib/runner-options';
import { Grants } from '../../github/grants';
import { WorkflowJob } from '../../github/pinned-workflow';
import { RegistryUse } from '../registry-access';
import { ReleaseSettings } from './settings';
import { WorkflowSettings } from '../workflow-settings';
import { PluginImage } from '../../plugin/plugin-image';
import { imageIn } from '../../registries/registry';
import { OptionChecker } from '../../core/validation';

/** What every job builder of release.yml reads. */
export interface ReleaseContext {
  /** Names the workflow in bad-option messages. */
  readonly check: OptionChecker;
  /** The validated image description. */
  readonly image: PluginImage;
  /** Runners, Node version, checks and timeouts. */
  readonly settings: WorkflowSettings;
  /** Staging repository, environment and end-to-end legs. */
  readonly release: ReleaseSettings;
}

/** Every publishing registry, for a job that pushes there. */
export function publishingRegistries(c: ReleaseContext): RegistryUse[] {
  return c.image.registries.map((registry, i) => ({ registry, option: `image.registries[${i}]`, mode: 'push' }));
}

/** The staging registry, for a job that pushes there (build) or pulls from it (e2e, promote). */
export function stagingRegistry(c: ReleaseContext, mode: 'push' | 'pull'): RegistryUse {
  return { registry: c.release.staging, option: 'staging', mode };
}

/** `environment:` of a job that holds the credentials of `uses`: the release environment when any of them is a publishing registry. */
export function environmentFor(c: ReleaseContext, uses: readonly RegistryUse[]): { environment?: string } {
  const publishing = uses.some((u) => c.image.registries.includes(u.registry) || (u.registry === c.release.staging && c.release.stagingIsPublished));
  return publishing ? { environment: c.release.environment } : {};
}

/** `IMAGE_<ID>` → image, one per publishing registry: how scripts receive the images (never spliced into the script). */
export function imageEnv(c: ReleaseContext): Record<string, string> {
  return Object.fromEntries(c.image.registries.map((r) => [imageVar(r.id), imageIn(r, c.image.name)]));
}

/** The environment variable that carries a registry's image in scripts. */
export function imageVar(registryId: string): string {
  return `IMAGE_${registryId.toUpperCase()}`;
}

/** `--<option>="$IMAGE_A" --<option>="$IMAGE_B"`: one argument per publishing registry. */
export function imageArgs(c: ReleaseContext, option: string): string {
  return c.image.registries.map((r) => `--${option}="$${imageVar(r.id)}"`).join(' ');
}

/** The grant of a job that reads the tagged commit and nothing else. */
export function taggedCommitGrant(): Grants {
  return new Grants().grant('contents', github.workflows.JobPermission.READ, 'check out the tagged commit');
}

/** The head of a job that only reads the tagged commit: its name, the jobs it waits for, its runners, that one grant and its deadline. */
export function readsTaggedCommit(c: ReleaseContext, name: string, needs: string[], timeoutMinutes: number): RunsOnConfig & Pick<WorkflowJob, 'name' | 'needs' | 'grants' | 'timeoutMinutes'> {
  return { name, ...(needs.length ? { needs } : {}), ...c.settings.runsOn, grants: taggedCommitGrant(), timeoutMinutes };
}
