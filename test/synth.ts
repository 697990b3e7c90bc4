import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Project, ProjenrcFile } from 'projen';
import { addReleaseFiles } from '../projenrc/release-files';
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

/** A bare projen project in a temp outdir. */
export function tempProject(): Project {
  const project = new Project({ name: 'synth-test', outdir: tempDir() });
  new TypeScriptProjenrc(project);
  return project;
}

/** Synthesises this repository's release files (same code as .projenrc.ts) into a temp dir. */
export function synthReleaseFiles() {
  const project = tempProject();
  const parts = addReleaseFiles(project, readGoModule(REPO_ROOT));
  project.synth();
  const read = (file: string) => fs.readFileSync(path.join(project.outdir, file), 'utf8');
  const tasks = JSON.parse(read('.projen/tasks.json')).tasks as Record<string, { steps?: { exec?: string; spawn?: string }[] }>;
  return { ...parts, project, read, tasks };
}
