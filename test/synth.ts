import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { javascript, Project, ProjenrcFile } from 'projen';
import { cqSourceS3 } from '../projenrc/cq-source-s3';
import { readGoModule } from '../src';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** A fresh empty directory; projen test projects must never default to the working directory. */
export function tempDir(prefix = 'cq-s3-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Declares .projenrc.ts as the project's source so markers read as they do in this repository. */
class TypeScriptProjenrc extends ProjenrcFile {
  public readonly filePath = '.projenrc.ts';
}

/** What a plugin repository's Node project switches off by hand (what CloudQueryGoPluginProject does for it). */
export const OFF_SWITCHES = {
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  jest: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  githubOptions: { mergify: false, pullRequestLint: false },
} satisfies Partial<javascript.NodeProjectOptions>;

/** A Node project in a temp outdir, as a plugin repository would have (Node 24 workflows, a GitHub component). */
export function tempNodeProject(options: Partial<javascript.NodeProjectOptions> = {}): javascript.NodeProject {
  const project = new javascript.NodeProject({
    ...OFF_SWITCHES,
    name: 'other-plugin',
    outdir: tempDir('node-project-'),
    workflowNodeVersion: '24',
    license: 'MIT',
    copyrightOwner: 'acme',
    ...options,
  });
  new TypeScriptProjenrc(project);
  return project;
}

/** Synthesises without post-synthesis steps (no npm install in the temp dir). */
export function synthQuietly(project: Project): (file: string) => string {
  const saved = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    project.synth();
  } finally {
    if (saved === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = saved;
  }
  return (file: string) => fs.readFileSync(path.join(project.outdir, file), 'utf8');
}

type Tasks = Record<string, { shell?: string[]; steps?: { exec?: string; spawn?: string }[] }>;

/** This repository's configuration (the same function .projenrc.ts calls), synthesised into a temp dir. */
export function synthRepository() {
  const { project, plugin } = cqSourceS3({ outdir: tempDir('cq-s3-repo-'), goModule: readGoModule(REPO_ROOT) });
  const read = synthQuietly(project);
  const tasks = JSON.parse(read('.projen/tasks.json')).tasks as Tasks;
  return { project, plugin, image: plugin.image, read, tasks };
}
