import { IConstruct } from 'constructs';
import { Component } from 'projen/lib/component';
import { IResolver } from 'projen/lib/file';
import * as github from 'projen/lib/github';
import { YamlFile } from 'projen/lib/yaml';
import { pinComments } from './actions';
import { commentPermissions, Grants } from './grants';
import { renderWorkflow } from './workflow-rendering';
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

/** A YAML file whose rendered text gets comments (YAML comments cannot come from the object model). */
export class CommentedYamlFile extends YamlFile {
  constructor(scope: IConstruct, filePath: string, obj: () => unknown, private readonly comment: (yaml: string) => string) {
    super(scope, filePath, { obj, committed: true });
  }

  /** Part of rendering itself (not a rewrite after synthesis, which `npx projen --no-post` would skip). */
  protected synthesizeContent(resolver: IResolver): string | undefined {
    const text = super.synthesizeContent(resolver);
    return text === undefined ? undefined : this.comment(text);
  }
}

/**
 * A GitHub workflow with workflow-level `permissions`, a `# <tag>` comment after every
 * SHA-pinned `uses:` line and a `# <reason>` comment after every write permission. Jobs are kept
 * in projen's model (`workflow`, which names the steps' ids); the file is this component's own.
 */
export class PinnedWorkflow extends Component {
  /** projen's job model of the workflow (jobs and their steps' ids); the file is {@link PinnedWorkflow.file} and the triggers are set with {@link PinnedWorkflow.on}. */
  public readonly workflow: github.GithubWorkflow;
  /** `.github/workflows/<name>.yml`. */
  public readonly file: CommentedYamlFile;
  private readonly permissionComments = new Map<string, Record<string, string>>();
  private triggers: github.workflows.Triggers = {};

  constructor(gh: github.GitHub, options: PinnedWorkflowOptions) {
    super(gh.project);
    const check: OptionChecker = new OptionChecker('PinnedWorkflow');
    check.match('name', options.name, /^[A-Za-z0-9_-]+$/, 'must be a workflow file name (letters, digits, _ and -)');
    this.workflow = new github.GithubWorkflow(gh, options.name, {
      limitConcurrency: options.concurrency !== undefined,
      concurrencyOptions: options.concurrency,
    });
    const projenFile = this.workflow.file;
    if (!projenFile) check.fail('github', options.name, 'has workflows disabled (projen option githubOptions.workflows): the workflow cannot be written');
    gh.project.tryRemoveFile(projenFile.path);
    const permissions = options.permissions ?? {};
    this.file = new CommentedYamlFile(gh.project, projenFile.path, () => renderWorkflow(this.workflow, this.triggers, permissions, gh.actions),
      (yaml) => commentPermissions(pinComments(yaml), this.permissionComments));
  }

  /** The events that start the workflow (added to those given before). */
  public on(triggers: github.workflows.Triggers): void {
    this.triggers = { ...this.triggers, ...triggers };
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
    this.file.addOverride(pathInYaml, value);
  }
}
