#!/usr/bin/env node
import { Command, runCommand, UsageError } from './command';
import { promoteCommand } from './promote-command';
import { releaseNotesCommand } from './release-notes-command';
import { signImageCommand } from './sign-image-command';

/** The programs of the release bundle (the one file the privileged release jobs run with `node` alone). */
const COMMANDS: Record<string, Command> = {
  'promote': promoteCommand,
  'sign-image': signImageCommand,
  'release-notes': releaseNotesCommand,
};

const USAGE = `usage: release-tools <${Object.keys(COMMANDS).join('|')}> [options]  (release-tools <command> --help)`;

/** Runs the named command; errors name the command (`promote: …`), as its own bin would. */
function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve(0);
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    const problem = name === undefined ? 'a command is required' : `unknown command ${JSON.stringify(name)}`;
    return runCommand('release-tools', async () => { throw new UsageError(`${problem} (${USAGE})`); }, []);
  }
  return runCommand(name, command, rest);
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
