// POST pods/{name}/binding through the store: what kube's BindingREST sets and refuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, failure, ns, pod, setup } from './pod-setup.ts';

const binding = (name: string, node: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ apiVersion: 'v1', kind: 'Binding', metadata: { name, ...extra }, target: { kind: 'Node', name: node } });

test('a binding places the pod: nodeName, its annotations, PodScheduled; answers Success with code 201', async () => {
  const { pods } = await setup();
  await pods.create(ns, pod('p', {}, { annotations: { keep: 'me' } }));
  const status = await pods.bind(ns, 'p', binding('p', 'n1', { annotations: { 'scheduler.example/why': 'fits' } }));
  assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  const bound = await pods.get(ns, 'p') as unknown as { spec: { nodeName: string }; metadata: { annotations: unknown }; status: { conditions: unknown } };
  assert.equal(bound.spec.nodeName, 'n1');
  assert.deepEqual(bound.metadata.annotations, { keep: 'me', 'scheduler.example/why': 'fits' });
  assert.deepEqual(bound.status.conditions, [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) }]);
  assert.deepEqual(await failure(pods.bind(ns, 'p', binding('p', 'n2'))), {
    code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"',
  });
});

test('a binding is refused for a wrong body, a missing, deleting or gated pod, or a failed precondition', async () => {
  const { pods } = await setup();
  const p = await pods.create(ns, pod('p'));
  const cases: { name: string; pod: string; body: unknown; code: number; message: string | RegExp }[] = [
    { name: 'other name', pod: 'p', body: binding('q', 'n1'), code: 400, message: 'name in URL does not match name in Binding object' },
    { name: 'no target', pod: 'p', body: { metadata: { name: 'p' } }, code: 500, message: 'target.name: Required value' },
    { name: 'target kind', pod: 'p', body: { metadata: { name: 'p' }, target: { kind: 'Pod', name: 'x' } }, code: 500, message: 'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"' },
    { name: 'wrong kind', pod: 'p', body: { ...binding('p', 'n1'), kind: 'Pod' }, code: 400, message: /the kind in the data \(Pod\) does not match/ },
    { name: 'wrong version', pod: 'p', body: { ...binding('p', 'n1'), apiVersion: 'v2' }, code: 400, message: 'the API version in the data (v2) does not match the expected API version (v1)' },
    { name: 'other namespace', pod: 'p', body: binding('p', 'n1', { namespace: 'kube-system' }), code: 400, message: 'the namespace of the provided object does not match the namespace sent on the request' },
    { name: 'not an object', pod: 'p', body: [], code: 400, message: /cannot be handled as a Binding/ },
    { name: 'missing pod', pod: 'nope', body: binding('nope', 'n1'), code: 404, message: 'pods "nope" not found' },
    { name: 'uid precondition', pod: 'p', body: binding('p', 'n1', { uid: 'other' }), code: 409, message: `Operation cannot be fulfilled on pods "p": Precondition failed: UID in precondition: other, UID in object meta: ${p.metadata.uid}` },
  ];
  for (const c of cases) {
    const f = await failure(pods.bind(ns, c.pod, c.body));
    assert.equal(f.code, c.code, c.name);
    if (typeof c.message === 'string') assert.equal(f.message, c.message, c.name);
    else assert.match(f.message, c.message, c.name);
  }
  assert.equal((await pods.get(ns, 'p') as { spec?: { nodeName?: string } }).spec?.nodeName, undefined, 'nothing was bound');

  await pods.create(ns, pod('held', {}, { finalizers: ['example.com/hold'] }));
  await pods.delete(ns, 'held', {});
  assert.deepEqual(await failure(pods.bind(ns, 'held', binding('held', 'n1'))), {
    code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on pods/binding "held": pod held is being deleted, cannot be assigned to a host',
  });
  await pods.create(ns, pod('gated', { schedulingGates: [{ name: 'example.com/wait' }] }));
  assert.equal((await failure(pods.bind(ns, 'gated', binding('gated', 'n1')))).message, 'Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates');
});

test('a dry-run binding stores nothing; a binding with the right preconditions and no kind binds', async () => {
  const { pods } = await setup();
  const p = await pods.create(ns, pod('p'));
  await pods.bind({ ...ns, dryRun: true }, 'p', binding('p', 'n1'));
  assert.deepEqual(await pods.get(ns, 'p'), p);
  await pods.bind(ns, 'p', { metadata: { name: 'p', uid: p.metadata.uid, resourceVersion: p.metadata.resourceVersion }, target: { name: 'n9' } });
  assert.equal((await pods.get(ns, 'p') as unknown as { spec: { nodeName: string } }).spec.nodeName, 'n9');
  assert.equal((await failure(pods.bind(ns, '', binding('', 'n1')))).message, 'Name parameter required.');
});
