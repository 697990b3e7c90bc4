import * as fs from 'node:fs';
import * as path from 'node:path';

/** Facts about the Go module at the repository root, read from go.mod at synth time. */
export interface GoModuleFacts {
  /** Module path, e.g. `github.com/owner/repo`. */
  readonly modulePath: string;
  /** Go version for the builder image: the `toolchain` directive if present, else the `go` directive. */
  readonly goVersion: string;
  /** Top-level paths the Go build needs (go.mod, go.sum, root .go files, package directories), sorted. */
  readonly sourcePaths: string[];
}

const GO_VERSION = /^\d+\.\d+(\.\d+)?$/;
const MODULE_PATH = /^[a-z0-9.-]+(\/[A-Za-z0-9._~-]+)+$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'lib', 'test', 'testdata', 'vendor']);

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

/** Reads go.mod in `dir` and lists the top-level paths the Go build needs. */
export function readGoModule(dir: string): GoModuleFacts {
  const file = path.join(dir, 'go.mod');
  if (!fs.existsSync(file)) {
    throw new Error(`go.mod not found at ${file}: the Go module must be at the repository root`);
  }
  const facts = parseGoMod(fs.readFileSync(file, 'utf8'), file);
  return { ...facts, sourcePaths: goSourcePaths(dir) };
}

function goSourcePaths(dir: string): string[] {
  const sources: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    if (entry.isFile() && entry.name.endsWith('.go') && !entry.name.endsWith('_test.go')) sources.push(entry.name);
    if (entry.isDirectory() && containsGo(path.join(dir, entry.name))) sources.push(`${entry.name}/`);
  }
  const modFiles = fs.existsSync(path.join(dir, 'go.sum')) ? ['go.mod', 'go.sum'] : ['go.mod'];
  return [...modFiles, ...sources.sort()];
}

function containsGo(dir: string): boolean {
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isFile() ? e.name.endsWith('.go') : e.isDirectory() && !SKIP_DIRS.has(e.name) && containsGo(path.join(dir, e.name)));
}
