import { describe, expect, it } from 'vitest';
import { synthRepository } from '../synth';

/** Pulls the go build flags out of a command, with the version reference normalised. */
function flags(command: string): string {
  const m = command.match(/go build (.*) -o /);
  expect(m, `no "go build ... -o" in: ${command}`).not.toBeNull();
  return m![1].replace(/\$\{VERSION(:-development)?\}|\$\$VERSION/, '<VERSION>');
}

describe('one set of build flags', () => {
  const out = synthRepository();

  it('the Dockerfile, the Makefile build target and build:binaries use identical go build flags', () => {
    const docker = flags(out.read('Dockerfile').replace(/\\\n\s*/g, ' '));
    const make = flags(out.read('Makefile').split('\n').find((l) => l.includes('go build'))!);
    const execs = out.tasks['build:binaries'].steps!.map((s) => s.exec).filter((e): e is string => !!e);
    expect(execs).toHaveLength(out.image.platforms.length);
    for (const e of execs) expect(flags(e)).toBe(docker);
    expect(make).toBe(docker);
  });

  it('build:binaries and test:go run under POSIX sh (they rely on ${VERSION:-development} and $(...))', () => {
    for (const name of ['build:binaries', 'test:go']) {
      expect((out.tasks[name] as { shell?: string[] }).shell, name).toEqual(['sh', '-c']);
    }
  });

  it('build:binaries cross-compiles every platform of the image into dist/<os>-<arch>/', () => {
    const execs = out.tasks['build:binaries'].steps!.map((s) => s.exec).filter((e): e is string => !!e);
    for (const [i, platform] of out.image.platforms.entries()) {
      const [os, arch] = platform.split('/');
      expect(execs[i]).toMatch(new RegExp(`^CGO_ENABLED=0 GOOS=${os} GOARCH=${arch} go build `));
      expect(execs[i]).toMatch(new RegExp(` -o dist/${os}-${arch}/cq-source-s3 \\.$`));
    }
  });

  it('test runs the unit, Go, end-to-end, image, package, registry reproducibility, CloudQuery CLI and PostgreSQL suites, in four lanes side by side', () => {
    expect(out.tasks.test.steps!.map((s) => s.spawn ?? s.exec)).toEqual(['node scripts/parallel.mjs test:go test:suites test:cli test:postgres']);
    expect(out.tasks['test:suites'].steps!.map((s) => s.spawn)).toEqual(['test:unit', 'e2e', 'test:images']);
    expect(out.tasks['test:images'].steps!.map((s) => s.spawn)).toEqual(['image:verify', 'test:package', 'registry:verify', 'test:reproduce']);
    const goSteps = out.tasks['test:go'].steps!.map((s) => s.exec!);
    // vet with the build's environment and flags, so its compiled dependencies serve build:binaries' native target
    expect(goSteps).toContain('CGO_ENABLED=0 go vet -trimpath -tags grpcnotrace ./...');
    expect(goSteps.join('\n')).toContain('gofmt -l');
    // every package with the release build's configuration, then the race detector where the concurrency is
    expect(goSteps).toContain("CGO_ENABLED=0 GOFLAGS='-trimpath -tags=grpcnotrace' go test -count=1 -timeout 15m ./...");
    expect(goSteps).toContain('go test -race -short -count=1 -timeout 20m ./client ./internal/parquetread ./internal/s3store ./plugin ./internal/testkit/s3fault');
  });

  it('the suites that need a tool setup builds wait for its build first; test:quick leaves out -race and the fault suite', () => {
    expect(out.tasks['test:cli'].steps![0].exec).toBe('bash scripts/await-tools.sh cloudquery');
    expect(out.tasks['registry:verify'].steps![0].exec).toBe('bash scripts/await-tools.sh registry crane cosign');
    expect(out.tasks['test:postgres'].steps![0].exec).toBe('bash scripts/await-tools.sh cloudquery pg-destination');
    const quick = out.tasks['test:quick'].steps!.map((s) => s.exec!).join('\n');
    expect(quick).not.toContain('-race');
    expect(quick).toContain('go test -short');
    expect(quick).toContain("grep -v '/test/faults$'");
    expect(quick).toContain('vitest run --project unit-quick');
  });
});
