import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { javascript } from 'projen';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { buildProblems, imageJobProblems, releaseProblems } from '../workflow-policy';
import { runStep } from '../run-step';
import { synthQuietly, tempDir, tempNodeProject } from '../synth';
import { CloudQueryGoPlugin, CloudQueryGoPluginOptions, EndToEndContext, readGoModule, Registry, varRef } from '../../src';
import { parseImageReference } from '../../src/core/docker-reference';
import { idFromPrefix } from '../../src/registries/registry';
import { EndToEndJobs } from '../../src/workflows/end-to-end';
import { ReleaseSettings } from '../../src/workflows/release';

/** Another Go CloudQuery plugin repository on disk: CloudQuery's layout, with Version in resources/plugin. */
function otherRepository(): string {
  const repo = tempDir('other-plugin-');
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  };
  write('go.mod', 'module github.com/acme/cq-source-foo\n\ngo 1.25\n\ntoolchain go1.25.4\n');
  write('go.sum', '');
  write('main.go', 'package main\n');
  write('resources/plugin/plugin.go', 'package plugin\n\nvar (\n\tName    = "foo"\n\tVersion = "development"\n)\n');
  write('client/client.go', 'package client\n');
  return repo;
}

function synth(options: Partial<CloudQueryGoPluginOptions>, project: javascript.NodeProject = tempNodeProject()) {
  const plugin = new CloudQueryGoPlugin(project, {
    name: 'cq-source-foo',
    description: 'Foo',
    goModule: readGoModule(otherRepository()),
    versionPackage: 'resources/plugin',
    registries: [Registry.ghcr({ owner: 'acme' })],
    ...options,
  });
  const read = synthQuietly(project);
  return { plugin, read, release: parse(read('.github/workflows/release.yml')), build: parse(read('.github/workflows/build.yml')) };
}

const steps = (job: any, action: string) => job.steps.filter((s: any) => s.uses?.startsWith(`${action}@`));

