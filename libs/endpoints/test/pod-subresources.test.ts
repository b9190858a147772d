// pods/binding, pods/eviction, the legacy bindings collection and graceful
// pod DELETE through the real front end: routing, status codes, bodies in
// JSON and protobuf, Retry-After on a refused eviction.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeKubeProtobuf } from '@logbook/kube-protobuf';
import { startTlsApiServer, type Reply, type TlsApiServer } from './tls-api-server.ts';

let server: TlsApiServer;

before(async () => {
  server = await startTlsApiServer();
});

after(async () => {
  await server[Symbol.asyncDispose]();
});

const call = (method: string, path: string, body?: string | Uint8Array, contentType?: string): Promise<Reply> => server.call(method, path, body, contentType);

const json = (r: Reply): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
const PODS = '/api/v1/namespaces/default/pods';
const created = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

async function createPod(name: string, labels: Record<string, string> = {}): Promise<void> {
  const r = await call('POST', PODS, JSON.stringify({ metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }));
  assert.equal(r.code, 201, r.body);
}

const binding = (name: string, node: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });

test('POST pods/{name}/binding binds (201 Success); other verbs are 405; conflicts are 409', async () => {
  await createPod('b1');
  const r = await call('POST', `${PODS}/b1/binding`, binding('b1', 'node-a'));
  assert.equal(r.code, 201, r.body);
  assert.deepEqual(json(r), created);
  assert.equal((json(await call('GET', `${PODS}/b1`)).spec as { nodeName?: string }).nodeName, 'node-a');
  const again = await call('POST', `${PODS}/b1/binding`, binding('b1', 'node-b'));
  assert.equal(again.code, 409);
  assert.equal(json(again).message, 'Operation cannot be fulfilled on pods/binding "b1": pod b1 is already assigned to node "node-a"');
  for (const method of ['GET', 'PUT', 'DELETE']) assert.equal((await call(method, `${PODS}/b1/binding`, method === 'PUT' ? binding('b1', 'x') : undefined)).code, 405, method);
  assert.equal((await call('POST', `${PODS}/nope/binding`, binding('nope', 'node-a'))).code, 404);
  assert.equal((await call('POST', `${PODS}/b1/binding`, binding('other', 'node-a'))).code, 400);
});

test('the legacy bindings collection binds the pod its body names', async () => {
  await createPod('b2');
  const r = await call('POST', '/api/v1/namespaces/default/bindings', binding('b2', 'node-c'));
  assert.equal(r.code, 201, r.body);
  assert.equal((json(await call('GET', `${PODS}/b2`)).spec as { nodeName?: string }).nodeName, 'node-c');
  assert.equal((await call('GET', '/api/v1/namespaces/default/bindings')).code, 405);
});

test('DELETE of a bound pod leaves it terminating; gracePeriodSeconds=0 removes it', async () => {
  await createPod('d1');
  await call('POST', `${PODS}/d1/binding`, binding('d1', 'node-a'));
  const first = await call('DELETE', `${PODS}/d1`, JSON.stringify({ propagationPolicy: 'Background' }));
  assert.equal(first.code, 200);
  const meta = json(first).metadata as { deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
  assert.equal(meta.deletionGracePeriodSeconds, 30);
  assert.ok(meta.deletionTimestamp);
  assert.equal((await call('GET', `${PODS}/d1`)).code, 200);
  const force = await call('DELETE', `${PODS}/d1?gracePeriodSeconds=0`);
  assert.equal(force.code, 200);
  assert.equal((await call('GET', `${PODS}/d1`)).code, 404);
});

test('POST pods/{name}/eviction in protobuf evicts; a budget without status answers 429 with Retry-After', async () => {
  await createPod('e1');
  const proto = encodeKubeProtobuf('policy/v1', 'Eviction', { metadata: { name: 'e1', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } });
  const r = await call('POST', `${PODS}/e1/eviction`, proto, 'application/vnd.kubernetes.protobuf');
  assert.equal(r.code, 201, r.body);
  assert.deepEqual(json(r), created);
  assert.equal((await call('GET', `${PODS}/e1`)).code, 404);

  await createPod('e2', { app: 'guarded' });
  await call('POST', `${PODS}/e2/binding`, binding('e2', 'node-a'));
  const pod = json(await call('GET', `${PODS}/e2`));
  const running = await call('PUT', `${PODS}/e2/status`, JSON.stringify({ ...pod, status: { phase: 'Running' } }));
  assert.equal(running.code, 200, running.body);
  const pdb = await call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', JSON.stringify({ metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } }));
  assert.equal(pdb.code, 201, pdb.body);
  const refused = await call('POST', `${PODS}/e2/eviction`, JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e2' } }));
  assert.equal(refused.code, 429, refused.body);
  assert.equal(refused.headers['retry-after'], '10');
  assert.equal(json(refused).reason, 'TooManyRequests');
  assert.equal((await call('GET', `${PODS}/e2/eviction`)).code, 405);
});
