// What one object uses, in quota's resource names.

import type { GroupResource } from './evaluators/evaluator.ts';
import { evaluatorFor } from './evaluators/registry.ts';
import type { JsonObject } from './json.ts';
import { encodeList, type ResourceList } from './resource-list.ts';

/**
 * The object's usage under every name quota knows for it (zeros included,
 * as kube reports them). `nowMs` decides whether a deleted pod's grace has
 * run out. Empty for resources quota ignores.
 */
export function usageOf(gr: GroupResource, obj: JsonObject, nowMs: number): ResourceList {
  const ev = evaluatorFor(gr);
  return ev === undefined ? {} : encodeList(ev.usage(obj, nowMs));
}
