import * as github from 'projen/lib/github';
import { Grants } from '../github/grants';
import { uniqueSteps } from '../github/steps';
import { IRegistry } from '../registries/registry';
import { OptionChecker } from '../core/validation';

/** A registry a job logs in to, the option that configured it, and what the job does there. */
export interface RegistryUse {
  /** The registry. */
  readonly registry: IRegistry;
  /** The option it came from, for messages: `image.registries[1]`, `staging`. */
  readonly option: string;
  /** `push` needs the registry's `permissions`; `pull` its `pullPermissions`. */
  readonly mode: 'push' | 'pull';
}

/** The permissions each registry asks for, each with the reason, added to `grants`. */
export function grantRegistryAccess(grants: Grants, uses: readonly RegistryUse[]): Grants {
  for (const u of uses) {
    const permissions = u.mode === 'push' ? u.registry.permissions : (u.registry.pullPermissions ?? u.registry.permissions);
    grants.grantAll(permissions, `log in to ${u.registry.id} and ${u.mode} there`);
  }
  return grants;
}

/**
 * Each registry's login steps in order, identical ones once. Docker keeps one credential per
 * host, so two registries on one host must log in the same way; two different steps with one id
 * (e.g. two Google registries with different auth) cannot share a job.
 */
export function registryLoginSteps(check: OptionChecker, uses: readonly RegistryUse[]): github.workflows.JobStep[] {
  for (const u of uses) {
    const first = uses.find((o) => o.registry.host === u.registry.host);
    if (first && first !== u && JSON.stringify(first.registry.loginSteps()) !== JSON.stringify(u.registry.loginSteps())) {
      check.fail(u.option, u.registry.prefix, `logs in to ${u.registry.host} differently from ${first.option.replace(/^image\./, '')}, and docker keeps one credential per host: use the same credentials for both`);
    }
  }
  const option = uses.every((u) => u.option.startsWith('image.registries')) ? 'image.registries' : uses.map((u) => u.option).join(' and ');
  return uniqueSteps(uses.flatMap((u) => u.registry.loginSteps()), (id) =>
    check.fail(option, uses.map((u) => u.registry.id), `need different login steps with the same id "${id}" (e.g. two Google registries with different auth): one job authenticates once per kind`));
}
