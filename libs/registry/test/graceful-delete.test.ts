// Graceful deletion through the public store API, as kube-apiserver 1.33 does
// it for pods (BeforeDelete + CheckGracefulDelete), and its interplay with
// finalizers and the garbage collector's finalizers for every kind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage, type KubeObject } from '@logbook/apistorage';
import { catalogue } from '@logbook/resources';
import { Registry, type DeleteResult, type ResourceStore } from '../src/index.ts';
import { failure } from './failure.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

async function setup(): Promise<{ clock: { t: number }; store: (g: string, v: string, r: string) => ResourceStore }> {
  const clock = { t: T0 };
  let uid = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => new MemoryStorage(),
    env: { now: () => clock.t, uuid: () => `uid-${++uid}`, randomInt: (n) => 3 % n },
  });
  const store = (g: string, v: string, r: string): ResourceStore => registry.lookup(g, v, r)!;
  await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: 'default' } });
  return { clock, store };
}


const ns = { namespace: 'default' };
const pod = (name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ metadata: { name, ...meta }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });

function objectOf(r: DeleteResult): { object: KubeObject; deleted: boolean } {
  assert.equal(r.kind, 'object');
  return r.kind === 'object' ? { object: r.object, deleted: r.deleted } : assert.fail('not an object');
}

test('an unscheduled pod is deleted at once, answered with its last state marked grace 0', async () => {
  const { store } = await setup();
  const pods = store('', 'v1', 'pods');
  const created = await pods.create(ns, pod('p'));
  assert.equal(created.metadata.generation, 1);
  const r = objectOf(await pods.delete(ns, 'p', {}));
  assert.equal(r.deleted, true);
  assert.equal(r.object.metadata.deletionTimestamp, at(0));
  assert.equal(r.object.metadata.deletionGracePeriodSeconds, 0);
  assert.equal(r.object.metadata.generation, 2, 'the first deletion mark bumps generation');
  assert.equal((await failure(pods.get(ns, 'p'))).code, 404);
});

test('a scheduled pod is marked with its terminationGracePeriodSeconds; later deletes may only shorten it; 0 removes it', async () => {
  const { store, clock } = await setup();
  const pods = store('', 'v1', 'pods');
  await pods.create(ns, pod('p', { nodeName: 'n1' }));
  const first = objectOf(await pods.delete(ns, 'p', { propagationPolicy: 'Background' }));
  assert.equal(first.deleted, false);
  assert.equal(first.object.metadata.deletionTimestamp, at(30), 'default terminationGracePeriodSeconds is 30');
  assert.equal(first.object.metadata.deletionGracePeriodSeconds, 30);
  assert.equal(first.object.metadata.generation, 2);
  const stored = await pods.get(ns, 'p');
  assert.equal(stored.metadata.deletionTimestamp, at(30));

  clock.t += 5000;
  for (const longer of [{ gracePeriodSeconds: 60 }, { gracePeriodSeconds: 30 }, {}]) {
    const again = objectOf(await pods.delete(ns, 'p', longer));
    assert.equal(again.deleted, false);
    assert.equal(again.object.metadata.resourceVersion, stored.metadata.resourceVersion, `nothing written for ${JSON.stringify(longer)}`);
  }
  const shorter = objectOf(await pods.delete(ns, 'p', { gracePeriodSeconds: 10 }));
  assert.equal(shorter.object.metadata.deletionTimestamp, at(10), 'the deadline moves back by the difference');
  assert.equal(shorter.object.metadata.deletionGracePeriodSeconds, 10);
  assert.equal(shorter.object.metadata.generation, 2, 'only the first mark bumps generation');

  // The kubelet's status writes while it stops the containers do not remove it.
  await pods.update(ns, 'p', { ...(await pods.get(ns, 'p')), status: { phase: 'Running' } }, 'status');
  assert.ok((await pods.get(ns, 'p')).metadata.deletionTimestamp);

  const gone = objectOf(await pods.delete(ns, 'p', { gracePeriodSeconds: 0 }));
  assert.equal(gone.deleted, true);
  assert.equal(gone.object.metadata.deletionGracePeriodSeconds, 0);
  assert.equal((await failure(pods.get(ns, 'p'))).code, 404);
});

test('the pod grace period: explicit, from the spec, 0 for finished pods, 1 for negative values', async () => {
  const cases: { name: string; spec: Record<string, unknown>; phase?: string; grace?: number; want: number | 'deleted' }[] = [
    { name: 'explicit', spec: { nodeName: 'n' }, grace: 7, want: 7 },
    { name: 'from-spec', spec: { nodeName: 'n', terminationGracePeriodSeconds: 12 }, want: 12 },
    { name: 'negative', spec: { nodeName: 'n' }, grace: -5, want: 1 },
    { name: 'succeeded', spec: { nodeName: 'n' }, phase: 'Succeeded', want: 'deleted' },
    { name: 'failed', spec: { nodeName: 'n' }, phase: 'Failed', grace: 20, want: 'deleted' },
    { name: 'unscheduled', spec: { terminationGracePeriodSeconds: 12 }, grace: 20, want: 'deleted' },
  ];
  for (const c of cases) {
    const { store } = await setup();
    const pods = store('', 'v1', 'pods');
    const created = await pods.create(ns, pod(c.name, c.spec));
    if (c.phase !== undefined) await pods.update(ns, c.name, { ...created, status: { phase: c.phase } }, 'status');
    const r = objectOf(await pods.delete(ns, c.name, c.grace !== undefined ? { gracePeriodSeconds: c.grace } : {}));
    if (c.want === 'deleted') {
      assert.equal(r.deleted, true, c.name);
    } else {
      assert.equal(r.deleted, false, c.name);
      assert.equal(r.object.metadata.deletionGracePeriodSeconds, c.want, c.name);
      assert.equal(r.object.metadata.deletionTimestamp, at(c.want), c.name);
    }
  }
});

