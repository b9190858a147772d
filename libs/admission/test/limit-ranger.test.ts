import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMIT_RANGER_ANNOTATION, MemoryObjectReader, limitRanger } from '../src/index.ts';
import { attrs, pod, rejectsWith, run } from './attrs.ts';

const LR = { group: '', resource: 'limitranges' };

function readerWith(...limits: Array<Record<string, unknown>>): MemoryObjectReader {
  return new MemoryObjectReader([[LR, { metadata: { name: 'lr', namespace: 'default' }, spec: { limits } }]]);
}

const container = (name: string, resources?: Record<string, unknown>): Record<string, unknown> => ({ name, image: 'x', ...(resources === undefined ? {} : { resources }) });

test('LimitRanger defaults container and init container requests and limits, and annotates the pod', async () => {
  const plugin = limitRanger({ reader: readerWith({ type: 'Container', default: { cpu: '0.5', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }) });
  const obj = pod({ containers: [container('a'), container('b', { limits: { cpu: '200m' }, requests: { cpu: '150m' } })], initContainers: [container('i')] });
  await run(plugin, attrs({ object: obj }));
  const spec = obj.spec as { containers: Array<{ resources: unknown }>; initContainers: Array<{ resources: unknown }> };
  assert.deepEqual(spec.containers[0]?.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } });
  assert.deepEqual(spec.containers[1]?.resources, { limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '150m' } });
  assert.deepEqual(spec.initContainers[0]?.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } });
  assert.equal(
    (obj.metadata as { annotations: Record<string, string> }).annotations[LIMIT_RANGER_ANNOTATION],
    'LimitRanger plugin set: cpu request for container a; cpu, memory limit for container a; memory limit for container b; cpu request for init container i; cpu, memory limit for init container i',
  );
});

test('LimitRanger leaves a pod it did not change without annotation, and skips updates, subresources and other kinds', async () => {
  const plugin = limitRanger({ reader: readerWith({ type: 'Container', default: { cpu: '1' }, max: { cpu: '1' } }) });
  const full = pod({ containers: [container('a', { limits: { cpu: '1' } })] });
  await run(plugin, attrs({ object: full }));
  assert.equal((full.metadata as Record<string, unknown>).annotations, undefined);
  for (const a of [
    attrs({ operation: 'UPDATE', object: pod({ containers: [container('a', { limits: { cpu: '5' } })] }), oldObject: { metadata: {} } }),
    attrs({ subresource: 'status', object: pod({ containers: [container('a', { limits: { cpu: '5' } })] }) }),
    attrs({ resource: 'configmaps', kind: 'ConfigMap', object: { metadata: { name: 'c' }, data: {} } }),
    attrs({ operation: 'DELETE', object: pod({ containers: [container('a', { limits: { cpu: '5' } })] }) }),
  ]) {
    await run(plugin, a);
  }
});

const containerCases: Array<{ name: string; limit: Record<string, unknown>; resources: Record<string, unknown>; message: string | undefined }> = [
  { name: 'max over limit', limit: { max: { cpu: '1' } }, resources: { limits: { cpu: '2' } }, message: 'maximum cpu usage per Container is 1, but limit is 2' },
  { name: 'max without limit', limit: { max: { memory: '1Gi' } }, resources: { requests: { memory: '1Mi' } }, message: 'maximum memory usage per Container is 1Gi.  No limit is specified' },
  { name: 'max, request over', limit: { max: { cpu: '1' } }, resources: { limits: { cpu: '1' }, requests: { cpu: '1500m' } }, message: 'maximum cpu usage per Container is 1, but request is 1500m' },
  { name: 'min under request', limit: { min: { cpu: '100m' } }, resources: { requests: { cpu: '50m' } }, message: 'minimum cpu usage per Container is 100m, but request is 50m' },
  { name: 'min without request', limit: { min: { cpu: '100m' } }, resources: {}, message: 'minimum cpu usage per Container is 100m.  No request is specified' },
  { name: 'min, limit under', limit: { min: { memory: '64Mi' } }, resources: { requests: { memory: '64Mi' }, limits: { memory: '32Mi' } }, message: 'minimum memory usage per Container is 64Mi, but limit is 32Mi' },
  { name: 'min rounds to milli-units as kube does', limit: { min: { cpu: '2m' } }, resources: { requests: { cpu: '1.5m' } }, message: undefined },
  { name: 'ratio exceeded', limit: { maxLimitRequestRatio: { cpu: '2' } }, resources: { requests: { cpu: '100m' }, limits: { cpu: '300m' } }, message: 'cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000' },
  { name: 'ratio at the bound', limit: { maxLimitRequestRatio: { cpu: '2' } }, resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } }, message: undefined },
  { name: 'ratio, no request', limit: { maxLimitRequestRatio: { cpu: '2' } }, resources: { limits: { cpu: '1' } }, message: 'cpu max limit to request ratio per Container is 2, but no request is specified or request is 0' },
  { name: 'ratio, zero limit', limit: { maxLimitRequestRatio: { cpu: '1500m' } }, resources: { requests: { cpu: '1' }, limits: { cpu: '0' } }, message: 'cpu max limit to request ratio per Container is 1500m, but no limit is specified or limit is 0' },
  { name: 'several, deduplicated and bracketed', limit: { max: { cpu: '1', memory: '1Gi' } }, resources: { limits: { cpu: '2', memory: '2Gi' } }, message: '[maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 1Gi, but limit is 2Gi]' },
  { name: 'within bounds', limit: { min: { cpu: '100m' }, max: { cpu: '1' } }, resources: { requests: { cpu: '0.1' }, limits: { cpu: '1000m' } }, message: undefined },
];
for (const c of containerCases) {
  test(`LimitRanger Container: ${c.name}`, async () => {
    const plugin = limitRanger({ reader: readerWith({ type: 'Container', ...c.limit }) });
    const p = run(plugin, attrs({ object: pod({ containers: [container('a', c.resources)] }) }));
    if (c.message === undefined) await p;
    else await rejectsWith(p, 403, 'Forbidden', `pods "p" is forbidden: ${c.message}`);
  });
}

