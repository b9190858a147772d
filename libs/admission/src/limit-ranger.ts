// LimitRanger: the namespace's LimitRanges default each container's
// requests and limits (mutating) and bound containers, pods and claims
// (validating). kube 1.33 semantics: pods only on create (their containers'
// resources cannot change through an update), claims on create and update,
// never subresources, never objects already being deleted.

import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import type { KubeObject } from '@logbook/apistorage';
import { formatQuantity, type Quantity } from '@logbook/validation';
import type { ObjectReader } from './reader.ts';
import { admissionForbidden } from './refusal.ts';
import { ensureObjectField, isObject, objectField, objectList, stringField, type JsonObject } from './object-fields.ts';
import { quantityOf } from './quantity-math.ts';
import { addInto, maxInto, resourceListOf, type ResourceList } from './resource-list.ts';
import { aggregateReasons, limitRequestRatioConstraint, maxConstraint, maxRequestConstraint, minConstraint } from './limit-range-checks.ts';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';
const LIMIT_RANGES = { group: '', resource: 'limitranges' } as const;

export interface LimitRangerOptions {
  readonly reader: ObjectReader;
}

type Target = 'pod' | 'pvc';

function target(attrs: AdmissionAttributes): Target | undefined {
  if (attrs.group !== '' || attrs.subresource !== '') return undefined;
  if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return undefined;
  if (attrs.resource === 'pods') return attrs.operation === 'CREATE' ? 'pod' : undefined;
  if (attrs.resource === 'persistentvolumeclaims') return 'pvc';
  return undefined;
}

