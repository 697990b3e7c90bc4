import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RE2 } from 're2-wasm';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, synthQuietly, synthRepository, tempDir, tempNodeProject } from '../../synth';
import { PIN_FILES } from '../../../projenrc/upkeep';
import { CloudQueryGoPlugin, readGoModule, Registry } from '../../../src';
import { parseImageReference } from '../../../src/core/docker-reference';
import { ACTIONS } from '../../../src/github/actions';
import { COSIGN, CRANE, SYFT } from '../../../src/github/tools';
import { RENOVATE_CONFIG_FILE, RenovateRegexManager } from '../../../src/renovate';

const VALIDATOR_DIR = path.join(REPO_ROOT, '.tools/renovate');
const VALIDATOR = path.join(VALIDATOR_DIR, 'node_modules/.bin/renovate-config-validator');
const PINNED_RENOVATE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tools/renovate/package.json'), 'utf8')).dependencies.renovate as string;

const out = synthRepository();
const text = out.read(RENOVATE_CONFIG_FILE);
/** The generated file is JSON after its marker comment. */
const config = JSON.parse(text.split('\n').slice(1).join('\n'));
const managers: (RenovateRegexManager & { customType: string })[] = config.customManagers;

/** One dependency a custom manager extracts, as Renovate would: its regexes run with RE2, flags gm. */
interface Extracted {
  readonly manager: string;
  readonly file: string;
  readonly depName: string;
  readonly currentValue?: string;
  readonly currentDigest?: string;
}

/** The repository's tracked files a manager reads: its `/regex/` patterns, minus renovate.json5's ignorePaths. */
function filesOf(m: RenovateRegexManager): string[] {
  const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim().split('\n');
  const ignored = (f: string) => (config.ignorePaths as string[]).some((p) => (p.endsWith('/**') ? f.startsWith(p.slice(0, -2)) : f === p));
  return tracked.filter((f) => !ignored(f) && m.managerFilePatterns.some((p) => new RE2(p.slice(1, -1), 'u').test(f)));
}

function extract(m: RenovateRegexManager, read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')): Extracted[] {
  return filesOf(m).flatMap((file) => {
    const content = read(file);
    return m.matchStrings.flatMap((source) => {
      const re = new RE2(source, 'gmu');
      const found: Extracted[] = [];
      for (let g = re.exec(content); g; g = re.exec(content)) {
        const groups = g.groups ?? {};
        found.push({
          manager: m.description, file, depName: groups.depName ?? m.depNameTemplate!,
          ...(groups.currentValue ? { currentValue: groups.currentValue } : {}),
          ...(groups.currentDigest ? { currentDigest: groups.currentDigest } : {}),
        });
      }
      return found;
    });
  });
}

const extracted = managers.flatMap((m) => extract(m));
const key = (e: { depName: string; currentValue?: string; currentDigest?: string }) => `${e.depName} ${e.currentValue ?? ''} ${e.currentDigest ?? ''}`.trim();

/** The Go module of a `<module>/cmd/<name>` package. */
const moduleOf = (pkg: string) => pkg.slice(0, pkg.indexOf('/cmd/'));

/** scripts/setup.sh's registry tools, as bash reads the array. */
function setupScriptTools(): { name: string; pkg: string; version: string }[] {
  const script = fs.readFileSync(path.join(REPO_ROOT, PIN_FILES.setup), 'utf8');
  const block = script.slice(script.indexOf('REGISTRY_TOOLS=('), script.indexOf('\n)\n', script.indexOf('REGISTRY_TOOLS=(')) + 2);
  const r = spawnSync('bash', ['-c', `${block}\nprintf '%s\\n' "\${REGISTRY_TOOLS[@]}"`], { encoding: 'utf8' });
  return r.stdout.trim().split('\n').map((l) => {
    const [name, pkg, version] = l.split(' ');
    return { name, pkg, version };
  });
}

