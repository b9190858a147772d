// Services: counted, plus load balancers and node ports. Charged on update
// too, since a service can change type or gain ports.

import { field, list, type JsonObject } from '../json.ts';
import { countQuantity } from '../quantity-arith.ts';
import type { Usage } from '../resource-list.ts';
import { intersect, matchesNoScope, objectCountName, type Evaluator } from './evaluator.ts';

const GR = { group: '', resource: 'services' } as const;
const COUNT = objectCountName(GR);
const RESOURCES = new Set([COUNT, 'services', 'services.loadbalancers', 'services.nodeports']);

function usage(svc: JsonObject): Usage {
  const spec = field(svc, 'spec');
  const ports = list(spec, 'ports');
  let nodePorts = 0;
  let loadBalancers = 0;
  const type = spec?.type;
  if (type === 'NodePort') nodePorts = ports.length;
  else if (type === 'LoadBalancer') {
    loadBalancers = 1;
    // With allocation of node ports turned off, only ports that name one count: the
    // rest will never get one (kube counts intent, since none is allocated yet).
    nodePorts = spec?.allocateLoadBalancerNodePorts === false ? ports.filter((p) => typeof p.nodePort === 'number' && p.nodePort !== 0).length : ports.length;
  }
  return new Map([
    [COUNT, countQuantity(1)],
    ['services', countQuantity(1)],
    ['services.loadbalancers', countQuantity(loadBalancers)],
    ['services.nodeports', countQuantity(nodePorts)],
  ]);
}

export const serviceEvaluator: Evaluator = {
  groupResource: GR,
  handles: (operation) => operation === 'CREATE' || operation === 'UPDATE',
  matchingResources: (input) => intersect(input, RESOURCES),
  matchesScope: matchesNoScope,
  constraints: () => undefined,
  usage: (obj) => usage(obj),
};
