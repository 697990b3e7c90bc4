const DELIMITER = '__RELEASE_TOOLS__';

/** Every value written to $GITHUB_OUTPUT was validated; this is the last guard that none can add a line. */
function oneLine(value: string): string {
  if (/[\r\n]/.test(value) || value === DELIMITER) throw new Error(`refusing to write ${JSON.stringify(value)} to $GITHUB_OUTPUT`);
  return value;
}

/** `$GITHUB_OUTPUT` text: `name=value` for a string, a heredoc of one line per entry for a list. */
export function githubOutputText(outputs: Record<string, string | readonly string[]>): string {
  return Object.entries(outputs).map(([name, value]) => typeof value === 'string'
    ? `${name}=${oneLine(value)}\n`
    : `${name}<<${DELIMITER}\n${value.map(oneLine).join('\n')}${value.length ? '\n' : ''}${DELIMITER}\n`).join('');
}
