// kube's PodRequests / PodLimits (component-helpers resource helpers) as
// quota calls them in 1.33: app containers summed; each init container
// needs, while it runs, its own resources plus every restartable (sidecar)
// init container started before it; sidecars also run alongside the app
// containers; the pod needs the larger of the two phases, plus overhead.
// With in-place resize on (default in 1.33), a container's charge is the
// larger of what it asks for and what the node has allocated to it.

import type { Quantity } from '@logbook/validation';
import { field, list, str, type JsonObject } from '../json.ts';
import { addQuantity } from '../quantity-arith.ts';
import { addLists, decodeList, maxInto, type Usage } from '../resource-list.ts';

type Kind = 'requests' | 'limits';

function isSidecar(c: JsonObject): boolean {
  return str(c, 'restartPolicy') === 'Always';
}

// kube: a PodResizePending condition with reason Infeasible means the spec
// will not be granted, so only what the node reports counts.
function resizeInfeasible(pod: JsonObject): boolean {
  return list(field(pod, 'status'), 'conditions').some((c) => str(c, 'type') === 'PodResizePending' && str(c, 'reason') === 'Infeasible');
}

function statusesByName(pod: JsonObject): Map<string, JsonObject> {
  const status = field(pod, 'status');
  const out = new Map<string, JsonObject>();
  for (const cs of [...list(status, 'containerStatuses'), ...list(status, 'initContainerStatuses')]) {
    const name = str(cs, 'name');
    if (name !== undefined) out.set(name, cs);
  }
  return out;
}

function containerResources(pod: JsonObject, c: JsonObject, kind: Kind, statuses: Map<string, JsonObject>): Usage {
  const declared = decodeList(field(field(c, 'resources'), kind));
  const name = str(c, 'name');
  const cs = name === undefined ? undefined : statuses.get(name);
  const actual = field(cs, 'resources');
  if (actual === undefined) return declared;
  const infeasible = resizeInfeasible(pod);
  const out: Usage = infeasible ? new Map<string, Quantity>() : new Map(declared);
  maxInto(out, decodeList(field(actual, kind)));
  if (kind === 'requests') maxInto(out, decodeList(field(cs, 'allocatedResources')));
  return out;
}

function aggregate(pod: JsonObject, kind: Kind): Usage {
  const spec = field(pod, 'spec');
  const statuses = statusesByName(pod);
  let total: Usage = new Map();
  for (const c of list(spec, 'containers')) total = addLists(total, containerResources(pod, c, kind, statuses));
  let sidecars: Usage = new Map();
  const initPhase: Usage = new Map();
  for (const c of list(spec, 'initContainers')) {
    let running: Usage;
    if (isSidecar(c)) {
      // kube only consults status for sidecars: other init containers cannot be resized.
      const own = containerResources(pod, c, kind, statuses);
      total = addLists(total, own);
      sidecars = addLists(sidecars, own);
      running = sidecars;
    } else {
      running = addLists(decodeList(field(field(c, 'resources'), kind)), sidecars);
    }
    maxInto(initPhase, running);
  }
  maxInto(total, initPhase);
  return total;
}

/** The pod's effective requests: max(app containers + sidecars, any init phase) + overhead. */
export function podRequests(pod: JsonObject): Usage {
  return addLists(aggregate(pod, 'requests'), decodeList(field(pod, 'spec')?.overhead));
}

/** The pod's effective limits; overhead is added only to resources that have a limit. */
export function podLimits(pod: JsonObject): Usage {
  const limits = aggregate(pod, 'limits');
  const overhead = decodeList(field(pod, 'spec')?.overhead);
  for (const [name, q] of overhead) {
    const have = limits.get(name);
    if (have !== undefined) limits.set(name, addQuantity(have, q));
  }
  return limits;
}
