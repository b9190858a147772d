// The /scale subresource of the scalable workloads (deployments, replicasets,
// statefulsets, replicationcontrollers): an autoscaling/v1 Scale read from the
// parent (spec.replicas, status.replicas, the selector as a string), and
// writes that change only the parent's spec.replicas. A resourceVersion in the
// Scale's metadata is a precondition on the parent, as in kube.

import { badRequest, field, fromLabelSelector, invalid, type FieldError } from '@logbook/apimachinery';

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');
import type { KubeObject } from '@logbook/apistorage';

export const SCALE_API_VERSION = 'autoscaling/v1';

/** The label selector of a workload, as the string kube puts in Scale.status.selector. */
function selectorString(obj: KubeObject, legacy: boolean): string {
  const spec = (obj as { spec?: { selector?: unknown } }).spec;
  if (legacy) {
    // ReplicationController: a plain map, rendered as sorted k=v pairs.
    const sel = (spec?.selector ?? {}) as Record<string, string>;
    return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
  }
  try {
    return fromLabelSelector(spec?.selector as Parameters<typeof fromLabelSelector>[0]).toString();
  } catch {
    return '';
  }
}

/** The Scale view of a workload. */
export function scaleOf(obj: KubeObject, legacySelector: boolean): Record<string, unknown> {
  const spec = (obj as { spec?: { replicas?: unknown } }).spec;
  const status = (obj as { status?: { replicas?: unknown } }).status;
  const m = obj.metadata;
  const metadata: Record<string, unknown> = { name: m.name };
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  if (m.uid !== undefined) metadata.uid = m.uid;
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  if (m.creationTimestamp !== undefined) metadata.creationTimestamp = m.creationTimestamp;
  const replicas = typeof spec?.replicas === 'number' ? spec.replicas : 1;
  const selector = selectorString(obj, legacySelector);
  return {
    kind: 'Scale',
    apiVersion: SCALE_API_VERSION,
    metadata,
    spec: { replicas },
    status: { replicas: typeof status?.replicas === 'number' ? status.replicas : 0, ...(selector !== '' ? { selector } : {}) },
  };
}

/** Checks a Scale sent by a client and returns its replicas (422 as kube's ValidateScale, 400 for a wrong kind). */
export function replicasOf(scale: unknown, name: string): { replicas: number; resourceVersion?: string } {
  if (scale === null || typeof scale !== 'object' || Array.isArray(scale)) throw badRequest('Scale in version "v1" cannot be handled as a Scale: the object is not a JSON object');
  const s = scale as { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown; resourceVersion?: unknown }; spec?: { replicas?: unknown } };
  if (s.kind !== undefined && s.kind !== 'Scale') throw badRequest(`Scale in version "v1" cannot be handled as a Scale: the kind in the data (${show(s.kind)}) does not match the expected kind`);
  if (s.apiVersion !== undefined && s.apiVersion !== SCALE_API_VERSION) {
    throw badRequest(`the API version in the data (${show(s.apiVersion)}) does not match the expected API version (${SCALE_API_VERSION})`);
  }
  if (s.metadata?.name !== undefined && s.metadata.name !== name) {
    throw badRequest(`the name of the object (${show(s.metadata.name)}) does not match the name on the URL (${name})`);
  }
  const replicas = s.spec?.replicas ?? 0;
  const errs: FieldError[] = [];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  if (replicas < 0) errs.push(field.invalid(field.FieldPath.root('spec', 'replicas'), replicas, 'must be greater than or equal to 0'));
  if (errs.length > 0) throw invalid({ group: 'autoscaling', kind: 'Scale' }, name, errs);
  const rv = s.metadata?.resourceVersion;
  return { replicas, ...(typeof rv === 'string' && rv !== '' ? { resourceVersion: rv } : {}) };
}
