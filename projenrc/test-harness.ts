import { Task } from 'projen/lib/task';
import * as typescript from 'projen/lib/typescript';
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
    description: 'The real CloudQuery CLI (.tools/bin/cloudquery, built by setup) drives the plugin and the test destination (internal/testkit/cqdest)',
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
  const unit = project.addTask('test:unit', { description: 'Type-check, then the vitest unit suite: the library\'s tests (test/library) and this repository\'s checks (test/repository)' });
  for (const step of TYPE_CHECKS) unit.exec(step);
  unit.exec('vitest run --project unit', { receiveArgs: true });
  const pkg = project.addTask('test:package', {
    description: 'Pack the library (npm pack compiles it), check API.md and the tarball, then adopt it in a second plugin repository that builds and runs what it generates',
  });
  pkg.spawn(project.packageTask);
  pkg.exec('vitest run --project package', { receiveArgs: true });

  // Suites that need a tool setup builds start by waiting for that build (scripts/await-tools.sh):
  // .ci/run runs setup with SETUP_TOOLS=background, so everything else runs while the tools build.
  registryVerify.prependExec(`bash scripts/await-tools.sh ${REGISTRY_TOOLS.join(' ')}`);
  cli.prependExec(`bash scripts/await-tools.sh ${CLI_TOOL}`);
  postgres.prependExec(`bash scripts/await-tools.sh ${CLI_TOOL} ${POSTGRES_DESTINATION_TOOL}`);

  const go = goCommands(plugin);
  resetGoTest(plugin.tasks.goTest, go);

  plugin.makefile.addTarget({ name: 'e2e', help: 'Run the end-to-end suite against the plugin binary and an S3 emulator', recipe: ['npx projen e2e'] });

  // The buildah suites spend their time copying layers, the CLI suite in the CLI, the plugin and
  // moto: run side by side they share two cores well, and they share no port or storage.
  const images = project.addTask('test:images', { description: 'The buildah suites in turn: image:verify, test:package, registry:verify' });
  images.spawn(imageVerify);
  images.spawn(pkg);
  images.spawn(registryVerify);
  const suites = project.addTask('test:suites', { description: 'The vitest suites in turn: test:unit, e2e, then test:images' });
  suites.spawn(unit);
  suites.spawn(e2e);
  suites.spawn(images);

  // Three lanes side by side: the Go checks (compiling and the race detector: CPU), the vitest
  // suites (moto, buildah: much waiting), and the CLI suite (waits for the CLI's build first).
  const test = project.testTask;
  test.reset();
  test.exec(`node scripts/parallel.mjs ${plugin.tasks.goTest.name} ${suites.name} ${cli.name} ${postgres.name}`);

  const quick = project.addTask('test:quick', {
    description: 'The one-minute inner loop: type checks, the unit suite without its folders that run programs, test/library/bins and test/repository/tools (vitest project unit-quick), go vet, go test -short (the decompression-bomb test left out) without -race and without the fault suite (results cached by go test)',
  });
  for (const step of TYPE_CHECKS) quick.exec(step);
  quick.exec('vitest run --project unit-quick');
  quick.exec(go.vet);
  quick.exec(`${go.test} -short $(go list ./... | grep -v '/test/faults$')`);

  project.addTask('test:stress', {
    description: 'The fault and cancellation tests (go test ./test/faults ./plugin) and the end-to-end suite while stress-ng keeps every core busy, RUNS times in a row (default 3); fails if any round fails',
    exec: 'bash scripts/stress.sh',
    env: { GO_TEST: go.test },
  });
}

/** The packages whose tests run under the race detector: where the plugin's concurrency lives. */
const RACE_PACKAGES = [
  // discovery's object workers, shards, the record sender
  './client',
  // the memory budget, recycled page buffers, the segment cache's fetchers, columns decoded in parallel
  './internal/parquetread',
  // the parallel listing's key ranges and the resumed ranged reads
  './internal/s3store',
  // the caller-status hold around the SDK's gRPC handlers (timers against the call's context)
  './plugin',
  // the fault proxy serves concurrent requests and is driven concurrently by its control API
  './internal/testkit/s3fault',
];

/** The type checks: incremental, with their state under node_modules/.cache (a warm check reads only what changed). */
const TYPE_CHECKS = ['test', 'projenrc'].map((dir) => `tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/tsc/${dir}.tsbuildinfo -p ${dir}/tsconfig.json`);

/** What setup builds in the background that registry:verify and test:cli wait for. */
const REGISTRY_TOOLS = ['registry', 'crane', 'cosign'];
const CLI_TOOL = 'cloudquery';
const POSTGRES_DESTINATION_TOOL = 'pg-destination';

interface GoCommands {
  /** `go vet` with the release build's environment and flags. */
  readonly vet: string;
  /**
   * `go test` with the release build's environment, -trimpath and tags, through GOFLAGS so that
   * the binaries tests build themselves (test/faults) get them too: all reuse the packages go vet
   * and build:binaries compiled instead of compiling the dependencies again for another configuration.
   */
  readonly test: string;
}

function goCommands(plugin: CloudQueryGoPlugin): GoCommands {
  const b = plugin.image.goBuild;
  const env = Object.entries(b.env).map(([k, v]) => `${k}=${v} `).join('');
  const tags = b.tags.length > 0 ? ` -tags=${b.tags.join(',')}` : '';
  return { vet: b.vetCommand(), test: `${env}GOFLAGS='-trimpath${tags}' go test` };
}

function resetGoTest(task: Task, go: GoCommands): void {
  task.reset();
  task.description = `go.mod tidy, go vet, gofmt check, go test of every package with the release build's flags (reusing what go vet compiled), then -race -short for ${RACE_PACKAGES.join(' ')}, where the concurrency is, then a 15 s fuzz run`;
  task.exec('go mod tidy -diff');
  task.exec(go.vet);
  task.exec('out=$(gofmt -l $(go list -f "{{.Dir}}" ./...)); test -z "$out" || { echo "gofmt would change: $out" >&2; exit 1; }');
  // Budgets, not estimates: a hung test fails with its goroutines' stacks instead of eating CI's time.
  task.exec(`${go.test} -count=1 -timeout 15m ./...`);
  // -short: the decompression-bomb test (1.8 GB decoded, minutes under the race detector) ran above.
  task.exec(`go test -race -short -count=1 -timeout 20m ${RACE_PACKAGES.join(' ')}`);
  // A short bounded fuzz run of the Parquet object decoder, from the seeds in internal/parquetread/testdata/fuzz.
  task.exec("go test -run '^$' -fuzz '^FuzzDecodeObject$' -fuzztime 15s -fuzzminimizetime 2s ./internal/parquetread");
}
