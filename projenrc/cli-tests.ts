import { Project } from 'projen';

/**
 * The CloudQuery CLI suite (test/cli, vitest project "cli"): the real CLI that setup builds from
 * tools/cloudquery drives this plugin and the test destination (test/cqdest). It runs last in
 * `test`, after the end-to-end and image checks.
 */
export function addCliTests(project: Project) {
  const cli = project.addTask('test:cli', {
    description: 'The real CloudQuery CLI (.tools/bin/cloudquery, built by setup) drives the plugin and the test destination',
    exec: 'vitest run --project cli',
    receiveArgs: true,
  });
  project.tasks.tryFind('test')!.spawn(cli);
  return cli;
}
