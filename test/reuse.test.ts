import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { github } from 'projen';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { releaseProblems } from './workflow-policy';
import { tempDir, tempProject } from './synth';
import { BuildWorkflow, Dockerfile, DockerIgnore, PluginImage, PluginMakefile, PluginTasks, readGoModule, Registry, ReleaseWorkflow } from '../src';

/** Another Go CloudQuery plugin repository using the components with different facts. */
function otherPlugin() {
  const repo = tempDir('other-plugin-');
  fs.writeFileSync(path.join(repo, 'go.mod'), 'module github.com/acme/cq-source-foo\n\ngo 1.25\n\ntoolchain go1.25.4\n');
  fs.writeFileSync(path.join(repo, 'go.sum'), '');
  fs.writeFileSync(path.join(repo, 'main.go'), 'package main\n');
  fs.mkdirSync(path.join(repo, 'internal/foo'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'internal/foo/foo.go'), 'package foo\n');
  const project = tempProject();
  const image = new PluginImage({
    name: 'cq-source-foo',
    description: 'Foo',
    license: 'MIT',
    goModule: readGoModule(repo),
    port: 7000,
    platforms: ['linux/amd64'],
    runtimeBase: { digest: `sha256:${'b'.repeat(64)}` },
    registries: [Registry.artifactRegistry({ location: 'europe-west1', project: 'acme-images', repository: 'plugins' })],
  });
  const gh = new github.GitHub(project, { mergify: false, pullRequestLint: false });
  new Dockerfile(project, { image });
  new DockerIgnore(project, { image });
  new PluginMakefile(project, { image });
  new PluginTasks(project, { image });
  new ReleaseWorkflow(gh, { image, localstackImage: 'localstack/localstack:4.13.1' });
  new BuildWorkflow(gh);
  project.synth();
  const read = (f: string) => fs.readFileSync(path.join(project.outdir, f), 'utf8');
  return { image, read };
}

describe('the components in another plugin repository', () => {
  const { image, read } = otherPlugin();

  it('the Dockerfile takes the module, toolchain, name, port and pinned base from that repository', () => {
    const text = read('Dockerfile');
    const froms = DockerfileParser.parse(text).getFROMs();
    expect(froms.map((f) => f.getImage())).toEqual(['golang:1.25.4', `gcr.io/distroless/static-debian12:nonroot@sha256:${'b'.repeat(64)}`]);
    expect(text).toContain('-X github.com/acme/cq-source-foo/plugin.Version=${VERSION}');
    expect(text).toContain('COPY --from=builder /out/cq-source-foo /cq-source-foo');
    expect(text).toContain('EXPOSE 7000');
    expect(text).toContain('CMD ["serve", "--address", "[::]:7000"');
    expect(text).toContain('org.opencontainers.image.licenses="MIT"');
  });

  it('the .dockerignore lets in that repository\'s Go sources', () => {
    expect(read('.dockerignore')).toContain('!go.mod\n!go.sum\n!internal/\n!main.go\n');
  });

  it('the Makefile and build:binaries follow the platforms and image', () => {
    const make = read('Makefile');
    expect(make).toContain('IMAGE ?= europe-west1-docker.pkg.dev/acme-images/plugins/cq-source-foo');
    expect(make).toContain('PLATFORMS ?= linux/amd64\n');
    const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
    expect(tasks['build:binaries'].steps.filter((s: { exec?: string }) => s.exec).map((s: { exec: string }) => s.exec.split(' -o ')[1])).toEqual(['dist/linux-amd64/cq-source-foo .']);
  });

  it('the release workflow publishes that platform to Artifact Registry only, keeping every safety property', () => {
    const text = read('.github/workflows/release.yml');
    const doc = parse(text);
    expect(releaseProblems(doc, text, image.platforms)).toEqual([]);
    const logins = doc.jobs.publish.steps.filter((s: { uses?: string }) => s.uses?.startsWith('docker/login-action@')).map((s: { with: { registry: string } }) => s.with.registry);
    expect(logins).toEqual(['europe-west1-docker.pkg.dev']);
    expect(doc.jobs.e2e.services.localstack.image).toBe('localstack/localstack:4.13.1');
    expect(doc.jobs.prepare.steps.find((s: { id?: string }) => s.id === 'tags').env.IMAGES).toBe('europe_west1_docker_pkg_dev=europe-west1-docker.pkg.dev/acme-images/plugins/cq-source-foo');
    expect(doc.jobs.e2e.steps.find((s: { run?: string }) => s.run === 'npx projen e2e').env.PLUGIN_ADDRESS).toBe('127.0.0.1:7000');
  });

  it('a release needs at least one registry', () => {
    const gh = new github.GitHub(tempProject(), { mergify: false, pullRequestLint: false });
    const bare = new PluginImage({ name: 'x', description: 'x', license: 'MIT', goModule: { modulePath: 'github.com/a/x', goVersion: '1.26', sourcePaths: ['go.mod'] } });
    expect(() => new ReleaseWorkflow(gh, { image: bare })).toThrow('ReleaseWorkflow option "image.registries" is invalid: a release needs at least one registry to publish to');
  });
});

