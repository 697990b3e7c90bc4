import * as fs from 'node:fs';
import * as path from 'node:path';
import * as projen from 'projen';
import { describe, expect, it } from 'vitest';
import { badOptionCases, expectRejected } from '../bad-options';
import { REPO_ROOT, tempDir } from '../synth';
import { S3EndToEnd } from '../../projenrc/s3-end-to-end';
import * as lib from '../../src';

const { readGoModule } = lib;
const { parseGoMod } = lib.plugin;
const LOCALSTACK = { image: 'localstack/localstack', tag: '4.14.0' };

describe('bad options fail construction with one message naming the option and the rule, and nothing is written', () => {
  const cases = badOptionCases(lib, projen);

  it('the table has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.title, c] as const))('%s', (_, c) => {
    expectRejected(c.build, c.message);
  });

  it.each([
    ['a LocalStack token secret that is an expression', () => new S3EndToEnd({ localstack: LOCALSTACK, localstackTokenSecret: 'bad name }} ${{ x' }),
      'secretRef option "name" is invalid: "bad name }} ${{ x" must be a GitHub variable or secret name: letters, digits and _, not starting with a digit or GITHUB_'],
    ['LocalStack tagged LATEST', () => new S3EndToEnd({ localstack: { image: 'localstack/localstack', tag: 'LATEST' } }),
      'S3EndToEnd option "localstack" is invalid: "localstack/localstack:LATEST" must be pinned: a version tag (with a digit, e.g. 4.14.0) or an @sha256 digest, never a moving tag such as latest'],
    ['a LocalStack digest that is not sha256 hex', () => new S3EndToEnd({ localstack: { ...LOCALSTACK, digest: 'sha256:XYZ' } }),
      'S3EndToEnd option "localstack.digest" is invalid: "sha256:XYZ" is not a digest: sha256: followed by 64 lowercase hex digits'],
  ])('this repository\'s S3 suite: %s', (_, build, message) => {
    expectRejected(build, message);
  });

  it('every message is one line', () => {
    for (const c of cases) expect(c.message, c.title).not.toMatch(/\n/);
  });
});

describe('go.mod', () => {
  const goModule = readGoModule(REPO_ROOT);

  it('reads the module path, Go version and the package that declares Version in this repository', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'go.mod'), 'utf8');
    expect(goModule.modulePath).toBe(text.match(/^module (\S+)/m)![1]);
    expect(goModule.goVersion).toBe(text.match(/^go (\S+)/m)![1]);
    expect(goModule.versionPackages).toEqual(['plugin']);
  });

  it('finds a Version variable declared in a var block, at any depth', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/a/b\n\ngo 1.26\n');
    fs.mkdirSync(path.join(dir, 'resources/plugin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'resources/plugin/plugin.go'), 'package plugin\n\nvar (\n\tName    = "x"\n\tVersion = "development"\n)\n');
    fs.mkdirSync(path.join(dir, 'client'));
    fs.writeFileSync(path.join(dir, 'client/client.go'), 'package client\n\nfunc Version() string { return "" }\n');
    expect(readGoModule(dir).versionPackages).toEqual(['resources/plugin']);
  });

  it('prefers the toolchain directive for the builder image', () => {
    expect(parseGoMod('module example.com/a/b\ngo 1.26\ntoolchain go1.26.8\n').goVersion).toBe('1.26.8');
  });

  it.each([
    ['go 1.26\n', 'missing "module" directive'],
    ['module example.com/a/b\n', 'missing "go" directive'],
    ['module example.com/a/b\ngo one.two\n', 'Go version "one.two" is not of the form MAJOR.MINOR[.PATCH]'],
    ['module !!\ngo 1.26\n', '"module" directive "!!" is not a valid module path'],
  ])('malformed go.mod %j is rejected: %s', (text, message) => {
    expect(() => parseGoMod(text)).toThrow(message);
  });

  it('a missing go.mod is rejected with its path, and nothing is written', () => {
    const dir = tempDir();
    expect(() => readGoModule(dir)).toThrow(`go.mod not found at ${path.join(dir, 'go.mod')}`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
