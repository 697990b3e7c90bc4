import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dockerfile, parseGoMod, PluginImage, PluginImageOptions, readGoModule, Registry } from '../src';
import { REPO_ROOT, tempDir, tempProject } from './synth';

const goModule = readGoModule(REPO_ROOT);
const base: PluginImageOptions = { name: 'cq-source-s3', description: 'd', license: 'Apache-2.0', goModule };

/** Builds the image and a Dockerfile from options, synthesises, and returns the files written. */
function synthWith(options: Partial<PluginImageOptions>): string[] {
  const project = tempProject();
  new Dockerfile(project, { image: new PluginImage({ ...base, ...options }) });
  project.synth();
  return fs.readdirSync(project.outdir);
}

describe('bad options fail synthesis with an error naming the option, and write nothing', () => {
  it.each([
    [{ port: 0 }, 'PluginImage option "port" is invalid: 0 must be an integer from 1 to 65535'],
    [{ port: 65536 }, 'PluginImage option "port" is invalid: 65536'],
    [{ port: 77.7 }, 'option "port" is invalid'],
    [{ name: 'CQ-Source-S3' }, 'PluginImage option "name" is invalid: "CQ-Source-S3" must be lowercase'],
    [{ name: '' }, 'PluginImage option "name" is invalid'],
    [{ platforms: [] }, 'PluginImage option "platforms" is invalid: it must list at least one platform'],
    [{ platforms: ['linux/amd64', 'windows/amd64'] }, 'PluginImage option "platforms" is invalid: "windows/amd64" is not one of'],
    [{ platforms: ['linux/amd64', 'linux/amd64'] }, 'lists a platform twice'],
    [{ runtimeBase: { digest: 'sha256:1234' } }, 'PluginImage option "runtimeBase.digest" is invalid'],
    [{ runtimeBase: { image: 'GCR.io/Distroless' } }, 'PluginImage option "runtimeBase.image" is invalid'],
  ] as [Partial<PluginImageOptions>, string][])('%j', (options, message) => {
    const project = tempProject();
    expect(() => new Dockerfile(project, { image: new PluginImage({ ...base, ...options }) })).toThrow(message);
    expect(fs.readdirSync(project.outdir)).toEqual([]);
  });

  it.each([
    [() => Registry.gcr({ host: 'docker.io' as never, project: 'my-project' }), 'registry option "host" is invalid: "docker.io" is not a GCR host'],
    [() => Registry.gcr({ project: 'X' }), 'registry option "project" is invalid: "X" is not a GCP project id'],
    [() => Registry.ghcr({ owner: 'Bad Owner' }), 'registry option "owner" is invalid'],
    [() => Registry.artifactRegistry({ location: 'EU', project: 'my-project', repository: 'images' }), 'registry option "location" is invalid'],
    [() => Registry.artifactRegistry({ location: 'europe-west1', project: 'my-project', repository: 'Images!' }), 'registry option "repository" is invalid'],
  ])('registry %#', (make, message) => {
    expect(make).toThrow(message);
  });

  it('a valid configuration does write the Dockerfile (the checks above can pass)', () => {
    expect(synthWith({ port: 8080 })).toContain('Dockerfile');
  });
});

describe('registries', () => {
  it.each([
    [Registry.gcr({ project: 'my-project' }), 'gcr.io/my-project/p', 'gcr.io'],
    [Registry.gcr({ host: 'eu.gcr.io', project: '${{ vars.GCP_PROJECT_ID }}' }), 'eu.gcr.io/${{ vars.GCP_PROJECT_ID }}/p', 'eu.gcr.io'],
    [Registry.artifactRegistry({ location: 'europe-west1', project: 'my-project', repository: 'images' }), 'europe-west1-docker.pkg.dev/my-project/images/p', 'europe-west1-docker.pkg.dev'],
    [Registry.ghcr({ owner: 'octo-org' }), 'ghcr.io/octo-org/p', 'ghcr.io'],
  ])('%#: image name and login host', (registry, image, host) => {
    expect(registry.image('p')).toBe(image);
    expect(registry.host).toBe(host);
  });

  it('pins the runtime base by digest when given', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(new PluginImage({ ...base, runtimeBase: { digest } }).runtimeBase).toBe(`gcr.io/distroless/static-debian12:nonroot@${digest}`);
  });
});

describe('go.mod', () => {
  it('reads the module path and Go version of this repository', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'go.mod'), 'utf8');
    expect(goModule.modulePath).toBe(text.match(/^module (\S+)/m)![1]);
    expect(goModule.goVersion).toBe(text.match(/^go (\S+)/m)![1]);
  });

  it('prefers the toolchain directive for the builder image', () => {
    expect(parseGoMod('module example.com/a/b\ngo 1.26\ntoolchain go1.26.8\n').goVersion).toBe('1.26.8');
  });

  it.each([
    ['go 1.26\n', 'missing "module" directive'],
    ['module example.com/a/b\n', 'missing "go" directive'],
    ['module example.com/a/b\ngo one.two\n', 'Go version "one.two" is not of the form MAJOR.MINOR[.PATCH]'],
    ['module !!\ngo 1.26\n', '"module" directive "!!" is not a valid module path'],
  ])('malformed go.mod %j is rejected: %s', (text, message) => {
    expect(() => parseGoMod(text)).toThrow(message);
  });

  it('a missing go.mod is rejected with its path, and nothing is written', () => {
    const dir = tempDir();
    expect(() => readGoModule(dir)).toThrow(`go.mod not found at ${path.join(dir, 'go.mod')}`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
