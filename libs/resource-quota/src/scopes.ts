// Whether a quota applies to an object: it bounds at least one resource
// the object is charged under, and the object meets every scope term
// (spec.scopes and spec.scopeSelector alike). Only pods have scopes; a
// scoped quota never applies to other kinds — kube's validation allows
// scopes only beside pod resources, so such a quota bounds nothing else.

import type { KubeObject } from '@logbook/apistorage';
import type { Evaluator, GroupResource, ScopeRequirement } from './evaluators/evaluator.ts';
import { evaluatorFor } from './evaluators/registry.ts';
import { field, isObject, list, str, strings, type JsonObject } from './json.ts';

/** spec.scopes as Exists terms, then spec.scopeSelector.matchExpressions, in kube's order. */
export function scopeRequirementsOf(quota: KubeObject): ScopeRequirement[] {
  const spec = field(quota, 'spec');
  const out: ScopeRequirement[] = strings(spec, 'scopes').map((s) => ({ scopeName: s, operator: 'Exists', values: [] }));
  for (const e of list(field(spec, 'scopeSelector'), 'matchExpressions')) {
    out.push({ scopeName: str(e, 'scopeName') ?? '', operator: str(e, 'operator') ?? '', values: strings(e, 'values') });
  }
  return out;
}

/** The resource names of a quota's spec.hard or status.hard, in their written order. */
export function hardNames(quota: KubeObject, from: 'spec' | 'status'): string[] {
  const hard = field(field(quota, from), 'hard');
  return hard === undefined ? [] : Object.keys(hard);
}

export function meetsScopes(ev: Evaluator, quota: KubeObject, obj: JsonObject): boolean {
  return scopeRequirementsOf(quota).every((req) => ev.matchesScope(req, obj));
}

/**
 * The quota's hard resources (spec and status: a quota whose status the
 * control loop has not caught up with still applies) that an object of
 * `gr` is charged under.
 */
export function chargedResources(quota: KubeObject, gr: GroupResource): string[] {
  const ev = evaluatorFor(gr);
  if (ev === undefined) return [];
  // kube decides from status.hard alone: a quota limits nothing until its status has been computed.
  return ev.matchingResources(hardNames(quota, 'status'));
}

/** Whether `quota` applies to `obj` of `gr` (kube's Evaluator.Matches). */
export function quotaMatches(quota: KubeObject, gr: GroupResource, obj: unknown): boolean {
  const ev = evaluatorFor(gr);
  if (ev === undefined || !isObject(obj)) return false;
  return chargedResources(quota, gr).length > 0 && meetsScopes(ev, quota, obj);
}
