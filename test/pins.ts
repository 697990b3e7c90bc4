import { ACTIONS } from '../src/github/actions';
import { COSIGN, CRANE } from '../src/github/tools';
import { PluginImage } from '../src/plugin/plugin-image';

/**
 * The generated text with every pin the update bot moves replaced by a placeholder (action
 * commits and tags, Go tool versions, base images, the LocalStack service), and the Dockerfile's
 * "not pinned yet" note dropped: snapshots then show the structure, an update PR leaves them as
 * they are, and the named assertions check the pins themselves.
 */
export function withoutPins(text: string, image: PluginImage): string {
  let out = text;
  for (const a of Object.values(ACTIONS)) out = out.split(`${a.repo}@${a.sha} # ${a.tag}`).join(`${a.repo}@<pinned>`);
  for (const tool of [CRANE, COSIGN]) out = out.split(tool.version).join('<version>');
  for (const base of image.baseImages) out = out.split(base.reference).join(`${base.image}:<pinned>`);
  return out
    .replace(/(localstack\/localstack):[A-Za-z0-9_.-]+(?:@sha256:[0-9a-f]{64})?/g, '$1:<pinned>')
    .split('\n').filter((l) => !l.startsWith('# Not pinned by digest yet')).join('\n');
}
