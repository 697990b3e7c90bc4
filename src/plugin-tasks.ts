import { Component, Project, TaskShell } from 'projen';
import { PluginImage } from './plugin-image';

export interface PluginTasksOptions {
  readonly image: PluginImage;
}

/**
 * projen tasks for the Go plugin: cross-compiled binaries with the Dockerfile's exact flags,
 * the tag CLI, docker wrappers (delegating to the Makefile, one definition), and the test chain.
 */
export class PluginTasks extends Component {
  /** `dist/<os>-<arch>/<name>` for each platform. */
  public readonly binaries: string[];

  constructor(project: Project, options: PluginTasksOptions) {
    super(project);
    const img = options.image;
    this.binaries = img.targets.map((t) => `dist/${t.dir}/${img.name}`);

    // POSIX sh: the steps use ${VAR:-default} and $(...), which projen's portable shell does not expand.
    const shell = TaskShell.sh();
    const binaries = project.addTask('build:binaries', {
      shell,
      description: `Cross-compile ${img.name} for ${img.platforms.join(', ')} with the Dockerfile's flags (VERSION env, default "development")`,
    });
    img.targets.forEach((t, i) => {
      binaries.say(`building ${this.binaries[i]}`);
      binaries.exec(img.goBuild.command({ version: '${VERSION:-development}', output: this.binaries[i], goos: t.os, goarch: t.arch }));
    });

    project.addTask('image-tags', {
      description: 'Compute image tags for a release tag: npx projen image-tags --tag vX.Y.Z --sha <commit>',
      exec: 'tsx src/cli/image-tags.ts',
      receiveArgs: true,
    });
    for (const [name, description] of [['docker-build', 'Build the image for this platform with a local Docker engine'], ['docker-push', 'Build the multi-arch image and push it']]) {
      project.addTask(name, { description, exec: `make --no-print-directory ${name}`, receiveArgs: true });
    }

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
    project.addTask('bench', {
      description: 'Measurements for BENCHMARKS.md: synth time, readiness, sync throughput and RSS, binary sizes',
      steps: [
        { exec: 'bash bench/synth.sh' },
        { spawn: 'build:binaries' },
        { exec: 'tsx bench/readiness.ts' },
        { exec: 'tsx bench/sync.ts' },
        { exec: 'bash bench/binary-sizes.sh' },
      ],
    });
    const unit = project.addTask('test:unit', { description: 'Type-check, then the vitest unit suite (generated files, tag scheme, workflows)' });
    unit.exec('tsc --noEmit -p test/tsconfig.json');
    unit.exec('tsc --noEmit -p projenrc/tsconfig.json');
    unit.exec('vitest run --project unit', { receiveArgs: true });
    const goTest = project.addTask('test:go', { shell, description: 'go.mod tidy, go vet, gofmt check and go test -race' });
    goTest.exec('go mod tidy -diff');
    goTest.exec('go vet ./...');
    goTest.exec('out=$(gofmt -l $(go list -f "{{.Dir}}" ./...)); test -z "$out" || { echo "gofmt would change: $out" >&2; exit 1; }');
    goTest.exec('go test -race -count=1 ./...');

    const test = project.tasks.tryFind('test')!;
    test.reset();
    test.spawn(unit);
    test.spawn(goTest);
    test.spawn(e2e);
    test.spawn(imageVerify);
    test.spawn(registryVerify);
  }
}
