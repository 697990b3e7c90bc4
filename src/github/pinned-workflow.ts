import { Component } from 'projen/lib/component';
import { IResolver } from 'projen/lib/file';
import * as github from 'projen/lib/github';
import { JsonPatch } from 'projen/lib/json-patch';
import { pinComments } from './actions';
import { commentPermissions, Grants } from './grants';
import { OptionChecker } from '../core/validation';

export interface PinnedWorkflowOptions {
  /** Workflow name; the file is `.github/workflows/<name>.yml`. */
  readonly name: string;
  /**
   * Workflow-level permissions; jobs ask for what they need.
   * @default {} (none)
   */
  readonly permissions?: Record<string, string>;
  /**
   * Concurrency group and whether a new run cancels one in progress.
   * @default - runs are not limited
   */
  readonly concurrency?: github.ConcurrencyOptions;
}

/** A job of a {@link PinnedWorkflow}: projen's job model, with its permissions given as {@link Grants}. */
export interface WorkflowJob extends Omit<github.workflows.Job, 'permissions' | 'timeoutMinutes'> {
  /** What the job may do with the token, and why. */
  readonly grants: Grants;
  /** Every job has a deadline (GitHub's default is six hours). */
  readonly timeoutMinutes: number;
}

/**
 * A projen GithubWorkflow with workflow-level `permissions`, a `# <tag>` comment after
 * every SHA-pinned `uses:` line and a `# <reason>` comment after every write permission
 * (YAML comments cannot come from the object model).
 */
export class PinnedWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;
  private readonly permissionComments = new Map<string, Record<string, string>>();

  constructor(gh: github.GitHub, options: PinnedWorkflowOptions) {
    super(gh.project);
    new OptionChecker('PinnedWorkflow').match('name', options.name, /^[A-Za-z0-9_-]+$/, 'must be a workflow file name (letters, digits, _ and -)');
    this.workflow = new github.GithubWorkflow(gh, options.name, {
      limitConcurrency: options.concurrency !== undefined,
      concurrencyOptions: options.concurrency,
    });
    // A patch, not an override: overrides drop empty objects, and `permissions: {}` must stay.
    this.workflow.file!.patch(JsonPatch.add('/permissions', options.permissions ?? {}));
    // The comments must be part of rendering itself (not a post-synthesis rewrite, which
    // `npx projen --no-post` skips), and GithubWorkflow owns its YamlFile, so wrap its renderer.
    const file = this.workflow.file! as unknown as { synthesizeContent(r: IResolver): string | undefined };
    const render = file.synthesizeContent.bind(file);
    file.synthesizeContent = (resolver: IResolver) => {
      const text = render(resolver);
      return text === undefined ? undefined : commentPermissions(pinComments(text), this.permissionComments);
    };
  }

  /**
   * Adds a job: its permissions come from its grants (each write permission carries its reason
   * as a comment), and it has a timeout. Jobs appear in the order they are added.
   */
  public addJob(id: string, job: WorkflowJob): void {
    new OptionChecker('PinnedWorkflow').match('job id', id, /^[A-Za-z_][A-Za-z0-9_-]*$/, 'must be a job id (letters, digits, _ and -, starting with a letter or _)');
    new OptionChecker('PinnedWorkflow').integer(`jobs.${id}.timeoutMinutes`, job.timeoutMinutes, 1, 360);
    const { grants, ...rest } = job;
    this.workflow.addJobs({ [id]: { ...rest, permissions: grants.permissions } });
    this.permissionComments.set(id, grants.comments);
  }

  /** Service `options` as the one string GitHub wants (projen's model types them as a list). */
  public setServiceOptions(jobId: string, services: Readonly<Record<string, { readonly options?: string }>> | undefined): void {
    for (const [id, service] of Object.entries(services ?? {})) {
      if (service.options) this.override(`jobs.${jobId}.services.${id}.options`, service.options);
    }
  }

  /** Sets a value GitHub needs in a shape projen's typed model does not allow (e.g. service `options` as one string). */
  public override(pathInYaml: string, value: unknown): void {
    this.workflow.file!.addOverride(pathInYaml, value);
  }
}
