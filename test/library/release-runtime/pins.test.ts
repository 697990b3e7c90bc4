import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfileImages, unpinned, unpinnedMessage, workflowImages } from '../../../src/release-runtime/pins';
import { REPO_ROOT, tempDir } from '../../synth';

const D = `sha256:${'a'.repeat(64)}`;

describe('the release refuses images not pinned by digest', () => {
  const dockerfile = [
    '# syntax=docker/dockerfile:1',
    'FROM --platform=$BUILDPLATFORM golang:1.26.8 AS builder',
    'RUN true',
    'FROM builder AS test',
    `FROM gcr.io/distroless/static-debian13:nonroot@${D}`,
    'FROM scratch',
  ].join('\n');

  it('finds the frontend and every base image that is not an earlier stage or scratch', () => {
    expect(dockerfileImages(dockerfile)).toEqual([
      { where: 'Dockerfile line 1 (# syntax, the Dockerfile frontend)', image: 'docker/dockerfile:1' },
      { where: 'Dockerfile line 2 (FROM)', image: 'golang:1.26.8' },
      { where: 'Dockerfile line 5 (FROM)', image: `gcr.io/distroless/static-debian13:nonroot@${D}` },
    ]);
    expect(unpinned(dockerfileImages(dockerfile)).map((u) => u.image)).toEqual(['docker/dockerfile:1', 'golang:1.26.8']);
  });

  it('finds service and container images of a workflow', () => {
    const yaml = `jobs:\n  e2e:\n    services:\n      localstack:\n        image: localstack/localstack:4.14.0\n    container:\n      image: "alpine@${D}"\n`;
    expect(workflowImages(yaml, 'r.yml')).toEqual([
      { where: 'r.yml line 5 (image)', image: 'localstack/localstack:4.14.0' },
      { where: 'r.yml line 7 (image)', image: `alpine@${D}` },
    ]);
  });

  it('an expression or a build argument is never taken as pinned', () => {
    expect(unpinned([{ where: 'x', image: `\${REGISTRY}/golang@${D}` }])).toHaveLength(1);
  });

  it('one message names each unpinned image and where it is', () => {
    expect(unpinnedMessage(dockerfileImages(dockerfile))).toBe('2 image(s) not pinned by digest, so nobody could rebuild this release byte for byte: '
      + 'docker/dockerfile:1 (Dockerfile line 1 (# syntax, the Dockerfile frontend)); golang:1.26.8 (Dockerfile line 2 (FROM)) — merge the update bot\'s pin pull request (or pin them in .projenrc.ts), then tag again');
    expect(unpinnedMessage([{ where: 'x', image: `golang:1.26.8@${D}` }])).toBeUndefined();
  });

  const checkPins = (args: string[]) => spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/check-pins.ts'), ...args], { encoding: 'utf8' });

  it('check-pins fails on this repository today (tags until the update bot pins them), naming each image', () => {
    const r = checkPins(['--dockerfile', path.join(REPO_ROOT, 'Dockerfile'), '--workflow', path.join(REPO_ROOT, '.github/workflows/release.yml')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    for (const image of ['docker/dockerfile:1', 'golang:', 'gcr.io/distroless/static-debian13:nonroot', 'localstack/localstack:4.14.0']) expect(r.stderr).toContain(image);
  });

  it('check-pins passes once everything is pinned', () => {
    const dir = tempDir('pins-');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `# syntax=docker/dockerfile:1@${D}\nFROM golang:1.26.8@${D} AS b\nFROM b\n`);
    fs.writeFileSync(path.join(dir, 'r.yml'), `jobs:\n  e2e:\n    services:\n      s:\n        image: localstack/localstack:4.14.0@${D}\n`);
    const r = checkPins(['--dockerfile', path.join(dir, 'Dockerfile'), '--workflow', path.join(dir, 'r.yml')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('every image is pinned by digest: docker/dockerfile:1, golang:1.26.8, localstack/localstack:4.14.0\n');
  });

  it('check-pins names a file it cannot read (exit 2)', () => {
    const r = checkPins(['--dockerfile', '/nonexistent/Dockerfile']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('check-pins: cannot read /nonexistent/Dockerfile: ENOENT\n');
  });
});
