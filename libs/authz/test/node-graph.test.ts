import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeGraph, persistentVolumeReferences, podReferences } from '../src/index.ts';

function pod(name: string, nodeName: string, spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): unknown {
  return { metadata: { namespace: 'ns', name }, spec: { nodeName, containers: [{ name: 'c' }], ...spec }, ...extra };
}

const richSpec = {
  serviceAccountName: 'sa',
  imagePullSecrets: [{ name: 'pull' }],
  initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'init-envfrom' } }] }],
  containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'envfrom-cm' } }] }],
  ephemeralContainers: [{ name: 'e', envFrom: [{ secretRef: { name: 'ephemeral-secret' } }] }],
  volumes: [
    { name: 'v1', secret: { secretName: 'vol-secret' } },
    { name: 'v2', configMap: { name: 'vol-cm' } },
    { name: 'v3', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }, { serviceAccountToken: { path: 't' } }] } },
    { name: 'v4', persistentVolumeClaim: { claimName: 'data' } },
    { name: 'v5', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi-secret' } } },
    { name: 'v6', rbd: { monitors: [], image: 'i', secretRef: { name: 'rbd-secret' } } },
    { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
  ],
  resourceClaims: [{ name: 'gpu', resourceClaimName: 'shared-gpu' }, { name: 'tmpl', resourceClaimTemplateName: 't' }, { name: 'pending', resourceClaimTemplateName: 't' }],
};

test('podReferences reads every reference kube visits', () => {
  const r = podReferences(pod('web', 'n1', richSpec, { status: { resourceClaimStatuses: [{ name: 'tmpl', resourceClaimName: 'web-tmpl-x7' }] } }));
  assert.deepEqual([...r.secrets].sort(), ['csi-secret', 'env-secret', 'ephemeral-secret', 'init-envfrom', 'proj-secret', 'pull', 'rbd-secret', 'vol-secret']);
  assert.deepEqual([...r.configMaps].sort(), ['env-cm', 'envfrom-cm', 'proj-cm', 'vol-cm']);
  assert.deepEqual([...r.persistentVolumeClaims].sort(), ['data', 'web-scratch']);
  // A template claim not yet reported in status has no name to grant.
  assert.deepEqual([...r.resourceClaims].sort(), ['shared-gpu', 'web-tmpl-x7']);
  assert.equal(r.serviceAccount, 'sa');
});

test('podReferences tolerates junk shapes without inventing references', () => {
  for (const junk of [null, 42, 'pod', [], {}, { spec: null }, { spec: { containers: 'x', volumes: [null, 1, { secret: 'x' }], imagePullSecrets: {} } }]) {
    const r = podReferences(junk);
    assert.equal(r.secrets.size + r.configMaps.size + r.persistentVolumeClaims.size + r.resourceClaims.size, 0, JSON.stringify(junk));
    assert.equal(r.serviceAccount, '');
  }
});

test('persistentVolumeReferences: claimRef, CSI secrets with their namespaces, legacy secrets default to the claim namespace', () => {
  const r = persistentVolumeReferences({
    metadata: { name: 'pv1' },
    spec: { claimRef: { namespace: 'ns', name: 'data' }, csi: { driver: 'd', nodeStageSecretRef: { namespace: 'csi-ns', name: 'stage' }, controllerExpandSecretRef: { name: 'expand' } } },
  });
  assert.deepEqual(r, { claim: { namespace: 'ns', name: 'data' }, secrets: [{ namespace: 'csi-ns', name: 'stage' }, { namespace: 'ns', name: 'expand' }] });
  assert.deepEqual(persistentVolumeReferences({ spec: { azureFile: { secretName: 'az', secretNamespace: 'other' } } }), { secrets: [{ namespace: 'other', name: 'az' }] });
  assert.deepEqual(persistentVolumeReferences({ spec: {} }), { secrets: [] });
});

const rich = pod('web', 'n1', richSpec, { status: { resourceClaimStatuses: [{ name: 'tmpl', resourceClaimName: 'web-tmpl-x7' }] } });

const relationships: readonly [type: Parameters<NodeGraph['hasPath']>[1], namespace: string, name: string, n1: boolean][] = [
  ['pod', 'ns', 'web', true],
  ['secret', 'ns', 'vol-secret', true],
  ['secret', 'ns', 'pull', true],
  ['secret', 'other', 'vol-secret', false],
  ['secret', 'ns', 'unrelated', false],
  ['configmap', 'ns', 'proj-cm', true],
  ['configmap', 'ns', 'vol-secret', false],
  ['serviceaccount', 'ns', 'sa', true],
  ['serviceaccount', 'ns', 'default', false],
  ['pvc', 'ns', 'data', true],
  ['pvc', 'ns', 'web-scratch', true],
  ['resourceclaim', 'ns', 'shared-gpu', true],
  ['resourceclaim', 'ns', 'web-tmpl-x7', true],
  ['pv', '', 'pv-data', true],
  ['pv', '', 'pv-other', false],
  ['secret', 'ns', 'pv-secret', true],
  ['secret', 'ns', 'other-pv-secret', false],
  ['volumeattachment', '', 'va1', true],
  ['resourceslice', '', 'slice1', true],
];

