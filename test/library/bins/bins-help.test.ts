import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../synth';

const BINS: Record<string, string> = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).bin;
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');

/** The bin's source: `lib/cli/<name>.js` is compiled from `src/cli/<name>.ts`. */
const source = (file: string) => path.join(REPO_ROOT, file.replace(/^lib\//, 'src/').replace(/\.js$/, '.ts'));

describe('every bin of package.json', () => {
  it('has a source program', () => {
    expect(Object.keys(BINS).length).toBeGreaterThanOrEqual(10);
    for (const file of Object.values(BINS)) expect(fs.existsSync(source(file)), file).toBe(true);
  });

  it.each(Object.entries(BINS).flatMap(([bin, file]) => [[bin, '--help', file], [bin, '-h', file]]))('%s %s prints its usage and exits 0, doing nothing else', (bin, flag, file) => {
    // A scratch directory without git: a bin that ran instead of printing its usage would fail here.
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bin-help-'));
    const r = spawnSync(TSX, [source(file), flag], { cwd, encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^usage: ${bin} `));
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
  });
});
