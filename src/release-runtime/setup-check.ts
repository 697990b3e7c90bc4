import { RELEASE_VARIABLES, releaseSetupCommands, ReleaseSetupOptions, releaseSetupNames, REQUIRED_APIS, SetupCommand } from './setup';

/** Runs a CLI read-only; undefined when the program is not installed. */
export type CliRunner = (tool: 'gcloud' | 'gh', args: string[]) => { status: number; stdout: string } | undefined;

/** One thing the release needs, and whether it is there. */
export interface SetupFinding {
  /** The CLI that checked it. */
  readonly tool: 'gcloud' | 'gh';
  /** What was checked, one line. */
  readonly item: string;
  /** `ok`, `missing` (with the command that sets it up), `warn` (works, with a caveat), or `skipped` (the CLI is not installed). */
  readonly state: 'ok' | 'missing' | 'warn' | 'skipped';
  /**
   * What to run, or what to know.
   * @default - nothing to add
   */
  readonly note?: string;
}

interface IamPolicy { bindings?: { role: string; members?: string[] }[] }

function json<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function hasBinding(policy: IamPolicy | undefined, role: string, member: string): boolean {
  return (policy?.bindings ?? []).some((b) => b.role === role && (b.members ?? []).includes(member));
}

/** The setup command (as one shell line) that creates what a finding lacks. */
function fixFor(commands: SetupCommand[], match: (c: SetupCommand) => boolean): string {
  const c = commands.find(match);
  return c ? [c.tool, ...c.args].join(' ') : 'see release-setup\'s script';
}

/**
 * What the release needs that Google Cloud and GitHub do not have yet, read with `gcloud` and `gh`
 * (read-only calls). A CLI that is not installed skips its checks (said so, not counted as ok).
 */
