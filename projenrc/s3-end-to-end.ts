import { core, EndToEndContext, EndToEndJob, github, IEndToEndSuite, plugin, secretRef, ServiceContainer } from '../src';

export interface S3EndToEndOptions {
  /**
   * The LocalStack image the suite syncs from, pinned in projenrc/cq-source-s3.ts (where Renovate
   * keeps its digest current; 4.14.0 is the last version that starts without a token).
   */
  readonly localstack: plugin.BaseImage;
  /**
   * Secret passed to LocalStack as LOCALSTACK_AUTH_TOKEN in release.yml (build.yml sees no secrets).
   * @default 'LOCALSTACK_AUTH_TOKEN'
   */
  readonly localstackTokenSecret?: string;
}

const LOCALSTACK_PORT = 4566;
/** The S3 endpoint of the service, as the runner (and a host-network container) reaches it. */
export const LOCALSTACK_ENDPOINT = `http://127.0.0.1:\${{ job.services.localstack.ports['${LOCALSTACK_PORT}'] }}`;

/**
 * This repository's end-to-end suite (test/e2e): the plugin syncs fixtures from a LocalStack S3
 * service. build.yml runs it against the native binary and the linux/amd64 image; release.yml
 * against the staged image on each architecture.
 */
export class S3EndToEnd implements IEndToEndSuite {
  private readonly localstackImage: string;
  private readonly tokenSecret: string;

  constructor(options: S3EndToEndOptions) {
    const check = new core.OptionChecker('S3EndToEnd');
    const localstack = plugin.PinnedImage.of(check, 'localstack', options.localstack);
    this.localstackImage = github.checkPinnedImage(check, 'localstack', localstack.reference);
    this.tokenSecret = secretRef(options.localstackTokenSecret ?? 'LOCALSTACK_AUTH_TOKEN');
  }

  public job(context: EndToEndContext): EndToEndJob {
    const release = context.workflow === 'release';
    const localstack: ServiceContainer = {
      image: this.localstackImage,
      ports: [LOCALSTACK_PORT],
      env: { SERVICES: 's3', ...(release ? { LOCALSTACK_AUTH_TOKEN: this.tokenSecret } : {}) },
      options: `--health-cmd "curl -fsS http://localhost:${LOCALSTACK_PORT}/_localstack/health" --health-interval 5s --health-timeout 5s --health-retries 30`,
    };
    return {
      services: { localstack },
      containerEnv: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' },
      steps: [context.target === 'image'
        ? { name: 'End-to-end suite against the container', env: { S3_ENDPOINT: LOCALSTACK_ENDPOINT }, run: 'npx projen e2e' }
        : { name: 'End-to-end suite (native binary, LocalStack)', env: { S3_ENDPOINT: LOCALSTACK_ENDPOINT }, run: 'npx projen e2e' }],
    };
  }
}
