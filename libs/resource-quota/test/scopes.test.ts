import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chargedResources, quotaMatches } from '../src/index.ts';
import { container, pod, quota } from './attrs.ts';

const PODS = { group: '', resource: 'pods' };
const best = pod({ containers: [container('a')] });
const burst = pod({ containers: [container('a', { requests: { cpu: '100m' } })] });
const zeroRequest = pod({ containers: [container('a', { requests: { cpu: '0', 'example.com/gpu': '1' } })] });
const terminating = pod({ activeDeadlineSeconds: 0, containers: [container('a')] });
const high = pod({ priorityClassName: 'high', containers: [container('a')] });
const recordedGuaranteed = pod({ containers: [container('a')] }, {}, { qosClass: 'Guaranteed' });
const affinity = (kind: string, term: Record<string, unknown>, preferred = false) =>
  pod({ containers: [container('a')], affinity: { [kind]: preferred ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term }] } : { requiredDuringSchedulingIgnoredDuringExecution: [term] } } });

const expr = (scopeName: string, operator: string, values: string[] = []) => ({ scopeSelector: { matchExpressions: [{ scopeName, operator, values }] } });
const scoped = (spec: Record<string, unknown>) => quota('q', { pods: '10' }, { pods: '0' }, spec);

const cases: Array<{ name: string; spec: Record<string, unknown>; pod: Record<string, unknown>; want: boolean }> = [
  { name: 'no scope matches every pod', spec: {}, pod: burst, want: true },
  { name: 'BestEffort: no requests or limits', spec: { scopes: ['BestEffort'] }, pod: best, want: true },
  { name: 'BestEffort: a cpu request is not', spec: { scopes: ['BestEffort'] }, pod: burst, want: false },
  { name: 'BestEffort: zero cpu and extended resources do not count', spec: { scopes: ['BestEffort'] }, pod: zeroRequest, want: true },
  { name: 'BestEffort: the recorded QoS class wins', spec: { scopes: ['BestEffort'] }, pod: recordedGuaranteed, want: false },
  { name: 'NotBestEffort', spec: { scopes: ['NotBestEffort'] }, pod: burst, want: true },
  { name: 'Terminating: activeDeadlineSeconds 0', spec: { scopes: ['Terminating'] }, pod: terminating, want: true },
  { name: 'Terminating: no deadline', spec: { scopes: ['Terminating'] }, pod: best, want: false },
  { name: 'NotTerminating', spec: { scopes: ['NotTerminating'] }, pod: best, want: true },
  { name: 'scopes are ANDed', spec: { scopes: ['BestEffort', 'Terminating'] }, pod: best, want: false },
  { name: 'scopes and selector are ANDed', spec: { scopes: ['BestEffort'], ...expr('PriorityClass', 'In', ['high']) }, pod: high, want: true },
  { name: 'PriorityClass In', spec: expr('PriorityClass', 'In', ['high', 'mid']), pod: high, want: true },
  { name: 'PriorityClass In, no class', spec: expr('PriorityClass', 'In', ['high']), pod: best, want: false },
  { name: 'PriorityClass NotIn, no class', spec: expr('PriorityClass', 'NotIn', ['high']), pod: best, want: true },
  { name: 'PriorityClass NotIn', spec: expr('PriorityClass', 'NotIn', ['high']), pod: high, want: false },
  { name: 'PriorityClass Exists', spec: expr('PriorityClass', 'Exists'), pod: high, want: true },
  { name: 'PriorityClass Exists, no class', spec: expr('PriorityClass', 'Exists'), pod: best, want: false },
  { name: 'PriorityClass DoesNotExist', spec: expr('PriorityClass', 'DoesNotExist'), pod: best, want: true },
  { name: 'an unknown operator matches nothing', spec: expr('PriorityClass', 'Gt', ['1']), pod: high, want: false },
  { name: 'an unknown scope matches nothing', spec: { scopes: ['Sometimes'] }, pod: best, want: false },
  { name: 'CrossNamespacePodAffinity: namespaces', spec: { scopes: ['CrossNamespacePodAffinity'] }, pod: affinity('podAffinity', { topologyKey: 'k', namespaces: ['x'] }), want: true },
  { name: 'CrossNamespacePodAffinity: empty namespaceSelector', spec: { scopes: ['CrossNamespacePodAffinity'] }, pod: affinity('podAntiAffinity', { topologyKey: 'k', namespaceSelector: {} }, true), want: true },
  { name: 'CrossNamespacePodAffinity: own namespace only', spec: { scopes: ['CrossNamespacePodAffinity'] }, pod: affinity('podAffinity', { topologyKey: 'k' }), want: false },
];
for (const c of cases) {
  test(`scope: ${c.name}`, () => {
    assert.equal(quotaMatches(scoped(c.spec), PODS, c.pod), c.want);
  });
}

test('a quota applies only when it bounds something the object is charged under', () => {
  const cm = { metadata: { name: 'c' } };
  assert.equal(quotaMatches(quota('q', { 'requests.cpu': '1' }, {}), { group: '', resource: 'configmaps' }, cm), false);
  assert.equal(quotaMatches(quota('q', { configmaps: '1' }, {}), { group: '', resource: 'configmaps' }, cm), true);
  // Scopes exist for pods only: a scoped quota never applies to other kinds.
  assert.equal(quotaMatches(quota('q', { 'count/configmaps': '1' }, {}, { scopes: ['NotTerminating'] }), { group: '', resource: 'configmaps' }, cm), false);
  assert.equal(quotaMatches(quota('q', { pods: '1' }, {}), { group: '', resource: 'events' }, cm), false);
  assert.equal(quotaMatches(quota('q', { pods: '1' }, {}), PODS, 'not an object'), false);
});

test('chargedResources: the hard names an object of the kind is charged under', () => {
  const q = quota('q', {
    pods: '1', 'requests.cpu': '1', 'hugepages-2Mi': '1Gi', 'requests.hugepages-1Gi': '2Gi', 'requests.example.com/gpu': '4', 'requests.storage': '1Ti',
    'gold.storageclass.storage.k8s.io/requests.storage': '1Ti', 'count/deployments.apps': '3', services: '2', 'example.com/gpu': '1',
  }, {});
  // Only what the status computation recorded counts (kube reads status.hard).
  assert.deepEqual(chargedResources(quota('fresh', { pods: '1' }, undefined), PODS), []);
  assert.deepEqual(chargedResources(q, PODS).sort(), ['hugepages-2Mi', 'pods', 'requests.cpu', 'requests.example.com/gpu', 'requests.hugepages-1Gi']);
  assert.deepEqual(chargedResources(q, { group: '', resource: 'persistentvolumeclaims' }).sort(), ['gold.storageclass.storage.k8s.io/requests.storage', 'requests.storage']);
  assert.deepEqual(chargedResources(q, { group: 'apps', resource: 'deployments' }), ['count/deployments.apps']);
  assert.deepEqual(chargedResources(q, { group: '', resource: 'services' }), ['services']);
});
