/** This library's npm package: what an adopting repository installs (its bins included). */
export const PACKAGE_NAME = 'projen-cloudquery-go-plugin';

/**
 * The shell command that runs one of this package's bins as a program, from the project's
 * npm dependencies (or, in this package's own checkout, from itself). `--no` never installs
 * anything; `--` ends npx's option parsing, so every argument after the bin name (a tag such
 * as `--tag` or `--yes` included) reaches the bin verbatim instead of being read by npx.
 * Never a projen task: projen joins task arguments into an unquoted shell string.
 */
export function packageBin(bin: string, args: string): string {
  return `npx --no -- ${bin} ${args}`;
}