/** A setup.sh variable, as bash reads it. */
function setupScriptVariable(name: string): string {
  const line = fs.readFileSync(path.join(REPO_ROOT, PIN_FILES.setup), 'utf8').split('\n').find((l) => l.startsWith(`${name}=`))!;
  return spawnSync('bash', ['-c', `${line}; printf '%s' "$${name}"`], { encoding: 'utf8' }).stdout;
}

/**
 * Every pin this repository has, read from what uses it (not from the regexes): the pins of the
 * library (ACTIONS, CRANE, COSIGN), the synthesised plugin's bases, the LocalStack service of
 * the generated workflow, the npm dependencies projen wrote into package.json, setup.sh's tools.
 */
function expectedPins(): { file: string; depName: string; currentValue?: string; currentDigest?: string }[] {
  const pins: { file: string; depName: string; currentValue?: string; currentDigest?: string }[] = [];
  for (const a of Object.values(ACTIONS)) pins.push({ file: PIN_FILES.actions, depName: a.repo, currentValue: a.tag, currentDigest: a.sha });
  for (const t of [CRANE, COSIGN, SYFT]) pins.push({ file: PIN_FILES.goTools, depName: moduleOf(t.package), currentValue: t.version });
  for (const b of out.image.baseImages) pins.push({ file: 'projenrc/cq-source-s3.ts', depName: b.image, currentValue: b.tag, ...(b.digest ? { currentDigest: b.digest } : {}) });
  const localstack = parseImageReference(parse(out.read('.github/workflows/release.yml')).jobs.e2e.services.localstack.image)!;
  pins.push({ file: 'projenrc/cq-source-s3.ts', depName: localstack.name, currentValue: localstack.tag, ...(localstack.digest ? { currentDigest: localstack.digest } : {}) });
  // Written by projen from other options, not pins of their own: @types/node (minNodeVersion), the
  // constructs devDependency (the peer range's minimum).
  const derived = new Set(['@types/node devDependencies', 'constructs devDependencies']);
  const pkg = JSON.parse(out.read('package.json'));
  for (const kind of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const [name, version] of Object.entries<string>(pkg[kind] ?? {})) {
      if (!derived.has(`${name} ${kind}`)) pins.push({ file: 'projenrc/library-project.ts', depName: name, currentValue: version });
    }
  }
  for (const t of setupScriptTools()) pins.push({ file: PIN_FILES.setup, depName: moduleOf(t.pkg), currentValue: t.version });
  pins.push({ file: PIN_FILES.setup, depName: 'github.com/rhysd/actionlint', currentValue: setupScriptVariable('ACTIONLINT_VERSION') });
  pins.push({ file: PIN_FILES.setup, depName: 'moto', currentValue: setupScriptVariable('MOTO_VERSION') });
  return pins;
}

