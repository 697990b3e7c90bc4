import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../synth';
import config from '../../vitest.config.mjs';

interface ProjectConfig { test: { name: string; include: string[] } }
const PROJECTS = (config.test!.projects as ProjectConfig[]).map((p) => p.test);

/** Whether `file` matches an include pattern of the two forms the config uses: `dir/*.test.ts` and `dir/**\/*.test.ts`. */
function included(file: string, pattern: string): boolean {
  const form = /^(.+?)\/(\*\*\/)?\*\.test\.ts$/.exec(pattern);
  if (!form) throw new Error(`vitest.config.mts: include pattern ${JSON.stringify(pattern)} is not dir/*.test.ts or dir/**/*.test.ts; teach this test the new form`);
  const [, dir, recursive] = form;
  return file.endsWith('.test.ts') && (recursive ? file.startsWith(`${dir}/`) : path.dirname(file) === dir);
}

function testFiles(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' || rel === 'test/package/fixture' ? [] : testFiles(rel);
    return e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

describe('vitest projects', () => {
  const files = testFiles('test');
  const projectsOf = (file: string) => PROJECTS.filter((p) => p.include.some((i) => included(file, i))).map((p) => p.name);

  it('run every test file: a file outside the projects\' folders (e.g. at test/\'s top) would never run', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.filter((f) => projectsOf(f).length === 0)).toEqual([]);
  });

  it('give each file one project, apart from unit-quick, which is a part of unit', () => {
    const problems = files.map((f) => [f, projectsOf(f).filter((p) => p !== 'unit-quick')] as const).filter(([, p]) => p.length !== 1);
    expect(problems).toEqual([]);
    for (const f of files.filter((file) => projectsOf(file).includes('unit-quick'))) expect(projectsOf(f), f).toContain('unit');
  });

  it('can fail: a test file at test/\'s top belongs to no project', () => {
    expect(PROJECTS.some((p) => p.include.some((i) => included('test/docs.test.ts', i)))).toBe(false);
    expect(PROJECTS.filter((p) => p.include.some((i) => included('test/library/bins/x.test.ts', i))).map((p) => p.name)).toEqual(['unit']);
  });
});
