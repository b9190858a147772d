import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestInfo } from '@logbook/apimachinery';
import { ApiserverMetrics, metricDryRun, metricScope, metricVerb } from '../src/index.ts';
import { withServer } from './helpers.ts';

const facts = (method: string, url: string, contentType?: string) => {
  const u = new URL(url, 'http://x');
  return { info: parseRequestInfo(method, u.pathname, u.searchParams), query: u.searchParams, contentType };
};

describe('metric labels', () => {
  const verbs: [string, string, string | undefined, string, string][] = [
    ['GET', '/api/v1/namespaces/d/pods/p', undefined, 'GET', 'resource'],
    ['GET', '/api/v1/namespaces/d/pods', undefined, 'LIST', 'namespace'],
    ['GET', '/api/v1/pods', undefined, 'LIST', 'cluster'],
    ['GET', '/api/v1/pods?watch=true', undefined, 'WATCH', 'cluster'],
    ['GET', '/api/v1/watch/namespaces/d/pods', undefined, 'WATCH', 'namespace'],
    ['POST', '/api/v1/namespaces/d/pods', undefined, 'POST', 'resource'],
    ['PUT', '/apis/apps/v1/namespaces/d/deployments/w/scale', undefined, 'PUT', 'resource'],
    ['PATCH', '/apis/apps/v1/namespaces/d/deployments/w', 'application/strategic-merge-patch+json', 'PATCH', 'resource'],
    ['PATCH', '/apis/apps/v1/namespaces/d/deployments/w', 'application/apply-patch+yaml', 'APPLY', 'resource'],
    ['DELETE', '/api/v1/namespaces/d/pods/p', undefined, 'DELETE', 'resource'],
    ['DELETE', '/api/v1/namespaces/d/pods', undefined, 'DELETECOLLECTION', 'namespace'],
    ['POST', '/api/v1/namespaces/d/pods/p/exec', undefined, 'CONNECT', 'resource'],
    ['OPTIONS', '/api/v1/pods', undefined, 'other', 'cluster'],
    ['GET', '/version', undefined, 'GET', ''],
    ['HEAD', '/healthz', undefined, 'GET', ''],
  ];
  for (const [method, url, ct, verb, scope] of verbs) {
    it(`${method} ${url} ${ct ?? ''}`, () => {
      const f = facts(method, url, ct);
      assert.equal(metricVerb(f), verb);
      assert.equal(metricScope(f.info), scope);
    });
  }

  it('dry_run', () => {
    assert.equal(metricDryRun(new URLSearchParams('')), '');
    assert.equal(metricDryRun(new URLSearchParams('dryRun=All&dryRun=All')), 'All');
    assert.equal(metricDryRun(new URLSearchParams('dryRun=Bogus')), 'invalid');
  });
});

describe('ApiserverMetrics', () => {
  it('records requests, durations, watch events and long-running gauges under upstream names', async () => {
    const m = new ApiserverMetrics();
    m.recordRequest(facts('GET', '/apis/apps/v1/namespaces/d/deployments/w?dryRun=All'), 200, 0.03);
    m.recordRequest(facts('GET', '/apis/apps/v1/namespaces/d/deployments/w'), 404, 0.001);
    m.watchEvent('apps', 'v1', 'deployments');
    const done = m.trackLongRunning(facts('GET', '/api/v1/pods?watch=true'));
    let text = await m.registry.metrics();
    assert.match(text, /apiserver_request_total\{verb="GET",dry_run="All",group="apps",version="v1",resource="deployments",subresource="",scope="resource",component="apiserver",code="200"\} 1/);
    assert.match(text, /code="404"\} 1/);
    assert.match(text, /apiserver_request_duration_seconds_bucket\{le="0.005",verb="GET",dry_run="",.*\} 1/);
    assert.match(text, /apiserver_request_duration_seconds_bucket\{le="0.025",verb="GET",dry_run="All",.*\} 0/);
    assert.match(text, /apiserver_watch_events_total\{group="apps",version="v1",resource="deployments"\} 1/);
    assert.match(text, /apiserver_longrunning_requests\{verb="WATCH",group="",version="v1",resource="pods",subresource="",scope="cluster",component="apiserver"\} 1/);
    done();
    done();
    text = await m.registry.metrics();
    assert.match(text, /apiserver_longrunning_requests\{verb="WATCH".*\} 0/);
    assert.throws(() => m.recordRequest(facts('GET', '/api'), 0, 1), RangeError);
  });

  it('keeps registries separate and serves the text format', async () => {
    const a = new ApiserverMetrics();
    const b = new ApiserverMetrics();
    a.watchEvent('', 'v1', 'pods');
    assert.doesNotMatch(await b.registry.metrics(), /apiserver_watch_events_total\{/);
    await withServer((_q, res) => a.serveMetrics(res), async (base) => {
      const r = await fetch(base);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0.0.4/);
      assert.match(await r.text(), /# TYPE apiserver_request_total counter/);
    });
  });
});
