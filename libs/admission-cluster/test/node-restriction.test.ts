import { MemoryObjectReader } from '@logbook/admission';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeIdentity, nodeRestriction } from '../src/index.ts';
import { attrs, rejectsWith, run, type AttrsInput } from './attrs.ts';
import { csrRequest } from './csr-fixtures.ts';

const PODS = { group: '', resource: 'pods' };
const NODES = { group: '', resource: 'nodes' };
const reader = new MemoryObjectReader([
  [NODES, { metadata: { name: 'n1', uid: 'uid-n1' } }],
  [PODS, { metadata: { name: 'mine', namespace: 'ns', uid: 'pod-uid-1' }, spec: { nodeName: 'n1' } }],
  [PODS, { metadata: { name: 'theirs', namespace: 'ns', uid: 'pod-uid-2' }, spec: { nodeName: 'n2' } }],
]);
const plugin = nodeRestriction({ reader });
const N1 = { user: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

type Case = { name: string; in: Omit<AttrsInput, 'user' | 'groups'> & { user?: string; groups?: readonly string[] }; error?: [number, string, string] };

function table(title: string, cases: readonly Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const p = run(() => plugin.admit?.(attrs({ ...N1, ...c.in })));
        if (c.error === undefined) await p;
        else await rejectsWith(p, ...c.error);
      });
    }
  });
}

const forbid = (resource: string, name: string, msg: string): [number, string, string] => [403, 'Forbidden', `${resource} "${name}" is forbidden: ${msg}`];

describe('nodeIdentity', () => {
  it('needs both the user prefix and the group', () => {
    assert.deepEqual(nodeIdentity({ user: 'system:node:a', groups: ['system:nodes'] }), { isNode: true, nodeName: 'a' });
    assert.deepEqual(nodeIdentity({ user: 'system:node:a', groups: [] }), { isNode: false });
    assert.deepEqual(nodeIdentity({ user: 'alice', groups: ['system:nodes'] }), { isNode: false });
    assert.deepEqual(nodeIdentity(undefined), { isNode: false });
    assert.deepEqual(nodeIdentity({ user: 'system:node:', groups: ['system:nodes'] }), { isNode: true, nodeName: '' });
  });
});

table('who is restricted', [
  { name: 'non-node users pass anything', in: { user: 'alice', groups: ['system:masters'], resource: 'nodes', operation: 'UPDATE', name: 'n2', object: { metadata: { name: 'n2' } }, oldObject: { metadata: { name: 'n2' } } } },
  { name: 'node-named user outside system:nodes passes', in: { user: 'system:node:n1', groups: [], resource: 'nodes', operation: 'DELETE', name: 'n2' } },
  { name: 'server writes pass', in: { internal: true, resource: 'nodes', operation: 'DELETE', name: 'n2' } },
  { name: 'empty node name', in: { user: 'system:node:', resource: 'configmaps', name: 'x' }, error: forbid('configmaps', 'x', 'could not determine node from user "system:node:"') },
  { name: 'unrelated resources pass', in: { resource: 'configmaps', namespace: 'ns', object: { metadata: { name: 'cm' } } } },
]);

