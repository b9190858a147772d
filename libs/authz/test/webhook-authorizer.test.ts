// The webhook authorizer against a real HTTPS server in this process: TLS,
// client certificates, bearer tokens, timeouts and retries all for real; only
// the cache's clock and the backoff's sleep are injected.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { generateCa, issueClientCert, issueServingCert, writeKubeconfig, type KubeconfigConnection } from '@logbook/pki';
import { attributes, ExpiringLru, userInfo, webhookAuthorizer, type WebhookAuthorizerOptions } from '../src/index.ts';

const now = new Date();
const ca = await generateCa({ commonName: 'webhook-ca', now, validityDays: 2 });
const clientCa = await generateCa({ commonName: 'apiserver-client-ca', now, validityDays: 2 });
const otherCa = await generateCa({ commonName: 'other-ca', now, validityDays: 2 });
const serving = await issueServingCert(ca, { commonName: 'authz-webhook', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
const apiserverClient = await issueClientCert(clientCa, { commonName: 'kube-apiserver', organizations: [], now, validityDays: 1 });

interface Seen {
  readonly body: unknown;
  readonly headers: IncomingMessage['headers'];
  readonly clientCN: string | undefined;
}

type Handler = (body: unknown, res: ServerResponse) => void;

interface TestServer {
  readonly port: number;
  readonly seen: Seen[];
  handler: Handler;
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
});

async function startServer(opts: { requireClientCert?: boolean } = {}): Promise<TestServer> {
  const state: { seen: Seen[]; handler: Handler } = { seen: [], handler: (_b, res) => reply(res, { allowed: true }) };
  const tlsOpts = opts.requireClientCert === true ? { ca: clientCa.certPem, requestCert: true, rejectUnauthorized: true } : {};
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ...tlsOpts }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      state.seen.push({ body, headers: req.headers, clientCN: typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined });
      state.handler(body, res);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen: state.seen,
    get handler() {
      return state.handler;
    },
    set handler(h: Handler) {
      state.handler = h;
    },
  };
}

function reply(res: ServerResponse, status: Record<string, unknown> | undefined, code = 200, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', ...(status === undefined ? {} : { status }) }));
}

function connection(port: number, extra: Partial<KubeconfigConnection> = {}): KubeconfigConnection {
  return { server: `https://127.0.0.1:${port}/authorize`, caData: Buffer.from(ca.certPem), insecureSkipTLSVerify: false, ...extra };
}

const alice = userInfo('alice', { uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['b', 'a'], 'acme.com/project': ['x'] } });
const getPod = attributes(alice, { verb: 'get', namespace: 'ns', apiGroup: '', apiVersion: 'v1', resource: 'pods', name: 'web' });

class FakeClock {
  ms = 1_000_000;
  now(): number {
    return this.ms;
  }
}

async function authorizer(port: number, opts: Partial<WebhookAuthorizerOptions> = {}, conn: Partial<KubeconfigConnection> = {}) {
  const sleeps: number[] = [];
  const errors: string[] = [];
  const a = await webhookAuthorizer({
    connection: connection(port, conn),
    version: 'v1',
    random: () => 0,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    logger: { error: (msg) => errors.push(msg) },
    ...opts,
  });
  return { a, sleeps, errors };
}

test('allow: the v1 SubjectAccessReview sent, and the reason passed back', async (t) => {
  const s = await startServer();
  s.handler = (_b, res) => reply(res, { allowed: true, reason: 'policy 7' });
  const { a } = await authorizer(s.port);
  t.after(() => a.close());
  assert.deepEqual(await a.authorize(getPod), { decision: 'Allow', reason: 'policy 7' });
  assert.equal(s.seen.length, 1);
  assert.deepEqual(s.seen[0]?.body, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: {
      resourceAttributes: { namespace: 'ns', verb: 'get', version: 'v1', resource: 'pods', name: 'web' },
      user: 'alice',
      groups: ['devs', 'system:authenticated'],
      extra: { 'acme.com/project': ['x'], scopes: ['b', 'a'] },
      uid: 'u-1',
    },
    status: { allowed: false },
  });
  assert.equal(s.seen[0]?.headers['content-type'], 'application/json');
  assert.equal(s.seen[0]?.headers.authorization, undefined);
});

