import * as github from 'projen/lib/github';
import { checkNamespace, ContainerRegistry } from './registry';
import { ACTIONS, uses } from '../github/actions';
import { literalOrConfiguration } from '../github/expressions';
import { OptionChecker } from '../core/validation';

export interface GhcrOptions {
  /** GitHub user or organisation, lowercase (image names are), or a `${{ vars.NAME }}` expression. */
  readonly owner: string;
  /**
   * Repository namespace under the owner: images are `ghcr.io/<owner>/<namespace>/<plugin name>`
   * (e.g. `staging`, for a staging repository apart from the published one).
   * @default - none: images are `ghcr.io/<owner>/<plugin name>`
   */
  readonly namespace?: string;
  /**
   * Key for workflow outputs (`refs_<id>`).
   * @default - derived from the prefix, e.g. `ghcr_io_octo_org`
   */
  readonly id?: string;
}

const GITHUB_OWNER = /^[a-z0-9]([a-z0-9-]{0,37}[a-z0-9])?$/;

/** GitHub Container Registry, `ghcr.io/OWNER`, pushed to with the workflow's GITHUB_TOKEN. */
export class GhcrRegistry extends ContainerRegistry {
  public readonly permissions: github.workflows.JobPermissions = { packages: github.workflows.JobPermission.WRITE };
  public readonly pullPermissions: github.workflows.JobPermissions = { packages: github.workflows.JobPermission.READ };

  constructor(options: GhcrOptions) {
    const check = new OptionChecker('Registry.ghcr');
    const owner = literalOrConfiguration(check, 'owner', options.owner, GITHUB_OWNER, 'must be a lowercase GitHub user or organisation name');
    const namespace = options.namespace === undefined ? undefined : checkNamespace(check, options.namespace);
    super(check, 'ghcr.io', namespace ? `ghcr.io/${owner}/${namespace}` : `ghcr.io/${owner}`, [owner], options.id);
  }

  public loginSteps(): github.workflows.JobStep[] {
    return [{ name: 'Log in to ghcr.io', uses: uses(ACTIONS.login), with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' } }];
  }
}
