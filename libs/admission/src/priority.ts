// Priority: a new pod's spec.priority (and preemptionPolicy) come from its
// PriorityClass — the one it names, else the cluster's global default, else
// 0 — and a client may not pick a different number. PriorityClass writes may
// not create a second global default. kube 1.33 semantics; an update keeps
// the priority the pod was created with when a client drops it (apply).

import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import type { ObjectReader } from './reader.ts';
import { admissionForbidden } from './refusal.ts';
import { objectField, type JsonObject } from './object-fields.ts';

const PRIORITY_CLASSES = { group: 'scheduling.k8s.io', resource: 'priorityclasses' } as const;
/** The priority of a pod when no class is named and none is the global default. */
export const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS = 0;

/** The classes kube-apiserver creates at start-up; they count as present even before that write lands. */
export const SYSTEM_PRIORITY_CLASSES: ReadonlyMap<string, { readonly value: number }> = new Map([
  ['system-node-critical', { value: 2000001000 }],
  ['system-cluster-critical', { value: 2000000000 }],
]);

export interface PriorityAdmissionOptions {
  readonly reader: ObjectReader;
}

interface ResolvedClass {
  readonly name: string;
  readonly value: number;
  readonly preemptionPolicy: string | undefined;
}

function classOf(pc: KubeObject): ResolvedClass {
  return {
    name: pc.metadata.name ?? '',
    value: typeof pc.value === 'number' ? pc.value : 0,
    preemptionPolicy: typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : undefined,
  };
}

export function priorityAdmission(options: PriorityAdmissionOptions): AdmissionPlugin {
  const { reader } = options;

  // Two defaults can exist after racing writes; kube then takes the lowest value.
  async function globalDefault(signal: AbortSignal | undefined): Promise<KubeObject | undefined> {
    let best: KubeObject | undefined;
    for (const pc of await reader.list(PRIORITY_CLASSES, '', signal)) {
      if (pc.globalDefault !== true) continue;
      if (best === undefined || classOf(best).value > classOf(pc).value) best = pc;
    }
    return best;
  }

  async function resolve(attrs: AdmissionAttributes, spec: JsonObject, signal: AbortSignal | undefined): Promise<ResolvedClass> {
    const named = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
    if (named === '') {
      const dpc = await globalDefault(signal);
      if (dpc !== undefined) return classOf(dpc);
      return { name: '', value: DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS, preemptionPolicy: 'PreemptLowerPriority' };
    }
    const pc = await reader.get(PRIORITY_CLASSES, '', named, signal);
    if (pc !== undefined) return classOf(pc);
    const system = SYSTEM_PRIORITY_CLASSES.get(named);
    if (system !== undefined) return { name: named, value: system.value, preemptionPolicy: 'PreemptLowerPriority' };
    throw admissionForbidden(attrs, `no PriorityClass with name ${named} was found`);
  }

  async function admitPod(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<void> {
    const spec = objectField(attrs.object, 'spec');
    if (spec === undefined) return;
    if (attrs.operation === 'UPDATE') {
      const oldSpec = objectField(attrs.oldObject, 'spec');
      if (spec.priority === undefined && oldSpec?.priority !== undefined) spec.priority = oldSpec.priority;
      if (spec.preemptionPolicy === undefined && oldSpec?.preemptionPolicy !== undefined) spec.preemptionPolicy = oldSpec.preemptionPolicy;
      return;
    }
    const pc = await resolve(attrs, spec, signal);
    if ((typeof spec.priorityClassName !== 'string' || spec.priorityClassName === '') && pc.name !== '') spec.priorityClassName = pc.name;
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== pc.value) {
      throw admissionForbidden(attrs, `the integer value of priority (${JSON.stringify(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${pc.value} from the given PriorityClass name`);
    }
    spec.priority = pc.value;
    if (pc.preemptionPolicy !== undefined) {
      if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== pc.preemptionPolicy) {
        throw admissionForbidden(attrs, `the string value of PreemptionPolicy (${typeof spec.preemptionPolicy === 'string' ? spec.preemptionPolicy : JSON.stringify(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed ${pc.preemptionPolicy} from the given PriorityClass name`);
      }
      spec.preemptionPolicy = pc.preemptionPolicy;
    }
  }

  return {
    name: 'Priority',
    async admit(attrs, signal) {
      if (attrs.subresource !== '' || attrs.group !== '' || attrs.resource !== 'pods') return;
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      await admitPod(attrs, signal);
    },
    async validate(attrs, signal) {
      if (attrs.subresource !== '' || attrs.group !== PRIORITY_CLASSES.group || attrs.resource !== PRIORITY_CLASSES.resource) return;
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      if (attrs.object.globalDefault !== true) return;
      const dpc = await globalDefault(signal);
      if (dpc === undefined) return;
      const name = (attrs.object.metadata as JsonObject).name;
      if (attrs.operation === 'CREATE' || dpc.metadata.name !== name) {
        throw admissionForbidden(attrs, `PriorityClass ${dpc.metadata.name ?? ''} is marked as default. Only one default can exist`);
      }
    },
  };
}
