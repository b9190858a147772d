import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@logbook/apistorage';
import { resourceQuotaAdmission } from '../src/index.ts';
import { attrs, container, pod, quota, rejectsWith, type TestAttrs } from './attrs.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');

function plugin(...quotas: KubeObject[]) {
  const seen: string[] = [];
  const p = resourceQuotaAdmission({
    quotas: (ns) => {
      seen.push(ns);
      return Promise.resolve(quotas.filter((q) => q.metadata.namespace === ns));
    },
    quotaKey: (ns, name) => `/registry/resourcequotas/${ns}/${name}`,
    now: () => NOW,
  });
  return { seen, validate: async (a: TestAttrs): Promise<void> => { await p.validate?.(a); } };
}

const cpuPod = (cpu: string, meta: Record<string, unknown> = {}) => pod({ containers: [container('a', { requests: { cpu }, limits: { cpu } })] }, meta);
const usedOf = (a: TestAttrs, i = 0) => (a.companions[i]?.object.status as { used: Record<string, string> }).used;

test('a create within quota is charged by a companion write on the quota as read', async () => {
  const q = quota('q', { pods: '2', 'requests.cpu': '1', 'count/configmaps': '5' }, { pods: '1', 'requests.cpu': '500m', 'count/configmaps': '3' });
  const a = attrs({ object: cpuPod('200m') });
  await plugin(q).validate(a);
  assert.equal(a.companions.length, 1);
  const w = a.companions[0]!;
  assert.equal(w.key, '/registry/resourcequotas/default/q');
  assert.equal(w.object.metadata.resourceVersion, '7');
  assert.deepEqual((w.object.status as { hard: unknown }).hard, { pods: '2', 'requests.cpu': '1', 'count/configmaps': '5' });
  assert.deepEqual(usedOf(a), { pods: '2', 'requests.cpu': '700m', 'count/configmaps': '3' });
  assert.deepEqual((q.status as { used: unknown }).used, { pods: '1', 'requests.cpu': '500m', 'count/configmaps': '3' }, 'the quota read is not mutated');
});

test('no companion write when no quota exists or none bounds what the object uses', async () => {
  const a = attrs({ object: cpuPod('1') });
  await plugin().validate(a);
  assert.deepEqual(a.companions, []);
  const b = attrs({ object: cpuPod('1') });
  await plugin(quota('svc', { services: '1' }, { services: '1' })).validate(b);
  assert.deepEqual(b.companions, []);
  const c = attrs({ object: cpuPod('1', { namespace: 'other' }) });
  await plugin(quota('q', { pods: '0' }, { pods: '0' })).validate(c);
  assert.deepEqual(c.companions, []);
});

test('exceeding a quota is a 403 naming every exceeded resource, sorted, in kube words', async () => {
  const q = quota('compute', { pods: '1', 'requests.cpu': '1', 'limits.cpu': '4', 'requests.memory': '1Gi' }, { pods: '1', 'requests.cpu': '500m', 'limits.cpu': '0', 'requests.memory': '0' });
  const obj = pod({ containers: [container('a', { requests: { cpu: '600m', memory: '1Gi' }, limits: { cpu: '600m' } })] });
  const a = attrs({ object: obj });
  await rejectsWith(
    plugin(q).validate(a),
    403,
    'Forbidden',
    'pods "p" is forbidden: exceeded quota: compute, requested: pods=1,requests.cpu=600m, used: pods=1,requests.cpu=500m, limited: pods=1,requests.cpu=1',
  );
  assert.deepEqual(a.companions, []);
});

test('a pod without a name is named by its generateName in the refusal', async () => {
  const q = quota('q', { pods: '0' }, { pods: '0' });
  await rejectsWith(plugin(q).validate(attrs({ object: cpuPod('1', { name: undefined, generateName: 'web-' }) })), 403, 'Forbidden', 'pods "web-" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0');
});

