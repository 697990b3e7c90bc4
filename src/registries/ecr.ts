import * as github from 'projen/lib/github';
import { checkNamespace, ContainerRegistry } from './registry';
import { ACTIONS, uses } from '../github/actions';
import { literalOrConfiguration } from '../github/expressions';
import { OptionChecker } from '../core/validation';

export interface EcrOptions {
  /** The 12-digit AWS account id that owns the registry, or a `${{ vars.NAME }}` expression. */
  readonly account: string;
  /** The AWS region, e.g. `eu-west-1`, or a `${{ vars.NAME }}` expression. */
  readonly region: string;
  /**
   * The IAM role the jobs that push or pull here assume through GitHub's OIDC provider (`arn:aws:iam::<account>:role/<name>`), or a `${{ vars.NAME }}` expression.
   * @default '${{ vars.AWS_ROLE_TO_ASSUME }}'
   */
  readonly roleToAssume?: string;
  /**
   * Repository namespace inside the registry: images are `<registry>/<namespace>/<plugin name>`.
   * @default - none: images are `<registry>/<plugin name>`
   */
  readonly namespace?: string;
  /**
   * Key for workflow outputs (`refs_<id>`).
   * @default - derived from the prefix, e.g. `r_123456789012_dkr_ecr_eu_west_1_amazonaws_com`
   */
  readonly id?: string;
}

const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$/;
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}$/;

/** Amazon ECR, `<account>.dkr.ecr.<region>.amazonaws.com[/<namespace>]`, logged in to with OIDC role credentials. */
export class EcrRegistry extends ContainerRegistry {
  public readonly permissions: github.workflows.JobPermissions = { idToken: github.workflows.JobPermission.WRITE };
  public readonly account: string;
  public readonly region: string;
  public readonly roleToAssume: string;

  constructor(options: EcrOptions) {
    const check = new OptionChecker('Registry.ecr');
    const account = literalOrConfiguration(check, 'account', options.account, ACCOUNT, 'must be a 12-digit AWS account id');
    const region = literalOrConfiguration(check, 'region', options.region, REGION, 'must be an AWS region such as eu-west-1');
    const roleToAssume = literalOrConfiguration(check, 'roleToAssume', options.roleToAssume ?? '${{ vars.AWS_ROLE_TO_ASSUME }}', ROLE_ARN, 'must be an IAM role ARN, arn:aws:iam::<account>:role/<name>');
    if (options.namespace !== undefined) checkNamespace(check, options.namespace);
    const host = `${account}.dkr.ecr.${region}.amazonaws.com`;
    super(check, host, options.namespace ? `${host}/${options.namespace}` : host, [account, region, roleToAssume], options.id);
    this.account = account;
    this.region = region;
    this.roleToAssume = roleToAssume;
  }

  public loginSteps(): github.workflows.JobStep[] {
    return [
      {
        name: `AWS credentials for ECR in ${this.region} (OIDC role)`,
        uses: uses(ACTIONS.awsCredentials),
        with: { 'role-to-assume': this.roleToAssume, 'aws-region': this.region },
      },
      {
        name: `Log in to ${this.host}`,
        uses: uses(ACTIONS.ecrLogin),
        with: { 'registries': this.account, 'mask-password': true },
      },
    ];
  }
}
