import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { pinnedVersion, runTool, venvTool } from '../../lint-tools';
import { REPO_ROOT, synthRepository, tempDir } from '../../synth';

/** The heading of docs/releasing.md whose table lists every finding the auditor persona may report, and why it stays. */
const EXPLAINED_HEADING = '### What zizmor\'s auditor persona still reports';

interface Finding {
  readonly ident: string;
  readonly file: string;
  readonly job?: string;
}

/** zizmor, offline (no online audits, no network at all), no configuration file, JSON out. */
function zizmor(files: string[], persona?: 'auditor'): Finding[] {
  const r = runTool(venvTool('zizmor'), ['--offline', '--no-config', '--format', 'json', ...(persona ? ['--persona', persona] : []), ...files]);
  if (r.error) throw r.error;
  if (r.stdout.trim() === '') throw new Error(`zizmor printed nothing (exit ${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as any[]).map((f) => {
    const loc = f.locations[0].symbolic;
    // The job: from the first location inside `jobs:` (a cache-poisoning finding starts at the trigger).
    const routes = f.locations.map((l: any) => (l.symbolic.route?.route ?? []).map((p: any) => p.Key));
    const inJob = routes.find((r: string[]) => r[0] === 'jobs');
    return { ident: f.ident, file: path.basename(loc.key.Local.verbatim_path ?? loc.key.Local.given_path), job: inJob?.[1] };
  });
}

/** docs/releasing.md's table: audit → the `file job` places it is explained for. */
function explainedFindings(): Map<string, Set<string>> {
  const releasing = fs.readFileSync(path.join(REPO_ROOT, 'docs/releasing.md'), 'utf8');
  const start = releasing.indexOf(EXPLAINED_HEADING);
  if (start < 0) throw new Error(`docs/releasing.md has no "${EXPLAINED_HEADING}" section`);
  const rows = releasing.slice(start).split('\n').slice(1).filter((l) => /^\| `[a-z-]+` \|/.test(l));
  return new Map(rows.map((row) => {
    const [ident, where] = row.split('|').slice(1, 3).map((c) => c.trim());
    const places = where.split(',').map((p) => p.trim().replace(/`/g, ''));
    return [ident.replace(/`/g, ''), new Set(places)];
  }));
}

describe(`zizmor ${pinnedVersion('zizmor')} on the generated workflows (offline)`, () => {
  let files: string[];
  let release: string;
  beforeAll(() => {
    const out = synthRepository();
    files = ['build.yml', 'release.yml'].map((f) => path.join(out.project.outdir, '.github/workflows', f));
    release = files[1];
  });

  it('is the pinned version', () => {
    expect(runTool(venvTool('zizmor'), ['--version']).stdout.trim()).toBe(`zizmor ${pinnedVersion('zizmor')}`);
  });

  it('the default persona reports nothing on either workflow', () => {
    expect(zizmor(files)).toEqual([]);
  });

  it('the auditor persona reports only what docs/releasing.md explains, where it explains it', () => {
    const explained = explainedFindings();
    const findings = zizmor(files, 'auditor');
    expect(findings.length).toBeGreaterThan(0);
    const unexplained = findings.filter((f) => !explained.get(f.ident)?.has(`${f.file} ${f.job}`));
    expect(unexplained).toEqual([]);
  });

  it('once Renovate pins the LocalStack digest, the auditor persona no longer reports unpinned-images', () => {
    const doc = parse(fs.readFileSync(release, 'utf8'));
    const service = doc.jobs.e2e.services.localstack;
    expect(service.image).toMatch(/^localstack\/localstack:4\.14\.0(?:@sha256:[0-9a-f]{64})?$/);
    const file = path.join(tempDir('zizmor-pinned-'), 'release.yml');
    service.image = `localstack/localstack:4.14.0@sha256:${'e'.repeat(64)}`;
    fs.writeFileSync(file, stringify(doc));
    expect(zizmor([file], 'auditor').map((f) => f.ident)).not.toContain('unpinned-images');
    service.image = 'localstack/localstack:4.14.0';
    fs.writeFileSync(file, stringify(doc));
    expect(zizmor([file], 'auditor').map((f) => f.ident)).toContain('unpinned-images');
  });

  describe('it is really auditing (each of these is reported)', () => {
    const mutated = (change: (doc: any) => void) => {
      const doc = parse(fs.readFileSync(release, 'utf8'));
      change(doc);
      const file = path.join(tempDir('zizmor-'), 'release.yml');
      fs.writeFileSync(file, stringify(doc));
      return zizmor([file]).map((f) => `${f.ident} ${f.job}`);
    };

    it('a setup-go cache in the release workflow: cache-poisoning', () => {
      expect(mutated((d) => { delete d.jobs.test.steps.find((s: any) => s.uses?.startsWith('actions/setup-go@')).with.cache; })).toContain('cache-poisoning test');
    });

    it('an expression spliced into a script: template-injection', () => {
      expect(mutated((d) => { d.jobs.promote.steps.find((s: any) => s.id === 'promote').run = 'echo "${{ github.event.head_commit.message }}"'; })).toContain('template-injection promote');
    });

    it('a checkout that keeps its credentials: artipacked', () => {
      expect(mutated((d) => { delete d.jobs.reproduce.steps[0].with['persist-credentials']; })).toContain('artipacked reproduce');
    });

    it('an action by tag: unpinned-uses', () => {
      expect(mutated((d) => { d.jobs.sign.steps.find((s: any) => s.uses?.startsWith('sigstore/')).uses = 'sigstore/cosign-installer@v4'; })).toContain('unpinned-uses sign');
    });
  });
});