export function checkReleaseSetup(o: ReleaseSetupOptions, run: CliRunner): SetupFinding[] {
  const n = releaseSetupNames(o);
  const commands = releaseSetupCommands(o);
  const findings: SetupFinding[] = [];
  const add = (tool: 'gcloud' | 'gh', item: string, ok: boolean, fix: string) => findings.push({ tool, item, state: ok ? 'ok' : 'missing', note: ok ? undefined : fix });

  const gcloud = (args: string[]) => run('gcloud', args);
  if (!o.project) {
    findings.push({ tool: 'gcloud', item: 'Google Cloud', state: 'skipped', note: 'no project: give --project (or GCP_PROJECT_ID) to check it' });
  } else if (gcloud(['version']) === undefined) {
    findings.push({ tool: 'gcloud', item: 'Google Cloud', state: 'skipped', note: 'gcloud is not installed here' });
  } else {
    const p = ['--project', o.project];
    const apis = gcloud(['services', 'list', '--enabled', ...p, '--format=value(config.name)']);
    const enabled = new Set((apis?.stdout ?? '').split('\n').map((s) => s.trim()));
    for (const api of REQUIRED_APIS) add('gcloud', `API ${api} enabled`, apis?.status === 0 && enabled.has(api), fixFor(commands, (c) => c.args[0] === 'services'));
    const repo = gcloud(['artifacts', 'repositories', 'describe', n.arRepository, `--location=${n.location}`, ...p, '--format=value(name)']);
    add('gcloud', `Artifact Registry repository ${n.arRepository} in ${n.location}`, repo?.status === 0, fixFor(commands, (c) => c.args[2] === 'create' && c.args[0] === 'artifacts'));
    const policy = gcloud(['artifacts', 'repositories', 'get-iam-policy', n.arRepository, `--location=${n.location}`, ...p, '--format=json']);
    const repoPolicy = policy?.status === 0 ? json<IamPolicy>(policy.stdout) : undefined;
    add('gcloud', `public read on ${n.arRepository} (allUsers: roles/artifactregistry.reader)`, hasBinding(repoPolicy, 'roles/artifactregistry.reader', 'allUsers'), fixFor(commands, (c) => c.args.includes('--member=allUsers')));
    add('gcloud', `${n.serviceAccount} may push (roles/artifactregistry.writer)`, hasBinding(repoPolicy, 'roles/artifactregistry.writer', `serviceAccount:${n.serviceAccount}`), fixFor(commands, (c) => c.args.includes('--role=roles/artifactregistry.writer')));
    const provider = gcloud(['iam', 'workload-identity-pools', 'providers', 'describe', n.provider, '--location=global', `--workload-identity-pool=${n.pool}`, ...p, '--format=json']);
    const condition = provider?.status === 0 ? json<{ attributeCondition?: string }>(provider.stdout)?.attributeCondition : undefined;
    add('gcloud', `WIF provider ${n.pool}/${n.provider} accepting only ${n.repository} (${n.environment})`, condition === n.attributeCondition, fixFor(commands, (c) => c.args.includes('create-oidc')));
    const number = gcloud(['projects', 'describe', o.project, '--format=value(projectNumber)'])?.stdout.trim() ?? '';
    const sa = gcloud(['iam', 'service-accounts', 'get-iam-policy', n.serviceAccount, ...p, '--format=json']);
    const member = n.principalSet.replace('$PROJECT_NUMBER', number);
    add('gcloud', `${n.repository} may act as ${n.serviceAccount} (roles/iam.workloadIdentityUser)`, sa?.status === 0 && hasBinding(json<IamPolicy>(sa.stdout), 'roles/iam.workloadIdentityUser', member), fixFor(commands, (c) => c.args.includes('--role=roles/iam.workloadIdentityUser')));
  }

  const gh = (args: string[]) => run('gh', args);
  if (gh(['--version']) === undefined) {
    findings.push({ tool: 'gh', item: 'GitHub', state: 'skipped', note: 'gh is not installed here' });
    return findings;
  }
  const visibility = gh(['api', `repos/${n.repository}`, '--jq', '.visibility']);
  const vis = visibility?.stdout.trim();
  if (visibility?.status !== 0) add('gh', `repository ${n.repository} readable`, false, 'gh auth login (as a repository admin)');
  else if (vis === 'public') findings.push({ tool: 'gh', item: 'public repository (free arm64 runners, public attestations)', state: 'ok' });
  else findings.push({ tool: 'gh', item: `repository is ${vis}`, state: 'warn', note: 'ubuntu-24.04-arm runners are free for public repositories only (set nativeRunners to runners you have); artifact attestations of a private repository need GitHub Enterprise Cloud and are not public' });
  const env = gh(['api', `repos/${n.repository}/environments/${n.environment}`]);
  const envJson = env?.status === 0 ? json<{ deployment_branch_policy?: { custom_branch_policies?: boolean } }>(env.stdout) : undefined;
  add('gh', `environment ${n.environment} with custom deployment rules`, envJson?.deployment_branch_policy?.custom_branch_policies === true, fixFor(commands, (c) => c.args[3] === `repos/${n.repository}/environments/${n.environment}`));
  const rules = gh(['api', `repos/${n.repository}/environments/${n.environment}/deployment-branch-policies`]);
  const policies = rules?.status === 0 ? json<{ branch_policies?: { name: string; type?: string }[] }>(rules.stdout)?.branch_policies ?? [] : [];
  add('gh', `only ${n.tagPattern} tags deploy to ${n.environment}`, policies.some((b) => b.name === n.tagPattern && b.type === 'tag'), fixFor(commands, (c) => c.args.includes('type=tag')));
  const rulesets = gh(['api', `repos/${n.repository}/rulesets`]);
  const tagRulesets = rulesets?.status === 0 ? (json<{ target?: string; enforcement?: string }[]>(rulesets.stdout) ?? []).filter((r) => r.target === 'tag' && r.enforcement === 'active') : [];
  add('gh', 'an active tag ruleset (release tags cannot move or be deleted)', tagRulesets.length > 0, fixFor(commands, (c) => c.args.includes(`repos/${n.repository}/rulesets`)));
  const vars = gh(['variable', 'list', '--repo', n.repository, '--json', 'name']);
  const names = new Set((vars?.status === 0 ? json<{ name: string }[]>(vars.stdout) ?? [] : []).map((v) => v.name));
  for (const v of RELEASE_VARIABLES) add('gh', `repository variable ${v}`, names.has(v), fixFor(commands, (c) => c.args[0] === 'variable' && c.args[2] === v));
  return findings;
}

/** The report: one line per finding; `missing` lines carry the command that fixes them. */
export function setupReport(findings: readonly SetupFinding[]): string {
  const mark = { ok: 'ok     ', missing: 'MISSING', warn: 'warn   ', skipped: 'skipped' };
  return `${findings.map((f) => `${mark[f.state]} ${f.tool}: ${f.item}${f.note ? ` — ${f.state === 'missing' ? `fix: ${f.note}` : f.note}` : ''}`).join('\n')}\n`;
}
