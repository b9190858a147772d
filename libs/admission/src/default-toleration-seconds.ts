// DefaultTolerationSeconds: a pod that says nothing about nodes going
// not-ready or unreachable tolerates each for a bounded time (300s unless
// configured), so the node lifecycle controller evicts it eventually rather
// than at once or never. Runs on pod create and update, never subresources.

import type { AdmissionPlugin } from '@logbook/registry';
import { objectField, objectList, type JsonObject } from './object-fields.ts';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

export interface DefaultTolerationSecondsOptions {
  /** --default-not-ready-toleration-seconds (300). */
  readonly notReadyTolerationSeconds?: number;
  /** --default-unreachable-toleration-seconds (300). */
  readonly unreachableTolerationSeconds?: number;
}

function checkSeconds(flag: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`--${flag} must be an integer, got ${v}`);
  return v;
}

// A toleration with no key (or no effect) covers every key (or effect), whatever its operator.
function covers(t: JsonObject, key: string): boolean {
  const k = t.key ?? '';
  const e = t.effect ?? '';
  return (k === key || k === '') && (e === 'NoExecute' || e === '');
}

export function defaultTolerationSeconds(options: DefaultTolerationSecondsOptions = {}): AdmissionPlugin {
  const notReady = checkSeconds('default-not-ready-toleration-seconds', options.notReadyTolerationSeconds ?? 300);
  const unreachable = checkSeconds('default-unreachable-toleration-seconds', options.unreachableTolerationSeconds ?? 300);
  return {
    name: 'DefaultTolerationSeconds',
    admit(attrs) {
      if (attrs.group !== '' || attrs.resource !== 'pods' || attrs.subresource !== '') return;
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      const spec = objectField(attrs.object, 'spec');
      if (spec === undefined) return;
      if (spec.tolerations !== undefined && spec.tolerations !== null && !Array.isArray(spec.tolerations)) return;
      const tolerations = objectList(spec, 'tolerations');
      const added: JsonObject[] = [];
      if (!tolerations.some((t) => covers(t, TAINT_NODE_NOT_READY))) {
        added.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReady });
      }
      if (!tolerations.some((t) => covers(t, TAINT_NODE_UNREACHABLE))) {
        added.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachable });
      }
      if (added.length > 0) spec.tolerations = [...((spec.tolerations as unknown[] | undefined | null) ?? []), ...added];
    },
  };
}
