import { PACKAGE_MANAGER } from '../src/release-runtime/pipeline-review';

/* Release-safety properties of the generated workflows, checked on parsed YAML. Each returns the broken properties in words. */

type Doc = Record<string, any>;
const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;
/** The package's programs: workflows run them as programs, never through a projen task. */
const BINS = ['image-tags', 'tag-release', 'promote', 'sign-image'];
/** What tags, copies, signs or publishes an image, in a run script. */
const TAGGING = /\b(?:crane\s+(?:tag|copy|cp|push|mutate|append)|docker\s+(?:tag|push|buildx\s+imagetools)|regctl|cosign\s+(?:sign|attest|copy)|gh\s+release|npx --no -- (?:promote|sign-image|release-notes)|release-tools\.cjs" (?:promote|sign-image|release-notes))\b/;
/** What moves a public pointer (a registry tag, the GitHub Release and its Latest badge): only inside the promotion lane. */
const MOVES_PUBLIC_POINTER = /\b(?:crane\s+(?:tag|copy|cp|push|mutate)|docker\s+(?:tag|push|buildx\s+imagetools)|regctl|gh\s+release\s+(?:create|edit|delete)|gh\s+api\b[^\n]*releases)\b|\b(?:promote|release-notes) --/;
/** `if:` conditions that let a job run although a job it needs failed or was cancelled. */
const RUNS_ANYWAY = /always\(\)|failure\(\)|cancelled\(\)|!\s*success\(\)/;
/** A run step that compiles Go (directly or through the project's checks). */
const COMPILES_GO = /\bgo (?:build|install|test|vet|run|generate)\b|\bnpx projen (?:test|build)/;

export interface ReleaseExpectations {
  /** The image's platforms. */
  readonly platforms: readonly string[];
  /** How many registries the release publishes to. */
  readonly registries: number;
  /** platform → runner of the end-to-end matrix. */
  readonly legs: Readonly<Record<string, string>>;
  /** The protected environment's name. */
  readonly environment?: string;
  /** Secrets a job outside the environment may read (e.g. an emulator token in e2e). */
  readonly e2eSecrets?: readonly string[];
}

function jobs(doc: Doc): [string, Doc][] {
  return Object.entries(doc.jobs ?? {});
}

function needsOf(job: Doc | undefined): string[] {
  return job?.needs === undefined ? [] : [job.needs].flat();
}

/** Every job `id` needs, directly or through the jobs it needs. */
export function upstream(doc: Doc, id: string, seen = new Set<string>()): Set<string> {
  for (const n of needsOf(doc.jobs?.[id])) {
    if (!seen.has(n)) {
      seen.add(n);
      upstream(doc, n, seen);
    }
  }
  return seen;
}

function stepsUsing(job: Doc | undefined, action: string): Doc[] {
  return (job?.steps ?? []).filter((s: Doc) => typeof s.uses === 'string' && s.uses.startsWith(`${action}@`));
}

function runs(job: Doc | undefined): string[] {
  return (job?.steps ?? []).map((s: Doc) => s.run).filter((r: unknown): r is string => typeof r === 'string');
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
 * Properties shared by every workflow: no token by default, a deadline on every job, no
 * emulation, pinned service images, no expression spliced into a script (values reach scripts as
 * environment variables), and the package's bins called as programs (`npx --no -- <bin> …`),
 * never through a projen task.
 */
export function commonProblems(doc: Doc, yamlText: string): string[] {
  const problems = [...pinningProblems(yamlText)];
  if (JSON.stringify(doc.permissions) !== '{}') problems.push('workflow-level permissions must be {}');
  for (const [id, job] of jobs(doc)) {
    if (!job.permissions) problems.push(`job ${id} has no permissions block`);
    if (!Number.isInteger(job['timeout-minutes']) || job['timeout-minutes'] < 1) problems.push(`job ${id} has no timeout-minutes`);
    if (stepsUsing(job, 'docker/setup-qemu-action').length > 0) problems.push(`job ${id} sets up QEMU: the builder must cross-compile and each platform run on its own runner`);
    for (const [sid, service] of Object.entries<Doc>(job.services ?? {})) {
      if (!/@sha256:[0-9a-f]{64}$|:(?![\w.-]*latest)[\w.-]*[0-9][\w.-]*$/i.test(service.image)) problems.push(`job ${id}: service ${sid} image "${service.image}" is not pinned to a version`);
      if (service.options !== undefined && typeof service.options !== 'string') problems.push(`job ${id}: service ${sid} options must be one string`);
    }
    for (const step of job.steps ?? []) {
      if (typeof step.run !== 'string') continue;
      if (step.run.includes('${{')) problems.push(`job ${id} step "${step.name}" splices an expression into its script`);
      if (/npx projen [\w:-]+ +[^|;&\n]/.test(step.run)) problems.push(`job ${id} step "${step.name}" passes arguments through a projen task`);
      if (new RegExp(`npx projen (?:${BINS.join('|')})\\b`).test(step.run)) problems.push(`job ${id} step "${step.name}" runs a package bin through projen instead of as a program`);
      if (/\bnpx (?!projen\b|--no -- )/.test(step.run)) problems.push(`job ${id} step "${step.name}" runs npx without "--no --" (npx would read the arguments as its own options)`);
    }
  }
  return problems;
}

/** The one job graph of a release: build once, test those bytes on every architecture, promote, sign, release. */
function graphProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const required: [string, string[]][] = [
    ['prepare', []], ['test', ['prepare']], ['bundle', ['prepare']], ['build', ['prepare', 'test']], ['reproduce', ['build']],
    ['e2e', ['build']], ['sbom', ['build']], ['sign', ['bundle', 'build', 'e2e', 'reproduce', 'sbom']], ['promote', ['bundle', 'build', 'sign']],
  ];
  for (const [job, needs] of required) {
    if (!doc.jobs?.[job]) {
      problems.push(`job ${job} is missing`);
      continue;
    }
    for (const n of needs) if (!needsOf(doc.jobs[job]).includes(n)) problems.push(`job ${job} must need ${n}`);
  }
  for (const [id, job] of jobs(doc)) {
    if (id !== 'prepare' && RUNS_ANYWAY.test(String(job.if ?? ''))) problems.push(`job ${id} runs although a job it needs failed (if: ${job.if})`);
    if (job['continue-on-error'] !== undefined && job['continue-on-error'] !== false) problems.push(`job ${id} continues on error: the jobs after it would run on a failure`);
  }
  return problems;
}

/** Nothing is tagged, copied, signed or released by a job that runs before every end-to-end leg passed. */
function taggedBeforeE2eProblems(doc: Doc): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobs(doc)) {
    if (id === 'e2e' || upstream(doc, id).has('e2e')) continue;
    for (const s of stepsUsing(job, 'docker/build-push-action')) {
      const w = s.with ?? {};
      if (w.tags !== undefined) problems.push(`job ${id} tags the image before e2e (build-push tags: ${w.tags})`);
      if (w.push === true) problems.push(`job ${id} pushes by tag before e2e (build-push push: true)`);
      if (w.outputs !== undefined && /push=true|type=registry/.test(w.outputs) && !/push-by-digest=true/.test(w.outputs)) problems.push(`job ${id} pushes without push-by-digest=true before e2e`);
      if (/name=[^,]*:[^,/]*(,|$)/.test(String(w.outputs ?? ''))) problems.push(`job ${id} names a tag in its build output before e2e`);
    }
    for (const r of runs(job)) if (TAGGING.test(r)) problems.push(`job ${id} tags, copies, signs or releases before e2e: ${r.match(TAGGING)![0]}`);
    if (stepsUsing(job, 'docker/metadata-action').length > 0) problems.push(`job ${id} computes image tags with docker/metadata-action before e2e`);
  }
  return problems;
}

