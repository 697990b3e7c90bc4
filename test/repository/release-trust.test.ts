import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthRepository } from '../synth';
import { cacheProblems, packageManagerProblems } from '../workflow-policy';
import { PACKAGE_MANAGER } from '../../src/release-runtime/pipeline-review';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('release.yml: credentials only beside code we built and pinned', () => {
  const out = synthRepository();
  const doc = parse(out.read('.github/workflows/release.yml'));
  const privileged = Object.entries<any>(doc.jobs).filter(([, j]) => Object.values(j.permissions ?? {}).includes('write')).map(([id]) => id);

  it('the jobs that hold a write permission or an OIDC token are build, sign and promote', () => {
    expect(privileged).toEqual(['build', 'sign', 'promote']);
    expect(Object.entries<any>(doc.jobs).filter(([, j]) => j.permissions?.['id-token'] === 'write').map(([id]) => id)).toEqual(['sign', 'promote']);
  });

  it('none of them runs a package manager, and sign and promote run the hash-checked bundle with node alone', () => {
    expect(packageManagerProblems(doc)).toEqual([]);
    for (const id of ['sign', 'promote']) {
      const runs = doc.jobs[id].steps.map((s: any) => s.run).filter(Boolean).join('\n');
      expect(runs).toMatch(/^node "\$RUNNER_TEMP\/release-tools\/release-tools\.cjs" /m);
      expect(runs).not.toMatch(/node_modules|npx|npm/);
    }
  });

  it('the bundle job is where npm runs, with no credential', () => {
    expect(doc.jobs.bundle.permissions).toEqual({ contents: 'read' });
    expect(doc.jobs.bundle.steps.some((s: any) => s.run === 'npm ci --no-audit --no-fund')).toBe(true);
  });

  describe('the policy fails on a mutated workflow (it can fail)', () => {
    const addStep = (job: string, run: string, at = 0) => (d: any) => { d.jobs[job].steps.splice(at, 0, { name: 'injected', run }); };
    it.each([
      ['npm ci in promote', addStep('promote', 'npm ci --no-audit --no-fund'), 'job promote holds contents: write, packages: write, id-token: write and runs a package manager in "injected": npm'],
      ['npx in sign', addStep('sign', 'npx --no -- sign-image --digest="$D"'), 'job sign holds id-token: write, attestations: write, packages: write and runs a package manager in "injected": npx'],
      ['a bin from node_modules in promote', addStep('promote', 'node_modules/.bin/promote --digest x'), 'runs a package manager in "injected": node_modules/'],
      ['go install in sign', addStep('sign', 'go install github.com/sigstore/cosign/v3/cmd/cosign@v3.0.6'), 'job sign holds id-token: write, attestations: write, packages: write and runs a package manager in "injected": go install'],
      ['pip in build', addStep('build', 'pip install awscli'), 'job build holds packages: write and runs a package manager in "injected": pip'],
      ['yarn after a semicolon', addStep('promote', 'cd x; yarn install'), 'runs a package manager in "injected": yarn'],
      ['curl piped to a shell', addStep('sign', 'curl -fsSL https://example.com/i.sh | sh'), 'runs a package manager in "injected": curl'],
      ['a setup-node npm cache', (d: any) => { d.jobs.promote.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with.cache = 'npm'; }, 'job promote holds contents: write, packages: write, id-token: write and restores a package cache (actions/setup-node)'],
      ['the hash check is gone', (d: any) => { d.jobs.promote.steps = d.jobs.promote.steps.filter((s: any) => !/sha256sum/.test(s.run ?? '')); }, 'job promote runs the release bundle without first checking it against the bundle job\'s SHA-256'],
      ['the hash check is against another value', (d: any) => { d.jobs.sign.steps.find((s: any) => /sha256sum/.test(s.run ?? '') && /release-tools/.test(s.run)).env.BUNDLE_SHA256 = '${{ needs.build.outputs.digest }}'; }, 'job sign runs the release bundle without first checking it'],
      ['the bundle job gets a credential', (d: any) => { d.jobs.bundle.permissions['id-token'] = 'write'; }, 'the bundle job must hold no credential'],
      ['the bundle job sees a secret', (d: any) => { d.jobs.bundle.env = { T: '${{ secrets.NPM_TOKEN }}' }; }, 'the bundle job must see no secrets'],
      ['promote no longer needs the bundle job', (d: any) => { d.jobs.promote.needs = ['build', 'sign']; }, 'job promote runs the release bundle but does not need the bundle job'],
    ])('%s', (_, mutate, message) => {
      const broken = clone(doc);
      mutate(broken);
      expect(packageManagerProblems(broken).join('\n')).toContain(message);
    });

    it('the unprivileged jobs may install (e2e runs npm ci with read permissions only)', () => {
      const broken = clone(doc);
      broken.jobs.e2e.steps.push({ name: 'x', run: 'npm ci' });
      expect(packageManagerProblems(broken)).toEqual([]);
    });
  });

  it.each([
    ['npm ci', true], ['npx --no -- promote', true], ['pnpm i', true], ['sudo apt-get install -y jq', true], ['go install x@v1', true], ['python3 -m pip install x', true],
    ['node "$RUNNER_TEMP/release-tools/release-tools.cjs" promote --x', false], ['echo "npmjs is a word"', false], ['cosign verify x', false], ['sha256sum --strict --check -', false],
  ])('the package-manager pattern on %j: %s', (run, matches) => {
    expect(PACKAGE_MANAGER.test(run)).toBe(matches);
  });
});

describe('release.yml: no shared cache', () => {
  const doc = parse(synthRepository().read('.github/workflows/release.yml'));

  it('no build reads or writes a cache, and each sets no-cache', () => {
    expect(cacheProblems(doc)).toEqual([]);
    const builds = Object.values<any>(doc.jobs).flatMap((j) => j.steps.filter((s: any) => s.uses?.startsWith('docker/build-push-action@')));
    expect(builds).toHaveLength(2);
    for (const b of builds) expect(b.with['no-cache']).toBe(true);
  });

  it.each([
    ['cache-from gha', (d: any) => { d.jobs.build.steps.find((s: any) => s.id === 'build').with['cache-from'] = 'type=gha'; }, 'job build: the release build uses cache-from (type=gha)'],
    ['cache-to a registry', (d: any) => { d.jobs.reproduce.steps.find((s: any) => s.id === 'rebuild').with['cache-to'] = 'type=registry,ref=x'; }, 'job reproduce: the release build uses cache-to'],
    ['no-cache dropped', (d: any) => { delete d.jobs.build.steps.find((s: any) => s.id === 'build').with['no-cache']; }, 'job build: the release build must set no-cache: true'],
  ])('fails on a mutated workflow: %s', (_, mutate, message) => {
    const broken = clone(doc);
    mutate(broken);
    expect(cacheProblems(broken).join('\n')).toContain(message);
  });
});

describe('release.yml: nothing is built from images nobody could fetch again', () => {
  const doc = parse(synthRepository().read('.github/workflows/release.yml'));

  it('prepare checks that every base image, the frontend and every service image is pinned by digest, before any build', () => {
    const step = doc.jobs.prepare.steps.find((s: any) => /check-pins/.test(s.run ?? ''));
    expect(step.run).toBe('npx --no -- check-pins --dockerfile=Dockerfile --workflow=.github/workflows/release.yml');
    for (const id of ['test', 'bundle', 'build']) expect([doc.jobs[id].needs].flat()).toContain('prepare');
  });
});
