#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { cosignSignCommands, cosignVerifyCommands, CosignCommandOptions, GITHUB_OIDC_ISSUER } from '../release/cosign';

const USAGE = 'usage: sign-image --digest sha256:<hex> --image <repo> [--image <repo>...] '
  + '(--identity <certificate identity> [--issuer <oidc issuer>] | --key <cosign.key> --public-key <cosign.pub>) '
  + '[--insecure-registry] [--verify-only] [--print]';

/** cosign ran and failed: exit 1 (input errors exit 2). */
class CosignFailed extends Error {}

/** Shell-quotes one argument for display (`--print`); the commands themselves never go through a shell. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      'digest': { type: 'string' },
      'image': { type: 'string', multiple: true },
      'identity': { type: 'string' },
      'issuer': { type: 'string' },
      'key': { type: 'string' },
      'public-key': { type: 'string' },
      'insecure-registry': { type: 'boolean', default: false },
      'verify-only': { type: 'boolean', default: false },
      'print': { type: 'boolean', default: false },
      'help': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.digest) throw new Error(`--digest is required (${USAGE})`);
  if (!values.image?.length) throw new Error(`--image is required (${USAGE})`);
  const keyless = values.identity !== undefined;
  if (keyless === (values.key !== undefined)) throw new Error('give either --identity (keyless) or --key with --public-key (a key pair)');
  if (!keyless && !values['public-key']) throw new Error('--key needs --public-key to verify with');
  const o: CosignCommandOptions = {
    digest: values.digest,
    images: values.image,
    insecureRegistry: values['insecure-registry'],
    cosign: process.env.COSIGN || 'cosign',
    identity: keyless
      ? { kind: 'keyless', certificateIdentity: values.identity!, certificateOidcIssuer: values.issuer ?? GITHUB_OIDC_ISSUER }
      : { kind: 'key', privateKey: values.key!, publicKey: values['public-key']! },
  };
  const commands = [...(values['verify-only'] ? [] : cosignSignCommands(o)), ...cosignVerifyCommands(o)];
  if (values.print) {
    process.stdout.write(commands.map((c) => c.map(quote).join(' ')).join('\n') + '\n');
    return 0;
  }
  for (const [bin, ...args] of commands) {
    const ref = args[args.length - 1];
    process.stdout.write(`${args[0] === 'sign' ? 'signing' : 'verifying'} ${ref}\n`);
    const r = spawnSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    if (r.error) throw new Error(`${bin} could not run (${r.error.message}): install cosign or set COSIGN to its path`);
    if (r.status !== 0) {
      const why = r.stderr.trim().split('\n').filter((l) => l.startsWith('Error:') || l.startsWith('error')).pop() ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
      throw new CosignFailed(`cosign ${args[0]} ${ref} failed: ${why.replace(/^Error: /, '')}`);
    }
  }
  process.stdout.write(`${values['verify-only'] ? 'verified' : 'signed and verified'} ${o.images.length} image(s) at ${o.digest}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`sign-image: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = e instanceof CosignFailed ? 1 : 2;
}
