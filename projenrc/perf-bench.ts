import * as typescript from 'projen/lib/typescript';

/**
 * The performance benchmark of memory, requests and throughput (bench/perf, BENCHMARKS.md): its
 * own setup (versitygw and pyarrow, which the tests do not need), run as part of `npx projen bench`.
 */
export function addPerformanceBench(project: typescript.TypeScriptProject): void {
  const setup = project.addTask('bench:setup', {
    description: 'Install what the performance benchmark needs: versitygw (tools/versitygw) in .tools/bin, pyarrow (scripts/bench-requirements.txt) in .venv',
    exec: 'bash scripts/bench-setup.sh',
  });
  const perf = project.addTask('bench:perf', {
    description: 'Memory, requests and throughput: the plugin (before/after) vs pyarrow over S3 (versitygw) and local disk and arrow-go from local disk, and the scaling table (env: RUNS, SETS, SCALING, READERS, BEFORE_REF)',
  });
  perf.spawn(setup);
  perf.exec('go run ./bench/perf');
  project.tasks.tryFind('bench')!.spawn(perf);
}
