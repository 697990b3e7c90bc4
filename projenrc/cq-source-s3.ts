import { libraryProject, LibraryProjectOptions } from './library-project';
import { addPerformanceBench } from './perf-bench';
import { addReleaseChainTasks } from './release-chain';
import { S3EndToEnd } from './s3-end-to-end';
import { addTestHarness } from './test-harness';
import { renovateOptions } from './upkeep';
import { CloudQueryGoPlugin, GoModuleFacts, readGoModule, Registry, varRef } from '../src';

/** The plugin's name: binary, image and (in Go) plugin.Name. */
export const PLUGIN_NAME = 'cq-source-s3';

export interface RepositoryOptions extends LibraryProjectOptions {
  /**
   * The Go module, when it is not in `outdir` (tests synthesise into a temp directory).
   * @default - read from the project directory
   */
  readonly goModule?: GoModuleFacts;
}

/** bench/ holds a Go program of the module (bench/shardsim) that the image does not need. */
const NOT_IN_IMAGE = ['bench/'];

function imageSources(facts: GoModuleFacts): GoModuleFacts {
  return { ...facts, sourcePaths: facts.sourcePaths.filter((p) => !NOT_IN_IMAGE.includes(p)) };
}

/** This repository: the library package, the plugin it builds with that library, and its test harness. */
export function cqSourceS3(options: RepositoryOptions = {}) {
  const project = libraryProject(options);
  const plugin = new CloudQueryGoPlugin(project, {
    name: PLUGIN_NAME,
    description: 'CloudQuery source plugin: syncs Parquet objects from S3 into CloudQuery tables',
    goModule: imageSources(options.goModule ?? readGoModule(project.outdir)),
    registries: [
      Registry.gcr({ project: varRef('GCP_PROJECT_ID') }),
      Registry.ghcr({ owner: 'cq-source-s3' }),
    ],
    // The release build pushes here by digest, untagged, with the workflow's GITHUB_TOKEN: the build
    // and end-to-end jobs never hold the Google identity, which only promote and sign (in the
    // release environment) get.
    staging: Registry.ghcr({ owner: 'cq-source-s3', namespace: 'staging' }),
    // The images builds start from, by tag until Renovate's first run pins their digests; Renovate
    // keeps tag and digest current here (renovate.json5; docs/releasing.md, "Keeping the pins current").
    dockerfileSyntax: { image: 'docker/dockerfile', tag: '1' },
    builderBase: { image: 'golang', tag: '1.26.8' },
    runtimeBase: { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot' },
    e2e: new S3EndToEnd({ localstack: { image: 'localstack/localstack', tag: '4.14.0' } }),
    setupSteps: [{ name: 'Install test prerequisites', run: 'npx projen setup' }],
    checkSteps: [
      { name: 'go vet, gofmt, go test -race', run: 'npx projen test:go' },
      { name: 'vitest unit suite', run: 'npx projen test:unit' },
      // setup built the CloudQuery CLI that tools/cloudquery pins; the suite runs its own moto.
      { name: 'CloudQuery CLI suite', run: 'npx projen test:cli' },
    ],
    // setup builds the registry tools and the CloudQuery CLI before the checks on a cold runner.
    timeoutMinutes: { checks: 45 },
    // Renovate updates the pins in this TypeScript; build.yml's self-mutation regenerates the rest.
    renovate: renovateOptions(),
  });
  addTestHarness(project, plugin);
  addPerformanceBench(project);
  addReleaseChainTasks(project, plugin);
  return { project, plugin };
}
