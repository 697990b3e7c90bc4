import { Component } from 'projen/lib/component';
import { Project } from 'projen/lib/project';
import { Task } from 'projen/lib/task';
import { TaskShell } from 'projen/lib/task-shell';
import { UNRELEASED_VERSION } from './go-build';
import { PluginImage } from './plugin-image';

export interface PluginTasksOptions {
  /** The validated image description (platforms, binary name, build flags). */
  readonly image: PluginImage;
}

/**
 * projen tasks for the Go plugin: cross-compiled binaries with the Dockerfile's exact flags,
 * the Go checks, and docker wrappers that delegate to the Makefile (one definition). None of
 * them takes arguments: projen joins task arguments into an unquoted shell string, so values
 * reach these tasks as environment variables (`VERSION=v1.2.3 npx projen build:binaries`).
 */
export class PluginTasks extends Component {
  /** `dist/<os>-<arch>/<name>` for each platform. */
  public readonly binaries: string[];
  public readonly buildBinaries: Task;
  /** go.mod tidy, go vet, gofmt and go test -race. */
  public readonly goTest: Task;

  constructor(project: Project, options: PluginTasksOptions) {
    super(project);
    const img = options.image;
    this.binaries = img.targets.map((t) => `dist/${t.dir}/${img.name}`);

    // POSIX sh: the steps use ${VAR:-default} and $(...), which projen's portable shell does not expand.
    const shell = TaskShell.sh();
    this.buildBinaries = project.addTask('build:binaries', {
      shell,
      description: `Cross-compile ${img.name} for ${img.platforms.join(', ')} with the Dockerfile's flags (VERSION env, default "${UNRELEASED_VERSION}")`,
    });
    img.targets.forEach((t, i) => {
      this.buildBinaries.say(`building ${this.binaries[i]}`);
      this.buildBinaries.exec(img.goBuild.command({ version: `\${VERSION:-${UNRELEASED_VERSION}}`, output: this.binaries[i], goos: t.os, goarch: t.arch }));
    });

    for (const [name, description] of [['docker-build', 'Build the image for this platform with a local Docker engine (make docker-build)'], ['docker-push', 'Build the multi-arch image and push it (make docker-push)']]) {
      project.addTask(name, { description, exec: `make --no-print-directory ${name}` });
    }

    this.goTest = project.addTask('test:go', { shell, description: 'go.mod tidy, go vet, gofmt check and go test -race' });
    this.goTest.exec('go mod tidy -diff');
    this.goTest.exec(img.goBuild.vetCommand());
    this.goTest.exec('out=$(gofmt -l $(go list -f "{{.Dir}}" ./...)); test -z "$out" || { echo "gofmt would change: $out" >&2; exit 1; }');
    this.goTest.exec('go test -race -count=1 ./...');
    project.testTask.spawn(this.goTest);
  }
}