function buildJobProblems(doc: Doc, platforms: readonly string[]): string[] {
  const problems: string[] = [];
  const build = doc.jobs?.build;
  const pushes = stepsUsing(build, 'docker/build-push-action');
  if (pushes.length !== 1) return [`job build must have exactly one build-push step (build once), not ${pushes.length}`];
  const w = pushes[0].with ?? {};
  if (w.platforms !== platforms.join(',')) problems.push(`the build's platforms "${w.platforms}" differ from the image platforms "${platforms.join(',')}"`);
  for (const want of ['type=image', 'push-by-digest=true', 'push=true', 'rewrite-timestamp=true']) {
    if (!String(w.outputs ?? '').split(',').includes(want)) problems.push(`the build output lacks ${want}`);
  }
  if (!/^SOURCE_DATE_EPOCH=\$\{\{ needs\.prepare\.outputs\.source_date_epoch \}\}$/m.test(String(w['build-args'] ?? ''))) problems.push('the build must set SOURCE_DATE_EPOCH from the commit time (prepare)');
  if (w.provenance !== false || w.sbom !== false) problems.push('the build must not attach BuildKit attestations (unsigned unknown/unknown entries, a new digest every build)');
  if (w['cache-to'] !== undefined) problems.push('the release build must not write the layer cache');
  if (build.outputs?.digest !== `\${{ steps.${pushes[0].id}.outputs.digest }}`) problems.push('job build must output the digest of its build step');
  return problems;
}