function populated(): NodeGraph {
  const g = new NodeGraph();
  g.onPod('added', rich);
  g.onPersistentVolume('added', { metadata: { name: 'pv-data' }, spec: { claimRef: { namespace: 'ns', name: 'data' }, csi: { driver: 'd', nodePublishSecretRef: { namespace: 'ns', name: 'pv-secret' } } } });
  g.onPersistentVolume('added', { metadata: { name: 'pv-other' }, spec: { claimRef: { namespace: 'ns', name: 'someone-elses' }, rbd: { secretRef: { name: 'other-pv-secret' } } } });
  g.onVolumeAttachment('added', { metadata: { name: 'va1' }, spec: { nodeName: 'n1' } });
  g.onResourceSlice('added', { metadata: { name: 'slice1' }, spec: { nodeName: 'n1' } });
  return g;
}

test('relationships: what node n1 reaches, and that node n2 reaches none of it', () => {
  const g = populated();
  for (const [type, ns, name, n1] of relationships) {
    assert.equal(g.hasPath('n1', type, ns, name), n1, `n1 ${type} ${ns}/${name}`);
    assert.equal(g.hasPath('n2', type, ns, name), false, `n2 ${type} ${ns}/${name}`);
  }
  assert.equal(g.hasPath('', 'pod', 'ns', 'web'), false);
});

test('deleting the pod removes every path through it and leaves the graph empty of references', () => {
  const g = populated();
  g.onPod('deleted', rich);
  for (const [type, ns, name] of relationships) {
    if (type === 'volumeattachment' || type === 'resourceslice') continue;
    assert.equal(g.hasPath('n1', type, ns, name), false, `${type} ${ns}/${name}`);
  }
  g.onPersistentVolume('deleted', { metadata: { name: 'pv-data' } });
  g.onPersistentVolume('deleted', { metadata: { name: 'pv-other' } });
  g.onVolumeAttachment('deleted', { metadata: { name: 'va1' } });
  g.onResourceSlice('deleted', { metadata: { name: 'slice1' } });
  assert.deepEqual(g.size, { pods: 0, persistentVolumes: 0, volumeAttachments: 0, resourceSlices: 0, references: 0 });
});

test('a shared secret stays reachable until the last pod on that node using it goes', () => {
  const g = new NodeGraph();
  const a = pod('a', 'n1', { volumes: [{ name: 'v', secret: { secretName: 's' } }] });
  const b = pod('b', 'n1', { volumes: [{ name: 'v', secret: { secretName: 's' } }] });
  const c = pod('c', 'n2', { volumes: [{ name: 'v', secret: { secretName: 's' } }] });
  g.onPod('added', a);
  g.onPod('added', b);
  g.onPod('added', c);
  g.onPod('deleted', a);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 's'), true);
  g.onPod('deleted', b);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 's'), false);
  assert.equal(g.hasPath('n2', 'secret', 'ns', 's'), true);
});

test('rebinding: a pod re-created under the same name on another node moves its access', () => {
  const g = new NodeGraph();
  g.onPod('added', pod('p', 'n1', { volumes: [{ name: 'v', configMap: { name: 'cm' } }] }));
  g.onPod('updated', pod('p', 'n2', { volumes: [{ name: 'v', configMap: { name: 'cm2' } }] }));
  assert.equal(g.hasPath('n1', 'pod', 'ns', 'p'), false);
  assert.equal(g.hasPath('n1', 'configmap', 'ns', 'cm'), false);
  assert.equal(g.hasPath('n2', 'configmap', 'ns', 'cm'), false);
  assert.equal(g.hasPath('n2', 'configmap', 'ns', 'cm2'), true);
  assert.equal(g.size.pods, 1);
});

