import * as fs from 'node:fs';
import * as path from 'node:path';
import { Component, github, JsonPatch } from 'projen';
import { pinComments } from './actions';

export interface PinnedWorkflowOptions {
  readonly name: string;
  /** Workflow-level permissions; jobs ask for what they need. @default {} (none) */
  readonly permissions?: Record<string, string>;
  readonly concurrency?: github.ConcurrencyOptions;
}

/**
 * A projen GithubWorkflow with workflow-level `permissions` and a `# <tag>` comment after
 * every SHA-pinned `uses:` line (YAML comments cannot come from the object model).
 */
export class PinnedWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;

  constructor(gh: github.GitHub, options: PinnedWorkflowOptions) {
    super(gh.project);
    this.workflow = new github.GithubWorkflow(gh, options.name, {
      limitConcurrency: options.concurrency !== undefined,
      concurrencyOptions: options.concurrency,
    });
    // A patch, not an override: overrides drop empty objects, and `permissions: {}` must stay.
    this.workflow.file!.patch(JsonPatch.add('/permissions', options.permissions ?? {}));
  }

  /** Sets a value GitHub needs in a shape projen's typed model does not allow (e.g. service `options` as one string). */
  public override(pathInYaml: string, value: unknown): void {
    this.workflow.file!.addOverride(pathInYaml, value);
  }

  public postSynthesize(): void {
    const file = path.join(this.project.outdir, this.workflow.file!.path);
    const text = fs.readFileSync(file, 'utf8');
    const mode = fs.statSync(file).mode;
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, pinComments(text));
    fs.chmodSync(file, mode);
  }
}
