import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, synthRepository } from '../synth';

describe('generated files', () => {
  const first = synthRepository();
  const second = synthRepository();
  const files = ['Dockerfile', '.dockerignore', 'Makefile', '.github/workflows/release.yml', '.github/workflows/build.yml', '.projen/tasks.json', 'typedoc.json'];

  it.each(files)('%s is deterministic (two syntheses are byte-identical)', (file) => {
    expect(second.read(file)).toBe(first.read(file));
  });

  // The committed files were written by `npx projen` with post-synthesis steps on; these syntheses run with them off
  // (as the drift check's `npx projen --no-post` does), so equality also proves rendering never depends on post-synthesis.
  it.each(files)('committed %s equals what .projenrc.ts generates (run "npx projen" after editing it)', (file) => {
    expect(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).toBe(first.read(file));
  });

  it.each(files)('%s carries no timestamp', (file) => {
    expect(first.read(file)).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:/);
  });
});
