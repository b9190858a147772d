// NodeRestriction's rules for pods: a kubelet creates and deletes only
// mirror pods of static pods on its own node, updates the status only of
// pods bound to it, and evicts only those.

import type { ObjectReader } from '@logbook/admission';
import { goQuote } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';
import { admissionForbidden, listerNotFound, readerFailure } from './forbidden.ts';
import { arrayAt, isRecord, semanticEqual, stringAt, stringMapAt, valueAt } from './json-access.ts';
import { podReferencesClaims, podReferencesClusterTrustBundles, podReferencesConfigMaps, podReferencesSecrets } from './pod-references.ts';

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

const PODS = { group: '', resource: 'pods' } as const;
const NODES = { group: '', resource: 'nodes' } as const;

export interface PodRuleContext {
  readonly attrs: AdmissionAttributes;
  readonly nodeName: string;
  readonly reader: ObjectReader;
  readonly signal: AbortSignal | undefined;
}

export async function admitPod(c: PodRuleContext): Promise<void> {
  const { attrs, nodeName } = c;
  switch (attrs.operation) {
    case 'CREATE':
      return admitMirrorPodCreate(c);
    case 'DELETE': {
      // The object being deleted, as the seam hands it over (kube reads its informer cache for the same pod).
      if (stringAt(attrs.object, 'spec', 'nodeName') !== nodeName) {
        throw admissionForbidden(attrs, `node ${goQuote(nodeName)} can only delete pods with spec.nodeName set to itself`);
      }
      return;
    }
    default:
      throw admissionForbidden(attrs, `unexpected operation ${goQuote(attrs.operation)}, node ${goQuote(nodeName)} can only create and delete mirror pods`);
  }
}

async function admitMirrorPodCreate(c: PodRuleContext): Promise<void> {
  const { attrs, nodeName } = c;
  const pod = attrs.object;
  const q = goQuote(nodeName);
  if (!stringMapAt(pod, 'metadata', 'annotations').has(MIRROR_POD_ANNOTATION)) {
    throw admissionForbidden(attrs, `pod does not have ${goQuote(MIRROR_POD_ANNOTATION)} annotation, node ${q} can only create mirror pods`);
  }
  if (stringAt(pod, 'spec', 'nodeName') !== nodeName) throw admissionForbidden(attrs, `node ${q} can only create pods with spec.nodeName set to itself`);
  const owners = arrayAt(pod, 'metadata', 'ownerReferences');
  if (owners.length > 1) throw admissionForbidden(attrs, `node ${q} can only create pods with a single owner reference set to itself`);
  const owner = owners[0];
  if (owner === undefined) throw admissionForbidden(attrs, `node ${q} can only create pods with an owner reference set to itself`);
  if (stringAt(owner, 'apiVersion') !== 'v1' || stringAt(owner, 'kind') !== 'Node' || stringAt(owner, 'name') !== nodeName) {
    throw admissionForbidden(attrs, `node ${q} can only create pods with an owner reference set to itself`);
  }
  if (valueAt(owner, 'controller') !== true) throw admissionForbidden(attrs, `node ${q} can only create pods with a controller owner reference set to itself`);
  if (valueAt(owner, 'blockOwnerDeletion') === true) throw admissionForbidden(attrs, `node ${q} must not set blockOwnerDeletion on an owner reference`);

  let node;
  try {
    node = await c.reader.get(NODES, '', nodeName, c.signal);
  } catch (err) {
    if (c.signal?.aborted === true) throw readerFailure(attrs, err, c.signal);
    throw admissionForbidden(attrs, `error looking up node ${nodeName} to verify uid: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (node === undefined) throw listerNotFound('node', nodeName);
  const ownerUid = stringAt(owner, 'uid') ?? '';
  const nodeUid = node.metadata.uid ?? '';
  if (ownerUid !== nodeUid) throw admissionForbidden(attrs, `node ${nodeName} UID mismatch: expected ${ownerUid} got ${nodeUid}`);

  const serviceAccountName = stringAt(pod, 'spec', 'serviceAccountName');
  if (serviceAccountName !== undefined && serviceAccountName !== '') throw admissionForbidden(attrs, `node ${q} can not create pods that reference a service account`);
  if (podReferencesSecrets(pod)) throw admissionForbidden(attrs, `node ${q} can not create pods that reference secrets`);
  if (podReferencesConfigMaps(pod)) throw admissionForbidden(attrs, `node ${q} can not create pods that reference configmaps`);
  if (podReferencesClusterTrustBundles(pod)) throw admissionForbidden(attrs, `node ${q} can not create pods that reference clustertrustbundles`);
  if (podReferencesClaims(pod)) throw admissionForbidden(attrs, `node ${q} can not create pods that reference persistentvolumeclaims`);
}

// Only name and claim name count: kube compares exactly these two fields, in order.
function resourceClaimStatusesEqual(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i];
    if (stringAt(x, 'name') !== stringAt(y, 'name')) return false;
    const cx = valueAt(x, 'resourceClaimName');
    const cy = valueAt(y, 'resourceClaimName');
    return (cx ?? null) === (cy ?? null);
  });
}

export function admitPodStatus(c: PodRuleContext): void {
  const { attrs, nodeName } = c;
  if (attrs.operation !== 'UPDATE') throw admissionForbidden(attrs, `unexpected operation ${goQuote(attrs.operation)}`);
  const old = attrs.oldObject;
  if (old === undefined) throw admissionForbidden(attrs, 'unexpected type <nil>');
  if (stringAt(old, 'spec', 'nodeName') !== nodeName) {
    throw admissionForbidden(attrs, `node ${goQuote(nodeName)} can only update pod status for pods with spec.nodeName set to itself`);
  }
  if (!semanticEqual(valueAt(old, 'metadata', 'labels'), valueAt(attrs.object, 'metadata', 'labels'))) {
    throw admissionForbidden(attrs, `node ${goQuote(nodeName)} cannot update labels through pod status`);
  }
  if (!resourceClaimStatusesEqual(arrayAt(old, 'status', 'resourceClaimStatuses'), arrayAt(attrs.object, 'status', 'resourceClaimStatuses'))) {
    // "statues" is kube's spelling; clients may match on it.
    throw admissionForbidden(attrs, `node ${goQuote(nodeName)} cannot update resource claim statues`);
  }
}

export async function admitPodEviction(c: PodRuleContext): Promise<void> {
  const { attrs, nodeName } = c;
  if (attrs.operation !== 'CREATE') throw admissionForbidden(attrs, `unexpected operation ${attrs.operation}`);
  if (!isRecord(attrs.object)) throw admissionForbidden(attrs, 'unexpected type <nil>');
  // The pod named in the URL wins over the name inside the submitted Eviction.
  let podName = attrs.name;
  if (podName === '') {
    podName = stringAt(attrs.object, 'metadata', 'name') ?? '';
    if (podName === '') throw admissionForbidden(attrs, 'could not determine pod from request data');
  }
  let pod;
  try {
    pod = await c.reader.get(PODS, attrs.namespace, podName, c.signal);
  } catch (err) {
    throw readerFailure(attrs, err, c.signal);
  }
  if (pod === undefined) throw listerNotFound('pod', podName);
  if (stringAt(pod, 'spec', 'nodeName') !== nodeName) {
    throw admissionForbidden(attrs, `node ${nodeName} can only evict pods with spec.nodeName set to itself`);
  }
}
