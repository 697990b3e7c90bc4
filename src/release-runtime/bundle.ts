import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What {@link bundleReleaseTools} wrote. */
export interface ReleaseToolsBundle {
  /** The bundle's path. */
  readonly file: string;
  /** Its SHA-256, lowercase hex: the privileged jobs run it only when it matches. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** The part of esbuild's API the bundle uses. */
export interface Esbuild {
  /** The installed version. */
  readonly version: string;
  /** Builds synchronously. */
  buildSync(options: Record<string, unknown>): { errors: unknown[] };
}

/**
 * The esbuild of the project in `projectDir`: its package.json must pin it exactly
 * (`"esbuild": "0.28.2"`, no range), and that version must be the one installed.
 */
export function pinnedEsbuild(projectDir: string): Esbuild {
  const manifest = path.join(projectDir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
  const spec = pkg.devDependencies?.esbuild ?? pkg.dependencies?.esbuild;
  if (spec === undefined) throw new Error(`${manifest} has no esbuild: add it as a devDependency pinned to one version (it bundles the release tools)`);
  if (!/^\d+\.\d+\.\d+$/.test(spec)) throw new Error(`${manifest} asks for esbuild "${spec}": pin one exact version (the bundle must be made by the version reviewed)`);
  let esbuild: Esbuild;
  try {
    esbuild = require(require.resolve('esbuild', { paths: [projectDir] })) as Esbuild;
  } catch {
    throw new Error(`esbuild ${spec} is not installed in ${projectDir}: run npm ci`);
  }
  if (esbuild.version !== spec) throw new Error(`esbuild ${esbuild.version} is installed, not ${spec} as package.json pins: run npm ci`);
  return esbuild;
}

/** SHA-256 of a file, lowercase hex. */
export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Bundles the `release-tools` program (promote, sign-image, release-notes) and everything it
 * imports into one self-contained CommonJS file that runs with `node` alone: no node_modules,
 * no install step. `entry` is `release-tools.js` beside the calling bin (or its `.ts` source);
 * esbuild comes from `projectDir`, pinned exactly in its package.json.
 */
export function bundleReleaseTools(entry: string, outfile: string, projectDir = process.cwd()): ReleaseToolsBundle {
  if (!fs.existsSync(entry)) throw new Error(`${entry} does not exist: compile the package first (npx projen compile)`);
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  pinnedEsbuild(projectDir).buildSync({
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
