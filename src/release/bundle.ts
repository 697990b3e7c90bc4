import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The esbuild the bundle is made with: a devDependency of this package at exactly this version. */
export const ESBUILD_VERSION = '0.28.2';

/** What {@link bundleReleaseTools} wrote. */
export interface ReleaseToolsBundle {
  /** The bundle's path. */
  readonly file: string;
  /** Its SHA-256, lowercase hex: the privileged jobs run it only when it matches. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

interface Esbuild {
  version: string;
  buildSync(options: Record<string, unknown>): { errors: unknown[] };
}

function loadEsbuild(): Esbuild {
  let esbuild: Esbuild;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as Esbuild;
  } catch {
    throw new Error(`esbuild is not installed: add esbuild@${ESBUILD_VERSION} to the devDependencies (it bundles the release tools)`);
  }
  if (esbuild.version !== ESBUILD_VERSION) throw new Error(`esbuild ${esbuild.version} is installed, not ${ESBUILD_VERSION}: pin esbuild@${ESBUILD_VERSION} (the bundle must be made by the version reviewed)`);
  return esbuild;
}

/** SHA-256 of a file, lowercase hex. */
export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Bundles the `release-tools` program (promote, sign-image, release-notes) and everything it
 * imports into one self-contained CommonJS file that runs with `node` alone: no node_modules,
 * no install step. `entry` is `release-tools.js` beside the calling bin (or its `.ts` source).
 */
export function bundleReleaseTools(entry: string, outfile: string): ReleaseToolsBundle {
  if (!fs.existsSync(entry)) throw new Error(`${entry} does not exist: compile the package first (npx projen compile)`);
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  loadEsbuild().buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    // The entry's `#!` line is kept by esbuild; no banner, no timestamps: the same sources give the same bytes.
    logLevel: 'error',
  });
  return { file: outfile, sha256: sha256File(outfile), bytes: fs.statSync(outfile).size };
}
