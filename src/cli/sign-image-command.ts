import { spawnSync } from 'node:child_process';
import { asUsage, commandOptions, requireOptions, UsageError } from './command';
import { requireDigest, requireRepository } from '../release-runtime/refs';
import { cosignSignCommands, cosignVerifyCommands, CosignCommandOptions, GITHUB_OIDC_ISSUER } from '../release-runtime/cosign';

const USAGE = 'usage: sign-image --digest sha256:<hex> --image <repo> [--image <repo>...] '
  + '(--identity <certificate identity> [--issuer <oidc issuer>] | --key <cosign.key> --public-key <cosign.pub>) '
  + '[--sbom <spdx.json>] [--insecure-registry] [--verify-only] [--print]';

/** Shell-quotes one argument for display (`--print`); the commands themselves never go through a shell. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The cosign options of `sign-image`'s and `promote`'s signature flags; throws a UsageError naming the flag. */
export function cosignOptions(values: { 'digest'?: string; 'image'?: string[]; 'identity'?: string; 'issuer'?: string; 'key'?: string; 'public-key'?: string; 'sbom'?: string; 'insecure-registry'?: boolean }): CosignCommandOptions {
  requireOptions(values, ['digest', 'image'], USAGE);
  const keyless = values.identity !== undefined;
  if (keyless === (values.key !== undefined || values['public-key'] !== undefined)) throw new UsageError('give either --identity (keyless) or --key/--public-key (a key pair)');
  const { digest, image } = values as { digest: string; image: string[] };
  return asUsage(() => {
    requireDigest(digest);
    image.forEach((i) => requireRepository(i));
    return {
      digest,
      images: image,
      insecureRegistry: values['insecure-registry'],
      cosign: process.env.COSIGN || 'cosign',
      sbom: values.sbom,
      identity: keyless
        ? { kind: 'keyless', certificateIdentity: values.identity!, certificateOidcIssuer: values.issuer ?? GITHUB_OIDC_ISSUER }
        : { kind: 'key', privateKey: values.key, publicKey: values['public-key'] },
    };
  });
}

const VERB: Record<string, string> = { 'sign': 'signing', 'attest': 'attesting the SBOM of', 'verify': 'verifying', 'verify-attestation': 'verifying the SBOM attestation of' };

/** Runs cosign argument vectors in order (never through a shell); the first failure throws one line naming the ref. */
export function runCosign(commands: string[][], log: (line: string) => void): void {
  for (const [bin, ...args] of commands) {
    const ref = args[args.length - 1];
    log(`${VERB[args[0]] ?? args[0]} ${ref}`);
    const r = spawnSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    if (r.error) throw new Error(`${bin} could not run (${r.error.message}): install cosign or set COSIGN to its path`);
    if (r.status !== 0) {
      const lines = r.stderr.trim().split('\n');
      const why = lines.filter((l) => l.startsWith('Error:') || l.startsWith('error')).pop() ?? lines.pop() ?? `exit ${r.status}`;
      throw new Error(`cosign ${args[0]} ${ref} failed: ${why.replace(/^Error: /, '')}`);
    }
  }
}

/** `sign-image`: cosign sign (and attest the SBOM) unless --verify-only, then verify, `image@digest` in every image. */
export async function signImageCommand(argv: string[]): Promise<void> {
  const values = commandOptions(argv, {
    'digest': { type: 'string' },
    'image': { type: 'string', multiple: true },
    'identity': { type: 'string' },
    'issuer': { type: 'string' },
    'key': { type: 'string' },
    'public-key': { type: 'string' },
    'sbom': { type: 'string' },
    'insecure-registry': { type: 'boolean', default: false },
    'verify-only': { type: 'boolean', default: false },
    'print': { type: 'boolean', default: false },
  }, USAGE);
  if (!values) return;
  const o = cosignOptions(values);
  if (!values['verify-only'] && o.identity.kind === 'key' && !o.identity.privateKey) throw new UsageError('--public-key needs --key to sign with (or give --verify-only)');
  if (o.identity.kind === 'key' && !o.identity.publicKey) throw new UsageError('--key needs --public-key to verify with');
  const commands = [...(values['verify-only'] ? [] : cosignSignCommands(o)), ...cosignVerifyCommands(o)];
  if (values.print) {
    process.stdout.write(commands.map((c) => c.map(quote).join(' ')).join('\n') + '\n');
    return;
  }
  runCosign(commands, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${values['verify-only'] ? 'verified' : 'signed and verified'} ${o.images.length} image(s) at ${o.digest}\n`);
}
