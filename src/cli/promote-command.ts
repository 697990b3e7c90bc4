import * as fs from 'node:fs';
import { asUsage, commandOptions, ParsedValues, requireOptions, UsageError } from './command';
import { githubOutputText } from './github-output';
import { cosignOptions, runCosign } from './sign-image-command';
import { cosignVerifyCommands } from '../release-runtime/cosign';
import { Crane } from '../release-runtime/crane';
import { DEFAULT_PLATFORMS } from '../core/platforms';
import { checkPromoteInput, promote, PromoteOptions } from '../release-runtime/promote';
import { readRemoteTags } from '../release-runtime/remote-tags';

const USAGE = 'usage: promote --source <repo> --digest sha256:<hex> --tag vX.Y.Z --sha <commit> --image <repo> [--image <repo>...] '
  + '(--identity <certificate identity> [--issuer <oidc issuer>] | --public-key <cosign.pub> | --unsigned) [--sbom] '
  + '[--remote <git remote or URL> (default origin) | --existing <tag,tag,...>] [--platforms linux/amd64,linux/arm64] [--insecure] [--github-output]';

const OPTIONS = {
  'source': { type: 'string' },
  'digest': { type: 'string' },
  'tag': { type: 'string' },
  'sha': { type: 'string' },
  'image': { type: 'string', multiple: true },
  'remote': { type: 'string' },
  'existing': { type: 'string' },
  'platforms': { type: 'string' },
  'identity': { type: 'string' },
  'issuer': { type: 'string' },
  'public-key': { type: 'string' },
  'sbom': { type: 'boolean', default: false },
  'unsigned': { type: 'boolean', default: false },
  'insecure': { type: 'boolean', default: false },
  'github-output': { type: 'boolean', default: false },
} as const;

type Values = ParsedValues<typeof OPTIONS>;

/** The signature check: cosign verify (and verify-attestation of the SBOM) by digest, keyless or with a public key. */
function signatureCheck(values: Values): PromoteOptions['verifySignatures'] {
  const signed = values.identity !== undefined || values['public-key'] !== undefined;
  if (signed === values.unsigned) throw new UsageError('give --identity (keyless) or --public-key to verify the signatures before anything is tagged, or --unsigned to promote without');
  if (!signed) return undefined;
  return async (image) => {
    const o = cosignOptions({ ...values, 'image': [image], 'insecure-registry': values.insecure, 'sbom': values.sbom ? 'spdxjson' : undefined });
    runCosign(cosignVerifyCommands(o), (line) => process.stdout.write(`      ${line}\n`));
  };
}

/** `promote`: copy a built, signed index by digest to every registry, verify, then tag (see {@link promote}). */
export async function promoteCommand(argv: string[]): Promise<void> {
  const values = commandOptions(argv, OPTIONS, USAGE);
  if (!values) return;
  requireOptions(values, ['source', 'digest', 'tag', 'sha'], USAGE);
  if (values.remote !== undefined && values.existing !== undefined) throw new UsageError('--remote and --existing exclude each other: give one');
  const githubOutput = values['github-output'] ? process.env.GITHUB_OUTPUT : undefined;
  if (values['github-output'] && !githubOutput) throw new UsageError('--github-output needs the GITHUB_OUTPUT environment variable (set by GitHub Actions)');
  const opts = {
    source: values.source!,
    digest: values.digest!,
    gitTag: values.tag!,
    sha: values.sha!,
    images: values.image ?? [],
    platforms: values.platforms !== undefined ? values.platforms.split(',').map((p) => p.trim()).filter(Boolean) : DEFAULT_PLATFORMS,
  };
  asUsage(() => checkPromoteInput(opts));
  const verifySignatures = signatureCheck(values);
  const existing = values.existing?.split(',').map((t) => t.trim()).filter(Boolean);
  const remote = values.remote ?? 'origin';
  const result = await promote({
    ...opts,
    verifySignatures,
    client: new Crane({ bin: process.env.CRANE || 'crane', insecure: values.insecure }),
    releaseTags: existing ? async () => ({ tags: existing }) : () => readRemoteTags(remote),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`digest=${result.digest}\nlatest=${result.latest}\nlatest_release=${result.latestRelease ?? ''}\n`);
  if (githubOutput) {
    fs.appendFileSync(githubOutput, githubOutputText({
      digest: result.digest,
      version: result.version,
      prerelease: String(result.prerelease),
      latest: String(result.latest),
      latest_release: result.latestRelease ?? '',
      tags: [...result.immutableTags, ...result.floatingTags],
      floating_tags: result.floatingTags,
      unpublished: result.unpublished,
      refs: result.refs,
    }));
  }
}
