// The generic evaluator: one `count/<resource>.<group>` per stored object,
// charged on create of the object itself (updates do not change a count; deletion is given
// back by the status computation). Four core kinds also answer to the
// names quota used before object counts existed.

import { countQuantity } from '../quantity-arith.ts';
import type { Usage } from '../resource-list.ts';
import { intersect, matchesNoScope, objectCountName, type Evaluator, type GroupResource } from './evaluator.ts';

const LEGACY_ALIASES: Readonly<Record<string, string>> = {
  configmaps: 'configmaps',
  resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers',
  secrets: 'secrets',
};

export function objectCountEvaluator(gr: GroupResource): Evaluator {
  const alias = gr.group === '' ? LEGACY_ALIASES[gr.resource] : undefined;
  const names = alias === undefined ? [objectCountName(gr)] : [objectCountName(gr), alias];
  const known = new Set(names);
  return {
    groupResource: gr,
    // A create on a subresource (serviceaccounts/token) makes no new stored object.
    handles: (operation, subresource) => operation === 'CREATE' && subresource === '',
    matchingResources: (input) => intersect(input, known),
    matchesScope: matchesNoScope,
    constraints: () => undefined,
    usage: (): Usage => new Map(names.map((n) => [n, countQuantity(1)])),
  };
}
