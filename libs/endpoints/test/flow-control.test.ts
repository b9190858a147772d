import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestInfo } from '@logbook/apimachinery';
import { ApiserverMetrics, InflightLimiter, isLongRunning, writeTooManyRequests } from '../src/index.ts';
import { withServer } from './helpers.ts';

const info = (method: string, url: string) => {
  const u = new URL(url, 'http://x');
  return parseRequestInfo(method, u.pathname, u.searchParams);
};

describe('InflightLimiter', () => {
  it('refuses read-only and mutating requests over their own limits', () => {
    const l = new InflightLimiter({ maxReadOnly: 2, maxMutating: 1 });
    const get = info('GET', '/api/v1/namespaces/d/pods/p');
    const a = l.admit(get);
    const b = l.admit(get);
    assert.ok(a !== undefined && b !== undefined);
    assert.equal(l.admit(get), undefined);
    const post = l.admit(info('POST', '/api/v1/namespaces/d/pods'));
    assert.ok(post !== undefined);
    assert.equal(l.admit(info('DELETE', '/api/v1/namespaces/d/pods/p')), undefined);
    a.release();
    a.release(); // idempotent
    assert.equal(l.inflight('readOnly'), 1);
    assert.ok(l.admit(get) !== undefined);
  });

  it('exempts long-running requests and health probes, and 0 means unlimited', () => {
    const l = new InflightLimiter({ maxReadOnly: 1, maxMutating: 0 });
    assert.ok(l.admit(info('GET', '/api/v1/pods')) !== undefined);
    for (const u of ['/api/v1/pods?watch=true', '/api/v1/watch/pods', '/api/v1/namespaces/d/pods/p/exec', '/api/v1/namespaces/d/pods/p/log', '/readyz', '/livez/ping', '/healthz']) {
      assert.ok(l.admit(info('GET', u)) !== undefined, u);
    }
    assert.equal(l.admit(info('GET', '/api/v1/pods')), undefined);
    for (let i = 0; i < 100; i++) assert.ok(l.admit(info('POST', '/api/v1/namespaces')) !== undefined);
  });

  it('lets privileged callers through at the limit', () => {
    const l = new InflightLimiter({ maxReadOnly: 1, maxMutating: 1 });
    l.admit(info('GET', '/api'));
    assert.ok(l.admit(info('GET', '/api'), { privileged: true }) !== undefined);
    assert.equal(l.inflight('readOnly'), 2);
  });

  it('classifies long-running requests as kube does', () => {
    assert.equal(isLongRunning(info('GET', '/api/v1/pods?watch=1')), true);
    assert.equal(isLongRunning(info('GET', '/api/v1/pods?watch=false')), false);
    assert.equal(isLongRunning(info('POST', '/api/v1/namespaces/d/pods/p/attach')), true);
    assert.equal(isLongRunning(info('GET', '/debug/pprof/profile')), true);
    assert.equal(isLongRunning(info('GET', '/version')), false);
  });

  it('rejects bad limits', () => {
    assert.throws(() => new InflightLimiter({ maxReadOnly: -1, maxMutating: 0 }), RangeError);
    assert.throws(() => new InflightLimiter({ maxReadOnly: 1.5, maxMutating: 0 }), RangeError);
  });

  it('publishes the inflight gauge', async () => {
    const m = new ApiserverMetrics();
    const l = new InflightLimiter({ maxReadOnly: 5, maxMutating: 5, metrics: m });
    l.admit(info('GET', '/api'));
    l.admit(info('PUT', '/api/v1/namespaces/x'));
    const t = l.admit(info('PUT', '/api/v1/namespaces/y'));
    t?.release();
    const text = await m.registry.metrics();
    assert.match(text, /apiserver_current_inflight_requests\{request_kind="readOnly"\} 1/);
    assert.match(text, /apiserver_current_inflight_requests\{request_kind="mutating"\} 1/);
  });

  it("answers 429 as kube's filter does", async () => {
    await withServer((_q, res) => writeTooManyRequests(res), async (base) => {
      const r = await fetch(base);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.equal(await r.text(), 'Too many requests, please try again later.\n');
    });
  });
});
