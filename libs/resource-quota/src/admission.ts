// The ResourceQuota admission plugin (validating). kube charges a write by
// updating each affected quota's status.used in a separate request and
// retries on conflict; here the new usage rides along with the object as a
// companion write, committed atomically with it and compared against the
// quota's resourceVersion as read — so a quota can never be overspent, and
// a conflict re-runs this whole check on fresh quotas. Deletions are not
// charged: the status computation gives the usage back.

import { admissionForbidden } from '@logbook/admission';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import type { Evaluator } from './evaluators/evaluator.ts';
import { evaluatorFor } from './evaluators/registry.ts';
import { field, isObject, type JsonObject } from './json.ts';
import {
  addLists, decodeList, encodeList, exceededNames, listsEqual, maskList, negativeNames, prettyPrint, prettyPrintNames, removeZeros, subtractNonNegative,
  type Usage,
} from './resource-list.ts';
import { chargedResources, hardNames, meetsScopes } from './scopes.ts';

export const RESOURCE_QUOTA_PLUGIN_NAME = 'ResourceQuota';

export interface ResourceQuotaAdmissionOptions {
  /**
   * The namespace's ResourceQuotas, read consistently (a quorum read, not a
   * possibly stale cache): each call may be the retry after a companion
   * conflict and must see the quota that moved.
   */
  readonly quotas: (namespace: string, signal?: AbortSignal) => Promise<readonly KubeObject[]>;
  /** The storage key of a quota (the companion write's key). */
  readonly quotaKey: (namespace: string, name: string) => string;
  /** Milliseconds since the epoch; decides whether a deleted pod's grace has run out. */
  readonly now: () => number;
}

interface Interesting {
  readonly quota: KubeObject;
  readonly name: string;
}

function quotaName(q: KubeObject): string {
  return q.metadata.name ?? '';
}

/** The quotas that apply, after kube's per-quota checks: the object's declarations, then whether usage is known. */
function interestingQuotas(attrs: AdmissionAttributes, ev: Evaluator, quotas: readonly KubeObject[], obj: JsonObject): Interesting[] {
  const gr = { group: attrs.group, resource: attrs.resource };
  const out: Interesting[] = [];
  for (const quota of quotas) {
    const restricted = chargedResources(quota, gr);
    if (restricted.length === 0 || !meetsScopes(ev, quota, obj)) continue;
    const name = quotaName(quota);
    const missing = ev.constraints(restricted, obj);
    if (missing !== undefined) throw admissionForbidden(attrs, `failed quota: ${name}: ${missing}`);
    // Usage is known once the status computation has recorded hard and used for every bounded resource.
    const statusHard = new Set(hardNames(quota, 'status'));
    const used = field(field(quota, 'status'), 'used') ?? {};
    if (!restricted.every((r) => statusHard.has(r) && r in used)) {
      throw admissionForbidden(attrs, `status unknown for quota: ${name}, resources: ${prettyPrintNames(restricted)}`);
    }
    out.push({ quota, name });
  }
  return out;
}

/** The usage each interesting quota is charged: the whole object, or on update what it grew by. */
function deltas(attrs: AdmissionAttributes, ev: Evaluator, interesting: readonly Interesting[], input: Usage, nowMs: number): Map<Interesting, Usage> {
  const out = new Map<Interesting, Usage>(interesting.map((i) => [i, input]));
  if (attrs.operation === 'UPDATE') {
    const old = attrs.oldObject;
    if (old === undefined) throw admissionForbidden(attrs, 'unable to get previous usage since prior version of object was not found');
    // Without a resourceVersion this is a create-on-update: the whole object is charged.
    if ((old.metadata.resourceVersion ?? '') !== '') {
      const grown = subtractNonNegative(input, ev.usage(old, nowMs));
      // A quota the old object did not fall under (say, it changed scope) is charged the whole object.
      for (const i of interesting) if (meetsScopes(ev, i.quota, old)) out.set(i, grown);
    }
  }
  for (const [i, d] of out) {
    const nonZero = removeZeros(d);
    if (nonZero.size === 0) out.delete(i);
    else out.set(i, nonZero);
  }
  return out;
}

function withUsed(quota: KubeObject, used: Usage): KubeObject {
  const status = isObject(quota.status) ? quota.status : {};
  return { ...quota, status: { ...status, used: encodeList(used) } };
}

async function check(attrs: AdmissionAttributes, opts: ResourceQuotaAdmissionOptions, signal: AbortSignal | undefined): Promise<void> {
  // kube: cluster-scoped writes, and namespaces themselves, are never charged.
  if (attrs.namespace === '') return;
  const ev = evaluatorFor({ group: attrs.group, resource: attrs.resource });
  if (ev === undefined || !ev.handles(attrs.operation, attrs.subresource)) return;
  const obj = attrs.object;
  const quotas = [...(await opts.quotas(attrs.namespace, signal))].sort((a, b) => (quotaName(a) < quotaName(b) ? -1 : quotaName(a) > quotaName(b) ? 1 : 0));
  if (quotas.length === 0) return;
  const interesting = interestingQuotas(attrs, ev, quotas, obj);
  if (interesting.length === 0) return;
  const nowMs = opts.now();
  const input = ev.usage(obj, nowMs);
  const negative = negativeNames(input);
  if (negative.length > 0) throw admissionForbidden(attrs, `quota usage is negative for resource(s): ${prettyPrintNames(negative)}`);
  const writes: Array<{ key: string; object: KubeObject }> = [];
  for (const [i, delta] of deltas(attrs, ev, interesting, input, nowMs)) {
    const status = field(i.quota, 'status');
    const hard = decodeList(status?.hard);
    const used = decodeList(status?.used);
    const requested = maskList(delta, hard.keys());
    const newUsed = addLists(used, requested);
    // kube records status-driven growth (a PVC's allocation) but never refuses it: it has already happened.
    if (attrs.subresource !== 'status') {
      const exceeded = exceededNames(maskList(newUsed, requested.keys()), hard);
      if (exceeded.length > 0) {
        throw admissionForbidden(
          attrs,
          `exceeded quota: ${i.name}, requested: ${prettyPrint(maskList(requested, exceeded))}, used: ${prettyPrint(maskList(used, exceeded))}, limited: ${prettyPrint(maskList(hard, exceeded))}`,
        );
      }
    }
    if (!listsEqual(used, newUsed)) writes.push({ key: opts.quotaKey(attrs.namespace, i.name), object: withUsed(i.quota, newUsed) });
  }
  // Only once every quota agreed: a refusal must leave nothing behind.
  for (const w of writes) attrs.addCompanionWrite(w);
}

/** kube's ResourceQuota admission plugin; its charges commit with the object (see the file comment). */
export function resourceQuotaAdmission(opts: ResourceQuotaAdmissionOptions): AdmissionPlugin {
  return {
    name: RESOURCE_QUOTA_PLUGIN_NAME,
    validate: (attrs, signal) => check(attrs, opts, signal),
  };
}
