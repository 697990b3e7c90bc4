import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildah, copyInto, imageExists, manifestListExists, sh } from './buildah';
import type { PluginImage } from '../../src/plugin/plugin-image';
import { which } from '../e2e/process';

/*
 * TEST FIXTURES, not the real base images. No registry can be reached here, so the check
 * builds local stand-ins under the exact names the Dockerfile uses:
 *  - golang:<ver>: this machine's Go toolchain, busybox as /bin/sh, CA certificates, and the
 *    official image's GOPATH=/go and PATH;
 *  - the distroless runtime: from scratch, with passwd/group entries for nonroot 65532,
 *    CA certificates, tzdata and /tmp — what distroless static provides, and no shell.
 * A stand-in has its own digest, never the one a pin names: builds use `standInDockerfile`.
 */

const FIXTURE_LABEL = 'cq-source-s3.stand-in=test-fixture';

function commit(ctr: string, name: string): void {
  buildah(['config', '--label', FIXTURE_LABEL, ctr], { quiet: true });
  buildah(['commit', '--quiet', '--rm', ctr, name], { quiet: true });
}

export function golangStandIn(name: string, goVersion: string): void {
  if (imageExists(name)) return;
  const goroot = sh('go env GOROOT');
  const hostVersion = sh('go env GOVERSION').replace(/^go/, '');
  if (hostVersion !== goVersion) {
    throw new Error(`the ${name} stand-in needs Go ${goVersion}, but this machine has ${hostVersion}`);
  }
  const busybox = which('busybox');
  if (!busybox) throw new Error('busybox is missing: run "npx projen setup" (Debian package busybox-static)');
  process.stdout.write(`making stand-in ${name} from ${goroot} (test fixture)...\n`);
  const ctr = buildah(['from', 'scratch']);
  copyInto(ctr, busybox, '/bin/busybox');
  const etc = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-etc-'));
  fs.writeFileSync(path.join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  fs.writeFileSync(path.join(etc, 'group'), 'root:x:0:\n');
  copyInto(ctr, etc, '/etc');
  copyInto(ctr, '/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/certs/ca-certificates.crt');
  copyInto(ctr, goroot, '/usr/local/go');
  buildah(['run', '--isolation', 'chroot', ctr, '--', '/bin/busybox', 'sh', '-c', '/bin/busybox --install -s /bin && mkdir -p /tmp /go/bin /root && chmod 1777 /tmp'], { quiet: true });
  buildah(['config',
    '--env', 'PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '--env', 'GOPATH=/go', '--env', `GOLANG_VERSION=${goVersion}`, '--env', 'GOTOOLCHAIN=local',
    '--workingdir', '/go', '--cmd', 'sh', ctr], { quiet: true });
  commit(ctr, name);
}

/** `arch` sets the image's architecture: the stand-in has no executables, so its files suit every platform. */
export function distrolessStandIn(name: string, arch?: string): void {
  if (imageExists(name)) return;
  process.stdout.write(`making stand-in ${name}${arch ? ` (linux/${arch})` : ''} from scratch (test fixture)...\n`);
  const ctr = buildah(['from', 'scratch']);
  if (arch) buildah(['config', '--os', 'linux', '--arch', arch, ctr], { quiet: true });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-distroless-'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n');
  for (const dir of ['tmp', 'home/nonroot']) fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.chownSync(path.join(root, 'home/nonroot'), 65532, 65532);
  copyInto(ctr, root, '/');
  copyInto(ctr, '/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/certs/ca-certificates.crt');
  copyInto(ctr, '/usr/share/zoneinfo', '/usr/share/zoneinfo');
  buildah(['config', '--user', '65532:65532', '--workingdir', '/home/nonroot', ctr], { quiet: true });
  commit(ctr, name);
}

/**
 * A multi-platform distroless stand-in: one image per architecture (`<name>-<arch>`) and a
 * manifest list under `name`, so a `--platform linux/amd64,linux/arm64` build finds the right
 * base for each platform, as it would in the real registry.
 */
export function multiArchDistrolessStandIn(name: string, arches: readonly string[]): void {
  if (manifestListExists(name)) return;
  for (const arch of arches) distrolessStandIn(`${name}-${arch}`, arch);
  buildah(['manifest', 'create', name], { quiet: true });
  for (const arch of arches) buildah(['manifest', 'add', name, `containers-storage:${name}-${arch}`], { quiet: true });
}

/**
 * A copy of the generated Dockerfile that names every base by tag (`image:tag`, the stand-in's
 * name) where the generated one pins `image:tag@sha256:…`; everything else is byte for byte the same.
 */
export function standInDockerfile(dockerfile: string, image: PluginImage): string {
  let text = fs.readFileSync(dockerfile, 'utf8');
  for (const base of image.baseImages.filter((b) => b.pinned)) text = text.split(base.reference).join(base.tagged);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'standin-dockerfile-')), 'Dockerfile');
  fs.writeFileSync(file, text);
  return file;
}
