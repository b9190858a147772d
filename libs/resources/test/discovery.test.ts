import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, catalogue } from '../src/index.ts';

const all = catalogue();

describe('legacy discovery', () => {
  it('/api lists v1 and the server address', () => {
    assert.deepEqual(apiVersions(all, '10.0.0.1:6443'), {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
    });
  });

  it('/apis lists named groups in priority order with preferred version first', () => {
    const list = apiGroupList(all);
    assert.equal(list.kind, 'APIGroupList');
    assert.equal(list.apiVersion, 'v1');
    assert.ok(!list.groups.some((g) => g.name === ''));
    assert.deepEqual(list.groups[1], {
      name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    const autoscaling = list.groups.find((g) => g.name === 'autoscaling');
    assert.deepEqual(autoscaling?.versions.map((v) => v.version), ['v2', 'v1']);
    assert.equal(autoscaling.preferredVersion.version, 'v2');
  });

  it('/apis/G is one APIGroup; unknown groups and the core group give undefined', () => {
    assert.deepEqual(apiGroup(all, 'batch'), {
      kind: 'APIGroup', apiVersion: 'v1', name: 'batch',
      versions: [{ groupVersion: 'batch/v1', version: 'v1' }], preferredVersion: { groupVersion: 'batch/v1', version: 'v1' },
    });
    assert.equal(apiGroup(all, 'nope.example.com'), undefined);
    assert.equal(apiGroup(all, ''), undefined);
  });

  it('/apis/apps/v1 matches the contract document', () => {
    const list = apiResourceList(all, 'apps', 'v1');
    assert.ok(list);
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.groupVersion, 'apps/v1');
    const names = list.resources.map((r) => r.name);
    assert.deepEqual(names, [...names].sort());
    const pick = (n: string) => list.resources.find((r) => r.name === n);
    assert.deepEqual(pick('deployments'), {
      name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'],
    });
    assert.deepEqual(pick('deployments/scale'), {
      name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'],
    });
    assert.deepEqual(pick('deployments/status'), {
      name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'],
    });
    assert.deepEqual(pick('controllerrevisions'), {
      name: 'controllerrevisions', singularName: 'controllerrevision', namespaced: true, kind: 'ControllerRevision',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    });
  });

  it('/api/v1 omits apiVersion and lists subresources as R/sub', () => {
    const list = apiResourceList(all, '', 'v1');
    assert.ok(list);
    assert.equal('apiVersion' in list, false);
    assert.equal(list.groupVersion, 'v1');
    const names = new Set(list.resources.map((r) => r.name));
    for (const n of ['pods', 'pods/status', 'pods/log', 'pods/exec', 'pods/eviction', 'namespaces/finalize', 'services/proxy', 'serviceaccounts/token']) {
      assert.ok(names.has(n), n);
    }
    const eviction = list.resources.find((r) => r.name === 'pods/eviction');
    assert.deepEqual([eviction?.group, eviction?.version, eviction?.kind, eviction?.verbs], ['policy', 'v1', 'Eviction', ['create']]);
    const ns = list.resources.find((r) => r.name === 'namespaces');
    assert.deepEqual([ns?.namespaced, ns?.shortNames], [false, ['ns']]);
  });

  it('unknown or unserved group-versions give undefined', () => {
    assert.equal(apiResourceList(all, 'apps', 'v1beta1'), undefined);
    assert.equal(apiResourceList(all, 'nope', 'v1'), undefined);
    assert.equal(apiResourceList(all.filter((r) => r.group !== 'apps'), 'apps', 'v1'), undefined);
  });
});

describe('aggregated discovery', () => {
  it('/api holds exactly one unnamed core item', () => {
    const doc = aggregatedDiscovery(all, 'core', 'v2');
    assert.equal(doc.kind, 'APIGroupDiscoveryList');
    assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
    assert.deepEqual(doc.metadata, {});
    assert.equal(doc.items.length, 1);
    const [core] = doc.items;
    assert.deepEqual(core?.metadata, { creationTimestamp: null });
    assert.equal('name' in (core?.metadata ?? {}), false);
    assert.deepEqual(core?.versions.map((v) => [v.version, v.freshness]), [['v1', 'Current']]);
    const ns = core?.versions[0]?.resources.find((r) => r.resource === 'namespaces');
    assert.equal(ns?.scope, 'Cluster');
  });

  it('/apis items run in group priority order; versions in preference order', () => {
    const doc = aggregatedDiscovery(all, 'groups', 'v2');
    const names = doc.items.map((i) => i.metadata.name);
    assert.deepEqual(names.slice(0, 4), ['apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io']);
    assert.ok(!names.includes(undefined));
    const autoscaling = doc.items.find((i) => i.metadata.name === 'autoscaling');
    assert.deepEqual(autoscaling?.versions.map((v) => v.version), ['v2', 'v1']);
  });

  it('apps/v1 deployments match the contract document', () => {
    const apps = aggregatedDiscovery(all, 'groups', 'v2').items.find((i) => i.metadata.name === 'apps');
    const deployments = apps?.versions[0]?.resources.find((r) => r.resource === 'deployments');
    assert.deepEqual(deployments, {
      resource: 'deployments', singularResource: 'deployment', scope: 'Namespaced',
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'], categories: ['all'],
      subresources: [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ],
    });
    const revisions = apps?.versions[0]?.resources.find((r) => r.resource === 'controllerrevisions');
    assert.deepEqual(Object.keys(revisions ?? {}), ['resource', 'singularResource', 'scope', 'responseKind', 'verbs']);
  });

  it('v2beta1 differs only in apiVersion', () => {
    for (const scope of ['core', 'groups'] as const) {
      const v2 = aggregatedDiscovery(all, scope, 'v2');
      const beta = aggregatedDiscovery(all, scope, 'v2beta1');
      assert.equal(beta.apiVersion, 'apidiscovery.k8s.io/v2beta1');
      assert.deepEqual({ ...beta, apiVersion: v2.apiVersion }, v2);
    }
  });

  it('describes the same resources as legacy discovery', () => {
    const doc = aggregatedDiscovery(all, 'groups', 'v2');
    for (const item of doc.items) {
      for (const v of item.versions) {
        const legacy = apiResourceList(all, item.metadata.name ?? '', v.version);
        const fromAggregated = v.resources.flatMap((r) => [r.resource, ...(r.subresources ?? []).map((s) => `${r.resource}/${s.subresource}`)]).sort();
        assert.deepEqual(fromAggregated, legacy?.resources.map((r) => r.name));
      }
    }
  });

  it('an empty selection gives empty documents', () => {
    assert.deepEqual(aggregatedDiscovery([], 'core', 'v2').items, []);
    assert.deepEqual(apiGroupList([]).groups, []);
    assert.deepEqual(apiVersions([], 'h:1').versions, []);
  });
});
