import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSelector, LabelSelector, parseFieldSelector, parseLabelSelector, StatusError } from '@logbook/apimachinery';
import { MemoryStorage, type KubeObject } from '@logbook/apistorage';
import { catalogue } from '@logbook/resources';
import { Registry, type ResourceStore } from '../src/index.ts';

function setup(): { registry: Registry; storage: MemoryStorage; store: (g: string, v: string, r: string) => ResourceStore } {
  const storage = new MemoryStorage();
  let uid = 0;
  let t = Date.parse('2026-11-21T10:00:00Z');
  const registry = new Registry({
    etcdPrefix: '/registry',
    resources: catalogue(),
    storageFor: () => storage,
    env: { now: () => (t += 1000), uuid: () => `uid-${++uid}`, randomInt: (n) => 3 % n },
  });
  return { registry, storage, store: (g, v, r) => registry.lookup(g, v, r)! };
}

async function status(p: Promise<unknown>): Promise<{ code: number; reason: string | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return { code: err.status.code, reason: err.status.reason, message: err.status.message ?? '' };
    throw err;
  }
  assert.fail('expected a StatusError');
}

/** A Deployment spec that passes kube's validation, with the replicas asked for. */
const depSpec = (replicas: number): Record<string, unknown> => ({
  replicas, selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
});
const podSpec = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ containers: [{ name: 'c', image: 'nginx' }], ...extra });

async function all(items: AsyncIterable<KubeObject>): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for await (const x of items) out.push(x);
  return out;
}

const everything = { labelSelector: LabelSelector.everything(), fieldSelector: FieldSelector.everything() };
const list = { ...everything, resourceVersion: '', resourceVersionMatch: '' as const, limit: 0, continue: '' };

test('create fills server-owned metadata, refuses duplicates and a missing namespace', async () => {
  const { store } = setup();
  const ns = store('', 'v1', 'namespaces');
  const created = await ns.create({ namespace: '' }, { metadata: { name: 'team', resourceVersion: '99', uid: 'client' } });
  assert.equal(created.kind, 'Namespace');
  assert.equal(created.apiVersion, 'v1');
  assert.equal(created.metadata.uid, 'uid-1');
  assert.match(created.metadata.creationTimestamp!, /^2026-11-21T10:00:\d\dZ$/);
  assert.notEqual(created.metadata.resourceVersion, '99');
  assert.deepEqual(created.metadata.labels, { 'kubernetes.io/metadata.name': 'team' });
  assert.deepEqual((created as { spec?: unknown }).spec, { finalizers: ['kubernetes'] });
  assert.deepEqual((created as { status?: unknown }).status, { phase: 'Active' });
  assert.deepEqual(await status(ns.create({ namespace: '' }, { metadata: { name: 'team' } })), { code: 409, reason: 'AlreadyExists', message: 'namespaces "team" already exists' });

  const cms = store('', 'v1', 'configmaps');
  assert.deepEqual(await status(cms.create({ namespace: 'nope' }, { metadata: { name: 'a' } })), { code: 404, reason: 'NotFound', message: 'namespaces "nope" not found' });
  const cm = await cms.create({ namespace: 'team' }, { metadata: { generateName: 'cfg-' }, data: { a: '1' } });
  assert.match(cm.metadata.name!, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(cm.metadata.namespace, 'team');
  assert.equal(cm.metadata.generation, undefined);
  const noName = await status(cms.create({ namespace: 'team' }, { metadata: {} }));
  assert.equal(noName.code, 422);
  assert.match(noName.message, /metadata.name: Required value: name or generateName is required/);
  assert.deepEqual(await status(cms.create({ namespace: 'team' }, { metadata: { name: 'x', namespace: 'other' } })), {
    code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request',
  });
  assert.equal((await status(cms.create({ namespace: 'team' }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }))).code, 400);
  const bad = await status(cms.create({ namespace: 'team' }, { metadata: { name: 'Bad_Name' } }));
  assert.equal(bad.code, 422);
});

