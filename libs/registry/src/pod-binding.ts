// POST pods/{name}/binding and the legacy bindings collection (kube's
// BindingREST): the scheduler's write that puts a pod on a node. One
// read-modify-write of the pod by the server itself — spec.nodeName, the
// Binding's annotations, the PodScheduled condition — refused for a pod that
// is deleting, already placed or still gated. The answer is a bare Success
// Status with code 201, as kube's create handler fills it in.

import { aggregateMessage, badRequest, conflict, field, unknownReason, type GroupResource, type Status, type StatusError } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import { applyPodCondition } from './pod-conditions.ts';
import { checkPreconditions } from './graceful-delete.ts';
import { mutableCopy, text } from './object-meta.ts';
import type { MutableObject } from './strategy.ts';

export interface BindingSteps {
  readonly gr: GroupResource;
  readonly now: () => number;
  /** Admission of the CREATE of pods/binding, with the Binding as the object. */
  admit(binding: MutableObject): Promise<void>;
  /** The server's own read-modify-write of the pod (dry run honoured); 404 when it is gone. */
  update(build: (current: KubeObject) => MutableObject): Promise<KubeObject>;
}

/** What every created subresource answers with (kube sets code to the 201 it sends). */
export function createdStatus(): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

/** The Binding a client sent, as a plain object: type meta checked, namespace from the URL. */
export function decodeBinding(body: unknown, namespace: string): MutableObject {
  const cannot = 'Binding in version "v1" cannot be handled as a Binding';
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${cannot}: the object is not a JSON object`);
  const binding = mutableCopy(body);
  if (binding.apiVersion !== undefined && binding.apiVersion !== 'v1') {
    throw badRequest(`the API version in the data (${text(binding.apiVersion)}) does not match the expected API version (v1)`);
  }
  if (binding.kind !== undefined && binding.kind !== 'Binding') throw badRequest(`${cannot}: the kind in the data (${text(binding.kind)}) does not match the expected kind`);
  const ns = binding.metadata.namespace;
  if (ns !== undefined && ns !== '' && ns !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  binding.metadata.namespace = namespace;
  binding.apiVersion = 'v1';
  binding.kind = 'Binding';
  return binding;
}

/** kube's ValidatePodBinding (returned as a plain error upstream, so a 500 without a reason). */
function validateBinding(binding: MutableObject): void {
  const target = (binding.target ?? {}) as { kind?: unknown; name?: unknown };
  const errs = [];
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') {
    errs.push(field.notSupported(field.FieldPath.root('target', 'kind'), target.kind, ['Node', '<empty>']));
  }
  if (typeof target.name !== 'string' || target.name === '') errs.push(field.required(field.FieldPath.root('target', 'name'), ''));
  const agg = aggregateMessage(errs);
  if (agg !== undefined) throw unknownReason(agg, 500);
}

const stringMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

export async function bindPod(steps: BindingSteps, namespace: string, name: string, body: unknown): Promise<Status> {
  const binding = decodeBinding(body, namespace);
  if ((binding.metadata.name ?? '') !== name) throw badRequest('name in URL does not match name in Binding object');
  validateBinding(binding);
  await steps.admit(binding);
  // The legacy bindings collection takes the name from the body; the pod's key needs one.
  if (name === '') throw badRequest('Name parameter required.');
  const node = String((binding.target as { name: string }).name);
  const uid = binding.metadata.uid;
  const rv = binding.metadata.resourceVersion;
  const preconditions = {
    ...(typeof uid === 'string' && uid !== '' ? { uid } : {}),
    ...(typeof rv === 'string' && rv !== '' ? { resourceVersion: rv } : {}),
  };
  const annotations = stringMap(binding.metadata.annotations);
  // A refusal inside the update is a plain error upstream, which kube turns into a Conflict on pods/binding.
  const refuse = (message: string): StatusError => conflict({ group: '', resource: 'pods/binding' }, name, message);
  await steps.update((current) => {
    checkPreconditions(steps.gr, current, preconditions);
    const pod = mutableCopy(current);
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    if (pod.metadata.deletionTimestamp !== undefined) throw refuse(`pod ${name} is being deleted, cannot be assigned to a host`);
    if (typeof spec.nodeName === 'string' && spec.nodeName !== '') throw refuse(`pod ${name} is already assigned to node ${JSON.stringify(spec.nodeName)}`);
    if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) throw refuse(`pod ${name} has non-empty .spec.schedulingGates`);
    pod.spec = { ...spec, nodeName: node };
    const merged = { ...stringMap(pod.metadata.annotations), ...annotations };
    if (Object.keys(merged).length > 0) pod.metadata.annotations = merged;
    const status = (pod.status ?? {}) as Record<string, unknown>;
    pod.status = { ...status, conditions: applyPodCondition(status.conditions, { type: 'PodScheduled', status: 'True' }, steps.now()) };
    return pod;
  });
  return createdStatus();
}
