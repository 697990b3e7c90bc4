import { javascript, typescript } from 'projen';
import { addReleaseFiles } from './projenrc/release-files';
import { readGoModule } from './src';

const project = new typescript.TypeScriptProject({
  name: 'cq-source-s3',
  description: 'CloudQuery source plugin that syncs Parquet objects from S3, and the typed projen components that build and release it',
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',
  copyrightOwner: 'cq-source-s3 developers',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  typescriptVersion: '5.9.3',
  projenrcTs: true,
  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx() },
  projenVersion: '0.103.25',
  jest: false,
  eslint: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  githubOptions: { mergify: false, pullRequestLint: false },
  sampleCode: false,
  bin: { 'image-tags': 'lib/cli/image-tags.js' },
  deps: ['semver@^7'],
  peerDeps: ['projen@^0.103.25', 'constructs@^10.8.1'],
  devDeps: [
    '@types/semver', 'tsx@^4', 'vitest@4.1.12', 'dockerfile-ast@0.7.1', 'yaml@^2',
    '@grpc/grpc-js@^1', '@cloudquery/plugin-pb-javascript@0.0.39', 'google-protobuf@^3', 'apache-arrow@^21',
    '@aws-sdk/client-s3@^3', 'parquet-wasm@0.7.1', 'ajv@^8',
  ],
  tsconfig: { compilerOptions: { skipLibCheck: true } },
  tsconfigDev: { compilerOptions: { skipLibCheck: true }, include: ['test/**/*.ts', 'bench/**/*.ts', 'vitest.config.mts'] },
  gitignore: ['/dist/', '/.venv/', '/.tools/', '/.image-verify/'],
});

// tsx's require hook alone: .projenrc.ts is CommonJS, and skipping tsx's ESM loader (a worker
// thread) makes every `npx projen` about 150 ms faster (see BENCHMARKS.md).
project.defaultTask!.reset('node --require tsx/cjs .projenrc.ts');

addReleaseFiles(project, readGoModule(project.outdir));
// A short bounded fuzz run of the Parquet object decoder, from the seeds in client/testdata/fuzz.
project.tasks.tryFind('test:go')!.exec("go test -run '^$' -fuzz '^FuzzDecodeObject$' -fuzztime 15s -fuzzminimizetime 2s ./client");

project.synth();
