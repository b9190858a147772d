import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthEndpoints, type HealthCheck } from '../src/index.ts';
import { withServer } from './helpers.ts';

const ok = (name: string): HealthCheck => ({ name, check: () => Promise.resolve() });
const bad = (name: string, why = 'etcd unreachable'): HealthCheck => ({ name, check: () => Promise.reject(new Error(why)) });
const hang = (name: string): HealthCheck => ({ name, check: (signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))) });

async function get(h: HealthEndpoints, path: string): Promise<{ status: number; text: string; type: string | null; served: boolean }> {
  let served = false;
  return withServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    served = await h.serve(u.pathname, u.searchParams, res);
    if (!served) { res.statusCode = 404; res.end(); }
  }, async (base) => {
    const r = await fetch(base + path);
    return { status: r.status, text: await r.text(), type: r.headers.get('content-type'), served };
  });
}

describe('health endpoints', () => {
  const failures: string[] = [];
  const h = new HealthEndpoints({
    checks: { healthz: [ok('ping'), ok('etcd')], livez: [ok('ping')], readyz: [ok('ping'), bad('etcd'), ok('shutdown')] },
    onFailure: (_ep, f) => failures.push(...f.map((x) => `${x.name}: ${(x.error as Error).message}`)),
  });

  const cases: [string, number, string][] = [
    ['/healthz', 200, 'ok'],
    ['/livez', 200, 'ok'],
    ['/healthz?verbose', 200, '[+]ping ok\n[+]etcd ok\nhealthz check passed\n'],
    ['/healthz?verbose=false', 200, '[+]ping ok\n[+]etcd ok\nhealthz check passed\n'],
    ['/readyz', 500, '[+]ping ok\n[-]etcd failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n'],
    ['/readyz?exclude=etcd', 200, 'ok'],
    ['/readyz?exclude=etcd&verbose', 200, '[+]ping ok\n[+]etcd excluded: ok\n[+]shutdown ok\nreadyz check passed\n'],
    ['/readyz?exclude=etcd&exclude=nope&exclude=abc&verbose', 200, '[+]ping ok\n[+]etcd excluded: ok\n[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "abc","nope"\nreadyz check passed\n'],
    ['/readyz/ping', 200, 'ok'],
    ['/readyz/etcd', 500, 'internal server error: etcd unreachable\n'],
  ];
  for (const [path, status, text] of cases) {
    it(path, async () => {
      const r = await get(h, path);
      assert.equal(r.status, status);
      assert.equal(r.text, text);
      assert.equal(r.type, 'text/plain; charset=utf-8');
    });
  }

  it('leaves unknown paths alone', async () => {
    for (const p of ['/readyz/nope', '/readyz/', '/healthzz', '/version']) assert.equal((await get(h, p)).served, false, p);
  });

  it('logs the withheld reason', () => {
    assert.ok(failures.includes('etcd: etcd unreachable'));
  });

  it('a hanging check fails after the timeout', async () => {
    const t = new HealthEndpoints({ checks: { healthz: [hang('slow')], livez: [], readyz: [] }, checkTimeoutMs: 30 });
    const r = await get(t, '/healthz/slow');
    assert.deepEqual([r.status, r.text], [500, 'internal server error: check timed out after 30ms\n']);
  });

  it('rejects duplicate and malformed check names', () => {
    assert.throws(() => new HealthEndpoints({ checks: { healthz: [ok('a'), ok('a')], livez: [], readyz: [] } }), /twice/);
    assert.throws(() => new HealthEndpoints({ checks: { healthz: [ok('a b')], livez: [], readyz: [] } }), /path segment/);
  });
});
