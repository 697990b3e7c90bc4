import { parse } from 'yaml';
import { dockerfileImages } from './pins';

/** A package manager or installer (npm, npx, pip, go install, …, anything from node_modules): none may run beside a credential. */
export const PACKAGE_MANAGER = /(?:^|[\s;&|(`])(?:npm|npx|pnpm|pnpx|yarn|corepack|bun|bunx|deno|pip|pip3|pipx|uv|uvx|poetry|conda|gem|bundle|cargo|composer|brew|apt|apt-get|dnf|yum|apk|snap|nix)\s|\bgo\s+(?:install|get|run|build|generate|mod\s+download)\b|\bpython3?\s+-m\s+pip\b|\bcurl\b[^\n]*\|\s*(?:ba)?sh\b|(?:^|[\s;&|("'])(?:\.\/)?node_modules\//m;

/** The generated pipeline at one point: workflow file name → YAML text, and the Dockerfile. */
export interface PipelineFiles {
  /** Workflow file name (`release.yml`) → its YAML. */
  readonly workflows: Readonly<Record<string, string>>;
  /**
   * The Dockerfile's text.
   * @default - no Dockerfile
   */
  readonly dockerfile?: string;
}

/** What changed, split into what widens the trust boundary and everything else. */
export interface PipelineReview {
  /** One line each, for `- widens:`. */
  readonly widens: string[];
  /** Other changes worth a reviewer's look. */
  readonly notes: string[];
}

type Doc = Record<string, any>;

function jobsOf(doc: Doc): [string, Doc][] {
  return Object.entries<Doc>(doc?.jobs ?? {});
}

function writes(permissions: unknown): Set<string> {
  if (permissions === 'write-all') return new Set(['write-all']);
  return new Set(Object.entries<string>((permissions as Record<string, string>) ?? {}).filter(([, v]) => v === 'write').map(([p]) => p));
}

/** `owner/repo` → the pinned ref, for every `uses:` of a workflow. */
function actions(doc: Doc): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const [, job] of jobsOf(doc)) {
    const all = [...(job.steps ?? []).map((s: Doc) => s.uses), job.uses].filter((u): u is string => typeof u === 'string');
    for (const u of all) {
      const [name, ref = ''] = u.split('@');
      if (!found.has(name)) found.set(name, new Set());
      found.get(name)!.add(ref);
    }
  }
  return found;
}

function contextReads(text: string, context: 'secrets' | 'vars'): Set<string> {
  return new Set([...text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'))].map((m) => m[1]));
}

function triggers(doc: Doc): Set<string> {
  const on = doc?.on ?? doc?.true; // YAML 1.1 reads a bare `on:` as true
  if (typeof on === 'string') return new Set([on]);
  if (Array.isArray(on)) return new Set(on);
  return new Set(Object.keys(on ?? {}));
}

function services(doc: Doc): Map<string, string> {
  const found = new Map<string, string>();
  for (const [id, job] of jobsOf(doc)) {
    for (const [sid, s] of Object.entries<Doc>(job.services ?? {})) found.set(`job ${id} service ${sid}`, String(s?.image ?? s));
    if (job.container) found.set(`job ${id} container`, String(job.container.image ?? job.container));
  }
  return found;
}

function packageManagerSteps(job: Doc): Set<string> {
  return new Set((job.steps ?? []).filter((s: Doc) => typeof s.run === 'string' && PACKAGE_MANAGER.test(s.run)).map((s: Doc) => s.run.trim()));
}

function privileged(job: Doc, workflowPermissions: unknown): Set<string> {
  return writes(job.permissions ?? workflowPermissions);
}

/** Compares the generated pipeline at the base and now; every widening of the trust boundary is one line. */
export function reviewPipeline(base: PipelineFiles, head: PipelineFiles): PipelineReview {
  const widens: string[] = [];
  const notes: string[] = [];
  const files = [...new Set([...Object.keys(base.workflows), ...Object.keys(head.workflows)])].sort();
  for (const file of files) {
    const before: Doc | undefined = base.workflows[file] !== undefined ? parse(base.workflows[file]) ?? {} : undefined;
    const after: Doc | undefined = head.workflows[file] !== undefined ? parse(head.workflows[file]) ?? {} : undefined;
    if (!after) {
      notes.push(`${file}: removed`);
      continue;
    }
    const old: Doc = before ?? {};
    if (!before) widens.push(`${file}: a new workflow (triggers: ${[...triggers(after)].join(', ') || 'none'})`);

    for (const t of triggers(after)) if (!triggers(old).has(t)) widens.push(`${file}: new trigger \`${t}\``);
    for (const p of writes(after.permissions)) if (!writes(old.permissions).has(p)) widens.push(`${file}: the workflow's default token gains \`${p}: write\``);

    for (const [id, job] of jobsOf(after)) {
      const was: Doc | undefined = old.jobs?.[id];
      const nowWrites = privileged(job, after.permissions);
      const thenWrites = was ? privileged(was, old.permissions) : new Set<string>();
      for (const p of nowWrites) if (!thenWrites.has(p)) widens.push(`${file}: job ${id} gains \`${p === 'idToken' ? 'id-token' : p}: write\`${was ? '' : ' (new job)'}`);
      if (nowWrites.size > 0) {
        const before = was ? packageManagerSteps(was) : new Set<string>();
        for (const run of packageManagerSteps(job)) {
          if (!before.has(run)) widens.push(`${file}: job ${id} (holding ${[...nowWrites].map((p) => `${p}: write`).join(', ')}) runs a package manager: \`${run.split('\n').find((l) => PACKAGE_MANAGER.test(l))?.trim().slice(0, 80)}\``);
        }
      }
      if (was && was.environment !== undefined && job.environment === undefined && nowWrites.size > 0) widens.push(`${file}: job ${id} leaves the \`${was.environment?.name ?? was.environment}\` environment`);
      if (!was) notes.push(`${file}: new job ${id}`);
    }
    for (const id of Object.keys(old.jobs ?? {})) if (!after.jobs?.[id]) notes.push(`${file}: job ${id} removed`);

    const acts = actions(after);
    const oldActs = actions(old);
    for (const [name, refs] of acts) {
      const prior = oldActs.get(name);
      if (!prior) widens.push(`${file}: new action \`${name}@${[...refs].join(', ')}\``);
      else for (const ref of refs) if (!prior.has(ref)) widens.push(`${file}: \`${name}\` pinned to ${ref} (was ${[...prior].join(', ')})`);
    }

    for (const context of ['secrets', 'vars'] as const) {
      const now = contextReads(head.workflows[file], context);
      const then = before ? contextReads(base.workflows[file], context) : new Set<string>();
      for (const name of now) if (!then.has(name)) widens.push(`${file}: reads ${context}.${name}`);
    }

    const svc = services(after);
    const oldSvc = services(old);
    for (const [where, image] of svc) {
      if (oldSvc.get(where) !== image) widens.push(`${file}: ${where} image \`${image}\`${oldSvc.has(where) ? ` (was \`${oldSvc.get(where)}\`)` : ' (new)'}`);
    }
  }

  const images = (text?: string) => (text === undefined ? [] : dockerfileImages(text).map((u) => u.image));
  const oldImages = images(base.dockerfile);
  for (const image of images(head.dockerfile)) if (!oldImages.includes(image)) widens.push(`Dockerfile: base image \`${image}\`${oldImages.length ? ` (was ${oldImages.map((i) => `\`${i}\``).join(', ')})` : ''}`);
  return { widens: [...new Set(widens)], notes };
}

/** The Markdown summary: a heading, then every widening as `- widens: …`, then other changes. */
export function reviewMarkdown(review: PipelineReview, baseRef: string): string {
  const lines = [`## Pipeline review against \`${baseRef}\``, ''];
  if (review.widens.length === 0) lines.push('The generated workflows and Dockerfile do not widen the trust boundary.');
  else lines.push(`${review.widens.length} change(s) widen the trust boundary; each needs a reviewer's yes:`, '', ...review.widens.map((w) => `- widens: ${w}`));
  if (review.notes.length > 0) lines.push('', '### Other changes', '', ...review.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
