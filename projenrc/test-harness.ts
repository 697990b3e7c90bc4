import { typescript } from 'projen';
import { CloudQueryGoPlugin } from '../src';

/**
 * This repository's own harness (not part of the package): machine setup, the end-to-end suite
 * over an S3 emulator, the buildah image check, the CloudQuery CLI suite, the PostgreSQL suite,
 * benchmarks, the unit
 * suite, the package test, and the order `npx projen test` runs them in.
 */
export function addTestHarness(project: typescript.TypeScriptProject, plugin: CloudQueryGoPlugin): void {
  project.addTask('setup', {
    description: 'Install what the tests need on a Debian machine (apt packages, S3 emulator venv, Go modules, actionlint, registry tools)',
    exec: 'bash scripts/setup.sh',
  });
  const e2e = project.addTask('e2e', {
    description: 'End-to-end: drive the plugin over gRPC against an S3 emulator (PLUGIN_ADDRESS / S3_ENDPOINT to use running ones)',
    exec: 'vitest run --project e2e',
    receiveArgs: true,
  });
  const imageVerify = project.addTask('image:verify', {
    description: 'Build the generated Dockerfile with buildah against local stand-in bases, inspect it, and run the smoke suite in it',
    exec: 'vitest run --project image',
    receiveArgs: true,
  });
  const registryVerify = project.addTask('registry:verify', {
    description: 'Release promotion against two loopback registries: buildah multi-arch index, promote, both platforms run, cosign sign/verify',
    exec: 'vitest run --project registry',
    receiveArgs: true,
  });
  const cli = project.addTask('test:cli', {
    description: 'The real CloudQuery CLI (.tools/bin/cloudquery, built by setup) drives the plugin and the test destination (test/cqdest)',
    exec: 'vitest run --project cli',
    receiveArgs: true,
  });
  const postgres = project.addTask('test:postgres', {
    description: 'The README\'s configuration run for real: the CLI, the plugin, CloudQuery\'s PostgreSQL destination (.tools/bin, built by setup) and a throw-away PostgreSQL 15',
    exec: 'vitest run --project postgres',
    receiveArgs: true,
  });
  project.addTask('bench', {
    description: 'Measurements for BENCHMARKS.md: synth time, readiness, sync throughput and RSS, incremental sync through the CLI, binary sizes, sharding at scale',
    steps: [
      { exec: 'bash bench/synth.sh' },
      { spawn: 'build:binaries' },
      { exec: 'tsx bench/readiness.ts' },
      { exec: 'tsx bench/sync.ts' },
      { exec: 'tsx bench/incremental.ts' },
      { exec: 'bash bench/binary-sizes.sh' },
      // The sharding simulation (an in-process S3 server, 20 ms a request): about 40 minutes.
      { exec: 'go run ./bench/shardsim' },
    ],
  });
  const unit = project.addTask('test:unit', { description: 'Type-check, then the vitest unit suite (generated files, tag scheme, option validation, workflows)' });
  unit.exec('tsc --noEmit -p test/tsconfig.json');
  unit.exec('tsc --noEmit -p projenrc/tsconfig.json');
  unit.exec('vitest run --project unit', { receiveArgs: true });
  const pkg = project.addTask('test:package', {
    description: 'Pack the library (npm pack compiles it), check API.md and the tarball, then adopt it in a second plugin repository that builds and runs what it generates',
  });
  pkg.spawn(project.packageTask);
  pkg.exec('vitest run --project package', { receiveArgs: true });

  // A short bounded fuzz run of the Parquet object decoder, from the seeds in client/testdata/fuzz.
  plugin.tasks.goTest.exec("go test -run '^$' -fuzz '^FuzzDecodeObject$' -fuzztime 15s -fuzzminimizetime 2s ./client");

  plugin.makefile.addTarget({ name: 'e2e', help: 'Run the end-to-end suite against the plugin binary and an S3 emulator', recipe: ['npx projen e2e'] });

  // The buildah suites spend their time copying layers, the CLI suite in the CLI, the plugin and
  // moto: run side by side they share two cores well, and they share no port or storage.
  const images = project.addTask('test:images', { description: 'The buildah suites in turn: image:verify, test:package, registry:verify' });
  images.spawn(imageVerify);
  images.spawn(pkg);
  images.spawn(registryVerify);

  const test = project.testTask;
  test.reset();
  test.spawn(unit);
  test.spawn(plugin.tasks.goTest);
  test.spawn(e2e);
  test.exec(`node scripts/parallel.mjs ${images.name} ${cli.name} ${postgres.name}`);
}