describe('CloudQueryGoPlugin in another plugin repository', () => {
  describe('Artifact Registry, ECR and GHCR; resources/plugin; no build tags; three platforms; no end-to-end suite', () => {
    const out = synth({
      platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
      buildTags: [],
      port: 7000,
      registries: [
        Registry.artifactRegistry({ location: 'europe-west1', project: 'acme-images', repository: 'plugins' }),
        Registry.ecr({ account: '123456789012', region: 'eu-west-1', namespace: 'cloudquery' }),
        Registry.ghcr({ owner: 'acme' }),
      ],
    });

    it('stamps <module>/resources/plugin.Version, with no -tags flag, in the Dockerfile, the Makefile and build:binaries', () => {
      const flags = '-trimpath -buildvcs=false -ldflags "-s -w -X github.com/acme/cq-source-foo/resources/plugin.Version=';
      expect(out.read('Dockerfile')).toContain(`go build ${flags}\${VERSION}" -o /out/cq-source-foo .`);
      expect(out.read('Makefile')).toContain(`go build ${flags}$$VERSION" -o dist/cq-source-foo .`);
      const tasks = JSON.parse(out.read('.projen/tasks.json')).tasks;
      expect(tasks['build:binaries'].steps.filter((s: any) => s.exec).map((s: any) => s.exec)).toEqual(['amd64', 'arm64', 's390x'].map((arch) =>
        `CGO_ENABLED=0 GOOS=linux GOARCH=${arch} go build ${flags}\${VERSION:-development}" -o dist/linux-${arch}/cq-source-foo .`));
    });

    it('builds FROM the toolchain of that go.mod and lets its Go sources into the context', () => {
      expect(DockerfileParser.parse(out.read('Dockerfile')).getFROMs()[0].getImage()).toBe('golang:1.25.4');
      expect(out.read('.dockerignore')).toContain('*\n!go.mod\n!go.sum\n!client/\n!main.go\n!resources/\n');
    });

    it('the release workflow keeps every safety property; s390x has no native runner, so no leg', () => {
      const text = out.read('.github/workflows/release.yml');
      expect(releaseProblems(out.release, text, {
        platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'], registries: 3, legs: { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' },
      })).toEqual([]);
    });

    it('each registry contributes its login to promote: Google WIF, AWS OIDC role and ECR login, GITHUB_TOKEN; sign logs in to staging only', () => {
      const { promote, sign } = out.release.jobs;
      expect(promote.permissions).toEqual(expect.objectContaining({ 'contents': 'write', 'id-token': 'write', 'packages': 'write' }));
      expect(steps(promote, 'google-github-actions/auth')).toHaveLength(1);
      expect(steps(promote, 'aws-actions/configure-aws-credentials').map((s: any) => s.with)).toEqual([{ 'role-to-assume': '${{ vars.AWS_ROLE_TO_ASSUME }}', 'aws-region': 'eu-west-1' }]);
      expect(steps(promote, 'aws-actions/amazon-ecr-login').map((s: any) => s.with)).toEqual([{ 'registries': '123456789012', 'mask-password': true }]);
      expect(steps(promote, 'docker/login-action').map((s: any) => s.with.registry)).toEqual(['europe-west1-docker.pkg.dev', 'ghcr.io']);
      // Staging is the Artifact Registry here: sign signs there, with its WIF login and nothing else.
      expect(steps(sign, 'google-github-actions/auth')).toHaveLength(1);
      expect(steps(sign, 'aws-actions/configure-aws-credentials')).toHaveLength(0);
      expect(steps(sign, 'docker/login-action').map((s: any) => s.with.registry)).toEqual(['europe-west1-docker.pkg.dev']);
    });

    it('without a staging option the first registry stages the build: build and e2e log in there, inside the release environment', () => {
      const { build, e2e } = out.release.jobs;
      const staged = 'type=image,name=europe-west1-docker.pkg.dev/acme-images/plugins/cq-source-foo,push-by-digest=true,name-canonical=true,push=true,rewrite-timestamp=true';
      expect(build.steps.find((s: any) => s.id === 'build').with.outputs).toBe(staged);
      for (const job of [build, e2e]) {
        expect(job.environment).toBe('release');
        expect(job.permissions['id-token']).toBe('write');
        expect(steps(job, 'google-github-actions/auth')).toHaveLength(1);
        expect(steps(job, 'aws-actions/configure-aws-credentials')).toHaveLength(0);
      }
      expect(out.release.jobs.promote.steps.find((s: any) => s.id === 'promote').env.SOURCE).toBe('europe-west1-docker.pkg.dev/acme-images/plugins/cq-source-foo');
    });

    it('the configuration check demands only the variables these registries read: no GCP_PROJECT_ID', () => {
      const checks = out.release.jobs.prepare.steps.filter((s: any) => s.name?.startsWith('Check the configuration'));
      expect(checks.map((s: any) => Object.keys(s.env))).toEqual([['GCP_WORKLOAD_IDENTITY_PROVIDER', 'GCP_SERVICE_ACCOUNT'], ['AWS_ROLE_TO_ASSUME']]);
      const r = runStep(checks[1], { AWS_ROLE_TO_ASSUME: '' });
      expect(r.status).not.toBe(0);
      expect(r.stdout.trim()).toBe('::error::registry r_123456789012_dkr_ecr_eu_west_1_amazonaws_com_cloudquery: repository variables or secrets not set: AWS_ROLE_TO_ASSUME');
    });

    it('without a suite, each e2e leg pulls the staged digest and checks it reports the release version', () => {
      const e2e = out.release.jobs.e2e;
      expect(e2e.services).toBeUndefined();
      expect(e2e.steps.map((s: any) => s.name)).toEqual(['Authenticate to Google Cloud (Workload Identity Federation)', 'Log in to europe-west1-docker.pkg.dev', 'Pull the staged image by digest', 'The image reports the version it was built with']);
      const check = e2e.steps[3];
      const docker = (output: string) => `echo "${output}"`;
      expect(runStep(check, { IMAGE: 'x', VERSION: 'v1.2.3' }, { docker: docker('cq-source-foo version v1.2.3') }).status).toBe(0);
      const wrong = runStep(check, { IMAGE: 'x', VERSION: 'v1.2.3' }, { docker: docker('cq-source-foo version development') });
      expect(wrong.status).not.toBe(0);
      expect(wrong.stdout).toContain('::error::the image reports "cq-source-foo version development", not version v1.2.3');
    });

    it('build.yml runs the checks (npx projen test) and no end-to-end steps; its image job builds the three platforms and runs amd64', () => {
      expect(buildProblems(out.build, out.read('.github/workflows/build.yml'), ['npx projen test'])).toEqual([]);
      expect(imageJobProblems(out.build, ['linux/amd64', 'linux/arm64', 'linux/s390x'])).toEqual([]);
      expect(out.build.jobs.build.services).toBeUndefined();
      expect(out.build.jobs.image.services).toBeUndefined();
    });
  });

  describe('two gcr.io projects on one host', () => {
    const out = synth({ registries: [Registry.gcr({ project: 'acme-one' }), Registry.gcr({ project: varRef('SECOND_PROJECT') })] });

    it('get distinct ids, outputs and release-note images, and one Google login', () => {
      expect(out.plugin.image.registries.map((r) => r.id)).toEqual(['gcr_io_acme_one', 'gcr_io_second_project']);
      expect(out.release.jobs.promote.steps.find((s: any) => s.id === 'promote').env).toEqual(expect.objectContaining({
        IMAGE_GCR_IO_ACME_ONE: 'gcr.io/acme-one/cq-source-foo', IMAGE_GCR_IO_SECOND_PROJECT: 'gcr.io/${{ vars.SECOND_PROJECT }}/cq-source-foo',
      }));
      const notes = out.release.jobs.promote.steps.find((s: any) => /release-notes/.test(s.run ?? ''));
      expect(notes.run).toContain('--image="$IMAGE_GCR_IO_ACME_ONE" --image="$IMAGE_GCR_IO_SECOND_PROJECT"');
      expect(notes.env).toEqual(expect.objectContaining({ IMAGE_GCR_IO_ACME_ONE: 'gcr.io/acme-one/cq-source-foo', IMAGE_GCR_IO_SECOND_PROJECT: 'gcr.io/${{ vars.SECOND_PROJECT }}/cq-source-foo' }));
      expect(steps(out.release.jobs.promote, 'google-github-actions/auth')).toHaveLength(1);
      expect(steps(out.release.jobs.promote, 'docker/login-action')).toHaveLength(1);
    });

    it('only the second demands its project variable', () => {
      const checks = out.release.jobs.prepare.steps.filter((s: any) => s.name?.startsWith('Check the configuration'));
      expect(checks.map((s: any) => Object.keys(s.env))).toEqual([
        ['GCP_WORKLOAD_IDENTITY_PROVIDER', 'GCP_SERVICE_ACCOUNT'],
        ['SECOND_PROJECT', 'GCP_WORKLOAD_IDENTITY_PROVIDER', 'GCP_SERVICE_ACCOUNT'],
      ]);
    });
  });

  describe('Node version, default branch and runners come from the projen project', () => {
    const project = tempNodeProject({
      workflowNodeVersion: '22.12.0',
      release: true,
      defaultReleaseBranch: 'trunk',
      releaseWorkflowName: 'npm-release',
      githubOptions: { mergify: false, pullRequestLint: false, workflowRunsOn: ['self-hosted', 'linux'] },
    });
    const out = synth({}, project);

    it('as projen\'s own workflows read them', () => {
      for (const doc of [out.release, out.build]) {
        for (const [id, job] of Object.entries<any>(doc.jobs)) {
          // The end-to-end legs run each platform on a runner of its own architecture (nativeRunners).
          expect(job['runs-on']).toEqual(id === 'e2e' ? '${{ matrix.runner }}' : ['self-hosted', 'linux']);
          for (const s of steps(job, 'actions/setup-node')) expect(s.with['node-version']).toBe('22.12.0');
        }
      }
      expect(out.build.on.push.branches).toEqual(['trunk']);
    });

    it('options win over the project', () => {
      const o = synth({ nodeVersion: '24', defaultBranch: 'develop', runsOn: ['ubuntu-24.04'] });
      expect(o.build.on.push.branches).toEqual(['develop']);
      expect(o.build.jobs.build['runs-on']).toBe('ubuntu-24.04');
      expect(steps(o.build.jobs.build, 'actions/setup-node')[0].with['node-version']).toBe('24');
    });
  });

  it('an end-to-end suite is asked for each workflow; its services, container environment and steps land in both', () => {
    const asked: EndToEndContext[] = [];
    const out = synth({
      e2e: {
        job: (context) => {
          asked.push(context);
          return {
            services: { minio: { image: 'minio/minio:RELEASE.2025-01-01', ports: [9000], options: '--health-cmd "true"' } },
            containerEnv: { FOO_TOKEN: context.workflow === 'release' ? '${{ secrets.FOO_TOKEN }}' : 'test' },
            steps: [{ name: 'Suite', run: 'npx projen e2e' }],
          };
        },
      },
    });
    expect(asked).toEqual([{ workflow: 'build', target: 'checkout' }, { workflow: 'build', target: 'image' }, { workflow: 'release', target: 'image' }]);
    expect(out.build.jobs.build.services.minio).toEqual({ image: 'minio/minio:RELEASE.2025-01-01', ports: [9000], options: '--health-cmd "true"' });
    expect(out.build.jobs.build.steps.at(-1)).toMatchObject({ name: 'Suite', run: 'npx projen e2e' });
    expect(out.build.jobs.image.services.minio.options).toBe('--health-cmd "true"');
    expect(out.build.jobs.image.steps.find((s: any) => s.name === 'Start the plugin container').env.FOO_TOKEN).toBe('test');
    const e2e = out.release.jobs.e2e;
    expect(e2e.services.minio.options).toBe('--health-cmd "true"');
    const start = e2e.steps.find((s: any) => s.name === 'Start the plugin container');
    expect(start.env.FOO_TOKEN).toBe('${{ secrets.FOO_TOKEN }}');
    expect(start.run).toBe('docker run -d --name plugin --network host -e FOO_TOKEN "$IMAGE"');
    expect(e2e.env).toEqual({ PLUGIN_ADDRESS: '127.0.0.1:7777', PLUGIN_VERSION: '${{ github.ref_name }}' });
  });

  it.each([
    [{ image: 'alpine', tag: '3.20' }, 'alpine:3.20'],
    [{ image: 'localhost:5000/base/static', digest: `sha256:${'b'.repeat(64)}` }, `localhost:5000/base/static:nonroot@sha256:${'b'.repeat(64)}`],
  ])('the runtime base %j is a valid reference: FROM %s', (runtimeBase, from) => {
    const out = synth({ runtimeBase });
    expect(DockerfileParser.parse(out.read('Dockerfile')).getFROMs()[1].getImage()).toBe(from);
  });

  describe('bases pinned by digest', () => {
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const pinned = synth({
      dockerfileSyntax: { image: 'docker/dockerfile', tag: '1.19', digest: digest('1') },
      builderBase: { image: 'golang', tag: '1.25.4-trixie', digest: digest('2') },
      runtimeBase: { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot', digest: digest('3') },
    });
    const text = pinned.read('Dockerfile');
    const froms = DockerfileParser.parse(text).getFROMs();

    it('render image:tag@sha256:… in the syntax directive and both FROM lines', () => {
      expect(text.split('\n')[0]).toBe(`# syntax=docker/dockerfile:1.19@${digest('1')}`);
      expect(froms.map((f) => f.getImage())).toEqual([`golang:1.25.4-trixie@${digest('2')}`, `gcr.io/distroless/static-debian13:nonroot@${digest('3')}`]);
    });

    it('parse back into the pinned name, tag and digest (the reference grammar)', () => {
      const syntax = text.split('\n')[0].replace('# syntax=', '');
      expect([syntax, ...froms.map((f) => f.getImage()!)].map((r) => parseImageReference(r))).toEqual([
        { name: 'docker/dockerfile', tag: '1.19', digest: digest('1') },
        { name: 'golang', tag: '1.25.4-trixie', digest: digest('2') },
        { name: 'gcr.io/distroless/static-debian13', tag: 'nonroot', digest: digest('3') },
      ]);
      expect(froms.map((f) => f.getImageDigest())).toEqual([digest('2'), digest('3')]);
    });

    it('say nothing about unpinned bases when every base is pinned', () => {
      expect(text).not.toContain('Not pinned');
      expect(pinned.plugin.image.baseImages.every((b) => b.pinned)).toBe(true);
    });

    it('an unpinned base is named in one comment line under the marker, and used by tag', () => {
      const partly = synth({ runtimeBase: { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot', digest: digest('3') } });
      const lines = partly.read('Dockerfile').split('\n');
      expect(lines[0]).toBe('# syntax=docker/dockerfile:1');
      expect(lines[2]).toBe('# Not pinned by digest yet (the update bot\'s first run pins them): docker/dockerfile:1, golang:1.25.4');
      expect(lines).toContain('FROM --platform=$BUILDPLATFORM golang:1.25.4 AS builder');
    });
  });

  it.each([
    ['gcr.io/acme-images', 'gcr_io_acme_images'],
    ['gcr.io/${{ vars.GCP_PROJECT_ID }}', 'gcr_io_gcp_project_id'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'r_123456789012_dkr_ecr_eu_west_1_amazonaws_com'],
  ])('registry id of %s is %s', (prefix, id) => {
    expect(idFromPrefix(prefix)).toBe(id);
  });
});

describe('the options are validated once and the results passed down', () => {
  it('makes the release settings once, and release.yml is built from that value', () => {
    const of = vi.spyOn(ReleaseSettings, 'of');
    try {
      const { plugin } = synth({});
      expect(of).toHaveBeenCalledTimes(1);
      expect(plugin.releaseWorkflow.release).toBe(of.mock.results[0].value);
    } finally {
      of.mockRestore();
    }
  });

  it('asks the suite for each workflow\'s job once, and validates the jobs once for both workflows', () => {
    const asked: EndToEndContext[] = [];
    const of = vi.spyOn(EndToEndJobs, 'of');
    try {
      synth({ e2e: { job: (context) => (asked.push(context), { steps: [{ name: 'Suite', run: 'npx projen e2e' }] }) } });
      expect(asked).toEqual([{ workflow: 'build', target: 'checkout' }, { workflow: 'build', target: 'image' }, { workflow: 'release', target: 'image' }]);
      expect(of).toHaveBeenCalledTimes(1);
    } finally {
      of.mockRestore();
    }
  });
});
