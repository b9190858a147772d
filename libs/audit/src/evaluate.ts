// Policy evaluation: the first rule that matches decides the level; no match
// is level None. The semantics (wildcards, "" namespace, resourceNames) are
// kube's policy checker's, and run once per request on the hot path, so the
// checks are plain loops over short lists.

import type { RequestInfo } from '@logbook/apimachinery';
import type { AuditPolicy, PolicyRule } from './policy.ts';
import type { AuditLevel, AuditStage, AuditUser } from './types.ts';

export interface AuditAttributes {
  /** The authenticated user (the impersonator, when impersonating). */
  readonly user: AuditUser;
  readonly requestInfo: RequestInfo;
}

export interface RequestAuditConfig {
  readonly level: AuditLevel;
  readonly omitStages: readonly AuditStage[];
  readonly omitManagedFields: boolean;
}

export function evaluatePolicy(policy: AuditPolicy, attrs: AuditAttributes): RequestAuditConfig {
  for (const r of policy.rules) {
    if (ruleMatches(r, attrs)) {
      return { level: r.level, omitStages: r.omitStages, omitManagedFields: r.omitManagedFields ?? policy.omitManagedFields };
    }
  }
  return { level: 'None', omitStages: policy.omitStages, omitManagedFields: policy.omitManagedFields };
}

function ruleMatches(r: PolicyRule, attrs: AuditAttributes): boolean {
  if (r.users.length > 0 && !r.users.includes(attrs.user.username)) return false;
  if (r.userGroups.length > 0) {
    const groups = attrs.user.groups ?? [];
    if (!groups.some((g) => r.userGroups.includes(g))) return false;
  }
  if (r.verbs.length > 0 && !r.verbs.includes(attrs.requestInfo.verb)) return false;
  if (r.namespaces.length > 0 || r.resources.length > 0) return ruleMatchesResource(r, attrs.requestInfo);
  if (r.nonResourceURLs.length > 0) return ruleMatchesNonResource(r, attrs.requestInfo);
  return true;
}

function ruleMatchesNonResource(r: PolicyRule, info: RequestInfo): boolean {
  if (info.isResourceRequest) return false;
  return r.nonResourceURLs.some((spec) => pathMatches(info.path, spec));
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function ruleMatchesResource(r: PolicyRule, info: RequestInfo): boolean {
  if (!info.isResourceRequest) return false;
  if (r.namespaces.length > 0 && !r.namespaces.includes(info.namespace)) return false;
  if (r.resources.length === 0) return true;
  const { apiGroup, resource, subresource, name } = info;
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  for (const gr of r.resources) {
    if (gr.group !== apiGroup) continue;
    if (gr.resources.length === 0) return true;
    if (gr.resourceNames.length > 0 && !gr.resourceNames.includes(name)) continue;
    for (const res of gr.resources) {
      if (res === '*' || res === combined) return true;
      // `*/status` names a subresource of every resource.
      if (subresource !== '' && res.startsWith('*/') && res.slice(2) === subresource) return true;
      // `pods/*` covers pods and every pods subresource.
      if (res.endsWith('/*') && res.slice(0, -2) === resource) return true;
    }
  }
  return false;
}