test('v1beta1: apiVersion and the "group" spelling; non-resource requests send path and verb', async (t) => {
  const s = await startServer();
  const { a } = await authorizer(s.port, { version: 'v1beta1' });
  t.after(() => a.close());
  await a.authorize(attributes(userInfo('bob', { groups: ['g'] }), { verb: 'get', resourceRequest: false, path: '/healthz' }));
  assert.deepEqual(s.seen[0]?.body, {
    apiVersion: 'authorization.k8s.io/v1beta1',
    kind: 'SubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'bob', group: ['g'] },
    status: { allowed: false },
  });
});

const mappings: readonly [name: string, status: Record<string, unknown> | undefined, expected: object][] = [
  ['denied', { allowed: false, denied: true, reason: 'blocked by policy' }, { decision: 'Deny', reason: 'blocked by policy' }],
  ['neither: no opinion, reason kept', { allowed: false, reason: 'not mine' }, { decision: 'NoOpinion', reason: 'not mine' }],
  ['both allowed and denied: Deny with kube\'s error', { allowed: true, denied: true, reason: 'r' }, { decision: 'Deny', reason: 'r', error: 'webhook subject access review returned both allow and deny response' }],
  ['no status at all: zero value, no opinion', undefined, { decision: 'NoOpinion', reason: '' }],
  ['evaluationError alone does not change the decision (as kube)', { allowed: false, evaluationError: 'rule 3 failed' }, { decision: 'NoOpinion', reason: '' }],
  ['status.allowed not a boolean: a decode failure', { allowed: 'yes' }, { decision: 'NoOpinion', reason: '', error: 'webhook response status.allowed is not a boolean' }],
];

for (const [name, status, expected] of mappings) {
  test(`response mapping: ${name}`, async (t) => {
    const s = await startServer();
    s.handler = (_b, res) => reply(res, status);
    const { a } = await authorizer(s.port);
    t.after(() => a.close());
    assert.deepEqual(await a.authorize(getPod), expected);
  });
}

test('cache: answers are reused within their TTL and asked again after it, allowed and unauthorized TTLs apart', async (t) => {
  const s = await startServer();
  const clock = new FakeClock();
  s.handler = (body, res) => {
    const name = ((body as { spec: { resourceAttributes: { name: string } } }).spec.resourceAttributes).name;
    reply(res, { allowed: name === 'web' });
  };
  const { a } = await authorizer(s.port, { clock, authorizedTTLMs: 300_000, unauthorizedTTLMs: 30_000 });
  t.after(() => a.close());
  const denyAttrs = { ...getPod, name: 'db' };
  assert.equal((await a.authorize(getPod)).decision, 'Allow');
  assert.equal((await a.authorize(denyAttrs)).decision, 'NoOpinion');
  assert.equal(s.seen.length, 2);
  clock.ms += 29_999;
  await a.authorize(getPod);
  await a.authorize(denyAttrs);
  assert.equal(s.seen.length, 2, 'both cached before 30s');
  clock.ms += 1;
  await a.authorize(getPod);
  await a.authorize(denyAttrs);
  assert.equal(s.seen.length, 3, 'only the unauthorized answer expired at 30s');
  clock.ms += 300_000 - 30_000;
  await a.authorize(getPod);
  assert.equal(s.seen.length, 4, 'the allowed answer expired at 5m');
  // A different user is a different key.
  await a.authorize({ ...getPod, user: userInfo('mallory') });
  assert.equal(s.seen.length, 5);
});

test('cache: a TTL of 0 turns caching off; errors are never cached', async (t) => {
  const s = await startServer();
  const { a } = await authorizer(s.port, { clock: new FakeClock(), authorizedTTLMs: 0 });
  t.after(() => a.close());
  await a.authorize(getPod);
  await a.authorize(getPod);
  assert.equal(s.seen.length, 2);
  const s2 = await startServer();
  s2.handler = (_b, res) => reply(res, {}, 400);
  const { a: b } = await authorizer(s2.port, { clock: new FakeClock() });
  t.after(() => b.close());
  await b.authorize(getPod);
  await b.authorize(getPod);
  assert.equal(s2.seen.length, 2);
});

