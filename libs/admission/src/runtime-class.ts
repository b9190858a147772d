// RuntimeClass: a pod that names a RuntimeClass must name one that exists;
// the class's fixed per-pod overhead becomes the pod's spec.overhead and its
// scheduling constraints join the pod's node selector and tolerations, so
// the scheduler places the pod only where that runtime is installed. A pod
// may not claim an overhead of its own. Pod creates only.

import { goQuote } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { compareQuantities } from '@logbook/validation';
import type { ObjectReader } from './reader.ts';
import { admissionForbidden } from './refusal.ts';
import { isObject, objectField, objectList, type JsonObject } from './object-fields.ts';
import { resourceListOf } from './resource-list.ts';
import { mergeTolerations } from './tolerations.ts';

const RUNTIME_CLASSES = { group: 'node.k8s.io', resource: 'runtimeclasses' } as const;

export interface RuntimeClassAdmissionOptions {
  readonly reader: ObjectReader;
}

const OVERHEAD_MISMATCH = "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
const OVERHEAD_WITHOUT_CLASS = 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead';

// Semantic equality of two ResourceLists: same names, equal quantities; absent and empty are the same.
function sameResources(a: unknown, b: unknown): boolean {
  const la = resourceListOf(a);
  const lb = resourceListOf(b);
  if (la.size !== lb.size) return false;
  for (const [k, q] of la) {
    const other = lb.get(k);
    if (other === undefined || compareQuantities(q, other) !== 0) return false;
  }
  return true;
}

function hasEntries(v: unknown): boolean {
  return isObject(v) && Object.keys(v).length > 0;
}

export function runtimeClassAdmission(options: RuntimeClassAdmissionOptions): AdmissionPlugin {
  const { reader } = options;

  async function prepare(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<{ spec: JsonObject; rc: KubeObject | undefined } | undefined> {
    if (attrs.operation !== 'CREATE' || attrs.group !== '' || attrs.resource !== 'pods' || attrs.subresource !== '') return undefined;
    const spec = objectField(attrs.object, 'spec');
    if (spec === undefined) return undefined;
    const name = spec.runtimeClassName;
    if (typeof name !== 'string') return { spec, rc: undefined };
    const rc = await reader.get(RUNTIME_CLASSES, '', name, signal);
    if (rc === undefined) throw admissionForbidden(attrs, `pod rejected: RuntimeClass ${goQuote(name)} not found`);
    return { spec, rc };
  }

  return {
    name: 'RuntimeClass',
    async admit(attrs, signal) {
      const p = await prepare(attrs, signal);
      if (p?.rc === undefined) return;
      const { spec, rc } = p;
      const podFixed = objectField(objectField(rc, 'overhead'), 'podFixed');
      if (podFixed !== undefined) {
        if (hasEntries(spec.overhead) && !sameResources(podFixed, spec.overhead)) throw admissionForbidden(attrs, OVERHEAD_MISMATCH);
        spec.overhead = structuredClone(podFixed);
      }
      const scheduling = objectField(rc, 'scheduling');
      if (scheduling === undefined) return;
      const rcSelector = objectField(scheduling, 'nodeSelector') ?? {};
      const podSelector = objectField(spec, 'nodeSelector');
      let selector: JsonObject;
      if (podSelector === undefined) {
        selector = { ...rcSelector };
      } else {
        selector = podSelector;
        for (const [key, value] of Object.entries(rcSelector)) {
          if (Object.hasOwn(selector, key) && selector[key] !== value) {
            throw admissionForbidden(attrs, `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${String(value)}; pod.spec.nodeSelector[${key}] = ${String(selector[key])}`);
          }
          selector[key] = value;
        }
      }
      if (Object.keys(selector).length > 0 || podSelector !== undefined) spec.nodeSelector = selector;
      const merged = mergeTolerations(objectList(spec, 'tolerations'), objectList(scheduling, 'tolerations').map((t) => structuredClone(t)));
      if (merged.length > 0) spec.tolerations = merged;
    },
    async validate(attrs, signal) {
      const p = await prepare(attrs, signal);
      if (p === undefined) return;
      const podFixed = p.rc === undefined ? undefined : objectField(objectField(p.rc, 'overhead'), 'podFixed');
      if (podFixed !== undefined) {
        if (!sameResources(podFixed, p.spec.overhead)) throw admissionForbidden(attrs, OVERHEAD_MISMATCH);
      } else if (hasEntries(p.spec.overhead)) {
        throw admissionForbidden(attrs, OVERHEAD_WITHOUT_CLASS);
      }
    },
  };
}
