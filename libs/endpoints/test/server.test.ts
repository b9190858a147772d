// The front end over a registry on MemoryStorage, through real TLS: routing,
// the filter chain's answers (401/403/404/405/406/413/415), bodies in JSON and
// YAML, lists with pages, a watch stream, discovery and the info endpoints.

import { builtinSchemas } from '@logbook/schemas';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { MemoryStorage } from '@logbook/apistorage';
import { generateCa, issueClientCert, issueServingCert, type CertAndKey } from '@logbook/pki';
import { Registry } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import { ApiServer, ApiserverMetrics, HealthEndpoints, versionInfo } from '../src/index.ts';

let server: ApiServer;
let port = 0;
let ca: CertAndKey;
let admin: CertAndKey;

before(async () => {
  const now = new Date();
  ca = await generateCa({ commonName: 'test-ca', now, validityDays: 1 });
  const serving = await issueServingCert(ca, { commonName: 'apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
  admin = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'], now, validityDays: 1 });
  const storage = new MemoryStorage();
  let n = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => storage,
    env: { now: () => Date.now(), uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, randomInt: () => 0 },
  });
  await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name: 'default' } });
  const ok = { name: 'ping', check: () => Promise.resolve() };
  server = new ApiServer({
    registry, resources: catalogue(), tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem },
    serverAddress: '127.0.0.1:6443',
    version: versionInfo({ gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '1970-01-01T00:00:00Z', platform: 'linux/amd64', goVersion: 'node', compiler: 'logbook' }),
    schemas: builtinSchemas,
    health: new HealthEndpoints({ checks: { healthz: [ok], livez: [ok], readyz: [ok] } }),
    metrics: new ApiserverMetrics(), maxRequestsInflight: 0, maxMutatingRequestsInflight: 0, minRequestTimeoutSeconds: 1800, requestTimeoutMs: 60_000,
    maxBodyBytes: 3 * 1024 * 1024, random: () => 0,
  });
  port = await server.listen(0, '127.0.0.1');
});

after(async () => {
  await server.close();
});

