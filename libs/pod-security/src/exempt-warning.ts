// The warning for labelling an exempt namespace with a policy that will
// never apply: only the non-privileged modes the labels set are named.

import { goQuote } from '@logbook/apimachinery';
import { formatLevelVersion } from './level-version.ts';
import {
  AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL, ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL, WARN_LEVEL_LABEL, WARN_VERSION_LABEL,
  type Policy, equivalentPolicy, fullyPrivileged,
} from './policy.ts';

/** "" when there is nothing to warn about. */
export function exemptNamespaceWarning(namespace: string, policy: Policy, defaults: Policy, labels: ReadonlyMap<string, string>): string {
  if (fullyPrivileged(policy) || equivalentPolicy(policy, defaults)) return '';
  const parts: string[] = [];
  const modes = [
    ['enforce', policy.enforce, ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL],
    ['audit', policy.audit, AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL],
    ['warn', policy.warn, WARN_LEVEL_LABEL, WARN_VERSION_LABEL],
  ] as const;
  for (const [mode, lv, levelLabel, versionLabel] of modes) {
    if (lv.level !== 'privileged' && (labels.has(levelLabel) || labels.has(versionLabel))) parts.push(`${mode}=${formatLevelVersion(lv)}`);
  }
  return `namespace ${goQuote(namespace)} is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`;
}
