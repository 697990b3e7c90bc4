/*
 * What an adopter's .projenrc.ts needs is exported here; every building block lives in a
 * namespace named for its folder (as projen exports `github`, `javascript`…).
 */
export * from './cloudquery-go-plugin';
export * from './cloudquery-go-plugin-project';
export { Registry, IRegistry, EcrOptions, GhcrOptions, GcrOptions, ArtifactRegistryOptions } from './registries';
export { IEndToEndSuite, EndToEndContext, EndToEndJob, EndToEndWorkflow, EndToEndTarget, ServiceContainer } from './workflows/end-to-end';
export { readGoModule, GoModuleFacts } from './plugin/go-module';
export { varRef, secretRef } from './github/expressions';

/** Validation and the values every layer shares (image references, platforms). */
export * as core from './core';
/** GitHub Actions building blocks: pinned actions and tools, steps, grants, checks, the pinned workflow. */
export * as github from './github';
/** The plugin's validated image description and the files rendered from it (Dockerfile, .dockerignore, Makefile, tasks). */
export * as plugin from './plugin';
/** Container registries: `Registry` factories and the `IRegistry` contract. */
export * as registries from './registries';
/** build.yml, the end-to-end suite contract, the workflow settings and self-mutation. */
export * as workflows from './workflows';
/** release.yml: build once, reproduce, test on every architecture, sign, promote. */
export * as releaseWorkflow from './workflows/release';
/** The code the release tools (the bins) run: crane, cosign, promotion, release notes, setup. */
export * as releaseRuntime from './release-runtime';
/** renovate.json5 and its custom managers. */
export * as renovate from './renovate';
