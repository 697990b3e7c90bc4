import { OptionChecker } from '../core/validation';

/** A repository configuration value a workflow reads: `${{ vars.NAME }}` or `${{ secrets.NAME }}`. */
export interface ConfigurationReference {
  /** `vars` for a repository variable, `secrets` for a secret. */
  readonly context: 'vars' | 'secrets';
  /** The variable or secret name. */
  readonly name: string;
}

/** GitHub's rule for variable and secret names (and it reserves the GITHUB_ prefix). */
const CONFIG_NAME = /^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/i;
const CONFIG_EXPRESSION = /^\$\{\{ *(vars|secrets)\.([A-Za-z0-9_]+) *\}\}$/;
const CONFIG_NAME_RULE = 'must be a GitHub variable or secret name: letters, digits and _, not starting with a digit or GITHUB_';

/** A variable or secret name given as option `option`, checked by GitHub's rule. */
export function configName(check: OptionChecker, option: string, name: string): string {
  return check.match(option, name, CONFIG_NAME, CONFIG_NAME_RULE);
}

/** `${{ vars.NAME }}`, with the name checked. */
export function varRef(name: string): string {
  new OptionChecker('varRef').match('name', name, CONFIG_NAME, CONFIG_NAME_RULE);
  return `\${{ vars.${name} }}`;
}

/** `${{ secrets.NAME }}`, with the name checked. */
export function secretRef(name: string): string {
  new OptionChecker('secretRef').match('name', name, CONFIG_NAME, CONFIG_NAME_RULE);
  return `\${{ secrets.${name} }}`;
}

/** Whether the value contains a GitHub expression at all. */
export function hasExpression(value: string): boolean {
  return value.includes('${{');
}

/** The variable or secret a value is, when it is exactly one `${{ vars.X }}` / `${{ secrets.X }}`. */
export function configurationReference(value: string): ConfigurationReference | undefined {
  const m = CONFIG_EXPRESSION.exec(value);
  if (!m || !CONFIG_NAME.test(m[2])) return undefined;
  return { context: m[1] as 'vars' | 'secrets', name: m[2] };
}

/**
 * A value that is either a literal matching `pattern` or exactly one repository variable or
 * secret expression (so a workflow can check it is set before anything is built).
 */
export function literalOrConfiguration(check: OptionChecker, option: string, value: unknown, pattern: RegExp, rule: string): string {
  if (typeof value === 'string' && hasExpression(value)) {
    if (!configurationReference(value)) {
      check.fail(option, value, 'must be a literal or exactly one ${{ vars.NAME }} or ${{ secrets.NAME }} expression');
    }
    return value;
  }
  return check.match(option, value, pattern, `${rule} (or a \${{ vars.NAME }} expression)`);
}
