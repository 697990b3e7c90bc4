import { github } from 'projen';

export const DEFAULT_LOCALSTACK_IMAGE = 'localstack/localstack:4.14.0';
export const LOCALSTACK_PORT = 4566;

/** Throws unless the image is pinned to a version tag or a digest (`latest` and newer images need a token). */
export function validateLocalstackImage(image: string): void {
  const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(image.split('/').pop()!);
  if (!pinned || /:latest$/.test(image)) {
    throw new Error(`workflow option "localstackImage" is invalid: "${image}" must be pinned to a version tag or digest, not latest`);
  }
}

/** The LocalStack service container; with `authTokenSecret`, its value is passed when the secret is set. */
export function localstackService(image: string, authTokenSecret?: string): github.workflows.ContainerOptions {
  return {
    image,
    ports: [LOCALSTACK_PORT],
    env: {
      SERVICES: 's3',
      ...(authTokenSecret ? { LOCALSTACK_AUTH_TOKEN: `\${{ secrets.${authTokenSecret} }}` } : {}),
    },
  };
}

/** GitHub wants service `options` as one string; projen types it as a list, so it is set by override. */
export const LOCALSTACK_HEALTH_OPTIONS =
  `--health-cmd "curl -fsS http://localhost:${LOCALSTACK_PORT}/_localstack/health" --health-interval 5s --health-timeout 5s --health-retries 30`;

/** The S3 endpoint of the service, as the runner (and a host-network container) reaches it. */
export const LOCALSTACK_ENDPOINT = `http://127.0.0.1:\${{ job.services.localstack.ports['${LOCALSTACK_PORT}'] }}`;
