/**
 * One shape for every bad-option error: the component, the option path, the value as
 * written (JSON-quoted, so a newline shows as `\n` and the message stays on one line) and
 * the rule it breaks.
 */
export class InvalidOptionError extends Error {
  constructor(component: string, option: string, value: unknown, rule: string) {
    super(`${component} option "${option}" is invalid: ${show(value)} ${rule}`);
    this.name = 'InvalidOptionError';
  }
}

const SHOWN_CHARACTERS = 60;

/** A value as it appears in messages: one line, long strings shortened with their length. */
export function show(value: unknown): string {
  if (typeof value === 'string' && value.length > SHOWN_CHARACTERS) {
    return `${JSON.stringify(`${value.slice(0, SHOWN_CHARACTERS - 1)}…`)} (${value.length} characters)`;
  }
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

/** Checks options of one component; every failure throws one `InvalidOptionError`. */
export class OptionChecker {
  constructor(public readonly component: string) {}

  public fail(option: string, value: unknown, rule: string): never {
    throw new InvalidOptionError(this.component, option, value, rule);
  }

  public match(option: string, value: unknown, pattern: RegExp, rule: string): string {
    if (typeof value !== 'string' || !pattern.test(value)) this.fail(option, value, rule);
    return value;
  }

  public integer(option: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(option, value, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  public oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
    if (!(allowed as readonly unknown[]).includes(value)) this.fail(option, value, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  /** A single line of printable characters, 1 to `max` long. */
  public line(option: string, value: unknown, max: number): string {
    return this.match(option, value, new RegExp(`^[^\\x00-\\x1f\\x7f]{1,${max}}$`), `must be one line of 1 to ${max} printable characters`);
  }

  public list<T>(option: string, value: readonly T[] | undefined, options: { min?: number } = {}): readonly T[] {
    if (!Array.isArray(value)) this.fail(option, value, 'must be a list');
    if (value.length < (options.min ?? 0)) this.fail(option, value, `must list at least ${options.min}`);
    const seen = new Set<string>();
    for (const item of value) {
      const key = JSON.stringify(item);
      if (seen.has(key)) this.fail(option, value, `lists ${show(item)} twice`);
      seen.add(key);
    }
    return value;
  }
}
