import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { pinnedEsbuild, sha256File } from '../../../src/release-runtime/bundle';
import { REPO_ROOT, tempDir } from '../../synth';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');

/** Bundles as the bundle job does (`bundle-release-tools --out …`), from this checkout's sources. */
function bundle(out: string, env: NodeJS.ProcessEnv = {}) {
  const flags = env.GITHUB_OUTPUT ? ['--github-output'] : [];
  return spawnSync(TSX, [path.join(REPO_ROOT, 'src/cli/bundle-release-tools.ts'), '--out', out, ...flags], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('the release tools bundle (one file, run with node alone)', () => {
  let file: string;
  let empty: string;
  let built: ReturnType<typeof bundle>;
  let outputs: string;

  beforeAll(() => {
    const dir = tempDir('bundle-');
    outputs = path.join(dir, 'github-output');
    built = bundle(path.join(dir, 'out/release-tools.cjs'), { GITHUB_OUTPUT: outputs });
    // An empty directory with nothing but the bundle: no node_modules anywhere above it either.
    empty = fs.mkdtempSync('/tmp/rt-empty-');
    file = path.join(empty, 'release-tools.cjs');
    fs.copyFileSync(path.join(dir, 'out/release-tools.cjs'), file);
  });

  /** `node release-tools.cjs …` in the empty directory, with no NODE_PATH and a PATH holding only node's directory. */
  const node = (...args: string[]) => spawnSync(process.execPath, [file, ...args], { cwd: empty, encoding: 'utf8', env: { PATH: path.dirname(process.execPath), HOME: empty } });

  it('is built, and its SHA-256 is printed and written to $GITHUB_OUTPUT', () => {
    expect(built.status, built.stderr).toBe(0);
    const sha = sha256File(file);
    expect(built.stdout).toMatch(new RegExp(`release-tools\\.cjs: \\d+ bytes, sha256 ${sha}\\n$`));
    expect(fs.readFileSync(outputs, 'utf8')).toBe(`sha256=${sha}\n`);
  });

  it('runs with plain node from an empty directory: --help of the bundle and of each program', () => {
    const help = node('--help');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toBe('usage: release-tools <promote|sign-image|release-notes> [options]  (release-tools <command> --help)\n');
    for (const program of ['promote', 'sign-image', 'release-notes']) {
      const r = node(program, '--help');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: ${program} --`));
    }
  });

  it('its programs really run: input errors name the program and exit 2, an unknown program too', () => {
    const r = node('promote', '--digest', 'latest');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^promote: --source is required/);
    const notes = node('release-notes', '--print', '--tag', 'v1.2.3', '--digest', `sha256:${'a'.repeat(64)}`, '--image', 'ghcr.io/o/n', '--tags', 'v1.2.3',
      '--platforms', 'linux/amd64', '--prerelease', 'false', '--identity', 'https://github.com/o/n/.github/workflows/release.yml@refs/tags/v1.2.3', '--repository', 'o/n');
    expect(notes.status, notes.stderr).toBe(0);
    expect(notes.stdout).toContain('docker pull ghcr.io/o/n:v1.2.3');
    const unknown = node('deploy');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^release-tools: unknown command "deploy"/);
  });

  it('requires nothing but node\'s built-in modules', () => {
    const text = fs.readFileSync(file, 'utf8');
    const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(required.filter((m) => !builtins.has(m))).toEqual([]);
  });

  it('is the same bytes when built again from the same sources (its hash is reviewable)', () => {
    const again = path.join(tempDir('bundle-again-'), 'release-tools.cjs');
    expect(bundle(again).status).toBe(0);
    expect(sha256File(again)).toBe(sha256File(file));
  });
});

describe('the bundle is made only by the esbuild package.json pins exactly', () => {
  const project = (spec: string | undefined) => {
    const dir = tempDir('esbuild-pin-');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: spec === undefined ? {} : { esbuild: spec } }));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    return dir;
  };
  const installed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules/esbuild/package.json'), 'utf8')).version as string;

  it('this repository pins it exactly, and that is the version installed', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.devDependencies.esbuild).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinnedEsbuild(REPO_ROOT).version).toBe(pkg.devDependencies.esbuild);
  });

  it.each([
    [undefined, 'has no esbuild: add it as a devDependency pinned to one version'],
    ['^0.28.0', 'asks for esbuild "^0.28.0": pin one exact version'],
    ['0.0.1', `esbuild ${installed} is installed, not 0.0.1 as package.json pins: run npm ci`],
  ])('refuses %j', (spec, message) => {
    expect(() => pinnedEsbuild(project(spec))).toThrow(message);
  });
});
