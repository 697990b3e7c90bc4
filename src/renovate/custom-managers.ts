import { OptionChecker } from '../core/validation';

/**
 * One Renovate regex custom manager, as renovate.json5 has it
 * (https://docs.renovatebot.com/modules/manager/regex/). Renovate runs `matchStrings` with RE2:
 * no lookaround, no backreferences.
 */
export interface RenovateRegexManager {
  /** What it finds, for the reader of renovate.json5. */
  readonly description: string;
  /** Files it reads: `/<regex>/` patterns on the path from the repository root, or globs. */
  readonly managerFilePatterns: string[];
  /** Regular expressions with named groups (`depName`, `currentValue`, `currentDigest`, …); every match is one dependency. */
  readonly matchStrings: string[];
  /** The datasource (`docker`, `github-tags`, `npm`, `go`, `pypi`, …). */
  readonly datasourceTemplate: string;
  /**
   * The dependency's name when no `depName` group captures it.
   * @default - the `depName` group
   */
  readonly depNameTemplate?: string;
  /**
   * The name to look up when it differs from `depName`.
   * @default - depName
   */
  readonly packageNameTemplate?: string;
  /**
   * The versioning scheme.
   * @default - the datasource's
   */
  readonly versioningTemplate?: string;
  /**
   * What replaces the whole match on update (needed to add a digest where there is none yet).
   * @default - Renovate replaces the captured value and digest in place
   */
  readonly autoReplaceStringTemplate?: string;
}

/** RE2 (Renovate's regex engine) rejects lookahead, lookbehind and backreferences. */
const NOT_RE2 = /\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k</;
const GROUP = (name: string) => new RegExp(`\\(\\?<${name}>`);

/** Validates a manager: patterns compile, RE2 accepts them, and each finds a name, a version and a datasource. */
export function checkRegexManager(check: OptionChecker, option: string, m: RenovateRegexManager): RenovateRegexManager {
  check.line(`${option}.description`, m.description, 200);
  check.list(`${option}.managerFilePatterns`, m.managerFilePatterns, { min: 1 });
  check.list(`${option}.matchStrings`, m.matchStrings, { min: 1 });
  check.match(`${option}.datasourceTemplate`, m.datasourceTemplate, /^[a-z][a-z0-9-]*$/, 'must be a Renovate datasource id such as docker, github-tags, npm or go');
  m.managerFilePatterns.forEach((p, i) => checkFilePattern(check, `${option}.managerFilePatterns[${i}]`, p));
  m.matchStrings.forEach((s, i) => {
    const name = `${option}.matchStrings[${i}]`;
    compiles(check, name, s);
    if (!GROUP('depName').test(s) && m.depNameTemplate === undefined) check.fail(name, s, 'captures no depName and the manager has no depNameTemplate');
    if (!GROUP('currentValue').test(s) && !GROUP('currentDigest').test(s)) check.fail(name, s, 'captures neither currentValue nor currentDigest');
  });
  return m;
}

/** A file pattern: `/<regex>/` (which must compile for RE2) or a glob. */
export function checkFilePattern(check: OptionChecker, option: string, pattern: string): string {
  if (typeof pattern !== 'string' || pattern.trim() === '') check.fail(option, pattern, 'must be a /regex/ or a glob');
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) compiles(check, option, pattern.slice(1, -1));
  return pattern;
}

function compiles(check: OptionChecker, option: string, source: string): void {
  try {
    new RegExp(source, 'gm');
  } catch (e) {
    check.fail(option, source, `is not a regular expression (${(e as Error).message})`);
  }
  if (NOT_RE2.test(source)) check.fail(option, source, 'uses a lookaround or a backreference, which Renovate\'s RE2 engine rejects');
}

/** `/<regex>/` matching exactly `file` (a path from the repository root). */
export function exactFile(file: string): string {
  return `/^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/`;
}

/*
 * The shapes of the pins this package reads, and the managers that keep them current. Each
 * regex is written for RE2 and for the TypeScript as these pins are written: one literal, one line.
 */

/**
 * `{ image: 'name', tag: 'tag' }`, optionally `, digest: 'sha256:…'` — a `plugin.BaseImage`
 * literal. The replacement template adds the digest Renovate looked up when there is none yet.
 */
export function baseImageManager(files: string[]): RenovateRegexManager {
  return {
    description: 'Base images pinned in the projen configuration as { image, tag, digest } (BaseImage)',
    managerFilePatterns: files,
    matchStrings: ["image: '(?<depName>[a-z0-9][a-z0-9._/:-]*)', tag: '(?<currentValue>[A-Za-z0-9_][A-Za-z0-9_.-]*)'(?:, digest: '(?<currentDigest>sha256:[a-f0-9]{64})')?"],
    datasourceTemplate: 'docker',
    autoReplaceStringTemplate: "image: '{{{depName}}}', tag: '{{{newValue}}}'{{#if newDigest}}, digest: '{{{newDigest}}}'{{/if}}",
  };
}

/** `{ repo: 'owner/name', tag: 'vX.Y.Z', sha: '<40 hex>' }` — a `github.PinnedAction` literal: the tag and the commit it points to. */
export function actionPinManager(files: string[]): RenovateRegexManager {
  return {
    description: 'GitHub Actions pinned as { repo, tag, sha } (PinnedAction): the release tag and its commit',
    managerFilePatterns: files,
    matchStrings: ["repo: '(?<depName>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)', tag: '(?<currentValue>v[0-9][A-Za-z0-9_.-]*)', sha: '(?<currentDigest>[0-9a-f]{40})'"],
    datasourceTemplate: 'github-tags',
  };
}

/** `{ package: '<module>/cmd/<name>', version: 'vX.Y.Z' }` — a `github.GoTool` literal; the module is the path before `/cmd/`. */
export function goToolManager(files: string[]): RenovateRegexManager {
  return {
    description: 'Go programs the workflows build, as { package: \'<module>/cmd/<name>\', version } (GoTool)',
    managerFilePatterns: files,
    matchStrings: ["package: '(?<depName>[a-z0-9.-]+\\.[a-z]+/[^'\\s]+?)/cmd/[^'\\s]+', version: '(?<currentValue>v[0-9][^'\\s]*)'"],
    datasourceTemplate: 'go',
  };
}

/**
 * `'name@version'` literals (projen's `deps`, `devDeps`, `peerDeps`) and the `typescriptVersion`
 * / `projenVersion` options: projen writes package.json from these, so they are the pins.
 */
export function projenDepsManagers(files: string[]): RenovateRegexManager[] {
  return [
    {
      description: 'npm dependencies declared in the projen configuration as \'name@version\' (projen writes package.json from them)',
      managerFilePatterns: files,
      matchStrings: ["'(?<depName>(?:@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*)@(?<currentValue>[~^]?[0-9][A-Za-z0-9.+-]*)'"],
      datasourceTemplate: 'npm',
    },
    {
      description: 'The typescriptVersion and projenVersion options of the projen project',
      managerFilePatterns: files,
      matchStrings: ["(?<depName>typescript|projen)Version: '(?<currentValue>[0-9][A-Za-z0-9.+-]*)'"],
      datasourceTemplate: 'npm',
    },
  ];
}