test('kube decides from status.hard: an uncomputed quota limits nothing; a status missing a used entry is unknown', async () => {
  const fresh = quota('q', { 'requests.cpu': '1', pods: '5', 'count/configmaps': '1' }, undefined);
  const a = attrs({ object: cpuPod('9') });
  await plugin(fresh).validate(a);
  assert.deepEqual(a.companions, [], 'nothing to charge until the status computation ran');
  const partial: KubeObject = { ...quota('q', { 'requests.cpu': '1', pods: '5' }, { pods: '0' }) };
  await rejectsWith(plugin(partial).validate(attrs({ object: cpuPod('1') })), 403, 'Forbidden', 'pods "p" is forbidden: status unknown for quota: q, resources: pods,requests.cpu');
});

test('with cpu or memory bounded, every container must declare it', async () => {
  const q = quota('q', { 'limits.cpu': '10', 'requests.memory': '10Gi' }, { 'limits.cpu': '0', 'requests.memory': '0' });
  const obj = pod({
    containers: [container('b', { requests: { memory: '1Gi' } }), container('a')],
    initContainers: [container('i', { limits: { cpu: '1' } })],
  });
  await rejectsWith(plugin(q).validate(attrs({ object: obj })), 403, 'Forbidden', 'pods "p" is forbidden: failed quota: q: must specify limits.cpu for: a,b; requests.memory for: a,i');
  // Other resources (ephemeral storage, hugepages) are never required.
  const storage = quota('s', { 'requests.ephemeral-storage': '10G' }, { 'requests.ephemeral-storage': '0' });
  const a = attrs({ object: pod({ containers: [container('a')] }) });
  await plugin(storage).validate(a);
  assert.deepEqual(a.companions, []);
});

test('several quotas: each is charged; one refusal leaves no companion behind', async () => {
  const q1 = quota('a-pods', { pods: '10' }, { pods: '1' });
  const q2 = quota('b-cpu', { 'requests.cpu': '1' }, { 'requests.cpu': '0' });
  const ok = attrs({ object: cpuPod('1') });
  await plugin(q2, q1).validate(ok);
  assert.deepEqual(ok.companions.map((c) => c.key), ['/registry/resourcequotas/default/a-pods', '/registry/resourcequotas/default/b-cpu']);
  assert.deepEqual(usedOf(ok, 0), { pods: '2' });
  assert.deepEqual(usedOf(ok, 1), { 'requests.cpu': '1' });
  const over = attrs({ object: cpuPod('2') });
  await rejectsWith(plugin(q1, q2).validate(over), 403, 'Forbidden', 'pods "p" is forbidden: exceeded quota: b-cpu, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1');
  assert.deepEqual(over.companions, []);
});

test('scoped quotas charge only the pods in scope', async () => {
  const be = quota('be', { pods: '1' }, { pods: '1' }, { scopes: ['BestEffort'] });
  await rejectsWith(plugin(be).validate(attrs({ object: pod({ containers: [container('a')] }) })), 403, 'Forbidden', 'pods "p" is forbidden: exceeded quota: be, requested: pods=1, used: pods=1, limited: pods=1');
  const a = attrs({ object: cpuPod('100m') });
  await plugin(be).validate(a);
  assert.deepEqual(a.companions, []);
  const high = quota('high', { pods: '5' }, { pods: '0' }, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } });
  const hp = attrs({ object: pod({ priorityClassName: 'high', containers: [container('a')] }) });
  await plugin(high).validate(hp);
  assert.deepEqual(usedOf(hp), { pods: '1' });
  const lp = attrs({ object: pod({ priorityClassName: 'low', containers: [container('a')] }) });
  await plugin(high).validate(lp);
  assert.deepEqual(lp.companions, []);
});

