// What quota knows about one group-resource, in kube's Evaluator shape:
// which writes it charges, which quota resource names it answers for, how
// an object meets a scope, what a constrained object must declare, and
// what the object uses.

import type { AdmissionOperation } from '@logbook/registry';
import type { JsonObject } from '../json.ts';
import type { Usage } from '../resource-list.ts';

export interface GroupResource {
  /** "" for the core group. */
  readonly group: string;
  readonly resource: string;
}

/** One term of a quota's scope: spec.scopes[i] (operator Exists) or a scopeSelector match expression. */
export interface ScopeRequirement {
  readonly scopeName: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export interface Evaluator {
  readonly groupResource: GroupResource;
  /** Whether a write of this kind can change usage (kube's Handles). */
  handles(operation: AdmissionOperation, subresource: string): boolean;
  /** The names among `names` this resource is charged under. */
  matchingResources(names: readonly string[]): string[];
  /** Whether the object meets one scope term; resources without scopes meet none. */
  matchesScope(req: ScopeRequirement, obj: JsonObject): boolean;
  /** kube's Constraints: the refusal text when the object must declare a constrained resource and does not. */
  constraints(required: readonly string[], obj: JsonObject): string | undefined;
  usage(obj: JsonObject, nowMs: number): Usage;
}

/** kube's object-count name: `count/<resource>` for core, `count/<resource>.<group>` otherwise. */
export function objectCountName(gr: GroupResource): string {
  return gr.group === '' ? `count/${gr.resource}` : `count/${gr.resource}.${gr.group}`;
}

export function intersect(names: readonly string[], known: ReadonlySet<string>): string[] {
  return names.filter((n) => known.has(n));
}

export const matchesNoScope = (): boolean => false;
