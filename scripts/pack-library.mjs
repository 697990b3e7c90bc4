// Packs the library into dist/js with docs/library.md as the package's README: the repository's
// README.md is written for the plugin's users, the package's for the library's adopters.
// npm chooses the files (`npm pack --dry-run`, from package.json's `files`); they are staged with
// the library doc as README.md, its relative links rebased from docs/ to the package root (npm's
// site resolves them against the repository), and that folder is packed. Run after `projen compile`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const STAGE = path.join(ROOT, 'dist/package');
const OUT = path.join(ROOT, 'dist/js');
const README_SOURCE = 'docs/library.md';

const npm = (...args) => execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** `[text](target)` links relative to docs/ made relative to the repository root. */
export function rebaseLinks(markdown, fromDir) {
  return markdown.replace(/\]\(([^)\s]+)\)/g, (whole, target) => {
    if (/^([a-z]+:|#|\/)/i.test(target)) return whole;
    return `](${path.posix.normalize(path.posix.join(fromDir, target))})`;
  });
}

function main() {
  const [{ files }] = JSON.parse(npm('pack', '--dry-run', '--json', '--ignore-scripts'));
  rmSync(STAGE, { recursive: true, force: true });
  for (const { path: file } of files) {
    if (file === 'README.md') continue;
    mkdirSync(path.dirname(path.join(STAGE, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(STAGE, file));
  }
  writeFileSync(path.join(STAGE, 'README.md'), rebaseLinks(readFileSync(path.join(ROOT, README_SOURCE), 'utf8'), path.posix.dirname(README_SOURCE)));
  mkdirSync(OUT, { recursive: true });
  const [{ filename }] = JSON.parse(npm('pack', STAGE, '--json', '--ignore-scripts', '--pack-destination', OUT));
  rmSync(STAGE, { recursive: true, force: true });
  console.log(`packed ${path.relative(ROOT, path.join(OUT, filename))} (${files.length} files; README.md from ${README_SOURCE})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) main();