const node = (labels: Record<string, string> = {}, spec: Record<string, unknown> = {}): Record<string, unknown> => ({ metadata: { name: 'n1', labels }, spec });
table('nodes', [
  { name: 'create own node', in: { resource: 'nodes', name: 'n1', object: node({ 'kubernetes.io/hostname': 'n1', 'node.kubernetes.io/instance-type': 'm5', 'foo.node.kubernetes.io/x': '1', 'example.com/team': 'a' }) } },
  { name: 'create another node', in: { resource: 'nodes', name: 'n2', object: { metadata: { name: 'n2' } } }, error: forbid('nodes', 'n2', 'node "n1" is not allowed to modify node "n2"') },
  { name: 'delete another node', in: { resource: 'nodes', operation: 'DELETE', name: 'n2' }, error: forbid('nodes', 'n2', 'node "n1" is not allowed to modify node "n2"') },
  { name: 'delete own node', in: { resource: 'nodes', operation: 'DELETE', name: 'n1' } },
  { name: 'create with restricted labels', in: { resource: 'nodes', name: 'n1', object: node({ 'node-restriction.kubernetes.io/pool': 'a', 'x.node-restriction.kubernetes.io/b': '1', 'node-role.kubernetes.io/master': '', 'k8s.io/x': '1' }) },
    error: forbid('nodes', 'n1', 'node "n1" is not allowed to set the following labels: k8s.io/x, node-restriction.kubernetes.io/pool, node-role.kubernetes.io/master, x.node-restriction.kubernetes.io/b') },
  { name: 'create with configSource', in: { resource: 'nodes', name: 'n1', object: node({}, { configSource: { configMap: {} } }) }, error: forbid('nodes', 'n1', 'node "n1" is not allowed to create pods with a non-nil configSource') },
  { name: 'update status keeping restricted labels', in: { resource: 'nodes', operation: 'UPDATE', subresource: 'status', name: 'n1', object: node({ 'node-restriction.kubernetes.io/pool': 'a' }), oldObject: node({ 'node-restriction.kubernetes.io/pool': 'a' }) } },
  { name: 'update removing a restricted label', in: { resource: 'nodes', operation: 'UPDATE', name: 'n1', object: node({}), oldObject: node({ 'node-restriction.kubernetes.io/pool': 'a' }) }, error: forbid('nodes', 'n1', 'is not allowed to modify labels: node-restriction.kubernetes.io/pool') },
  { name: 'update changing an unknown kubernetes.io label', in: { resource: 'nodes', operation: 'UPDATE', name: 'n1', object: node({ 'kubernetes.io/role': 'b' }), oldObject: node({ 'kubernetes.io/role': 'a' }) }, error: forbid('nodes', 'n1', 'is not allowed to modify labels: kubernetes.io/role') },
  { name: 'update changing kubelet labels', in: { resource: 'nodes', operation: 'UPDATE', name: 'n1', object: node({ 'kubernetes.io/arch': 'arm64', 'topology.kubernetes.io/zone': 'b' }), oldObject: node({ 'kubernetes.io/arch': 'amd64' }) } },
  { name: 'update taints', in: { resource: 'nodes', operation: 'UPDATE', name: 'n1', object: node({}, { taints: [] }), oldObject: node({}, { taints: [{ key: 'k', effect: 'NoSchedule' }] }) }, error: forbid('nodes', 'n1', 'node "n1" is not allowed to modify taints') },
  { name: 'absent taints equal empty taints', in: { resource: 'nodes', operation: 'UPDATE', name: 'n1', object: node({}, { taints: [] }), oldObject: node({}, {}) } },
  { name: 'update configSource to a new value', in: { resource: 'nodes', operation: 'UPDATE', name: 'n1', object: node({}, { configSource: { a: 1 } }), oldObject: node({}, {}) }, error: forbid('nodes', 'n1', 'node "n1" is not allowed to update configSource to a new non-nil configSource') },
  { name: 'dropping configSource is allowed', in: { resource: 'nodes', operation: 'UPDATE', name: 'n1', object: node({}, {}), oldObject: node({}, { configSource: { a: 1 } }) } },
]);