test('dryRun creates nothing; update checks resourceVersion; status and generation semantics', async () => {
  const { store } = setup();
  await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: 'default' } });
  const deploys = store('apps', 'v1', 'deployments');
  const dry = await deploys.create({ namespace: 'default', dryRun: true }, { metadata: { name: 'web' }, spec: depSpec(1) });
  assert.equal(dry.metadata.resourceVersion, undefined);
  assert.equal((await status(deploys.get({ namespace: 'default' }, 'web'))).code, 404);

  const web = await deploys.create({ namespace: 'default' }, { metadata: { name: 'web' }, spec: depSpec(1), status: { replicas: 7 } });
  assert.equal(web.metadata.generation, 1);
  assert.deepEqual((web as { status?: unknown }).status, {}, 'status is reset on create (to the zero DeploymentStatus Go writes as {})');

  const scaled = await deploys.update({ namespace: 'default' }, 'web', { metadata: { name: 'web', resourceVersion: web.metadata.resourceVersion }, spec: depSpec(3), status: { replicas: 9 } });
  assert.equal(scaled.metadata.generation, 2);
  assert.equal(scaled.metadata.uid, web.metadata.uid);
  assert.deepEqual((scaled as { status?: unknown }).status, {}, 'the main resource ignores status');
  const stale = await status(deploys.update({ namespace: 'default' }, 'web', { metadata: { name: 'web', resourceVersion: web.metadata.resourceVersion }, spec: depSpec(4) }));
  assert.deepEqual(stale, {
    code: 409, reason: 'Conflict',
    message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
  });

  const withStatus = await deploys.update({ namespace: 'default' }, 'web', { metadata: { name: 'web', labels: { ignored: 'yes' } }, spec: depSpec(100), status: { replicas: 3 } }, 'status');
  assert.deepEqual((withStatus as { status?: unknown }).status, { replicas: 3 });
  assert.equal((withStatus as { spec?: { replicas?: number } }).spec?.replicas, 3, '/status ignores the rest');
  assert.equal(withStatus.metadata.generation, 2, 'status writes do not bump generation');
  assert.equal(withStatus.metadata.labels, undefined);

  const labelled = await deploys.patch({ namespace: 'default' }, 'web', 'application/merge-patch+json', { metadata: { labels: { tier: 'fe' } } });
  assert.deepEqual(labelled.metadata.labels, { tier: 'fe' });
  assert.equal(labelled.metadata.generation, 2, 'metadata changes do not bump generation');
  const patched = await deploys.patch({ namespace: 'default' }, 'web', 'application/json-patch+json', [{ op: 'replace', path: '/spec/replicas', value: 5 }]);
  assert.equal((patched as unknown as { spec: { replicas: number } }).spec.replicas, 5);
  assert.equal(patched.metadata.generation, 3);
  assert.equal((await status(deploys.patch({ namespace: 'default' }, 'web', 'application/json-patch+json', [{ op: 'test', path: '/spec/replicas', value: 1 }]))).code, 422);
  const stalePatch = await status(deploys.patch({ namespace: 'default' }, 'web', 'application/merge-patch+json', { metadata: { resourceVersion: web.metadata.resourceVersion } }));
  assert.equal(stalePatch.code, 409);
});

test('lists filter by label and field selectors; unsupported field labels are 400', async () => {
  const { store } = setup();
  for (const n of ['a', 'b']) await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: n } });
  const pods = store('', 'v1', 'pods');
  await pods.create({ namespace: 'a' }, { metadata: { name: 'p1', labels: { app: 'web' } }, spec: podSpec({ nodeName: 'n1' }) });
  await pods.create({ namespace: 'a' }, { metadata: { name: 'p2', labels: { app: 'db' } }, spec: podSpec() });
  await pods.create({ namespace: 'b' }, { metadata: { name: 'p3', labels: { app: 'web' } }, spec: podSpec({ nodeName: 'n1' }) });
  const names = async (ns: string, labels: string, fields: string): Promise<string[]> => {
    const r = await pods.list({ namespace: ns }, { ...list, labelSelector: parseLabelSelector(labels), fieldSelector: parseFieldSelector(fields) });
    return (await all(r.items)).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  };
  assert.deepEqual(await names('', '', ''), ['a/p1', 'a/p2', 'b/p3']);
  assert.deepEqual(await names('a', '', ''), ['a/p1', 'a/p2']);
  assert.deepEqual(await names('', 'app=web', ''), ['a/p1', 'b/p3']);
  assert.deepEqual(await names('', '', 'spec.nodeName=n1,metadata.namespace!=b'), ['a/p1']);
  assert.deepEqual(await names('', 'app in (db)', 'metadata.name=p2'), ['a/p2']);
  assert.deepEqual(await status(names('', '', 'spec.bogus=1')), { code: 400, reason: 'BadRequest', message: 'field label not supported: spec.bogus' });
});

