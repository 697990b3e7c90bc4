import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, synthReleaseFiles } from './synth';

describe('generated files', () => {
  const first = synthReleaseFiles();
  const second = synthReleaseFiles();
  const files = ['Dockerfile', '.dockerignore', 'Makefile', '.github/workflows/release.yml', '.github/workflows/build.yml'];

  it.each(files)('%s is deterministic (two syntheses are byte-identical)', (file) => {
    expect(second.read(file)).toBe(first.read(file));
  });

  it.each(files)('committed %s equals what .projenrc.ts generates (run "npx projen" after editing it)', (file) => {
    expect(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).toBe(first.read(file));
  });

  it.each(files)('%s is the same with post-synthesis steps off (npx projen --no-post, as the drift checks run it)', (file) => {
    const saved = process.env.PROJEN_DISABLE_POST;
    process.env.PROJEN_DISABLE_POST = 'true';
    try {
      expect(synthReleaseFiles().read(file)).toBe(first.read(file));
    } finally {
      if (saved === undefined) delete process.env.PROJEN_DISABLE_POST;
      else process.env.PROJEN_DISABLE_POST = saved;
    }
  });

  it.each(files)('%s carries no timestamp', (file) => {
    expect(first.read(file)).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:/);
  });
});
