import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usageOf } from '../src/index.ts';
import { container, pod } from './attrs.ts';

const PODS = { group: '', resource: 'pods' };
const NOW = Date.parse('2025-01-01T00:00:00Z');
const sidecar = (name: string, requests: Record<string, string>): Record<string, unknown> => container(name, { requests }, { restartPolicy: 'Always' });

const podCases: Array<{ name: string; pod: Record<string, unknown>; want: Record<string, string> }> = [
  {
    name: 'app containers summed, limits only where stated',
    pod: pod({ containers: [container('a', { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '200m' } }), container('b', { requests: { cpu: '0.2' } })] }),
    want: { 'count/pods': '1', pods: '1', cpu: '300m', 'requests.cpu': '300m', 'limits.cpu': '200m', memory: '1Gi', 'requests.memory': '1Gi' },
  },
  {
    name: 'an init container larger than the app containers sets the request',
    pod: pod({ containers: [container('a', { requests: { cpu: '100m' } })], initContainers: [container('i', { requests: { cpu: '500m' }, limits: { memory: '1Gi' } })] }),
    want: { 'count/pods': '1', pods: '1', cpu: '500m', 'requests.cpu': '500m', 'limits.memory': '1Gi' },
  },
  {
    name: 'sidecars run with the app and with every later init container',
    pod: pod({ containers: [container('a', { requests: { cpu: '200m' } })], initContainers: [sidecar('s', { cpu: '100m' }), container('i', { requests: { cpu: '300m' } })] }),
    want: { 'count/pods': '1', pods: '1', cpu: '400m', 'requests.cpu': '400m' },
  },
  {
    name: 'a sidecar after a big init container does not add to it',
    pod: pod({ containers: [container('a', { requests: { cpu: '100m' } })], initContainers: [container('i', { requests: { cpu: '1' } }), sidecar('s', { cpu: '100m' })] }),
    want: { 'count/pods': '1', pods: '1', cpu: '1', 'requests.cpu': '1' },
  },
  {
    name: 'overhead is added to requests, and to limits only where a limit exists',
    pod: pod({ containers: [container('a', { requests: { cpu: '100m', memory: '10Mi' }, limits: { memory: '20Mi' } })], overhead: { cpu: '10m', memory: '5Mi' } }),
    want: { 'count/pods': '1', pods: '1', cpu: '110m', 'requests.cpu': '110m', memory: '15Mi', 'requests.memory': '15Mi', 'limits.memory': '25Mi' },
  },
  {
    name: 'hugepages, ephemeral storage and extended resources',
    pod: pod({ containers: [container('a', { requests: { 'hugepages-2Mi': '4Mi', 'example.com/gpu': '2', 'ephemeral-storage': '1G' }, limits: { 'ephemeral-storage': '2G', 'hugepages-2Mi': '4Mi' } })] }),
    want: {
      'count/pods': '1', pods: '1', 'ephemeral-storage': '1G', 'requests.ephemeral-storage': '1G', 'limits.ephemeral-storage': '2G',
      'hugepages-2Mi': '4Mi', 'requests.hugepages-2Mi': '4Mi', 'requests.example.com/gpu': '2',
    },
  },
  { name: 'a best-effort pod uses a pod and nothing else', pod: pod({ containers: [container('a')] }), want: { 'count/pods': '1', pods: '1' } },
  { name: 'a succeeded pod is only counted as an object', pod: pod({ containers: [container('a', { requests: { cpu: '1' } })] }, {}, { phase: 'Succeeded' }), want: { 'count/pods': '1' } },
  { name: 'a failed pod is only counted as an object', pod: pod({ containers: [container('a', { requests: { cpu: '1' } })] }, {}, { phase: 'Failed' }), want: { 'count/pods': '1' } },
  {
    name: 'a pod past its deletion grace is only counted as an object',
    pod: pod({ containers: [container('a', { requests: { cpu: '1' } })] }, { deletionTimestamp: '2024-12-31T23:59:00Z', deletionGracePeriodSeconds: 30 }),
    want: { 'count/pods': '1' },
  },
  {
    name: 'a pod within its deletion grace still uses its resources',
    pod: pod({ containers: [container('a', { requests: { cpu: '1' } })] }, { deletionTimestamp: '2024-12-31T23:59:50Z', deletionGracePeriodSeconds: 30 }),
    want: { 'count/pods': '1', pods: '1', cpu: '1', 'requests.cpu': '1' },
  },
  {
    name: 'a resized container is charged the larger of spec and allocation',
    pod: pod(
      { containers: [container('a', { requests: { cpu: '100m' }, limits: { cpu: '1' } })] },
      {},
      { containerStatuses: [{ name: 'a', allocatedResources: { cpu: '300m' }, resources: { requests: { cpu: '300m' }, limits: { cpu: '2' } } }] },
    ),
    want: { 'count/pods': '1', pods: '1', cpu: '300m', 'requests.cpu': '300m', 'limits.cpu': '2' },
  },
  {
    name: 'an infeasible resize charges only what the node reports',
    pod: pod(
      { containers: [container('a', { requests: { cpu: '8' } })] },
      {},
      { conditions: [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible' }], containerStatuses: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] },
    ),
    want: { 'count/pods': '1', pods: '1', cpu: '100m', 'requests.cpu': '100m' },
  },
  {
    name: 'malformed shapes and unparseable quantities are skipped, not fatal',
    pod: { metadata: { name: 'p' }, spec: { containers: [null, 'x', { name: 'a', resources: { requests: { cpu: 'lots', memory: 128 } } }], initContainers: 'no' } },
    want: { 'count/pods': '1', pods: '1', memory: '128', 'requests.memory': '128' },
  },
];
for (const c of podCases) {
  test(`pod usage: ${c.name}`, () => {
    assert.deepEqual(usageOf(PODS, c.pod, NOW), c.want);
  });
}

const svc = (spec: Record<string, unknown>): Record<string, unknown> => ({ metadata: { name: 's' }, spec });
const serviceCases: Array<{ name: string; obj: Record<string, unknown>; want: Record<string, string> }> = [
  { name: 'ClusterIP', obj: svc({ type: 'ClusterIP', ports: [{ port: 80 }] }), want: { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '0' } },
  { name: 'NodePort counts each port', obj: svc({ type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] }), want: { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '2' } },
  { name: 'LoadBalancer', obj: svc({ type: 'LoadBalancer', ports: [{ port: 80 }, { port: 81 }] }), want: { 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '2' } },
  {
    name: 'LoadBalancer without node port allocation counts only explicit node ports',
    obj: svc({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80, nodePort: 30080 }, { port: 81 }] }),
    want: { 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '1' },
  },
];
for (const c of serviceCases) {
  test(`service usage: ${c.name}`, () => {
    assert.deepEqual(usageOf({ group: '', resource: 'services' }, c.obj, NOW), c.want);
  });
}