function e2eProblems(doc: Doc, legs: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const e2e = doc.jobs?.e2e;
  if (!e2e) return [];
  const include: Doc[] = e2e.strategy?.matrix?.include ?? [];
  const got = Object.fromEntries(include.map((l) => [l.platform, l.runner]));
  for (const [platform, runner] of Object.entries(legs)) {
    if (got[platform] !== runner) problems.push(`e2e must run ${platform} on ${runner} (has ${got[platform] ?? 'no leg'})`);
  }
  for (const platform of Object.keys(got)) if (!(platform in legs)) problems.push(`e2e has an unexpected leg ${platform}`);
  if (Object.keys(e2e.strategy?.matrix ?? {}).some((k) => k !== 'include')) problems.push('the e2e matrix must list its legs under include only');
  if (e2e['runs-on'] !== '${{ matrix.runner }}') problems.push('each e2e leg must run on its own runner (runs-on: ${{ matrix.runner }})');
  if (stepsUsing(e2e, 'docker/build-push-action').length > 0) problems.push('e2e rebuilds the image instead of testing the built digest');
  const pulled = (e2e.steps ?? []).some((s: Doc) => typeof s.run === 'string' && /docker pull "\$IMAGE"/.test(s.run) && /@\$\{\{ needs\.build\.outputs\.digest \}\}$/.test(s.env?.IMAGE ?? ''));
  if (!pulled) problems.push('e2e must pull the staged image by the build\'s digest');
  return problems;
}

/** The step of `job` that runs `program` of the release bundle (`node "$RUNNER_TEMP/release-tools/release-tools.cjs" <program> …`). */
function bundleStep(job: Doc | undefined, program: string): Doc | undefined {
  return (job?.steps ?? []).find((s: Doc) => typeof s.run === 'string' && new RegExp(`^node "\\$RUNNER_TEMP/release-tools/release-tools\\.cjs" ${program} `, 'm').test(s.run));
}

function promoteProblems(doc: Doc, images: number): string[] {
  const problems: string[] = [];
  const promote = doc.jobs?.promote;
  if (!promote) return [];
  const c = promote.concurrency ?? {};
  if (typeof c.group !== 'string' || c.group.includes('${{') || c.group === doc.concurrency?.group) {
    problems.push('promote\'s concurrency group must be one constant for the whole repository (one promotion at a time, whatever the tag)');
  }
  if (c['cancel-in-progress'] !== false) problems.push('promote must never be cancelled by another promotion');
  const step = bundleStep(promote, 'promote');
  if (!step) return [...problems, 'promote does not run the promote program of the release bundle'];
  if (!/--remote=/.test(step.run) || /--existing/.test(step.run)) problems.push('promote must read the release tags from the remote at promote time (--remote), never from a list computed earlier');
  if (!/--github-output/.test(step.run)) problems.push('promote must write its outputs (--github-output)');
  if (step.env?.DIGEST !== '${{ needs.build.outputs.digest }}') problems.push('promote must promote the digest the build pushed and e2e tested');
  if (promote.outputs?.latest !== `\${{ steps.${step.id}.outputs.latest }}`) problems.push('promote must output latest from the promote program');
  if (!/identity="\$GITHUB_SERVER_URL\/\$GITHUB_WORKFLOW_REF"/.test(step.run) || !/--identity="\$identity"/.test(step.run) || /--unsigned/.test(step.run)) problems.push('promote must verify the signatures with this workflow\'s identity in every registry before tagging');
  if (!/ --sbom\b/.test(step.run)) problems.push('promote must verify the SBOM attestation in every registry');
  if ((step.run.match(/--image=/g) ?? []).length !== images) problems.push(`promote must publish to every registry (${images})`);
  if (step.env?.CRANE !== '${{ runner.temp }}/release-tools/crane') problems.push('promote must use the crane of the verified release tools');
  return problems;
}