test('ExpiringLru: the least recently used entry goes at the bound', () => {
  const clock = new FakeClock();
  const lru = new ExpiringLru<string, number>(2, clock);
  lru.set('a', 1, 1000);
  lru.set('b', 2, 1000);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3, 1000);
  assert.equal(lru.get('b'), undefined);
  assert.equal(lru.get('a'), 1);
  assert.equal(lru.get('c'), 3);
  assert.equal(lru.size, 2);
  clock.ms += 1000;
  assert.equal(lru.get('a'), undefined);
  assert.equal(lru.size, 1, 'an expired entry is dropped when read');
  assert.throws(() => new ExpiringLru(0, clock), /assertion failed/);
});

test('server errors: 500 is retried with kube\'s backoff, then NoOpinion with the error, logged', async (t) => {
  const s = await startServer();
  s.handler = (_b, res) => {
    res.writeHead(500);
    res.end('boom');
  };
  const { a, sleeps, errors } = await authorizer(s.port);
  t.after(() => a.close());
  const d = await a.authorize(getPod);
  assert.equal(d.decision, 'NoOpinion');
  assert.equal(d.reason, '');
  assert.match(d.error ?? '', /an error on the server \("boom"\) has prevented the request from succeeding \(HTTP 500\)/);
  assert.equal(s.seen.length, 5);
  assert.deepEqual(sleeps, [500, 750, 1125, 1687.5]);
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /^Failed to make webhook authorizer request: an error on the server/);
});

test('server errors: 429 then success is retried to an answer; 503 without Retry-After and 403 are not retried', async (t) => {
  const s = await startServer();
  let n = 0;
  s.handler = (_b, res) => (n++ === 0 ? reply(res, {}, 429) : reply(res, { allowed: true }));
  const { a, sleeps } = await authorizer(s.port);
  t.after(() => a.close());
  assert.equal((await a.authorize(getPod)).decision, 'Allow');
  assert.equal(s.seen.length, 2);
  assert.deepEqual(sleeps, [500]);

  for (const code of [503, 403]) {
    const s2 = await startServer();
    s2.handler = (_b, res) => reply(res, {}, code);
    const { a: b } = await authorizer(s2.port);
    t.after(() => b.close());
    assert.equal((await b.authorize(getPod)).decision, 'NoOpinion');
    assert.equal(s2.seen.length, 1, `HTTP ${code}`);
  }
  const s3 = await startServer();
  s3.handler = (_b, res) => reply(res, {}, 503, { 'Retry-After': '1' });
  const { a: c } = await authorizer(s3.port, { retryBackoff: { initialMs: 1, factor: 1, jitter: 0, steps: 2 } });
  t.after(() => c.close());
  await c.authorize(getPod);
  assert.equal(s3.seen.length, 2, '503 with Retry-After is retried');
});

