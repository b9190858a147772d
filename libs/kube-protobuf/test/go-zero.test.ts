// Zero values Go's JSON encoder writes (non-pointer, non-omitempty fields and
// every non-pointer struct), added to JSON bodies so stored objects read as
// kube-apiserver's do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeGoZeroValues } from '../src/index.ts';

test('containers get resources {}, templates creationTimestamp null, deployments status {}', () => {
  const d: Record<string, unknown> = {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  };
  assert.equal(completeGoZeroValues('apps/v1', 'Deployment', d), true);
  assert.deepEqual(d, {
    metadata: { name: 'web', creationTimestamp: null },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' }, creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'i', resources: {} }] } },
      strategy: {},
    },
    status: {},
  });
});

test('statuses with non-omitempty counters, node info strings and endpoint ports', () => {
  const sts: Record<string, unknown> = { metadata: { name: 's', creationTimestamp: '2026-11-21T10:00:00Z' }, spec: {} };
  completeGoZeroValues('apps/v1', 'StatefulSet', sts);
  assert.deepEqual(sts.status, { replicas: 0, availableReplicas: 0 });
  const node: Record<string, unknown> = { metadata: { name: 'n' } };
  completeGoZeroValues('v1', 'Node', node);
  const status = node.status as { daemonEndpoints: unknown; nodeInfo: Record<string, unknown> };
  assert.deepEqual(status.daemonEndpoints, { kubeletEndpoint: { Port: 0 } });
  assert.deepEqual(Object.keys(status.nodeInfo).sort(), ['architecture', 'bootID', 'containerRuntimeVersion', 'kernelVersion', 'kubeProxyVersion', 'kubeletVersion', 'machineID', 'operatingSystem', 'osImage', 'systemUUID']);
  assert.ok(Object.values(status.nodeInfo).every((v) => v === ''));
});

test('non-omitempty slices become null; given values, pointers and unknown kinds are left alone', () => {
  const role: Record<string, unknown> = { metadata: { name: 'r', creationTimestamp: 'x' } };
  completeGoZeroValues('rbac.authorization.k8s.io/v1', 'ClusterRole', role);
  assert.equal(role.rules, null);
  assert.equal('aggregationRule' in role, false, 'a pointer stays absent');
  const rb: Record<string, unknown> = { metadata: { name: 'r', creationTimestamp: 'x' }, rules: [{ apiGroups: [''] }] };
  completeGoZeroValues('rbac.authorization.k8s.io/v1', 'Role', rb);
  assert.deepEqual(rb.rules, [{ apiGroups: [''], verbs: null }]);
  const cr: Record<string, unknown> = { spec: { x: 1 } };
  assert.equal(completeGoZeroValues('example.com/v1', 'Widget', cr), false);
  assert.deepEqual(cr, { spec: { x: 1 } });
  const pod: Record<string, unknown> = { metadata: { creationTimestamp: 'x' }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1' } } }], securityContext: null } };
  completeGoZeroValues('v1', 'Pod', pod);
  const spec = pod.spec as { containers: { resources: unknown }[]; securityContext: unknown };
  assert.deepEqual(spec.containers[0]!.resources, { limits: { cpu: '1' } });
  assert.equal(spec.securityContext, null, 'an explicit null pointer stays null');
});

test('frozen parts (shared with a stored object) are replaced by completed copies, never written', () => {
  const container = Object.freeze({ name: 'c', image: 'i' });
  const template = Object.freeze({ spec: Object.freeze({ containers: Object.freeze([container]) }) });
  const d: Record<string, unknown> = { metadata: { name: 'd', creationTimestamp: 'x' }, spec: { template } };
  completeGoZeroValues('apps/v1', 'Deployment', d);
  const spec = d.spec as { template: { metadata: unknown; spec: { containers: { resources: unknown }[] } } };
  assert.deepEqual(spec.template.spec.containers[0]!.resources, {});
  assert.equal(spec.template.metadata && (spec.template.metadata as { creationTimestamp: unknown }).creationTimestamp, null);
  assert.deepEqual(container, { name: 'c', image: 'i' }, 'the frozen original is untouched');
  assert.throws(() => completeGoZeroValues('apps/v1', 'Deployment', Object.freeze({})), TypeError);
});

test('fields limits the completion to those top-level fields', () => {
  const d: Record<string, unknown> = { metadata: { name: 'd', creationTimestamp: 'x' }, spec: { template: { spec: { containers: [{ name: 'c' }] } } } };
  completeGoZeroValues('apps/v1', 'StatefulSet', d, { fields: ['status'] });
  assert.deepEqual(d.status, { replicas: 0, availableReplicas: 0 });
  assert.deepEqual(d.spec, { template: { spec: { containers: [{ name: 'c' }] } } }, 'spec untouched');
});