/** Signed and attested in staging before anything is public: the sign job runs before promote, on the staged digest. */
function signProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const sign = doc.jobs?.sign;
  if (!sign) return [];
  const digest = '${{ needs.build.outputs.digest }}';
  if (stepsUsing(sign, 'sigstore/cosign-installer').length !== 1) problems.push('sign must install cosign with sigstore/cosign-installer');
  const signStep = bundleStep(sign, 'sign-image');
  if (!signStep) problems.push('sign does not run the sign-image program of the release bundle');
  else {
    if (signStep.env?.DIGEST !== digest) problems.push('sign must sign the staged digest the build pushed');
    if (!/identity="\$GITHUB_SERVER_URL\/\$GITHUB_WORKFLOW_REF"/.test(signStep.run) || !/--identity="\$identity"/.test(signStep.run)) problems.push('sign must verify with this workflow\'s identity');
    if (!/--image="\$STAGING"/.test(signStep.run) || (signStep.run.match(/--image=/g) ?? []).length !== 1) problems.push('sign must sign in the staging repository only (promote copies the signatures)');
    if (!/--sbom="\$SBOM"/.test(signStep.run)) problems.push('sign must attest the SBOM');
  }
  const attests = stepsUsing(sign, 'actions/attest-build-provenance');
  if (attests.length !== 1) problems.push(`sign must attest build provenance once, in staging, not ${attests.length} times`);
  for (const a of attests) {
    if (a.with?.['subject-digest'] !== digest || a.with?.['push-to-registry'] !== true) problems.push('the attestation must be of the staged digest, pushed to the staging registry');
  }
  if (sign.permissions?.['id-token'] !== 'write' || sign.permissions?.attestations !== 'write') problems.push('sign needs id-token: write and attestations: write');
  for (const id of Object.keys(doc.jobs ?? {})) {
    if (id !== 'sign' && stepsUsing(doc.jobs[id], 'actions/attest-build-provenance').length > 0) problems.push(`job ${id} attests: only sign, before anything is public`);
  }
  return problems;
}

/**
 * The one lane: every step that moves a public pointer (registry tags, the GitHub Release and its
 * Latest badge) runs in the promote job, whose concurrency group is shared by every run; the
 * GitHub Release's Latest comes from promote's decision in the same job, never from another job's output.
 */
function laneProblems(doc: Doc): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobs(doc)) {
    if (id === 'promote') continue;
    for (const r of runs(job)) if (MOVES_PUBLIC_POINTER.test(r)) problems.push(`job ${id} moves a public pointer outside the promotion lane: ${r.match(MOVES_PUBLIC_POINTER)![0]}`);
  }
  const promote = doc.jobs?.promote;
  const notes = bundleStep(promote, 'release-notes');
  if (!notes) return [...problems, 'the GitHub Release must be made in the promotion lane (the promote job runs release-notes)'];
  const order = promote.steps as Doc[];
  if (order.indexOf(notes) < order.indexOf(bundleStep(promote, 'promote') as Doc)) problems.push('the GitHub Release must come after promote in the lane');
  if (notes.env?.LATEST_RELEASE !== '${{ steps.promote.outputs.latest_release }}' || !/--latest-release="\$LATEST_RELEASE"/.test(notes.run)) problems.push('GitHub\'s Latest must follow promote\'s decision in the lane (latest_release)');
  if (notes.env?.PRERELEASE !== '${{ steps.promote.outputs.prerelease }}') problems.push('the release must be marked prerelease from promote\'s output');
  if (/needs\./.test(JSON.stringify(notes.env ?? {}))) problems.push('the GitHub Release must decide from this job\'s promote step, not from an earlier job');
  return problems;
}

