import * as github from 'projen/lib/github';

const { JobPermission } = github.workflows;
type Level = github.workflows.JobPermission;

/** `idToken` → `id-token`: the name GitHub (and the rendered YAML) uses. */
function yamlName(permission: string): string {
  return permission.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * A job's permissions with the reason for each grant. The reasons are rendered as YAML
 * comments after each permission (zizmor's `undocumented-permissions` audit asks for them), so a
 * reviewer sees why a job can do what it can.
 */
export class Grants {
  private readonly entries = new Map<string, { level: Level; why: string[] }>();

  /** Grants `level` for `why`; of two grants of one permission, write wins and both reasons stay. */
  public grant(permission: keyof github.workflows.JobPermissions, level: Level, why: string): this {
    const entry = this.entries.get(permission) ?? { level, why: [] };
    if (level === JobPermission.WRITE) entry.level = JobPermission.WRITE;
    if (!entry.why.includes(why)) entry.why.push(why);
    this.entries.set(permission, entry);
    return this;
  }

  /** Every permission in `permissions` (e.g. what a registry asks for), with one reason. */
  public grantAll(permissions: github.workflows.JobPermissions, why: string): this {
    for (const [p, level] of Object.entries(permissions) as [keyof github.workflows.JobPermissions, Level][]) this.grant(p, level, why);
    return this;
  }

  /** The permissions block of the job. */
  public get permissions(): github.workflows.JobPermissions {
    return Object.fromEntries([...this.entries].map(([p, e]) => [p, e.level])) as github.workflows.JobPermissions;
  }

  /** YAML permission name → the comment explaining it. */
  public get comments(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([p, e]) => [yamlName(p), e.why.join('; ')]));
  }
}

/**
 * Appends `# <reason>` to each `permission: level` line of the jobs in `comments`
 * (job id → YAML permission name → reason), in the YAML projen renders for a workflow.
 */
export function commentPermissions(yaml: string, comments: ReadonlyMap<string, Record<string, string>>): string {
  let job: string | undefined;
  let inPermissions = false;
  return yaml.split('\n').map((line) => {
    const jobKey = /^ {2}([A-Za-z_][A-Za-z0-9_-]*):$/.exec(line);
    if (jobKey) {
      job = jobKey[1];
      inPermissions = false;
      return line;
    }
    if (/^\S/.test(line)) job = undefined;
    if (/^ {4}\S/.test(line)) inPermissions = line === '    permissions:';
    const permission = /^ {6}([a-z-]+): (?:read|write|none)$/.exec(line);
    const why = permission && inPermissions && job !== undefined ? comments.get(job)?.[permission[1]] : undefined;
    return why ? `${line} # ${why.replace(/[\r\n]+/g, ' ')}` : line;
  }).join('\n');
}
