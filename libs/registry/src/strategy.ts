// What differs between resource types, and only that: a Strategy per type
// over one generic store (kube's registry pattern). The defaults come from the
// catalogue (a status subresource means status semantics); the per-kind facts
// below are the ones kube-apiserver's strategies encode for the built-ins.
// Schema validation and defaulting of every field is the fidelity issue's.

import { field, validateDNS1123LabelName, validateDNS1123SubdomainName, type FieldError } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { ResourceInfo } from '@logbook/resources';
import { completeGoZeroValues } from '@logbook/kube-protobuf';
import { generateJobSelector, rulesFor, type JsonObject } from '@logbook/validation';

/** A JSON object being prepared for storage: plain, mutable. */
export type MutableObject = Record<string, unknown> & { metadata: Record<string, unknown> };

export interface Strategy {
  readonly info: ResourceInfo;
  /** metadata.generation: 1 on create, +1 on every change outside metadata and status. */
  readonly tracksGeneration: boolean;
  /** A /status subresource: the main resource ignores status, /status ignores the rest. */
  readonly hasStatus: boolean;
  /** A create keeps the status the client sent (nodes); otherwise it is reset. */
  readonly keepsStatusOnCreate: boolean;
  /** DELETE answers with the deleted object instead of a Success Status. */
  readonly returnsDeletedObject: boolean;
  /**
   * Graceful deletion (kube's CheckGracefulDelete; pods only): the period in
   * seconds for deleting obj when `requested` was asked for (undefined: not
   * given). Absent: the kind is deleted at once.
   */
  readonly checkGracefulDelete?: (obj: KubeObject, requested: number | undefined) => number;
  /** Field selector labels this kind supports (metadata.name always; metadata.namespace when namespaced). */
  readonly fieldLabels: readonly string[];
  /** The values of fieldLabels on obj, for field selectors. */
  fieldSet(obj: KubeObject): Record<string, string>;
  /** Kind-specific defaults and normalisation of a new object (after the server-owned metadata). */
  prepareForCreate(obj: MutableObject): void;
  /** The name rule: most kinds take a DNS-1123 subdomain, namespaces a label. */
  validateName(name: string): FieldError[];
  /** kube's defaulting of a decoded body (before admission), where the kind has rules. */
  applyDefaults(obj: MutableObject): void;
  /** The kind's validation of a new object (after the server's metadata is set). */
  validateCreate(obj: MutableObject): FieldError[];
  /** The kind's validation of an update (`status`: a write to /status). */
  validateUpdate(obj: MutableObject, old: KubeObject, subresource: '' | 'status'): FieldError[];
}

/** Kinds whose strategy tracks generation (kube-apiserver 1.33's built-ins). */
const GENERATION_KINDS: ReadonlySet<string> = new Set([
  'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet', '/ReplicationController',
  'batch/Job', 'batch/CronJob', 'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress', 'networking.k8s.io/NetworkPolicy', 'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration', 'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'apiextensions.k8s.io/CustomResourceDefinition', 'resource.k8s.io/ResourceClaim', '/Pod',
]);

/** Kinds whose DELETE returns the object (kube's ReturnDeletedObject). */
const RETURNS_DELETED: ReadonlySet<string> = new Set([
  '/Pod', '/ServiceAccount', 'storage.k8s.io/StorageClass', '/Namespace', 'apiextensions.k8s.io/CustomResourceDefinition',
  'certificates.k8s.io/CertificateSigningRequest', 'scheduling.k8s.io/PriorityClass',
]);

/** Extra field selector labels per kind, as kube-apiserver registers them. */
const EXTRA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '/Pod': ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  '/Event': ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  '/Secret': ['type'],
  '/Namespace': ['status.phase'],
  '/Node': ['spec.unschedulable'],
  '/ReplicationController': ['status.replicas'],
  'apps/ReplicaSet': ['status.replicas'],
  'batch/Job': ['status.successful'],
};

const kindKey = (info: ResourceInfo): string => `${info.group}/${info.kind}`;

/** The value at a dotted path, as a field selector sees it ("" when absent; booleans and numbers as text). */
function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  if (path === 'spec.hostNetwork' || path === 'spec.unschedulable') return 'false';
  return '';
}

/** Event's `source` field label is source.component (kube's EventToSelectableFields). */
function eventSource(obj: KubeObject): string {
  const src = (obj as { source?: { component?: unknown } }).source;
  return typeof src?.component === 'string' ? src.component : '';
}

function namespacePrepare(obj: MutableObject): void {
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const labels = { ...(obj.metadata.labels as Record<string, string> | undefined), 'kubernetes.io/metadata.name': name };
  obj.metadata.labels = labels;
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  // The namespace controller removes "kubernetes" once the namespace is empty.
  const finalizers = Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
  obj.spec = { ...spec, finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'] };
  obj.status = { phase: 'Active' };
}

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };

/**
 * kube's QoS class of a pod: BestEffort without any request or limit,
 * Guaranteed when every container limits cpu and memory with requests equal
 * to the limits, Burstable otherwise.
 */
