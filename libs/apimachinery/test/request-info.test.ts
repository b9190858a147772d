import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, parseRequestInfo, type RequestInfo } from '../src/index.ts';

interface Want {
  readonly verb: string;
  readonly group?: string;
  readonly version?: string;
  readonly ns?: string;
  readonly resource?: string;
  readonly name?: string;
  readonly sub?: string;
  readonly parts?: readonly string[];
}

// [method, path?query, expected] — undefined fields default to ''.
const resourceCases: ReadonlyArray<readonly [string, string, Want]> = [
  ['GET', '/api/v1/namespaces', { verb: 'list', version: 'v1', resource: 'namespaces', parts: ['namespaces'] }],
  ['GET', '/api/v1/namespaces/other', { verb: 'get', version: 'v1', ns: 'other', resource: 'namespaces', name: 'other', parts: ['namespaces', 'other'] }],
  ['PUT', '/api/v1/namespaces/other/finalize', { verb: 'update', version: 'v1', ns: 'other', resource: 'namespaces', name: 'other', sub: 'finalize' }],
  ['PUT', '/api/v1/namespaces/other/status', { verb: 'update', version: 'v1', ns: 'other', resource: 'namespaces', name: 'other', sub: 'status' }],
  ['DELETE', '/api/v1/namespaces/other', { verb: 'delete', version: 'v1', ns: 'other', resource: 'namespaces', name: 'other' }],
  ['GET', '/api/v1/namespaces/other/pods', { verb: 'list', version: 'v1', ns: 'other', resource: 'pods', parts: ['pods'] }],
  ['GET', '/api/v1/namespaces/other/pods/foo', { verb: 'get', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['HEAD', '/api/v1/namespaces/other/pods/foo', { verb: 'get', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/pods/foo/log', { verb: 'get', version: 'v1', ns: 'other', resource: 'pods', name: 'foo', sub: 'log' }],
  ['GET', '/api/v1/namespaces/other/pods/foo/status/extra', { verb: 'get', version: 'v1', ns: 'other', resource: 'pods', name: 'foo', sub: 'status', parts: ['pods', 'foo', 'status', 'extra'] }],
  ['GET', '/api/v1/pods', { verb: 'list', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/pods?watch=true', { verb: 'watch', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/pods?watch=1', { verb: 'watch', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/pods?watch=True', { verb: 'watch', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/pods?watch=false', { verb: 'list', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/pods?watch=0', { verb: 'list', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/pods?watch=yes', { verb: 'watch', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=true&fieldSelector=metadata.name%3Dfoo', { verb: 'watch', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo&limit=500', { verb: 'list', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%21%3Dfoo', { verb: 'list', version: 'v1', ns: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3D..', { verb: 'list', version: 'v1', ns: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo&labelSelector=%21%21', { verb: 'list', version: 'v1', ns: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo&limit=x&watch=true', { verb: 'watch', version: 'v1', ns: 'other', resource: 'pods' }],
  ['GET', '/api/v1/watch/pods', { verb: 'watch', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/watch/namespaces/other/pods', { verb: 'watch', version: 'v1', ns: 'other', resource: 'pods' }],
  ['GET', '/api/v1/watch/namespaces/other/pods/foo', { verb: 'watch', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/watch/namespaces', { verb: 'watch', version: 'v1', resource: 'namespaces' }],
  ['GET', '/api/v1/proxy/namespaces/other/pods/foo/a/b', { verb: 'proxy', version: 'v1', ns: 'other', resource: 'pods', name: 'foo', parts: ['pods', 'foo', 'a', 'b'] }],
  ['POST', '/api/v1/namespaces/other/pods', { verb: 'create', version: 'v1', ns: 'other', resource: 'pods' }],
  ['PUT', '/api/v1/namespaces/other/pods/foo', { verb: 'update', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['PATCH', '/api/v1/namespaces/other/pods/foo', { verb: 'patch', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['DELETE', '/api/v1/namespaces/other/pods/foo', { verb: 'delete', version: 'v1', ns: 'other', resource: 'pods', name: 'foo' }],
  ['DELETE', '/api/v1/namespaces/other/pods', { verb: 'deletecollection', version: 'v1', ns: 'other', resource: 'pods' }],
  ['OPTIONS', '/api/v1/namespaces/other/pods', { verb: '', version: 'v1', ns: 'other', resource: 'pods' }],
  ['GET', '/apis/apps/v1/deployments', { verb: 'list', group: 'apps', version: 'v1', resource: 'deployments' }],
  ['GET', '/apis/apps/v1/namespaces/default/deployments/web', { verb: 'get', group: 'apps', version: 'v1', ns: 'default', resource: 'deployments', name: 'web' }],
  ['PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { verb: 'patch', group: 'apps', version: 'v1', ns: 'default', resource: 'deployments', name: 'web', sub: 'scale' }],
  ['GET', '/apis/apps/v1/watch/namespaces/default/deployments', { verb: 'watch', group: 'apps', version: 'v1', ns: 'default', resource: 'deployments' }],
  ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin', { verb: 'get', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', name: 'admin' }],
  ['GET', '/api/v1/namespaces/other/pods/', { verb: 'list', version: 'v1', ns: 'other', resource: 'pods' }],
  ['GET', '//api/v1/pods//', { verb: 'list', version: 'v1', resource: 'pods' }],
  ['GET', '/api/v1/nodes/n1/proxy/x', { verb: 'get', version: 'v1', resource: 'nodes', name: 'n1', sub: 'proxy' }],
  ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { verb: 'create', group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews' }],
];

function url(pathAndQuery: string): { path: string; query: URLSearchParams } {
  const i = pathAndQuery.indexOf('?');
  return i < 0 ? { path: pathAndQuery, query: new URLSearchParams() } : { path: pathAndQuery.slice(0, i), query: new URLSearchParams(pathAndQuery.slice(i + 1)) };
}

describe('parseRequestInfo: resource requests', () => {
  for (const [method, target, want] of resourceCases) {
    it(`${method} ${target}`, () => {
      const { path, query } = url(target);
      const info: RequestInfo = parseRequestInfo(method, path, query);
      assert.ok(info.isResourceRequest, 'expected a resource request');
      const got = {
        verb: info.verb, group: info.apiGroup, version: info.apiVersion, ns: info.namespace,
        resource: info.resource, name: info.name, sub: info.subresource,
      };
      assert.deepEqual(got, {
        verb: want.verb, group: want.group ?? '', version: want.version ?? '', ns: want.ns ?? '',
        resource: want.resource ?? '', name: want.name ?? '', sub: want.sub ?? '',
      });
      assert.equal(info.apiPrefix, path.replace(/^\/+/, '').startsWith('apis') ? 'apis' : 'api');
      if (want.parts !== undefined) assert.deepEqual(info.parts, want.parts);
    });
  }
});

describe('parseRequestInfo: non-resource requests', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['GET', '/', 'get'], ['GET', '/healthz', 'get'], ['GET', '/readyz', 'get'], ['GET', '/livez', 'get'],
    ['GET', '/version', 'get'], ['GET', '/openapi/v2', 'get'], ['GET', '/openapi/v3/apis/apps/v1', 'get'],
    ['GET', '/api', 'get'], ['GET', '/api/', 'get'], ['GET', '/api/v1', 'get'], ['GET', '/apis', 'get'],
    ['GET', '/apis/apps', 'get'], ['GET', '/apis/apps/v1', 'get'], ['GET', '/apis/apps/v1/', 'get'],
    ['POST', '/metrics', 'post'], ['PUT', '/foo/bar/baz', 'put'], ['GET', '/apix/v1/pods', 'get'],
  ];
  for (const [method, path, verb] of cases) {
    it(`${method} ${path}`, () => {
      const info = parseRequestInfo(method, path, new URLSearchParams());
      assert.equal(info.isResourceRequest, false);
      assert.equal(info.verb, verb);
      assert.equal(info.path, path);
    });
  }
});

describe('parseRequestInfo: errors', () => {
  for (const path of ['/api/v1/watch', '/apis/apps/v1/watch/', '/api/v1/proxy']) {
    it(`a bare special verb (${path}) is a 500`, () => {
      assert.throws(() => parseRequestInfo('GET', path, new URLSearchParams()), (err: unknown) => {
        assert.ok(err instanceof StatusError);
        assert.equal(err.code, 500);
        assert.match(err.message, /unable to determine kind and namespace from url/);
        return true;
      });
    });
  }
});
