import * as fs from 'node:fs';
import * as path from 'node:path';
import { javascript, Testing } from 'projen';
import { describe, expect, it } from 'vitest';
import { OFF_SWITCHES, tempDir } from '../synth';
import { CloudQueryGoPlugin, CloudQueryGoPluginOptions, CloudQueryGoPluginProject, Registry } from '../../src';

const FIXTURE = path.join(__dirname, '../package/fixture');
const PROJENRC = fs.readFileSync(path.join(FIXTURE, '.projenrc.ts'), 'utf8');

/** The second repository's options (test/package/fixture/.projenrc.ts), in a fresh copy of its Go sources. */
function fixtureOptions(): { outdir: string } & CloudQueryGoPluginOptions & { license: string; copyrightOwner: string } {
  const outdir = tempDir('cq-hello-');
  fs.cpSync(FIXTURE, outdir, { recursive: true, filter: (f) => !f.endsWith('.projenrc.ts') });
  return {
    outdir,
    name: 'cq-source-hello',
    description: 'Says hello',
    license: 'MIT',
    copyrightOwner: 'Acme',
    versionPackage: 'resources/plugin',
    buildTags: [],
    platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
    registries: [Registry.ghcr({ owner: 'acme' })],
  };
}

describe('CloudQueryGoPluginProject', () => {
  it('the second repository adopts it in at most 15 lines, with no option switched off', () => {
    expect(PROJENRC.trimEnd().split('\n').length).toBeLessThanOrEqual(15);
    expect(PROJENRC).not.toMatch(/\bfalse\b/);
    expect(PROJENRC).toContain('new CloudQueryGoPluginProject({');
  });

  it('generates what a Node project with every off-switch and the component generate', () => {
    const projectType = Testing.synth(new CloudQueryGoPluginProject(fixtureOptions()));

    const options = fixtureOptions();
    const longhand = new javascript.NodeProject({ ...OFF_SWITCHES, projenrcJs: false, ...options, devDeps: ['projen-cloudquery-go-plugin', 'tsx'] });
    longhand.defaultTask!.reset('node --require tsx/cjs .projenrc.ts');
    new CloudQueryGoPlugin(longhand, options);
    expect(projectType).toEqual(Testing.synth(longhand));
  });

  it('has the plugin\'s workflows and none of projen\'s, no Jest, and runs .projenrc.ts with tsx', () => {
    const project = new CloudQueryGoPluginProject(fixtureOptions());
    const files = Testing.synth(project);
    expect(Object.keys(files).filter((f) => f.startsWith('.github/')).sort()).toEqual(['.github/workflows/build.yml', '.github/workflows/release.yml']);
    expect(project.jest).toBeUndefined();
    expect(JSON.stringify(files['package.json'])).not.toContain('jest');
    expect(project.defaultTask!.steps.map((s) => s.exec)).toEqual(['node --require tsx/cjs .projenrc.ts']);
    expect(files['package.json'].devDependencies).toHaveProperty('projen-cloudquery-go-plugin');
    expect(project.plugin.image.name).toBe('cq-source-hello');
  });
});
