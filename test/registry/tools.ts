import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../e2e/process';

/** Where `npx projen setup` builds the registry tools. */
export const TOOLS_BIN = path.join(REPO_ROOT, '.tools/bin');

/** Absolute path of a tool built by setup; throws (loudly, failing the suite) when it is missing. */
export function tool(name: 'registry' | 'crane' | 'cosign'): string {
  const bin = path.join(TOOLS_BIN, name);
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run "npx projen setup" (it builds registry, crane and cosign from the Go module proxy)`);
  return bin;
}
