/* Release-safety properties of the generated workflows, checked on parsed YAML. Each returns the broken properties in words. */

type Doc = Record<string, any>;
const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;
const WRITERS = new Set(['publish', 'release']);

function jobs(doc: Doc): [string, Doc][] {
  return Object.entries(doc.jobs ?? {});
}

function needsOf(job: Doc): string[] {
  return job.needs === undefined ? [] : [job.needs].flat();
}

function stepsUsing(job: Doc, action: string): Doc[] {
  return (job.steps ?? []).filter((s: Doc) => typeof s.uses === 'string' && s.uses.startsWith(`${action}@`));
}

/** Every `uses:` is pinned to a commit SHA and carries a `# <version>` comment. */
export function pinningProblems(yamlText: string): string[] {
  const problems: string[] = [];
  for (const line of yamlText.split('\n')) {
    const m = line.match(/^\s*(?:- )?uses:\s*(\S+)(.*)$/);
    if (!m) continue;
    if (!SHA_PIN.test(m[1])) problems.push(`"${m[1]}" is not pinned to a 40-hex commit SHA`);
    else if (!/^\s+#\s*v\d+\.\d+\.\d+/.test(m[2])) problems.push(`"${m[1]}" has no "# vX.Y.Z" version comment`);
  }
  return problems;
}

/**
 * Properties shared by every workflow: no token by default, no emulation, pinned service images,
 * no expression spliced into a script (values reach scripts as environment variables), and the
 * package's bins called as programs (`npx --no <bin> …`), never through a projen task with arguments.
 */
export function commonProblems(doc: Doc, yamlText: string): string[] {
  const problems = [...pinningProblems(yamlText)];
  if (JSON.stringify(doc.permissions) !== '{}') problems.push('workflow-level permissions must be {}');
  for (const [id, job] of jobs(doc)) {
    if (!job.permissions) problems.push(`job ${id} has no permissions block`);
    if (stepsUsing(job, 'docker/setup-qemu-action').length > 0) problems.push(`job ${id} sets up QEMU: the builder must cross-compile instead`);
    for (const [sid, service] of Object.entries<Doc>(job.services ?? {})) {
      if (!/@sha256:[0-9a-f]{64}$|:(?![\w.-]*latest)[\w.-]*[0-9][\w.-]*$/i.test(service.image)) problems.push(`job ${id}: service ${sid} image "${service.image}" is not pinned to a version`);
      if (service.options !== undefined && typeof service.options !== 'string') problems.push(`job ${id}: service ${sid} options must be one string`);
    }
    for (const step of job.steps ?? []) {
      if (typeof step.run !== 'string') continue;
      if (step.run.includes('${{')) problems.push(`job ${id} step "${step.name}" splices an expression into its script`);
      if (/npx projen [\w:-]+ +[^|;&\n]/.test(step.run)) problems.push(`job ${id} step "${step.name}" passes arguments through a projen task`);
      if (/\bnpx (?!projen\b|--no -- )/.test(step.run)) problems.push(`job ${id} step "${step.name}" runs npx without "--no --" (npx would read the arguments as its own options)`);
    }
  }
  return problems;
}

export function releaseProblems(doc: Doc, yamlText: string, platforms: readonly string[]): string[] {
  const problems = commonProblems(doc, yamlText);
  const j = doc.jobs ?? {};
  const on = doc.on ?? {};
  if (Object.keys(on).join() !== 'push' || on.push.branches || !on.push.tags?.length) problems.push('release must trigger only on pushed tags');
  if (doc.concurrency?.['cancel-in-progress'] !== false || !String(doc.concurrency?.group).includes('github.ref_name')) {
    problems.push('concurrency must be per tag and never cancel a running release');
  }
  const order: [string, string[]][] = [['test', ['prepare']], ['e2e', ['test']], ['publish', ['prepare', 'test', 'e2e']], ['release', ['publish']]];
  for (const [job, required] of order) {
    if (!j[job]) {
      problems.push(`job ${job} is missing`);
      continue;
    }
    for (const r of required) if (!needsOf(j[job]).includes(r)) problems.push(`job ${job} must need ${r}`);
  }
  for (const [id, job] of jobs(doc)) {
    const writes = Object.entries(job.permissions ?? {}).filter(([, v]) => v === 'write').map(([k]) => k);
    if (writes.length > 0 && !WRITERS.has(id)) problems.push(`job ${id} has write permissions (${writes.join(', ')})`);
    const secrets = [...JSON.stringify(job).matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
    const allowed = id === 'e2e' ? ['LOCALSTACK_AUTH_TOKEN'] : WRITERS.has(id) ? secrets : [];
    const leaked = secrets.filter((s) => !allowed.includes(s));
    if (leaked.length > 0) problems.push(`job ${id} sees secrets ${leaked.join(', ')}`);
  }
  const push = j.publish ? stepsUsing(j.publish, 'docker/build-push-action')[0]?.with : undefined;
  if (!push) {
    problems.push('publish has no build-push step');
  } else {
    if (push.platforms !== platforms.join(',')) problems.push(`publish platforms "${push.platforms}" differ from the image platforms "${platforms.join(',')}"`);
    if (push.tags !== '${{ needs.prepare.outputs.refs }}') problems.push('publish tags must come from the prepare job outputs');
    if (push.push !== true) problems.push('publish must push');
    if (push.sbom !== true || push.provenance !== 'mode=max') problems.push('publish must attach an SBOM and max provenance');
    const tested = j.e2e ? stepsUsing(j.e2e, 'docker/build-push-action')[0]?.with : undefined;
    if (!tested) problems.push('e2e does not build the image');
    else {
      for (const key of ['context', 'build-args', 'cache-from', 'cache-to']) {
        if (tested[key] !== push[key]) problems.push(`e2e and publish build with different ${key}`);
      }
      if (tested.push !== false || tested.load !== true) problems.push('e2e must load the image without pushing');
    }
  }
  if (!/--prerelease/.test(JSON.stringify(j.release ?? {}))) problems.push('release must mark prerelease tags as prereleases');
  return problems;
}

export function buildProblems(doc: Doc, yamlText: string, mustRun: string[], branch = 'main'): string[] {
  const problems = commonProblems(doc, yamlText);
  if (!doc.on?.pull_request || !doc.on?.push?.branches?.includes(branch)) problems.push(`build must run on pull requests and pushes to ${branch}`);
  for (const [id, job] of jobs(doc)) {
    if (Object.values(job.permissions ?? {}).some((v) => v !== 'read')) problems.push(`job ${id} must be read-only`);
    if (/secrets\./.test(JSON.stringify(job))) problems.push(`job ${id} must see no secrets`);
  }
  const runs = jobs(doc).flatMap(([, job]) => (job.steps ?? []).map((s: Doc) => s.run ?? '')).join('\n');
  for (const needed of ['git diff --exit-code', ...mustRun]) {
    if (!runs.includes(needed)) problems.push(`build does not run "${needed}"`);
  }
  return problems;
}