test('delete: Status for most kinds, the object for pods, finalizers defer it, preconditions conflict', async () => {
  const { store } = setup();
  await store('', 'v1', 'namespaces').create({ namespace: '' }, { metadata: { name: 'default' } });
  const cms = store('', 'v1', 'configmaps');
  const cm = await cms.create({ namespace: 'default' }, { metadata: { name: 'c' } });
  const pre = await status(cms.delete({ namespace: 'default' }, 'c', { preconditions: { uid: 'other' } }));
  assert.deepEqual(pre, { code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on configmaps "c": Precondition failed: UID in precondition: other, UID in object meta: ${cm.metadata.uid}` });
  const r = await cms.delete({ namespace: 'default' }, 'c', { propagationPolicy: 'Background' });
  assert.deepEqual(r, { kind: 'status', status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'c', kind: 'configmaps', uid: cm.metadata.uid } } });
  assert.equal((await status(cms.get({ namespace: 'default' }, 'c'))).code, 404);

  const pods = store('', 'v1', 'pods');
  await pods.create({ namespace: 'default' }, { metadata: { name: 'p' }, spec: podSpec() });
  const dp = await pods.delete({ namespace: 'default' }, 'p', {});
  assert.equal(dp.kind === 'object' && dp.deleted && dp.object.metadata.name, 'p');

  await cms.create({ namespace: 'default' }, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  const deferred = await cms.delete({ namespace: 'default' }, 'held', {});
  assert.ok(deferred.kind === 'object' && !deferred.deleted && deferred.object.metadata.deletionTimestamp !== undefined);
  const still = await cms.get({ namespace: 'default' }, 'held');
  assert.deepEqual(still.metadata.finalizers, ['example.com/hold']);
  const adding = await status(cms.patch({ namespace: 'default' }, 'held', 'application/merge-patch+json', { metadata: { finalizers: ['example.com/hold', 'new'] } }));
  assert.equal(adding.code, 422);
  await cms.patch({ namespace: 'default' }, 'held', 'application/merge-patch+json', { metadata: { finalizers: null } });
  assert.equal((await status(cms.get({ namespace: 'default' }, 'held'))).code, 404, 'removing the last finalizer deletes it');
});

test('a terminating namespace refuses new content; finalize then delete removes it', async () => {
  const { store } = setup();
  const ns = store('', 'v1', 'namespaces');
  await ns.create({ namespace: '' }, { metadata: { name: 'gone' } });
  const d = await ns.delete({ namespace: '' }, 'gone', {});
  assert.ok(d.kind === 'object' && !d.deleted);
  assert.equal((d.object as { status?: { phase?: string } }).status?.phase, 'Terminating');
  const refused = await status(store('', 'v1', 'configmaps').create({ namespace: 'gone' }, { metadata: { name: 'x' } }));
  assert.deepEqual(refused, { code: 403, reason: 'Forbidden', message: 'unable to create new content in namespace gone because it is being terminated' });
  await ns.update({ namespace: '' }, 'gone', { metadata: { name: 'gone' }, spec: { finalizers: [] } }, 'finalize');
  const again = await ns.delete({ namespace: '' }, 'gone', {});
  assert.ok(again.kind === 'object' && again.deleted);
  assert.equal((await status(ns.get({ namespace: '' }, 'gone'))).code, 404);
});
