import { typescript } from 'projen';

/**
 * The release chain's local tasks: image:reproduce (two builds per platform from empty storage and
 * caches must give one digest; part of test:images) and release:setup (the maintainer's one-time
 * gcloud and gh commands for this repository, or --check of what is missing).
 */
export function addReleaseChainTasks(project: typescript.TypeScriptProject): void {
  const reproduce = project.addTask('image:reproduce', {
    description: 'Build the Dockerfile twice per platform with buildah from empty storage and caches (--timestamp = commit time); print both digests and reproducible: yes|no',
    exec: 'tsx test/image/reproduce.ts',
  });
  project.tasks.tryFind('test:images')?.spawn(reproduce);
}
