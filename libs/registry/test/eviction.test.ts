// POST pods/{name}/eviction through the registry: kube's EvictionREST rules
// for pods that are not running, PodDisruptionBudgets, and DeleteOptions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@logbook/apistorage';
import type { ResourceStore } from '../src/index.ts';
import { at, failure, ns, pod, runningPod, setup } from './pod-setup.ts';

const eviction = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...extra });
const created = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
const MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

/** A PDB over app=web, with the status a PDB controller would have written (none when undefined). */
async function budget(pdbs: ResourceStore, name: string, status?: Record<string, unknown>, spec: Record<string, unknown> = {}): Promise<KubeObject> {
  const pdb = await pdbs.create(ns, { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } }, ...spec } });
  if (status === undefined) return pdb;
  return pdbs.update(ns, name, { ...pdb, status: { observedGeneration: 1, ...status } }, 'status');
}

const statusOf = (o: KubeObject): Record<string, unknown> => (o as { status?: Record<string, unknown> }).status ?? {};

test('a pod that is not running is deleted without asking its budget', async () => {
  const { registry, pods, pdbs } = await setup();
  await budget(pdbs, 'strict', { disruptionsAllowed: 0 });
  await pods.create(ns, pod('pending', {}, { labels: { app: 'web' } }));
  assert.deepEqual(await registry.evict(ns, 'pending', eviction('pending')), created);
  assert.equal((await failure(pods.get(ns, 'pending'))).code, 404);

  const done = await runningPod(pods, 'done', { app: 'web' });
  await pods.update(ns, 'done', { ...done, status: { phase: 'Succeeded' } }, 'status');
  assert.deepEqual(await registry.evict(ns, 'done', eviction('done')), created);
  assert.equal((await failure(pods.get(ns, 'done'))).code, 404);
  assert.equal((await failure(registry.evict(ns, 'gone', eviction('gone')))).message, 'pods "gone" not found');
});

test('a budget the controller has not processed, or with no disruption left, refuses with 429', async () => {
  const { registry, pods, pdbs } = await setup();
  await runningPod(pods, 'p', { app: 'web' });
  await budget(pdbs, 'fresh');
  assert.deepEqual(await failure(registry.evict(ns, 'p', eviction('p'))), {
    code: 429, reason: 'TooManyRequests', message: MESSAGE, retryAfterSeconds: 10,
    causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget fresh is still being processed by the server.' }],
  });
  await pdbs.delete(ns, 'fresh', {});
  await budget(pdbs, 'full', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
  assert.deepEqual(await failure(registry.evict(ns, 'p', eviction('p'))), {
    code: 429, reason: 'TooManyRequests', message: MESSAGE,
    causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget full needs 1 healthy pods and has 1 currently' }],
  });
  assert.equal((await pods.get(ns, 'p')).metadata.deletionTimestamp, undefined, 'the pod stays');
});

test('a budget with room gives one disruption (recorded with the pod), then the pod is deleted gracefully', async () => {
  const { registry, pods, pdbs } = await setup();
  await runningPod(pods, 'p', { app: 'web' });
  const before = await budget(pdbs, 'room', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });

  assert.deepEqual(await registry.evict({ ...ns, dryRun: true }, 'p', eviction('p')), created);
  assert.deepEqual(await pdbs.get(ns, 'room'), before, 'dry run: the budget is unchanged');
  assert.equal((await pods.get(ns, 'p')).metadata.deletionTimestamp, undefined, 'dry run: the pod is unchanged');

  assert.deepEqual(await registry.evict(ns, 'p', eviction('p')), created);
  const after = statusOf(await pdbs.get(ns, 'room'));
  assert.equal(after.disruptionsAllowed, 0);
  assert.deepEqual(after.disruptedPods, { p: at(0) });
  assert.deepEqual(after.conditions, [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: at(0), reason: 'InsufficientPods', message: '' }]);
  const marked = await pods.get(ns, 'p');
  assert.deepEqual([marked.metadata.deletionTimestamp, marked.metadata.deletionGracePeriodSeconds], [at(30), 30]);
});

