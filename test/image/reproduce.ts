/*
 * image:reproduce — builds the generated Dockerfile twice for every platform, each time from
 * empty buildah storage and empty build caches (the Go module and build caches of its RUN
 * --mount=type=cache are empty too), with --timestamp from the commit time, and compares the
 * manifest digests. Prints both digests per platform and `reproducible: yes|no`; exits 1 on no.
 * The bases are the local stand-ins (no registry can be reached here), made once and loaded
 * into each empty storage from an OCI archive: they are inputs, like a pinned base on GitHub.
 * REPRODUCE_GO_BUILD_CACHE=host (the test suite's test:reproduce) links the Go build cache mount
 * to this machine's instead: the storage and the module cache stay empty, so every layer, the
 * image config and the manifests are still made twice, but the Go compiler's output comes from
 * one content-addressed cache (a cold compile is 5–6 minutes per platform on two cores; Go's
 * -trimpath builds are reproducible by design, and the release's second build compiles cold).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { reproducibilityReport, ReproduceBuild } from './reproducibility';
import { golangStandIn, multiArchDistrolessStandIn, standInDockerfile } from './stand-ins';
import { buildah, linkHostGoBuildCache, STORAGE_ROOT, useStorage } from './buildah';
import { REPO_ROOT } from '../e2e/process';
import { synthRepository } from '../synth';

const { image } = synthRepository();
const BASES_STORAGE = `${STORAGE_ROOT}-reproduce-bases`;
const WORK = process.env.REPRODUCE_DIR ?? '/var/tmp/cq-source-s3-reproduce';
const HOST_GO_BUILD_CACHE = process.env.REPRODUCE_GO_BUILD_CACHE === 'host';
if (!['host', undefined].includes(process.env.REPRODUCE_GO_BUILD_CACHE)) {
  throw new Error(`REPRODUCE_GO_BUILD_CACHE is "${process.env.REPRODUCE_GO_BUILD_CACHE}": leave it unset (empty caches) or set it to "host"`);
}

function storageArgs(root: string): string[] {
  return ['--root', path.join(root, 'root'), '--runroot', path.join(root, 'run'), '--storage-driver', 'vfs'];
}

function run(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync('buildah', args, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`buildah could not run (${r.error.message}): run "npx projen setup" (Debian package buildah)`);
  if (r.status !== 0) throw new Error(`buildah ${args.slice(6, 8).join(' ')} failed (exit ${r.status}):\n${(r.stderr || r.stdout).slice(-4000)}`);
  return r.stdout.trim();
}

/** The stand-in bases, made once, saved as OCI archives to load into each empty storage. */
function baseArchives(): { name: string; archive: string }[] {
  useStorage(BASES_STORAGE);
  golangStandIn(image.builderBase.tagged, image.goVersion);
  multiArchDistrolessStandIn(image.runtimeBase.tagged, image.targets.map((t) => t.arch));
  const dir = path.join(WORK, 'bases');
  fs.mkdirSync(dir, { recursive: true });
  const names = [image.builderBase.tagged, ...image.targets.map((t) => `${image.runtimeBase.tagged}-${t.arch}`)];
  return names.map((name) => {
    const archive = path.join(dir, `${name.replace(/[/:]/g, '_')}.tar`);
    if (!fs.existsSync(archive)) buildah(['push', '--quiet', name, `oci-archive:${archive}`], { quiet: true });
    return { name, archive };
  });
}

/** One build of one platform from empty storage and empty caches; returns the manifest digest of the image. */
function buildOnce(platform: string, attempt: number, epoch: string, bases: { name: string; archive: string }[], dockerfile: string): ReproduceBuild {
  const root = path.join(WORK, `build-${attempt}-${platform.replace('/', '-')}`);
  fs.rmSync(root, { recursive: true, force: true });
  const tmp = path.join(root, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  if (HOST_GO_BUILD_CACHE) linkHostGoBuildCache(tmp);
  const storage = storageArgs(root);
  for (const b of bases) run([...storage, 'tag', run([...storage, 'pull', '--quiet', `oci-archive:${b.archive}`]), b.name]);
  // The runtime stand-in goes under the Dockerfile's name as a list of every platform's image, as in
  // image:verify: once the builder stage's base was resolved for the build platform, buildah 1.28
  // finds no plain image of another platform under the final stage's name ("image not known").
  run([...storage, 'manifest', 'create', image.runtimeBase.tagged]);
  for (const b of bases.filter((base) => base.name !== image.builderBase.tagged)) {
    run([...storage, 'manifest', 'add', image.runtimeBase.tagged, `containers-storage:${b.name}`]);
  }
  const buildPlatform = `linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
  const started = Date.now();
  run([...storage, 'build', '--isolation', 'chroot', '--pull=never', '--no-cache', '--timestamp', epoch, '--platform', platform,
    '--build-arg', `BUILDPLATFORM=${buildPlatform}`, '--build-arg', `SOURCE_DATE_EPOCH=${epoch}`, '--build-arg', 'VERSION=v0.0.0-reproduce', '--build-arg', `REVISION=${'0'.repeat(40)}`,
    '-f', dockerfile, '-t', 'localhost/cq-source-s3:reproduce', REPO_ROOT], { ...process.env, TMPDIR: tmp });
  const digestFile = path.join(root, 'digest');
  run([...storage, 'push', '--quiet', '--format', 'oci', '--disable-compression', '--digestfile', digestFile, 'localhost/cq-source-s3:reproduce', `oci:${path.join(root, 'oci')}:reproduce`]);
  const digest = fs.readFileSync(digestFile, 'utf8').trim();
  process.stdout.write(`build ${attempt} ${platform}: ${digest} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  fs.rmSync(root, { recursive: true, force: true });
  return { platform, digest };
}

function main(): number {
  const epoch = execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  process.stdout.write(`image:reproduce: ${image.platforms.join(', ')}, twice each, from empty storage and caches, --timestamp ${epoch} (the commit time)\n`);
  const started = Date.now();
  const bases = baseArchives();
  const dockerfile = standInDockerfile(path.join(REPO_ROOT, 'Dockerfile'), image);
  const first: ReproduceBuild[] = [];
  const second: ReproduceBuild[] = [];
  for (const platform of image.platforms) {
    first.push(buildOnce(platform, 1, epoch, bases, dockerfile));
    second.push(buildOnce(platform, 2, epoch, bases, dockerfile));
  }
  const report = reproducibilityReport(first, second);
  process.stdout.write(report.text);
  process.stdout.write(`image:reproduce took ${Math.round((Date.now() - started) / 1000)} s\n`);
  return report.reproducible ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`image:reproduce: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
