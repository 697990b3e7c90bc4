import { runAsync, runOk } from './run-async';
import { tool } from './tools';

/** Independent reads with the crane CLI (not the code under test). */
export async function craneOk(...args: string[]): Promise<string> {
  return (await runOk(tool('crane'), args)).trim();
}

/** Every tag of `image` and the digest it resolves to ({} for a repository that does not exist). */
export async function tagsOf(image: string): Promise<Record<string, string>> {
  const ls = await runAsync(tool('crane'), ['ls', image]);
  if (ls.status !== 0) {
    if (/NAME_UNKNOWN/.test(ls.stderr)) return {};
    throw new Error(`crane ls ${image} failed: ${ls.stderr}`);
  }
  const tags = ls.stdout.split('\n').filter(Boolean).sort();
  const state: Record<string, string> = {};
  for (const t of tags) state[t] = await craneOk('digest', `${image}:${t}`);
  return state;
}

/** The `os/arch` entries an index lists. */
export async function platformsOf(ref: string): Promise<string[]> {
  const index = JSON.parse(await craneOk('manifest', ref)) as { manifests?: { platform?: { os: string; architecture: string } }[] };
  return (index.manifests ?? []).map((m) => `${m.platform?.os}/${m.platform?.architecture}`);
}
