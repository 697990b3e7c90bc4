import * as fs from 'node:fs';
import * as path from 'node:path';
import { OptionChecker } from '../core/validation';

/** Facts about the Go module at the repository root, read from go.mod at synth time. */
export interface GoModuleFacts {
  /** Module path, e.g. `github.com/owner/repo`. */
  readonly modulePath: string;
  /** Go version for the builder image: the `toolchain` directive if present, else the `go` directive. */
  readonly goVersion: string;
  /** Top-level paths the Go build needs (go.mod, go.sum, root .go files, package directories), sorted. */
  readonly sourcePaths: string[];
  /**
   * Package directories (relative to the module root) that declare a package-level `Version`
   * variable; when given, the plugin's `versionPackage` must be one of them.
   * @default - not checked
   */
  readonly versionPackages?: string[];
}

/** `MAJOR.MINOR[.PATCH]`, what the golang image tags and go.mod use. */
export const GO_VERSION = /^[1-9][0-9]*\.[0-9]+(\.[0-9]+)?$/;
/** A module path: a lowercase host, then path elements. */
export const MODULE_PATH = /^[a-z0-9.-]+\.[a-z]{2,}(\/[A-Za-z0-9._~-]+)+$/;
/** A top-level source path: a file or a directory (trailing `/`), no globs, no `..`. */
const SOURCE_PATH = /^(?!\.\.?\/?$)[A-Za-z0-9_][A-Za-z0-9._-]*\/?$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'lib', 'test', 'testdata', 'vendor']);
const DECLARES_VERSION = /^\s*(?:var\s+)?Version(?:\s+string)?\s*=/m;

/**
 * Parses go.mod text. Throws one precise message when a directive is missing or malformed.
 */
export function parseGoMod(text: string, where = 'go.mod'): Pick<GoModuleFacts, 'modulePath' | 'goVersion'> {
  const directive = (name: string) => text.match(new RegExp(`^${name}\\s+(\\S+)\\s*$`, 'm'))?.[1];
  const modulePath = directive('module');
  if (!modulePath) {
    throw new Error(`${where}: missing "module" directive (expected a line like "module github.com/owner/repo")`);
  }
  if (!MODULE_PATH.test(modulePath)) {
    throw new Error(`${where}: "module" directive "${modulePath}" is not a valid module path`);
  }
  const toolchain = directive('toolchain')?.replace(/^go/, '');
  const go = directive('go');
  if (!go) {
    throw new Error(`${where}: missing "go" directive (expected a line like "go 1.26.8")`);
  }
  const goVersion = toolchain ?? go;
  if (!GO_VERSION.test(goVersion)) {
    throw new Error(`${where}: Go version "${goVersion}" is not of the form MAJOR.MINOR[.PATCH]`);
  }
  return { modulePath, goVersion };
}

/** Reads go.mod in `dir`, lists the top-level paths the Go build needs and the packages that declare `Version`. */
export function readGoModule(dir: string): GoModuleFacts {
  const file = path.join(dir, 'go.mod');
  if (!fs.existsSync(file)) {
    throw new Error(`go.mod not found at ${file}: the Go module must be at the repository root`);
  }
  const facts = parseGoMod(fs.readFileSync(file, 'utf8'), file);
  return { ...facts, sourcePaths: goSourcePaths(dir), versionPackages: versionPackages(dir) };
}

/** Validates facts given directly instead of read from go.mod. */
export function checkGoModule(check: OptionChecker, option: string, facts: GoModuleFacts): GoModuleFacts {
  check.match(`${option}.modulePath`, facts.modulePath, MODULE_PATH, 'must be a Go module path such as github.com/owner/repo');
  check.match(`${option}.goVersion`, facts.goVersion, GO_VERSION, 'must be a Go version MAJOR.MINOR[.PATCH] (it names the golang builder image)');
  const paths = check.list(`${option}.sourcePaths`, facts.sourcePaths, { min: 1 });
  if (!paths.includes('go.mod')) check.fail(`${option}.sourcePaths`, paths, 'must include go.mod (the .dockerignore lets in only these paths)');
  for (const p of paths) {
    if (!SOURCE_PATH.test(p)) check.fail(`${option}.sourcePaths`, p, 'must be a top-level file or directory name (directories end in "/"; no globs, no "..")');
  }
  return facts;
}

function goSourcePaths(dir: string): string[] {
  const sources: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    if (entry.isFile() && isGoSource(entry.name)) sources.push(entry.name);
    if (entry.isDirectory() && containsGo(path.join(dir, entry.name))) sources.push(`${entry.name}/`);
  }
  const modFiles = fs.existsSync(path.join(dir, 'go.sum')) ? ['go.mod', 'go.sum'] : ['go.mod'];
  return [...modFiles, ...sources.sort()];
}

function isGoSource(name: string): boolean {
  return name.endsWith('.go') && !name.endsWith('_test.go');
}

function containsGo(dir: string): boolean {
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isFile() ? e.name.endsWith('.go') : e.isDirectory() && !SKIP_DIRS.has(e.name) && containsGo(path.join(dir, e.name)));
}

/** Package directories under `dir` with a Go file that declares a package-level `Version`. */
function versionPackages(root: string, rel = ''): string[] {
  const found: string[] = [];
  const dir = path.join(root, rel);
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  if (rel && entries.some((e) => e.isFile() && isGoSource(e.name) && DECLARES_VERSION.test(fs.readFileSync(path.join(dir, e.name), 'utf8')))) {
    found.push(rel);
  }
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) found.push(...versionPackages(root, rel ? `${rel}/${e.name}` : e.name));
  }
  return found;
}