test("the Eviction's DeleteOptions are honoured: grace period, preconditions, dryRun", async () => {
  const { registry, pods, pdbs } = await setup();
  await budget(pdbs, 'room', { disruptionsAllowed: 5, currentHealthy: 5, desiredHealthy: 1 });
  const p = await runningPod(pods, 'p', { app: 'web' });
  const f = await failure(registry.evict(ns, 'p', eviction('p', { deleteOptions: { preconditions: { uid: 'other' } } })));
  assert.deepEqual([f.code, f.message], [409, `Operation cannot be fulfilled on pods "p": Precondition failed: UID in precondition: other, UID in object meta: ${p.metadata.uid}`]);
  // As upstream, the disruption was taken before the delete failed (the PDB controller gives it back).
  assert.equal(statusOf(await pdbs.get(ns, 'room')).disruptionsAllowed, 4);
  await registry.evict(ns, 'p', eviction('p', { deleteOptions: { dryRun: ['All'] } }));
  assert.equal((await pods.get(ns, 'p')).metadata.deletionTimestamp, undefined);
  assert.equal(statusOf(await pdbs.get(ns, 'room')).disruptionsAllowed, 4, 'a dry run in the Eviction writes no budget either');
  await registry.evict(ns, 'p', eviction('p', { apiVersion: 'policy/v1beta1', deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } } }));
  assert.equal((await failure(pods.get(ns, 'p'))).code, 404);
  const bad = await failure(registry.evict(ns, 'p', eviction('p', { deleteOptions: { propagationPolicy: 'Sideways' } })));
  assert.equal(bad.code, 422);
});

test('unready pods, several budgets, empty selectors, and malformed evictions', async () => {
  const { registry, pods, pdbs } = await setup();
  await runningPod(pods, 'sick', { app: 'web' }, false);
  await budget(pdbs, 'lenient', { disruptionsAllowed: 0 }, { unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  await budget(pdbs, 'everything', { disruptionsAllowed: 0 }, { selector: {} });
  assert.deepEqual(await registry.evict(ns, 'sick', eviction('sick')), created, 'AlwaysAllow lets an unready pod go; an empty selector matches nothing');
  assert.equal(statusOf(await pdbs.get(ns, 'lenient')).disruptionsAllowed, 0, 'no disruption was taken');
  assert.ok((await pods.get(ns, 'sick')).metadata.deletionTimestamp);

  await runningPod(pods, 'healthy-budget', { app: 'web', tier: 'x' }, false);
  await pdbs.delete(ns, 'lenient', {});
  await budget(pdbs, 'met', { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 });
  assert.deepEqual(await registry.evict(ns, 'healthy-budget', eviction('healthy-budget')), created, 'an unready pod goes while the budget is met');

  await runningPod(pods, 'p', { app: 'web' });
  await budget(pdbs, 'second', { disruptionsAllowed: 3 });
  assert.deepEqual(await registry.evict(ns, 'p', eviction('p')), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500,
    message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
  });
  const cases: { body: unknown; message: string | RegExp }[] = [
    { body: eviction('q'), message: 'name in URL does not match name in Eviction object' },
    { body: { ...eviction('p'), apiVersion: 'v1' }, message: 'the API version in the data (v1) does not match the expected API version (policy/v1)' },
    { body: { ...eviction('p'), kind: 'Pod' }, message: /the kind in the data \(Pod\) does not match the expected kind/ },
    { body: eviction('p', { metadata: { name: 'p', namespace: 'other' } }), message: 'the namespace of the provided object does not match the namespace sent on the request' },
    { body: 'p', message: /cannot be handled as a Eviction/ },
  ];
  for (const c of cases) {
    const f = await failure(registry.evict(ns, 'p', c.body));
    assert.equal(f.code, 400);
    if (typeof c.message === 'string') assert.equal(f.message, c.message);
    else assert.match(f.message, c.message);
  }
});
