import { github, Project } from 'projen';
import { BuildWorkflow, Dockerfile, DockerIgnore, GoModuleFacts, PluginImage, PluginMakefile, PluginTasks, Registry, ReleaseWorkflow } from '../src';

/** The plugin's name: binary, image and (in Go) plugin.Name. */
export const PLUGIN_NAME = 'cq-source-s3';

/** This repository's image description and the files rendered from it. Shared by .projenrc.ts and the tests. */
export function addReleaseFiles(project: Project, goModule: GoModuleFacts) {
  const owner = goModule.modulePath.split('/')[1];
  const image = new PluginImage({
    name: PLUGIN_NAME,
    description: 'CloudQuery source plugin: syncs Parquet objects from S3 into CloudQuery tables',
    license: 'Apache-2.0',
    goModule,
    registries: [
      Registry.gcr({ host: 'gcr.io', project: '${{ vars.GCP_PROJECT_ID }}' }),
      Registry.ghcr({ owner }),
    ],
  });
  return {
    image,
    dockerfile: new Dockerfile(project, { image }),
    dockerignore: new DockerIgnore(project, { image }),
    makefile: new PluginMakefile(project, { image }),
    tasks: new PluginTasks(project, { image }),
    releaseWorkflow: new ReleaseWorkflow(gitHub(project), { image }),
    buildWorkflow: new BuildWorkflow(gitHub(project)),
  };
}

function gitHub(project: Project): github.GitHub {
  return github.GitHub.of(project) ?? new github.GitHub(project, { mergify: false, pullRequestLint: false });
}