test('LimitRanger Pod: sums containers, counts sidecars, takes the larger init peak', async () => {
  const plugin = limitRanger({ reader: readerWith({ type: 'Pod', max: { cpu: '1' } }) });
  const ok = pod({ containers: [container('a', { limits: { cpu: '500m' } }), container('b', { limits: { cpu: '500m' } })] });
  await run(plugin, attrs({ object: ok }));
  const overBySidecar = pod({
    containers: [container('a', { limits: { cpu: '500m' } })],
    initContainers: [{ ...container('side', { limits: { cpu: '600m' } }), restartPolicy: 'Always' }],
  });
  await rejectsWith(run(plugin, attrs({ object: overBySidecar })), 403, 'Forbidden', 'pods "p" is forbidden: maximum cpu usage per Pod is 1, but limit is 1100m');
  const overByInit = pod({ containers: [container('a', { limits: { cpu: '100m' } })], initContainers: [container('i', { limits: { cpu: '2' } })] });
  await rejectsWith(run(plugin, attrs({ object: overByInit })), 403, 'Forbidden', 'pods "p" is forbidden: maximum cpu usage per Pod is 1, but limit is 2');
  // A resource one container leaves unlimited is still summed over the others.
  const partly = pod({ containers: [container('a', { limits: { cpu: '2' } }), container('b')] });
  await rejectsWith(run(plugin, attrs({ object: partly })), 403, 'Forbidden', 'pods "p" is forbidden: maximum cpu usage per Pod is 1, but limit is 2');
});

test('LimitRanger PersistentVolumeClaim: bounds the storage request, on create and update', async () => {
  const plugin = limitRanger({ reader: readerWith({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }) });
  const claim = (storage?: string): Record<string, unknown> => ({ metadata: { name: 'c', namespace: 'default' }, spec: { resources: storage === undefined ? {} : { requests: { storage } } } });
  const pvc = (o: Record<string, unknown>, operation: 'CREATE' | 'UPDATE' = 'CREATE') => attrs({ resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', operation, object: o, oldObject: operation === 'UPDATE' ? { metadata: { name: 'c' } } : undefined });
  await run(plugin, pvc(claim('5Gi')));
  await rejectsWith(run(plugin, pvc(claim('20Gi'), 'UPDATE')), 403, 'Forbidden', 'persistentvolumeclaims "c" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi');
  await rejectsWith(run(plugin, pvc(claim('500Mi'))), 403, 'Forbidden', 'persistentvolumeclaims "c" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi');
  await rejectsWith(run(plugin, pvc(claim())), 403, 'Forbidden', 'persistentvolumeclaims "c" is forbidden: [minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified, maximum storage usage per PersistentVolumeClaim is 10Gi.  No request is specified]');
  // A claim being deleted is let through.
  await run(plugin, attrs({ resource: 'persistentvolumeclaims', operation: 'UPDATE', object: claim('20Gi'), oldObject: { metadata: { name: 'c', deletionTimestamp: '2024-01-01T00:00:00Z' } } }));
});

test('LimitRanger names a generateName pod by its prefix; odd shapes do not crash', async () => {
  const plugin = limitRanger({ reader: readerWith({ type: 'Container', max: { cpu: '1' }, default: { cpu: 'bogus' } }) });
  const gen = { metadata: { generateName: 'web-', namespace: 'default' }, spec: { containers: [container('a', { limits: { cpu: '3' } })] } };
  await rejectsWith(run(plugin, attrs({ object: gen })), 403, 'Forbidden', 'pods "web-" is forbidden: maximum cpu usage per Container is 1, but limit is 3');
  await run(limitRanger({ reader: readerWith({ type: 'Container', default: { cpu: '1' } }) }), attrs({ object: pod({ containers: [{ name: 'a', resources: 'nope' }, 7] }) }));
  await run(limitRanger({ reader: readerWith({ type: 'Container', default: { cpu: '1' } }) }), attrs({ object: { metadata: { name: 'p' } } }));
});
