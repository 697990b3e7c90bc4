import * as typescript from 'projen/lib/typescript';
import { CloudQueryGoPlugin, registries } from '../src';

/**
 * The release chain's local tasks: image:reproduce (two builds per platform from empty storage and
 * caches must give one digest; part of test:images) and release:setup (the maintainer's one-time
 * gcloud and gh commands for this repository, or --check of what is missing).
 */
export function addReleaseChainTasks(project: typescript.TypeScriptProject, plugin: CloudQueryGoPlugin): void {
  const reproduce = project.addTask('image:reproduce', {
    description: 'Build the Dockerfile twice per platform with buildah from empty storage and caches (--timestamp = commit time); print both digests and reproducible: yes|no',
    exec: 'tsx test/image/reproduce.ts',
  });
  // In the test suite the Go build cache mount is this machine's (test/image/reproduce.ts says why);
  // storage and module cache stay empty, and the release's independent rebuild compiles cold.
  const suiteReproduce = project.addTask('test:reproduce', {
    description: 'image:reproduce with the Go build cache mount linked to this machine\'s (empty storage and module cache): the test suite\'s reproducibility check',
    exec: reproduce.steps[0].exec!,
    env: { REPRODUCE_GO_BUILD_CACHE: 'host' },
  });
  project.tasks.tryFind('test:images')?.spawn(suiteReproduce);

  // The repository, the plugin, the gcr.io host and the environment come from this project's own configuration.
  const repository = /github\.com\/([^/]+\/[^/.]+)/.exec(String(project.package.manifest.repository?.url ?? ''))?.[1];
  if (!repository) throw new Error('release:setup needs the package\'s repository URL on github.com');
  const gcr = plugin.image.registries.find((r) => registries.GCR_HOSTS.includes(r.host as never));
  project.addTask('release:setup', {
    description: 'Print the one-time gcloud and gh commands of the release for this repository (--check: report what is missing; --project <id> or GCP_PROJECT_ID)',
    exec: ['tsx src/cli/release-setup.ts', `--repository ${repository}`, `--plugin ${plugin.image.name}`, ...(gcr ? [`--gcr-host ${gcr.host}`] : []),
      `--environment ${plugin.releaseWorkflow.release.environment}`].join(' '),
    receiveArgs: true,
  });
}