test('object counts: create charged, other kinds, updates, deletes and subresources not', async () => {
  const q = quota('q', { 'count/configmaps': '1', configmaps: '1', 'count/deployments.apps': '1' }, { 'count/configmaps': '1', configmaps: '0', 'count/deployments.apps': '0' });
  const cm = { metadata: { name: 'c', namespace: 'default' }, data: {} };
  await rejectsWith(
    plugin(q).validate(attrs({ resource: 'configmaps', kind: 'ConfigMap', object: cm })),
    403,
    'Forbidden',
    'configmaps "c" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1',
  );
  const dep = attrs({ group: 'apps', resource: 'deployments', kind: 'Deployment', object: { metadata: { name: 'd', namespace: 'default' } } });
  await plugin(q).validate(dep);
  assert.deepEqual(usedOf(dep), { 'count/configmaps': '1', configmaps: '0', 'count/deployments.apps': '1' });
  const p = plugin(q);
  for (const a of [
    attrs({ operation: 'UPDATE', resource: 'configmaps', kind: 'ConfigMap', object: cm, oldObject: { metadata: { name: 'c', resourceVersion: '3' } } }),
    attrs({ operation: 'DELETE', resource: 'configmaps', kind: 'ConfigMap', object: cm }),
    attrs({ resource: 'serviceaccounts', subresource: 'token', kind: 'TokenRequest', object: { metadata: { name: 'sa', namespace: 'default' } } }),
    attrs({ resource: 'namespaces', kind: 'Namespace', namespace: '', object: { metadata: { name: 'n' } } }),
    attrs({ resource: 'events', kind: 'Event', object: { metadata: { name: 'e', namespace: 'default' } } }),
    attrs({ operation: 'UPDATE', object: cpuPod('5'), oldObject: cpuPod('1', { resourceVersion: '3' }) as KubeObject }),
    attrs({ subresource: 'binding', kind: 'Binding', object: { metadata: { name: 'p', namespace: 'default' } } }),
  ]) {
    await p.validate(a);
    assert.deepEqual(a.companions, [], `${a.operation} ${a.resource}/${a.subresource}`);
  }
  assert.deepEqual(p.seen, [], 'quotas are not even read for writes quota does not charge');
});

test('service updates are charged what they grow by', async () => {
  const q = quota('q', { services: '5', 'services.nodeports': '2', 'services.loadbalancers': '0' }, { services: '1', 'services.nodeports': '1', 'services.loadbalancers': '0' });
  const svc = (type: string, ports: number) => ({ metadata: { name: 's', namespace: 'default', resourceVersion: '4' }, spec: { type, ports: Array.from({ length: ports }, (_, i) => ({ port: 80 + i })) } });
  const base = { operation: 'UPDATE' as const, resource: 'services', kind: 'Service' };
  const same = attrs({ ...base, object: svc('ClusterIP', 3), oldObject: svc('ClusterIP', 1) });
  await plugin(q).validate(same);
  assert.deepEqual(same.companions, []);
  const toNodePort = attrs({ ...base, object: svc('NodePort', 1), oldObject: svc('ClusterIP', 1) });
  await plugin(q).validate(toNodePort);
  assert.deepEqual(usedOf(toNodePort), { services: '1', 'services.nodeports': '2', 'services.loadbalancers': '0' });
  await rejectsWith(
    plugin(q).validate(attrs({ ...base, object: svc('LoadBalancer', 3), oldObject: svc('NodePort', 1) })),
    403,
    'Forbidden',
    'services "s" is forbidden: exceeded quota: q, requested: services.loadbalancers=1,services.nodeports=2, used: services.loadbalancers=0,services.nodeports=1, limited: services.loadbalancers=0,services.nodeports=2',
  );
  await rejectsWith(
    plugin(q).validate(attrs({ ...base, object: svc('NodePort', 1), oldObject: undefined })),
    403,
    'Forbidden',
    'services "s" is forbidden: unable to get previous usage since prior version of object was not found',
  );
});

