// NodeRestriction: what a kubelet (user system:node:<name> in system:nodes)
// may write. The Node authorizer decides which verbs reach a resource; this
// plugin looks at the object, which the authorizer cannot see, so a kubelet
// acts only on its own Node, its own pods, its own Lease, CSINode and
// ResourceSlices, and can mint neither certificates nor tokens for another
// node. Everyone else passes untouched.

import type { ObjectReader } from '@logbook/admission';
import { goQuote } from '@logbook/apimachinery';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { CsrParseError, parseCsrSubject } from './csr-request.ts';
import { admissionForbidden, listerNotFound, readerFailure } from './forbidden.ts';
import { nodeIdentity } from './node-identity.ts';
import { admitNode, admitPvcStatus } from './node-restriction-nodes.ts';
import { admitPod, admitPodEviction, admitPodStatus, type PodRuleContext } from './node-restriction-pods.ts';
import { stringAt, valueAt } from './json-access.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
export const KUBE_APISERVER_CLIENT_KUBELET_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';

export interface NodeRestrictionOptions {
  /** Pods (for evictions and token bindings) and Nodes (for mirror pod owner UIDs). */
  readonly reader: ObjectReader;
}

function nameOnCreate(attrs: AdmissionAttributes): string {
  // On CREATE the request carries no name; the proposed object does.
  return attrs.operation === 'CREATE' ? stringAt(attrs.object, 'metadata', 'name') ?? '' : attrs.name;
}

function admitLease(attrs: AdmissionAttributes, nodeName: string): void {
  if (attrs.namespace !== NODE_LEASE_NAMESPACE) throw admissionForbidden(attrs, `can only access leases in the ${goQuote(NODE_LEASE_NAMESPACE)} system namespace`);
  if (nameOnCreate(attrs) !== nodeName) throw admissionForbidden(attrs, 'can only access node lease with the same name as the requesting node');
}

function admitCsiNode(attrs: AdmissionAttributes, nodeName: string): void {
  if (nameOnCreate(attrs) !== nodeName) throw admissionForbidden(attrs, 'can only access CSINode with the same name as the requesting node');
}

function admitResourceSlice(attrs: AdmissionAttributes, nodeName: string): void {
  // Other verbs are the Node authorizer's business: it sees the stored object; here only create and
  // delete need the object's content (and each item of a delete-collection comes through as a delete).
  if (attrs.operation === 'CREATE' && stringAt(attrs.object, 'spec', 'nodeName') !== nodeName) {
    throw admissionForbidden(attrs, 'can only create ResourceSlice with the same NodeName as the requesting node');
  }
  if (attrs.operation === 'DELETE' && stringAt(attrs.oldObject ?? attrs.object, 'spec', 'nodeName') !== nodeName) {
    throw admissionForbidden(attrs, 'can only delete ResourceSlice with the same NodeName as the requesting node');
  }
}

function admitCsr(attrs: AdmissionAttributes, nodeName: string): void {
  if (attrs.operation !== 'CREATE') return;
  const signerName = stringAt(attrs.object, 'spec', 'signerName');
  if (signerName !== KUBELET_SERVING_SIGNER && signerName !== KUBE_APISERVER_CLIENT_KUBELET_SIGNER) return;
  let commonName: string;
  try {
    commonName = parseCsrSubject(valueAt(attrs.object, 'spec', 'request')).commonName;
  } catch (err) {
    if (!(err instanceof CsrParseError)) throw err;
    throw admissionForbidden(attrs, `unable to parse csr: ${err.message}`);
  }
  if (commonName !== `system:node:${nodeName}`) throw admissionForbidden(attrs, `can only create a node CSR with CN=system:node:${nodeName}`);
}

async function admitServiceAccountToken(c: PodRuleContext): Promise<void> {
  const { attrs, nodeName } = c;
  if (attrs.operation !== 'CREATE' || attrs.subresource !== 'token') return;
  // A node's token must be bound to a pod running on it, so a stolen node credential cannot mint free-standing tokens.
  const ref = valueAt(attrs.object, 'spec', 'boundObjectRef');
  if (stringAt(ref, 'apiVersion') !== 'v1' || stringAt(ref, 'kind') !== 'Pod' || (stringAt(ref, 'name') ?? '') === '') {
    throw admissionForbidden(attrs, 'node requested token not bound to a pod');
  }
  const uid = stringAt(ref, 'uid') ?? '';
  if (uid === '') throw admissionForbidden(attrs, 'node requested token with a pod binding without a uid');
  const podName = stringAt(ref, 'name') ?? '';
  let pod;
  try {
    pod = await c.reader.get({ group: '', resource: 'pods' }, attrs.namespace, podName, c.signal);
  } catch (err) {
    throw readerFailure(attrs, err, c.signal);
  }
  if (pod === undefined) throw listerNotFound('pod', podName);
  if ((pod.metadata.uid ?? '') !== uid) {
    throw admissionForbidden(attrs, `the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  if (stringAt(pod, 'spec', 'nodeName') !== nodeName) throw admissionForbidden(attrs, 'node requested token bound to a pod scheduled on a different node');
}

export function nodeRestriction(opts: NodeRestrictionOptions): AdmissionPlugin {
  const { reader } = opts;
  return {
    name: 'NodeRestriction',
    async admit(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      const id = nodeIdentity(attrs.ctx);
      if (!id.isNode) return;
      const { nodeName } = id;
      if (nodeName === '') throw admissionForbidden(attrs, `could not determine node from user ${goQuote(attrs.ctx?.user ?? '')}`);
      const c: PodRuleContext = { attrs, nodeName, reader, signal };
      switch (`${attrs.group}/${attrs.resource}`) {
        case '/pods':
          switch (attrs.subresource) {
            case '': return admitPod(c);
            case 'status': return admitPodStatus(c);
            case 'eviction': return admitPodEviction(c);
            default: throw admissionForbidden(attrs, `unexpected pod subresource ${goQuote(attrs.subresource)}, only 'status' and 'eviction' are allowed`);
          }
        case '/nodes': return admitNode(attrs, nodeName);
        case '/persistentvolumeclaims':
          if (attrs.subresource === 'status') return admitPvcStatus(attrs, nodeName);
          throw admissionForbidden(attrs, 'may only update PVC status');
        case '/serviceaccounts': return admitServiceAccountToken(c);
        case 'coordination.k8s.io/leases': return admitLease(attrs, nodeName);
        case 'storage.k8s.io/csinodes': return admitCsiNode(attrs, nodeName);
        case 'resource.k8s.io/resourceslices': return admitResourceSlice(attrs, nodeName);
        case 'certificates.k8s.io/certificatesigningrequests': return admitCsr(attrs, nodeName);
        default: return;
      }
    },
  };
}