const mirror = (over: { spec?: Record<string, unknown>; owners?: unknown[]; annotations?: Record<string, string> } = {}): Record<string, unknown> => ({
  metadata: {
    name: 'static-web-n1', namespace: 'ns',
    annotations: over.annotations ?? { 'kubernetes.io/config.mirror': 'hash' },
    ownerReferences: over.owners ?? [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-n1', controller: true }],
  },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }], ...over.spec },
});
const podForbid = (msg: string): [number, string, string] => forbid('pods', 'static-web-n1', msg);
const withContainer = (c: Record<string, unknown>): Record<string, unknown> => ({ containers: [{ name: 'c', image: 'i', ...c }] });
table('mirror pods', [
  { name: 'valid mirror pod', in: { resource: 'pods', namespace: 'ns', object: mirror() } },
  { name: 'not a mirror pod', in: { resource: 'pods', namespace: 'ns', object: mirror({ annotations: {} }) }, error: podForbid('pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods') },
  { name: 'bound elsewhere', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { nodeName: 'n2' } }) }, error: podForbid('node "n1" can only create pods with spec.nodeName set to itself') },
  { name: 'no owner', in: { resource: 'pods', namespace: 'ns', object: mirror({ owners: [] }) }, error: podForbid('node "n1" can only create pods with an owner reference set to itself') },
  { name: 'two owners', in: { resource: 'pods', namespace: 'ns', object: mirror({ owners: [{}, {}] }) }, error: podForbid('node "n1" can only create pods with a single owner reference set to itself') },
  { name: 'owner is another node', in: { resource: 'pods', namespace: 'ns', object: mirror({ owners: [{ apiVersion: 'v1', kind: 'Node', name: 'n2', uid: 'x', controller: true }] }) }, error: podForbid('node "n1" can only create pods with an owner reference set to itself') },
  { name: 'owner not controller', in: { resource: 'pods', namespace: 'ns', object: mirror({ owners: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-n1' }] }) }, error: podForbid('node "n1" can only create pods with a controller owner reference set to itself') },
  { name: 'blockOwnerDeletion', in: { resource: 'pods', namespace: 'ns', object: mirror({ owners: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-n1', controller: true, blockOwnerDeletion: true }] }) }, error: podForbid('node "n1" must not set blockOwnerDeletion on an owner reference') },
  { name: 'stale node uid', in: { resource: 'pods', namespace: 'ns', object: mirror({ owners: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'old', controller: true }] }) }, error: podForbid('node n1 UID mismatch: expected old got uid-n1') },
  { name: 'service account', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { serviceAccountName: 'default' } }) }, error: podForbid('node "n1" can not create pods that reference a service account') },
  { name: 'image pull secret', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { imagePullSecrets: [{ name: 'r' }] } }) }, error: podForbid('node "n1" can not create pods that reference secrets') },
  { name: 'secret volume', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { volumes: [{ name: 'v', secret: { secretName: 's' } }] } }) }, error: podForbid('node "n1" can not create pods that reference secrets') },
  { name: 'csi nodePublishSecretRef', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { volumes: [{ name: 'v', csi: { driver: 'd', nodePublishSecretRef: { name: 's' } } }] } }) }, error: podForbid('node "n1" can not create pods that reference secrets') },
  { name: 'secretKeyRef in an init container', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { initContainers: [{ name: 'i', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } }) }, error: podForbid('node "n1" can not create pods that reference secrets') },
  { name: 'projected secret', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 's' } }] } }] } }) }, error: podForbid('node "n1" can not create pods that reference secrets') },
  { name: 'configMap envFrom', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: withContainer({ envFrom: [{ configMapRef: { name: 'c' } }] }) }) }, error: podForbid('node "n1" can not create pods that reference configmaps') },
  { name: 'configMap volume', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { volumes: [{ name: 'v', configMap: { name: 'c' } }] } }) }, error: podForbid('node "n1" can not create pods that reference configmaps') },
  { name: 'clusterTrustBundle', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { volumes: [{ name: 'v', projected: { sources: [{ clusterTrustBundle: { name: 'b', path: 'p' } }] } }] } }) }, error: podForbid('node "n1" can not create pods that reference clustertrustbundles') },
  { name: 'PVC volume', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] } }) }, error: podForbid('node "n1" can not create pods that reference persistentvolumeclaims') },
  { name: 'hostPath and plain env are fine', in: { resource: 'pods', namespace: 'ns', object: mirror({ spec: { ...withContainer({ env: [{ name: 'A', value: 'b' }] }), volumes: [{ name: 'v', hostPath: { path: '/x' } }] } }) } },
  { name: 'delete own pod', in: { resource: 'pods', operation: 'DELETE', namespace: 'ns', name: 'mine', object: { metadata: { name: 'mine' }, spec: { nodeName: 'n1' } } } },
  { name: 'delete another node\'s pod', in: { resource: 'pods', operation: 'DELETE', namespace: 'ns', name: 'theirs', object: { metadata: { name: 'theirs' }, spec: { nodeName: 'n2' } } }, error: forbid('pods', 'theirs', 'node "n1" can only delete pods with spec.nodeName set to itself') },
  { name: 'update a pod', in: { resource: 'pods', operation: 'UPDATE', namespace: 'ns', name: 'mine', object: { metadata: { name: 'mine' } }, oldObject: { metadata: { name: 'mine' } } }, error: forbid('pods', 'mine', 'unexpected operation "UPDATE", node "n1" can only create and delete mirror pods') },
  { name: 'other pod subresource', in: { resource: 'pods', operation: 'CREATE', subresource: 'binding', namespace: 'ns', name: 'mine' }, error: forbid('pods', 'mine', 'unexpected pod subresource "binding", only \'status\' and \'eviction\' are allowed') },
]);

