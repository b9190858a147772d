// The ResourceQuota controller's computation (kube's syncResourceQuota):
// status.hard becomes spec.hard; status.used is recounted from the objects
// in the namespace for every bounded resource some evaluator measures (a
// zero entry when nothing uses it); a bounded resource nothing measures
// keeps whatever was recorded. The control loop that lists, calls this and
// writes status lives with the server; this part is pure.

import type { KubeObject } from '@logbook/apistorage';
import type { GroupResource } from './evaluators/evaluator.ts';
import { evaluatorFor, specialEvaluators } from './evaluators/registry.ts';
import { field, isObject } from './json.ts';
import { ZERO } from './quantity-arith.ts';
import { addLists, decodeList, encodeList, listsEqual, maskList, type ResourceList, type Usage } from './resource-list.ts';
import { hardNames, meetsScopes } from './scopes.ts';

export interface QuotaStatus {
  readonly hard: ResourceList;
  readonly used: ResourceList;
}

/** Objects of `gr` in `namespace` (the quota's), as the control loop lists them. */
export type ListObjects = (gr: GroupResource, namespace: string) => readonly KubeObject[];

const LEGACY_COUNT_NAMES: Readonly<Record<string, string>> = {
  configmaps: 'configmaps',
  resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers',
  secrets: 'secrets',
};

/** `count/<resource>[.<group>]` → its group-resource; undefined for other names. */
function countTarget(name: string): GroupResource | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  const gr = dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
  return gr.resource === '' ? undefined : gr;
}

function key(gr: GroupResource): string {
  return `${gr.group}/${gr.resource}`;
}

/** The group-resources whose objects the quota's spec.hard needs counted; the control loop lists only these. */
export function resourcesToList(quota: KubeObject): GroupResource[] {
  const names = hardNames(quota, 'spec');
  const out = new Map<string, GroupResource>();
  const add = (gr: GroupResource): void => {
    if (evaluatorFor(gr) !== undefined) out.set(key(gr), gr);
  };
  for (const ev of specialEvaluators()) if (ev.matchingResources(names).length > 0) add(ev.groupResource);
  for (const name of names) {
    const target = countTarget(name);
    if (target !== undefined) add(target);
    const legacy = LEGACY_COUNT_NAMES[name];
    if (legacy !== undefined) add({ group: '', resource: legacy });
  }
  return [...out.values()];
}

/** status.hard and status.used as kube's quota controller computes them at `nowMs`. */
export function computeQuotaStatus(quota: KubeObject, listObjects: ListObjects, nowMs: number): QuotaStatus {
  const namespace = quota.metadata.namespace ?? '';
  const hard = decodeList(field(quota, 'spec')?.hard);
  const names = [...hard.keys()];
  const recounted: Usage = new Map();
  for (const gr of resourcesToList(quota)) {
    const ev = evaluatorFor(gr);
    if (ev === undefined) continue;
    const tracked = ev.matchingResources(names);
    if (tracked.length === 0) continue;
    let sum: Usage = new Map(tracked.map((n) => [n, ZERO]));
    for (const obj of listObjects(gr, namespace)) {
      if (isObject(obj) && meetsScopes(ev, quota, obj)) sum = addLists(sum, ev.usage(obj, nowMs));
    }
    // resourcesToList yields one group-resource per evaluator, so each name is counted once.
    for (const [n, q] of maskList(sum, tracked)) recounted.set(n, q);
  }
  const used: Usage = new Map(decodeList(field(quota, 'status')?.used));
  for (const [n, q] of recounted) used.set(n, q);
  return { hard: encodeList(hard), used: encodeList(maskList(used, names)) };
}

/** Whether `status` differs from what the quota records (kube's dirty check): the write the control loop must make. */
export function quotaStatusChanged(quota: KubeObject, status: QuotaStatus): boolean {
  const recorded = field(quota, 'status');
  if (recorded === undefined || !isObject(recorded.hard) || !isObject(recorded.used)) return true;
  return !listsEqual(decodeList(recorded.hard), decodeList(status.hard)) || !listsEqual(decodeList(recorded.used), decodeList(status.used));
}