const pvc = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ metadata: { name: 'c' }, spec, ...extra });
const pvcCases: Array<{ name: string; obj: Record<string, unknown>; want: Record<string, string> }> = [
  { name: 'no class, no request', obj: pvc({}), want: { persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1' } },
  {
    name: 'storage charged to its class too',
    obj: pvc({ storageClassName: 'gold', resources: { requests: { storage: '5Gi' } } }),
    want: {
      persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1', 'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
      'requests.storage': '5Gi', 'gold.storageclass.storage.k8s.io/requests.storage': '5Gi',
    },
  },
  {
    name: 'the beta annotation names the class, and storage rounds up to whole bytes',
    obj: pvc({ storageClassName: 'gold', resources: { requests: { storage: '1500m' } } }, { metadata: { name: 'c', annotations: { 'volume.beta.kubernetes.io/storage-class': 'silver' } } }),
    want: {
      persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1', 'silver.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
      'requests.storage': '2', 'silver.storageclass.storage.k8s.io/requests.storage': '2',
    },
  },
  {
    name: 'a larger allocation is charged',
    obj: pvc({ resources: { requests: { storage: '5Gi' } } }, { status: { allocatedResources: { storage: '10Gi' } } }),
    want: { persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1', 'requests.storage': '10Gi' },
  },
];
for (const c of pvcCases) {
  test(`pvc usage: ${c.name}`, () => {
    assert.deepEqual(usageOf({ group: '', resource: 'persistentvolumeclaims' }, c.obj, NOW), c.want);
  });
}

test('object counts: legacy names for four core kinds, count/<resource>.<group> for the rest, nothing for ignored kinds', () => {
  const o = { metadata: { name: 'x' } };
  assert.deepEqual(usageOf({ group: '', resource: 'configmaps' }, o, NOW), { 'count/configmaps': '1', configmaps: '1' });
  assert.deepEqual(usageOf({ group: '', resource: 'secrets' }, o, NOW), { 'count/secrets': '1', secrets: '1' });
  assert.deepEqual(usageOf({ group: '', resource: 'serviceaccounts' }, o, NOW), { 'count/serviceaccounts': '1' });
  assert.deepEqual(usageOf({ group: 'apps', resource: 'deployments' }, o, NOW), { 'count/deployments.apps': '1' });
  assert.deepEqual(usageOf({ group: '', resource: 'events' }, o, NOW), {});
  assert.deepEqual(usageOf({ group: 'events.k8s.io', resource: 'events' }, o, NOW), {});
});
