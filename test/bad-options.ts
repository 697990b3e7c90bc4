/*
 * Bad options, each with the exact one-line message it must produce. The cases take the
 * library and projen as parameters, so the same table runs against src/ (unit suite) and
 * against the packed package installed in another repository (package suite).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Projen from 'projen';
import { expect } from 'vitest';
import type * as Lib from '../src';

export interface BadOptionCase {
  readonly title: string;
  /** Builds a project in `outdir` with one bad option; must throw `message` and write nothing. */
  readonly build: (outdir: string) => void;
  readonly message: string;
}

const SHA = `sha256:${'a'.repeat(64)}`;

export function badOptionCases(lib: typeof Lib, projen: typeof Projen): BadOptionCase[] {
  const { CloudQueryGoPlugin, Registry, secretRef, varRef } = lib;
  const { GoBuild } = lib.plugin;
  type Options = Lib.CloudQueryGoPluginOptions;
  const goModule: Lib.GoModuleFacts = {
    modulePath: 'github.com/acme/cq-source-hello',
    goVersion: '1.26.8',
    sourcePaths: ['go.mod', 'go.sum', 'main.go', 'resources/'],
    versionPackages: ['resources/plugin'],
  };
  const project = (outdir: string, extra: Partial<Projen.javascript.NodeProjectOptions> = {}) => new projen.javascript.NodeProject({
    name: 'cq-source-hello', outdir, defaultReleaseBranch: 'main', packageManager: projen.javascript.NodePackageManager.NPM,
    workflowNodeVersion: '24', license: 'MIT', copyrightOwner: 'acme', jest: false, release: false, buildWorkflow: false,
    depsUpgrade: false, pullRequestTemplate: false, githubOptions: { mergify: false, pullRequestLint: false }, ...extra,
  });
  const ghcr = () => Registry.ghcr({ owner: 'acme' });
  const base = (): Options => ({ name: 'cq-source-hello', description: 'Hello', goModule, versionPackage: 'resources/plugin', registries: [ghcr()] });
  /** A plugin whose options are the base ones with `change` applied. */
  const plugin = (change: (o: Options) => Partial<Options>, extra?: Partial<Projen.javascript.NodeProjectOptions>) =>
    (outdir: string) => {
      const o = base();
      new CloudQueryGoPlugin(project(outdir, extra), { ...o, ...change(o) });
    };
  const suite = (job: (w: Lib.EndToEndContext) => Lib.EndToEndJob) => plugin(() => ({ e2e: { job } }));
  const okJob: Lib.EndToEndJob = { steps: [{ name: 'Suite', run: 'npx projen e2e' }] };
  const c = (title: string, build: (outdir: string) => void, message: string): BadOptionCase => ({ title, build, message });
  const P = 'CloudQueryGoPlugin option';

  return [
    // The image description
    c('name with capitals', plugin(() => ({ name: 'CQ-Source-Hello' })), `${P} "name" is invalid: "CQ-Source-Hello" must be lowercase letters and digits separated by ".", "_" or "-" (a Docker path component)`),
    c('empty name', plugin(() => ({ name: '' })), `${P} "name" is invalid: "" must be lowercase letters and digits separated by ".", "_" or "-" (a Docker path component)`),
    c('a path as name', plugin(() => ({ name: '../evil' })), `${P} "name" is invalid: "../evil" must be lowercase letters and digits separated by ".", "_" or "-" (a Docker path component)`),
    c('a 300-character name', plugin(() => ({ name: 'a'.repeat(300) })), `${P} "name" is invalid: "${'a'.repeat(59)}…" (300 characters) is longer than Docker's 255-character limit for image names`),
    c('a two-line description', plugin(() => ({ description: 'Hello\nLABEL evil=1' })), `${P} "description" is invalid: "Hello\\nLABEL evil=1" must be one line of 1 to 256 printable characters`),
    c('an empty description', plugin(() => ({ description: '' })), `${P} "description" is invalid: "" must be one line of 1 to 256 printable characters`),
    c('a license that is not SPDX', plugin(() => ({ license: 'Apache 2.0 license' })), `${P} "license" is invalid: "Apache 2.0 license" must be an SPDX license expression such as Apache-2.0 or MIT OR Apache-2.0`),
    c('goModule.goVersion banana', plugin((o) => ({ goModule: { ...o.goModule!, goVersion: 'banana' } })), `${P} "goModule.goVersion" is invalid: "banana" must be a Go version MAJOR.MINOR[.PATCH] (it names the golang builder image)`),
    c('goModule.modulePath with a space', plugin((o) => ({ goModule: { ...o.goModule!, modulePath: 'my module' } })), `${P} "goModule.modulePath" is invalid: "my module" must be a Go module path such as github.com/owner/repo`),
    c('goModule.sourcePaths empty', plugin((o) => ({ goModule: { ...o.goModule!, sourcePaths: [] } })), `${P} "goModule.sourcePaths" is invalid: [] must list at least 1`),
    c('goModule.sourcePaths without go.mod', plugin((o) => ({ goModule: { ...o.goModule!, sourcePaths: ['main.go'] } })), `${P} "goModule.sourcePaths" is invalid: ["main.go"] must include go.mod (the .dockerignore lets in only these paths)`),
    c('goModule.sourcePaths leaving the repository', plugin((o) => ({ goModule: { ...o.goModule!, sourcePaths: ['go.mod', '../secrets/'] } })), `${P} "goModule.sourcePaths" is invalid: "../secrets/" must be a top-level file or directory name (directories end in "/"; no globs, no "..")`),
    c('goModule.sourcePaths with a glob', plugin((o) => ({ goModule: { ...o.goModule!, sourcePaths: ['go.mod', '**'] } })), `${P} "goModule.sourcePaths" is invalid: "**" must be a top-level file or directory name (directories end in "/"; no globs, no "..")`),
    c('versionPackage that declares no Version', plugin(() => ({ versionPackage: 'plugin' })), `${P} "versionPackage" is invalid: "plugin" declares no Version variable in the Go module (the packages that do are resources/plugin), so -X would set nothing`),
    c('versionPackage leaving the module', plugin(() => ({ versionPackage: '../plugin' })), `${P} "versionPackage" is invalid: "../plugin" must be a package path relative to the module root, such as plugin or resources/plugin`),
    c('a build tag with a space', plugin(() => ({ buildTags: ['grpc notrace'] })), `${P} "buildTags" is invalid: "grpc notrace" must be a Go build tag (letters, digits, _ and .)`),
    c('a build tag twice', plugin(() => ({ buildTags: ['grpcnotrace', 'grpcnotrace'] })), `${P} "buildTags" is invalid: ["grpcnotrace","grpcnotrace"] lists "grpcnotrace" twice`),
    c('port 0', plugin(() => ({ port: 0 })), `${P} "port" is invalid: 0 must be an integer from 1 to 65535`),
    c('port 65536', plugin(() => ({ port: 65536 })), `${P} "port" is invalid: 65536 must be an integer from 1 to 65535`),
    c('port 77.7', plugin(() => ({ port: 77.7 })), `${P} "port" is invalid: 77.7 must be an integer from 1 to 65535`),
    c('no platforms', plugin(() => ({ platforms: [] })), `${P} "platforms" is invalid: [] must list at least 1`),
    c('a Windows platform', plugin(() => ({ platforms: ['linux/amd64', 'windows/amd64' as Lib.plugin.Platform] })), `${P} "platforms" is invalid: "windows/amd64" must be one of linux/amd64, linux/arm64, linux/386, linux/ppc64le, linux/s390x, linux/riscv64`),
    c('a platform twice', plugin(() => ({ platforms: ['linux/amd64', 'linux/amd64'] })), `${P} "platforms" is invalid: ["linux/amd64","linux/amd64"] lists "linux/amd64" twice`),
    c('runtimeBase.image ../evil/x', plugin(() => ({ runtimeBase: { image: '../evil/x' } })), `${P} "runtimeBase.image" is invalid: "../evil/x" is not a Docker image name ([registry/]path: lowercase letters and digits separated by ".", "_", "__" or "-", components joined by "/")`),
    c('runtimeBase.image with capitals', plugin(() => ({ runtimeBase: { image: 'GCR.io/Distroless' } })), `${P} "runtimeBase.image" is invalid: "GCR.io/Distroless" is not a Docker image name ([registry/]path: lowercase letters and digits separated by ".", "_", "__" or "-", components joined by "/")`),
    c('runtimeBase.tag with a space', plugin(() => ({ runtimeBase: { image: 'alpine', tag: 'bad tag' } })), `${P} "runtimeBase.tag" is invalid: "bad tag" breaks the Docker tag grammar ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`),
    c('runtimeBase.digest too short', plugin(() => ({ runtimeBase: { digest: 'sha256:1234' } })), `${P} "runtimeBase.digest" is invalid: "sha256:1234" is not a digest: sha256: followed by 64 lowercase hex digits`),
    c('runtimeBase.digest in capitals', plugin(() => ({ runtimeBase: { digest: `sha256:${'A'.repeat(64)}` } })), `${P} "runtimeBase.digest" is invalid: "sha256:${'A'.repeat(52)}…" (71 characters) is not a digest: sha256: followed by 64 lowercase hex digits`),
    c('runtimeBase.digest with the tag in it', plugin(() => ({ runtimeBase: { tag: 'nonroot', digest: `nonroot@${SHA}` } })), `${P} "runtimeBase.digest" is invalid: "nonroot@sha256:${'a'.repeat(44)}…" (79 characters) is not a digest: sha256: followed by 64 lowercase hex digits`),
    c('builderBase.digest of another algorithm', plugin(() => ({ builderBase: { image: 'golang', tag: '1.26.8', digest: `sha512:${'a'.repeat(128)}` } })), `${P} "builderBase.digest" is invalid: "sha512:${'a'.repeat(52)}…" (135 characters) is not a digest: sha256: followed by 64 lowercase hex digits`),
    c('builderBase.tag that is not go.mod\'s Go version', plugin(() => ({ builderBase: { image: 'golang', tag: '1.26.7', digest: SHA } })), `${P} "builderBase.tag" is invalid: "1.26.7" must be the Go version go.mod asks for (1.26.8), optionally with a variant suffix such as 1.26.8-trixie: update go.mod and the builder pin together`),
    c('builderBase.image with a tag in it', plugin(() => ({ builderBase: { image: 'golang:1.26.8' } })), `${P} "builderBase.image" is invalid: "golang:1.26.8" is not a Docker image name ([registry/]path: lowercase letters and digits separated by ".", "_", "__" or "-", components joined by "/")`),
    c('dockerfileSyntax.digest truncated', plugin(() => ({ dockerfileSyntax: { image: 'docker/dockerfile', tag: '1', digest: SHA.slice(0, 40) } })), `${P} "dockerfileSyntax.digest" is invalid: "sha256:${'a'.repeat(33)}" is not a digest: sha256: followed by 64 lowercase hex digits`),
    c('dockerfileSyntax.tag empty', plugin(() => ({ dockerfileSyntax: { image: 'docker/dockerfile', tag: '' } })), `${P} "dockerfileSyntax.tag" is invalid: "" breaks the Docker tag grammar ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`),
    c('sourceUrl over http', plugin(() => ({ sourceUrl: 'http://example.com/acme' })), `${P} "sourceUrl" is invalid: "http://example.com/acme" must be an https:// URL without spaces, quotes, backslashes or $`),
    c('sourceUrl with $HOME', plugin(() => ({ sourceUrl: 'https://example.com/$HOME' })), `${P} "sourceUrl" is invalid: "https://example.com/$HOME" must be an https:// URL without spaces, quotes, backslashes or $`),
    // Registries
    c('no registry', plugin(() => ({ registries: [] })), `${P} "registries" is invalid: [] must list at least one registry to publish to`),
    c('two registries with one id', plugin(() => ({ registries: [Registry.ghcr({ owner: 'acme', id: 'images' }), Registry.gcr({ project: 'acme-images', id: 'images' })] })), `${P} "registries[1].id" is invalid: "images" is also the id of registries[0] (ghcr.io/acme): give one of them an explicit id`),
    c('one registry twice', plugin(() => ({ registries: [ghcr(), ghcr()] })), `${P} "registries[1]" is invalid: "ghcr.io/acme" is the same registry as registries[0]`),
    c('Registry.gcr on docker.io', () => Registry.gcr({ host: 'docker.io' as Lib.registries.GcrHost, project: 'acme-images' }), 'Registry.gcr option "host" is invalid: "docker.io" must be one of gcr.io, us.gcr.io, eu.gcr.io, asia.gcr.io'),
    c('Registry.gcr project X', () => Registry.gcr({ project: 'X' }), 'Registry.gcr option "project" is invalid: "X" must be a GCP project id (6 to 30 lowercase letters, digits and dashes) (or a ${{ vars.NAME }} expression)'),
    c('Registry.gcr project expression with a space', () => Registry.gcr({ project: '${{ vars.GCP PROJECT }}' }), 'Registry.gcr option "project" is invalid: "${{ vars.GCP PROJECT }}" must be a literal or exactly one ${{ vars.NAME }} or ${{ secrets.NAME }} expression'),
    c('Registry.gcr empty serviceAccount', () => Registry.gcr({ project: 'acme-images', auth: { serviceAccount: '' } }), 'Registry.gcr option "auth.serviceAccount" is invalid: "" must be a service account email, name@project.iam.gserviceaccount.com (or a ${{ vars.NAME }} expression)'),
    c('Registry.gcr bad workload identity provider', () => Registry.gcr({ project: 'acme-images', auth: { workloadIdentityProvider: 'my-pool' } }), 'Registry.gcr option "auth.workloadIdentityProvider" is invalid: "my-pool" must be projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider> (or a ${{ vars.NAME }} expression)'),
    c('Registry.artifactRegistry location notaregion', () => Registry.artifactRegistry({ location: 'notaregion', project: 'acme-images', repository: 'plugins' }), 'Registry.artifactRegistry option "location" is invalid: "notaregion" is not an Artifact Registry location (a region such as europe-west1, or us, europe, asia)'),
    c('Registry.artifactRegistry repository Images!', () => Registry.artifactRegistry({ location: 'europe-west1', project: 'acme-images', repository: 'Images!' }), 'Registry.artifactRegistry option "repository" is invalid: "Images!" must be an Artifact Registry repository name (lowercase letters, digits and dashes, starting with a letter)'),
    c('Registry.ghcr owner with a space', () => Registry.ghcr({ owner: 'Bad Owner' }), 'Registry.ghcr option "owner" is invalid: "Bad Owner" must be a lowercase GitHub user or organisation name (or a ${{ vars.NAME }} expression)'),
    c('Registry.ghcr owner with capitals', () => Registry.ghcr({ owner: 'Octo-Org' }), 'Registry.ghcr option "owner" is invalid: "Octo-Org" must be a lowercase GitHub user or organisation name (or a ${{ vars.NAME }} expression)'),
    c('Registry.ecr account of 4 digits', () => Registry.ecr({ account: '1234', region: 'eu-west-1' }), 'Registry.ecr option "account" is invalid: "1234" must be a 12-digit AWS account id (or a ${{ vars.NAME }} expression)'),
    c('Registry.ecr region mars-1', () => Registry.ecr({ account: '123456789012', region: 'mars-1' }), 'Registry.ecr option "region" is invalid: "mars-1" must be an AWS region such as eu-west-1 (or a ${{ vars.NAME }} expression)'),
    c('Registry.ecr roleToAssume not an ARN', () => Registry.ecr({ account: '123456789012', region: 'eu-west-1', roleToAssume: 'admin' }), 'Registry.ecr option "roleToAssume" is invalid: "admin" must be an IAM role ARN, arn:aws:iam::<account>:role/<name> (or a ${{ vars.NAME }} expression)'),
    c('Registry.ecr namespace with capitals', () => Registry.ecr({ account: '123456789012', region: 'eu-west-1', namespace: 'Team/x' }), 'Registry.ecr option "namespace" is invalid: "Team/x" must be Docker path components (lowercase letters and digits separated by ".", "_" or "-") joined by "/"'),
    c('a registry id with a dash', () => Registry.ghcr({ owner: 'acme', id: 'my-registry' }), 'Registry.ghcr option "id" is invalid: "my-registry" must be lowercase letters, digits and _, starting with a letter (at most 63)'),
    c('two Google registries with different credentials', plugin(() => ({
      registries: [Registry.gcr({ project: 'acme-one' }), Registry.artifactRegistry({ location: 'us', project: 'acme-two', repository: 'x', auth: { serviceAccount: 'pusher@acme-two.iam.gserviceaccount.com' } })],
    })), 'ReleaseWorkflow option "image.registries" is invalid: ["gcr_io_acme_one","us_docker_pkg_dev_acme_two_x"] need different login steps with the same id "gcp_auth" (e.g. two Google registries with different auth): one job authenticates once per kind'),
    c('two ECR registries on one host with different roles', plugin(() => ({
      registries: [
        Registry.ecr({ account: '123456789012', region: 'eu-west-1', namespace: 'a', roleToAssume: 'arn:aws:iam::123456789012:role/a' }),
        Registry.ecr({ account: '123456789012', region: 'eu-west-1', namespace: 'b', roleToAssume: 'arn:aws:iam::123456789012:role/b' }),
      ],
    })), 'ReleaseWorkflow option "image.registries[1]" is invalid: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/b" logs in to 123456789012.dkr.ecr.eu-west-1.amazonaws.com differently from registries[0], and docker keeps one credential per host: use the same credentials for both'),
    c('secretRef with an expression in the name', () => secretRef('bad name }} ${{ x'), 'secretRef option "name" is invalid: "bad name }} ${{ x" must be a GitHub variable or secret name: letters, digits and _, not starting with a digit or GITHUB_'),
    c('varRef with a GITHUB_ name', () => varRef('GITHUB_TOKEN'), 'varRef option "name" is invalid: "GITHUB_TOKEN" must be a GitHub variable or secret name: letters, digits and _, not starting with a digit or GITHUB_'),
    // Workflows, read from the project or given
    c('nodeVersion banana', plugin(() => ({ nodeVersion: 'banana' })), `${P} "nodeVersion" is invalid: "banana" must be a Node.js version such as 24 or 24.11.0, or lts/*`),
    c('nodeVersion 20, end-of-life', plugin(() => ({ nodeVersion: '20' })), `${P} "nodeVersion" is invalid: "20" is end-of-life (Node.js 20 reached end of life in April 2026): use 24, the current LTS`),
    c('a project whose workflows would run Node 20', plugin(() => ({}), { workflowNodeVersion: undefined, minNodeVersion: '20.0.0' }), `${P} "nodeVersion (from the project's workflowNodeVersion/minNodeVersion)" is invalid: "20.0.0" is end-of-life (Node.js 20 reached end of life in April 2026): use 24, the current LTS`),
    c('empty defaultBranch', plugin(() => ({ defaultBranch: '' })), `${P} "defaultBranch" is invalid: "" must be a git branch name (no spaces or ~^:?*[\\, no "..")`),
    c('defaultBranch with ..', plugin(() => ({ defaultBranch: 'release..x' })), `${P} "defaultBranch" is invalid: "release..x" must be a git branch name (no spaces or ~^:?*[\\, no "..")`),
    c('runsOn [""]', plugin(() => ({ runsOn: [''] })), `${P} "runsOn" is invalid: "" must be runner labels such as ubuntu-24.04 (letters, digits, ., _ and -)`),
    c('runsOn "" (a string)', plugin(() => ({ runsOn: '' as never })), `${P} "runsOn" is invalid: "" must be a list of runner labels such as ["ubuntu-24.04"], not a string`),
    c('runsOn "ubuntu-24.04" (a string)', plugin(() => ({ runsOn: 'ubuntu-24.04' as never })), `${P} "runsOn" is invalid: "ubuntu-24.04" must be a list of runner labels such as ["ubuntu-24.04"], not a string`),
    c('runsOn []', plugin(() => ({ runsOn: [] })), `${P} "runsOn" is invalid: [] must list at least 1`),
    c('a project runner label with a space', plugin(() => ({}), { githubOptions: { mergify: false, pullRequestLint: false, workflowRunsOn: ['ubuntu latest'] } }), `${P} "runsOn (from the project's workflowRunsOn)" is invalid: "ubuntu latest" must be runner labels such as ubuntu-24.04 (letters, digits, ., _ and -)`),
    c('a project without GitHub', plugin(() => ({}), { github: false }), `${P} "project" is invalid: "cq-source-hello" has no GitHub component: the workflows need one (projen option github: true)`),
    c('a setup step with neither run nor uses', plugin(() => ({ setupSteps: [{ name: 'Nothing' }] })), `${P} "setupSteps[0]" is invalid: "Nothing" must have exactly one of run and uses`),
    c('a check step with an unpinned action', plugin(() => ({ checkSteps: [{ uses: 'actions/checkout@v4' }] })), `${P} "checkSteps[0].uses" is invalid: "actions/checkout@v4" must be pinned to a full commit SHA (owner/repo@<40 hex>) or be a local ./action`),
    c('no check steps', plugin(() => ({ checkSteps: [] })), `${P} "checkSteps" is invalid: [] must list at least 1 step`),
    c('a check step splicing a broken expression', plugin(() => ({ checkSteps: [{ run: 'echo ${{ secrets.bad name }} ${{ x }}' }] })), `${P} "checkSteps[0].run" is invalid: "echo \${{ secrets.bad name }} \${{ x }}" has the expression "\${{ secrets.bad name }}": expressions in options must be context paths such as \${{ secrets.NAME }}`),
    // The release: staging, environment, native runners, timeouts
    c('a staging that is not a registry', plugin(() => ({ staging: { id: 'x' } as unknown as Lib.IRegistry })), `${P} "staging" is invalid: {"id":"x"} must be a registry (an IRegistry such as Registry.ghcr({ owner, namespace: 'staging' }))`),
    c('a staging registry with the id of a publishing one', plugin(() => ({ staging: Registry.ghcr({ owner: 'acme', namespace: 'staging', id: 'ghcr_io_acme' }) })), `${P} "staging" is invalid: "ghcr_io_acme" has the id of one of the registries but another prefix: give it its own id`),
    c('Registry.ghcr namespace with capitals', () => Registry.ghcr({ owner: 'acme', namespace: 'Staging' }), 'Registry.ghcr option "namespace" is invalid: "Staging" must be Docker path components (lowercase letters and digits separated by ".", "_" or "-") joined by "/"'),
    c('a release environment with a space', plugin(() => ({ releaseEnvironment: 'prod env' })), `${P} "releaseEnvironment" is invalid: "prod env" must be a GitHub environment name (letters, digits, ., _ and -)`),
    c('a native runner for a platform the image lacks', plugin(() => ({ nativeRunners: { 'linux/s390x': 's390x-runner' } })), `${P} "nativeRunners" is invalid: "linux/s390x" must be one of linux/amd64, linux/arm64`),
    c('no native runner at all', plugin(() => ({ nativeRunners: {} })), `${P} "nativeRunners" is invalid: {} must name a runner for at least one of the image's platforms (linux/amd64, linux/arm64): the release runs the image before it publishes it`),
    c('a native runner label with a space', plugin(() => ({ nativeRunners: { 'linux/arm64': 'arm runner' } })), `${P} "nativeRunners.linux/arm64" is invalid: "arm runner" must be a runner label such as ubuntu-24.04-arm (letters, digits, ., _ and -)`),
    c('a timeout of 0 minutes', plugin(() => ({ timeoutMinutes: { checks: 0 } })), `${P} "timeoutMinutes.checks" is invalid: 0 must be an integer from 1 to 360`),
    c('a timeout for a job that does not exist', plugin(() => ({ timeoutMinutes: { publish: 10 } as Lib.workflows.JobTimeouts })), `${P} "timeoutMinutes" is invalid: "publish" must be one of prepare, checks, image, e2e, promote, sign, selfMutation`),
    // The end-to-end suite
    c('a service image tagged LATEST', suite(() => ({ ...okJob, services: { s3: { image: 'localstack/localstack:LATEST' } } })), `${P} "e2e.job(build).services.s3.image" is invalid: "localstack/localstack:LATEST" must be pinned: a version tag (with a digit, e.g. 4.14.0) or an @sha256 digest, never a moving tag such as latest`),
    c('a service image without a tag', suite(() => ({ ...okJob, services: { s3: { image: 'localstack/localstack' } } })), `${P} "e2e.job(build).services.s3.image" is invalid: "localstack/localstack" must be pinned: a version tag (with a digit, e.g. 4.14.0) or an @sha256 digest, never a moving tag such as latest`),
    c('a service image that is not a reference', suite(() => ({ ...okJob, services: { s3: { image: 'Local Stack' } } })), `${P} "e2e.job(build).services.s3.image" is invalid: "Local Stack" is not a Docker image reference (name[:tag][@sha256:digest], lowercase name)`),
    c('a service port 0', suite(() => ({ ...okJob, services: { s3: { image: `minio/minio@${SHA}`, ports: [0] } } })), `${P} "e2e.job(build).services.s3.ports" is invalid: 0 must be an integer from 1 to 65535`),
    c('a secret in the build workflow', suite(() => ({ ...okJob, services: { s3: { image: 'localstack/localstack:4.14.0', env: { LOCALSTACK_AUTH_TOKEN: '${{ secrets.LOCALSTACK_AUTH_TOKEN }}' } } } })), `${P} "e2e.job(build)" is invalid: "secrets.LOCALSTACK_AUTH_TOKEN" is used in build.yml, which runs on pull requests and must see no secrets (use it only for the release workflow)`),
    c('a secret reference with a space in it', suite((w) => ({ ...okJob, services: { s3: { image: 'localstack/localstack:4.14.0', env: w.workflow === 'release' ? { LOCALSTACK_AUTH_TOKEN: '${{ secrets.bad name }} ${{ x }}' } : {} as Record<string, string> } } })), `${P} "e2e.job(release).services.s3.env.LOCALSTACK_AUTH_TOKEN" is invalid: "\${{ secrets.bad name }} \${{ x }}" has the expression "\${{ secrets.bad name }}": expressions in options must be context paths such as \${{ secrets.NAME }}`),
    c('an end-to-end job without steps', suite(() => ({ steps: [] })), `${P} "e2e.job(build).steps" is invalid: [] must list at least 1 step`),
    // Upkeep: Renovate, self-mutation, action pins
    c('a Renovate manager regex with a lookahead', plugin(() => ({ renovate: { customManagers: [{ description: 'x', managerFilePatterns: ['/^a\\.ts$/'], matchStrings: ["v: '(?<currentValue>(?=1)[0-9.]+)'"], depNameTemplate: 'x', datasourceTemplate: 'npm' }] } })), `RenovateConfig option "customManagers[0].matchStrings[0]" is invalid: "v: '(?<currentValue>(?=1)[0-9.]+)'" uses a lookaround or a backreference, which Renovate's RE2 engine rejects`),
    c('a Renovate manager that captures no version', plugin(() => ({ renovate: { customManagers: [{ description: 'x', managerFilePatterns: ['/^a\\.ts$/'], matchStrings: ["name: '(?<depName>[a-z]+)'"], datasourceTemplate: 'npm' }] } })), `RenovateConfig option "customManagers[0].matchStrings[0]" is invalid: "name: '(?<depName>[a-z]+)'" captures neither currentValue nor currentDigest`),
    c('a Renovate manager regex that does not compile', plugin(() => ({ renovate: { customManagers: [{ description: 'x', managerFilePatterns: ['/^a\\.ts$/'], matchStrings: ['(?<depName>[a-z+)(?<currentValue>1)'], datasourceTemplate: 'npm' }] } })), `RenovateConfig option "customManagers[0].matchStrings[0]" is invalid: "(?<depName>[a-z+)(?<currentValue>1)" is not a regular expression (Invalid regular expression: /(?<depName>[a-z+)(?<currentValue>1)/gm: Unterminated character class)`),
    c('a Renovate config file pattern that does not compile', plugin(() => ({ renovate: { configFiles: ['/^(projenrc$/'] } })), 'RenovateConfig option "configFiles[0]" is invalid: "^(projenrc$" is not a regular expression (Invalid regular expression: /^(projenrc$/gm: Unterminated group)'),
    c('a Renovate minimumReleaseAge in moons', plugin(() => ({ renovate: { minimumReleaseAge: '3 moons' } })), 'RenovateConfig option "minimumReleaseAge" is invalid: "3 moons" must be a duration such as 3 days'),
    c('a self-mutation branch prefix with a space', plugin(() => ({ selfMutation: { branchPrefixes: ['renovate bot/'] } })), `${P} "selfMutation.branchPrefixes" is invalid: "renovate bot/" must be branch name prefixes (letters, digits, ., _, / and -)`),
    c('a self-mutation token secret that is an expression', plugin(() => ({ selfMutation: { tokenSecret: '${{ github.token }}' } })), `${P} "selfMutation.tokenSecret" is invalid: "\${{ github.token }}" must be a GitHub variable or secret name: letters, digits and _, not starting with a digit or GITHUB_`),
    c('a self-mutation author e-mail without @', plugin(() => ({ selfMutation: { author: { name: 'bot', email: 'bot' } } })), `${P} "selfMutation.author.email" is invalid: "bot" must be an e-mail address`),
    c('an action pinned to a short SHA', () => lib.github.uses({ repo: 'actions/checkout', tag: 'v7.0.1', sha: '3d3c42e' }), 'PinnedAction option "actions/checkout.sha" is invalid: "3d3c42e" must be the full 40-hex commit SHA the tag points to'),
    c('an action pin without its version tag', () => lib.github.uses({ repo: 'actions/checkout', tag: 'main', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1' }), 'PinnedAction option "actions/checkout.tag" is invalid: "main" must be the release tag (vX.Y.Z) the SHA points to'),
    // Components used on their own
    c('GoBuild with a module path that has a space', () => new GoBuild({ modulePath: 'my module' }), 'GoBuild option "modulePath" is invalid: "my module" must be a Go module path such as github.com/owner/repo'),
    c('a Makefile target name with a space', (outdir) => {
      const o = base();
      new CloudQueryGoPlugin(project(outdir), o).makefile.addTarget({ name: 'lint all', help: 'Lint', recipe: ['golangci-lint run'] });
    }, 'PluginMakefile.addTarget option "name" is invalid: "lint all" must be a make target name (letters, digits, _, -, . and :)'),
    c('a Makefile target help of two lines', (outdir) => {
      new CloudQueryGoPlugin(project(outdir), base()).makefile.addTarget({ name: 'lint', help: 'Lint\nall', recipe: ['golangci-lint run'] });
    }, 'PluginMakefile.addTarget option "help" is invalid: "Lint\\nall" must be one line of 1 to 200 printable characters'),
    c('a build.yml job without a timeout', (outdir) => {
      new CloudQueryGoPlugin(project(outdir), base()).buildWorkflow!.addJob('self-mutation', { runsOn: ['ubuntu-24.04'], grants: new lib.github.Grants(), timeoutMinutes: 0, steps: [{ run: 'true' }] });
    }, 'PinnedWorkflow option "jobs.self-mutation.timeoutMinutes" is invalid: 0 must be an integer from 1 to 360'),
    c('a container env name with a dash', suite(() => ({ ...okJob, containerEnv: { 'AWS-REGION': 'x' } })), `${P} "e2e.job(build).containerEnv" is invalid: "AWS-REGION" must be an environment variable name (letters, digits and _, not starting with a digit)`),
  ];
}

/** Runs `build` in a fresh directory: it must throw exactly `message`, and the directory must stay empty. */
export function expectRejected(build: (outdir: string) => void, message: string): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-option-'));
  let thrown: unknown;
  try {
    build(outdir);
  } catch (e) {
    thrown = e;
  }
  const written = fs.readdirSync(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  expect(thrown, 'no error was thrown').toBeInstanceOf(Error);
  expect((thrown as Error).message).toBe(message);
  expect(written, 'files were written').toEqual([]);
}
