// Status conditions the API server itself writes: a pod's (PodScheduled on
// binding) and the PodDisruptionBudget's DisruptionAllowed (on eviction).
// Each follows its upstream helper: pods replace the condition whole, PDBs use
// the metav1.Condition rules.

import { rfc3339 } from './object-meta.ts';

type Condition = Record<string, unknown>;

const asConditions = (v: unknown): Condition[] =>
  Array.isArray(v) ? v.filter((c): c is Condition => c !== null && typeof c === 'object' && !Array.isArray(c)) : [];

/**
 * kube's UpdatePodCondition: the condition replaces the one of its type
 * (appended when there is none); lastTransitionTime is now, unless the
 * status did not change. lastProbeTime is a non-pointer time upstream, so it
 * serializes as null.
 */
export function applyPodCondition(conditions: unknown, next: { readonly type: string; readonly status: string }, nowMs: number): Condition[] {
  const list = asConditions(conditions).map((c) => ({ ...c }));
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = old !== undefined && old.status === next.status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : rfc3339(nowMs);
  const cond: Condition = { type: next.type, status: next.status, lastProbeTime: null, lastTransitionTime };
  if (i >= 0) list[i] = cond;
  else list.push(cond);
  return list;
}

/**
 * apimachinery's SetStatusCondition for a metav1.Condition: an existing one
 * keeps its lastTransitionTime unless the status changes; reason, message and
 * observedGeneration are taken from the new one.
 */
export function setStatusCondition(
  conditions: unknown,
  next: { readonly type: string; readonly status: string; readonly reason: string; readonly message: string; readonly observedGeneration: number },
  nowMs: number,
): Condition[] {
  const list = asConditions(conditions).map((c) => ({ ...c }));
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  const changed = old === undefined || old.status !== next.status || old.lastTransitionTime === undefined;
  const cond: Condition = {
    type: next.type,
    status: next.status,
    ...(next.observedGeneration !== 0 ? { observedGeneration: next.observedGeneration } : {}),
    lastTransitionTime: changed ? rfc3339(nowMs) : old.lastTransitionTime,
    reason: next.reason,
    message: next.message,
  };
  if (i >= 0) list[i] = cond;
  else list.push(cond);
  return list;
}
