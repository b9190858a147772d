// POST pods/{name}/eviction (kube's EvictionREST): a delete that respects
// PodDisruptionBudgets. A pod that is not running (Pending, finished, already
// terminating) is deleted straight away; otherwise the one PDB whose selector
// matches it must allow a disruption, which is taken from its status by a
// compare-and-swap update (disruptedPods records the pod) before the pod is
// deleted with the Eviction's DeleteOptions. Everything a PDB controller
// would compute (currentHealthy, desiredHealthy, disruptionsAllowed) is read
// as stored: with no controller, a PDB without status refuses evictions.

import {
  badRequest, failure, forbidden, fromLabelSelector, FieldSelector, LabelSelector, StatusError,
  type Status,
} from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import { deleteOptionsFrom } from './delete-options.ts';
import type { DeleteRequest } from './graceful-delete.ts';
import { mutableCopy, rfc3339, text } from './object-meta.ts';
import { createdStatus } from './pod-binding.ts';
import { setStatusCondition } from './pod-conditions.ts';
import type { RequestScope, ResourceStore } from './resource-store.ts';
import type { MutableObject } from './strategy.ts';

/** kube's MaxDisruptedPodSize: evictions approved but not yet seen by the PDB controller; beyond it, 403. */
export const MAX_DISRUPTED_PODS = 2000;
/**
 * Attempts on a conflict (kube's EvictionsRetry has 20 steps). Retries here
 * are immediate: each one re-reads, so only a hot object loses them all, and
 * then the client gets the last conflict and retries itself.
 */
export const MAX_EVICTION_ATTEMPTS = 20;

const API_VERSIONS: readonly string[] = ['policy/v1', 'policy/v1beta1'];
const MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface EvictionStores {
  readonly pods: ResourceStore;
  /** policy/v1 poddisruptionbudgets; absent when the group is not served (no budgets then). */
  readonly pdbs: ResourceStore | undefined;
  readonly now: () => number;
}