test('dry run changes nothing and answers what would be', async () => {
  const { store } = await setup();
  const pods = store('', 'v1', 'pods');
  const bound = await pods.create(ns, pod('bound', { nodeName: 'n1' }));
  const marked = objectOf(await pods.delete({ ...ns, dryRun: true }, 'bound', {}));
  assert.equal(marked.object.metadata.deletionGracePeriodSeconds, 30);
  assert.deepEqual(await pods.get(ns, 'bound'), bound);
  const loose = await pods.create(ns, pod('loose'));
  assert.equal(objectOf(await pods.delete({ ...ns, dryRun: true }, 'loose', {})).deleted, true);
  assert.deepEqual(await pods.get(ns, 'loose'), loose);
});

test('finalizers and grace together: marked, kept until both the period and the finalizers are done', async () => {
  const { store } = await setup();
  const pods = store('', 'v1', 'pods');
  await pods.create(ns, pod('p', { nodeName: 'n1' }, { finalizers: ['example.com/hold'] }));
  const first = objectOf(await pods.delete(ns, 'p', {}));
  assert.deepEqual([first.deleted, first.object.metadata.deletionGracePeriodSeconds], [false, 30]);
  const zero = objectOf(await pods.delete(ns, 'p', { gracePeriodSeconds: 0 }));
  assert.deepEqual([zero.deleted, zero.object.metadata.deletionGracePeriodSeconds, zero.object.metadata.deletionTimestamp], [false, 0, at(0)]);
  assert.ok(await pods.get(ns, 'p'), 'the finalizer still holds it');
  await pods.patch(ns, 'p', 'application/merge-patch+json', { metadata: { finalizers: null } });
  assert.equal((await failure(pods.get(ns, 'p'))).code, 404, 'the last finalizer going removes it');

  // Graceful period still running: removing the finalizer leaves it for the final delete.
  await pods.create(ns, pod('q', { nodeName: 'n1' }, { finalizers: ['example.com/hold'] }));
  await pods.delete(ns, 'q', {});
  await pods.patch(ns, 'q', 'application/merge-patch+json', { metadata: { finalizers: null } });
  assert.equal((await pods.get(ns, 'q')).metadata.deletionGracePeriodSeconds, 30);
  assert.equal(objectOf(await pods.delete(ns, 'q', { gracePeriodSeconds: 0 })).deleted, true);
});

test('garbage collector finalizers follow the propagation policy; marking bumps generation', async () => {
  const { store } = await setup();
  const cms = store('', 'v1', 'configmaps');
  await cms.create(ns, { metadata: { name: 'orphaned', finalizers: ['orphan'] } });
  const bg = await cms.delete(ns, 'orphaned', { propagationPolicy: 'Background' });
  assert.equal(bg.kind, 'status', 'Background drops the orphan finalizer, so nothing holds it');
  assert.equal((await failure(cms.get(ns, 'orphaned'))).code, 404);

  await cms.create(ns, { metadata: { name: 'fg' } });
  const fg = objectOf(await cms.delete(ns, 'fg', { propagationPolicy: 'Foreground' }));
  assert.deepEqual([fg.deleted, fg.object.metadata.finalizers, fg.object.metadata.deletionGracePeriodSeconds], [false, ['foregroundDeletion'], 0]);
  await cms.create(ns, { metadata: { name: 'or', finalizers: ['example.com/a'] } });
  const or = objectOf(await cms.delete(ns, 'or', { orphanDependents: true }));
  assert.deepEqual(or.object.metadata.finalizers, ['example.com/a', 'orphan']);

  const deployments = store('apps', 'v1', 'deployments');
  await deployments.create(ns, {
    metadata: { name: 'd', finalizers: ['example.com/hold'] },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  const d = objectOf(await deployments.delete(ns, 'd', {}));
  assert.deepEqual([d.object.metadata.generation, d.object.metadata.deletionTimestamp], [2, at(0)]);
  const again = objectOf(await deployments.delete(ns, 'd', {}));
  assert.equal(again.object.metadata.generation, 2, 'an object already deleting is not bumped again');
});

test('preconditions are checked before anything is marked', async () => {
  const { store } = await setup();
  const pods = store('', 'v1', 'pods');
  const p = await pods.create(ns, pod('p', { nodeName: 'n1' }));
  assert.deepEqual(await failure(pods.delete(ns, 'p', { preconditions: { uid: 'other' } })), {
    code: 409, message: `Operation cannot be fulfilled on pods "p": Precondition failed: UID in precondition: other, UID in object meta: ${p.metadata.uid}`,
  });
  assert.equal((await failure(pods.delete(ns, 'p', { preconditions: { resourceVersion: '1' } }))).code, 409);
  assert.equal((await pods.get(ns, 'p')).metadata.deletionTimestamp, undefined);
  const r = objectOf(await pods.delete(ns, 'p', { preconditions: { uid: p.metadata.uid!, resourceVersion: p.metadata.resourceVersion! } }));
  assert.equal(r.deleted, false);
  assert.equal((await failure(pods.delete(ns, 'missing', {}))).code, 404);
});