describe('mirror pod for a node that does not exist', () => {
  it('answers the lister\'s 404', async () => {
    const p = nodeRestriction({ reader: new MemoryObjectReader() });
    await rejectsWith(run(() => p.admit?.(attrs({ ...N1, resource: 'pods', namespace: 'ns', object: mirror() }))), 404, 'NotFound', 'node "n1" not found');
  });
});

const podWith = (nodeName: string, labels: Record<string, string> = {}, claims: unknown[] = []): Record<string, unknown> =>
  ({ metadata: { name: 'mine', labels }, spec: { nodeName }, status: { phase: 'Running', resourceClaimStatuses: claims } });
table('pod status and eviction', [
  { name: 'status of own pod', in: { resource: 'pods', operation: 'UPDATE', subresource: 'status', namespace: 'ns', name: 'mine', object: podWith('n1'), oldObject: podWith('n1') } },
  { name: 'status of another node\'s pod', in: { resource: 'pods', operation: 'UPDATE', subresource: 'status', namespace: 'ns', name: 'mine', object: podWith('n1'), oldObject: podWith('n2') }, error: forbid('pods', 'mine', 'node "n1" can only update pod status for pods with spec.nodeName set to itself') },
  { name: 'labels through status', in: { resource: 'pods', operation: 'UPDATE', subresource: 'status', namespace: 'ns', name: 'mine', object: podWith('n1', { a: 'b' }), oldObject: podWith('n1') }, error: forbid('pods', 'mine', 'node "n1" cannot update labels through pod status') },
  { name: 'resource claim statuses', in: { resource: 'pods', operation: 'UPDATE', subresource: 'status', namespace: 'ns', name: 'mine', object: podWith('n1', {}, [{ name: 'c', resourceClaimName: 'x' }]), oldObject: podWith('n1', {}, [{ name: 'c' }]) }, error: forbid('pods', 'mine', 'node "n1" cannot update resource claim statues') },
  { name: 'evict own pod', in: { resource: 'pods', subresource: 'eviction', namespace: 'ns', name: 'mine', object: { metadata: { name: 'mine' } } } },
  { name: 'evict by the name in the body', in: { resource: 'pods', subresource: 'eviction', namespace: 'ns', object: { metadata: { name: 'mine' } } } },
  { name: 'evict another node\'s pod', in: { resource: 'pods', subresource: 'eviction', namespace: 'ns', name: 'theirs', object: { metadata: { name: 'theirs' } } }, error: forbid('pods', 'theirs', 'node n1 can only evict pods with spec.nodeName set to itself') },
  { name: 'evict a missing pod', in: { resource: 'pods', subresource: 'eviction', namespace: 'ns', name: 'gone', object: { metadata: { name: 'gone' } } }, error: [404, 'NotFound', 'pod "gone" not found'] },
  { name: 'evict without any name', in: { resource: 'pods', subresource: 'eviction', namespace: 'ns', object: { metadata: {} } }, error: forbid('pods', 'Unknown', 'could not determine pod from request data') },
]);

