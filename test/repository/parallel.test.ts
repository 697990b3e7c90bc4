import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../synth';

/** Runs scripts/parallel.mjs with an `npx` on PATH that plays the tasks: `ok` prints, `slow` sleeps, `bad` fails. */
function parallel(...tasks: string[]) {
  return parallelWith({}, ...tasks);
}

function parallelWith(env: Record<string, string>, ...tasks: string[]) {
  const bin = tempDir('fake-npx-');
  fs.writeFileSync(path.join(bin, 'npx'), [
    '#!/bin/sh',
    'case "$2" in',
    '  ok) echo "line one"; echo "line two" ;;',
    '  slow) sleep 1; echo "slept" > "$MARK" ;;',
    '  bad) echo "it broke" >&2; exit 3 ;;',
    // about a second of CPU (busy, not sleeping), for the CPU column of .ci/run's timing table
    '  busy) i=0; while [ $i -lt 800000 ]; do i=$((i+1)); done ;;',
    'esac',
  ].join('\n'), { mode: 0o755 });
  const mark = path.join(bin, 'mark');
  const r = spawnSync('node', [path.join(REPO_ROOT, 'scripts/parallel.mjs'), ...tasks], {
    // CI_TIMINGS emptied: under .ci/run these fake tasks must not reach its timing table.
    encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, MARK: mark, CI_TIMINGS: '', ...env },
  });
  const marked = fs.existsSync(mark);
  fs.rmSync(bin, { recursive: true, force: true });
  return { ...r, marked };
}

describe('scripts/parallel.mjs (npx projen test runs the CLI and buildah suites side by side)', () => {
  it('prefixes every line with its task and passes when all pass', () => {
    const r = parallel('ok', 'slow');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[ok  ] line one\n[ok  ] line two\n');
    expect(r.stdout).toMatch(/^ok {4}passed in \d+ s$/m);
    expect(r.stdout).toMatch(/^slow {2}passed in \d+ s$/m);
    expect(r.marked).toBe(true);
  });

  it('fails naming the failed task, after the other one has finished', () => {
    const r = parallel('bad', 'slow');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[bad ] it broke');
    expect(r.stdout).toMatch(/^bad {3}FAILED \(exit 3\) in \d+ s$/m);
    expect(r.stderr).toContain('error: bad failed');
    expect(r.marked).toBe(true);
  });

  it('with CI_TIMINGS, appends a tab-separated line per task for .ci/run\'s timing table, with its CPU seconds', () => {
    const timings = path.join(tempDir('timings-'), 'timings.tsv');
    const r = parallelWith({ CI_TIMINGS: timings }, 'ok', 'bad', 'busy');
    expect(r.status).toBe(1);
    const rows = fs.readFileSync(timings, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const results = rows.map(([name, , result]) => [name.trim(), result.replace(/ \(cpu \d+ s\)$/, '')]);
    expect(results).toEqual([['ok', 'ok'], ['bad', 'FAILED'], ['busy', 'ok']]);
    for (const [, seconds, result] of rows) {
      expect(seconds).toMatch(/^\d+$/);
      expect(result, 'a failed task\'s CPU is read too (time(1) writes a note line first)').toMatch(/ \(cpu \d+ s\)$/);
    }
    const busyCpu = Number(/cpu (\d+) s/.exec(rows[2][2])![1]);
    expect(busyCpu, 'the busy task burnt about a second of CPU').toBeGreaterThanOrEqual(1);
    expect(fs.readdirSync(path.dirname(timings)), 'time(1)\'s files are removed').toEqual(['timings.tsv']);
  }, 120_000);

  it('rejects a missing or malformed task name with its usage', () => {
    for (const args of [[], ['test:cli; rm -rf /']]) {
      const r = parallel(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^usage: node scripts\/parallel.mjs/);
    }
  });
});
