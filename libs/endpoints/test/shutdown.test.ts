// Graceful termination and --goaway-chance on a real ApiServer over TLS, with
// the shutdown clock faked: the order of the phases as a client sees them
// (readyz during the delay, a slow request and a watch in flight), and GOAWAY
// on a real HTTP/2 session.

import { builtinSchemas } from '@logbook/schemas';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { MemoryStorage, type GetOptions, type KubeObject } from '@logbook/apistorage';
import { generateCa, issueClientCert, issueServingCert, type CertAndKey } from '@logbook/pki';
import { Registry } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import { ApiServer, ApiserverMetrics, HealthEndpoints, RequestWaitGroup, runShutdown, versionInfo, type ShutdownPhase, type Timers } from '../src/index.ts';

/** Timers that fire only when the test advances them. */
class FakeTimers implements Timers {
  now = 0;
  #next = 1;
  readonly #pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }
  get pending(): number {
    return this.#pending.size;
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.#pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at > this.now) continue;
      this.#pending.delete(id);
      t.fn();
    }
  }
}

/** A GET of a key containing "/slow" waits until release() is called. */
class GatedStorage extends MemoryStorage {
  #open: () => void = () => undefined;
  readonly #gate = new Promise<void>((resolve) => (this.#open = resolve));
  override async get(key: string, opts?: GetOptions): Promise<KubeObject | undefined> {
    if (key.includes('/slow')) await this.#gate;
    return super.get(key, opts);
  }
  release(): void {
    this.#open();
  }
}

interface Pki {
  readonly ca: CertAndKey;
  readonly serving: CertAndKey;
  readonly admin: CertAndKey;
}

let pkiOnce: Promise<Pki> | undefined;
function pki(): Promise<Pki> {
  pkiOnce ??= (async () => {
    const now = new Date();
    const ca = await generateCa({ commonName: 'test-ca', now, validityDays: 1 });
    const serving = await issueServingCert(ca, { commonName: 'apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
    const admin = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'], now, validityDays: 1 });
    return { ca, serving, admin };
  })();
  return pkiOnce;
}

async function start(o: { timers?: Timers; goawayChance?: number; storage?: MemoryStorage } = {}): Promise<{ server: ApiServer; port: number; pki: Pki }> {
  const p = await pki();
  const storage = o.storage ?? new MemoryStorage();
  let n = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => storage,
    env: { now: () => Date.now(), uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, randomInt: () => 0 },
  });
  await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name: 'default' } });
  const ok = { name: 'ping', check: () => Promise.resolve() };
  // The check runs only after the server exists (the closure reads it later).
  const shutdown = { name: 'shutdown', check: () => (server.phase === 'serving' ? Promise.resolve() : Promise.reject(new Error('shutting down'))) };
  const server: ApiServer = new ApiServer({
    registry, resources: catalogue(), tls: { certPem: p.serving.certPem, keyPem: p.serving.keyPem, clientCaPem: p.ca.certPem },
    serverAddress: '127.0.0.1:6443',
    version: versionInfo({ gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '1970-01-01T00:00:00Z', platform: 'linux/amd64', goVersion: 'node', compiler: 'logbook' }),
    schemas: builtinSchemas,
    health: new HealthEndpoints({ checks: { healthz: [ok], livez: [ok], readyz: [ok, shutdown] } }),
    metrics: new ApiserverMetrics(), maxRequestsInflight: 0, maxMutatingRequestsInflight: 0, minRequestTimeoutSeconds: 1800, requestTimeoutMs: 60_000,
    maxBodyBytes: 1024 * 1024, random: () => 0.5,
    ...(o.timers !== undefined ? { timers: o.timers } : {}),
    ...(o.goawayChance !== undefined ? { goawayChance: o.goawayChance } : {}),
  });
  const port = await server.listen(0, '127.0.0.1');
  return { server, port, pki: p };
}

