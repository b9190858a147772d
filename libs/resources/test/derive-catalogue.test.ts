import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogueDerivationError, deriveCatalogue, groupsWithoutGA, kindOfModel, parseResourcePath } from '../scripts/derive-catalogue.ts';
import type { ClientOperation } from '../scripts/read-client-node.ts';

describe('parseResourcePath', () => {
  const table: readonly [string, ReturnType<typeof parseResourcePath>][] = [
    ['/api/v1/namespaces/{namespace}/pods', { group: '', version: 'v1', namespaced: true, plural: 'pods', shape: 'collection', subresource: '' }],
    ['/api/v1/pods', { group: '', version: 'v1', namespaced: false, plural: 'pods', shape: 'collection', subresource: '' }],
    ['/api/v1/namespaces/{namespace}/pods/{name}/status', { group: '', version: 'v1', namespaced: true, plural: 'pods', shape: 'subresource', subresource: 'status' }],
    ['/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}', { group: '', version: 'v1', namespaced: true, plural: 'pods', shape: 'subresource', subresource: 'proxy' }],
    ['/api/v1/namespaces', { group: '', version: 'v1', namespaced: false, plural: 'namespaces', shape: 'collection', subresource: '' }],
    ['/api/v1/namespaces/{name}', { group: '', version: 'v1', namespaced: false, plural: 'namespaces', shape: 'item', subresource: '' }],
    ['/api/v1/namespaces/{name}/finalize', { group: '', version: 'v1', namespaced: false, plural: 'namespaces', shape: 'subresource', subresource: 'finalize' }],
    ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}', { group: 'apps', version: 'v1', namespaced: true, plural: 'deployments', shape: 'item', subresource: '' }],
    ['/apis/storage.k8s.io/v1/storageclasses/{name}', { group: 'storage.k8s.io', version: 'v1', namespaced: false, plural: 'storageclasses', shape: 'item', subresource: '' }],
    // Not resources: discovery, custom objects, non-resource paths, malformed shapes.
    ['/api/', undefined],
    ['/apis/apps/', undefined],
    ['/apis/apps/v1/', undefined],
    ['/apis/{group}/{version}/{plural}', undefined],
    ['/version/', undefined],
    ['/logs/{logpath}', undefined],
    ['/api/v2/pods', undefined],
    ['/apis/apps/v1/deployments/web', undefined],
    ['/api/v1/pods/{name}/proxy/{path}/more', undefined],
    ['/api/v1/pods/{name}/proxy/extra', undefined],
  ];
  for (const [path, want] of table) it(path, () => assert.deepEqual(parseResourcePath(path), want));
});

describe('kindOfModel', () => {
  const table: readonly [string, string][] = [
    ['V1Pod', 'Pod'], ['V2HorizontalPodAutoscaler', 'HorizontalPodAutoscaler'], ['CoreV1Event', 'Event'], ['EventsV1Event', 'Event'],
    ['AuthenticationV1TokenRequest', 'TokenRequest'], ['V1APIService', 'APIService'], ['V1beta1ResourceClaim', 'ResourceClaim'],
    ['V1CSIDriver', 'CSIDriver'],
  ];
  for (const [model, kind] of table) it(`${model} → ${kind}`, () => assert.equal(kindOfModel(model), kind));
  for (const bad of ['Pod', 'string', 'V1', 'v1Pod', '']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => kindOfModel(bad), CatalogueDerivationError));
  }
});

const op = (method: string, path: string, responseType: string, name = 'op'): ClientOperation => ({ name, method, path, responseType });

describe('deriveCatalogue', () => {
  it('derives verbs, scope, kind and subresources from operations', () => {
    const got = deriveCatalogue([
      op('GET', '/apis/example.io/v1/namespaces/{namespace}/widgets', 'V1WidgetList'),
      op('POST', '/apis/example.io/v1/namespaces/{namespace}/widgets', 'V1Widget'),
      op('GET', '/apis/example.io/v1/widgets', 'V1WidgetList'),
      op('GET', '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}', 'V1Widget'),
      op('DELETE', '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}', 'V1Status'),
      op('PUT', '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}/scale', 'V1Scale'),
      op('HEAD', '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}/scale', 'V1Scale'),
      op('GET', '/apis/example.io/v1beta1/namespaces/{namespace}/widgets', 'V1beta1WidgetList'),
    ]);
    assert.deepEqual(got, [
      {
        group: 'example.io', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true,
        verbs: ['create', 'delete', 'get', 'list', 'watch'],
        subresources: [{ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['update'], namespaced: true }],
      },
    ]);
  });

  it('takes the kind from the list type when there is no get', () => {
    const [r] = deriveCatalogue([op('GET', '/api/v1/things', 'V1ThingList')]);
    assert.equal(r?.kind, 'Thing');
  });

  it('reports beta-only groups', () => {
    const ops = [op('GET', '/apis/a.io/v1/xs', 'V1XList'), op('GET', '/apis/b.io/v1beta1/ys', 'V1beta1YList')];
    assert.deepEqual(groupsWithoutGA(ops, deriveCatalogue(ops)), ['b.io']);
  });

  const failures: readonly [string, ClientOperation[]][] = [
    ['a subresource kind of unknown group', [op('GET', '/api/v1/things/{name}', 'V1Thing'), op('GET', '/api/v1/things/{name}/odd', 'V1Mystery')]],
    ['a connect subresource without an options kind', [op('GET', '/api/v1/things/{name}', 'V1Thing'), op('GET', '/api/v1/things/{name}/exec', 'string', 'connectGetThingExec')]],
    ['a subresource answering with two models', [op('GET', '/api/v1/things/{name}', 'V1Thing'), op('GET', '/api/v1/things/{name}/status', 'V1Thing'), op('PUT', '/api/v1/things/{name}/status', 'V1Other')]],
    ['an unexpected method on an item', [op('POST', '/api/v1/things/{name}', 'V1Thing')]],
    ['a resource whose kind nothing names', [op('DELETE', '/api/v1/things', 'V1Status')]],
  ];
  for (const [what, ops] of failures) it(`fails on ${what}`, () => assert.throws(() => deriveCatalogue(ops), CatalogueDerivationError));
});
