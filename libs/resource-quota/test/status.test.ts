import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@logbook/apistorage';
import { computeQuotaStatus, quotaStatusChanged, resourcesToList, type GroupResource } from '../src/index.ts';
import { container, pod, quota } from './attrs.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');

function lister(objects: Record<string, readonly Record<string, unknown>[]>) {
  const calls: string[] = [];
  const list = (gr: GroupResource, namespace: string): readonly KubeObject[] => {
    calls.push(`${gr.group}/${gr.resource}@${namespace}`);
    return (objects[`${gr.group}/${gr.resource}`] ?? []) as readonly KubeObject[];
  };
  return { calls, list };
}

test('status: hard from spec, used recounted with zeros, unmeasured names keep their record, stale names dropped', () => {
  const q: KubeObject = {
    ...quota('q', { pods: '10', 'requests.cpu': '2', 'requests.memory': '4Gi', 'count/configmaps': '5', 'services.loadbalancers': '1', 'example.com/foo': '3' }, undefined),
    status: { hard: { pods: '1' }, used: { 'example.com/foo': '1', pods: '7', gone: '4' } },
  };
  const { calls, list } = lister({
    '/pods': [
      pod({ containers: [container('a', { requests: { cpu: '100m', memory: '512Mi' } })] }),
      pod({ containers: [container('b', { requests: { cpu: '250m', memory: '512Mi' } })] }),
      pod({ containers: [container('c', { requests: { cpu: '1' } })] }, {}, { phase: 'Succeeded' }),
    ],
    '/configmaps': [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
  });
  const status = computeQuotaStatus(q, list, NOW);
  assert.deepEqual(status, {
    hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '4Gi', 'count/configmaps': '5', 'services.loadbalancers': '1', 'example.com/foo': '3' },
    used: { pods: '2', 'requests.cpu': '350m', 'requests.memory': '1Gi', 'count/configmaps': '2', 'services.loadbalancers': '0', 'example.com/foo': '1' },
  });
  assert.deepEqual(calls.sort(), ['/configmaps@default', '/pods@default', '/services@default']);
  assert.equal(quotaStatusChanged(q, status), true);
  const settled: KubeObject = { ...q, status };
  assert.equal(quotaStatusChanged(settled, computeQuotaStatus(settled, list, NOW)), false);
});

test('status: scoped quotas count only pods in scope; other kinds never match a scope', () => {
  const q = quota('q', { pods: '5', 'count/configmaps': '5' }, undefined, { scopes: ['BestEffort'] });
  const { list } = lister({
    '/pods': [pod({ containers: [container('a')] }), pod({ containers: [container('b', { requests: { memory: '1Mi' } })] })],
    '/configmaps': [{ metadata: { name: 'a' } }],
  });
  assert.deepEqual(computeQuotaStatus(q, list, NOW).used, { pods: '1', 'count/configmaps': '0' });
});

test('status: a pod past its deletion grace is given back at the time given', () => {
  const q = quota('q', { 'requests.cpu': '5', 'count/pods': '5' }, undefined);
  const deleting = pod({ containers: [container('a', { requests: { cpu: '1' } })] }, { deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 });
  const { list } = lister({ '/pods': [deleting] });
  assert.deepEqual(computeQuotaStatus(q, list, NOW).used, { 'requests.cpu': '1', 'count/pods': '1' });
  assert.deepEqual(computeQuotaStatus(q, list, NOW + 31_000).used, { 'requests.cpu': '0', 'count/pods': '1' });
});

test('quotaStatusChanged: no status, a changed spec, changed usage', () => {
  const q = quota('q', { pods: '2' }, { pods: '1' });
  assert.equal(quotaStatusChanged(quota('q', { pods: '2' }, undefined), { hard: { pods: '2' }, used: { pods: '0' } }), true);
  assert.equal(quotaStatusChanged(q, { hard: { pods: '3' }, used: { pods: '1' } }), true);
  assert.equal(quotaStatusChanged(q, { hard: { pods: '2' }, used: { pods: '0' } }), true);
  assert.equal(quotaStatusChanged(q, { hard: { pods: '2000m' }, used: { pods: '1' } }), false, 'equal quantities, different spelling');
});

test('resourcesToList: only the kinds spec.hard needs, once each, ignored kinds never', () => {
  const key = (gr: GroupResource) => `${gr.group}/${gr.resource}`;
  const q = quota('q', {
    cpu: '1', 'count/pods': '3', 'requests.storage': '1Ti', 'count/deployments.apps': '2', secrets: '4', 'count/events': '9', 'services.nodeports': '1', 'example.com/foo': '1',
  }, undefined);
  assert.deepEqual(resourcesToList(q).map(key).sort(), ['/persistentvolumeclaims', '/pods', '/secrets', '/services', 'apps/deployments']);
  assert.deepEqual(resourcesToList(quota('q', {}, undefined)), []);
  assert.deepEqual(resourcesToList({ metadata: { name: 'broken' }, spec: 'nope' }), []);
});