interface Reply {
  readonly code: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function call(port: number, p: Pki, method: string, path: string, body?: string, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const opts: RequestOptions = {
      host: '127.0.0.1', port, method, path, ca: p.ca.certPem, servername: 'localhost', cert: p.admin.certPem, key: p.admin.keyPem, agent,
      headers: body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {},
    };
    const req = request(opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A watch over HTTP/1.1: resolves once headers arrived; `ended` says how the response finished. */
function openWatch(port: number, p: Pki, path: string): Promise<{ lines: string[]; ended: Promise<'end' | 'error'> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca: p.ca.certPem, servername: 'localhost', cert: p.admin.certPem, key: p.admin.keyPem, agent: false }, (res) => {
      const lines: string[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      const ended = new Promise<'end' | 'error'>((done) => {
        res.once('end', () => done('end'));
        res.once('error', () => done('error'));
        res.once('aborted', () => done('error'));
      });
      resolve({ lines, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

const cm = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function until(what: string, cond: () => boolean, limitMs = 3_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('graceful shutdown', () => {
  it('unready first, served through the delay, then no new connections, in-flight finishes, watches end cleanly', async () => {
    const timers = new FakeTimers();
    const storage = new GatedStorage();
    const { server, port, pki: p } = await start({ timers, storage });
    assert.equal((await call(port, p, 'POST', '/api/v1/namespaces/default/configmaps', cm('slow'))).code, 201);
    assert.equal((await call(port, p, 'GET', '/readyz')).code, 200);

    const rv = (JSON.parse((await call(port, p, 'GET', '/api/v1/namespaces/default/configmaps')).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watch = await openWatch(port, p, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    const slow = call(port, p, 'GET', '/api/v1/namespaces/default/configmaps/slow');
    const phases: ShutdownPhase[] = [];
    const done = server.shutdown({ delayMs: 5_000 });
    assert.equal(server.phase, 'shutdownInitiated', 'readyz fails at once');

    const ready = await call(port, p, 'GET', '/readyz?verbose');
    assert.equal(ready.code, 500);
    assert.match(ready.body, /\[-\]shutdown failed/);
    assert.equal((await call(port, p, 'GET', '/livez')).code, 200, 'liveness is unaffected');
    assert.equal((await call(port, p, 'POST', '/api/v1/namespaces/default/configmaps', cm('during-delay'))).code, 201, 'writes are served during the delay');
    await until('the watch to see the write', () => watch.lines.length === 1);
    phases.push(server.phase);

    timers.advance(5_000);
    await tick();
    phases.push(server.phase);
    await assert.rejects(call(port, p, 'GET', '/readyz'), /ECONNREFUSED|ECONNRESET|socket hang up/, 'the listener is closed');
    assert.equal(watch.lines.length, 1, 'the watch is still open while a request is in flight');

    const order: string[] = [];
    void watch.ended.then(() => order.push('watch ended'));
    void slow.then(() => order.push('slow answered'));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(order, [], 'the watch is not ended while a request is still in flight');
    storage.release();
    const slowReply = await slow;
    assert.equal(slowReply.code, 200, 'the request in flight finishes');
    assert.equal(slowReply.headers.connection, 'close', 'and its connection does not stay alive');
    assert.equal(await watch.ended, 'end', 'the watch response ends normally (chunked terminator)');
    await done;
    assert.deepEqual(order.sort(), ['slow answered', 'watch ended']);
    phases.push(server.phase);
    assert.deepEqual(phases, ['shutdownInitiated', 'notAcceptingNewRequests', 'stopped']);
    assert.equal(timers.pending, 0, 'no shutdown timer left behind');
  });

  it('close() is the sequence without delay; a second call joins the first', async () => {
    const { server, port, pki: p } = await start();
    const watch = await openWatch(port, p, '/api/v1/namespaces/default/configmaps?watch=true');
    const a = server.close();
    const b = server.close();
    await Promise.all([a, b]);
    assert.equal(await watch.ended, 'end');
    assert.equal(server.phase, 'stopped');
  });

  it('refuses negative or non-finite durations', async () => {
    const steps = {
      timers: new FakeTimers(), drainTimeoutMs: 0, closeGraceMs: 0, setPhase: () => undefined,
      nonLongRunning: new RequestWaitGroup(), longRunning: new RequestWaitGroup(),
      stopAccepting: () => undefined, endLongRunning: () => undefined, serverClosed: Promise.resolve(), destroyConnections: () => undefined,
    };
    for (const delayMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(runShutdown({ ...steps, delayMs }), RangeError);
    }
  });

  it('a request still in flight when the drain bound passes does not hold shutdown', async () => {
    const timers = new FakeTimers();
    const group = new RequestWaitGroup();
    group.add(); // never finishes
    const phases: ShutdownPhase[] = [];
    let destroyed = 0;
    const done = runShutdown({
      timers, delayMs: 10, drainTimeoutMs: 100, closeGraceMs: 50, setPhase: (ph) => phases.push(ph),
      nonLongRunning: group, longRunning: new RequestWaitGroup(),
      stopAccepting: () => undefined, endLongRunning: () => undefined, serverClosed: Promise.resolve(), destroyConnections: () => destroyed++,
    });
    await tick();
    timers.advance(10);
    await tick();
    assert.deepEqual(phases, ['shutdownInitiated', 'notAcceptingNewRequests']);
    timers.advance(99);
    await tick();
    assert.equal(phases.length, 2, 'still draining before the bound');
    timers.advance(1);
    await done;
    assert.deepEqual(phases, ['shutdownInitiated', 'notAcceptingNewRequests', 'inFlightDrained', 'watchesClosed', 'stopped']);
    assert.equal(destroyed, 0, 'nothing long-running, the server closed: nothing to destroy');
  });
});

describe('RequestWaitGroup', () => {
  it('resolves waiters when the count returns to zero; done() is idempotent', async () => {
    const g = new RequestWaitGroup();
    await g.wait();
    const a = g.add();
    const b = g.add();
    let idle = false;
    const waited = g.wait().then(() => (idle = true));
    a();
    a();
    await tick();
    assert.equal(idle, false);
    assert.equal(g.count, 1);
    b();
    await waited;
    assert.equal(g.count, 0);
  });
});

/** N GETs of /version over one HTTP/2 session; whether the session saw GOAWAY. */
async function h2Requests(port: number, p: Pki, n: number): Promise<{ codes: number[]; goaway: boolean; sessionsUsed: number }> {
  let goaway = false;
  let sessionsUsed = 0;
  let session: http2.ClientHttp2Session | undefined;
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (session === undefined || session.closed || session.destroyed) {
      const s = http2.connect(`https://127.0.0.1:${port}`, { ca: p.ca.certPem, servername: 'localhost', cert: p.admin.certPem, key: p.admin.keyPem });
      s.on('goaway', () => (goaway = true));
      s.on('error', () => undefined);
      session = s;
      sessionsUsed++;
    }
    const stream = session.request({ ':path': '/version' });
    codes.push(await new Promise<number>((resolve, reject) => {
      let code = 0;
      stream.on('response', (h) => (code = Number(h[':status'])));
      stream.on('data', () => undefined);
      stream.on('end', () => resolve(code));
      stream.on('error', reject);
    }));
    // Let a GOAWAY that follows the response arrive before the next request picks a session.
    await new Promise((r) => setTimeout(r, 20));
  }
  session?.close();
  return { codes, goaway, sessionsUsed };
}

describe('--goaway-chance', () => {
  it('p=1: every HTTP/2 response completes, then GOAWAY sends the client to a new connection', async () => {
    const { server, port, pki: p } = await start({ goawayChance: 1 });
    try {
      const r = await h2Requests(port, p, 3);
      assert.deepEqual(r.codes, [200, 200, 200]);
      assert.equal(r.goaway, true);
      assert.equal(r.sessionsUsed, 3, 'one connection per request');
    } finally {
      await server.close();
    }
  });

  it('p=0 (and p below the draw): one connection carries every request, no GOAWAY', async () => {
    for (const goawayChance of [0, 0.4]) {
      const { server, port, pki: p } = await start({ goawayChance });
      try {
        const r = await h2Requests(port, p, 3);
        assert.deepEqual(r.codes, [200, 200, 200]);
        assert.equal(r.goaway, false);
        assert.equal(r.sessionsUsed, 1);
      } finally {
        await server.close();
      }
    }
  });

  it('p=1 never touches HTTP/1.1 connections', async () => {
    const { server, port, pki: p } = await start({ goawayChance: 1 });
    try {
      const agent = new Agent({ keepAlive: true });
      try {
        const r = await call(port, p, 'GET', '/version', undefined, agent);
        assert.equal(r.code, 200);
        assert.equal(r.headers.connection, 'keep-alive');
      } finally {
        agent.destroy();
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a chance outside [0, 1]', async () => {
    for (const goawayChance of [-0.1, 1.5, Number.NaN]) await assert.rejects(start({ goawayChance }), RangeError);
  });
});
