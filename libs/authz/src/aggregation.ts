// ClusterRole aggregation: a ClusterRole with an aggregationRule holds the
// union of the rules of every other ClusterRole its selectors match (kube's
// clusterroleaggregation controller). We compute it from the current list on
// demand, so a label change takes effect on the next request; the result is
// memoised per list object, because watch caches hand out the same snapshot
// array until something changes.

import { fromLabelSelector, type LabelSelector } from '@logbook/apimachinery';
import type { ClusterRole, PolicyRule } from './types.ts';

export interface AggregatedRules {
  readonly rules: readonly PolicyRule[];
  /** Set when a selector could not be parsed; `rules` then fall back to the stored ones. */
  readonly error?: string;
}

export interface ClusterRoleIndex {
  get(name: string): ClusterRole | undefined;
  /** The effective rules: aggregated for aggregating roles, stored otherwise. */
  rulesOf(role: ClusterRole): AggregatedRules;
}

const indexes = new WeakMap<readonly ClusterRole[], ClusterRoleIndex>();

export function clusterRoleIndex(list: readonly ClusterRole[]): ClusterRoleIndex {
  let idx = indexes.get(list);
  if (idx === undefined) {
    idx = buildIndex(list);
    indexes.set(list, idx);
  }
  return idx;
}

function buildIndex(list: readonly ClusterRole[]): ClusterRoleIndex {
  const byName = new Map<string, ClusterRole>();
  for (const r of list) byName.set(r.metadata.name, r);
  const sorted = [...byName.values()].sort((a, b) => compare(a.metadata.name, b.metadata.name));
  const memo = new Map<string, AggregatedRules>();
  const inProgress = new Set<string>();

  const rulesOf = (role: ClusterRole): AggregatedRules => {
    const stored: AggregatedRules = { rules: role.rules ?? [] };
    if (role.aggregationRule === undefined || role.aggregationRule === null) return stored;
    const name = role.metadata.name;
    const done = memo.get(name);
    if (done !== undefined) return done;
    // A cycle of aggregating roles: the controller would converge on the
    // stored rules of the role we are already expanding, so use those.
    if (inProgress.has(name)) return stored;
    inProgress.add(name);
    try {
      const result = aggregate(role, sorted, rulesOf);
      memo.set(name, result);
      return result;
    } finally {
      inProgress.delete(name);
    }
  };
  return { get: (name) => byName.get(name), rulesOf };
}

function aggregate(role: ClusterRole, sorted: readonly ClusterRole[], rulesOf: (r: ClusterRole) => AggregatedRules): AggregatedRules {
  const out: PolicyRule[] = [];
  for (const spec of role.aggregationRule?.clusterRoleSelectors ?? []) {
    let selector: LabelSelector;
    try {
      selector = fromLabelSelector(spec);
    } catch (err: unknown) {
      return { rules: role.rules ?? [], error: err instanceof Error ? err.message : String(err) };
    }
    for (const other of sorted) {
      if (other.metadata.name === role.metadata.name) continue;
      if (!selector.matches(other.metadata.labels ?? {})) continue;
      for (const rule of rulesOf(other).rules) {
        if (!out.some((r) => rulesEqual(r, rule))) out.push(rule);
      }
    }
  }
  return { rules: out };
}

/** kube's aggregated rule list for `role`, for a controller that writes it back into the object. */
export function aggregatedRulesFor(role: ClusterRole, all: readonly ClusterRole[]): AggregatedRules {
  return clusterRoleIndex(all).rulesOf(role);
}

/** Semantic equality: an absent list equals an empty one, as with kube's equality.Semantic. */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return listEq(a.verbs, b.verbs) && listEq(a.apiGroups, b.apiGroups) && listEq(a.resources, b.resources) &&
    listEq(a.resourceNames, b.resourceNames) && listEq(a.nonResourceURLs, b.nonResourceURLs);
}

function listEq(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