/** A job's write permissions, `packages: write, id-token: write`. */
function writes(job: Doc): string {
  return Object.entries<string>(job.permissions ?? {}).filter(([, v]) => v === 'write').map(([p]) => `${p}: write`).join(', ');
}

/**
 * Credentials only beside code we built and pinned: a job that holds a write permission or an
 * OIDC token runs no package manager (npm, npx, pip, go install, …, nothing from node_modules);
 * it runs the release bundle with `node` alone, after checking the bundle job's SHA-256 of it.
 */
export function packageManagerProblems(doc: Doc): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobs(doc)) {
    if (writes(job) === '') continue;
    for (const s of job.steps ?? []) {
      if (typeof s.run === 'string' && PACKAGE_MANAGER.test(s.run)) problems.push(`job ${id} holds ${writes(job)} and runs a package manager in "${s.name ?? s.run.split('\n')[0]}": ${s.run.match(PACKAGE_MANAGER)![0].trim()}`);
      if (typeof s.uses === 'string' && /^actions\/setup-(?:node|python|go|java|dotnet)@/.test(s.uses) && (s.with?.cache || s.with?.['cache-dependency-path'])) problems.push(`job ${id} holds ${writes(job)} and restores a package cache (${s.uses.split('@')[0]})`);
    }
    const steps = (job.steps ?? []) as Doc[];
    const usesBundle = steps.findIndex((s) => typeof s.run === 'string' && /release-tools\.cjs/.test(s.run) && !/sha256sum/.test(s.run));
    if (usesBundle >= 0) {
      const check = steps.findIndex((s) => typeof s.run === 'string' && /sha256sum --strict --check -/.test(s.run) && /release-tools\.cjs/.test(s.run)
        && s.env?.BUNDLE_SHA256 === '${{ needs.bundle.outputs.bundle_sha256 }}');
      if (check < 0 || check > usesBundle) problems.push(`job ${id} runs the release bundle without first checking it against the bundle job's SHA-256`);
      if (!needsOf(job).includes('bundle')) problems.push(`job ${id} runs the release bundle but does not need the bundle job`);
    }
  }
  const bundle = doc.jobs?.bundle;
  if (bundle) {
    if (writes(bundle) !== '') problems.push('the bundle job must hold no credential (read permissions only)');
    if (/secrets\./.test(JSON.stringify(bundle))) problems.push('the bundle job must see no secrets');
    if (bundle.environment !== undefined) problems.push('the bundle job must not run in an environment');
  }
  return problems;
}

/** No release build reads or writes a cache another workflow or ref could have written. */
export function cacheProblems(doc: Doc): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobs(doc)) {
    for (const s of stepsUsing(job, 'docker/build-push-action')) {
      for (const key of ['cache-from', 'cache-to']) if (s.with?.[key] !== undefined) problems.push(`job ${id}: the release build uses ${key} (${s.with[key]}): a cache another workflow writes could carry a poisoned layer`);
      if (s.with?.['no-cache'] !== true) problems.push(`job ${id}: the release build must set no-cache: true`);
    }
    for (const s of job.steps ?? []) {
      if (typeof s.run === 'string' && /--cache-(?:from|to)\b|type=gha\b/.test(s.run)) problems.push(`job ${id} step "${s.name}" uses a build cache`);
    }
  }
  return problems;
}

/** No setup action restores a cache in a publishing workflow, and only jobs that compile Go set it up. */
function toolchainProblems(doc: Doc): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobs(doc)) {
    for (const s of stepsUsing(job, 'actions/setup-go')) {
      if (s.with?.cache !== false) problems.push(`job ${id}: setup-go restores a cache in a publishing workflow`);
      if (!runs(job).some((r) => COMPILES_GO.test(r))) problems.push(`job ${id} sets up Go but compiles nothing`);
    }
    for (const s of stepsUsing(job, 'actions/setup-node')) {
      if (s.with?.cache !== undefined || s.with?.['package-manager-cache'] !== false) problems.push(`job ${id}: setup-node restores a cache in a publishing workflow`);
    }
    for (const s of stepsUsing(job, 'actions/cache')) problems.push(`job ${id} uses actions/cache in a publishing workflow (${s.name})`);
  }
  return problems;
}