test('a body that is not JSON is an error, not a decision', async (t) => {
  const s = await startServer();
  s.handler = (_b, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"status": {"allowed": tru');
  };
  const { a } = await authorizer(s.port);
  t.after(() => a.close());
  const d = await a.authorize(getPod);
  assert.equal(d.decision, 'NoOpinion');
  assert.match(d.error ?? '', /webhook response is not JSON/);
});

test('slow server: an answer inside the timeout counts; past it the request is abandoned, not retried', async (t) => {
  const s = await startServer();
  s.handler = (_b, res) => setTimeout(() => reply(res, { allowed: true }), 100).unref();
  const { a } = await authorizer(s.port, { requestTimeoutMs: 2000 });
  t.after(() => a.close());
  assert.equal((await a.authorize(getPod)).decision, 'Allow');

  const slow = await startServer();
  slow.handler = () => {}; // never answers
  const { a: b, sleeps } = await authorizer(slow.port, { requestTimeoutMs: 150 });
  t.after(() => b.close());
  const started = performance.now();
  const d = await b.authorize(getPod);
  const elapsed = performance.now() - started;
  assert.equal(d.decision, 'NoOpinion');
  assert.match(d.error ?? '', /context deadline exceeded/);
  assert.ok(elapsed >= 140 && elapsed < 1500, `took ${elapsed}ms`);
  assert.equal(slow.seen.length, 1);
  assert.deepEqual(sleeps, []);
});

test('TLS: the webhook\'s certificate must chain to the kubeconfig CA unless insecure-skip-tls-verify', async (t) => {
  const s = await startServer();
  const { a } = await authorizer(s.port, {}, { caData: Buffer.from(otherCa.certPem) });
  t.after(() => a.close());
  const d = await a.authorize(getPod);
  assert.equal(d.decision, 'NoOpinion');
  assert.match(d.error ?? '', /certificate/i);
  assert.equal(s.seen.length, 0);
  const { caData: _drop, ...rest } = connection(s.port);
  const { a: b } = await authorizer(s.port, {}, { ...rest, insecureSkipTLSVerify: true });
  t.after(() => b.close());
  assert.equal((await b.authorize(getPod)).decision, 'Allow');
});

test('client-certificate auth: the webhook sees the apiserver\'s identity; without a certificate it refuses the handshake', async (t) => {
  const s = await startServer({ requireClientCert: true });
  const { a } = await authorizer(s.port, {}, { certData: Buffer.from(apiserverClient.certPem), keyData: Buffer.from(apiserverClient.keyPem) });
  t.after(() => a.close());
  assert.equal((await a.authorize(getPod)).decision, 'Allow');
  assert.equal(s.seen[0]?.clientCN, 'kube-apiserver');
  const { a: anon } = await authorizer(s.port);
  t.after(() => anon.close());
  const d = await anon.authorize(getPod);
  assert.equal(d.decision, 'NoOpinion');
  assert.notEqual(d.error, undefined);
  assert.equal(s.seen.length, 1);
});

test('from a kubeconfig file: bearer token and CA read from it', async (t) => {
  const s = await startServer();
  const dir = await mkdtemp(join(tmpdir(), 'logbook-webhook-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'authz-webhook.yaml');
  await writeKubeconfig(path, { server: `https://127.0.0.1:${s.port}/authorize`, caPem: ca.certPem, token: 'webhook-token', clusterName: 'authz', userName: 'apiserver', contextName: 'webhook' });
  const a = await webhookAuthorizer({ kubeconfigPath: path, version: 'v1' });
  t.after(() => a.close());
  assert.equal((await a.authorize(getPod)).decision, 'Allow');
  assert.equal(s.seen[0]?.headers.authorization, 'Bearer webhook-token');
  await assert.rejects(webhookAuthorizer({ kubeconfigPath: join(dir, 'missing.yaml') }), /missing\.yaml/);
  await assert.rejects(webhookAuthorizer({}), /exactly one of kubeconfigPath and connection/);
});

test('connection refused: NoOpinion with the error, not retried (not a transient error in kube\'s rule)', async (t) => {
  const s = await startServer();
  const port = s.port;
  for (const srv of servers) if ((srv.address() as AddressInfo | null)?.port === port) srv.close();
  await new Promise((r) => setTimeout(r, 20));
  const { a, sleeps } = await authorizer(port);
  t.after(() => a.close());
  const d = await a.authorize(getPod);
  assert.equal(d.decision, 'NoOpinion');
  assert.match(d.error ?? '', /ECONNREFUSED/);
  assert.deepEqual(sleeps, []);
});

test('rulesFor: incomplete, as kube\'s webhook cannot enumerate', async (t) => {
  const s = await startServer();
  const { a } = await authorizer(s.port);
  t.after(() => a.close());
  assert.deepEqual(await a.rulesFor(), { resourceRules: [], nonResourceRules: [], incomplete: true, error: 'webhook authorizer does not support user rule resolution' });
});
