// Runs projen tasks side by side: `node scripts/parallel.mjs test:images test:cli`.
// Each line of output is prefixed with its task's name; at the end a line per task says whether
// it passed and how long it took. Exits non-zero when any task failed, after all have ended (a
// failure does not hide the other task's result). Ctrl-C or SIGTERM stops every task. With
// CI_TIMINGS set (.ci/run), each task's line is also appended to that file for its timing table.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';

const tasks = process.argv.slice(2);
if (tasks.length === 0 || tasks.some((t) => !/^[a-z0-9:-]+$/.test(t))) {
  console.error('usage: node scripts/parallel.mjs <projen task> [<projen task> ...] (task names such as test:cli)');
  process.exit(2);
}
const width = Math.max(...tasks.map((t) => t.length));

function prefixed(stream, name, out) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) out.write(`[${name.padEnd(width)}] ${line}\n`);
  });
  stream.on('end', () => { if (rest) out.write(`[${name.padEnd(width)}] ${rest}\n`); });
}

/** The user + sys seconds /usr/bin/time wrote (its last line; a failed command's file starts with a note). */
function cpuSeconds(file) {
  if (!file || !existsSync(file)) return undefined;
  const last = readFileSync(file, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(file, { force: true });
  return last.length === 2 && last.every(Number.isFinite) ? Math.round(last[0] + last[1]) : undefined;
}

const children = [];
const runs = tasks.map((name) => new Promise((resolve) => {
  const started = Date.now();
  // Under .ci/run, /usr/bin/time records the task's CPU seconds (user + sys) for the timing table.
  const cpuFile = process.env.CI_TIMINGS ? `${process.env.CI_TIMINGS}.${name.replace(/:/g, '-')}.cpu` : undefined;
  const [command, ...args] = cpuFile ? ['/usr/bin/time', '-f', '%U %S', '-o', cpuFile, 'npx', 'projen', name] : ['npx', 'projen', name];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  prefixed(child.stdout, name, process.stdout);
  prefixed(child.stderr, name, process.stderr);
  child.on('error', (e) => resolve({ name, code: 127, why: e.message, seconds: 0 }));
  child.on('close', (code, signal) => resolve({ name, code: code ?? 1, why: signal ? `killed by ${signal}` : `exit ${code}`, seconds: (Date.now() - started) / 1000, cpu: cpuSeconds(cpuFile) }));
}));

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) { try { process.kill(-c.pid, 'SIGTERM'); } catch { /* already gone */ } }
    process.exit(130);
  });
}

const results = await Promise.all(runs);
for (const r of results) {
  console.log(`${r.name.padEnd(width)}  ${r.code === 0 ? 'passed' : `FAILED (${r.why})`} in ${r.seconds.toFixed(0)} s`);
  if (process.env.CI_TIMINGS) appendFileSync(process.env.CI_TIMINGS, `  ${r.name}\t${r.seconds.toFixed(0)}\t${r.code === 0 ? 'ok' : 'FAILED'} (cpu ${r.cpu ?? '?'} s)\n`);
}
const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
if (failed.length > 0) {
  console.error(`error: ${failed.join(', ')} failed (the output above, prefixed with the task's name, says why)`);
  process.exit(1);
}
