import * as fs from 'node:fs';
import * as path from 'node:path';
import * as javascript from 'projen/lib/javascript';
import { JsonFile } from 'projen/lib/json';
import * as typescript from 'projen/lib/typescript';
import { core } from '../src';

/** Where this repository's sources are, whatever directory a project is synthesised into. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** The npm package this repository publishes: the projen components in src/. */
export const LIBRARY_NAME = core.PACKAGE_NAME;
export const LIBRARY_VERSION = '0.1.0';

export interface LibraryProjectOptions {
  /**
   * Directory to synthesise into.
   * @default - the current directory (tests pass a temp directory)
   */
  readonly outdir?: string;
}

/**
 * The root package IS the library: a TypeScript project whose src/ is the package, whose
 * src/cli programs (the files that start with a `#!` line) are its bins, built into lib/ and
 * packed with API.md.
 */
export function libraryProject(options: LibraryProjectOptions = {}): typescript.TypeScriptProject {
  const project = new typescript.TypeScriptProject({
    name: LIBRARY_NAME,
    description: 'projen components that build and release a Go CloudQuery plugin (multi-stage Dockerfile, .dockerignore, Makefile, tasks, release and build workflows) from one validated description; dogfooded by the cq-source-s3 plugin',
    outdir: options.outdir,
    defaultReleaseBranch: 'main',
    license: 'Apache-2.0',
    copyrightOwner: 'cq-source-s3 developers',
    repository: 'https://github.com/cq-source-s3/cq-source-s3',
    keywords: ['projen', 'cloudquery', 'plugin', 'go', 'docker'],
    packageManager: javascript.NodePackageManager.NPM,
    minNodeVersion: '20.0.0',
    // The one place the workflows' Node version is set: the current LTS (Node 20 is end-of-life).
    workflowNodeVersion: '24',
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
    githubOptions: { mergify: false, pullRequestLint: false, workflowRunsOn: ['ubuntu-24.04'] },
    sampleCode: false,
    // yaml: review-pipeline reads the generated workflows.
    deps: ['semver@^7', 'yaml@^2'],
    peerDeps: ['projen@^0.103.25', 'constructs@^10.8.1'],
    devDeps: [
      '@types/semver@^7', 'tsx@^4', 'vitest@4.1.12', 'dockerfile-ast@0.7.1',
      '@grpc/grpc-js@^1', '@cloudquery/plugin-pb-javascript@0.0.39', 'google-protobuf@^3', 'apache-arrow@^21',
      '@aws-sdk/client-s3@^3', 'parquet-wasm@0.7.1', 'ajv@^8', 'typedoc@0.28.20', 'typedoc-plugin-markdown@4.14.1',
      // RE2 as WebAssembly: the test compiles renovate.json5's regexes with the engine Renovate uses.
      're2-wasm@1.0.2',
      // Bundles the release tools into the one file the privileged release jobs run with node alone (bundle-release-tools refuses any other version than this exact pin).
      'esbuild@0.28.2',
    ],
    tsconfig: { compilerOptions: { skipLibCheck: true } },
    tsconfigDev: {
      compilerOptions: { skipLibCheck: true },
      include: ['test/**/*.ts', 'bench/**/*.ts', 'vitest.config.mts'],
      // The second plugin repository of the package test imports the packed library, type-checked there.
      exclude: ['package/fixture'], // relative to test/, where projen writes this tsconfig
    },
    // No trailing slash on .venv and .tools: a worktree may have them as symlinks, which '/.tools/' would not ignore.
    gitignore: ['/dist/', '/.venv', '/.tools', '/.image-verify/', '/.api-docs/'],
  });
  project.package.addVersion(LIBRARY_VERSION);
  // tsx's require hook alone: .projenrc.ts is CommonJS, and skipping tsx's ESM loader (a worker
  // thread) makes every `npx projen` about 150 ms faster (see BENCHMARKS.md).
  project.defaultTask!.reset('node --require tsx/cjs .projenrc.ts');
  // A clean lib/ each compile, so nothing stale from a deleted source is ever packed.
  project.compileTask.prependExec('rm -rf lib tsconfig.tsbuildinfo');
  project.addBins(cliBins());
  // npm ci (and npm pack) compile lib/, so the bins work in this checkout as they do after `npm install` of the package.
  project.setScript('prepare', 'projen compile');
  project.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', 'API.md', 'API/**/*.md']);
  // The package's README is docs/library.md (the repository's README is the plugin's): npm packs a
  // staged copy with that README (scripts/pack-library.mjs), after a fresh compile.
  project.packageTask.reset('projen compile');
  project.packageTask.exec('node scripts/pack-library.mjs');
  addApiDocs(project);
  return project;
}

/** `src/cli/<name>.ts` files starting with `#!` are programs: bin `<name>` → `lib/cli/<name>.js`. */
function cliBins(): Record<string, string> {
  const dir = path.join(REPO_ROOT, 'src/cli');
  return Object.fromEntries(fs.readdirSync(dir).sort()
    .filter((f) => f.endsWith('.ts') && fs.readFileSync(path.join(dir, f), 'utf8').startsWith('#!'))
    .map((f) => [f.replace(/\.ts$/, ''), `lib/cli/${f.replace(/\.ts$/, '.js')}`]));
}

/**
 * The API reference from the doc comments: typedoc with the markdown plugin, no source links
 * (deterministic). API.md holds what an adopter's .projenrc.ts needs; each namespace has its page in API/namespaces/.
 */
function addApiDocs(project: typescript.TypeScriptProject): void {
  new JsonFile(project, 'typedoc.json', {
    allowComments: true,
    obj: {
      $schema: 'https://typedoc.org/schema.json',
      entryPoints: ['src/index.ts'],
      // The title of API.md, and the folder of the namespaces' pages beside it.
      name: 'API',
      plugin: ['typedoc-plugin-markdown'],
      out: '.api-docs',
      readme: 'none',
      disableSources: true,
      excludePrivate: true,
      excludeProtected: true,
      excludeInternal: true,
      excludeExternals: true,
      outputFileStrategy: 'modules',
      entryFileName: 'API.md',
      hidePageHeader: true,
      hideBreadcrumbs: true,
      useCodeBlocks: true,
      parametersFormat: 'table',
      interfacePropertiesFormat: 'table',
      classPropertiesFormat: 'table',
      typeDeclarationFormat: 'table',
      treatWarningsAsErrors: true,
      validation: { notExported: true, invalidLink: true, notDocumented: false },
    },
  });
  const docgen = project.addTask('docgen', { description: 'Generate API.md from the doc comments of src/ (typedoc)' });
  docgen.exec('typedoc');
  docgen.exec('cp .api-docs/API.md API.md');
  docgen.exec('rm -rf API && cp -R .api-docs/API API');
  project.postCompileTask.spawn(docgen);
}
