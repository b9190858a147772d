// Which requests a policy (matchConstraints) or a binding (matchResources)
// applies to: kube's MatchResources — resourceRules minus excludeResourceRules,
// then namespaceSelector and objectSelector. matchPolicy Equivalent would also
// match other versions of the same resource; Logbook serves one version per
// resource, so Exact and Equivalent coincide here.

import { fromLabelSelector, type LabelSelectorSpec, type Labels } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';
import type { KubeObject } from '@logbook/apistorage';
import type { ObjectReader } from '@logbook/admission';

export interface NamedRuleWithOperations {
  readonly apiGroups?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly resources?: readonly string[];
  readonly operations?: readonly string[];
  readonly scope?: string;
  readonly resourceNames?: readonly string[];
}

export interface MatchResources {
  readonly namespaceSelector?: LabelSelectorSpec;
  readonly objectSelector?: LabelSelectorSpec;
  readonly resourceRules?: readonly NamedRuleWithOperations[];
  readonly excludeResourceRules?: readonly NamedRuleWithOperations[];
  readonly matchPolicy?: string;
}

const has = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).some((x) => x === '*' || x === value);

function resourceMatches(patterns: readonly string[] | undefined, resource: string, subresource: string): boolean {
  for (const p of patterns ?? []) {
    if (p === '*/*') return true;
    const [res = '', sub] = p.split('/', 2);
    if (sub === undefined) {
      if (subresource === '' && (res === '*' || res === resource)) return true;
    } else if ((res === '*' || res === resource) && (sub === '*' || sub === subresource)) {
      return true;
    }
  }
  return false;
}

export function ruleMatches(rule: NamedRuleWithOperations, attrs: AdmissionAttributes): boolean {
  if (!has(rule.operations, attrs.operation)) return false;
  if (!has(rule.apiGroups, attrs.group) || !has(rule.apiVersions, attrs.version)) return false;
  if (!resourceMatches(rule.resources, attrs.resource, attrs.subresource)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && attrs.namespace !== '') return false;
  if (scope === 'Namespaced' && attrs.namespace === '') return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(attrs.name);
}

function labelsOf(obj: unknown): Labels {
  const meta = (obj as { metadata?: { labels?: Record<string, string> } } | null | undefined)?.metadata;
  return meta?.labels ?? {};
}

/**
 * The namespace whose labels the namespaceSelector sees: the request's own
 * namespace, or, for a Namespace itself, that namespace object. Undefined:
 * a cluster-scoped request other than a Namespace, which every selector matches.
 */
async function namespaceLabels(attrs: AdmissionAttributes, reader: ObjectReader, signal: AbortSignal | undefined): Promise<Labels | undefined> {
  if (attrs.group === '' && attrs.resource === 'namespaces' && attrs.subresource === '') {
    return labelsOf(attrs.object);
  }
  if (attrs.namespace === '') return undefined;
  const ns: KubeObject | undefined = await reader.get({ group: '', resource: 'namespaces' }, '', attrs.namespace, signal);
  return labelsOf(ns);
}

/** True when `m` selects the request. A malformed selector throws its SelectorError (a configuration error). */
export async function matchResourcesMatch(m: MatchResources, attrs: AdmissionAttributes, reader: ObjectReader, signal?: AbortSignal, narrowing = false): Promise<boolean> {
  // A binding's matchResources without rules narrows nothing: it takes the policy's.
  const rules = m.resourceRules ?? [];
  if (!(narrowing && rules.length === 0) && !rules.some((r) => ruleMatches(r, attrs))) return false;
  if ((m.excludeResourceRules ?? []).some((r) => ruleMatches(r, attrs))) return false;
  const objectSelector = fromLabelSelector(m.objectSelector ?? {});
  if (!objectSelector.isEmpty()) {
    const matchesNew = attrs.operation !== 'DELETE' && objectSelector.matches(labelsOf(attrs.object));
    const matchesOld = objectSelector.matches(labelsOf(attrs.operation === 'DELETE' ? attrs.object : attrs.oldObject));
    if (!matchesNew && !(matchesOld && (attrs.operation === 'DELETE' || attrs.oldObject !== undefined))) return false;
  }
  const namespaceSelector = fromLabelSelector(m.namespaceSelector ?? {});
  if (!namespaceSelector.isEmpty()) {
    const labels = await namespaceLabels(attrs, reader, signal);
    if (labels !== undefined && !namespaceSelector.matches(labels)) return false;
  }
  return true;
}
