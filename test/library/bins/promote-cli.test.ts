import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../synth';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const DIGEST = `sha256:${'c'.repeat(64)}`;
const GOOD = ['--source', 'ghcr.io/o/staging', '--digest', DIGEST, '--tag', 'v1.2.3', '--sha', '0123456', '--image', 'ghcr.io/o/n', '--existing', 'v1.2.3', '--unsigned'];

function run(cli: string, args: string[], cwd = tempDir('cli-')) {
  // A crane and a cosign that record being called: input errors must stop before any registry is contacted.
  const called = path.join(cwd, 'called');
  for (const name of ['crane', 'cosign']) fs.writeFileSync(path.join(cwd, name), `#!/bin/sh\necho "$@" >> ${called}\nexit 1\n`, { mode: 0o755 });
  const env = { ...process.env, CRANE: path.join(cwd, 'crane'), COSIGN: path.join(cwd, 'cosign') };
  const r = spawnSync(TSX, [path.join(REPO_ROOT, 'src/cli', cli), ...args], { cwd, encoding: 'utf8', env });
  return { ...r, called: fs.existsSync(called), cwd };
}

function without(option: string): string[] {
  const i = GOOD.indexOf(option);
  return [...GOOD.slice(0, i), ...GOOD.slice(i + 2)];
}

function replaced(option: string, value: string): string[] {
  return GOOD.map((a, i) => (GOOD[i - 1] === option ? value : a));
}

describe('promote CLI input errors: exit 2, one line naming the option, no registry contacted', () => {
  it.each([
    ['a tag with a shell payload', replaced('--tag', 'v1.2.3-$(touch${IFS}pwned)'), /tag "v1\.2\.3-\$\(touch\$\{IFS\}pwned\)" is not a release tag/],
    ['a tag with ;', replaced('--tag', 'v1.2.3;echo INJECTED'), /is not a release tag/],
    ['a malformed digest', replaced('--digest', 'sha256:abc'), /--digest "sha256:abc" is not a digest/],
    ['an image with a tag', replaced('--image', 'ghcr.io/o/n:latest'), /--image "ghcr\.io\/o\/n:latest" is not a repository/],
    ['a bad SHA', replaced('--sha', 'xyz'), /sha "xyz" is not a commit SHA/],
    ['no --image', without('--image'), /--image is required/],
    ['no --digest', without('--digest'), /--digest is required/],
    ['an unknown option', [...GOOD, '--force'], /Unknown option '--force'/],
    ['--remote with --existing', [...GOOD, '--remote', 'origin'], /--remote and --existing exclude each other/],
    ['a bad platform', [...GOOD, '--platforms', 'linux'], /--platforms entry "linux" is not os\/arch/],
    ['no signature check and no --unsigned', GOOD.filter((a) => a !== '--unsigned'), /give --identity \(keyless\) or --public-key to verify the signatures before anything is tagged, or --unsigned/],
    ['a signature check and --unsigned', [...GOOD, '--public-key', 'k.pub'], /give --identity \(keyless\) or --public-key .* or --unsigned/],
  ])('%s', (_why, args, message) => {
    const r = run('promote.ts', args);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^promote: /);
    expect(r.stderr).toMatch(message);
    expect(r.called).toBe(false);
    expect(fs.existsSync(path.join(r.cwd, 'pwned'))).toBe(false);
  });

  it('a registry error exits 1 with one line naming the ref', () => {
    const r = run('promote.ts', GOOD);
    expect(r.status).toBe(1);
    expect(r.called).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^promote: resolve ghcr\\.io/o/staging@${DIGEST}: .* — nothing was copied or tagged`));
  });
});

describe('sign-image CLI', () => {
  it('--print shows the keyless commands the workflow runs, by digest, in every registry', () => {
    const r = run('sign-image.ts', ['--print', '--digest', DIGEST, '--image', 'gcr.io/p/n', '--image', 'ghcr.io/o/n', '--identity', 'https://github.com/o/n/.github/workflows/release.yml@refs/tags/v1.2.3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.replace(/^\S*\/cosign /, 'cosign '))).toEqual([
      `cosign sign --yes gcr.io/p/n@${DIGEST}`,
      `cosign sign --yes ghcr.io/o/n@${DIGEST}`,
      `cosign verify --certificate-identity https://github.com/o/n/.github/workflows/release.yml@refs/tags/v1.2.3 --certificate-oidc-issuer https://token.actions.githubusercontent.com gcr.io/p/n@${DIGEST}`,
      `cosign verify --certificate-identity https://github.com/o/n/.github/workflows/release.yml@refs/tags/v1.2.3 --certificate-oidc-issuer https://token.actions.githubusercontent.com ghcr.io/o/n@${DIGEST}`,
    ]);
    expect(r.called).toBe(false);
  });

  it.each([
    [['--digest', DIGEST, '--image', 'ghcr.io/o/n'], /give either --identity \(keyless\) or --key/],
    [['--digest', 'latest', '--image', 'ghcr.io/o/n', '--identity', 'x'], /--digest "latest" is not a digest/],
    [['--digest', DIGEST, '--image', 'ghcr.io/o/n', '--key', 'k.key'], /--key needs --public-key/],
  ])('refuses bad input with exit 2 and runs nothing: %s', (args, message) => {
    const r = run('sign-image.ts', args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.called).toBe(false);
  });
});
