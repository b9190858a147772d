// Pods: compute resources (requests, limits, hugepages, extended resources)
// and counts, scoped by lifecycle, QoS, priority class and cross-namespace
// affinity. Charged on create and on in-place resize (pods/resize).

import { compareQuantities, type Quantity } from '@logbook/validation';
import { field, list, str, strings, type JsonObject } from '../json.ts';
import { countQuantity, ZERO } from '../quantity-arith.ts';
import { addLists, decodeList, type Usage } from '../resource-list.ts';
import { matchesLabelRequirement } from './label-requirement.ts';
import { intersect, objectCountName, type Evaluator, type ScopeRequirement } from './evaluator.ts';
import { podLimits, podRequests } from './pod-resources.ts';

const GR = { group: '', resource: 'pods' } as const;
const COUNT = objectCountName(GR);

const POD_RESOURCES = new Set([
  COUNT, 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods',
]);
const HUGEPAGES_PREFIX = 'hugepages-';
const REQUESTS_PREFIX = 'requests.';
const POD_RESOURCE_PREFIXES = [HUGEPAGES_PREFIX, `${REQUESTS_PREFIX}${HUGEPAGES_PREFIX}`];

// kube's backward-compatibility rule: when a quota bounds one of these,
// every container must state it. It was never extended to newer resources.
const MUST_DECLARE = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** No domain, or a kubernetes.io one: a resource the platform defines. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

const QUALIFIED_NAME = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function isQualifiedName(name: string): boolean {
  const slash = name.indexOf('/');
  const prefix = slash < 0 ? '' : name.slice(0, slash);
  const local = slash < 0 ? name : name.slice(slash + 1);
  return QUALIFIED_NAME.test(name) && prefix.length <= 253 && local.length <= 63;
}

/** A vendor resource (`example.com/gpu`), quotaed only as `requests.<name>`. */
function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(REQUESTS_PREFIX)) return false;
  return isQualifiedName(`${REQUESTS_PREFIX}${name}`);
}

function isExtendedResourceNameForQuota(name: string): boolean {
  return !isNativeResource(name) && name.startsWith(REQUESTS_PREFIX);
}

function matchingResources(input: readonly string[]): string[] {
  const out = intersect(input, POD_RESOURCES);
  for (const name of input) {
    if (POD_RESOURCE_PREFIXES.some((p) => name.startsWith(p)) || isExtendedResourceNameForQuota(name)) out.push(name);
  }
  return out;
}

/** kube's podComputeUsageHelper: the quota names a set of requests and limits is charged under. */
function computeUsage(requests: Usage, limits: Usage): Usage {
  const out: Usage = new Map([['pods', countQuantity(1)]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req !== undefined) {
      out.set(r, req);
      out.set(`${REQUESTS_PREFIX}${r}`, req);
    }
    const lim = limits.get(r);
    if (lim !== undefined) out.set(`limits.${r}`, lim);
  }
  for (const [name, q] of requests) {
    if (name.startsWith(HUGEPAGES_PREFIX)) {
      out.set(name, q);
      out.set(`${REQUESTS_PREFIX}${name}`, q);
    }
    if (isExtendedResourceName(name)) out.set(`${REQUESTS_PREFIX}${name}`, q);
  }
  return out;
}

/**
 * kube's QuotaV1Pod: a pod that has finished, or whose deletion grace has
 * run out (its node may be gone), stops being charged for compute so the
 * user can replace it; it still counts as a stored object.
 */
export function podIsCharged(pod: JsonObject, nowMs: number): boolean {
  const phase = str(field(pod, 'status'), 'phase');
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  const meta = field(pod, 'metadata');
  const deletion = str(meta, 'deletionTimestamp');
  const grace = meta?.deletionGracePeriodSeconds;
  if (deletion !== undefined && typeof grace === 'number') {
    const deletedAtMs = Date.parse(deletion);
    if (Number.isFinite(deletedAtMs) && nowMs > deletedAtMs + grace * 1000) return false;
  }
  return true;
}

function podUsage(pod: JsonObject, nowMs: number): Usage {
  const count: Usage = new Map([[COUNT, countQuantity(1)]]);
  if (!podIsCharged(pod, nowMs)) return count;
  return addLists(count, computeUsage(podRequests(pod), podLimits(pod)));
}

function isPositive(q: Quantity | undefined): boolean {
  return q !== undefined && compareQuantities(q, ZERO) > 0;
}

/** kube's GetPodQOS: the recorded class, else BestEffort when no container asks for or limits cpu or memory. */
function isBestEffort(pod: JsonObject): boolean {
  const recorded = str(field(pod, 'status'), 'qosClass');
  if (recorded !== undefined && recorded !== '') return recorded === 'BestEffort';
  const spec = field(pod, 'spec');
  for (const c of [...list(spec, 'containers'), ...list(spec, 'initContainers')]) {
    const res = field(c, 'resources');
    for (const kind of ['requests', 'limits']) {
      const l = decodeList(field(res, kind));
      if (isPositive(l.get('cpu')) || isPositive(l.get('memory'))) return false;
    }
  }
  return true;
}

function isTerminating(pod: JsonObject): boolean {
  const ads = field(pod, 'spec')?.activeDeadlineSeconds;
  return typeof ads === 'number' && ads >= 0;
}

function crossNamespaceTerm(term: JsonObject | undefined): boolean {
  return strings(term, 'namespaces').length > 0 || (term?.namespaceSelector !== undefined && term.namespaceSelector !== null);
}

function usesCrossNamespacePodAffinity(pod: JsonObject): boolean {
  const affinity = field(field(pod, 'spec'), 'affinity');
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = field(affinity, kind);
    if (list(a, 'requiredDuringSchedulingIgnoredDuringExecution').some(crossNamespaceTerm)) return true;
    if (list(a, 'preferredDuringSchedulingIgnoredDuringExecution').some((w) => crossNamespaceTerm(field(w, 'podAffinityTerm')))) return true;
  }
  return false;
}

function matchesScope(req: ScopeRequirement, pod: JsonObject): boolean {
  switch (req.scopeName) {
    case 'Terminating':
      return isTerminating(pod);
    case 'NotTerminating':
      return !isTerminating(pod);
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc = str(field(pod, 'spec'), 'priorityClassName') ?? '';
      if (req.operator === 'Exists') return pc !== '';
      return matchesLabelRequirement(req, pc === '' ? new Map() : new Map([['PriorityClass', pc]]));
    }
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespacePodAffinity(pod);
    default:
      return false;
  }
}

/** kube's rule: with cpu or memory bounded, every container must state it; names the missing ones. */
function constraints(required: readonly string[], pod: JsonObject): string | undefined {
  const requiredSet = required.filter((r) => MUST_DECLARE.has(r));
  if (requiredSet.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  const spec = field(pod, 'spec');
  for (const c of [...list(spec, 'containers'), ...list(spec, 'initContainers')]) {
    const res = field(c, 'resources');
    const declared = computeUsage(decodeList(field(res, 'requests')), decodeList(field(res, 'limits')));
    for (const r of requiredSet) {
      if (declared.has(r)) continue;
      const names = missing.get(r) ?? new Set<string>();
      names.add(str(c, 'name') ?? '');
      missing.set(r, names);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...(missing.get(r) ?? [])].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

export const podEvaluator: Evaluator = {
  groupResource: GR,
  handles: (operation, subresource) => (subresource === '' && operation === 'CREATE') || (subresource === 'resize' && operation === 'UPDATE'),
  matchingResources,
  matchesScope,
  constraints,
  usage: podUsage,
};
