import { renovate } from '../src';

const { actionPinManager, exactFile, goToolManager } = renovate;

/** Where this repository writes its pins: the projen configuration, the library's own pins, and the setup script. */
export const PIN_FILES = {
  config: ['.projenrc.ts', 'projenrc/cq-source-s3.ts', 'projenrc/library-project.ts'],
  actions: 'src/github/actions.ts',
  goTools: 'src/github/tools.ts',
  setup: 'scripts/setup.sh',
  lintTools: 'scripts/lint-tools.txt',
} as const;

/** scripts/setup.sh's tool versions: the registry tools ("name <module>/cmd/<name> vX.Y.Z"), actionlint and moto. */
function setupScriptManagers(): renovate.RenovateRegexManager[] {
  const files = [exactFile(PIN_FILES.setup)];
  return [
    {
      description: 'The registry tools scripts/setup.sh builds ("name <module>/cmd/<name> vX.Y.Z"; crane and cosign move with src/github/tools.ts, in one PR per module)',
      managerFilePatterns: files,
      matchStrings: ['"[a-z]+ (?<depName>[a-z0-9.-]+\\.[a-z]+/[^"\\s]+?)/cmd/[^"\\s]+ (?<currentValue>v[0-9][^"\\s]*)"'],
      datasourceTemplate: 'go',
    },
    {
      description: 'actionlint, which scripts/setup.sh builds',
      managerFilePatterns: files,
      matchStrings: ['ACTIONLINT_VERSION=(?<currentValue>v[0-9][^\\s]*)'],
      depNameTemplate: 'github.com/rhysd/actionlint',
      datasourceTemplate: 'go',
    },
    {
      description: 'The S3 emulator scripts/setup.sh installs (moto[server])',
      managerFilePatterns: files,
      matchStrings: ['MOTO_VERSION=(?<currentValue>[0-9][^\\s]*)'],
      depNameTemplate: 'moto',
      datasourceTemplate: 'pypi',
    },
  ];
}

/**
 * This repository's renovate.json5: the library's managers for the projen configuration, plus
 * the library's own pins (actions, Go tools), the setup script and the hash-pinned linters.
 */
export function renovateOptions(): renovate.RenovateOptions {
  return {
    configFiles: PIN_FILES.config.map(exactFile),
    customManagers: [
      actionPinManager([exactFile(PIN_FILES.actions)]),
      goToolManager([exactFile(PIN_FILES.goTools)]),
      ...setupScriptManagers(),
    ],
    managers: ['gomod', 'npm', 'pip_requirements'],
    managerSettings: { pip_requirements: { managerFilePatterns: [exactFile(PIN_FILES.lintTools)] } },
    // tools/cloudquery: its modules are not in the Go checksum database (see tools/cloudquery/README.md),
    // so Renovate's go mod tidy cannot verify them; test/: fixtures.
    ignorePaths: ['tools/cloudquery/**', 'test/**'],
    packageRules: [
      {
        description: 'LocalStack: releases after 4.14.0 refuse to start without an auth token; only its digest is kept current',
        matchDepNames: ['localstack/localstack'],
        allowedVersions: '<=4.14.0',
      },
    ],
  };
}
