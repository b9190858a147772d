import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogue, lookup, storagePrefix } from '../src/index.ts';

describe('storagePrefix', () => {
  const table: readonly [string, string, string, string | undefined][] = [
    ['', 'v1', 'pods', 'pods'],
    ['', 'v1', 'services', 'services/specs'],
    ['', 'v1', 'endpoints', 'services/endpoints'],
    ['', 'v1', 'nodes', 'minions'],
    ['', 'v1', 'replicationcontrollers', 'controllers'],
    ['', 'v1', 'namespaces', 'namespaces'],
    ['', 'v1', 'configmaps', 'configmaps'],
    ['networking.k8s.io', 'v1', 'ingresses', 'ingress'],
    ['networking.k8s.io', 'v1', 'networkpolicies', 'networkpolicies'],
    ['apps', 'v1', 'deployments', 'deployments'],
    ['events.k8s.io', 'v1', 'events', 'events'],
    ['autoscaling', 'v1', 'horizontalpodautoscalers', 'horizontalpodautoscalers'],
    ['autoscaling', 'v2', 'horizontalpodautoscalers', 'horizontalpodautoscalers'],
    ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'apiextensions.k8s.io/customresourcedefinitions'],
    ['apiregistration.k8s.io', 'v1', 'apiservices', 'apiregistration.k8s.io/apiservices'],
    ['', 'v1', 'componentstatuses', undefined],
    ['', 'v1', 'bindings', undefined],
    ['authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', undefined],
    ['authentication.k8s.io', 'v1', 'tokenreviews', undefined],
  ];
  for (const [group, version, plural, want] of table) {
    it(`${group || 'core'}/${plural} → ${String(want)}`, () => {
      const info = lookup(group, version, plural);
      assert.ok(info);
      assert.equal(storagePrefix(info), want);
    });
  }

  it('never starts with /registry or a slash, and two stored resources share a prefix only across versions or event groups', () => {
    const owners = new Map<string, Set<string>>();
    for (const r of catalogue()) {
      const prefix = storagePrefix(r);
      if (prefix === undefined) continue;
      assert.ok(!prefix.startsWith('/'), prefix);
      owners.set(prefix, (owners.get(prefix) ?? new Set()).add(r.kind));
    }
    for (const [prefix, kinds] of owners) assert.equal(kinds.size, 1, `${prefix}: ${[...kinds].join(', ')}`);
  });
});
