import * as github from 'projen/lib/github';
import { configurationReference } from './expressions';

/**
 * A prepare-job step that fails, before anything is built, naming every repository variable
 * or secret among `values` that is not set. Literal values need no check: no step when none
 * of the values is a `${{ vars.X }}` / `${{ secrets.X }}` expression.
 */
export function configurationCheckSteps(what: string, values: readonly string[]): github.workflows.JobStep[] {
  const refs = values.map(configurationReference).filter((r) => r !== undefined);
  const names = [...new Set(refs.map((r) => r.name))];
  if (names.length === 0) return [];
  return [{
    name: `Check the configuration of ${what}`,
    env: Object.fromEntries(refs.map((r) => [r.name, `\${{ ${r.context}.${r.name} }}`])),
    run: [
      'missing=""',
      `for v in ${names.join(' ')}; do [ -n "\${!v}" ] || missing="$missing $v"; done`,
      `if [ -n "$missing" ]; then echo "::error::${what}: repository variables or secrets not set:$missing"; exit 1; fi`,
    ].join('\n'),
  }];
}