/** The Eviction a client sent: policy/v1 or policy/v1beta1 (kube accepts both), namespace from the URL. */
export function decodeEviction(body: unknown, namespace: string): MutableObject {
  const cannot = 'Eviction in version "v1" cannot be handled as a Eviction';
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${cannot}: the object is not a JSON object`);
  const eviction = mutableCopy(body);
  if (eviction.apiVersion !== undefined && !API_VERSIONS.includes(text(eviction.apiVersion))) {
    throw badRequest(`the API version in the data (${text(eviction.apiVersion)}) does not match the expected API version (policy/v1)`);
  }
  if (eviction.kind !== undefined && eviction.kind !== 'Eviction') throw badRequest(`${cannot}: the kind in the data (${text(eviction.kind)}) does not match the expected kind`);
  const ns = eviction.metadata.namespace;
  if (ns !== undefined && ns !== '' && ns !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  eviction.metadata.namespace = namespace;
  return eviction;
}

const isConflict = (err: unknown): boolean => err instanceof StatusError && err.status.code === 409;
const phaseOf = (pod: KubeObject): unknown => (pod as { status?: { phase?: unknown } }).status?.phase;

/** kube's canIgnorePDB: the pod is not running, so evicting it disrupts nothing. */
function canIgnorePdb(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

/** A running pod's delete is pinned to the version that was checked, so it cannot turn ready meanwhile. */
function shouldEnforceResourceVersion(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp !== undefined);
}

function isPodReady(pod: KubeObject): boolean {
  const conditions = (pod as { status?: { conditions?: unknown } }).status?.conditions;
  return Array.isArray(conditions) && conditions.some((c: { type?: unknown; status?: unknown } | null) => c?.type === 'Ready' && c.status === 'True');
}

const withResourceVersion = (req: DeleteRequest, resourceVersion: string | undefined): DeleteRequest =>
  ({ ...req, preconditions: { ...req.preconditions, resourceVersion: resourceVersion ?? '' } });

function tooManyRequests(retryAfterSeconds: number, cause: string): StatusError {
  return failure(429, 'TooManyRequests', MESSAGE, { retryAfterSeconds, causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

type Pdb = KubeObject & { spec?: { selector?: unknown; unhealthyPodEvictionPolicy?: unknown }; status?: Record<string, unknown> };
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** The budgets in the pod's namespace whose (non-empty) selector matches it; two are enough to refuse. */
async function budgetsFor(pdbs: ResourceStore, scope: RequestScope, pod: KubeObject): Promise<Pdb[]> {
  const everything = { labelSelector: LabelSelector.everything(), fieldSelector: FieldSelector.everything() };
  const listed = await pdbs.list(scope, { ...everything, resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '' });
  const out: Pdb[] = [];
  for await (const pdb of listed.items) {
    let selector: LabelSelector;
    try {
      selector = fromLabelSelector((pdb as Pdb).spec?.selector as Parameters<typeof fromLabelSelector>[0]);
    } catch {
      continue; // An invalid selector matches nothing (as upstream).
    }
    if (selector.isEmpty() || !selector.matches(pod.metadata.labels ?? {})) continue;
    out.push(pdb);
    if (out.length > 1) break;
  }
  return out;
}

/** kube's checkAndDecrement: refuse, or take one disruption and record the pod (not written on a dry run). */
async function checkAndDecrement(stores: EvictionStores, scope: RequestScope, podName: string, pdb: Pdb, dryRun: boolean): Promise<void> {
  const name = pdb.metadata.name ?? '';
  const status = pdb.status ?? {};
  if (num(status.observedGeneration) < num(pdb.metadata.generation)) throw tooManyRequests(10, `The disruption budget ${name} is still being processed by the server.`);
  const allowed = num(status.disruptionsAllowed);
  const gr = { group: 'policy', resource: 'poddisruptionbudget' };
  if (allowed < 0) throw forbidden(gr, name, 'pdb disruptions allowed is negative');
  const disrupted = (status.disruptedPods ?? {}) as Record<string, unknown>;
  if (Object.keys(disrupted).length > MAX_DISRUPTED_PODS) throw forbidden(gr, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (allowed === 0) {
    throw tooManyRequests(0, `The disruption budget ${name} needs ${num(status.desiredHealthy)} healthy pods and has ${num(status.currentHealthy)} currently`);
  }
  if (dryRun) return;
  const next = mutableCopy(pdb);
  const nextStatus: Record<string, unknown> = { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...disrupted, [podName]: rfc3339(stores.now()) } };
  if (allowed - 1 === 0) {
    nextStatus.conditions = setStatusCondition(status.conditions, {
      type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: num(status.observedGeneration),
    }, stores.now());
  }
  next.status = nextStatus;
  // The stored resourceVersion stays in the body: the write is a compare-and-swap (409 when the PDB moved).
  await stores.pdbs!.update({ ...scope, dryRun: false, fieldManager: 'kube-apiserver', warnings: [] }, name, next, 'status');
}

/** Runs fn until it succeeds or fails with something other than a conflict (at most MAX_EVICTION_ATTEMPTS times). */
async function retryOnConflict<T>(retry: boolean, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!retry || !isConflict(err) || attempt >= MAX_EVICTION_ATTEMPTS) throw err;
    }
  }
}

/** One eviction: the Status kube answers (Success; or a Failure with code 500 for a pod under several budgets). */
export async function evictPod(stores: EvictionStores, scope: RequestScope, name: string, body: unknown): Promise<Status> {
  const eviction = decodeEviction(body, scope.namespace);
  if ((eviction.metadata.name ?? '') !== name) throw badRequest('name in URL does not match name in Eviction object');
  const opts = eviction.deleteOptions;
  const parsed = deleteOptionsFrom(opts !== null && typeof opts === 'object' && !Array.isArray(opts) ? (opts as Record<string, unknown>) : {});
  // The request's dryRun and the Eviction's own both count (kube propagates one into the other).
  const dryRun = scope.dryRun === true || parsed.dryRun;
  const podScope: RequestScope = { ...scope, dryRun };
  const original = parsed.request;
  const userPinnedVersion = original.preconditions?.resourceVersion !== undefined;
  await stores.pods.admitCreate(podScope, name, 'eviction', eviction);

  // A pod that is not running is deleted without asking any budget.
  let pod: KubeObject | undefined;
  const deletedDirectly = await retryOnConflict(!userPinnedVersion, async () => {
    pod = await stores.pods.get(podScope, name);
    if (!canIgnorePdb(pod)) return false;
    const req = shouldEnforceResourceVersion(pod) && !userPinnedVersion ? withResourceVersion(original, pod.metadata.resourceVersion) : original;
    await stores.pods.delete(podScope, name, req);
    return true;
  });
  if (deletedDirectly) return createdStatus();
  const running = pod!;

  const budgets = stores.pdbs !== undefined ? await budgetsFor(stores.pdbs, podScope, running) : [];
  if (budgets.length > 1) {
    // Returned, not thrown, upstream: the answer is HTTP 201 carrying a Failure Status with code 500.
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 };
  }
  let pinToPod = false;
  const pdb = budgets[0];
  if (pdb !== undefined) {
    const status = pdb.status ?? {};
    const unhealthy = !isPodReady(running);
    const alwaysAllow = pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow';
    // An unready pod does not count as healthy: with AlwaysAllow, or while the budget is met, it goes without taking a disruption.
    if (unhealthy && (alwaysAllow || (num(status.currentHealthy) >= num(status.desiredHealthy) && num(status.desiredHealthy) > 0))) {
      pinToPod = true;
    } else {
      let current: Pdb = pdb;
      let refresh = false;
      await retryOnConflict(true, async () => {
        if (refresh) current = (await stores.pdbs!.get(podScope, pdb.metadata.name ?? ''));
        refresh = true;
        await checkAndDecrement(stores, podScope, name, current, dryRun);
      });
    }
  }
  const req = pinToPod ? withResourceVersion(original, running.metadata.resourceVersion) : original;
  try {
    await stores.pods.delete(podScope, name, req);
  } catch (err) {
    // The pod changed since it was judged unhealthy: the client should ask again.
    if (isConflict(err) && pinToPod && !userPinnedVersion) throw tooManyRequests(10, `The disruption budget ${pdb?.metadata.name ?? ''} is still being processed by the server.`);
    throw err;
  }
  return createdStatus();
}
