// kube's rule matching (predicates/rules): a request matches a rule when its
// scope, operation, group, version and resource[/subresource] all match.
// matchPolicy Equivalent would also try the same resource under other
// groups/versions (deployments in apps/v1 vs extensions/v1beta1); Logbook
// serves each resource at one group/version, so there is no equivalence
// table and Equivalent matches exactly as Exact does.

import type { AdmissionAttributes } from '@logbook/registry';
import type { WebhookRule, WebhookSpec } from './types.ts';

function exactOrWildcard(items: readonly string[], requested: string): boolean {
  return items.some((i) => i === '*' || i === requested);
}

// Namespaces are cluster-scoped although a request for one carries its name as namespace.
function scopeMatches(rule: WebhookRule, attrs: AdmissionAttributes): boolean {
  const isNamespace = attrs.group === '' && attrs.version === 'v1' && attrs.resource === 'namespaces';
  switch (rule.scope) {
    case '*': return true;
    case 'Namespaced': return !isNamespace && attrs.namespace !== '';
    case 'Cluster': return isNamespace || attrs.namespace === '';
  }
}

function resourceMatches(rule: WebhookRule, attrs: AdmissionAttributes): boolean {
  return rule.resources.some((entry) => {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    return (res === '*' || res === attrs.resource) && (sub === '*' || sub === attrs.subresource);
  });
}

export function ruleMatches(rule: WebhookRule, attrs: AdmissionAttributes): boolean {
  return scopeMatches(rule, attrs)
    && exactOrWildcard(rule.operations, attrs.operation)
    && exactOrWildcard(rule.apiGroups, attrs.group)
    && exactOrWildcard(rule.apiVersions, attrs.version)
    && resourceMatches(rule, attrs);
}

export function anyRuleMatches(hook: WebhookSpec, attrs: AdmissionAttributes): boolean {
  return hook.rules.some((r) => ruleMatches(r, attrs));
}