export function limitRanger(options: LimitRangerOptions): AdmissionPlugin {
  const { reader } = options;

  async function limitRanges(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<KubeObject[] | undefined> {
    const t = target(attrs);
    if (t === undefined) return undefined;
    if (attrs.oldObject?.metadata.deletionTimestamp !== undefined) return undefined;
    const items = await reader.list(LIMIT_RANGES, attrs.namespace, signal);
    // kube walks its cache in no set order; by name keeps defaulting reproducible.
    return [...items].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }

  return {
    name: 'LimitRanger',
    async admit(attrs, signal) {
      const ranges = await limitRanges(attrs, signal);
      if (ranges === undefined || target(attrs) !== 'pod') return;
      for (const lr of ranges) applyContainerDefaults(lr, attrs.object);
    },
    async validate(attrs, signal) {
      const ranges = await limitRanges(attrs, signal);
      if (ranges === undefined) return;
      const obj = attrs.object as JsonObject;
      for (const lr of ranges) {
        const reasons = target(attrs) === 'pod' ? validatePod(lr, obj) : validateClaim(lr, obj);
        const message = aggregateReasons(reasons);
        if (message !== undefined) throw admissionForbidden(attrs, message);
      }
    },
  };
}

function limitItems(lr: KubeObject): JsonObject[] {
  return objectList(objectField(lr, 'spec'), 'limits');
}

// The LimitRange's raw quantities for a ResourceList field, canonicalised as
// kube would print the copied Quantity.
function rawDefaults(item: JsonObject, key: string): Array<[string, string]> {
  const src = objectField(item, key);
  if (src === undefined) return [];
  const out: Array<[string, string]> = [];
  for (const [name, raw] of Object.entries(src)) {
    const q = quantityOf(raw);
    if (q !== undefined) out.push([name, formatQuantity(q)]);
  }
  return out;
}

function applyContainerDefaults(lr: KubeObject, pod: JsonObject): void {
  // Later Container items override earlier ones, as kube builds one map of defaults.
  const defaultLimits = new Map<string, string>();
  const defaultRequests = new Map<string, string>();
  for (const item of limitItems(lr)) {
    if (item.type !== 'Container') continue;
    for (const [k, v] of rawDefaults(item, 'defaultRequest')) defaultRequests.set(k, v);
    for (const [k, v] of rawDefaults(item, 'default')) defaultLimits.set(k, v);
  }
  if (defaultLimits.size === 0 && defaultRequests.size === 0) return;
  const spec = objectField(pod, 'spec');
  const notes: string[] = [];
  for (const [key, label] of [['containers', 'container'], ['initContainers', 'init container']] as const) {
    for (const c of objectList(spec, key)) notes.push(...defaultContainer(c, label, defaultRequests, defaultLimits));
  }
  if (notes.length === 0) return;
  const meta = ensureObjectField(pod, 'metadata');
  const annotations = meta === undefined ? undefined : ensureObjectField(meta, 'annotations');
  if (annotations !== undefined) annotations[LIMIT_RANGER_ANNOTATION] = `LimitRanger plugin set: ${notes.join('; ')}`;
}

function defaultContainer(c: JsonObject, label: string, requests: ReadonlyMap<string, string>, limits: ReadonlyMap<string, string>): string[] {
  const resources = ensureObjectField(c, 'resources');
  if (resources === undefined) return [];
  const setLimits = fillMissing(resources, 'limits', limits);
  const setRequests = fillMissing(resources, 'requests', requests);
  const name = stringField(c, 'name') ?? '';
  const notes: string[] = [];
  if (setRequests.length > 0) notes.push(`${setRequests.sort().join(', ')} request for ${label} ${name}`);
  if (setLimits.length > 0) notes.push(`${setLimits.sort().join(', ')} limit for ${label} ${name}`);
  return notes;
}

function fillMissing(resources: JsonObject, key: 'limits' | 'requests', defaults: ReadonlyMap<string, string>): string[] {
  const set: string[] = [];
  if (defaults.size === 0) return set;
  const existing = resources[key];
  if (existing !== undefined && existing !== null && !isObject(existing)) return set;
  for (const [name, value] of defaults) {
    if (isObject(existing) && Object.hasOwn(existing, name)) continue;
    const list = ensureObjectField(resources, key);
    if (list === undefined) return set;
    list[name] = value;
    set.push(name);
  }
  return set;
}

interface ContainerResources {
  readonly requests: ResourceList;
  readonly limits: ResourceList;
  readonly sidecar: boolean;
}

function containerResources(c: JsonObject): ContainerResources {
  const r = objectField(c, 'resources');
  return { requests: resourceListOf(r?.requests), limits: resourceListOf(r?.limits), sidecar: c.restartPolicy === 'Always' };
}

type Check = (limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList) => string | undefined;

function checkAll(item: JsonObject, limitType: string, requests: ResourceList, limits: ResourceList): string[] {
  const reasons: string[] = [];
  const checks: Array<[string, Check]> = [['min', minConstraint], ['max', maxConstraint], ['maxLimitRequestRatio', limitRequestRatioConstraint]];
  for (const [key, check] of checks) {
    for (const [name, enforced] of resourceListOf(item[key])) {
      const reason = check(limitType, name, enforced, requests, limits);
      if (reason !== undefined) reasons.push(reason);
    }
  }
  return reasons;
}

function validatePod(lr: KubeObject, pod: JsonObject): string[] {
  const spec = objectField(pod, 'spec');
  const containers = objectList(spec, 'containers').map(containerResources);
  const inits = objectList(spec, 'initContainers').map(containerResources);
  const reasons: string[] = [];
  for (const item of limitItems(lr)) {
    if (item.type === 'Container') {
      for (const c of [...containers, ...inits]) reasons.push(...checkAll(item, 'Container', c.requests, c.limits));
    } else if (item.type === 'Pod') {
      reasons.push(...checkAll(item, 'Pod', podTotal(containers, inits, 'requests'), podTotal(containers, inits, 'limits')));
    }
  }
  return reasons;
}

// A pod's effective total: its containers and sidecars run together, while
// each ordinary init container runs alone beside the sidecars started before
// it; the pod needs the larger of the two.
function podTotal(containers: readonly ContainerResources[], inits: readonly ContainerResources[], key: 'requests' | 'limits'): ResourceList {
  const total: ResourceList = new Map();
  for (const c of containers) addInto(total, c[key]);
  const sidecars: ResourceList = new Map();
  const initPeak: ResourceList = new Map();
  for (const c of inits) {
    let during: ResourceList;
    if (c.sidecar) {
      addInto(total, c[key]);
      addInto(sidecars, c[key]);
      during = sidecars;
    } else {
      during = new Map();
      addInto(during, c[key]);
      addInto(during, sidecars);
    }
    maxInto(initPeak, during);
  }
  maxInto(total, initPeak);
  return total;
}

function validateClaim(lr: KubeObject, pvc: JsonObject): string[] {
  const requests = resourceListOf(objectField(objectField(objectField(pvc, 'spec'), 'resources'), 'requests'));
  const reasons: string[] = [];
  for (const item of limitItems(lr)) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    // A claim's limits are not user input to kube: only its requests are bounded.
    for (const [name, enforced] of resourceListOf(item.min)) {
      const r = minConstraint('PersistentVolumeClaim', name, enforced, requests, new Map());
      if (r !== undefined) reasons.push(r);
    }
    for (const [name, enforced] of resourceListOf(item.max)) {
      const r = maxRequestConstraint('PersistentVolumeClaim', name, enforced, requests);
      if (r !== undefined) reasons.push(r);
    }
  }
  return reasons;
}
