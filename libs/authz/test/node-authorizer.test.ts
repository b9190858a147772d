import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributes, NodeGraph, nodeAuthorizer, userInfo, type Attributes, type NodeAttributes } from '../src/index.ts';

const node1 = userInfo('system:node:n1', { groups: ['system:nodes', 'system:authenticated'] });
const graph = new NodeGraph();
graph.onPod('added', {
  metadata: { namespace: 'ns', name: 'web' },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'web-sa',
    containers: [{ name: 'c' }],
    volumes: [{ name: 's', secret: { secretName: 'mine' } }, { name: 'c', configMap: { name: 'cm' } }, { name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
    resourceClaims: [{ name: 'gpu', resourceClaimName: 'gpu-claim' }],
  },
});
graph.onPod('added', { metadata: { namespace: 'ns', name: 'other' }, spec: { nodeName: 'n2', containers: [{ name: 'c' }], volumes: [{ name: 's', secret: { secretName: 'theirs' } }] } });
graph.onPersistentVolume('added', { metadata: { name: 'pv-data' }, spec: { claimRef: { namespace: 'ns', name: 'data' } } });
graph.onVolumeAttachment('added', { metadata: { name: 'va1' }, spec: { nodeName: 'n1' } });
graph.onResourceSlice('added', { metadata: { name: 'slice1' }, spec: { nodeName: 'n1' } });
graph.onResourceSlice('added', { metadata: { name: 'slice2' }, spec: { nodeName: 'n2' } });
const authz = nodeAuthorizer({ graph });

type Row = readonly [name: string, fields: Partial<Omit<NodeAttributes, 'user'>>, decision: 'Allow' | 'NoOpinion', reason: string];
const NOREL = "no relationship found between node 'n1' and this object";

const rows: readonly Row[] = [
  // graph-scoped reads
  ['get own pod\'s secret', { verb: 'get', resource: 'secrets', namespace: 'ns', name: 'mine' }, 'Allow', ''],
  ['watch own pod\'s secret by name', { verb: 'watch', resource: 'secrets', namespace: 'ns', name: 'mine' }, 'Allow', ''],
  ['get another node\'s secret', { verb: 'get', resource: 'secrets', namespace: 'ns', name: 'theirs' }, 'NoOpinion', NOREL],
  ['get unknown secret', { verb: 'get', resource: 'secrets', namespace: 'ns', name: 'nope' }, 'NoOpinion', NOREL],
  ['list all secrets', { verb: 'list', resource: 'secrets', namespace: 'ns' }, 'NoOpinion', 'No Object name found'],
  ['update a secret', { verb: 'update', resource: 'secrets', namespace: 'ns', name: 'mine' }, 'NoOpinion', 'can only read resources of this type'],
  ['secret subresource', { verb: 'get', resource: 'secrets', subresource: 'x', namespace: 'ns', name: 'mine' }, 'NoOpinion', 'cannot read subresource'],
  ['cluster-wide secret', { verb: 'get', resource: 'secrets', name: 'mine' }, 'NoOpinion', 'can only read namespaced object of this type'],
  ['get configmap', { verb: 'get', resource: 'configmaps', namespace: 'ns', name: 'cm' }, 'Allow', ''],
  ['get pvc', { verb: 'get', resource: 'persistentvolumeclaims', namespace: 'ns', name: 'data' }, 'Allow', ''],
  ['list pvcs', { verb: 'list', resource: 'persistentvolumeclaims', namespace: 'ns', name: 'data' }, 'NoOpinion', 'can only get individual resources of this type'],
  ['patch pvc status', { verb: 'patch', resource: 'persistentvolumeclaims', subresource: 'status', namespace: 'ns', name: 'data' }, 'Allow', ''],
  ['get pvc status', { verb: 'get', resource: 'persistentvolumeclaims', subresource: 'status', namespace: 'ns', name: 'data' }, 'NoOpinion', 'can only get/update/patch this type'],
  ['get pv', { verb: 'get', resource: 'persistentvolumes', name: 'pv-data' }, 'Allow', ''],
  ['get pv subresource', { verb: 'get', resource: 'persistentvolumes', subresource: 'status', name: 'pv-data' }, 'NoOpinion', 'cannot get subresource'],
  ['get resource claim', { verb: 'get', apiGroup: 'resource.k8s.io', resource: 'resourceclaims', namespace: 'ns', name: 'gpu-claim' }, 'Allow', ''],
  ['get volumeattachment', { verb: 'get', apiGroup: 'storage.k8s.io', resource: 'volumeattachments', name: 'va1' }, 'Allow', ''],
  ['get unrelated volumeattachment', { verb: 'get', apiGroup: 'storage.k8s.io', resource: 'volumeattachments', name: 'va9' }, 'NoOpinion', NOREL],
  // service account tokens
  ['token for own pod\'s service account', { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', name: 'web-sa' }, 'Allow', ''],
  ['token for another service account', { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', name: 'default' }, 'NoOpinion', NOREL],
  ['get a service account', { verb: 'get', resource: 'serviceaccounts', namespace: 'ns', name: 'web-sa' }, 'NoOpinion', 'can only create tokens for individual service accounts'],
  ['create a service account', { verb: 'create', resource: 'serviceaccounts', namespace: 'ns', name: 'web-sa' }, 'NoOpinion', 'can only create token subresource of serviceaccount'],
  // leases and CSINodes
  ['renew own lease', { verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n1' }, 'Allow', ''],
  ['create a lease (name unknown)', { verb: 'create', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease' }, 'Allow', ''],
  ['another node\'s lease', { verb: 'get', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n2' }, 'NoOpinion', 'can only access node lease with the same name as the requesting node'],
  ['lease elsewhere', { verb: 'get', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name: 'n1' }, 'NoOpinion', 'can only access leases in the "kube-node-lease" system namespace'],
  ['list leases', { verb: 'list', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease' }, 'NoOpinion', 'can only get, create, update, patch, or delete a node lease'],
  ['own CSINode', { verb: 'patch', apiGroup: 'storage.k8s.io', resource: 'csinodes', name: 'n1' }, 'Allow', ''],
  ['another CSINode', { verb: 'delete', apiGroup: 'storage.k8s.io', resource: 'csinodes', name: 'n2' }, 'NoOpinion', 'can only access CSINode with the same name as the requesting node'],
  ['CSINode subresource', { verb: 'get', apiGroup: 'storage.k8s.io', resource: 'csinodes', subresource: 'status', name: 'n1' }, 'NoOpinion', 'cannot authorize CSINode subresources'],
  ['watch CSINodes', { verb: 'watch', apiGroup: 'storage.k8s.io', resource: 'csinodes' }, 'NoOpinion', 'can only get, create, update, patch, or delete a CSINode'],
  // nodes (AuthorizeNodeWithSelectors on)
  ['get own node', { verb: 'get', resource: 'nodes', name: 'n1' }, 'Allow', ''],
  ['get own node before it exists (by name, not graph)', { verb: 'watch', resource: 'nodes', name: 'n1' }, 'Allow', ''],
  ['get another node', { verb: 'get', resource: 'nodes', name: 'n2' }, 'NoOpinion', "node 'n1' cannot read 'n2', only its own Node object"],
  ['list nodes', { verb: 'list', resource: 'nodes' }, 'NoOpinion', "node 'n1' cannot read all nodes, only its own Node object"],
  ['create a node', { verb: 'create', resource: 'nodes' }, 'Allow', ''],
  ['update node status', { verb: 'update', resource: 'nodes', subresource: 'status', name: 'n1' }, 'Allow', ''],
  ['delete a node', { verb: 'delete', resource: 'nodes', name: 'n1' }, 'NoOpinion', ''],
  // pods
  ['get own pod', { verb: 'get', resource: 'pods', namespace: 'ns', name: 'web' }, 'Allow', ''],
  ['get another node\'s pod', { verb: 'get', resource: 'pods', namespace: 'ns', name: 'other' }, 'NoOpinion', NOREL],
  ['list pods on own node', { verb: 'list', resource: 'pods', fieldSelector: [{ field: 'spec.nodeName', operator: '=', value: 'n1' }] }, 'Allow', ''],
  ['watch pods on another node', { verb: 'watch', resource: 'pods', fieldSelector: [{ field: 'spec.nodeName', operator: '=', value: 'n2' }] }, 'NoOpinion', 'can only list/watch pods with spec.nodeName field selector'],
  ['list pods with != selector', { verb: 'list', resource: 'pods', fieldSelector: [{ field: 'spec.nodeName', operator: '!=', value: 'n1' }] }, 'NoOpinion', 'can only list/watch pods with spec.nodeName field selector'],
  ['watch one own pod by name', { verb: 'watch', resource: 'pods', namespace: 'ns', name: 'web' }, 'Allow', ''],
  ['create a mirror pod', { verb: 'create', resource: 'pods', namespace: 'ns' }, 'Allow', ''],
  ['update pod status', { verb: 'patch', resource: 'pods', subresource: 'status', namespace: 'ns', name: 'web' }, 'Allow', ''],
  ['evict a pod', { verb: 'create', resource: 'pods', subresource: 'eviction', namespace: 'ns', name: 'web' }, 'Allow', ''],
  ['exec into a pod', { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'ns', name: 'web' }, 'NoOpinion', ''],
  ['update a pod', { verb: 'update', resource: 'pods', namespace: 'ns', name: 'web' }, 'NoOpinion', ''],
  // resource slices
  ['create a slice', { verb: 'create', apiGroup: 'resource.k8s.io', resource: 'resourceslices' }, 'Allow', ''],
  ['update own slice', { verb: 'update', apiGroup: 'resource.k8s.io', resource: 'resourceslices', name: 'slice1' }, 'Allow', ''],
  ['delete another node\'s slice', { verb: 'delete', apiGroup: 'resource.k8s.io', resource: 'resourceslices', name: 'slice2' }, 'NoOpinion', NOREL],
  ['list own slices', { verb: 'list', apiGroup: 'resource.k8s.io', resource: 'resourceslices', fieldSelector: [{ field: 'nodeName', operator: '=', value: 'n1' }] }, 'Allow', ''],
  ['list all slices', { verb: 'list', apiGroup: 'resource.k8s.io', resource: 'resourceslices' }, 'NoOpinion', 'can only list/watch/deletecollection resourceslices with nodeName field selector'],
  ['slice subresource', { verb: 'get', apiGroup: 'resource.k8s.io', resource: 'resourceslices', subresource: 'status', name: 'slice1' }, 'NoOpinion', 'cannot authorize ResourceSlice subresources'],
  ['escalate a slice', { verb: 'escalate', apiGroup: 'resource.k8s.io', resource: 'resourceslices', name: 'slice1' }, 'NoOpinion', 'only the following verbs are allowed for a ResourceSlice: get, watch, list, create, update, patch, delete, deletecollection'],
  // static system:node rules
  ['list services', { verb: 'list', resource: 'services' }, 'Allow', ''],
  ['create events', { verb: 'create', resource: 'events', namespace: 'ns' }, 'Allow', ''],
  ['create a CSR', { verb: 'create', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests' }, 'Allow', ''],
  ['create a TokenReview', { verb: 'create', apiGroup: 'authentication.k8s.io', resource: 'tokenreviews' }, 'Allow', ''],
  ['delete a deployment', { verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: 'ns', name: 'd' }, 'NoOpinion', ''],
  ['non-resource /healthz', { verb: 'get', resourceRequest: false, path: '/healthz' }, 'NoOpinion', ''],
];

for (const [name, fields, decision, reason] of rows) {
  test(`node n1: ${name}`, async () => {
    const { fieldSelector, ...rest } = fields;
    const attrs: NodeAttributes = { ...attributes(node1, rest), ...(fieldSelector === undefined ? {} : { fieldSelector }) };
    assert.deepEqual(await authz.authorize(attrs), { decision, reason });
  });
}

test('only users named system:node:<name> in group system:nodes are nodes', async () => {
  const secret: Omit<Attributes, 'user'> = { ...attributes(node1, { verb: 'get', resource: 'secrets', namespace: 'ns', name: 'mine' }) };
  const cases: readonly [ReturnType<typeof userInfo>, string][] = [
    [userInfo('system:node:n1'), ''],
    [userInfo('n1', { groups: ['system:nodes'] }), ''],
    [userInfo('system:serviceaccount:ns:web-sa', { groups: ['system:nodes'] }), ''],
    [userInfo('system:node:', { groups: ['system:nodes'] }), 'unknown node for user "system:node:"'],
  ];
  for (const [user, reason] of cases) {
    assert.deepEqual(await authz.authorize({ ...secret, user }), { decision: 'NoOpinion', reason }, user.name);
  }
});

test('without AuthorizeNodeWithSelectors, nodes and pods fall to the static rules', async () => {
  const legacy = nodeAuthorizer({ graph, authorizeWithSelectors: false });
  assert.equal((await legacy.authorize(attributes(node1, { verb: 'list', resource: 'pods' }))).decision, 'Allow');
  assert.equal((await legacy.authorize(attributes(node1, { verb: 'get', resource: 'nodes', name: 'n2' }))).decision, 'Allow');
  assert.equal((await legacy.authorize(attributes(node1, { verb: 'list', apiGroup: 'resource.k8s.io', resource: 'resourceslices' }))).decision, 'Allow');
  assert.equal((await legacy.authorize(attributes(node1, { verb: 'get', resource: 'secrets', namespace: 'ns', name: 'theirs' }))).decision, 'NoOpinion');
});

test('custom static rules replace the system:node rules', async () => {
  const strict = nodeAuthorizer({ graph, nodeRules: [] });
  assert.deepEqual(await strict.authorize(attributes(node1, { verb: 'list', resource: 'services' })), { decision: 'NoOpinion', reason: '' });
});

test('rulesFor: incomplete with kube\'s error for nodes, empty for everyone else', async () => {
  assert.deepEqual(await authz.rulesFor(node1), { resourceRules: [], nonResourceRules: [], incomplete: true, error: 'node authorizer does not support user rule resolution' });
  assert.deepEqual(await authz.rulesFor(userInfo('alice')), { resourceRules: [], nonResourceRules: [], incomplete: false });
});
