import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildah, buildahArgs, buildahBuild, withImageFilesystem } from './buildah';
import { distrolessStandIn, golangStandIn, standInDockerfile } from './stand-ins';
import { pluginChecks, useFixtureBucket, WRAPPED_READINESS_BUDGET_MS } from '../e2e/checks';
import { serveArgs, spawnPlugin } from '../e2e/plugin-process';
import { freePort, REPO_ROOT } from '../e2e/process';
import { synthRepository } from '../synth';

const VERSION = 'v0.0.0-image-verify';
const REVISION = '0123456789abcdef0123456789abcdef01234567';
const TAG = 'localhost/cq-source-s3:verify';
const COMPRESSED_TARGET = 20 * 1000 * 1000;
const CONTEXT_TARGET = 1000 * 1000;
const { image } = synthRepository();

interface ImageConfig {
  User?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
}

function report(name: string, value: number, unit: string): void {
  process.stdout.write(`image:verify ${name}: ${value} ${unit}\n`);
}

/** `buildah build` of a Dockerfile against the repository as context. */
function build(dockerfile: string, tag: string): { status: number | null; output: string } {
  return buildahBuild(['--layers', '--build-arg', `VERSION=${VERSION}`, '--build-arg', `REVISION=${REVISION}`, '-f', dockerfile, '-t', tag, REPO_ROOT]);
}

/** Sum of the gzip-compressed layer sizes, as a registry would store them. */
function compressedLayers(tag: string): number[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-'));
  buildah(['push', '--quiet', '--format', 'oci', '--compression-format', 'gzip', tag, `oci:${dir}:verify`], { quiet: true });
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const blob = (digest: string) => path.join(dir, 'blobs', ...digest.split(':'));
  const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return manifest.layers.map((l: { size: number }) => l.size);
}

let config: ImageConfig;

describe('the generated Dockerfile, built with buildah against stand-in bases', () => {
  beforeAll(() => {
    golangStandIn(image.builderBase.tagged, image.goVersion);
    distrolessStandIn(image.runtimeBase.tagged);
    process.stdout.write(`building ${TAG} from the generated Dockerfile (buildah, vfs, chroot)...\n`);
    const started = Date.now();
    const r = build(standInDockerfile(path.join(REPO_ROOT, 'Dockerfile'), image), TAG);
    if (r.status !== 0) throw new Error(`the generated Dockerfile did not build:\n${r.output.slice(-4000)}`);
    report('build seconds', Math.round((Date.now() - started) / 100) / 10, 's');
    config = JSON.parse(buildah(['inspect', '--type', 'image', TAG], { quiet: true })).OCIv1.config;
  });

  it('runs as 65532:65532', () => {
    expect(config.User).toBe(image.user);
  });

  it('has the binary alone as ENTRYPOINT and the default serve CMD', () => {
    expect(config.Entrypoint).toEqual([image.binaryPath]);
    expect(config.Cmd).toEqual(image.defaultCommand);
  });

  it(`exposes ${image.port}/tcp only`, () => {
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual([`${image.port}/tcp`]);
  });

  it('carries the OCI labels, with version and revision from the build args', () => {
    expect(config.Labels).toMatchObject({
      'org.opencontainers.image.title': image.name,
      'org.opencontainers.image.source': image.sourceUrl,
      'org.opencontainers.image.licenses': image.license,
      'org.opencontainers.image.version': VERSION,
      'org.opencontainers.image.revision': REVISION,
    });
  });

  it('has no shell, and a statically linked binary', () => {
    withImageFilesystem(TAG, (root) => {
      for (const shell of ['bin/sh', 'bin/bash', 'bin/busybox', 'usr/bin/sh']) {
        expect(fs.existsSync(path.join(root, shell)), `${shell} must not exist in the runtime image`).toBe(false);
      }
      const file = spawnSync('file', ['-L', path.join(root, image.binaryPath)], { encoding: 'utf8' }).stdout;
      expect(file).toMatch(/ELF 64-bit LSB executable, x86-64/);
      expect(file).toMatch(/statically linked/);
    });
  });

  it(`compressed size (sum of gzip layers) is at most ${COMPRESSED_TARGET / 1e6} MB`, () => {
    const layers = compressedLayers(TAG);
    const total = layers.reduce((a, b) => a + b, 0);
    report('compressed image bytes (stand-in base + plugin layer)', total, 'B');
    report('compressed plugin layer bytes', layers[layers.length - 1], 'B');
    expect(total).toBeLessThanOrEqual(COMPRESSED_TARGET);
  });

  it(`the .dockerignore keeps the build context under ${CONTEXT_TARGET / 1e6} MB`, () => {
    const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-')), 'Dockerfile');
    fs.writeFileSync(probe, 'FROM scratch\nCOPY . /context/\n');
    const r = build(probe, 'localhost/cq-source-s3:context-probe');
    expect(r.status, r.output.slice(-2000)).toBe(0);
    const { bytes, files } = withImageFilesystem('localhost/cq-source-s3:context-probe', (root) => ({
      bytes: Number(spawnSync('du', ['-sb', '--apparent-size', path.join(root, 'context')], { encoding: 'utf8' }).stdout.split('\t')[0]),
      files: spawnSync('find', [path.join(root, 'context'), '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n'),
    }));
    report('build context bytes', bytes, 'B');
    report('build context files', files.length, 'files');
    expect(files.some((f) => f.includes('node_modules') || f.includes('/.git/'))).toBe(false);
    expect(bytes).toBeLessThanOrEqual(CONTEXT_TARGET);
  });

  it('a Dockerfile that copies the wrong binary path does not build (the check can fail)', () => {
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'broken-')), 'Dockerfile');
    const text = fs.readFileSync(standInDockerfile(path.join(REPO_ROOT, 'Dockerfile'), image), 'utf8');
    expect(text).toContain('COPY --from=builder /out/cq-source-s3 ');
    fs.writeFileSync(broken, text.replace('COPY --from=builder /out/cq-source-s3 ', 'COPY --from=builder /out/cq-source-s3-typo '));
    const r = build(broken, 'localhost/cq-source-s3:broken');
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/cq-source-s3-typo/);
  });
});

describe('the image entrypoint, run with buildah on the host network (smoke subset)', () => {
  useFixtureBucket({ buildPlugin: false });
  pluginChecks('image (buildah run)', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const ctr = buildah(['from', '--pull=never', TAG], { quiet: true });
    const entrypoint = config.Entrypoint ?? [];
    // Like `docker run -e`: the container gets only the environment it is given.
    const env = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED'].flatMap((k) => ['--env', `${k}=${process.env[k] ?? ''}`]);
    const command = ['buildah', ...buildahArgs(), 'run', '--isolation', 'chroot', ...env, ctr, '--', ...entrypoint, ...serveArgs(address)];
    return spawnPlugin('plugin in image', command, address, VERSION, () => buildah(['rm', ctr], { quiet: true }));
  }, false, WRAPPED_READINESS_BUDGET_MS);
});