interface Reply {
  readonly code: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function call(method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string>; anonymous?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method, path, ca: ca.certPem, servername: 'localhost',
      ...(opts.anonymous === true ? {} : { cert: admin.certPem, key: admin.keyPem }),
      // Content-Length always: Node's client sends a DELETE body with no framing at all otherwise.
      headers: { ...(opts.body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (r: Reply): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
const cm = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });

test('create, get and list through the chain; every response has an Audit-Id', async () => {
  const created = await call('POST', '/api/v1/namespaces/default/configmaps', { body: cm('a') });
  assert.equal(created.code, 201, created.body);
  assert.match(String(created.headers['audit-id']), /^[0-9a-f-]{36}$/);
  const got = await call('GET', '/api/v1/namespaces/default/configmaps/a');
  assert.equal(got.code, 200);
  assert.deepEqual((json(got).data), { k: 'v' });
  for (const name of ['b', 'c']) assert.equal((await call('POST', '/api/v1/namespaces/default/configmaps', { body: cm(name) })).code, 201);
  const page1 = json(await call('GET', '/api/v1/namespaces/default/configmaps?limit=2'));
  assert.equal(page1.kind, 'ConfigMapList');
  assert.equal(page1.apiVersion, 'v1');
  const meta = page1.metadata as { continue?: string; remainingItemCount?: number; resourceVersion: string };
  assert.deepEqual((page1.items as { metadata: { name: string } }[]).map((i) => i.metadata.name), ['a', 'b']);
  assert.equal(meta.remainingItemCount, 1);
  const page2 = json(await call('GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(meta.continue!)}`));
  assert.deepEqual((page2.items as { metadata: { name: string } }[]).map((i) => i.metadata.name), ['c']);
  const all = json(await call('GET', '/api/v1/configmaps'));
  assert.equal((all.items as unknown[]).length, 3, 'all namespaces');
});

test('YAML in and out', async () => {
  const created = await call('POST', '/api/v1/namespaces/default/configmaps', {
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  x: "1"\n',
    headers: { 'Content-Type': 'application/yaml', Accept: 'application/yaml' },
  });
  assert.equal(created.code, 201, created.body);
  assert.match(String(created.headers['content-type']), /^application\/yaml/);
  assert.match(created.body, /^apiVersion: v1\n/m);
  assert.match(created.body, /name: from-yaml/);
});

test('the chain answers as kube-apiserver: 403 anonymous, 404, 405, 406, 413, 415, 400, 409', async () => {
  const anon = await call('GET', '/api/v1/namespaces/default/configmaps', { anonymous: true });
  assert.equal(anon.code, 403);
  assert.equal(json(anon).message, 'configmaps is forbidden: User "system:anonymous" cannot list resource "configmaps" in API group "" in the namespace "default"');
  assert.equal((await call('GET', '/version', { anonymous: true })).code, 200, 'public info stays public');
  const missing = await call('GET', '/api/v1/foos');
  assert.deepEqual([missing.code, json(missing).message], [404, 'the server could not find the requested resource']);
  const notAllowed = await call('POST', '/api/v1/namespaces/default/configmaps/a', { body: cm('a') });
  assert.equal(notAllowed.code, 405);
  assert.equal(json(notAllowed).reason, 'MethodNotAllowed');
  assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps/a', { headers: { Accept: 'application/vnd.kubernetes.protobuf' } })).code, 406);
  const big = await call('POST', '/api/v1/namespaces/default/configmaps', { body: Buffer.alloc(3 * 1024 * 1024 + 10, 0x20) });
  assert.deepEqual([big.code, json(big).reason], [413, 'RequestEntityTooLarge']);
  const media = await call('POST', '/api/v1/namespaces/default/configmaps', { body: cm('z'), headers: { 'Content-Type': 'text/plain' } });
  assert.deepEqual([media.code, json(media).reason], [415, 'UnsupportedMediaType']);
  const malformed = await call('POST', '/api/v1/namespaces/default/configmaps', { body: '{"metadata": ' });
  assert.deepEqual([malformed.code, json(malformed).reason], [400, 'BadRequest']);
  const dup = await call('POST', '/api/v1/namespaces/default/configmaps', { body: cm('a') });
  assert.deepEqual([dup.code, json(dup).message], [409, 'configmaps "a" already exists']);
  const badPatch = await call('PATCH', '/api/v1/namespaces/default/configmaps/a', { body: '{}', headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
  assert.equal(badPatch.code, 415);
  const badContinue = await call('GET', '/api/v1/namespaces/default/configmaps?limit=1&continue=not-a-token');
  assert.deepEqual([badContinue.code, json(badContinue).reason], [400, 'BadRequest']);
  const badRv = await call('GET', '/api/v1/namespaces/default/configmaps?resourceVersion=abc');
  assert.deepEqual([badRv.code, json(badRv).reason], [400, 'BadRequest']);
  const badBool = await call('GET', '/api/v1/namespaces/default/configmaps?watch=maybe');
  assert.deepEqual([badBool.code, json(badBool).reason], [400, 'BadRequest']);
  const current = json(await call('GET', '/api/v1/namespaces/default/configmaps/a'));
  const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/a', { body: JSON.stringify({ ...current, metadata: { ...(current.metadata as object), resourceVersion: '1' } }) });
  assert.deepEqual([stale.code, json(stale).reason], [409, 'Conflict']);
  const wrongNs = await call('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'q', namespace: 'other' } }) });
  assert.deepEqual([wrongNs.code, json(wrongNs).message], [400, 'the namespace of the provided object does not match the namespace sent on the request']);
  const wrongKind = await call('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'q' } }) });
  assert.equal(wrongKind.code, 400);
  assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps/q')).code, 404, 'nothing was stored');
  const badDryRun = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=Some', { body: cm('dry') });
  assert.deepEqual([badDryRun.code, json(badDryRun).message], [422, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"']);
  const badPolicy = await call('DELETE', '/api/v1/namespaces/default/configmaps/a', { body: JSON.stringify({ propagationPolicy: 'Sometimes' }) });
  assert.deepEqual([badPolicy.code, json(badPolicy).reason], [422, 'Invalid']);
  const dryDelete = await call('DELETE', '/api/v1/namespaces/default/configmaps/a', { body: JSON.stringify({ dryRun: ['All'] }) });
  assert.equal(dryDelete.code, 200);
  assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps/a')).code, 200, 'a dry-run delete (body) deletes nothing');
  const rvMatch = await call('GET', '/api/v1/namespaces/default/configmaps?resourceVersionMatch=Exact');
  assert.equal(rvMatch.code, 422);
  assert.equal(json(rvMatch).message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
});

test('a watch streams events as lines and ends at timeoutSeconds', async () => {
  const list = json(await call('GET', '/api/v1/namespaces/default/configmaps'));
  const rv = (list.metadata as { resourceVersion: string }).resourceVersion;
  const watching = call('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
  await new Promise((r) => setTimeout(r, 200));
  await call('POST', '/api/v1/namespaces/default/configmaps', { body: cm('watched') });
  await call('DELETE', '/api/v1/namespaces/default/configmaps/watched');
  const r = await watching;
  assert.equal(r.code, 200);
  const events = r.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED watched', 'DELETED watched']);
});

test('discovery, version, health and metrics', async () => {
  const agg = await call('GET', '/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
  assert.equal(agg.code, 200);
  assert.equal(agg.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(json(agg).kind, 'APIGroupDiscoveryList');
  const legacy = json(await call('GET', '/api/v1'));
  assert.equal(legacy.kind, 'APIResourceList');
  assert.equal(json(await call('GET', '/version')).gitVersion, 'v1.33.0');
  assert.equal((await call('GET', '/readyz')).body, 'ok');
  const metrics = await call('GET', '/metrics');
  assert.match(metrics.body, /apiserver_request_total\{[^}]*verb="LIST"[^}]*resource="configmaps"[^}]*code="200"[^}]*\} \d+/);
  assert.match(metrics.body, /apiserver_watch_events_total\{group="",version="v1",resource="configmaps"\} 2/);
});

test('a request the store does not answer ends with 504 after --request-timeout', async () => {
  const never = new Promise<never>(() => {});
  const hanging = new Proxy(new MemoryStorage(), { get: (target, prop) => (prop === 'get' ? () => never : Reflect.get(target, prop) as unknown) });
  const registry = new Registry({ etcdPrefix: '/registry', resources: catalogue(), storageFor: () => hanging, env: { now: () => 0, uuid: () => 'u', randomInt: () => 0 } });
  const ok = { name: 'ping', check: () => Promise.resolve() };
  const now = new Date();
  const serving = await issueServingCert(ca, { commonName: 'apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
  const slow = new ApiServer({
    registry, resources: catalogue(), tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem }, serverAddress: '127.0.0.1:6443',
    version: versionInfo({ gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '1970-01-01T00:00:00Z', platform: 'linux/amd64', goVersion: 'node', compiler: 'logbook' }),
    schemas: builtinSchemas,
    health: new HealthEndpoints({ checks: { healthz: [ok], livez: [ok], readyz: [ok] } }),
    metrics: new ApiserverMetrics(), maxRequestsInflight: 0, maxMutatingRequestsInflight: 0, minRequestTimeoutSeconds: 1800, requestTimeoutMs: 300,
    maxBodyBytes: 1024, random: () => 0,
  });
  const slowPort = await slow.listen(0, '127.0.0.1');
  const saved = port;
  port = slowPort;
  try {
    const r = await call('GET', '/api/v1/namespaces/default/configmaps/a');
    assert.equal(r.code, 504);
    assert.equal(json(r).message, 'Timeout: request did not complete within requested timeout - context deadline exceeded');
  } finally {
    port = saved;
    await slow.close();
  }
});

test('a watch-list (sendInitialEvents) sends the current objects, then the initial-events-end bookmark', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=wl%3Dyes');
  assert.equal(r.code, 200);
  const initial = r.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; annotations?: Record<string, string> } } });
  assert.deepEqual(initial.map((e) => e.type), ['BOOKMARK'], 'nothing matches yet: only the bookmark');
  assert.deepEqual(initial[0]!.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
  await call('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'wl', labels: { wl: 'yes' } } }) });
  const again = await call('GET', '/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=wl%3Dyes');
  const events = again.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string } } });
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`), ['ADDED wl', 'BOOKMARK ']);
});
