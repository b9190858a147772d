// TaintNodesByCondition: a node registers as not-ready for scheduling until
// the node lifecycle controller has seen its conditions and lifts the taint,
// so no pod lands on a node nobody has yet judged healthy.

import type { AdmissionPlugin } from '@logbook/registry';
import { objectField, objectList, type JsonObject } from './object-fields.ts';
import { TAINT_NODE_NOT_READY } from './default-toleration-seconds.ts';

export function taintNodesByCondition(): AdmissionPlugin {
  return {
    name: 'TaintNodesByCondition',
    admit(attrs) {
      if (attrs.operation !== 'CREATE' || attrs.group !== '' || attrs.resource !== 'nodes' || attrs.subresource !== '') return;
      const node = attrs.object as JsonObject;
      let spec = objectField(node, 'spec');
      if (spec === undefined) {
        if (node.spec !== undefined && node.spec !== null) return;
        spec = {};
        node.spec = spec;
      }
      if (spec.taints !== undefined && spec.taints !== null && !Array.isArray(spec.taints)) return;
      // The same key and effect is the same taint, whatever its value.
      if (objectList(spec, 'taints').some((t) => t.key === TAINT_NODE_NOT_READY && t.effect === 'NoSchedule')) return;
      spec.taints = [...((spec.taints as unknown[] | undefined | null) ?? []), { key: TAINT_NODE_NOT_READY, effect: 'NoSchedule' }];
    },
  };
}
