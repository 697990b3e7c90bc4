/* Names GitHub Actions accepts, checked where an option carries one. */

/** A runner label (`ubuntu-24.04`, `ubuntu-24.04-arm`, a self-hosted label). */
export const RUNNER_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A deployment environment's name. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9_.-]{1,255}$/;