/** Jobs that hold an OIDC token (cloud identities, Sigstore) run in the protected environment; secrets stay there too. */
function credentialProblems(doc: Doc, environment: string, e2eSecrets: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobs(doc)) {
    const inEnvironment = job.environment === environment || job.environment?.name === environment;
    if (job.permissions?.['id-token'] === 'write' && !inEnvironment) problems.push(`job ${id} can request OIDC tokens outside the ${environment} environment`);
    const secrets = [...JSON.stringify(job).matchAll(/secrets\.(\w+)/g)].map((m) => m[1]).filter((s) => s !== 'GITHUB_TOKEN');
    const allowed = inEnvironment ? secrets : id === 'e2e' ? e2eSecrets : [];
    const leaked = secrets.filter((s) => !allowed.includes(s));
    if (leaked.length > 0) problems.push(`job ${id} sees secrets ${leaked.join(', ')} outside the ${environment} environment`);
  }
  for (const id of ['promote', 'sign']) {
    const env = doc.jobs?.[id]?.environment;
    if (doc.jobs?.[id] && env !== environment && env?.name !== environment) problems.push(`job ${id} must run in the ${environment} environment`);
  }
  return problems;
}

export function releaseProblems(doc: Doc, yamlText: string, expected: ReleaseExpectations): string[] {
  const problems = commonProblems(doc, yamlText);
  const on = doc.on ?? {};
  if (Object.keys(on).join() !== 'push' || on.push.branches || !on.push.tags?.length) problems.push('release must trigger only on pushed tags');
  if (doc.concurrency?.['cancel-in-progress'] !== false || !String(doc.concurrency?.group).includes('github.ref_name')) {
    problems.push('concurrency must be per tag and never cancel a running release');
  }
  return [
    ...problems,
    ...graphProblems(doc),
    ...taggedBeforeE2eProblems(doc),
    ...buildJobProblems(doc, expected.platforms),
    ...e2eProblems(doc, expected.legs),
    ...promoteProblems(doc, expected.registries),
    ...signProblems(doc),
    ...laneProblems(doc),
    ...packageManagerProblems(doc),
    ...cacheProblems(doc),
    ...toolchainProblems(doc),
    ...credentialProblems(doc, expected.environment ?? 'release', expected.e2eSecrets ?? []),
  ];
}

export function buildProblems(doc: Doc, yamlText: string, mustRun: string[], branch = 'main'): string[] {
  const problems = commonProblems(doc, yamlText);
  if (!doc.on?.pull_request || !doc.on?.push?.branches?.includes(branch)) problems.push(`build must run on pull requests and pushes to ${branch}`);
  for (const [id, job] of jobs(doc)) {
    if (Object.values(job.permissions ?? {}).some((v) => v !== 'read')) problems.push(`job ${id} must be read-only`);
    // The self-mutation push job holds its token; selfMutationProblems checks it instead.
    if (id !== 'self-mutation' && /secrets\./.test(JSON.stringify(job))) problems.push(`job ${id} must see no secrets`);
    for (const s of stepsUsing(job, 'docker/build-push-action')) {
      const w = s.with ?? {};
      if (w.push !== false || w.outputs !== undefined) problems.push(`job ${id} must not push an image`);
      if (w['cache-to'] !== undefined && w['cache-to'] !== `\${{ github.ref == 'refs/heads/${branch}' && 'type=gha,mode=max' || '' }}`) {
        problems.push(`job ${id} must write the layer cache on ${branch} only`);
      }
    }
  }
  if (doc.jobs?.synth || doc.jobs?.['self-mutation']) problems.push(...selfMutationProblems(doc));
  const allRuns = jobs(doc).flatMap(([, job]) => runs(job)).join('\n');
  for (const needed of ['git diff --exit-code', ...mustRun]) {
    if (!allRuns.includes(needed)) problems.push(`build does not run "${needed}"`);
  }
  return problems;
}

