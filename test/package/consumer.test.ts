/*
 * A second, different plugin repository adopts the packed library: it installs the tarball,
 * synthesises with its own .projenrc.ts (test/package/fixture), and runs what it generated.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { installedVersion, PACKAGE_NAME, packedTarball, run } from './packed';
import { badOptionCases, expectRejected } from '../bad-options';
import { which } from '../e2e/process';
import { buildah, buildahArgs, buildahBuild, withImageFilesystem } from '../image/buildah';
import { distrolessStandIn, golangStandIn } from '../image/stand-ins';
import { REPO_ROOT, tempDir } from '../synth';
import { buildProblems, releaseProblems } from '../workflow-policy';

const FIXTURE = path.join(__dirname, 'fixture');
const NAME = 'cq-source-hello';
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x'];
const VERSION = 'v1.2.3';
const SHA = 'abc1234def5678abc1234def5678abc1234def56';

let repo: string;
const git = (...args: string[]) => run('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: repo });
const read = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');
const workflow = (name: string) => parse(read(`.github/workflows/${name}.yml`));

/** Runs a generated step's script with bash in the repository, as a runner would (the real npx and the installed bins). */
function runStep(step: { run: string }, env: Record<string, string>) {
  return run('bash', ['-e', '-c', step.run], { cwd: repo, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, allowFailure: true });
}

function tool(name: string): string {
  const found = which(name);
  if (!found) throw new Error(`${name} is not installed: run "npx projen setup" (Debian package ${name.startsWith('qemu') ? 'qemu-user-static' : name})`);
  return found;
}