test('a claim that grows is charged the growth; status-driven growth is recorded, never refused', async () => {
  const q = quota('q', { 'requests.storage': '10Gi' }, { 'requests.storage': '5Gi' });
  const claim = (storage: string, rv = '4', status?: Record<string, unknown>) => ({
    metadata: { name: 'c', namespace: 'default', resourceVersion: rv },
    spec: { resources: { requests: { storage } } },
    ...(status === undefined ? {} : { status }),
  });
  const base = { operation: 'UPDATE' as const, resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim' };
  const grow = attrs({ ...base, object: claim('8Gi'), oldObject: claim('5Gi') });
  await plugin(q).validate(grow);
  assert.deepEqual(usedOf(grow), { 'requests.storage': '8Gi' });
  await rejectsWith(
    plugin(q).validate(attrs({ ...base, object: claim('12Gi'), oldObject: claim('5Gi') })),
    403,
    'Forbidden',
    'persistentvolumeclaims "c" is forbidden: exceeded quota: q, requested: requests.storage=7Gi, used: requests.storage=5Gi, limited: requests.storage=10Gi',
  );
  const shrink = attrs({ ...base, object: claim('1Gi'), oldObject: claim('5Gi') });
  await plugin(q).validate(shrink);
  assert.deepEqual(shrink.companions, [], 'shrinking gives nothing back here: the status computation does');
  const allocated = attrs({ ...base, subresource: 'status', object: claim('5Gi', '4', { allocatedResources: { storage: '20Gi' } }), oldObject: claim('5Gi') });
  await plugin(q).validate(allocated);
  assert.deepEqual(usedOf(allocated), { 'requests.storage': '20Gi' });
  const recreate = attrs({ ...base, object: claim('8Gi'), oldObject: claim('5Gi', '') });
  await rejectsWith(plugin(q).validate(recreate), 403, 'Forbidden', 'persistentvolumeclaims "c" is forbidden: exceeded quota: q, requested: requests.storage=8Gi, used: requests.storage=5Gi, limited: requests.storage=10Gi');
});

test('an in-place resize is charged what the pod grows by', async () => {
  const q = quota('q', { 'requests.cpu': '1', 'limits.cpu': '1', pods: '5' }, { 'requests.cpu': '100m', 'limits.cpu': '100m', pods: '1' });
  const a = attrs({ operation: 'UPDATE', subresource: 'resize', object: cpuPod('300m', { resourceVersion: '4' }), oldObject: cpuPod('100m', { resourceVersion: '4' }) as KubeObject });
  await plugin(q).validate(a);
  assert.deepEqual(usedOf(a), { 'requests.cpu': '300m', 'limits.cpu': '300m', pods: '1' });
  await rejectsWith(
    plugin(q).validate(attrs({ operation: 'UPDATE', subresource: 'resize', object: cpuPod('2', { resourceVersion: '4' }), oldObject: cpuPod('100m', { resourceVersion: '4' }) as KubeObject })),
    403,
    'Forbidden',
    'pods "p" is forbidden: exceeded quota: q, requested: limits.cpu=1900m,requests.cpu=1900m, used: limits.cpu=100m,requests.cpu=100m, limited: limits.cpu=1,requests.cpu=1',
  );
});

test('negative usage is refused; dry runs are checked and charged alike (the registry drops the companion)', async () => {
  const q = quota('q', { 'requests.cpu': '10' }, { 'requests.cpu': '0' });
  await rejectsWith(plugin(q).validate(attrs({ object: cpuPod('-1') })), 403, 'Forbidden', 'pods "p" is forbidden: quota usage is negative for resource(s): cpu,limits.cpu,requests.cpu');
  const dry = attrs({ object: cpuPod('1'), dryRun: true });
  await plugin(q).validate(dry);
  assert.deepEqual(usedOf(dry), { 'requests.cpu': '1' });
});

test('memory sums keep kube formatting in status', async () => {
  const q = quota('q', { 'requests.memory': '4Gi' }, { 'requests.memory': '0' });
  const a = attrs({ object: pod({ containers: [container('a', { requests: { memory: '512Mi' } }), container('b', { requests: { memory: '512Mi' } })] }) });
  await plugin(q).validate(a);
  assert.deepEqual(usedOf(a), { 'requests.memory': '1Gi' });
});

test('an astronomically large request is refused promptly, not summed digit by digit', async () => {
  const q = quota('q', { 'requests.cpu': '1' }, { 'requests.cpu': '0' });
  await rejectsWith(plugin(q).validate(attrs({ object: cpuPod('1e2000000000') })), 403, 'Forbidden', 'pods "p" is forbidden: exceeded quota: q, requested: requests.cpu=1e60, used: requests.cpu=0, limited: requests.cpu=1');
});
