import { parseArgs, ParseArgsConfig } from 'node:util';

/** Bad input: the command exits 2 before it contacts anything (any other error exits 1). */
export class UsageError extends Error {}

/** One program of the release tools: takes its arguments, returns when done, throws on failure. */
export type Command = (argv: string[]) => Promise<void>;

/** Escapes control characters so a message is exactly one line. */
export function oneLineMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Runs `command` as the program `name`: `<name>: <message>` on one line and exit 2 (usage) or 1 on failure. */
export async function runCommand(name: string, command: Command, argv: string[]): Promise<number> {
  try {
    await command(argv);
    return 0;
  } catch (e) {
    process.stderr.write(`${name}: ${oneLineMessage(e)}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

/** The body of a bin file: runs `command` on the process's arguments and sets the exit code. */
export function runBin(name: string, command: Command): void {
  void runCommand(name, command, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
/** The parsed option values of `T`. */
export type ParsedValues<T extends OptionSpec> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'];

/** Whether the arguments ask for the usage (`--help` or `-h`, anywhere). */
function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** `parseArgs`, strict; a parse error is a UsageError naming the usage. */
function parse<const T extends OptionSpec>(argv: string[], options: T, usage: string, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (${usage})`);
  }
}

/**
 * The command's options (`parseArgs`, strict, no positionals); a parse error is a UsageError
 * naming the usage. `--help` or `-h` anywhere prints the usage and returns undefined: nothing runs.
 */
export function commandOptions<const T extends OptionSpec>(argv: string[], options: T, usage: string): ParsedValues<T> | undefined {
  if (wantsHelp(argv)) {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  return parse(argv, options, usage, false).values as ParsedValues<T>;
}

/** {@link commandOptions} for a command that also takes positional arguments. */
export function commandArguments<const T extends OptionSpec>(argv: string[], options: T, usage: string): { values: ParsedValues<T>; positionals: string[] } | undefined {
  if (wantsHelp(argv)) {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  const { values, positionals } = parse(argv, options, usage, true);
  return { values: values as ParsedValues<T>, positionals };
}

/** Throws a UsageError naming the first of `names` that has no value. */
export function requireOptions<V extends Record<string, unknown>>(values: V, names: readonly (keyof V & string)[], usage: string): void {
  for (const name of names) {
    const value = values[name];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) throw new UsageError(`--${name} is required (${usage})`);
  }
}

/** Runs `check`; what it throws becomes a UsageError (bad input, exit 2, before anything is contacted). */
export function asUsage<R>(check: () => R): R {
  try {
    return check();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