beforeAll(() => {
  repo = tempDir(`${NAME}-`);
  fs.cpSync(FIXTURE, repo, { recursive: true });
  const devDependencies = {
    [PACKAGE_NAME]: `file:${packedTarball()}`,
    ...Object.fromEntries(['projen', 'constructs', 'tsx'].map((p) => [p, installedVersion(p)])),
  };
  fs.writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify({ name: NAME, private: true, devDependencies }, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: repo });
  // The first synthesis (there is no .projen/tasks.json yet), as its default task runs it; --no-post: no second npm install.
  run('node', ['--require', 'tsx/cjs', '.projenrc.ts'], { cwd: repo, env: { ...process.env, PROJEN_DISABLE_POST: 'true' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'adopt projen-cloudquery-go-plugin');
});

describe(`${NAME}: another plugin repository that installs the packed library`, () => {
  it('its .projenrc.ts type-checks against the packed declarations', () => {
    fs.writeFileSync(path.join(repo, 'tsconfig.check.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'commonjs', target: 'es2020', moduleResolution: 'node', types: [] },
      files: ['.projenrc.ts'],
    }));
    run(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.check.json'], { cwd: repo });
    fs.rmSync(path.join(repo, 'tsconfig.check.json'));
  });

  it('synthesises every file, and synthesising again (npx projen --no-post) changes nothing', () => {
    for (const f of ['Dockerfile', '.dockerignore', 'Makefile', '.projen/tasks.json', '.github/workflows/release.yml', '.github/workflows/build.yml']) {
      expect(fs.existsSync(path.join(repo, f)), f).toBe(true);
    }
    run('npx', ['projen', '--no-post'], { cwd: repo });
    expect(git('status', '--porcelain').stdout).toBe('');
  });

  it('its files carry its own facts: module, resources/plugin, no build tags, three platforms, ECR and GHCR', () => {
    expect(read('Dockerfile')).toContain('go build -trimpath -buildvcs=false -ldflags "-s -w -X github.com/acme/cq-source-hello/resources/plugin.Version=${VERSION}" -o /out/cq-source-hello .');
    expect(read('Dockerfile')).toContain('COPY go.mod ./\n');
    expect(read('.dockerignore')).toContain('*\n!go.mod\n!main.go\n!resources/\n');
    expect(read('Makefile')).toContain('export PLATFORMS ?= linux/amd64,linux/arm64,linux/s390x\n');
    expect(read('Makefile')).toContain('export IMAGE ?= 123456789012.dkr.ecr.eu-west-1.amazonaws.com/cloudquery/cq-source-hello\n');
  });

  it('build:binaries makes a static binary per platform whose --version is the stamped version (arm64 and s390x under QEMU)', () => {
    run('npx', ['projen', 'build:binaries'], { cwd: repo, env: { ...process.env, VERSION } });
    const emulators: Record<string, string | undefined> = { amd64: undefined, arm64: tool('qemu-aarch64-static'), s390x: tool('qemu-s390x-static') };
    const machine: Record<string, RegExp> = { amd64: /x86-64/, arm64: /ARM aarch64/, s390x: /IBM S\/390/ };
    for (const platform of PLATFORMS) {
      const arch = platform.split('/')[1];
      const binary = path.join(repo, 'dist', `linux-${arch}`, NAME);
      const file = run(tool('file'), ['-L', binary]).stdout;
      expect(file, arch).toMatch(machine[arch]);
      expect(file, arch).toMatch(/statically linked/);
      const emulator = emulators[arch];
      const out = emulator ? run(emulator, [binary, '--version']) : run(binary, ['--version']);
      expect(out.stdout, arch).toBe(`${NAME} version ${VERSION}\n`);
    }
  });

  describe('the release prepare step, run with the real npx and the installed image-tags bin', () => {
    const env = (tag: string) => ({ GITHUB_REF_NAME: tag, GITHUB_SHA: SHA, GITHUB_OUTPUT: path.join(tempDir('output-'), 'output') });

    it('writes the version and whether it is a prerelease, and prints the tag plan', () => {
      const step = workflow('release').jobs.prepare.steps.find((s: any) => s.id === 'tags');
      const e = env(VERSION);
      const r = runStep(step, e);
      expect(r.status, r.stderr).toBe(0);
      const output = fs.readFileSync(e.GITHUB_OUTPUT, 'utf8');
      expect(output).toContain('version=1.2.3\nshort_sha=abc1234\nprerelease=false\nprimary_tag=v1.2.3-abc1234\n');
      expect(r.stdout).toContain('v1.2.3-abc1234\nv1.2.3\n');
    });

    it('rejects a pushed tag like v1.2.3-$(touch${IFS}pwned) by the tag rules, and runs nothing', () => {
      const step = workflow('release').jobs.prepare.steps.find((s: any) => s.id === 'tags');
      const tag = 'v1.2.3-$(touch${IFS}pwned)';
      const e = env(tag);
      const r = runStep(step, e);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`image-tags: tag ${JSON.stringify(tag)} is not a release tag: expected vMAJOR.MINOR.PATCH or vMAJOR.MINOR.PATCH-PRERELEASE (semver with a "v" prefix, no leading zeros)\n`);
      expect(fs.existsSync(path.join(repo, 'pwned'))).toBe(false);
      expect(fs.existsSync(e.GITHUB_OUTPUT)).toBe(false);
    });
  });

  it('the release promote step reaches the installed promote bin with its argument vector: remote read, the tag checked, then crane', () => {
    const remote = tempDir('remote-');
    const bare = path.join(remote, 'acme', 'cq-source-hello.git');
    run('git', ['init', '-q', '--bare', bare]);
    const head = git('rev-parse', 'HEAD').stdout.trim();
    git('push', '-q', bare, `HEAD:refs/tags/${VERSION}`);
    const step = workflow('release').jobs.promote.steps.find((s: any) => s.id === 'promote');
    const images = Object.fromEntries(Object.entries<string>(step.env).filter(([k]) => k.startsWith('IMAGE_')));
    const digest = `sha256:${'e'.repeat(64)}`;
    // The step runs the release bundle from $RUNNER_TEMP; here a one-line stand-in loads the installed package's release-tools.
    const runnerTemp = tempDir('runner-temp-');
    fs.mkdirSync(path.join(runnerTemp, 'release-tools'));
    fs.writeFileSync(path.join(runnerTemp, 'release-tools/release-tools.cjs'), `require(${JSON.stringify(path.join(repo, 'node_modules/projen-cloudquery-go-plugin/lib/cli/release-tools.js'))});\n`);
    const r = runStep(step, {
      ...images, SOURCE: step.env.SOURCE, DIGEST: digest, PLATFORMS: step.env.PLATFORMS, CRANE: path.join(remote, 'no-crane'), REMOTE_TOKEN: 'x',
      GITHUB_SERVER_URL: remote, GITHUB_REPOSITORY: 'acme/cq-source-hello', GITHUB_REF_NAME: VERSION, GITHUB_SHA: head,
      GITHUB_WORKFLOW_REF: `acme/cq-source-hello/.github/workflows/release.yml@refs/tags/${VERSION}`, RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: path.join(remote, 'output'),
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`promote ${VERSION} (${digest}) to 123456789012.dkr.ecr.eu-west-1.amazonaws.com/cloudquery/cq-source-hello, ghcr.io/acme/cq-source-hello\n`);
    expect(r.stderr).toContain('is not installed (install go-containerregistry\'s crane, or set CRANE to its path)');
    expect(r.stderr).toContain('nothing was copied or tagged');
    expect(fs.existsSync(path.join(remote, 'output'))).toBe(false);
  });

  describe('make tag-release, with the real make, npx and the installed tag-release bin', () => {
    let origin: string;
    let other: string;
    beforeAll(() => {
      origin = tempDir('origin-');
      other = tempDir('other-');
      run('git', ['init', '-q', '--bare', origin]);
      run('git', ['init', '-q', '--bare', other]);
      git('remote', 'add', 'origin', origin);
      git('remote', 'add', 'other', other);
    });
    const make = (tag: string) => run('make', ['--no-print-directory', 'tag-release', `TAG=${tag}`], { cwd: repo, allowFailure: true });
    const tags = (dir: string) => run('git', ['-C', dir, 'tag', '--list']).stdout.trim().split('\n').filter(Boolean);

    it.each([
      ['v4.0.0 other', 'tag-release: tag "v4.0.0 other" is not a release tag'],
      ['v5.0.0;echo INJECTED', 'tag-release: tag "v5.0.0;echo INJECTED" is not a release tag'],
      ['v1.2.3-$(touch${IFS}pwned)', 'tag-release: tag "v1.2.3-$(touch${IFS}pwned)" is not a release tag'],
      [`v1.2.3-${'a'.repeat(118)}`, 'the release tag is too long for Docker'],
    ])('refuses TAG=%j, runs nothing and pushes nothing', (tag, message) => {
      const r = make(tag);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(message);
      expect(`${r.stdout}\n${r.stderr}`.split('\n')).not.toContain('INJECTED');
      expect(fs.existsSync(path.join(repo, 'pwned'))).toBe(false);
      expect(tags(origin)).toEqual([]);
      expect(tags(other)).toEqual([]);
    });

    it('pushes a release tag, then a hotfix below it (which gets no floating tags)', () => {
      const first = make('v1.1.0');
      expect(first.status, first.stderr).toBe(0);
      const hotfix = make('v1.0.1');
      expect(hotfix.status, hotfix.stderr).toBe(0);
      expect(hotfix.stdout).toMatch(/image tags v1\.0\.1-[0-9a-f]{7}, v1\.0\.1, v1\.0\n/);
      expect(tags(origin)).toEqual(['v1.0.1', 'v1.1.0']);
      expect(tags(other)).toEqual([]);
    });
  });

  it('its workflows pass actionlint (with shellcheck) and the release-safety properties', () => {
    const files = ['release', 'build'].map((w) => path.join(repo, '.github/workflows', `${w}.yml`));
    const lint = run(path.join(REPO_ROOT, '.tools/bin/actionlint'), ['-shellcheck', tool('shellcheck'), ...files], { allowFailure: true });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    expect(releaseProblems(workflow('release'), read('.github/workflows/release.yml'), {
      platforms: PLATFORMS, registries: 2, legs: { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' },
    })).toEqual([]);
    expect(buildProblems(workflow('build'), read('.github/workflows/build.yml'), ['npx projen test'])).toEqual([]);
  });

  it('its Dockerfile builds with buildah (stand-in bases); the labels are literal and the entrypoint reports the version', () => {
    const image = `localhost/${NAME}:verify`;
    const froms = read('Dockerfile').match(/^FROM .*$/gm)!;
    const builder = froms[0].split(' ')[2];
    const runtime = froms[1].split(' ')[1];
    golangStandIn(builder, builder.split(':')[1]);
    distrolessStandIn(runtime);
    // No --layers: with the vfs driver every committed layer is a full copy of the golang stand-in.
    const built = buildahBuild(['--build-arg', `VERSION=${VERSION}`, '--build-arg', `REVISION=${SHA}`, '-t', image, repo]);
    if (built.status !== 0) throw new Error(`the second repository's Dockerfile did not build (exit ${built.status}):\n${built.output.slice(-4000)}`);
    const config = JSON.parse(buildah(['inspect', '--type', 'image', image], { quiet: true })).OCIv1.config;
    expect(config.Labels['org.opencontainers.image.description']).toBe('Says hello to "$USER" \\ a second plugin that adopts the library');
    expect(config.Labels['org.opencontainers.image.version']).toBe(VERSION);
    expect(config.Entrypoint).toEqual([`/${NAME}`]);
    withImageFilesystem(image, (root) => {
      expect(run(tool('file'), ['-L', path.join(root, NAME)]).stdout).toMatch(/statically linked/);
    });
    const ctr = buildah(['from', '--pull=never', image], { quiet: true });
    try {
      const out = run('buildah', [...buildahArgs(), 'run', '--isolation', 'chroot', ctr, '--', `/${NAME}`, '--version']);
      expect(out.stdout).toBe(`${NAME} version ${VERSION}\n`);
    } finally {
      buildah(['rm', ctr], { quiet: true });
    }
  });

  describe('every bad option, against the installed package and the projen it peers with', () => {
    const load = () => {
      const requireFromRepo = createRequire(path.join(repo, 'package.json'));
      return badOptionCases(requireFromRepo(PACKAGE_NAME), requireFromRepo('projen'));
    };

    it('fails with its exact message and writes nothing', () => {
      const cases = load();
      expect(cases.length).toBeGreaterThanOrEqual(40);
      for (const c of cases) expectRejected(c.build, c.message);
    });
  });
});