test('an unscheduled pod grants nothing until it is bound; a resource claim appears when status names it', () => {
  const g = new NodeGraph();
  const spec = { resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 't' }], volumes: [{ name: 'v', secret: { secretName: 's' } }] };
  g.onPod('added', pod('p', '', spec));
  assert.equal(g.hasPath('n1', 'secret', 'ns', 's'), false);
  assert.equal(g.size.pods, 0);
  g.onPod('updated', pod('p', 'n1', spec));
  assert.equal(g.hasPath('n1', 'secret', 'ns', 's'), true);
  assert.equal(g.hasPath('n1', 'resourceclaim', 'ns', 'p-gpu-abc'), false);
  g.onPod('updated', pod('p', 'n1', spec, { status: { resourceClaimStatuses: [{ name: 'gpu', resourceClaimName: 'p-gpu-abc' }] } }));
  assert.equal(g.hasPath('n1', 'resourceclaim', 'ns', 'p-gpu-abc'), true);
});

test('a PV rebound to another claim, a VolumeAttachment moved to another node', () => {
  const g = new NodeGraph();
  g.onPod('added', pod('p', 'n1', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] }));
  g.onPersistentVolume('added', { metadata: { name: 'pv' }, spec: { claimRef: { namespace: 'ns', name: 'data' }, iscsi: { secretRef: { name: 'chap' } } } });
  assert.equal(g.hasPath('n1', 'pv', '', 'pv'), true);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 'chap'), true);
  g.onPersistentVolume('updated', { metadata: { name: 'pv' }, spec: { claimRef: { namespace: 'ns', name: 'elsewhere' }, iscsi: { secretRef: { name: 'chap' } } } });
  assert.equal(g.hasPath('n1', 'pv', '', 'pv'), false);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 'chap'), false);
  g.onVolumeAttachment('added', { metadata: { name: 'va' }, spec: { nodeName: 'n1' } });
  g.onVolumeAttachment('updated', { metadata: { name: 'va' }, spec: { nodeName: 'n2' } });
  assert.equal(g.hasPath('n1', 'volumeattachment', '', 'va'), false);
  assert.equal(g.hasPath('n2', 'volumeattachment', '', 'va'), true);
});

test('re-announcing the same pod does not double its references', () => {
  const g = new NodeGraph();
  const p = pod('p', 'n1', { volumes: [{ name: 'v', secret: { secretName: 's' } }] });
  g.onPod('added', p);
  g.onPod('updated', p);
  g.onPod('added', p);
  g.onPod('deleted', p);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 's'), false);
  assert.equal(g.size.references, 0);
  g.onPod('deleted', p);
});

test('events without a name or with an unknown type are assertion failures', () => {
  const g = new NodeGraph();
  assert.throws(() => g.onPod('added', { metadata: {}, spec: { nodeName: 'n1' } }), /assertion failed/);
  assert.throws(() => g.onPersistentVolume('added', {}), /assertion failed/);
  assert.throws(() => g.onVolumeAttachment('added', null), /assertion failed/);
  assert.throws(() => g.onPod('MODIFIED' as 'updated', pod('p', 'n1')), /unknown graph event/);
});

test('replaceAll: a re-list drops what it no longer holds and applies what it does', () => {
  const g = new NodeGraph();
  g.onPod('added', pod('gone', 'n1', { volumes: [{ name: 'v', secret: { secretName: 'old' } }] }));
  g.onPod('added', pod('kept', 'n1', { volumes: [{ name: 'v', secret: { secretName: 'a' } }] }));
  g.onPersistentVolume('added', { metadata: { name: 'pv-gone' }, spec: { claimRef: { namespace: 'ns', name: 'c' } } });
  g.onVolumeAttachment('added', { metadata: { name: 'va-gone' }, spec: { nodeName: 'n1' } });
  g.onResourceSlice('added', { metadata: { name: 'slice-gone' }, spec: { nodeName: 'n1' } });
  g.replaceAll('pods', [pod('kept', 'n1', { volumes: [{ name: 'v', secret: { secretName: 'b' } }] }), pod('new', 'n2')]);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 'old'), false);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 'a'), false);
  assert.equal(g.hasPath('n1', 'secret', 'ns', 'b'), true);
  assert.equal(g.hasPath('n2', 'pod', 'ns', 'new'), true);
  g.replaceAll('persistentvolumes', []);
  g.replaceAll('volumeattachments', []);
  g.replaceAll('resourceslices', [{ metadata: { name: 'slice-new' }, spec: { nodeName: 'n1' } }]);
  assert.equal(g.hasPath('n1', 'volumeattachment', '', 'va-gone'), false);
  assert.equal(g.hasPath('n1', 'resourceslice', '', 'slice-gone'), false);
  assert.equal(g.hasPath('n1', 'resourceslice', '', 'slice-new'), true);
  assert.deepEqual(g.size, { pods: 2, persistentVolumes: 0, volumeAttachments: 0, resourceSlices: 1, references: 3 });
});