describe('renovate.json5', () => {
  it('is generated (marker on its first line) and committed as synthesised', () => {
    expect(text.split('\n')[0]).toMatch(/^\/\/ ~~ Generated by projen\. To modify, edit \.projenrc\.ts/);
    expect(fs.readFileSync(path.join(REPO_ROOT, RENOVATE_CONFIG_FILE), 'utf8')).toBe(text);
  });

  it('ignores every file projen generates except package.json (read for its lock file only), and reads every pin file', () => {
    const generated: string[] = JSON.parse(out.read('.projen/files.json')).files.filter((f: string) => f !== RENOVATE_CONFIG_FILE);
    expect(generated.length).toBeGreaterThan(10);
    expect(generated.filter((f) => !config.ignorePaths.includes(f))).toEqual([]);
    expect(config.ignorePaths).not.toContain('package.json');
    const pinFiles = [...PIN_FILES.config, PIN_FILES.actions, PIN_FILES.goTools, PIN_FILES.setup, 'go.mod', 'package-lock.json', PIN_FILES.lintTools];
    expect(pinFiles.filter((f) => config.ignorePaths.includes(f) || config.ignorePaths.some((p: string) => p.endsWith('/**') && f.startsWith(p.slice(0, -2))))).toEqual([]);
  });

  it('runs no built-in manager that would edit a generated file (github-actions, dockerfile) and ignores the self-mutation commits', () => {
    expect(config.enabledManagers).toEqual(['custom.regex', 'gomod', 'npm', 'pip_requirements']);
    expect(config.gitIgnoredAuthors).toEqual([out.plugin.selfMutation!.author.email]);
    const npmRule = config.packageRules.find((r: any) => r.matchManagers?.includes('npm'));
    expect(npmRule).toMatchObject({ matchFileNames: ['package.json'], enabled: false });
    expect(npmRule.matchUpdateTypes).not.toContain('lockFileMaintenance');
  });

  it('every regex compiles with RE2, the engine Renovate runs them with (re2-wasm)', () => {
    const sources = managers.flatMap((m) => [...m.matchStrings, ...m.managerFilePatterns.map((p) => p.slice(1, -1))]);
    expect(sources.length).toBeGreaterThan(15);
    for (const s of sources) expect(() => new RE2(s, 'gmu'), s).not.toThrow();
    expect(() => new RE2('(?<depName>x)(?=y)', 'gmu'), 'RE2 rejects a lookahead').toThrow();
  });

  it('every pin of the repository is matched exactly once, in the file it lives in, with its value and digest', () => {
    const expected = expectedPins();
    expect(expected.length).toBeGreaterThan(40);
    const missing = expected.filter((p) => extracted.filter((e) => e.file === p.file && key(e) === key(p)).length !== 1)
      .map((p) => `${p.file}: ${key(p)} (matched ${extracted.filter((e) => e.file === p.file && key(e) === key(p)).length} times)`);
    expect(missing).toEqual([]);
    const stray = extracted.filter((e) => !expected.some((p) => p.file === e.file && key(p) === key(e))).map((e) => `${e.file}: ${key(e)}`);
    expect(stray).toEqual([]);
  });

  it('a pin written in another shape is not found, and one written twice is found twice (the check can fail)', () => {
    const m = managers.find((x) => x.datasourceTemplate === 'github-tags')!;
    const source = fs.readFileSync(path.join(REPO_ROOT, PIN_FILES.actions), 'utf8');
    const { repo, tag, sha } = ACTIONS.checkout;
    const line = `{ repo: '${repo}', tag: '${tag}', sha: '${sha}' }`;
    expect(source).toContain(line);
    const count = (content: string) => extract(m, () => content).filter((e) => e.depName === repo).length;
    expect(count(source)).toBe(1);
    expect(count(source.replace(line, `{ repo: '${repo}', sha: '${sha}', tag: '${tag}' }`))).toBe(0);
    expect(count(source.replace(line, `${line}, again: ${line}`))).toBe(2);
  });

  it('the base image manager adds a digest where there is none, and updates it where there is one (its replacement template)', () => {
    const m = managers.find((x) => x.datasourceTemplate === 'docker')!;
    const digest = `sha256:${'c'.repeat(64)}`;
    // Renovate renders autoReplaceStringTemplate with Handlebars; these are its two shapes here.
    const render = (depName: string, newValue: string, newDigest?: string) => m.autoReplaceStringTemplate!
      .replace('{{{depName}}}', depName).replace('{{{newValue}}}', newValue)
      .replace(/\{\{#if newDigest\}\}(.*)\{\{\/if\}\}/, (_, inner: string) => (newDigest ? inner.replace('{{{newDigest}}}', newDigest) : ''));
    const source = "runtimeBase: { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot' },";
    const re = new RE2(m.matchStrings[0], 'u');
    const match = re.exec(source)!;
    const pinned = source.replace(match[0]!, render(match.groups!.depName!, match.groups!.currentValue!, digest));
    expect(pinned).toBe(`runtimeBase: { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot', digest: '${digest}' },`);
    expect(new RE2(m.matchStrings[0], 'u').exec(pinned)!.groups).toMatchObject({ currentValue: 'nonroot', currentDigest: digest });
    const bumped = pinned.replace(new RE2(m.matchStrings[0], 'u').exec(pinned)![0]!, render('gcr.io/distroless/static-debian13', 'nonroot', `sha256:${'d'.repeat(64)}`));
    expect(bumped).toBe(`runtimeBase: { image: 'gcr.io/distroless/static-debian13', tag: 'nonroot', digest: 'sha256:${'d'.repeat(64)}' },`);
  });
});

/** renovate-config-validator's JSON log lines (LOG_FORMAT=json). */
function validate(file: string) {
  if (!fs.existsSync(VALIDATOR)) throw new Error(`renovate-config-validator is not installed at ${VALIDATOR}: run "npx projen setup" (tools/renovate)`);
  // Offline: in a network namespace of its own when this machine allows one (as root), so no preset or registry is fetched.
  const offline = spawnSync('unshare', ['-n', 'true']).status === 0;
  const args = ['--strict', '--no-global', file];
  const r = offline ? spawnSync('unshare', ['-n', VALIDATOR, ...args], { encoding: 'utf8', env: { ...process.env, LOG_FORMAT: 'json' } })
    : spawnSync(VALIDATOR, args, { encoding: 'utf8', env: { ...process.env, LOG_FORMAT: 'json' } });
  const logs = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { status: r.status, offline, logs };
}

describe(`renovate-config-validator (renovate ${PINNED_RENOVATE}, pinned in tools/renovate)`, () => {
  it('is the pinned release', () => {
    expect(JSON.parse(fs.readFileSync(path.join(VALIDATOR_DIR, 'node_modules/renovate/package.json'), 'utf8')).version).toBe(PINNED_RENOVATE);
  });

  it(`accepts the generated config with --strict, offline, on this machine's Node ${process.version}`, () => {
    const file = path.join(out.project.outdir, RENOVATE_CONFIG_FILE);
    const r = validate(file);
    expect(r.offline, 'no network namespace: the validator ran with the network available').toBe(true);
    const problems = r.logs.filter((l) => l.level >= 40 && !/^RE2 not usable/.test(l.msg)).map((l) => `${l.msg} ${JSON.stringify(l.errors ?? l.warnings ?? '')}`);
    expect(problems).toEqual([]);
    expect(r.logs.map((l) => l.msg)).toContain('Config validated successfully against 1 file(s)');
    expect(r.status).toBe(0);
  });

  it('accepts the library\'s default config of another plugin repository (.projenrc.ts as a glob, no extra managers)', () => {
    const project = tempNodeProject();
    new CloudQueryGoPlugin(project, { name: 'cq-source-hello', description: 'Hello', goModule: readGoModule(REPO_ROOT), registries: [Registry.ghcr({ owner: 'acme' })] });
    const read = synthQuietly(project);
    expect(JSON.parse(read(RENOVATE_CONFIG_FILE).split('\n').slice(1).join('\n')).customManagers[0].managerFilePatterns).toEqual(['.projenrc.ts']);
    const r = validate(path.join(project.outdir, RENOVATE_CONFIG_FILE));
    expect(r.logs.filter((l) => l.level >= 40 && !/^RE2 not usable/.test(l.msg)).map((l) => l.msg)).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('rejects an unknown option and a manager that captures no version (the validator is really validating)', () => {
    const broken = { ...config, notAnOption: true, customManagers: [{ ...config.customManagers[0], matchStrings: ["image: '(?<depName>[^']+)'"] }] };
    const file = path.join(tempDir('renovate-bad-'), RENOVATE_CONFIG_FILE);
    fs.writeFileSync(file, JSON.stringify(broken));
    const r = validate(file);
    expect(r.status).toBe(1);
    const errors = r.logs.flatMap((l) => l.errors ?? []).map((e: { message: string }) => e.message);
    expect(errors).toEqual(expect.arrayContaining([
      'Invalid configuration option: notAnOption',
      expect.stringMatching(/^Regex Managers must contain currentValue or currentDigest/),
    ]));
  });
});
