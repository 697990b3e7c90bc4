import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { craneOk } from './registry-state';
import { runOk } from './run-async';
import { REPO_ROOT } from '../e2e/process';
import { buildah, buildahArgs, buildahBuild, manifestListExists, STORAGE_ROOT, useStorage } from '../image/buildah';
import { golangStandIn, multiArchDistrolessStandIn, standInDockerfile } from '../image/stand-ins';
import { synthRepository } from '../synth';

/** This suite's own buildah storage: its distroless stand-in is a manifest list, the image check's a plain image. */
export const REGISTRY_STORAGE = `${STORAGE_ROOT}-registry`;
/** The version the index's binaries are built with (GetVersion returns it). */
export const INDEX_VERSION = 'v0.0.0-registry';
const REVISION = '0123456789abcdef0123456789abcdef01234567';
const LIST = 'localhost/cq-source-s3:registry-index';
const { image } = synthRepository();

/**
 * Builds the generated Dockerfile once for every platform of the image (linux/amd64 and
 * linux/arm64) into a local manifest list: the builder stage runs on the build platform and
 * cross-compiles; the final stage only COPYs onto the per-platform distroless stand-in.
 */
export function buildMultiArchIndex(): void {
  useStorage(REGISTRY_STORAGE);
  golangStandIn(image.builderBase.tagged, image.goVersion);
  multiArchDistrolessStandIn(image.runtimeBase.tagged, image.targets.map((t) => t.arch));
  if (manifestListExists(LIST)) buildah(['manifest', 'rm', LIST], { quiet: true });
  const platforms = image.platforms.join(',');
  process.stdout.write(`building ${platforms} from the generated Dockerfile into ${LIST} (buildah, vfs, chroot)...\n`);
  const started = Date.now();
  // BuildKit predefines BUILDPLATFORM; buildah 1.28 (Debian 12) leaves `FROM --platform=$BUILDPLATFORM` empty and
  // then looks for an arm64 builder image. Passing it makes the builder stage run on this machine, as on a runner.
  const buildPlatform = `linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
  const r = buildahBuild(['--layers', '--platform', platforms, '--manifest', LIST,
    '--build-arg', `BUILDPLATFORM=${buildPlatform}`, '--build-arg', `VERSION=${INDEX_VERSION}`, '--build-arg', `REVISION=${REVISION}`, '-f', standInDockerfile(path.join(REPO_ROOT, 'Dockerfile'), image), REPO_ROOT]);
  if (r.status !== 0) throw new Error(`the generated Dockerfile did not build for ${platforms}:\n${r.output.slice(-4000)}`);
  process.stdout.write(`registry suite: multi-arch build ${Math.round((Date.now() - started) / 100) / 10} s\n`);
}

/**
 * Pushes the index and both images (`buildah manifest push --all`) to `destination`
 * (`host/repo:tag`; buildah 1.28 cannot push to a digest reference) and returns the index digest.
 * Promotion only ever uses the digest.
 */
export async function pushIndex(destination: string): Promise<string> {
  const digestFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'digest-')), 'digest');
  await runOk('buildah', [...buildahArgs(), 'manifest', 'push', '--all', '--tls-verify=false', '--digestfile', digestFile, LIST, `docker://${destination}`]);
  return fs.readFileSync(digestFile, 'utf8').trim();
}

/**
 * Another release's index, for tests that need several releases with distinct digests: each
 * image of `repository@digest` gets the label org.opencontainers.image.version=`version`
 * (crane mutate), and a new index lists the two (crane index append). Same platforms, new digest.
 */
export async function releaseVariant(repository: string, digest: string, version: string): Promise<string> {
  const index = JSON.parse(await craneOk('manifest', `${repository}@${digest}`)) as { manifests: { digest: string; platform: { architecture: string } }[] };
  const children: string[] = [];
  for (const m of index.manifests) {
    const out = await craneOk('mutate', `${repository}@${m.digest}`, '--label', `org.opencontainers.image.version=${version}`, '-t', `${repository}:variant-${version}-${m.platform.architecture}`);
    children.push(out.split('\n').pop()!.trim());
  }
  const tag = `${repository}:variant-${version}`;
  await craneOk('index', 'append', ...children.flatMap((c) => ['-m', c]), '-t', tag);
  return craneOk('digest', tag);
}