/** build.yml's image job: every platform built, the layer cache written on the default branch only, the amd64 image run. */
export function imageJobProblems(doc: Doc, platforms: readonly string[], branch = 'main'): string[] {
  const problems: string[] = [];
  const image = doc.jobs?.image;
  if (!image) return ['build.yml has no image job'];
  const builds = stepsUsing(image, 'docker/build-push-action').map((s) => s.with ?? {});
  if (!builds.some((w) => w.platforms === platforms.join(','))) problems.push(`the image job must build every platform (${platforms.join(',')})`);
  if (!builds.some((w) => w['cache-to'] === `\${{ github.ref == 'refs/heads/${branch}' && 'type=gha,mode=max' || '' }}`)) problems.push(`the image job must write the layer cache on ${branch} (so release builds start warm)`);
  if (!builds.some((w) => w.platforms === 'linux/amd64' && w.load === true)) problems.push('the image job must load the linux/amd64 image');
  if (!runs(image).some((r) => /docker run --rm "\$IMAGE" --version/.test(r))) problems.push('the image job must run the image');
  return problems;
}

/** The only commands the push job's scripts may run: git and the shell's own (nothing from the pull request). */
const PUSH_COMMANDS = /^(?:(?:if|then|else|fi|echo|exit|export|git)\b|GIT_CONFIG_VALUE_0=)/;
const SAME_REPOSITORY = 'github.event.pull_request.head.repo.full_name == github.repository';

/**
 * build.yml's self-mutation: `synth` (read-only, no secret) regenerates the files of a pull
 * request from a branch of this repository and hands the patch on; `self-mutation` pushes it
 * with a token from its environment and runs none of the pull request's code. Never for forks.
 */
export function selfMutationProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const synth = doc.jobs?.synth;
  const push = doc.jobs?.['self-mutation'];
  if (!synth || !push) return ['build.yml must have the synth and self-mutation jobs'];
  for (const [id, job] of [['synth', synth], ['self-mutation', push]] as const) {
    const cond = String(job.if ?? '');
    if (!cond.includes(SAME_REPOSITORY) || !cond.includes("github.event_name == 'pull_request'") || /\|\|[^()]*$/.test(cond.replace(/\([^()]*\)/g, ''))) {
      problems.push(`job ${id} must run only for pull requests from this repository's branches`);
    }
    if (Object.values(job.permissions ?? {}).some((v) => v !== 'read')) problems.push(`job ${id} must be read-only (the push uses the environment's token)`);
    for (const s of stepsUsing(job, 'actions/checkout')) {
      if (s.with?.['persist-credentials'] !== false) problems.push(`job ${id} keeps the checkout's credentials`);
    }
  }
  if (/secrets\./.test(JSON.stringify(synth))) problems.push('job synth runs the pull request\'s code and must see no secrets');
  if (synth.environment !== undefined) problems.push('job synth must not run in an environment');
  if (!runs(synth).some((r) => /^npx projen$/m.test(r))) problems.push('job synth must run npx projen');
  if (!needsOf(push).includes('synth') || !String(push.if ?? '').includes("needs.synth.outputs.changed == 'true'")) problems.push('job self-mutation must need synth and run only when it changed files');
  if (typeof push.environment !== 'string' || push.environment === '') problems.push('job self-mutation must run in an environment (which holds its token)');
  const secrets = JSON.stringify(push).match(/secrets\.[A-Za-z0-9_]+/g) ?? [];
  if (new Set(secrets).size !== 1) problems.push(`job self-mutation must read exactly one secret, the push token (reads ${[...new Set(secrets)].join(', ') || 'none'})`);
  for (const s of push.steps ?? []) {
    if (typeof s.uses === 'string' && !/^actions\/(?:checkout|download-artifact)@/.test(s.uses)) problems.push(`job self-mutation uses ${s.uses}: only checkout and download-artifact`);
    if (typeof s.run === 'string') {
      const bad = s.run.split('\n').map((l: string) => l.trim()).find((l: string) => l !== '' && !PUSH_COMMANDS.test(l));
      if (bad) problems.push(`job self-mutation runs more than git: ${bad}`);
      if (/git push\b.*(?:--force|\s-f\b|\s\+)/.test(s.run)) problems.push('job self-mutation must push fast-forward only');
      if (/https:\/\/[^\s]*\$\{?PUSH_TOKEN|git [^\n]*\$PUSH_TOKEN/.test(s.run)) problems.push('job self-mutation passes the token to git in a URL or argument');
    }
  }
  return problems;
}
