import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_BINS, packedTarball, run } from './packed';
import { REPO_ROOT, tempDir } from '../synth';

interface Reflection {
  name: string;
  kind: number;
  flags?: { isOptional?: boolean };
  comment?: { summary?: { text: string }[]; blockTags?: { tag: string }[] };
  children?: Reflection[];
}
const NAMESPACE = 4;
const INTERFACE = 256;
const PROPERTY = 1024;

/** The namespaces' pages of the API reference beside API.md, repository-relative. */
const apiPages = (): string[] => fs.readdirSync(path.join(REPO_ROOT, 'API/namespaces')).map((f) => `API/namespaces/${f}`).sort();

describe('the packed library', () => {
  let files: string[];
  beforeAll(() => {
    files = run('tar', ['tzf', packedTarball()]).stdout.trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
  });

  it('holds the compiled sources, their declarations, the API reference, README, LICENSE and package.json, and nothing else', () => {
    const sources = (dir: string): string[] => fs.readdirSync(path.join(REPO_ROOT, 'src', dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name.replace(/\.ts$/, ''))] : []);
    const compiled = sources('').flatMap((s) => [`lib/${s}.d.ts`, `lib/${s}.js`]);
    expect(files).toEqual([...compiled, 'API.md', ...apiPages(), 'LICENSE', 'README.md', 'package.json'].sort());
  });

  it('has docs/library.md as its README (the repository README is the plugin\'s), its relative links rebased to the package root', () => {
    const readme = run('tar', ['xzf', packedTarball(), '-O', 'package/README.md']).stdout;
    const library = fs.readFileSync(path.join(REPO_ROOT, 'docs/library.md'), 'utf8');
    expect(readme.split('\n')[0]).toBe(library.split('\n')[0]);
    expect(readme.split('\n')[0]).toBe('# projen-cloudquery-go-plugin');
    const relative = [...readme.matchAll(/\]\(([^)\s#]+)(#[^)\s]*)?\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
    expect(relative.length, 'relative links found').toBeGreaterThan(3);
    // npm's site resolves them against the repository root: each must name a file there.
    expect(relative.filter((t) => !fs.existsSync(path.join(REPO_ROOT, t)))).toEqual([]);
  });

  it('every bin is a compiled program with a node shebang, one per src/cli program', () => {
    const programs = fs.readdirSync(path.join(REPO_ROOT, 'src/cli')).filter((f) => fs.readFileSync(path.join(REPO_ROOT, 'src/cli', f), 'utf8').startsWith('#!'));
    expect(Object.keys(PACKAGE_BINS).sort()).toEqual(programs.map((f) => f.replace(/\.ts$/, '')).sort());
    expect(Object.keys(PACKAGE_BINS)).toEqual(expect.arrayContaining(['image-tags', 'tag-release']));
    for (const [bin, file] of Object.entries(PACKAGE_BINS)) {
      expect(files, bin).toContain(file);
      expect(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n')[0], bin).toBe('#!/usr/bin/env node');
    }
  });
});

describe('API.md', () => {
  let out: string;
  let api: Reflection;
  beforeAll(() => {
    out = tempDir('api-docs-');
    run(path.join(REPO_ROOT, 'node_modules/.bin/typedoc'), ['--out', path.join(out, 'md'), '--json', path.join(out, 'api.json')], { cwd: REPO_ROOT });
    api = JSON.parse(fs.readFileSync(path.join(out, 'api.json'), 'utf8'));
  });

  it('is what the doc comments generate: API.md and one page per namespace (run "npx projen docgen" after changing them)', () => {
    expect(apiPages()).toEqual(fs.readdirSync(path.join(out, 'md/API/namespaces')).map((f) => `API/namespaces/${f}`).sort());
    for (const page of ['API.md', ...apiPages()]) {
      expect(fs.readFileSync(path.join(REPO_ROOT, page), 'utf8'), page).toBe(fs.readFileSync(path.join(out, 'md', page), 'utf8'));
    }
  });

  it('API.md documents what an adopter writes, and links every namespace', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'API.md'), 'utf8');
    for (const name of ['CloudQueryGoPlugin', 'CloudQueryGoPluginOptions', 'CloudQueryGoPluginProject', 'CloudQueryGoPluginProjectOptions', 'IRegistry', 'IEndToEndSuite', 'EcrOptions', 'GhcrOptions', 'GcrOptions']) {
      expect(text).toContain(`### ${name}`);
    }
    for (const page of apiPages()) expect(text).toContain(`](${page})`);
  });

  it('exports a small surface at the top and the building blocks in namespaces', () => {
    const top = api.children ?? [];
    expect(top.filter((c) => c.kind === NAMESPACE).map((c) => c.name).sort()).toEqual(['core', 'github', 'plugin', 'registries', 'releaseRuntime', 'releaseWorkflow', 'renovate', 'workflows']);
    expect(top.filter((c) => c.kind !== NAMESPACE).length).toBeLessThanOrEqual(25);
  });

  it('every property of every exported interface has a description, and every optional one a @default', () => {
    const all = (r: Reflection): Reflection[] => (r.children ?? []).flatMap((c) => [c, ...(c.kind === NAMESPACE ? all(c) : [])]);
    const interfaces = all(api).filter((c) => c.kind === INTERFACE);
    expect(interfaces.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const i of interfaces) {
      for (const p of (i.children ?? []).filter((c) => c.kind === PROPERTY)) {
        const summary = (p.comment?.summary ?? []).map((s) => s.text).join('').trim();
        if (!summary) problems.push(`${i.name}.${p.name} has no description`);
        if (p.flags?.isOptional && !(p.comment?.blockTags ?? []).some((t) => t.tag === '@default')) problems.push(`${i.name}.${p.name} is optional but has no @default`);
      }
    }
    expect(problems).toEqual([]);
  });
});
