import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATOMIC_STRUCTS, PATCH_META } from '../src/patch-meta-table.ts';

const core = 'io.k8s.api.core.v1.';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

// What kube 1.33's OpenAPI spec says for the fields every client patches.
const cases: readonly [definition: string, field: string, expected: object | undefined][] = [
  [`${core}PodSpec`, 'containers', { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
  [`${core}PodSpec`, 'initContainers', { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
  [`${core}PodSpec`, 'volumes', { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
  [`${core}PodSpec`, 'tolerations', { listType: 'atomic' }],
  [`${core}PodSpec`, 'nodeSelector', { mapType: 'atomic' }],
  [`${core}PodSpec`, 'topologySpreadConstraints', { patchStrategy: 'merge', patchMergeKey: 'topologyKey', listType: 'map', listMapKeys: ['topologyKey', 'whenUnsatisfiable'] }],
  [`${core}Container`, 'ports', { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] }],
  [`${core}Container`, 'env', { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
  [`${core}Container`, 'volumeMounts', { patchStrategy: 'merge', patchMergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] }],
  [`${core}Container`, 'command', { listType: 'atomic' }],
  [`${core}Container`, 'image', undefined],
  [`${core}ServiceSpec`, 'ports', { patchStrategy: 'merge', patchMergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] }],
  [`${core}ServiceSpec`, 'selector', { mapType: 'atomic' }],
  [`${core}PodStatus`, 'conditions', { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'map', listMapKeys: ['type'] }],
  [`${meta}ObjectMeta`, 'finalizers', { patchStrategy: 'merge', listType: 'set' }],
  [`${meta}ObjectMeta`, 'ownerReferences', { patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] }],
  [`${meta}ObjectMeta`, 'managedFields', { listType: 'atomic' }],
  [`${meta}ObjectMeta`, 'labels', undefined],
  [`${meta}LabelSelector`, 'matchExpressions', { listType: 'atomic' }],
  ['io.k8s.api.apps.v1.DeploymentSpec', 'strategy', { patchStrategy: 'retainKeys' }],
  ['io.k8s.api.apps.v1.DaemonSetSpec', 'updateStrategy', undefined],
  ['io.k8s.api.apps.v1.DeploymentStatus', 'conditions', { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'map', listMapKeys: ['type'] }],
  ['io.k8s.api.batch.v1.JobStatus', 'conditions', { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' }],
  ['io.k8s.api.rbac.v1.Role', 'rules', { listType: 'atomic' }],
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', 'x-kubernetes-validations', { patchStrategy: 'merge', patchMergeKey: 'rule', listType: 'map', listMapKeys: ['rule'] }],
];

test('the table holds kube 1.33 metadata for everyday fields', () => {
  for (const [definition, field, expected] of cases) {
    assert.deepEqual(PATCH_META[definition]?.[field], expected, `${definition}.${field}`);
  }
});

test('every definition name follows kube OpenAPI naming for the covered groups', () => {
  const group = /^io\.k8s\.(api\.(core|apps|batch|autoscaling|networking|policy|rbac|storage|discovery|coordination|scheduling|certificates|admissionregistration|events|node|flowcontrol)\.v[12]|apimachinery\.pkg\.apis\.meta\.v1|apiextensions-apiserver\.pkg\.apis\.apiextensions\.v1)\.[A-Z]\w*$/;
  for (const name of [...Object.keys(PATCH_META), ...ATOMIC_STRUCTS]) assert.match(name, group);
  const groups = new Set(Object.keys(PATCH_META).map((n) => n.slice(0, n.lastIndexOf('.'))));
  // autoscaling/v1, coordination/v1, scheduling/v1 and events/v1 carry no list or map metadata at all.
  assert.equal(groups.size, 15, [...groups].join(' '));
});

test('entries are internally consistent', () => {
  for (const [definition, fields] of Object.entries(PATCH_META)) {
    for (const [field, m] of Object.entries(fields)) {
      const where = `${definition}.${field}`;
      assert.ok(Object.keys(m).length > 0, `${where} is empty`);
      if (m.listMapKeys !== undefined) assert.equal(m.listType, 'map', `${where}: map keys on a non-map list`);
      if (m.listType === 'map') assert.ok((m.listMapKeys?.length ?? 0) > 0, `${where}: map list without keys`);
      if (m.patchMergeKey !== undefined) assert.match(m.patchStrategy ?? '', /merge/, `${where}: merge key without merge`);
      if (m.patchStrategy !== undefined) assert.match(m.patchStrategy, /^(merge|retainKeys|merge,retainKeys|replace)$/, where);
    }
  }
});

test('atomic structs carry the definition-level map type', () => {
  for (const name of [`${meta}LabelSelector`, `${meta}OwnerReference`, `${core}LocalObjectReference`, `${core}ObjectReference`, 'io.k8s.api.rbac.v1.RoleRef']) {
    assert.ok(ATOMIC_STRUCTS.has(name), name);
  }
  assert.equal(ATOMIC_STRUCTS.has(`${core}PodSpec`), false);
});