function podQosClass(pod: MutableObject): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const spec = (pod.spec ?? {}) as { containers?: { resources?: Resources }[]; initContainers?: { resources?: Resources }[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const all = containers.map((c) => c.resources ?? {});
  const any = all.some((r) => Object.keys(r.requests ?? {}).length + Object.keys(r.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = all.every((r) => ['cpu', 'memory'].every((k) => {
    const limit = r.limits?.[k];
    const request = r.requests?.[k] ?? limit;
    return limit !== undefined && JSON.stringify(request) === JSON.stringify(limit);
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * kube's pod CheckGracefulDelete: the period asked for, else the pod's
 * terminationGracePeriodSeconds (0 when unset); 0 for a pod no node runs
 * (unscheduled) or that has finished; a negative period is one second.
 */
function podGracePeriod(pod: KubeObject, requested: number | undefined): number {
  const spec = (pod as { spec?: { nodeName?: unknown; terminationGracePeriodSeconds?: unknown } }).spec;
  const phase = (pod as { status?: { phase?: unknown } }).status?.phase;
  let period = requested ?? (typeof spec?.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 0);
  if (typeof spec?.nodeName !== 'string' || spec.nodeName === '') period = 0;
  if (phase === 'Succeeded' || phase === 'Failed') period = 0;
  return period < 0 ? 1 : period;
}

export function strategyFor(info: ResourceInfo): Strategy {
  const key = kindKey(info);
  const fieldLabels = ['metadata.name', ...(info.namespaced ? ['metadata.namespace'] : []), ...(EXTRA_FIELDS[key] ?? [])];
  const isNamespace = key === '/Namespace';
  const rules = rulesFor(info.group, info.kind);
  const asJson = (o: unknown): JsonObject => o as JsonObject;
  const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
  return {
    info,
    tracksGeneration: GENERATION_KINDS.has(key),
    hasStatus: info.subresources.some((s) => s.name === 'status'),
    keepsStatusOnCreate: key === '/Node',
    returnsDeletedObject: RETURNS_DELETED.has(key),
    ...(key === '/Pod' ? { checkGracefulDelete: podGracePeriod } : {}),
    fieldLabels,
    fieldSet(obj) {
      const out: Record<string, string> = {};
      for (const f of fieldLabels) {
        if (f === 'metadata.name') out[f] = obj.metadata.name ?? '';
        else if (f === 'metadata.namespace') out[f] = obj.metadata.namespace ?? '';
        else if (key === '/Event' && f === 'source') out[f] = eventSource(obj);
        else out[f] = fieldValue(obj, f);
      }
      return out;
    },
    prepareForCreate(obj) {
      if (isNamespace) namespacePrepare(obj);
      // A Job's selector and labels carry its uid, known only now (kube's job strategy PrepareForCreate).
      if (key === 'batch/Job') generateJobSelector(obj);
      if (key === '/Pod') obj.status = { phase: 'Pending', qosClass: podQosClass(obj) };
      // kube defaults these phases again whenever it reads the object, so a new claim or volume is Pending
      // (a volume also records when it got there: PersistentVolumeLastPhaseTransitionTime, GA in 1.31).
      if (key === '/PersistentVolumeClaim') obj.status = { phase: 'Pending' };
      if (key === '/PersistentVolume') obj.status = { phase: 'Pending', lastPhaseTransitionTime: obj.metadata.creationTimestamp };
      // The status just reset is the type's zero value, which Go writes out (`status: {replicas: 0}`);
      // the rest was completed with the defaults.
      completeGoZeroValues(apiVersion, info.kind, obj, { fields: ['status'] });
    },
    validateName(name) {
      const path = field.FieldPath.root('metadata', 'name');
      // RBAC objects are named like path segments (kube's ValidateRBACName): `system:aggregate-to-admin` is valid.
      if (info.group === 'rbac.authorization.k8s.io') return validatePathSegmentName(name, path);
      return isNamespace ? validateDNS1123LabelName(name, path) : validateDNS1123SubdomainName(name, path);
    },
    applyDefaults(obj) {
      rules?.default?.(obj);
      // What Go's JSON would write for the decoded type (`resources: {}`, `status: {replicas: 0}`): kube stores and answers that.
      completeGoZeroValues(apiVersion, info.kind, obj);
    },
    validateCreate(obj) {
      return rules?.validateCreate?.(obj) ?? [];
    },
    validateUpdate(obj, old, subresource) {
      if (subresource === 'status') return rules?.validateStatusUpdate?.(obj, asJson(old)) ?? [];
      return rules?.validateUpdate?.(obj, asJson(old)) ?? [];
    },
  };
}

/** kube's path.ValidatePathSegmentName: anything but `.`, `..`, or a name holding `/` or `%`. */
function validatePathSegmentName(name: string, path: field.FieldPath): FieldError[] {
  const msgs: string[] = [];
  if (name === '.' || name === '..') msgs.push(`may not be '${name}'`);
  for (const bad of ['/', '%']) if (name.includes(bad)) msgs.push(`may not contain '${bad}'`);
  return msgs.map((m) => field.invalid(path, name, m));
}