const lease = (name: string): Record<string, unknown> => ({ metadata: { name, namespace: 'kube-node-lease' } });
table('leases, CSINodes, ResourceSlices, PVC status', [
  { name: 'create own lease', in: { group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', object: lease('n1') } },
  { name: 'create another node\'s lease', in: { group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', object: lease('n2') }, error: forbid('leases.coordination.k8s.io', 'n2', 'can only access node lease with the same name as the requesting node') },
  { name: 'update another node\'s lease', in: { group: 'coordination.k8s.io', resource: 'leases', operation: 'UPDATE', namespace: 'kube-node-lease', name: 'n2', object: lease('n2'), oldObject: lease('n2') }, error: forbid('leases.coordination.k8s.io', 'n2', 'can only access node lease with the same name as the requesting node') },
  { name: 'lease outside kube-node-lease', in: { group: 'coordination.k8s.io', resource: 'leases', operation: 'UPDATE', namespace: 'kube-system', name: 'n1', object: lease('n1') }, error: forbid('leases.coordination.k8s.io', 'n1', 'can only access leases in the "kube-node-lease" system namespace') },
  { name: 'delete own lease', in: { group: 'coordination.k8s.io', resource: 'leases', operation: 'DELETE', namespace: 'kube-node-lease', name: 'n1' } },
  { name: 'own CSINode', in: { group: 'storage.k8s.io', resource: 'csinodes', object: { metadata: { name: 'n1' } } } },
  { name: 'another CSINode', in: { group: 'storage.k8s.io', resource: 'csinodes', operation: 'UPDATE', name: 'n2', object: { metadata: { name: 'n2' } } }, error: forbid('csinodes.storage.k8s.io', 'n2', 'can only access CSINode with the same name as the requesting node') },
  { name: 'own ResourceSlice', in: { group: 'resource.k8s.io', resource: 'resourceslices', object: { metadata: { name: 's' }, spec: { nodeName: 'n1' } } } },
  { name: 'ResourceSlice for another node', in: { group: 'resource.k8s.io', resource: 'resourceslices', object: { metadata: { name: 's' }, spec: { nodeName: 'n2' } } }, error: forbid('resourceslices.resource.k8s.io', 's', 'can only create ResourceSlice with the same NodeName as the requesting node') },
  { name: 'delete another node\'s ResourceSlice', in: { group: 'resource.k8s.io', resource: 'resourceslices', operation: 'DELETE', name: 's', object: { metadata: { name: 's' }, spec: { nodeName: 'n2' } } }, error: forbid('resourceslices.resource.k8s.io', 's', 'can only delete ResourceSlice with the same NodeName as the requesting node') },
  { name: 'PVC spec write', in: { resource: 'persistentvolumeclaims', operation: 'UPDATE', namespace: 'ns', name: 'c', object: { metadata: { name: 'c' } } }, error: forbid('persistentvolumeclaims', 'c', 'may only update PVC status') },
  { name: 'PVC capacity and conditions', in: { resource: 'persistentvolumeclaims', operation: 'UPDATE', subresource: 'status', namespace: 'ns', name: 'c',
    object: { metadata: { name: 'c', resourceVersion: '' }, status: { phase: 'Bound', capacity: { storage: '2Gi' }, conditions: [{ type: 'Resizing' }] } },
    oldObject: { metadata: { name: 'c', resourceVersion: '7' }, status: { phase: 'Bound', capacity: { storage: '1Gi' } } } } },
  { name: 'PVC phase through status', in: { resource: 'persistentvolumeclaims', operation: 'UPDATE', subresource: 'status', namespace: 'ns', name: 'c',
    object: { metadata: { name: 'c', labels: { a: 'b' } }, status: { phase: 'Lost' } }, oldObject: { metadata: { name: 'c' }, status: { phase: 'Bound' } } },
    error: forbid('persistentvolumeclaims', 'c', 'node "n1" is not allowed to update fields other than status.quantity and status.conditions: metadata.labels, status.phase') },
]);

describe('service account tokens', () => {
  const token = (ref: Record<string, unknown> | undefined): Record<string, unknown> => ({ metadata: {}, spec: { audiences: ['api'], ...(ref ? { boundObjectRef: ref } : {}) } });
  const base = { resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', name: 'default' } as const;
  const cases: Case[] = [
    { name: 'bound to own pod', in: { ...base, object: token({ apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'pod-uid-1' }) } },
    { name: 'unbound', in: { ...base, object: token(undefined) }, error: forbid('serviceaccounts', 'default', 'node requested token not bound to a pod') },
    { name: 'bound to a secret', in: { ...base, object: token({ apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'u' }) }, error: forbid('serviceaccounts', 'default', 'node requested token not bound to a pod') },
    { name: 'no uid', in: { ...base, object: token({ apiVersion: 'v1', kind: 'Pod', name: 'mine' }) }, error: forbid('serviceaccounts', 'default', 'node requested token with a pod binding without a uid') },
    { name: 'stale uid', in: { ...base, object: token({ apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'old' }) }, error: forbid('serviceaccounts', 'default', 'the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated') },
    { name: 'pod on another node', in: { ...base, object: token({ apiVersion: 'v1', kind: 'Pod', name: 'theirs', uid: 'pod-uid-2' }) }, error: forbid('serviceaccounts', 'default', 'node requested token bound to a pod scheduled on a different node') },
    { name: 'missing pod', in: { ...base, object: token({ apiVersion: 'v1', kind: 'Pod', name: 'gone', uid: 'u' }) }, error: [404, 'NotFound', 'pod "gone" not found'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const p = run(() => plugin.admit?.(attrs({ ...N1, ...c.in })));
      if (c.error === undefined) await p;
      else await rejectsWith(p, ...c.error);
    });
  }
});

describe('node CSRs', () => {
  const CSR = { group: 'certificates.k8s.io', resource: 'certificatesigningrequests' } as const;
  const cases: { name: string; signer: string; subject: string; error?: string }[] = [
    { name: 'own client cert', signer: 'kubernetes.io/kube-apiserver-client-kubelet', subject: 'CN=system:node:n1, O=system:nodes' },
    { name: 'own serving cert', signer: 'kubernetes.io/kubelet-serving', subject: 'CN=system:node:n1, O=system:nodes' },
    { name: 'client cert for another node', signer: 'kubernetes.io/kube-apiserver-client-kubelet', subject: 'CN=system:node:n2, O=system:nodes', error: 'can only create a node CSR with CN=system:node:n1' },
    { name: 'serving cert for another node', signer: 'kubernetes.io/kubelet-serving', subject: 'CN=system:node:n2', error: 'can only create a node CSR with CN=system:node:n1' },
    { name: 'other signers are not checked here', signer: 'example.com/x', subject: 'CN=anything' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const obj = { metadata: { name: 'csr-n1' }, spec: { signerName: c.signer, request: await csrRequest(c.subject) } };
      const p = run(() => plugin.admit?.(attrs({ ...N1, ...CSR, object: obj })));
      if (c.error === undefined) await p;
      else await rejectsWith(p, 403, 'Forbidden', `certificatesigningrequests.certificates.k8s.io "csr-n1" is forbidden: ${c.error}`);
    });
  }
  it('unparsable request', async () => {
    const obj = { metadata: { name: 'csr-n1' }, spec: { signerName: 'kubernetes.io/kubelet-serving', request: 'aGVsbG8=' } };
    await rejectsWith(run(() => plugin.admit?.(attrs({ ...N1, ...CSR, object: obj }))), 403, 'Forbidden',
      'certificatesigningrequests.certificates.k8s.io "csr-n1" is forbidden: unable to parse csr: PEM block type must be CERTIFICATE REQUEST');
  });
});
