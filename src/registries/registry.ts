import * as github from 'projen/lib/github';
import { PATH_COMPONENT } from '../core/docker-reference';
import { configurationCheckSteps } from '../github/configuration-check';
import { OptionChecker } from '../core/validation';

/**
 * A container registry the release workflow publishes to. Each kind brings what it needs:
 * its login steps, the configuration checks that run before anything is built, the job
 * permissions, and the repository prefix images go under. Implement it for a new kind of
 * registry; nothing else needs to change.
 */
export interface IRegistry {
  /** Key for workflow outputs and environment names (`refs_<id>`): lowercase letters, digits and `_`, unique among a plugin's registries. */
  readonly id: string;
  /** The host `docker login` targets, e.g. `ghcr.io`. May contain a `${{ vars.NAME }}` expression. */
  readonly host: string;
  /** Repository prefix; the image is `<prefix>/<plugin name>`. May contain `${{ vars.NAME }}` expressions. */
  readonly prefix: string;
  /** Permissions a job needs to log in and push here (release.yml's build job for the staging registry; promote and sign for every registry). */
  readonly permissions: github.workflows.JobPermissions;
  /**
   * Permissions a job needs to log in and pull from here (the end-to-end jobs pull the staged image).
   * @default - `permissions`
   */
  readonly pullPermissions?: github.workflows.JobPermissions;
  /** Steps that log in to `host`, in every job that pushes or pulls here. Identical steps of several registries run once. */
  loginSteps(): github.workflows.JobStep[];
  /** Steps in the prepare job that fail, before anything is built, when configuration this registry reads is missing. */
  configurationCheckSteps(): github.workflows.JobStep[];
}

/** The image a registry publishes a plugin as. */
export function imageIn(registry: IRegistry, name: string): string {
  return `${registry.prefix}/${name}`;
}

const REGISTRY_ID = /^[a-z][a-z0-9_]{0,62}$/;

/** A repository namespace inside a registry: Docker path components joined by `/`. */
export function checkNamespace(check: OptionChecker, namespace: string): string {
  if (typeof namespace !== 'string' || !namespace.split('/').every((c) => PATH_COMPONENT.test(c))) {
    check.fail('namespace', namespace, 'must be Docker path components (lowercase letters and digits separated by ".", "_" or "-") joined by "/"');
  }
  return namespace;
}

/** A readable, output-safe id from a prefix: `gcr.io/${{ vars.GCP_PROJECT_ID }}` → `gcr_io_gcp_project_id`. */
export function idFromPrefix(prefix: string): string {
  const id = prefix
    .replace(/\$\{\{ *(?:vars|secrets)\.([A-Za-z0-9_]+) *\}\}/g, '$1')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(id) ? id : `r_${id}`;
}

/** What the built-in registries share: an id (derived from the prefix unless given), and the configuration check of every value they read. */
export abstract class ContainerRegistry implements IRegistry {
  public readonly id: string;
  public abstract readonly permissions: github.workflows.JobPermissions;

  protected constructor(
    check: OptionChecker,
    public readonly host: string,
    public readonly prefix: string,
    /** The option values this registry reads; the `${{ vars.X }}` ones are checked before anything is built. */
    private readonly configuration: readonly string[],
    id?: string,
  ) {
    this.id = id === undefined ? idFromPrefix(prefix) : check.match('id', id, REGISTRY_ID, 'must be lowercase letters, digits and _, starting with a letter (at most 63)');
  }

  public abstract loginSteps(): github.workflows.JobStep[];

  public configurationCheckSteps(): github.workflows.JobStep[] {
    return configurationCheckSteps(`registry ${this.id}`, this.configuration);
  }
}
